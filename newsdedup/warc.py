"""WARC records as documents or rejects (``newsdedup.readers`` hands WARC files here).

Each record is checked against its declared Content-Length: a record whose block runs into the
next record's header (the length is too large), or is followed by more of its block (too
small: the page read would be cut), is rejected and reading resumes at the next record; a
record the file ends inside (a cut file, a cut .warc.gz member) is rejected as ``truncated``,
never kept with partial text.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from pipelines.records import Location, RawDocument, Reject
from pipelines.urls import url_problem

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # a news page over 10 MB is not a news page
GZIP_MAGIC = b"\x1f\x8b"
WARC_DOCUMENT_TYPES = ("response", "resource")
WARC_ERRORS = (Exception,)  # warcio raises many types (ArchiveLoadFailed, zlib.error, ValueError…)
# A record separator followed by the next record's first line: inside a record's block it means the
# declared Content-Length was too large and the record swallowed the one after it.
WARC_NEXT_RECORD = b"\r\n\r\nWARC/1."


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


def _gzip_cut_at(path: Path) -> int | None:
    """Offset of the gzip member the file ends inside (a .warc.gz cut mid-record), else None.

    One streaming pass (64 KB of output at a time, so a decompression bomb costs time, not
    memory); corrupt members are left to the record parser (``broken-warc-record``).
    """
    member, pos, data = 0, 0, b""
    unpack = zlib.decompressobj(wbits=31)
    with open(path, "rb") as fh:
        while True:
            if not data:
                data = fh.read(1 << 20)
                if not data:
                    return member if pos > member else None
            try:
                unpack.decompress(data, 1 << 16)
            except zlib.error:
                return None
            rest = unpack.unused_data if unpack.eof else unpack.unconsumed_tail
            pos += len(data) - len(rest)
            data = rest
            if unpack.eof:
                member, unpack = pos, zlib.decompressobj(wbits=31)


def read_warc(path: Path) -> Iterator[RawDocument | Reject]:
    """HTTP response (and resource) records; a broken record is rejected and reading resumes
    at the next record start. Every record is checked against its declared Content-Length: one
    that runs into the next record is rejected (``warc-length-mismatch``) and reading resumes at
    that next record; one the file ends inside is rejected (``truncated``), never kept partial."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    cut_at = _gzip_cut_at(path) if gzipped else None
    cut_reported = False
    start: int | None = 0
    while start is not None:
        with open(path, "rb") as fh:
            fh.seek(start)
            records = ArchiveIterator(fh)
            # warcio prints "Record not followed by newline" on stderr when a record's
            # Content-Length ends before its block does, and counts it in err_count: each
            # record's result waits until the next record is read, and is then rejected
            records.INC_RECORD = ""
            resume = None
            held: tuple[RawDocument | Reject | None, int] | None = None
            try:
                for record in records:
                    if held is not None:
                        if (late := _shorter_than_declared(*held, records.err_count)) is not None:
                            yield late
                        held = None
                    # At this point ``records.offset`` is where the current record starts.
                    where = Location(str(path), offset=records.offset)
                    if cut_at is not None and records.offset >= cut_at:
                        cut_reported = True
                        yield Reject(where, "truncated", "the file ends inside this record")
                        break
                    result, overrun = warc_record(record, where)
                    if overrun:
                        yield result
                        resume = _next_record_start(path, records.offset, gzipped)
                        break
                    held = (result, records.err_count)
                else:
                    if held is not None:
                        if (late := _shorter_than_declared(*held, records.err_count)) is not None:
                            yield late
                        held = None
                    if not gzipped and _unread_tail(fh, records.offset):
                        # warcio stops quietly at a record whose headers the file ends inside
                        yield Reject(Location(str(path), offset=records.offset), "truncated",
                                     "the file ends inside this record's headers")
                start = resume
            except WARC_ERRORS as err:
                short = held is not None and records.err_count > held[1]
                if held is not None and (late := _shorter_than_declared(*held, records.err_count)):
                    yield late  # the record before the broken one
                broken_at = records.offset
                if short:  # what broke is the rest of that short record: resume after it
                    start = _next_record_start(path, broken_at, gzipped)
                    continue
                if cut_at is not None and broken_at >= cut_at:
                    cut_reported = True
                    yield Reject(Location(str(path), offset=broken_at), "truncated",
                                 "the file ends inside this record")
                    break
                yield Reject(Location(str(path), offset=broken_at), "broken-warc-record",
                             f"{type(err).__name__}: {err}"[:300])
                start = _next_record_start(path, broken_at, gzipped)
    if cut_at is not None and not cut_reported:
        yield Reject(Location(str(path), offset=cut_at), "truncated",
                     "the file ends inside this record (a cut gzip member)")


def _shorter_than_declared(result: RawDocument | Reject | None, errors_before: int,
                           errors_now: int) -> RawDocument | Reject | None:
    """``result``, or a ``warc-length-mismatch`` reject in its place when bytes other than the
    record separator followed its declared block (warcio's ``err_count`` grew): the
    Content-Length ends before the record does, and the page read is cut."""
    if errors_now <= errors_before:
        return result
    if result is None:
        return None  # a record that holds no page (request, metadata): nothing to reject
    return Reject(result.location, "warc-length-mismatch",
                  "declared Content-Length ends before the record does: the page read is cut",
                  result.url)


def _unread_tail(fh, offset: int) -> bool:
    """Whether anything but whitespace follows ``offset`` (where the record parser stopped)."""
    fh.seek(offset)
    return bool(fh.read(1 << 16).strip())


def _drain(stream, seen: bytes = b"") -> bool:
    """Read ``stream`` to its end; whether the bytes (after ``seen``) hold the next record's start."""
    tail, found = seen[-len(WARC_NEXT_RECORD):], WARC_NEXT_RECORD in seen
    while True:
        chunk = stream.read(1 << 16)
        if not chunk:
            return found
        found = found or WARC_NEXT_RECORD in tail + chunk
        tail = chunk[-len(WARC_NEXT_RECORD):]


def warc_record(record, where: Location) -> tuple[RawDocument | Reject | None, bool]:
    """(what the record gives, whether its declared length ran into the next record).

    A record that holds no page gives None unless its length is wrong. A record without a
    WARC-Type or a Content-Length is broken (its block would be the rest of the file)."""
    if record.rec_type is None or record.length is None or record.length < 0:
        problem = "no WARC-Type" if record.rec_type is None else \
            "no Content-Length" if record.length is None else f"Content-Length {record.length}"
        return Reject(where, "broken-warc-record", f"a record with {problem}"), True
    result = warc_document(record, where) if record.rec_type in WARC_DOCUMENT_TYPES else None
    body = result.body if isinstance(result, RawDocument) else b""
    overrun = _drain(record.raw_stream, body or b"")
    short = getattr(record.raw_stream, "limit", 0)  # warcio's LimitReader of a length ≥ 0
    url = record.rec_headers.get_header("WARC-Target-URI") or None
    if overrun:
        return Reject(where, "warc-length-mismatch",
                      f"declared Content-Length {record.length} runs into the next record",
                      url), True
    if short > 0:
        return Reject(where, "truncated", f"the file ends {short} bytes before the end the "
                      f"record declares (Content-Length {record.length})", url), False
    return result, False


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
    problem = url_problem(url)
    if problem:
        return Reject(where, "bad-url", problem, url)
    return RawDocument(url=url, location=where, body=body, content_type=content_type,
                       fetched_at=fetched_at)
