"""Bytes → HTML text, without trusting what the page says about itself.

Charsets lie both ways: portals declare GB2312 and serve UTF-8, or declare nothing and serve GBK.
So the order is: binary sniff → BOM → strict UTF-8 → HTTP charset → <meta>/<?xml?> charset →
detection (charset-normalizer, restricted to the codecs this project meets). Each step must
decode *strictly*; a failing declaration falls through instead of filling the page with U+FFFD.
Only when everything fails do we decode with errors="replace" and say so in ``method``
(RejectError("undecodable") if even that is mostly replacement characters).

Measured on chinese-wce-69 (gb2312 35, gbk 5, utf8 4, undeclared 25 pages): plain
trafilatura.extract on the raw bytes (its own UTF-8-else-charset-normalizer guess, which reads
undeclared GBK pages as iso8859_13/ptcp154) F1 0.735; the same call on decode_html's text 0.895.
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from re import _constants as sc  # the stdlib regex parser (Python 3.11+)
from re import _parser as sp

import ftfy
import numpy as np
from charset_normalizer import from_bytes
from ftfy.badness import BADNESS_RE, is_bad

from pipelines.local_fix import FIX_REACH, fix_locally
from pipelines.records import RejectError

# Declared label → codec we actually decode with. GB2312/GBK pages routinely contain
# characters outside the declared set (姓名用字 like 镕/堃), and GB18030 is a strict superset;
# likewise Big5-HKSCS ⊃ Big5/cp950. Latin-1/ASCII labels mean windows-1252 (WHATWG rule).
CODEC_ALIASES = {
    "gb2312": "gb18030", "gb_2312": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030",
    "euc-cn": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "windows-936": "gb18030", "ms936": "gb18030", "chinese": "gb18030", "gb18030": "gb18030",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "cn-big5": "big5hkscs", "x-x-big5": "big5hkscs",
    "csbig5": "big5hkscs", "cp950": "big5hkscs",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252", "iso8859-1": "cp1252",
    "utf8": "utf-8", "utf-8": "utf-8", "unicode": "utf-8",
}

# Labels that decode any byte string, so a strict decode proves nothing.
SINGLE_BYTE = ("cp1252", "latin-1", "iso8859-1", "ascii")

# What detection may answer. Unrestricted, charset-normalizer happily calls short GBK pages
# cp1250/koi8 etc.; this project reads Chinese and English (plus the odd ja/ko page).
DETECTION_CANDIDATES = ["gb18030", "big5hkscs", "cp1252", "shift_jis", "euc_jp", "cp949"]
# For the errors="replace" last resort only. No single-byte codec here: cp1252 maps almost
# every byte and would always "win".
REPLACE_CANDIDATES = ["utf-8", "gb18030", "big5hkscs", "shift_jis", "euc_jp", "cp949"]

# A page needing more replacements than this is noise, not text (the two real pages that reach
# the last resort in chinese-wce-69 have 1 bad byte in ~40 KB).
MAX_REPLACED_RATIO = 0.01

META_SCAN_BYTES = 4096  # <meta charset> must sit in the head; WHATWG prescans 1024, we allow more
BINARY_SNIFF_BYTES = 4096
MAX_CONTROL_RATIO = 0.02  # text/HTML has ~0 C0 controls besides \t\n\r\f; binaries have many

BINARY_MAGIC = (
    (b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
    (b"\xff\xd8\xff", "jpeg"), (b"PK\x03\x04", "zip"), (b"\x1f\x8b", "gzip"),
    (b"\x28\xb5\x2f\xfd", "zstd"), (b"BZh", "bzip2"), (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"), (b"\xd0\xcf\x11\xe0", "ole"), (b"OggS", "ogg"), (b"ID3", "mp3"),
    (b"wOFF", "woff"), (b"wOF2", "woff2"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"),
    (b"\x00\x00\x01\x00", "ico"), (b"\x7fELF", "elf"),
)

BOMS = (  # UTF-32 first: its LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_META_CHARSET = re.compile(
    rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)", re.I)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


@dataclass(frozen=True)
class Decoded:
    html: str
    encoding: str  # the Python codec used, e.g. "utf-8", "gb18030"
    method: str  # "bom" | "utf-8" | "http" | "meta" | "detected" | "replace"


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode a fetched page; raise RejectError("binary-content") for non-text bodies."""
    _reject_binary(body)
    for bom, codec in BOMS:
        text = _strict(body[len(bom):], codec) if body.startswith(bom) else None
        if text is not None:
            return Decoded(text, codec, "bom")
    _reject_controls(body)
    # ESC only occurs in 7-bit ISO-2022 text, which is also valid ASCII/UTF-8: let the
    # declaration decide those.
    text = _strict(body, "utf-8") if b"\x1b" not in body else None
    if text is not None:
        return Decoded(text, "utf-8", "utf-8")
    declared = [("http", http_charset(content_type)), ("meta", _meta_charset(body))]
    if declared[0][1] in SINGLE_BYTE and declared[1][1] not in (None, *SINGLE_BYTE):
        # A single-byte HTTP label is weak evidence: servers default to ISO-8859-1, and cp1252
        # "decodes" any GB2312 body into mojibake. The page's own multi-byte meta goes first
        # when it decodes strictly (a WARC served as ISO-8859-1 with <meta charset=gb2312>).
        declared.reverse()
    for method, codec in declared:
        text = _strict(body, codec) if codec else None
        if text is not None:
            rival = _rival(body, codec)
            if rival:
                return Decoded(body.decode(rival), rival, "detected")
            return Decoded(text, codec, method)
    codec = _detect(body)
    if codec:
        return Decoded(body.decode(codec), codec, "detected")
    # Last resort (a stray lead byte or a page cut mid-character defeats every strict decode):
    # the multi-byte codec needing the fewest replacements, declarations winning ties.
    candidates = [c for _, c in declared if c] + REPLACE_CANDIDATES
    texts = [(body.decode(c, errors="replace"), c) for c in dict.fromkeys(candidates)]
    text, codec = min(texts, key=lambda tc: tc[0].count("\ufffd"))
    if text.count("\ufffd") > MAX_REPLACED_RATIO * len(text):
        raise RejectError("undecodable", f"{text.count(chr(0xfffd))} of {len(text)} chars unmappable as {codec}")
    return Decoded(text, codec, "replace")


