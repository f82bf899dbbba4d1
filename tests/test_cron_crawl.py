"""A crawl as cron runs it: a few lines of our own by default, a non-zero exit code when a
source cannot be fetched (3: none could, 4: some could not), Scrapy's log only on request."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import serve_folder, write_outlet

ROOT = Path(__file__).resolve().parents[1]
FAST = ["--set", "RETRY_TIMES=0", "--set", "DOWNLOAD_DELAY=0",
        "--set", "AUTOTHROTTLE_ENABLED=false"]  # the same path, without minutes of back-off
ARTICLE = ("<html><head><title>Council approves budget</title></head><body><article>"
           "<h1>Council approves budget</h1>" + "".join(
               f"<p>The city council approved the {year} budget on Tuesday after a long debate "
               f"about roads, schools and the new library, officials said in statement {year}.</p>"
               for year in range(2001, 2009)) + "</article></body></html>")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A loopback outlet: robots.txt, an RSS feed and one article."""
    root = tmp_path_factory.mktemp("site")
    with serve_folder(root) as base:
        write_outlet(root, base, ARTICLE, "Tue, 10 Mar 2026 08:00:00 GMT")
        yield base


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sources(tmp_path: Path, up: str | None, down: bool = True) -> Path:
    """A sources file: an outlet whose server is down, and one that is up (if ``up``)."""
    text = ""
    if down:
        text += (f'[[source]]\nname = "Down Daily"\nallowed_domains = ["127.0.0.1"]\n'
                 f'feeds = ["http://127.0.0.1:{closed_port()}/rss.xml"]\n')
    if up:
        text += (f'[[source]]\nname = "Up Times"\nallowed_domains = ["127.0.0.1"]\n'
                 f'feeds = ["{up}/rss.xml"]\n')
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def crawl(tmp_path: Path, up: str | None, *flags: str, down: bool = True
          ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdedup", "crawl", "--sources",
                           str(sources(tmp_path, up, down)), "--out", str(tmp_path / "out"),
                           "--extract-processes", "0", *FAST, *flags],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_site_down_prints_a_few_lines_and_exits_3(tmp_path):
    result = crawl(tmp_path, None)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 3, result.stderr
    assert len(lines) <= 10, result.stderr
    assert "Traceback" not in result.stderr and "[scrapy" not in result.stderr
    assert lines[-1] == "newsdedup: no source could be fetched (Down Daily)"
    assert any(line.startswith("Down Daily ") for line in lines)  # the per-source table


def test_one_of_two_sources_down_exits_4(tmp_path, site):
    result = crawl(tmp_path, site)
    assert result.returncode == 4, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "newsdedup: 1 of 2 sources could not be fetched: Down Daily")
    assert "Council approves budget" in (tmp_path / "out" / "articles.jsonl").read_text()


def test_all_up_exits_0_and_quiet_is_quiet(tmp_path, site):
    result = crawl(tmp_path, site, "--quiet", down=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_quiet_failure_is_one_line_and_verbose_is_scrapys_log(tmp_path):
    quiet = crawl(tmp_path / "q", None, "--quiet")
    assert quiet.returncode == 3
    assert quiet.stderr.strip().splitlines() == [
        "newsdedup: no source could be fetched (Down Daily)"]
    verbose = crawl(tmp_path / "v", None, "--verbose")
    assert verbose.returncode == 3
    assert "[scrapy.core.engine] INFO" in verbose.stderr  # Scrapy's own log, as before


def test_export_writes_and_names_every_file(tmp_path, site):
    assert crawl(tmp_path, site, down=False).returncode == 0
    out = tmp_path / "out"
    for name in ("articles.jsonl", "stories.jsonl", "incidents.jsonl", "rejects.jsonl"):
        (out / name).unlink()
    result = subprocess.run([sys.executable, "-m", "newsdedup", "export", "--out", str(out),
                             "--format", "csv,sqlite"], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    named = result.stderr.split(f"{out}/", 1)[1].strip().split(", ")
    assert named == ["articles.jsonl", "stories.jsonl", "incidents.jsonl", "rejects.jsonl",
                     "articles.csv", "stories.csv", "incidents.csv", "rejects.csv",
                     "results.sqlite"]
    assert all((out / name).exists() for name in named)
    helped = subprocess.run([sys.executable, "-m", "newsdedup", "export", "--help"],
                            capture_output=True, text=True, cwd=ROOT).stdout
    assert all(name in " ".join(helped.split()) for name in named)


def test_no_export_stores_only_and_export_writes_what_a_crawl_would(tmp_path, site):
    """``--no-export`` (what the workers of ``--workers N`` run: their caller merges) fetches
    and stores but writes no output file; ``newsdedup export`` then writes the files a crawl
    with its export writes."""
    plain = crawl(tmp_path / "plain", site, down=False)
    assert plain.returncode == 0, plain.stderr
    stored = crawl(tmp_path / "stored", site, "--no-export", down=False)
    assert stored.returncode == 0, stored.stderr
    out = tmp_path / "stored" / "out"
    assert (out / "store.sqlite").exists()
    assert not list(out.glob("*.jsonl"))
    exported = subprocess.run([sys.executable, "-m", "newsdedup", "export", "--out", str(out)],
                              capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert exported.returncode == 0, exported.stderr
    for name in ("articles.jsonl", "stories.jsonl", "incidents.jsonl", "rejects.jsonl"):
        records = [[json.loads(line) for line in (folder / name).read_text().splitlines()]
                   for folder in (out, tmp_path / "plain" / "out")]
        for record in (*records[0], *records[1]):
            record.pop("fetched_at", None)  # when each crawl fetched the page: its own time
        assert records[0] == records[1], name


def test_a_feed_answering_an_html_error_page_is_not_an_answer(tmp_path):
    """A site whose feed URL answers 200 with an HTML page ("Service unavailable", a login or
    CDN challenge page) gave nothing to crawl: the source failed (exit 3), as when it is down;
    it exited 0, so a monitor never saw that the outlet was no longer collected."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "rss.xml").write_text("<html><body><h1>Service unavailable</h1></body></html>")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    with serve_folder(root) as base:
        result = crawl(tmp_path, base, down=False)
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "newsdedup: no source could be fetched (Up Times)")
    assert "is not a readable feed or sitemap" in result.stderr


def test_a_hub_disallowed_by_robots_txt_is_said(tmp_path):
    """robots.txt disallowing the feed: nothing is fetched (obeyed) and the run says why; the
    table showed only zeros and stderr nothing."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    with serve_folder(root) as base:
        result = crawl(tmp_path, base, down=False)
    assert result.returncode == 0, result.stderr
    assert f"warning: Up Times: hub {base}/rss.xml is disallowed by robots.txt" in result.stderr


def test_an_article_page_answering_404_is_named(tmp_path):
    """The table said "failed 1" and no line said which page or why (a 500 has Scrapy's own
    "Gave up retrying" line; a 404 or 403 had none)."""
    root = tmp_path / "site"
    root.mkdir()
    with serve_folder(root) as base:
        write_outlet(root, base, ARTICLE)
        (root / "a" / "1.html").unlink()  # listed in the feed, not live
        result = crawl(tmp_path, base, down=False)
    assert result.returncode == 0, result.stderr
    assert f"warning: Up Times: article {base}/a/1.html failed: HTTP 404" in result.stderr
