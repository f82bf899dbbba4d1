"""Hostile inputs to the readers: each becomes articles and rejects with a reason, never a crash,
a hang or a silent loss. Every input is generated here (small, built to break one rule)."""
from __future__ import annotations

import gzip
import json
import os
import re
import threading

import pytest
from conftest import warc_bytes

from newsdedup.readers import read_inputs
from pipelines.records import RawDocument, Reject
from pipelines.urls import article_id, canonical_url, site_of, url_problem

PAGE = "<html><body><p>page {t} " + "word " * 50 + "</p></body></html>"


def good(i: int) -> str:
    return json.dumps({"url": f"https://n.example/{i}", "text": f"story {i} " * 30})


def read(path) -> tuple[list[RawDocument], list[Reject]]:
    items = list(read_inputs([str(path)]))
    return ([i for i in items if isinstance(i, RawDocument)],
            [i for i in items if isinstance(i, Reject)])


@pytest.mark.parametrize("line,reason", [
    ("[" * 1000 + "]" * 1000, "unsafe-json"),
    ('{"url": "https://n.example/x", "text": "a", "n": ' + "9" * 5000 + "}", "unsafe-json"),
    ('{"url": "https://n.example/x", "title": "\\ud800", "text": "abc"}', "bad-unicode"),
    ('{"url": "https://n.example/x", "text": "abc \\udfff"}', "bad-unicode"),
    ('{"url": "https://n.example/\\ud800", "text": "abc"}', "bad-unicode"),
    ('{"url": "http://[::1/x", "text": "abc"}', "bad-url"),
    ('{"url": "http://n.example:99999/x", "text": "abc"}', "bad-url"),
])
def test_hostile_jsonl_line_is_one_reject_and_neighbours_survive(tmp_path, line, reason):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([good(1), line, good(2)]) + "\n", encoding="utf-8")
    docs, rejects = read(path)
    assert [d.url for d in docs] == ["https://n.example/1", "https://n.example/2"]
    assert [(r.reason, r.location.line) for r in rejects] == [(reason, 2)]


@pytest.mark.parametrize("first", ["[1, 2]", "42", "garbage <html><p>not a page</p>", '"a string"'])
def test_jsonl_judged_per_line_not_by_first_line(tmp_path, first):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([first, good(1), json.dumps({"url": "https://n.example/h",
                                                            "html": PAGE.format(t="h")})]) + "\n")
    docs, rejects = read(path)
    assert [d.url for d in docs] == ["https://n.example/1", "https://n.example/h"]
    assert [(r.reason, r.location.line) for r in rejects] == [("malformed-json", 1)]


def test_urls_that_cannot_be_parsed_do_not_crash_canonicalisation():
    for url in ("http://[::1/x", "http://n.example:99999/x", "http://n.example:-1/"):
        assert url_problem(url)
        assert canonical_url(url) == url and len(article_id(url)) == 16
        site_of(url)  # no exception
    assert url_problem("https://n.example:8080/a?b=1") is None
    assert url_problem("https://n.example/\x1b[2J") == "control character in URL"


def test_fifo_in_a_folder_is_skipped_with_a_reason_not_read(tmp_path):
    (tmp_path / "a.jsonl").write_text(good(1) + "\n")
    os.mkfifo(tmp_path / "b.pipe")
    (tmp_path / "c.jsonl").write_text(good(2) + "\n")
    out: list = []
    reader = threading.Thread(target=lambda: out.extend(read_inputs([str(tmp_path)])), daemon=True)
    reader.start()
    reader.join(30)
    assert not reader.is_alive(), "reading a folder with a FIFO hung"
    assert [type(i).__name__ for i in out] == ["RawDocument", "Reject", "RawDocument"]
    assert out[1].reason == "not-a-file" and "FIFO" in out[1].detail


def _pages(n: int = 3):
    return [(f"https://w.example/{i}", PAGE.format(t=str(i)).encode(), "text/html") for i in range(n)]


@pytest.mark.parametrize("extra", [300, 10_000_000])
def test_warc_record_with_too_large_content_length_swallows_nothing(tmp_path, extra):
    data = warc_bytes(_pages(), gzip=False)
    m = re.search(rb"Content-Length: (\d+)", data)
    data = data[:m.start(1)] + str(int(m.group(1)) + extra).encode() + data[m.end(1):]
    path = tmp_path / "long.warc"
    path.write_bytes(data)
    docs, rejects = read(path)
    assert [d.url for d in docs] == ["https://w.example/1", "https://w.example/2"]
    assert [(r.reason, r.url) for r in rejects] == [("warc-length-mismatch", "https://w.example/0")]


def test_cut_warc_record_is_rejected_truncated_not_kept_partial(tmp_path):
    data = warc_bytes(_pages(), gzip=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[:-100])
    docs, rejects = read(path)
    assert [d.url for d in docs] == ["https://w.example/0", "https://w.example/1"]
    assert [(r.reason, r.url) for r in rejects] == [("truncated", "https://w.example/2")]


@pytest.mark.parametrize("where", [0.5, 0.1])
def test_warc_gz_cut_mid_record_is_rejected_truncated(tmp_path, where):
    data = warc_bytes(_pages(), gzip=True)
    third = data.find(b"\x1f\x8b\x08", data.find(b"\x1f\x8b\x08", 10) + 10)
    cut = third + int((len(data) - third) * where)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:cut])
    docs, rejects = read(path)
    assert [d.url for d in docs] == ["https://w.example/0", "https://w.example/1"]
    assert [(r.reason, r.location.offset) for r in rejects] == [("truncated", third)]


def test_corrupt_gzip_has_its_own_reason(tmp_path):
    (tmp_path / "a.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 200)
    full = gzip.compress(("\n".join(good(i) for i in range(200)) + "\n").encode())
    (tmp_path / "b.jsonl.gz").write_bytes(full[:len(full) // 2])
    page = gzip.compress(PAGE.format(t="c").encode())
    (tmp_path / "c.html.gz").write_bytes(page[:len(page) // 2])
    docs, rejects = read(tmp_path)
    assert rejects[0].reason == "corrupt-gzip" and rejects[0].location.path.endswith("a.jsonl.gz")
    assert [r.reason for r in rejects[1:]] == ["truncated", "truncated"]
    assert 0 < len(docs) < 200 and rejects[1].location.line == len(docs) + 1


@pytest.mark.parametrize("flip_at", [0.3, 0.6, 0.9])
def test_a_damaged_jsonl_gz_is_one_reject_not_garbage(tmp_path, flip_at):
    """Bytes flipped inside the deflate data: zlib or the CRC check notices only later, and
    before that the damaged data decompressed to garbled records (kept as articles, or false
    duplicate-url / malformed-json rejects). The whole file is one corrupt-gzip reject; a
    good file beside it is read."""
    lines = "".join(good(i) + "\n" for i in range(2000)).encode()
    data = bytearray(gzip.compress(lines, mtime=0))
    at = int(len(data) * flip_at)
    data[at:at + 50] = bytes(b ^ 0x5A for b in data[at:at + 50])
    (tmp_path / "damaged.jsonl.gz").write_bytes(bytes(data))
    (tmp_path / "good.jsonl.gz").write_bytes(gzip.compress(lines[:len(good(0)) + 1], mtime=0))
    docs, rejects = read(tmp_path)
    assert [(r.reason, r.location.path.endswith("damaged.jsonl.gz")) for r in rejects] == [
        ("corrupt-gzip", True)]
    assert "none of its records" in rejects[0].detail
    assert [d.url for d in docs] == ["https://n.example/0"]