_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _badness_width() -> int | None:
    """The longest match of ftfy's BADNESS_RE when every branch of it needs a non-ASCII
    character (ftfy 6.x), else None (a future ftfy: ``non_ascii_context`` is then not used)."""
    def non_ascii_only(op, arg) -> bool:
        if op is sc.LITERAL:
            return arg >= 0x80
        if op is sc.IN:
            return all((o is sc.LITERAL and a >= 0x80) or (o is sc.RANGE and a[0] >= 0x80)
                       for o, a in arg)
        return False

    parsed = sp.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    branches = parsed.data[0][1][1] if len(parsed.data) == 1 and parsed.data[0][0] is sc.BRANCH \
        else [parsed]
    for branch in branches:
        ops = [op for op, _ in branch.data]
        anchors_ok = all(arg in (sc.AT_BEGINNING, sc.AT_BEGINNING_STRING)
                         for op, arg in branch.data if op is sc.AT)
        if not anchors_ok or not any(non_ascii_only(op, arg) for op, arg in branch.data) \
                or sc.AT in ops[1:]:
            return None
    width = parsed.getwidth()[1]
    return width if width < sc.MAXREPEAT else None


BADNESS_WIDTH = _badness_width()
# ftfy's repair is local (``pipelines.local_fix``) for the ftfy whose patterns were read there (6.x)
LOCAL_FIX = BADNESS_WIDTH is not None and BADNESS_WIDTH <= FIX_REACH and ftfy.__version__.startswith("6.")


