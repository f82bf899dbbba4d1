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
        out["recovered"] = self.stats.get("newsdedup/recovered", 0)  # Redis mode, see coordination
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
              extract_processes: int | None = None, redis_url: str | None = None,
              run_id: str | None = None, worker_id: str | None = None,
              settings: dict[str, Any] | None = None) -> CrawlSummary:
    """Crawl the sources once into ``out_dir`` (store + refreshed JSONL files).

    ``sources`` restricts the run to those source names; ``spider`` is news / feeds / sitemaps /
    listings; ``settings`` overrides crawler/settings.py for this run. With ``redis_url`` this
    process is one worker of run ``run_id`` (see crawler/coordination.py). Raises SourcesError
    (a ValueError) for a bad sources file before anything is fetched.
    """
    from scrapy.crawler import AsyncCrawlerProcess
    from crawler.store import Store, check_not_busy

    sources_file = load_sources(sources_path)  # fail fast, with the file's own message
    selected = sources_file.named(sources)
    overrides = dict(settings or {})
    if proxy:
        overrides["NEWSDEDUP_PROXY"] = proxy
    if extract_processes is not None:
        overrides["NEWSDEDUP_EXTRACT_PROCESSES"] = extract_processes
    for key, value in (("NEWSDEDUP_REDIS_URL", redis_url), ("NEWSDEDUP_RUN_ID", run_id),
                       ("NEWSDEDUP_WORKER_ID", worker_id)):
        if value:
            overrides[key] = value
    config = crawl_settings(overrides)
    store_path = _store_path(config, out_dir)
    check_not_busy(store_path.parent)  # StoreBusy: an earlier run (the last cron job) still going
    process = AsyncCrawlerProcess(config)
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
    store = Store(store_path, writable=False) if store_path.exists() else None
    if store is not None:
        counts = store.counts()
        store.db.close()
        summary.articles, summary.stories, summary.rejects = (
            counts["articles"], counts["stories"], counts["rejects"])
    return summary


def _store_path(settings, out_dir: str | Path) -> Path:
    """OUT/store.sqlite, or in Redis mode this worker's OUT/workers/<worker>/store.sqlite."""
    from crawler.store import STORE_FILE

    if not settings.get("NEWSDEDUP_REDIS_URL"):
        return Path(out_dir) / STORE_FILE
    import socket

    from crawler.shared_store import worker_store_path
    if not settings.get("NEWSDEDUP_RUN_ID"):
        raise ValueError("Redis mode needs a run id shared by the run's workers (--run-id)")
    return worker_store_path(out_dir, settings.get("NEWSDEDUP_WORKER_ID") or socket.gethostname())


def new_run_id() -> str:
    """A run id for workers started together: the UTC time to the second."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


STARTUP_SECONDS = 60.0  # a worker of run_workers counts as live this long before its first beat


def run_workers(count: int, sources_path: str | Path, out_dir: str | Path, *, redis_url: str,
                run_id: str | None = None, worker_prefix: str | None = None,
                args: list[str] | None = None, namespace: str | None = None) -> dict[str, Any]:
    """``count`` worker processes of one Redis-mode run on this machine, then the merged export.

    Each worker is ``python -m crawler.run`` with its own id (``<host>-w<i>``) and store; a
    worker that dies does not stop the others (they recover its unfinished URLs). Returns
    {"run_id", "workers": {id: exit code}, "summaries": {id: summary}, "export": counts of the
    merge done here when a worker failed, else None}.
    """
    import socket
    import subprocess

    from crawler.redis_backend import shared_story_index
    from crawler.shared_store import export_shared

    from crawler.redis_backend import SharedCrawlState

    run_id = run_id or new_run_id()
    prefix = worker_prefix or socket.gethostname()
    namespace = namespace or crawl_settings().get("NEWSDEDUP_REDIS_NAMESPACE")
    procs = {}
    for i in range(1, count + 1):
        worker = f"{prefix}-w{i}"
        # Live (and busy) from now, for as long as a worker may take to start: the hosts are
        # partitioned over all of them from the first request on, not handed over as each
        # one comes up (crawler/frontier.py).
        SharedCrawlState(redis_url, run_id, worker, namespace).heartbeat(True, STARTUP_SECONDS)
        cmd = [sys.executable, "-m", "crawler.run", "--sources", str(sources_path),
               "--out", str(out_dir), "--redis-url", redis_url, "--run-id", run_id,
               "--worker-id", worker, *(args or [])]
        procs[worker] = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    codes, summaries = {}, {}
    for worker, proc in procs.items():
        out, _ = proc.communicate()
        codes[worker] = proc.returncode
        lines = (out or "").strip().splitlines()
        if proc.returncode == 0 and lines:
            summaries[worker] = json.loads(lines[-1])
    counts = None  # every worker finished: the last to leave wrote the merged files
    if any(code != 0 for code in codes.values()):  # one died: merge what all of them stored
        counts = export_shared(out_dir, shared_story_index(redis_url, namespace=namespace))
    return {"run_id": run_id, "workers": codes, "summaries": summaries, "export": counts}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawler.run")
    ap.add_argument("--sources", required=True)
    ap.add_argument("--out", default="output")
    ap.add_argument("--spider", default="news")
    ap.add_argument("--source", action="append", help="only this source (repeatable)")
    ap.add_argument("--watchlist")
    ap.add_argument("--proxy")
    ap.add_argument("--extract-processes", type=int)
    ap.add_argument("--redis-url", help="Redis mode: this process is one worker of a run")
    ap.add_argument("--run-id", help="Redis mode: the run shared by its workers")
    ap.add_argument("--worker-id", help="Redis mode: this worker's name (default: host name)")
    ap.add_argument("--workers", type=int, default=1,
                    help="Redis mode: start this many worker processes and merge their stores")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                    help="override a setting, value as JSON (e.g. AUTOTHROTTLE_ENABLED=false)")
    args = ap.parse_args(argv)
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = json.loads(value)
    if args.workers > 1:
        if not args.redis_url:
            ap.error("--workers N needs --redis-url")
        passed = [a for a in (argv if argv is not None else sys.argv[1:])]
        result = run_workers(args.workers, args.sources, args.out, redis_url=args.redis_url,
                             run_id=args.run_id, args=_worker_args(passed),
                             namespace=crawl_settings(overrides).get("NEWSDEDUP_REDIS_NAMESPACE"))
        print(json.dumps(result, ensure_ascii=False))
        return 0 if all(code == 0 for code in result["workers"].values()) else 1
    summary = run_crawl(args.sources, args.out, spider=args.spider, sources=args.source,
                        watchlist=args.watchlist, proxy=args.proxy,
                        extract_processes=args.extract_processes, redis_url=args.redis_url,
                        run_id=args.run_id, worker_id=args.worker_id, settings=overrides)
    print(summary.render(), file=sys.stderr)
    print(json.dumps(summary.as_dict(), ensure_ascii=False))
    return 0


def _worker_args(argv: list[str]) -> list[str]:
    """The options a worker inherits: all but those run_workers sets itself."""
    own = {"--sources", "--out", "--redis-url", "--run-id", "--worker-id", "--workers"}
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in own:
            skip = "=" not in arg
            continue
        out.append(arg)
    return out


if __name__ == "__main__":
    sys.exit(main())
