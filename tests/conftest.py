"""Shared test helpers: where ../shared is, and small builders for real input files."""
from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXTRACTION_DATA = SHARED / "data" / "extraction"


def shared_or_skip(*parts: str) -> Path:
    """A path under ../shared/data/extraction, or skip the test when the data is not there."""
    path = EXTRACTION_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is only beside developer and CI checkouts)")
    return path


def warc_bytes(pages: list[tuple[str, bytes, str]], gzip: bool = True, status: str = "200 OK",
               date: str = "2026-05-01T08:00:00Z") -> bytes:
    """A WARC file of HTTP response records, one per (url, body, content type)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    for url, body, content_type in pages:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers,
            warc_headers_dict={"WARC-Date": date,
                               "WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>"})
        writer.write_record(record)
    return buffer.getvalue()
