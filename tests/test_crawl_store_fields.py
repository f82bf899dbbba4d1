"""A crawl's exported articles carry every field the dump path gives (``published_source``
was lost in the store), and a store file written before the column existed still opens."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.store import Store
from newsdedup.cli import main
from newsdedup.export import export_store

ROOT = Path(__file__).resolve().parents[1]
FAST = ["--set", "RETRY_TIMES=0", "--set", "DOWNLOAD_DELAY=0",
        "--set", "AUTOTHROTTLE_ENABLED=false"]
ARTICLE = ("<html><head><title>Council approves budget</title>"
           '<meta property="article:published_time" content="2026-03-10T08:00:00+08:00">'
           "</head><body><article><h1>Council approves budget</h1>" + "".join(
               f"<p>The city council approved the {year} budget on Tuesday after a long debate "
               f"about roads, schools and the new library, officials said in statement {year}.</p>"
               for year in range(2001, 2009)) + "</article></body></html>")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A loopback outlet: robots.txt, an RSS feed and one article dated in its metadata."""
    root = tmp_path_factory.mktemp("site")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (root / "a").mkdir()
    (root / "a" / "1.html").write_text(ARTICLE, encoding="utf-8")
    (root / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Up</title>'
        f"<item><title>Council approves budget</title><link>{base}/a/1.html</link>"
        "</item></channel></rss>")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, root
    server.shutdown()
    server.server_close()


def articles(out: Path) -> list[dict]:
    return [json.loads(line) for line in
            (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]


def test_crawled_articles_have_the_fields_of_the_dump_path(site, tmp_path):
    base, root = site
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "Up Times"\nallowed_domains = ["127.0.0.1"]\n'
                       f'feeds = ["{base}/rss.xml"]\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "newsdedup", "crawl", "--sources", str(sources),
                             "--out", str(tmp_path / "crawl"), "--extract-processes", "0",
                             *FAST, "--quiet"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert main(["cluster", str(root / "a"), "--out", str(tmp_path / "dump"), "--quiet",
                 "--extract-processes", "1"]) == 0
    [crawled], [dumped] = articles(tmp_path / "crawl"), articles(tmp_path / "dump")
    assert list(crawled) == list(dumped)
    assert dumped["published_source"] == "meta"
    for name in ("published", "published_source", "title", "text", "lang", "script"):
        assert crawled[name] == dumped[name], name


# The articles table as stores written before published_source was kept had it.
OLD_ARTICLES = """CREATE TABLE articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, url TEXT NOT NULL,
    source TEXT, title TEXT, text TEXT NOT NULL, lang TEXT, script TEXT, published TEXT,
    site TEXT, fetched_at TEXT, story_id TEXT, encoding TEXT, content_type TEXT,
    watch_hits TEXT, raw_z BLOB)"""


def test_a_store_from_before_the_column_opens_and_exports(tmp_path):
    path = tmp_path / "store.sqlite"
    db = sqlite3.connect(path)
    db.execute(OLD_ARTICLES)
    db.execute("INSERT INTO articles (id, url, source, title, text, lang, published, site) "
               "VALUES ('0123456789abcdef', 'https://a.example/1', 'A', 'Old', 'old text', 'en', "
               "'2026-03-01', 'a.example')")
    db.commit()
    db.close()
    counts = export_store(tmp_path, processes=1)  # read-only open of the old file
    assert counts["articles"] == 1
    [old] = articles(tmp_path)
    assert old["published"] == "2026-03-01" and old["published_source"] is None
    store = Store(path)  # a crawl opening it adds the column, then stores the field
    store.close()
    columns = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(articles)")]
    assert "published_source" in columns
