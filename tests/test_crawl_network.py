"""End-to-end crawls of the fixture news network (tests/netfixture) on 127.0.0.1.

One loopback server plays five outlets (a GBK portal with RSS, a Big5 Traditional site with a
sitemap index and a Google News sitemap, an English site with listing pages, an aggregator with
Atom and syndicated copies, and an outlet that answers 403). Crawls run in child processes with
the shipped settings, politeness delays shrunk for loopback.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawler.store import STORE_FILE, Store  # noqa: E402
from netfixture import sites  # noqa: E402
from netfixture.harness import (  # noqa: E402
    FixtureServer,
    group_members,
    kill_crawl,
    kill_group,
    run_crawl,
    start_crawl,
    store_snapshot,
    wait_for,
    write_sources,
)
from netfixture.templates import published  # noqa: E402
from newsdedup.export import export_store  # noqa: E402
from pipelines.assign import assign_stories  # noqa: E402
from pipelines.process import process_document, utc_iso_date  # noqa: E402
from pipelines.records import Location, RawDocument  # noqa: E402
from pipelines.urls import article_id, canonical_url  # noqa: E402

WIRE = f"http://{sites.WIRE}"
EXPECTED_REJECTS = {
    WIRE + sites.WIRE_404: "http-error",
    WIRE + sites.WIRE_PDF: "not-html",
    WIRE + sites.WIRE_OVERSIZED: "too-large",
}
SCRIPT = {sites.HUAXIA: "Hans", sites.PORTAL: "Hans", sites.FORMOSA: "Hant", sites.WIRE: None}


def live_placements(edition: int) -> list[sites.Placement]:
    return [p for p in sites.PLACEMENTS if p.edition <= edition]


def expected_stories(edition: int) -> set[frozenset[str]]:
    """The fixture's ground truth: copies of one story text are one story."""
    groups: dict[str, set[str]] = defaultdict(set)
    for p in live_placements(edition):
        groups[p.story.key].add(canonical_url(p.url))
    return {frozenset(g) for g in groups.values()}


def stored_stories(out: Path) -> set[frozenset[str]]:
    snap = store_snapshot(out)
    url_of = {i: a["url"] for i, a in snap["articles"].items()}
    return {frozenset(url_of[i] for i in s["article_ids"]) for s in snap["stories"].values()}


def article_paths(edition: int = 2) -> set[tuple[str, str]]:
    """Every (host, path) that is an article page or leads to one (not a hub, not robots)."""
    paths = {(p.host, p.path) for p in sites.PLACEMENTS}
    paths |= {(sites.WIRE, sites.WIRE_REDIRECT[0]), (sites.WIRE, sites.WIRE_404),
              (sites.WIRE, sites.WIRE_ALIAS[0]), (sites.WIRE, sites.WIRE_ALIAS_NEXT[0]),
              (sites.WIRE, sites.WIRE_PDF), (sites.WIRE, sites.WIRE_OVERSIZED)}
    return paths


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    """Run 1 and run 2 over edition 1 of the network, keeping a copy of the store after each."""
    base = tmp_path_factory.mktemp("crawl")
    sources = write_sources(base / "sources.toml")
    server = FixtureServer.start(base / "requests.jsonl")
    try:
        first = run_crawl(sources, base / "out", server.proxy)
        first_requests = server.requests()
        shutil.copytree(base / "out", base / "after-first")
        second = run_crawl(sources, base / "out", server.proxy)
        all_requests = server.requests()
    finally:
        server.stop()
    return {"base": base, "sources": sources, "first": first, "second": second,
            "first_requests": first_requests,
            "second_requests": all_requests[len(first_requests):],
            "out1": base / "after-first", "out": base / "out"}


def test_first_crawl_stores_every_fixture_article(net):
    snap = store_snapshot(net["out1"])
    urls = {a["url"] for a in snap["articles"].values()}
    assert urls == {canonical_url(p.url) for p in live_placements(1)}
    assert len(urls) == 19
    assert set(snap["articles"]) == {article_id(u) for u in urls}


def test_first_crawl_groups_syndicated_copies_into_stories(net):
    assert stored_stories(net["out1"]) == expected_stories(1)
    sizes = sorted(len(s) for s in expected_stories(1))
    assert sizes == [1] * 10 + [2, 2, 2, 3]  # the truncated, Traditional and re-titled copies


