"""An article page that answers 404 is retried by the next runs (a feed lists an item before
its page is live) and is a final ``http-error`` reject only once NOT_FOUND_RUNS runs in a row
found it missing. Real loopback server, real store, the CLI as cron runs it."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import serve_folder, write_outlet

from crawler import settings

NOT_FOUND_RUNS = settings.NEWSDEDUP_NOT_FOUND_RUNS

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ("<html><head><title>Council approves budget</title></head><body><article><h1>Budget"
           "</h1>" + "".join(f"<p>The city council approved the {y} budget on Tuesday after a "
                             f"long debate about roads and schools, officials said.</p>"
                             for y in range(2001, 2009)) + "</article></body></html>")


def crawl(tmp_path: Path, base: str) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "Up"\nallowed_domains = ["127.0.0.1"]\n'
                       f'feeds = ["{base}/rss.xml"]\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "newsdedup", "crawl", "--sources",
                             str(sources), "--out", str(tmp_path / "out"), "--no-export",
                             "--extract-processes", "0", "--set", "DOWNLOAD_DELAY=0",
                             "--set", "RETRY_TIMES=0"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr


def state(tmp_path: Path, base: str) -> tuple[tuple | None, list, int]:
    with sqlite3.connect(tmp_path / "out" / "store.sqlite") as db:
        seen = db.execute("SELECT outcome, status, misses FROM seen WHERE url = ?",
                          (f"{base}/a/1.html",)).fetchone()
        rejects = db.execute("SELECT reason, detail FROM rejects").fetchall()
        articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    return seen, rejects, articles


def test_a_404_is_retried_then_final(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    with serve_folder(site) as base:
        write_outlet(site, base, ARTICLE)
        (site / "a" / "1.html").unlink()  # listed in the feed, not live yet
        for run in range(1, NOT_FOUND_RUNS):
            crawl(tmp_path, base)
            assert state(tmp_path, base) == (("error", 404, run), [], 0)
        crawl(tmp_path, base)
        seen, rejects, articles = state(tmp_path, base)
    assert seen[0] == "reject" and rejects == [("http-error", "HTTP 404")] and articles == 0


def test_a_page_that_goes_live_after_a_404_is_stored(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    with serve_folder(site) as base:
        write_outlet(site, base, ARTICLE)
        (site / "a" / "1.html").unlink()
        crawl(tmp_path, base)
        assert state(tmp_path, base) == (("error", 404, 1), [], 0)
        (site / "a" / "1.html").write_text(ARTICLE, encoding="utf-8")  # now live
        crawl(tmp_path, base)
        seen, rejects, articles = state(tmp_path, base)
    assert seen[0] == "article" and rejects == [] and articles == 1


STUB = ("<html><head><title>Bridge closed</title></head><body><article><h1>Bridge closed</h1>"
        "<p>Developing story.</p></article></body></html>")


def test_a_page_without_its_text_yet_is_fetched_again_and_stored_once_filled(tmp_path):
    """A live page first published as a headline and "Developing story." (too short to be an
    article), its text added before the next run: it was a final too-short reject, never
    fetched again, and the report was lost."""
    site = tmp_path / "site"
    site.mkdir()
    with serve_folder(site) as base:
        write_outlet(site, base, STUB)
        crawl(tmp_path, base)
        seen, rejects, articles = state(tmp_path, base)
        assert (seen[0], seen[2], rejects, articles) == ("error", 1, [], 0)
        (site / "a" / "1.html").write_text(ARTICLE, encoding="utf-8")  # filled in
        crawl(tmp_path, base)
        seen, rejects, articles = state(tmp_path, base)
    assert seen[0] == "article" and rejects == [] and articles == 1


def test_a_page_that_stays_empty_is_a_final_reject_after_the_runs(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    with serve_folder(site) as base:
        write_outlet(site, base, STUB)
        for _ in range(NOT_FOUND_RUNS):
            crawl(tmp_path, base)
        seen, rejects, articles = state(tmp_path, base)
    assert seen[0] == "reject" and [r[0] for r in rejects] == ["too-short"] and articles == 0
