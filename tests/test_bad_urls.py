"""Only http(s) URLs with a host (and the readers' own ``file:`` names) become articles: any
other `url` in a real `newsdedup cluster` run is a ``bad-url`` reject saying where and why."""
from __future__ import annotations

import json
import subprocess
import sys

TEXT = ("Officials in the northern district announced a new program to repair bridges damaged in "
        "the spring floods, with work starting next month and lasting two years. ") * 3
BAD = {"not a url": "no scheme", "ftp://a.example/10": "'ftp'",
       "javascript:alert(document.domain)//x": "'javascript'", "https:///x": "no host",
       "//a.example/x": "no scheme"}


def test_junk_urls_are_bad_url_rejects_with_line_and_reason(tmp_path):
    rows = [{"url": "https://a.example/1", "text": TEXT}] + [
        {"url": url, "text": f"{i} {TEXT}"} for i, url in enumerate(BAD)]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "newsdedup.cli", "cluster", str(src), "--out",
                           str(out), "--quiet", "--extract-processes", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    articles = [json.loads(x) for x in (out / "articles.jsonl").read_text().splitlines()]
    assert [a["url"] for a in articles] == ["https://a.example/1"]
    rejects = [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]
    assert len(rejects) == len(BAD)
    for line, (reject, (url, why)) in enumerate(zip(rejects, BAD.items()), start=2):
        assert reject["reason"] == "bad-url" and reject["url"] == url, reject
        assert why in reject["detail"] and f":{line}" in json.dumps(reject), reject


def test_a_folder_page_without_a_url_keeps_its_file_name(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text(f"<html><head><title>A</title><link rel='canonical' href='/rel'>"
                                  f"</head><body><article><p>{TEXT}</p></article></body></html>")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "newsdedup.cli", "cluster", str(pages), "--out",
                           str(out), "--quiet", "--extract-processes", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    [article] = [json.loads(x) for x in (out / "articles.jsonl").read_text().splitlines()]
    assert article["url"].startswith("file:") and article["url"].endswith("a.html")