def test_article_fields_follow_each_outlets_encoding_and_script(net):
    store = Store(net["out1"] / STORE_FILE, writable=False)
    try:
        articles = {a.url: a for a in store.articles()}
        encodings = dict(store.db.execute("SELECT url, encoding FROM articles"))
    finally:
        store.db.close()
    for p in live_placements(1):
        a = articles[canonical_url(p.url)]
        assert a.lang == p.story.lang, p.url
        assert a.script == (SCRIPT[p.host] if p.story.lang == "zh" else None), p.url
        assert a.title == sites.headline(p, SCRIPT[p.host] or "Latn"), p.url
        if "T" in a.published:  # a date-time is the same instant, written in UTC
            assert a.published == utc_iso_date(published(p).isoformat()) and a.published.endswith("Z")
        else:
            assert a.published == published(p).date().isoformat(), p.url
        assert sites.body_paragraphs(p, SCRIPT[p.host] or "Latn")[-1][-20:] in a.text, p.url
    # declared GB2312 with a GBK-only character (喆) → decoded as GB18030; Big5 via big5hkscs
    assert {encodings[canonical_url(p.url)] for p in live_placements(1)
            if p.host == sites.HUAXIA} == {"gb18030"}
    assert "记者 王喆" in articles[f"http://{sites.HUAXIA}/society/20260311/1003.shtml"].text
    assert {encodings[canonical_url(p.url)] for p in live_placements(1)
            if p.host == sites.FORMOSA} == {"big5hkscs"}


def test_misbehaving_urls_are_rejected_with_a_reason(net):
    snap = store_snapshot(net["out1"])
    assert {url: reason for url, (reason, _) in snap["rejects"].items()} == EXPECTED_REJECTS
    # A redirect's target is the stored article; the redirecting URL is an alias, done too,
    # also when the target was requested directly in the same run.
    for source, target in (sites.WIRE_REDIRECT, sites.WIRE_ALIAS):
        assert snap["seen"][WIRE + source] == "alias"
        assert snap["seen"][WIRE + target] == "article"
        assert article_id(WIRE + target) in snap["articles"]


def test_robots_disallowed_and_offsite_links_are_never_requested(net):
    requested = {(r["host"], r["path"]) for r in net["first_requests"] + net["second_requests"]}
    for host, path in sites.DISALLOWED:
        assert (host, path) not in requested
    assert not any(host == "www.partner-site.test" for host, _ in requested)
    assert {host for host, path in requested if path == "/robots.txt"} == \
        set(sites.HOSTS) - {sites.SLOW}
    assert net["first"]["sources"]["The Example Wire"]["disallowed"] == 1
    assert net["first"]["sources"]["Huaxia Daily"]["disallowed"] == 1
    assert net["first"]["sources"]["The Example Wire"]["offsite_links"] == 1


def test_a_500_is_retried_and_then_stored(net):
    flaky = [r["status"] for r in net["first_requests"]
             if (r["host"], r["path"]) == (sites.WIRE, sites.WIRE_FLAKY)]
    assert flaky == [500, 200]
    assert article_id(WIRE + sites.WIRE_FLAKY) in store_snapshot(net["out1"])["articles"]


def test_an_outlet_answering_403_never_stops_the_others(net):
    summary = net["first"]["sources"]
    assert summary["Closed Herald"]["failed"] == 1 and summary["Closed Herald"]["new"] == 0
    assert net["first"]["exit_code"] == 4  # some sources could not be fetched
    assert {name: s["new"] for name, s in summary.items() if name != "Closed Herald"} == {
        "Huaxia Daily": 4, "Formosa Tech News": 4, "The Example Wire": 6, "Juhe News": 5}
    assert summary["The Example Wire"]["rejected"] == 3


def test_an_outlet_timing_out_never_stops_the_others(tmp_path):
    sources = write_sources(tmp_path / "sources.toml", slow=True)
    server = FixtureServer.start(tmp_path / "requests.jsonl")
    try:
        summary = run_crawl(sources, tmp_path / "out", server.proxy,
                            only=("Slow Times", "Juhe News"), DOWNLOAD_TIMEOUT=1)["sources"]
        slow_feed = [r for r in server.requests()
                     if (r["host"], r["path"]) == (sites.SLOW, "/feed.xml")]
    finally:
        server.stop()
    assert summary["Slow Times"]["failed"] == 1 and summary["Slow Times"]["new"] == 0
    assert summary["Juhe News"]["new"] == 5 and summary["Juhe News"]["failed"] == 0
    assert len(slow_feed) == 3  # the first try and two retries, each timed out


def test_jsonl_outputs_are_the_store_and_export_rewrites_them_identically(net, tmp_path):
    out = net["out1"]
    before = {name: (out / name).read_bytes()
              for name in ("articles.jsonl", "stories.jsonl", "incidents.jsonl", "rejects.jsonl")}
    assert before["articles.jsonl"].count(b"\n") == 19
    assert before["stories.jsonl"].count(b"\n") == 14
    assert before["rejects.jsonl"].count(b"\n") == 3
    # incidents come from the crawl store too: every article in exactly the incident that lists it
    articles = [json.loads(line) for line in before["articles.jsonl"].splitlines()]
    incidents = [json.loads(line) for line in before["incidents.jsonl"].splitlines()]
    listed = {i: inc["incident_id"] for inc in incidents for i in inc["article_ids"]}
    assert {a["id"]: a["incident_id"] for a in articles} == listed
    assert 0 < len(incidents) <= 14
    for name in before:
        (out / name).unlink()
    export_store(out)
    assert {name: (out / name).read_bytes() for name in before} == before


