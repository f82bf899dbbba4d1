"""Readers (the I/O edge of a dump): JSONL, a folder of HTML files, WARC; ``-`` is JSONL on stdin.

Every reader yields ``RawDocument`` for what it could read and ``Reject`` (with file, line or
byte offset, and why) for what it could not; one bad line or record never stops the rest.
The format is told from the content (magic bytes), not from the file name.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pipelines.records import Location, RawDocument, Reject

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # a news page over 10 MB is not a news page
SNIFF_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
JSONL_FIELDS = ("html", "text", "title", "published", "lang", "fetched_at")
HTML_HINT = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|title|div|p|article)\b", re.I)
CANONICAL_PATTERNS = (
    re.compile(rb'<link[^>]+rel=["\']?canonical["\']?[^>]*href=["\']([^"\'>\s]+)', re.I),
    re.compile(rb'<link[^>]+href=["\']([^"\'>\s]+)["\'][^>]*rel=["\']?canonical', re.I),
    re.compile(rb'<meta[^>]+property=["\']og:url["\'][^>]*content=["\']([^"\'>\s]+)', re.I),
    re.compile(rb'<meta[^>]+content=["\']([^"\'>\s]+)["\'][^>]*property=["\']og:url', re.I),
)
WARC_DOCUMENT_TYPES = ("response", "resource")
WARC_ERRORS = (Exception,)  # warcio raises many types (ArchiveLoadFailed, zlib.error, ValueError…)


class InputError(Exception):
    """A path given on the command line cannot be read at all (exit code 2, nothing written)."""


def check_paths(paths: list[str]) -> None:
    """Fail before any work if an input path is missing or unreadable."""
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
    if stripped.startswith(b"{"):
        return "jsonl"
    if HTML_HINT.search(head[:SNIFF_BYTES]):
        return "html"
    return "unknown"


def _head(path: Path) -> tuple[bytes, bool]:
    """The first bytes of ``path`` (gunzipped if it is gzip) and whether it was gzip."""
    with open(path, "rb") as fh:
        raw = fh.read(SNIFF_BYTES)
    if not raw.startswith(GZIP_MAGIC):
        return raw, False
    try:
        return zlib.decompressobj(wbits=31).decompress(raw, SNIFF_BYTES), True
    except zlib.error:
        return b"", True


def read_inputs(paths: list[str], stdin: BinaryIO | None = None) -> Iterator[RawDocument | Reject]:
    """Yield documents and rejects from every path in order (folders walked in sorted order)."""
    for path in paths:
        if path == "-":
            yield from read_jsonl_stream(stdin or io.BytesIO(), "<stdin>")
        elif os.path.isdir(path):
            yield from read_folder(Path(path))
        else:
            yield from read_file(Path(path), Path(path).name)


def read_folder(root: Path) -> Iterator[RawDocument | Reject]:
    """Every non-hidden file below ``root``, sorted, each read by its detected format."""
    unlisted: list[OSError] = []  # sub-folders os.walk could not list: rejects, not silence
    for folder, dirnames, filenames in os.walk(root, onerror=unlisted.append):
        yield from _unlisted(unlisted)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(f for f in filenames if not f.startswith(".")):
            path = Path(folder) / name
            yield from read_file(path, path.relative_to(root).as_posix())
    yield from _unlisted(unlisted)


def _unlisted(errors: list[OSError]) -> Iterator[Reject]:
    while errors:
        err = errors.pop(0)
        yield Reject(Location(str(err.filename)), "unreadable", f"folder skipped: {err.strerror}")


def read_file(path: Path, display_name: str) -> Iterator[RawDocument | Reject]:
    """One file of any supported format."""
    where = Location(str(path))
    try:
        head, gzipped = _head(path)
    except OSError as err:
        yield Reject(where, "unreadable", str(err))
        return
    kind = sniff(head)
    if kind == "warc":
        yield from read_warc(path)
    elif kind == "jsonl":
        with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as fh:
            yield from read_jsonl_stream(fh, str(path))
    elif kind == "html":
        yield read_html_file(path, display_name, gzipped)
    else:
        detail = "empty file" if not head else f"not HTML, JSONL or WARC (starts {head[:8]!r})"
        yield Reject(where, "unsupported-format", detail)


def page_url(body: bytes, fallback: str) -> str:
    """The page's own URL (canonical link or og:url) or ``fallback``."""
    head = body[:SNIFF_BYTES]
    for pattern in CANONICAL_PATTERNS:
        match = pattern.search(head)
        if match and match.group(1).startswith((b"http://", b"https://")):
            return match.group(1).decode("ascii", "replace")
    return fallback


