"""Run every configured source once, in this process: what ``newsdedup crawl`` calls.

    run_crawl("samples/sources.toml", "output") -> CrawlSummary

A Twisted reactor cannot be restarted, so call it once per process (a CLI run, a cron job). For
tests and the benchmark ``python -m crawler.run --sources F --out D [--set KEY=JSON ...]`` runs
it in a child process and prints the summary as JSON on the last stdout line.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crawler.sources import load_sources

# Per-source counters the spider and pipelines keep in Scrapy stats as newsdedup/<source>/<name>.
COUNTERS = ("hubs_fetched", "hubs_not_modified", "hubs_failed", "hubs_over_budget",
            "articles_fetched",
            "articles_new", "articles_duplicate", "articles_failed", "rejected", "skipped_seen",
            "disallowed", "offsite_links")


@dataclass
class SourceSummary:
    name: str
    counts: dict[str, int]

    @property
    def fetched(self) -> int:
        """Responses with content: hubs (200) and article pages."""
        return self.counts["hubs_fetched"] + self.counts["articles_fetched"]

    @property
    def new(self) -> int:
        return self.counts["articles_new"]

    @property
    def failed(self) -> int:
        return self.counts["hubs_failed"] + self.counts["articles_failed"]


@dataclass
class CrawlSummary:
    sources: list[SourceSummary]
    articles: int = 0  # in the store after the run
    stories: int = 0
    rejects: int = 0
    seconds: float = 0.0
    finish_reason: str | None = None
    stats: dict[str, Any] = field(default_factory=dict, repr=False)

    def render(self) -> str:
        width = max([len(s.name) for s in self.sources] + [6])
        lines = [f"{'source':<{width}}  fetched  304s    new  rejected  failed"]
        for s in self.sources:
            lines.append(f"{s.name:<{width}}  {s.fetched:>7}  {s.counts['hubs_not_modified']:>4}"
                         f"  {s.new:>5}  {s.counts['rejected']:>8}  {s.failed:>6}")
        lines.append(f"store: {self.articles} articles, {self.stories} stories, "
                     f"{self.rejects} rejects; {self.seconds:.1f} s ({self.finish_reason})")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("stats", "sources")}
        for key in ("reactor_lag_p95_ms", "reactor_lag_max_ms", "reactor_lag_total_s"):
            out[key] = self.stats.get(f"newsdedup/{key}")
        out["sources"] = {s.name: {"fetched": s.fetched, "new": s.new, "failed": s.failed,
                                   **s.counts} for s in self.sources}
        return out


def crawl_settings(overrides: dict[str, Any] | None = None):
    """crawler/settings.py plus per-run overrides (never edits the module)."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(sources_path: str | Path, out_dir: str | Path = "output", *,
              spider: str = "news", sources: list[str] | None = None,
              watchlist: str | Path | None = None, proxy: str | None = None,
              workers: int | None = None, settings: dict[str, Any] | None = None) -> CrawlSummary:
    """Crawl the sources once into ``out_dir`` (store + refreshed JSONL files).

    ``sources`` restricts the run to those source names; ``spider`` is news / feeds / sitemaps /
    listings; ``settings`` overrides crawler/settings.py for this run. Raises SourcesError
    (a ValueError) for a bad sources file before anything is fetched.
    """
    from scrapy.crawler import AsyncCrawlerProcess
    from pipelines.store import STORE_FILE, Store, check_not_busy

    sources_file = load_sources(sources_path)  # fail fast, with the file's own message
    selected = sources_file.named(sources)
    check_not_busy(out_dir)  # StoreBusy: an earlier run (e.g. the last cron job) still going
    overrides = dict(settings or {})
    if proxy:
        overrides["NEWSDEDUP_PROXY"] = proxy
    if workers is not None:
        overrides["NEWSDEDUP_WORKERS"] = workers
    process = AsyncCrawlerProcess(crawl_settings(overrides))
    crawler = process.create_crawler(spider)
    started = time.monotonic()
    process.crawl(crawler, sources=str(sources_path), out=str(out_dir),
                  source=",".join(sources) if sources else None,
                  watchlist=str(watchlist) if watchlist else None)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    summary = CrawlSummary(
        sources=[SourceSummary(s.name, {c: int(stats.get(f"newsdedup/{s.name}/{c}", 0))
                                        for c in COUNTERS}) for s in selected],
        seconds=time.monotonic() - started, finish_reason=stats.get("finish_reason"),
        stats=stats)
    path = Path(out_dir) / STORE_FILE
    store = Store(path, writable=False) if path.exists() else None
    if store is not None:
        counts = store.counts()
        store.db.close()
        summary.articles, summary.stories, summary.rejects = (
            counts["articles"], counts["stories"], counts["rejects"])
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawler.run")
    ap.add_argument("--sources", required=True)
    ap.add_argument("--out", default="output")
    ap.add_argument("--spider", default="news")
    ap.add_argument("--source", action="append", help="only this source (repeatable)")
    ap.add_argument("--watchlist")
    ap.add_argument("--proxy")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                    help="override a setting, value as JSON (e.g. AUTOTHROTTLE_ENABLED=false)")
    args = ap.parse_args(argv)
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = json.loads(value)
    summary = run_crawl(args.sources, args.out, spider=args.spider, sources=args.source,
                        watchlist=args.watchlist, proxy=args.proxy, workers=args.workers,
                        settings=overrides)
    print(summary.render(), file=sys.stderr)
    print(json.dumps(summary.as_dict(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
