"""A missing or broken watchlist stops ``newsdedup crawl`` before any work: one line naming the
file and why, exit 2, nothing stored (before: a crawl that fetched nothing and exited 0)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import serve_folder, write_outlet

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ("<html><head><title>Council approves budget</title></head><body><article><h1>Budget"
           "</h1>" + "<p>The city council approved the budget on Tuesday after a debate.</p>" * 8
           + "</article></body></html>")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    with serve_folder(root) as base:
        write_outlet(root, base, ARTICLE)
        yield base


def run(tmp_path: Path, base: str, top: str, *flags: str) -> subprocess.CompletedProcess:
    sources = tmp_path / "sources.toml"
    sources.write_text(f'{top}[[source]]\nname = "Up"\nallowed_domains = ["127.0.0.1"]\n'
                       f'feeds = ["{base}/rss.xml"]\n', encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "newsdedup", "crawl", "--sources", str(sources),
                           "--out", str(tmp_path / "out"), "--extract-processes", "0",
                           "--set", "DOWNLOAD_DELAY=0", *flags],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def check_refused(result: subprocess.CompletedProcess, tmp_path: Path, name: str, why: str):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and why in lines[0], result.stderr
    assert not (tmp_path / "out" / "store.sqlite").exists()


def test_missing_watchlist_in_sources_file(tmp_path, site):
    result = run(tmp_path, site, 'watchlist = "nonexist.toml"\n')
    check_refused(result, tmp_path, "nonexist.toml", "No such file")


def test_missing_watchlist_option(tmp_path, site):
    result = run(tmp_path, site, "", "--watchlist", str(tmp_path / "missing.toml"))
    check_refused(result, tmp_path, "missing.toml", "No such file")


def test_invalid_toml_watchlist(tmp_path, site):
    (tmp_path / "bad.toml").write_text("keywords = [\n", encoding="utf-8")
    result = run(tmp_path, site, 'watchlist = "bad.toml"\n')
    check_refused(result, tmp_path, "bad.toml", "not valid TOML")


def test_missing_watchlist_with_workers_is_refused_before_redis(tmp_path, site):
    # Port 1 has no Redis: the watchlist is checked first, so its error is the one reported.
    result = run(tmp_path, site, "", "--watchlist", str(tmp_path / "missing.toml"),
                 "--workers", "2", "--redis-url", "redis://127.0.0.1:1/0")
    check_refused(result, tmp_path, "missing.toml", "No such file")