def test_raw_pages_are_kept_for_re_extraction(net):
    network = sites.build_network(1)
    store = Store(net["out1"] / STORE_FILE, writable=False)
    try:
        for p in live_placements(1):
            body, content_type = store.raw(article_id(p.url))
            assert body == network[(p.host, p.path)].body
            again = process_document(RawDocument(p.url, Location("test"), body=body,
                                                 content_type=content_type))
            assert again.text == next(a.text for a in store.articles() if a.url == p.url)
    finally:
        store.db.close()


def test_second_run_fetches_only_hubs_with_conditional_requests(net):
    second = net["second_requests"]
    articles = article_paths()
    assert [r for r in second if (r["host"], r["path"]) in articles] == []
    hubs = [r for r in second if r["path"] != "/robots.txt" and r["host"] != sites.CLOSED]
    assert len(hubs) == 8  # rss, atom, sitemap index + 2 children, 3 listing pages
    assert all(r["conditional"] and r["status"] == 304 for r in hubs)
    assert {name: s["new"] for name, s in net["second"]["sources"].items()} == dict.fromkeys(
        net["second"]["sources"], 0)
    assert store_snapshot(net["out"]) == store_snapshot(net["out1"])


def test_no_article_is_fetched_twice_across_runs(net):
    ok = Counter((r["host"], r["path"]) for r in net["first_requests"] + net["second_requests"]
                 if r["status"] != 500 and (r["host"], r["path"]) in article_paths())
    assert ok and max(ok.values()) == 1


def test_next_edition_adds_new_articles_into_existing_stories(net, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(net["out"], out)
    server = FixtureServer.start(tmp_path / "requests.jsonl", edition=2)
    try:
        summary = run_crawl(net["sources"], out, server.proxy)
        fetched = [(r["host"], r["path"]) for r in server.requests()
                   if (r["host"], r["path"]) in article_paths()]
        fresh = tmp_path / "fresh"
        run_crawl(net["sources"], fresh, server.proxy)
    finally:
        server.stop()
    new = {(p.host, p.path) for p in sites.PLACEMENTS if p.edition == 2}
    # the new redirect to an article stored by run 1 is followed no further than the 301
    assert sorted(fetched) == sorted(new | {(sites.WIRE, sites.WIRE_ALIAS_NEXT[0])})
    assert sum(s["new"] for s in summary["sources"].values()) == 3
    assert store_snapshot(out)["seen"][WIRE + sites.WIRE_ALIAS_NEXT[0]] == "alias"
    assert stored_stories(out) == expected_stories(2)
    # The portal's copy of z3 joined the story stored by the first run.
    z3 = {canonical_url(p.url) for p in sites.PLACEMENTS if p.story.key == "z3-fake-explosion"}
    assert frozenset(z3) in stored_stories(out) and len(z3) == 2
    # Incremental == one batch over all stored articles == one crawl of everything.
    store = Store(out / STORE_FILE, writable=False)
    try:
        batch = {s.story_id: s.as_output() for s in assign_stories(store.articles())}
    finally:
        store.db.close()
    incremental, from_scratch = store_snapshot(out), store_snapshot(fresh)
    assert incremental["stories"] == batch
    assert incremental["articles"] == from_scratch["articles"]
    assert incremental["stories"] == from_scratch["stories"]


def test_kill_9_mid_crawl_then_rerun_equals_an_uninterrupted_crawl(net, tmp_path):
    out = tmp_path / "out"
    db_path = out / STORE_FILE

    def committed() -> int:
        if not db_path.exists():
            return 0
        try:
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.1) as db:
                return db.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            return 0

    slow = FixtureServer.start(tmp_path / "slow.jsonl", delay=0.3)
    try:
        proc = start_crawl(net["sources"], out, slow.proxy, NEWSDEDUP_COMMIT_ITEMS=2,
                           CONCURRENT_REQUESTS_PER_DOMAIN=1)
        assert wait_for(lambda: committed() >= 5 or proc.poll() is not None, timeout=60)
        kill_crawl(proc)
        # its extraction workers notice and exit: nothing lingers after a kill -9
        orphans_gone = wait_for(lambda: not group_members(proc.pid), timeout=15)
    finally:
        kill_group(proc)
        slow.stop()
    assert proc.returncode == -9  # killed, not finished
    assert orphans_gone
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        kept = {row[0] for row in db.execute("SELECT url FROM articles")}
        # nothing half-written: every stored article is in a stored story
        orphans = db.execute("SELECT count(*) FROM articles WHERE story_id IS NULL OR story_id"
                             " NOT IN (SELECT story_id FROM stories)").fetchone()[0]
    assert 5 <= len(kept) < 19 and orphans == 0

    server = FixtureServer.start(tmp_path / "rerun.jsonl")
    try:
        run_crawl(net["sources"], out, server.proxy)
        refetched = {f"http://{r['host']}{r['path']}" for r in server.requests()
                     if r["status"] == 200 and (r["host"], r["path"]) in article_paths()}
    finally:
        server.stop()
    assert not refetched & kept  # committed articles were not fetched again
    assert store_snapshot(out) == store_snapshot(net["out1"])