def non_ascii_context(text: str, context: int) -> str:
    """Every run of non-ASCII characters of ``text`` with ``context`` characters either side,
    the pieces joined by NUL ("" for ASCII text).

    A pattern whose every match holds a non-ASCII character and is at most ``context`` + 1
    characters long matches this string iff it matches ``text`` (an anchor ``^`` included: a
    piece that does not start the text starts with ASCII): each match lies inside one piece,
    and a NUL is more than ``context`` characters from any non-ASCII one. Found with numpy
    over the UTF-8 bytes: a regex scan of a 265 KB page costs ~10 ms, this ~1 ms."""
    data = text.encode("utf-8", "surrogatepass")
    high = np.flatnonzero(np.frombuffer(data, np.uint8) >= 0x80)
    if not len(high):
        return ""
    # ASCII is one byte per character, so ``context`` bytes beside a run are ``context`` chars
    gaps = np.flatnonzero(np.diff(high) > 2 * context)
    starts = np.maximum(np.concatenate(([high[0]], high[gaps + 1])) - context, 0).tolist()
    ends = (np.concatenate((high[gaps], [high[-1]])) + context + 1).tolist()
    return b"\0".join([data[s:e] for s, e in zip(starts, ends)]).decode("utf-8", "surrogatepass")


def is_mojibake(text: str) -> bool:
    """ftfy's ``is_bad`` (likely mojibake), the same answer read only around the non-ASCII
    characters (every match of its pattern holds one; ``BADNESS_WIDTH``): over a whole 265 KB
    page the pattern costs ~150 ms, over the pieces ~3 ms."""
    if BADNESS_WIDTH is None:
        return is_bad(text)
    pieces = non_ascii_context(text, BADNESS_WIDTH)
    return bool(pieces) and is_bad(pieces)


def looks_mis_decoded(html: str) -> bool:
    """No CJK character and ``is_mojibake``: text a client decoded as Latin-1/cp1252."""
    if html.isascii():
        return False  # mojibake is made of non-ASCII characters
    if _CJK_CHAR.search(html, 0, 4096):
        return False  # the answer for any CJK character, found early on a Chinese text
    if BADNESS_WIDTH is None:
        return not _CJK_CHAR.search(html) and is_bad(html)
    pieces = non_ascii_context(html, BADNESS_WIDTH)  # CJK characters are non-ASCII too
    return bool(pieces) and not _CJK_CHAR.search(pieces) and is_bad(pieces)


@contextmanager
def _ftfy_is_mojibake() -> Iterator[None]:
    """ftfy's own functions calling ``is_mojibake`` for their ``is_bad`` (the same answers; its
    repair of a 600 KB page calls it on the whole text each step: 1.3 s → 0.55 s)."""
    saved = getattr(ftfy, "is_bad", None)
    if saved is not is_bad:  # another ftfy than the one read for BADNESS_WIDTH
        yield
        return
    ftfy.is_bad = is_mojibake
    try:
        yield
    finally:
        ftfy.is_bad = saved


def repair_mojibake(html: str) -> str:
    """HTML text an HTTP client already decoded as Latin-1/cp1252 (a JSONL ``html`` field),
    re-read from its bytes; unchanged when ftfy's badness test finds no mojibake (real
    Portuguese or German text passes it untouched).

    Raises RejectError("mojibake") when it is mis-decoded and no repair gives clean text
    (bytes lost to U+FFFD by the first decode), or when over ``MAX_REPLACED_RATIO`` of it is
    U+FFFD already (``check_not_lost``)."""
    check_not_lost(html)
    if not looks_mis_decoded(html):
        return html
    for codec in ("latin-1", "cp1252"):  # GB/Big5 bytes read as Latin-1: re-read them whole
        try:
            repaired = decode_html(html.encode(codec)).html
        except (UnicodeEncodeError, RejectError):
            continue
        if _CJK_CHAR.search(repaired) and "\ufffd" not in repaired:
            return repaired
    with _ftfy_is_mojibake():  # UTF-8 read as cp1252, partly lost: ftfy's own repair
        fixed = fix_locally(html, ftfy.fix_encoding) if LOCAL_FIX else ftfy.fix_encoding(html)
    if not is_mojibake(fixed) and fixed.count("\ufffd") <= html.count("\ufffd") and "\ufffd" not in fixed:
        return fixed
    raise RejectError("mojibake", "text was mis-decoded before it reached us and no repair reads it")