def read_html_file(path: Path, display_name: str, gzipped: bool) -> RawDocument | Reject:
    """A saved page; its URL from the page itself, else ``file:<name>`` (stable across machines)."""
    where = Location(str(path))
    try:
        with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as fh:
            body = fh.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, EOFError, zlib.error) as err:
        return Reject(where, "unreadable", f"{type(err).__name__}: {err}")
    if len(body) > MAX_DOCUMENT_BYTES:
        return Reject(where, "too-large", f"over {MAX_DOCUMENT_BYTES} bytes")
    return RawDocument(url=page_url(body, f"file:{display_name}"), location=where, body=body)


def read_jsonl_stream(fh: BinaryIO, name: str) -> Iterator[RawDocument | Reject]:
    """JSON Lines: ``url`` required; ``html`` or ``text``; optional metadata fields."""
    for number, line in enumerate(iter(lambda: fh.readline(MAX_DOCUMENT_BYTES + 1), b""), 1):
        where = Location(name, line=number)
        if len(line) > MAX_DOCUMENT_BYTES:
            # Skip the rest of an oversized line so the next line is read whole.
            while line and not line.endswith(b"\n"):
                line = fh.readline(MAX_DOCUMENT_BYTES)
            yield Reject(where, "too-large", f"line over {MAX_DOCUMENT_BYTES} bytes")
            continue
        if not line.strip():
            continue
        yield parse_jsonl_line(line, where)


def parse_jsonl_line(line: bytes, where: Location) -> RawDocument | Reject:
    """One JSONL record, validated field by field."""
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        return Reject(where, "malformed-json", f"not UTF-8 at byte {err.start}")
    except json.JSONDecodeError as err:
        return Reject(where, "malformed-json", f"{err.msg} at column {err.colno}")
    if not isinstance(record, dict):
        return Reject(where, "malformed-json", f"a JSON {type(record).__name__}, not an object")
    url = record.get("url")
    if not isinstance(url, str) or not url.strip():
        return Reject(where, "missing-url", "no 'url' string")
    fields = {}
    for key in JSONL_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            return Reject(where, "bad-field", f"'{key}' is a {type(value).__name__}", url)
        fields[key] = value
    if not fields["html"] and not fields["text"]:
        return Reject(where, "missing-content", "neither 'html' nor 'text'", url)
    return RawDocument(url=url.strip(), location=where, **fields)


def _next_record_start(path: Path, after: int, gzipped: bool) -> int | None:
    """Offset of the next plausible record start after a broken one (gzip member or WARC/1.)."""
    marker = b"\x1f\x8b\x08" if gzipped else b"\nWARC/1."
    skip = 0 if gzipped else 1  # the newline before "WARC/" belongs to the previous record
    chunk_size = 1 << 20
    with open(path, "rb") as fh:
        position = after + 1
        while True:
            fh.seek(position)
            chunk = fh.read(chunk_size + len(marker))
            if not chunk:
                return None
            found = chunk.find(marker)
            if found >= 0:
                return position + found + skip
            position += chunk_size


def read_warc(path: Path) -> Iterator[RawDocument | Reject]:
    """HTTP response (and resource) records; a broken record is rejected and reading resumes
    at the next record start."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    start: int | None = 0
    while start is not None:
        with open(path, "rb") as fh:
            fh.seek(start)
            records = ArchiveIterator(fh)
            try:
                for record in records:
                    # At this point ``records.offset`` is where the current record starts.
                    document = warc_document(record, Location(str(path), offset=records.offset))
                    if document is not None:
                        yield document
                start = None
            except WARC_ERRORS as err:
                broken_at = records.offset
                yield Reject(Location(str(path), offset=broken_at), "broken-warc-record",
                             f"{type(err).__name__}: {err}"[:300])
                start = _next_record_start(path, broken_at, gzipped)


def warc_document(record, where: Location) -> RawDocument | Reject | None:
    """A document from one WARC record, a Reject, or None for records that hold no page."""
    if record.rec_type not in WARC_DOCUMENT_TYPES:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    where = Location(where.path, offset=where.offset, member=url or None)
    fetched_at = record.rec_headers.get_header("WARC-Date")
    content_type = record.rec_headers.get_header("Content-Type")
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if not str(status).startswith("2"):
            return Reject(where, "http-status", f"HTTP {status}", url or None)
        content_type = record.http_headers.get_header("Content-Type")
    elif record.rec_type == "response":
        return Reject(where, "broken-warc-record", "response without HTTP headers", url or None)
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime and not (mime.startswith("text/") or "html" in mime or mime.endswith("xml")):
        return Reject(where, "not-html", f"Content-Type {mime}", url or None)
    body = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
    if len(body) > MAX_DOCUMENT_BYTES:
        return Reject(where, "too-large", f"payload over {MAX_DOCUMENT_BYTES} bytes", url or None)
    if not url:
        return Reject(where, "missing-url", "record has no WARC-Target-URI")
    return RawDocument(url=url, location=where, body=body, content_type=content_type,
                       fetched_at=fetched_at)
