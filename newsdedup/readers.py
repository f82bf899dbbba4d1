"""Readers (the I/O edge of a dump): JSONL, a folder of HTML files, WARC; ``-`` is JSONL on stdin.

Every reader yields ``RawDocument`` for what it could read and ``Reject`` (with file, line or
byte offset, and why) for what it could not; one bad line or record never stops the rest.
The format is told from the content (magic bytes), not from the file name.
"""
from __future__ import annotations

import gzip
import html
import io
import json
import os
import re
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import orjson

from pipelines.records import Location, RawDocument, Reject
from pipelines.urls import url_problem

from .warc import GZIP_MAGIC, MAX_DOCUMENT_BYTES, read_warc

SNIFF_BYTES = 64 * 1024
JSONL_FIELDS = ("html", "text", "title", "published", "lang", "fetched_at")
HTML_HINT = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|title|div|p|article)\b", re.I)
CANONICAL_PATTERNS = (
    re.compile(rb'<link[^>]+rel=["\']?canonical["\']?[^>]*href=["\']([^"\'>\s]+)', re.I),
    re.compile(rb'<link[^>]+href=["\']([^"\'>\s]+)["\'][^>]*rel=["\']?canonical', re.I),
    re.compile(rb'<meta[^>]+property=["\']og:url["\'][^>]*content=["\']([^"\'>\s]+)', re.I),
    re.compile(rb'<meta[^>]+content=["\']([^"\'>\s]+)["\'][^>]*property=["\']og:url', re.I),
)


class InputError(Exception):
    """A path given on the command line cannot be read at all (exit code 2, nothing written)."""


def check_paths(paths: list[str]) -> None:
    """Fail before any work if there is no input path, or one is missing or unreadable."""
    if not paths:
        raise InputError("no input given: name a file, a folder or - (stdin)")
    for path in paths:
        if path == "-":
            continue
        if not os.path.exists(path):
            raise InputError(f"{path}: no such file or folder")
        if not os.access(path, os.R_OK) or (os.path.isdir(path) and not os.access(path, os.X_OK)):
            raise InputError(f"{path}: not readable (permission denied)")


