"""robots.txt is obeyed by every request that starts before the host's robots.txt is in
(crawler/robots.py): a loopback fixture server, one crawl in a child process."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from netfixture.harness import FixtureServer, run_crawl  # noqa: E402

HUB = "http://www.huaxia-daily.test"
# robots.txt of the fixture's Huaxia Daily: "Disallow: /internal/"
SOURCES = f"""\
[[source]]
name = "Huaxia Daily"
lang = "zh"
allowed_domains = ["huaxia-daily.test"]
feeds = ["{HUB}/rss.xml", "{HUB}/internal/a.xml", "{HUB}/internal/b.xml", "{HUB}/internal/c.xml"]
follow = ["/20\\\\d{{6}}/\\\\d+\\\\.shtml$"]
"""


def test_requests_waiting_for_robots_txt_are_judged_by_it(tmp_path):
    """Four hubs of one host start at once, before its robots.txt arrives: the three disallowed
    ones are never requested (Scrapy's own middleware let all but one waiter through)."""
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    server = FixtureServer.start(tmp_path / "requests.jsonl", delay=0.2)
    try:
        summary = run_crawl(sources, tmp_path / "out", server.proxy,
                            CONCURRENT_REQUESTS_PER_DOMAIN=4)
        paths = [r["path"] for r in server.requests()]
    finally:
        server.stop()
    assert paths.count("/robots.txt") == 1
    assert "/rss.xml" in paths
    assert [p for p in paths if p.startswith("/internal/")] == []
    # the three hubs, and the feed's link to /internal/preview/...
    assert summary["sources"]["Huaxia Daily"]["disallowed"] == 4
