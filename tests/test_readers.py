"""Readers: every format, every bad-input class reported with where and why, nothing lost."""
from __future__ import annotations

import gzip
import io
import json

import pytest
from conftest import warc_bytes

from newsdedup.readers import MAX_DOCUMENT_BYTES, InputError, check_paths, read_inputs, sniff
from pipelines.records import RawDocument, Reject

PAGE = ("<!doctype html><html><head><title>{t}</title>"
        "<link rel='canonical' href='https://news.example.cn/{t}.html'></head>"
        "<body><article><p>{t} body text.</p></article></body></html>")


def docs_and_rejects(items):
    items = list(items)
    return ([i for i in items if isinstance(i, RawDocument)],
            [i for i in items if isinstance(i, Reject)])


def test_jsonl_good_and_bad_lines_are_all_accounted_for(tmp_path):
    lines = [
        json.dumps({"url": "https://a.example/1", "html": "<p>x</p>", "title": "T",
                    "published": "2026-05-01", "lang": "zh", "fetched_at": "2026-05-02"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"html": "<p>no url</p>"}),
        json.dumps({"url": "https://a.example/2"}),
        json.dumps({"url": "https://a.example/3", "text": 42}),
        "",
        json.dumps({"url": "https://a.example/4", "text": "plain text ok"}, ensure_ascii=False),
    ]
    path = tmp_path / "dump.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"url": "https://a.example/5", "text": "\xff"}\n')
    docs, rejects = docs_and_rejects(read_inputs([str(path)]))
    assert [d.url for d in docs] == ["https://a.example/1", "https://a.example/4"]
    assert docs[0].title == "T" and docs[0].lang == "zh" and docs[0].location.line == 1
    assert [(r.location.line, r.reason) for r in rejects] == [
        (2, "malformed-json"), (3, "malformed-json"), (4, "missing-url"),
        (5, "missing-content"), (6, "bad-field"), (9, "malformed-json")]
    assert "column" in rejects[0].detail and "UTF-8" in rejects[-1].detail


def test_oversized_jsonl_line_is_rejected_and_the_next_line_still_read(tmp_path):
    path = tmp_path / "big.jsonl"
    huge = json.dumps({"url": "https://a.example/huge", "text": "x" * (MAX_DOCUMENT_BYTES + 10)})
    path.write_text(huge + "\n" + json.dumps({"url": "https://a.example/ok", "text": "t"}) + "\n")
    docs, rejects = docs_and_rejects(read_inputs([str(path)]))
    assert [(r.location.line, r.reason) for r in rejects] == [(1, "too-large")]
    assert [(d.url, d.location.line) for d in docs] == [("https://a.example/ok", 2)]


def test_folder_formats_detected_from_content_not_name(tmp_path):
    (tmp_path / "b.html").write_text(PAGE.format(t="b"), encoding="utf-8")
    with gzip.open(tmp_path / "a.html.gz", "wt", encoding="utf-8") as fh:
        fh.write(PAGE.format(t="a"))
    (tmp_path / "records.txt").write_text(json.dumps({"url": "https://j.example/1", "text": "t"}))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.htm").write_text("<html><body><p>no canonical</p></body></html>")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / ".hidden.html").write_text(PAGE.format(t="hidden"))
    docs, rejects = docs_and_rejects(read_inputs([str(tmp_path)]))
    assert [d.url for d in docs] == ["https://news.example.cn/a.html", "https://news.example.cn/b.html",
                                     "https://j.example/1", "file:sub/c.htm"]
    assert [(r.location.path.endswith("image.png"), r.reason) for r in rejects] == [
        (True, "unsupported-format")]


def test_warc_records_with_headers_dates_and_non_html(tmp_path):
    data = warc_bytes([
        ("https://w.example/1", PAGE.format(t="1").encode("gb18030"), "text/html; charset=gbk"),
        ("https://w.example/report.pdf", b"%PDF-1.4 binary", "application/pdf"),
    ])
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    docs, rejects = docs_and_rejects(read_inputs([str(path)]))
    assert docs[0].content_type == "text/html; charset=gbk"
    assert docs[0].fetched_at == "2026-05-01T08:00:00Z"
    assert docs[0].location.offset == 0 and docs[0].location.member == "https://w.example/1"
    assert [(r.reason, r.url) for r in rejects] == [("not-html", "https://w.example/report.pdf")]
    assert rejects[0].location.offset > 0


@pytest.mark.parametrize("gzipped", [False, True])
def test_broken_warc_record_is_reported_and_reading_resumes(tmp_path, gzipped):
    pages = [(f"https://w.example/{i}", PAGE.format(t=str(i)).encode(), "text/html") for i in range(3)]
    data = warc_bytes(pages, gzip=gzipped)
    if gzipped:
        second = data.find(b"\x1f\x8b\x08", 10)
        data = data[:second + 20] + b"\x00" * 40 + data[second + 60:]
    else:
        second = data.find(b"WARC/1.", 10)
        data = data[:second] + b"GARBAGE" + data[second + 7:]
    path = tmp_path / "broken.warc"
    path.write_bytes(data)
    docs, rejects = docs_and_rejects(read_inputs([str(path)]))
    assert [d.url for d in docs] == ["https://w.example/0", "https://w.example/2"]
    assert [(r.reason, r.location.offset) for r in rejects] == [("broken-warc-record", second)]