def sniff(head: bytes) -> str:
    """Format of a file from its first bytes (already gunzipped): warc, jsonl, html or unknown."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"WARC/", b"filedesc://")):
        return "warc"
    if stripped.startswith(b"{") or (not stripped.startswith(b"<") and _has_object_line(head)):
        return "jsonl"
    if HTML_HINT.search(head[:SNIFF_BYTES]):
        return "html"
    return "unknown"


def _has_object_line(head: bytes) -> bool:
    """Whether a line of ``head`` opens a JSON object with a key (``{"``): JSONL whose first line
    is something else (a list, a stray line) is still JSONL, judged line by line."""
    return any(line.lstrip(b"\xef\xbb\xbf \t\r").startswith(b'{"') for line in head.split(b"\n"))


def _head(path: Path) -> tuple[bytes, bool]:
    """The first bytes of ``path`` (gunzipped if it is gzip) and whether it was gzip.

    Raises zlib.error when the gzip data is corrupt (reported as ``corrupt-gzip``).
    """
    with open(path, "rb") as fh:
        raw = fh.read(SNIFF_BYTES)
    if not raw.startswith(GZIP_MAGIC):
        return raw, False
    return zlib.decompressobj(wbits=31).decompress(raw, SNIFF_BYTES), True


def _not_regular(mode: int) -> str | None:
    """What a non-regular file is (reading a FIFO or a device would block or never end)."""
    for test, name in ((stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISDIR, "folder")):
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "special file"


def check_not_output(paths: list[str], out_dir: Path) -> None:
    """Fail before any work if an input is the output folder or lies inside it: the run would
    read its own previous output back (and an input file could be replaced by the output set's
    link). An output folder nested inside an input folder is fine: the walk skips it."""
    out = Path(out_dir).resolve()
    for path in paths:
        if path == "-":
            continue
        resolved = Path(path).resolve()
        if resolved == out or out in resolved.parents:
            raise InputError(f"{path}: inside the output folder {out_dir} (the run would read its "
                             "own output); write the output elsewhere")


class FileNames:
    """The ``file:`` URL of each saved page that states no URL of its own.

    ``file:<path inside the folder>`` (a file named on the command line: its name) keeps ids
    stable across machines. When a *different* file already holds that name in this run (two
    input folders both holding ``index.html``, ``a/index.html`` and ``b/index.html`` named on
    the command line), the later one is ``file:///<absolute path>``, so two files are never
    taken for one page; the same file read twice keeps one name (a true ``duplicate-url``).
    Memory: one entry per such page."""

    def __init__(self) -> None:
        self._owner: dict[str, str] = {}  # file: URL -> the real path that holds it

    def url(self, path: Path, name: str) -> str:
        short = f"file:{name}"
        real = os.path.realpath(path)
        if self._owner.setdefault(short, real) == real:
            return short
        return Path(real).as_uri()


def read_inputs(paths: list[str], stdin: BinaryIO | None = None,
                skip: Path | None = None) -> Iterator[RawDocument | Reject]:
    """Yield documents and rejects from every path in order (folders walked in sorted order;
    ``skip``: a folder left out of every walk, the run's output folder).

    A path named on the command line is what the user asked for: an empty file there (or one
    of blank lines) holds no document (like empty stdin, so ``cluster`` can refuse to publish
    nothing), and a pipe (``<(zcat dump.jsonl.gz)``) is read as JSONL, like ``-``. Inside folders an empty file is a
    reject and a pipe is never opened (it could block the walk forever)."""
    names = FileNames()  # one per run: page names never collide across inputs
    for path in paths:
        if path == "-":
            yield from read_jsonl_stream(stdin or io.BytesIO(), "<stdin>", STREAM_GZIP_HINT)
        elif os.path.isdir(path):
            yield from read_folder(Path(path), skip, names)
        elif _is_pipe(path):
            with open(path, "rb") as fh:
                yield from read_jsonl_stream(fh, path, STREAM_GZIP_HINT)
        elif not _is_empty_file(path):
            yield from read_file(Path(path), Path(path).name, names)


def _is_pipe(path: str) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


def _is_empty_file(path: str) -> bool:
    """A regular file with nothing in it but white space (blank JSONL lines, a BOM): no
    document, as for empty stdin (exit 3), not an ``unsupported-format`` reject (exit 5)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > SNIFF_BYTES:
            return False
        with open(path, "rb") as fh:
            return not fh.read(SNIFF_BYTES).lstrip(b"\xef\xbb\xbf").strip()
    except OSError:
        return False


def read_folder(root: Path, skip: Path | None = None,
                names: FileNames | None = None) -> Iterator[RawDocument | Reject]:
    """Every non-hidden file below ``root``, sorted, each read by its detected format
    (``skip``: a folder not walked, e.g. the run's own output folder inside ``root``).
    Links to folders are followed (a dump's folder of links to day folders is common); a link
    to a folder already walked in this call (``up -> ..``, two links to one folder) is a
    ``symlink-loop`` reject naming it, so nothing is read twice or for ever. Memory: one real
    path per folder."""
    unlisted: list[OSError] = []  # sub-folders os.walk could not list: rejects, not silence
    skip = skip.resolve() if skip is not None else None
    names = names or FileNames()
    walked = {os.path.realpath(root)}
    for folder, dirnames, filenames in os.walk(root, onerror=unlisted.append, followlinks=True):
        yield from _unlisted(unlisted)
        kept = []
        for d in sorted(d for d in dirnames if not d.startswith(".")
                        and (skip is None or (Path(folder) / d).resolve() != skip)):
            real = os.path.realpath(Path(folder) / d)
            if real in walked:
                yield Reject(Location(str(Path(folder) / d)), "symlink-loop",
                             f"a link to {real}, a folder already read: not read again")
            else:
                walked.add(real)
                kept.append(d)
        dirnames[:] = kept
        for name in sorted(f for f in filenames if not f.startswith(".")):
            path = Path(folder) / name
            yield from read_file(path, path.relative_to(root).as_posix(), names)
    yield from _unlisted(unlisted)


def _unlisted(errors: list[OSError]) -> Iterator[Reject]:
    while errors:
        err = errors.pop(0)
        yield Reject(Location(str(err.filename)), "unreadable", f"folder skipped: {err.strerror}")


def read_file(path: Path, display_name: str,
              names: FileNames | None = None) -> Iterator[RawDocument | Reject]:
    """One file of any supported format (``display_name``: its path inside the input folder;
    ``names``: the run's page names, see FileNames)."""
    where = Location(str(path))
    try:
        special = _not_regular(os.stat(path).st_mode)
        if special:
            yield Reject(where, "not-a-file", f"a {special}, not a regular file: not read")
            return
        head, gzipped = _head(path)
    except OSError as err:
        yield Reject(where, "unreadable", str(err))
        return
    except zlib.error as err:
        yield Reject(where, "corrupt-gzip", f"gzip data cannot be decompressed: {err}")
        return
    kind = sniff(head)
    if kind == "warc":
        yield from read_warc(path)
    elif kind == "jsonl":
        damage = _gzip_damage(path) if gzipped else None
        if damage is not None:
            yield Reject(where, "corrupt-gzip", damage)
            return
        try:
            with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as fh:
                yield from read_jsonl_stream(fh, str(path))
        except OSError as err:
            yield Reject(where, "unreadable", str(err))
    elif kind == "html":
        yield read_html_file(path, display_name, gzipped, names)
    else:
        detail = "empty file" if not head else f"not HTML, JSONL or WARC (starts {head[:8]!r})"
        yield Reject(where, "unsupported-format", detail)


def _gzip_damage(path: Path) -> str | None:
    """Why the gzip file ``path`` cannot be trusted, or None. Read once through before any
    record is: corrupt deflate data decompresses to garbage for a while before zlib or the
    CRC check notices (50 flipped bytes in a 2,000-line JSONL.gz gave 3 articles of garbled
    text and 741 false rejects before the corrupt-gzip one), and which records came before
    the damage cannot be told; so none is read, and the one reject says so. A file merely
    cut short is not damage: every record before the cut is whole (read as usual, ending with
    a ``truncated`` reject). ~1 s per 500 MB of JSONL."""
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except EOFError:
        return None  # cut short: see read_jsonl_stream
    except (zlib.error, gzip.BadGzipFile) as err:
        return (f"the gzip data is damaged ({type(err).__name__}: {err}): none of its records "
                "was read, since those before the damage cannot be told from garbage "
                "(`gzip -t` confirms; recompress it from a good copy)")
    return None


def page_url(body: bytes, fallback: str) -> str:
    """The page's own URL (canonical link or og:url) or ``fallback``. The attribute's character
    references are resolved as a browser does (``&amp;`` is ``&``: WeChat's og:url writes every
    query separator so), or the URL would differ from the same page's in JSONL or WARC."""
    head = body[:SNIFF_BYTES]
    for pattern in CANONICAL_PATTERNS:
        match = pattern.search(head)
        if match and match.group(1).startswith((b"http://", b"https://")):
            url = html.unescape(match.group(1).decode("ascii", "replace"))
            if url_problem(url) is None:
                return url
    return fallback


def read_html_file(path: Path, display_name: str, gzipped: bool,
                   names: FileNames | None = None) -> RawDocument | Reject:
    """A saved page; its URL from the page itself, else ``file:<name>`` (stable across machines;
    unique in the run, see FileNames). Two files stating one canonical URL are one page saved
    twice: the later is a ``duplicate-url`` reject naming the first."""
    where = Location(str(path))
    try:
        with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as fh:
            body = fh.read(MAX_DOCUMENT_BYTES + 1)
    except EOFError as err:
        return Reject(where, "truncated", f"gzip data cut short: {err}")
    except (zlib.error, gzip.BadGzipFile) as err:
        return Reject(where, "corrupt-gzip", f"{type(err).__name__}: {err}")
    except OSError as err:
        return Reject(where, "unreadable", f"{type(err).__name__}: {err}")
    if len(body) > MAX_DOCUMENT_BYTES:
        return Reject(where, "too-large", f"over {MAX_DOCUMENT_BYTES} bytes")
    url = page_url(body, "")
    if not url:
        url = (names or FileNames()).url(path, display_name)
    return RawDocument(url=url, location=where, body=body)


STREAM_GZIP_HINT = ("gzip data on a stream, not JSONL text: name the .gz file as an input (gzip is "
                    "detected there) or decompress it: zcat FILE.jsonl.gz | newsdedup cluster -")


def read_jsonl_stream(fh: BinaryIO, name: str,
                      gzip_hint: str = "gzip data inside gzip, not JSONL text: decompress it "
                                       "once (zcat FILE | newsdedup cluster -)"
                      ) -> Iterator[RawDocument | Reject]:
    """JSON Lines: ``url`` required; ``html`` or ``text``; optional metadata fields. Each line is
    judged alone; gzip data that is cut or corrupt ends the file with a reject at that line.
    Blank lines are skipped, neither inputs nor rejects (``cat a.jsonl b.jsonl`` and editors
    leave them). Gzip data where the text should start ends the stream with one
    ``unsupported-format`` reject saying so (``gzip_hint``), not a reject per binary line."""
    number = 0
    while True:
        where = Location(name, line=number + 1)
        try:
            line = fh.readline(MAX_DOCUMENT_BYTES + 1)
            if len(line) > MAX_DOCUMENT_BYTES:
                # Skip the rest of an oversized line so the next line is read whole.
                rest = line
                while rest and not rest.endswith(b"\n"):
                    rest = fh.readline(MAX_DOCUMENT_BYTES)
        except EOFError as err:
            yield Reject(where, "truncated", f"gzip data cut short: {err}")
            return
        except (zlib.error, gzip.BadGzipFile) as err:
            yield Reject(where, "corrupt-gzip", f"{type(err).__name__}: {err}")
            return
        if not line:
            return
        number += 1
        if len(line) > MAX_DOCUMENT_BYTES:
            yield Reject(where, "too-large", f"line over {MAX_DOCUMENT_BYTES} bytes")
            continue
        if not line.strip():
            continue
        if number == 1 and line.startswith(GZIP_MAGIC):
            yield Reject(where, "unsupported-format", gzip_hint)
            return
        yield parse_jsonl_line(line, where)


def parse_jsonl_line(line: bytes, where: Location) -> RawDocument | Reject:
    """One JSONL record, validated field by field."""
    record = _fast_record(line)
    # orjson refuses a lone surrogate (json lets "\ud800" through): only json's records need
    # the check, which encodes every string again (~0.2 s of a 200 MB file of pages)
    checked = record is not None
    try:
        if record is None:
            # without its line break: an unterminated string then says so, instead of
            # "Invalid control character" for the newline it ran into
            record = json.loads(line.decode("utf-8-sig").rstrip("\r\n"))
    except UnicodeDecodeError as err:
        return Reject(where, "malformed-json", f"not UTF-8 at byte {err.start}")
    except json.JSONDecodeError as err:
        # json's own message may end in "at" ("Invalid control character at")
        return Reject(where, "malformed-json",
                      f"{err.msg.removesuffix(' at')} at column {err.colno}")
    except RecursionError:
        return Reject(where, "unsafe-json", "nested deeper than the parser's recursion limit")
    except ValueError as err:  # Python's int-from-string limit: an integer over 4,300 digits
        return Reject(where, "unsafe-json", str(err)[:200])
    if not isinstance(record, dict):
        return Reject(where, "malformed-json", f"a JSON {type(record).__name__}, not an object")
    url = record.get("url")
    if url is not None and not isinstance(url, str):
        return Reject(where, "bad-field", f"'url' is a {type(url).__name__}")
    if not isinstance(url, str) or not url.strip():
        return Reject(where, "missing-url", "no 'url' string")
    if not checked and not _encodable(url):
        return Reject(where, "bad-unicode", "lone surrogate in 'url'")
    problem = url_problem(url)
    if problem:
        return Reject(where, "bad-url", problem, url)
    fields = {}
    for key in JSONL_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            return Reject(where, "bad-field", f"'{key}' is a {type(value).__name__}", url)
        if value is not None and not checked and not _encodable(value):
            return Reject(where, "bad-unicode", f"lone surrogate in '{key}'", url)
        fields[key] = value
    if not fields["html"] and not (fields["text"] or "").strip():
        return Reject(where, "missing-content", "neither 'html' nor 'text'" if not fields["text"]
                      else "'text' is blank and there is no 'html'", url)
    return RawDocument(url=url.strip(), location=where, **fields)


def _fast_record(line: bytes) -> dict | None:
    """``line`` parsed by orjson (~2.5x json on a page's html) when the result is sure to be
    json's own: an object of strings, nulls, booleans and integers. Anything else (a parse
    error, a float that may be an integer too long for orjson, nested values) is None: json
    reads it, with its exact error messages and limits."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if isinstance(record, dict) and all(value is None or type(value) in _PLAIN
                                        for value in record.values()):
        return record
    return None


_PLAIN = (str, bool, int)


def _encodable(text: str) -> bool:
    """False for a string with a lone surrogate (JSON allows the escape; UTF-8 cannot hold it)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
