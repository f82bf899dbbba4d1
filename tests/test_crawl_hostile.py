"""A crawl of a misbehaving outlet (tests/netfixture/hostile.py) on the loopback network:
an off-domain redirect is never requested, a redirect loop is a failure retried next run (not an
alias), a gzip bomb is its own final reject (not "disallowed", not refetched), Retry-After is
honoured."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from netfixture import hostile  # noqa: E402
from netfixture.harness import FixtureServer, run_crawl  # noqa: E402

SOURCES = f"""
[[source]]
name = "Hostile Post"
lang = "en"
allowed_domains = ["hostile-post.test"]
feeds = ["http://{hostile.HOSTILE}/feed.xml"]
"""
H = f"http://{hostile.HOSTILE}"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    sources = base / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    server = FixtureServer.start(base / "requests.jsonl")
    try:
        first = run_crawl(sources, base / "out", server.proxy)
        first_requests = server.requests()
        second = run_crawl(sources, base / "out", server.proxy)
        requests = server.requests()
    finally:
        server.stop()
    return {"first": first, "second": second, "first_requests": first_requests,
            "second_requests": requests[len(first_requests):], "out": base / "out"}


def _db(out: Path):
    return sqlite3.connect(out / "store.sqlite")


def test_offsite_redirect_target_is_never_requested(crawled):
    hosts = {r["host"] for r in crawled["first_requests"] + crawled["second_requests"]}
    assert hostile.ELSEWHERE not in hosts  # neither the page nor its robots.txt
    db = _db(crawled["out"])
    reasons = dict(db.execute("SELECT url, reason FROM rejects"))
    assert reasons.get(H + hostile.OFFSITE) == "offsite-redirect"
    urls = {u for (u,) in db.execute("SELECT url FROM articles")}
    assert not any(hostile.ELSEWHERE in u for u in urls)


def test_redirect_loop_is_a_failure_retried_next_run_not_an_alias(crawled):
    db = _db(crawled["out"])
    outcomes = dict(db.execute("SELECT url, outcome FROM seen"))
    for path in hostile.LOOP:
        assert outcomes.get(H + path) != "alias"
    second = {r["path"] for r in crawled["second_requests"] if r["host"] == hostile.HOSTILE}
    assert hostile.LOOP[0] in second  # retried by the next run


def test_gzip_bomb_is_its_own_final_reject_and_not_refetched(crawled):
    reasons = dict(_db(crawled["out"]).execute("SELECT url, reason FROM rejects"))
    assert reasons.get(H + hostile.BOMB) == "decompression-bomb"
    second = [r["path"] for r in crawled["second_requests"]]
    assert hostile.BOMB not in second and hostile.OFFSITE not in second


def test_retry_after_is_honoured(crawled):
    hits = [r["t"] for r in crawled["first_requests"] if r["path"] == hostile.BUSY]
    assert len(hits) == 2
    # the backoff alone would wait 0.05 s (the tests' NEWSDEDUP_RETRY_BACKOFF_BASE)
    assert hits[1] - hits[0] >= hostile.BUSY_RETRY_AFTER - 0.1
    urls = {u for (u,) in _db(crawled["out"]).execute("SELECT url FROM articles")}
    assert H + hostile.BUSY in urls and H + hostile.GOOD in urls