def test_http_error_status_in_warc_is_a_reject(tmp_path):
    path = tmp_path / "e.warc.gz"
    path.write_bytes(warc_bytes([("https://w.example/x", b"<html>gone</html>", "text/html")],
                                status="404 Not Found"))
    docs, rejects = docs_and_rejects(read_inputs([str(path)]))
    assert not docs and [(r.reason, r.detail) for r in rejects] == [("http-status", "HTTP 404")]


def test_stdin_is_jsonl():
    stream = io.BytesIO(b'{"url": "https://s.example/1", "text": "hello"}\n')
    docs, _ = docs_and_rejects(read_inputs(["-"], stdin=stream))
    assert [(d.url, d.text, str(d.location)) for d in docs] == [("https://s.example/1", "hello", "<stdin>:1")]


def test_missing_path_fails_before_any_work(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        check_paths([str(tmp_path), str(tmp_path / "missing.jsonl")])


def test_unreadable_folder_fails_before_any_work(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        import os
        if os.access(locked, os.R_OK):  # root reads everything: nothing to test here
            pytest.skip("running as root: permissions are not enforced")
        with pytest.raises(InputError, match="not readable"):
            check_paths([str(locked)])
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("head,kind", [
    (b"WARC/1.1\r\nWARC-Type: warcinfo", "warc"), (b'\xef\xbb\xbf{"url": 1}', "jsonl"),
    (b"  <!DOCTYPE html><html>", "html"), (b"<div><p>fragment</p></div>", "html"),
    (b"%PDF-1.7", "unknown"), (b"", "unknown")])
def test_sniff(head, kind):
    assert sniff(head) == kind


def test_warc_record_shorter_than_its_block_is_a_reject_not_a_cut_page(tmp_path, capsys):
    """A Content-Length that ends before the record does: the page read would be cut (kept
    without a word before), so it is a ``warc-length-mismatch`` reject, reading goes on with
    the next record, and warcio's own warning does not reach stderr."""
    import re

    pages = [(f"https://w.example/{i}", PAGE.format(t=str(i)).encode(), "text/html") for i in range(3)]
    data = warc_bytes(pages, gzip=False)
    first = re.search(rb"Content-Length: (\d+)", data)
    data = data[:first.start(1)] + str(int(first[1]) - 300).encode() + data[first.end(1):]
    path = tmp_path / "short.warc"
    path.write_bytes(data)
    docs, rejects = docs_and_rejects(read_inputs([str(path)]))
    assert [d.url for d in docs] == ["https://w.example/1", "https://w.example/2"]
    assert [(r.reason, r.url) for r in rejects] == [("warc-length-mismatch", "https://w.example/0")]
    assert "Record not followed by newline" not in capsys.readouterr().err


def test_a_warc_record_without_type_or_length_is_broken_and_the_next_is_read(tmp_path):
    """A stray "WARC/1.0" line with no headers parses as a record without WARC-Type or
    Content-Length, whose block would be the rest of the file: a ``broken-warc-record``, and the
    record after it is read (it was swallowed without a word, or rejected as an
    AttributeError)."""
    pages = [(f"https://w.example/{i}", PAGE.format(t=str(i)).encode(), "text/html") for i in range(2)]
    data = warc_bytes(pages, gzip=False)
    second = data.find(b"WARC/1.", 10)
    data = data[:second] + b"WARC/1.0\r\nthis is not a header\r\n\r\n" + data[second:]
    path = tmp_path / "stray.warc"
    path.write_bytes(data)
    docs, rejects = docs_and_rejects(read_inputs([str(path)]))
    assert [d.url for d in docs] == ["https://w.example/0", "https://w.example/1"]
    assert [(r.reason, r.detail, r.location.offset) for r in rejects] == [
        ("broken-warc-record", "a record with no WARC-Type", second)]


@pytest.mark.parametrize("tag", [
    "<link rel='canonical' href='{u}'>", '<meta property="og:url" content="{u}">'])
def test_a_saved_pages_own_url_has_its_character_references_resolved(tmp_path, tag):
    """WeChat's og:url (and many CMSs' canonical links) write ``&amp;`` between query fields:
    the page's URL is what a browser reads there, ``&`` — the same URL, and so the same article
    id, as the page's copy in a JSONL or WARC dump."""
    written = "https://mp.weixin.qq.com/s?__biz=MzA5&amp;mid=2651&amp;idx=1&amp;sn=9f3c"
    (tmp_path / "page.html").write_text(
        "<html><head>" + tag.format(u=written) + "</head><body><p>x</p></body></html>")
    docs, rejects = docs_and_rejects(read_inputs([str(tmp_path)]))
    assert not rejects
    assert [d.url for d in docs] == ["https://mp.weixin.qq.com/s?__biz=MzA5&mid=2651&idx=1&sn=9f3c"]
