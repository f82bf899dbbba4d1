"""A misbehaving outlet of the fixture network (only in the sources file tests/test_crawl_hostile.py
writes): redirects off its domain and in a loop, a gzip bomb, a 503 with Retry-After."""
from __future__ import annotations

import gzip

from netfixture.sites import Page

HOSTILE = "www.hostile-post.test"
ELSEWHERE = "www.elsewhere.test"  # not in any source: must never be requested
OFFSITE = "/a/offsite.html"  # 302 -> http://ELSEWHERE/stolen.html
LOOP = ("/a/loop-1.html", "/a/loop-2.html")  # 302 to each other
BOMB = "/a/bomb.html"  # Content-Encoding: gzip, 16 MB of zeros once decompressed
BUSY = "/a/busy.html"  # 503 Retry-After: BUSY_RETRY_AFTER once, then 200
BUSY_RETRY_AFTER = 2
GOOD = "/a/good.html"

_WORDS = ("The harbour authority said on Monday that the ferry timetable would change in "
          "spring after a long dispute over fares, crews and the cost of repairing the old "
          "pier, which has been closed since the winter storms damaged its foundations. ")


def article(title: str) -> bytes:
    paras = "".join(f"<p>{title}: {_WORDS * 2}Paragraph {i}.</p>" for i in range(6))
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{paras}</article></body></html>").encode()


def pages() -> dict[tuple[str, str], Page]:
    links = [OFFSITE, *LOOP, BOMB, BUSY, GOOD]
    items = "".join(f"<item><title>Item {p}</title><link>http://{HOSTILE}{p}</link></item>"
                    for p in links)
    feed = (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
            f"<title>Hostile Post</title>{items}</channel></rss>").encode()

    def moved(to: str) -> Page:
        return Page(b"", "text/html", status=302, conditional=False, headers={"Location": to})

    return {
        (HOSTILE, "/feed.xml"): Page(feed, "application/rss+xml", conditional=False),
        (HOSTILE, OFFSITE): moved(f"http://{ELSEWHERE}/stolen.html"),
        (HOSTILE, LOOP[0]): moved(f"http://{HOSTILE}{LOOP[1]}"),
        (HOSTILE, LOOP[1]): moved(f"http://{HOSTILE}{LOOP[0]}"),
        (HOSTILE, BOMB): Page(gzip.compress(b"\0" * (16 << 20), 9), "text/html",
                              conditional=False, headers={"Content-Encoding": "gzip"}),
        (HOSTILE, BUSY): Page(article("Busy page"), "text/html; charset=utf-8", conditional=False),
        (HOSTILE, GOOD): Page(article("Good page"), "text/html; charset=utf-8", conditional=False),
        (ELSEWHERE, "/stolen.html"): Page(article("Stolen page"), "text/html; charset=utf-8",
                                          conditional=False),
    }