# A short text with a stray replacement character or two is a real copy (a truncated teaser):
# a wrong codec leaves dozens (a Big5 article read as GBK: 253 in 1,107 characters).
MIN_LOST_CHARS = 10


def check_not_lost(text: str) -> None:
    """RejectError("mojibake") when over ``MAX_REPLACED_RATIO`` of ``text``, and at least
    ``MIN_LOST_CHARS`` characters, are U+FFFD: text
    decoded with a wrong codec before it reached us (Big5 read as GBK), its bytes lost; the
    rule ``decode_html`` applies to the pages it decodes."""
    lost = text.count("\ufffd")
    if lost >= MIN_LOST_CHARS and lost > MAX_REPLACED_RATIO * len(text):
        raise RejectError("mojibake", f"{lost} of {len(text)} characters are U+FFFD: the text was "
                                      "mis-decoded before it reached us and its bytes are lost")


def normalise_codec(label: str | None) -> str | None:
    """Map a declared charset label to the codec to use; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in CODEC_ALIASES:
        return CODEC_ALIASES[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return CODEC_ALIASES.get(name, name)


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def http_charset(content_type: str | None) -> str | None:
    match = _HTTP_CHARSET.search(content_type or "")
    return normalise_codec(match.group(1)) if match else None


def _meta_charset(body: bytes) -> str | None:
    for match in _META_CHARSET.finditer(body[:META_SCAN_BYTES]):
        codec = normalise_codec((match.group(1) or match.group(2)).decode("ascii", "replace"))
        if codec:
            return codec
    return None


# A strict decode proves nothing between these: any byte string is cp1252, and Big5's byte
# ranges are GBK's (a Big5 page declared gb2312 "decodes" into kana and rare characters).
# When a declared label is one of them and another also decodes the body strictly, detection
# among them decides (charset-normalizer's mess and coherence measures).
AMBIGUOUS = ("gb18030", "big5hkscs", "cp1252")


def _rival(body: bytes, declared: str) -> str | None:
    """The codec other than ``declared`` that detection prefers for ``body``, when
    ``declared`` is in ``AMBIGUOUS`` and that codec decodes the body strictly too; else None."""
    if declared not in AMBIGUOUS or body.isascii():
        return None
    others = [c for c in AMBIGUOUS if c != declared and c != "cp1252" and _strict(body, c) is not None]
    if not others:
        return None
    best = from_bytes(body, cp_isolation=[declared, *others]).best()
    codec = normalise_codec(best.encoding) if best is not None else None
    return codec if codec in others else None


def _detect(body: bytes) -> str | None:
    """Best strict-decodable candidate from charset-normalizer, or None."""
    for match in from_bytes(body, cp_isolation=DETECTION_CANDIDATES):
        codec = normalise_codec(match.encoding)
        if codec and _strict(body, codec) is not None:
            return codec
    return None


def _reject_binary(body: bytes) -> None:
    head = body[:16]
    for magic, kind in BINARY_MAGIC:
        if head.startswith(magic):
            raise RejectError("binary-content", kind)
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        raise RejectError("binary-content", head[8:12].decode().strip().lower())
    if head[4:8] == b"ftyp":
        raise RejectError("binary-content", "mp4")


def _reject_controls(body: bytes) -> None:
    sample = body[:BINARY_SNIFF_BYTES]
    controls = len(_CONTROL.findall(sample))
    if sample and controls / len(sample) > MAX_CONTROL_RATIO:
        raise RejectError("binary-content", f"{controls} control bytes in first {len(sample)}")
