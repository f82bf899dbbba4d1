"""Hubs as outlets write them: one broken link on a listing, in a feed or a sitemap index loses
that link only, never the hub's other links."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import serve_folder
from test_cron_crawl import ARTICLE, FAST, ROOT

BAD = ("http://[::1/x", "http://127.0.0.1:99999/news/9.html")


def test_a_broken_link_on_a_hub_loses_that_link_only(tmp_path: Path):
    """``<a href="http://[::1/x">`` or a port out of range raised in the hub's parse (a spider
    error): no article of that listing or feed was requested, and the crawl still exited 0."""
    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for n in (1, 2):
        (site / "news" / f"{n}.html").write_text(ARTICLE.replace("budget", f"budget {n}"))
    (site / "index.html").write_text("<html><body>" + "".join(
        f'<a href="{url}">bad</a>' for url in BAD) + '<a href="javascript:void(0)">js</a>'
        '<a href=" news/1.html ">one</a></body></html>')
    with serve_folder(site) as base:
        (site / "rss.xml").write_text("<rss><channel>" + "".join(
            f"<item><link>{url}</link></item>" for url in (*BAD, f"{base}/news/2.html"))
            + "</channel></rss>")
        (site / "sitemap.xml").write_text(
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
                f"<sitemap><loc>{url}</loc></sitemap>" for url in BAD) + "</sitemapindex>")
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "Hubs"\nallowed_domains = ["127.0.0.1"]\n'
                           f'start_urls = ["{base}/index.html"]\nfollow = ["/news/"]\n'
                           f'feeds = ["{base}/rss.xml"]\nsitemaps = ["{base}/sitemap.xml"]\n')
        result = subprocess.run(
            [sys.executable, "-m", "newsdedup", "crawl", "--sources", str(sources), "--out",
             str(tmp_path / "out"), "--extract-processes", "0", *FAST],
            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Spider error" not in result.stderr, result.stderr
    urls = [json.loads(line)["url"]
            for line in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()]
    assert sorted(urls) == [f"{base}/news/1.html", f"{base}/news/2.html"]
