"""A crawl's exported articles carry every field the dump path gives (``published_source``
was lost in the store), and a store file written before the column existed still opens."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import serve_folder, write_outlet
from test_cron_crawl import ARTICLE as CRON_ARTICLE
from test_cron_crawl import FAST

from crawler.store import Store
from newsdedup.cli import main
from newsdedup.export import export_store

ROOT = Path(__file__).resolve().parents[1]
# the cron test's article, dated in its metadata (a "meta" published_source)
ARTICLE = CRON_ARTICLE.replace(
    "</title>", '</title><meta property="article:published_time" content="2026-03-10T08:00">', 1)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A loopback outlet: robots.txt, an RSS feed and one article dated in its metadata."""
    root = tmp_path_factory.mktemp("site")
    with serve_folder(root) as base:
        write_outlet(root, base, ARTICLE)
        yield base, root


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
