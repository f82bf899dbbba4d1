"""Shared test helpers: where ../shared is, and small builders for real input files."""
from __future__ import annotations

import contextlib
import io
import threading
import uuid
from collections.abc import Iterator
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


@contextlib.contextmanager
def serve_folder(root: Path) -> Iterator[str]:
    """A loopback HTTP server over the files of ``root``, for as long as the block runs; yields
    its base URL (``http://127.0.0.1:PORT``)."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_outlet(root: Path, base: str, article: str, pub_date: str | None = None) -> None:
    """One outlet's files under ``root`` as served at ``base``: robots.txt allowing all, an RSS
    feed (``rss.xml``, its item dated ``pub_date`` if given) pointing to ``a/1.html``."""
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (root / "a").mkdir(exist_ok=True)
    (root / "a" / "1.html").write_text(article, encoding="utf-8")
    date = f"<pubDate>{pub_date}</pubDate>" if pub_date else ""
    (root / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Up</title><item>'
        f"<title>Council approves budget</title><link>{base}/a/1.html</link>{date}</item>"
        "</channel></rss>")
