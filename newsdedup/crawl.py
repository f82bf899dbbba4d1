"""Crawl the configured sources once and refresh the output files: ``newsdedup crawl``.

    crawl("samples/sources.toml", "output") -> CrawlSummary

``crawler.run`` fetches into the crawl store; this module then writes the output files from the
store (``newsdedup.export``). With several workers (``crawl_workers``) each worker is a
``newsdedup crawl`` process of one Redis-mode run (forked from this one once the crawler is
imported), and the stores are merged at the end.
A Twisted reactor cannot be restarted: call ``crawl`` once per process.
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import traceback
from pathlib import Path
from typing import Any

from crawler.overrides import check_overrides
from crawler.run import CrawlSummary, crawl_settings, new_run_id, preload_crawler, run_crawl
from crawler.store import STORE_FILE
from newsdedup.crawl_log import EXIT_NO_SOURCE, EXIT_SOME_SOURCES
from newsdedup.export import export_shared, export_store, redis_namespace

STARTUP_SECONDS = 60.0  # a worker of crawl_workers counts as live this long before its first beat


class ExportFailed(RuntimeError):
    """The crawl ran, but writing its output files failed (they are left as they were)."""


def crawl(sources_path: str | Path, out_dir: str | Path = "output", *, spider: str = "news",
          sources: list[str] | None = None, watchlist: str | Path | None = None,
          proxy: str | None = None, extract_processes: int | None = None,
          redis_url: str | None = None, run_id: str | None = None,
          worker_id: str | None = None, settings: dict[str, Any] | None = None,
          export: bool = True) -> CrawlSummary:
    """Fetch what is new from every source of ``sources_path`` (or only those named in
    ``sources``) into ``out_dir``'s store, then rewrite articles / stories / incidents /
    rejects .jsonl there.

    ``spider``: news (every kind of hub), feeds, sitemaps or listings. ``extract_processes``:
    extraction pool size (default: usable cores - 1; 0 = inline). ``settings`` override
    crawler/settings.py for this run (e.g. {"DOWNLOAD_DELAY": 0}). With ``redis_url`` (or
    NEWSDEDUP_REDIS_URL) this process is one worker of run ``run_id`` (a fresh run if None);
    the worker that leaves the run last writes the merged files. ``export=False``: fetch and
    store only (``newsdedup export`` writes the files later; ``crawl_workers``' workers, whose
    caller merges). Raises SourcesError (a
    ValueError) for a bad sources file and StoreBusy if another crawl holds ``out_dir``, both
    before anything is fetched, like SettingError for an unknown setting or a bad value;
    ConnectionError if Redis does not answer; ExportFailed if the output files could not be
    rewritten (a full disk, a corrupt store).
    """
    overrides = dict(settings or {})
    check_overrides(overrides)
    redis_url = redis_url or crawl_settings(overrides).get("NEWSDEDUP_REDIS_URL")
    if redis_url and not run_id:
        run_id = new_run_id()  # one worker without a run id: a run of its own
    summary = run_crawl(sources_path, out_dir, spider=spider, sources=sources,
                        watchlist=watchlist, proxy=proxy, extract_processes=extract_processes,
                        redis_url=redis_url, run_id=run_id, worker_id=worker_id,
                        settings=overrides)
    if summary.finish_reason is None or not export:  # nothing to export, or not asked to
        return summary
    try:
        if not redis_url:
            if (Path(out_dir) / STORE_FILE).exists():
                export_store(out_dir)
        elif summary.last_worker:
            export_shared(out_dir, shared_index(redis_url, overrides))
    except (OSError, ValueError, sqlite3.Error) as err:  # a full disk, a corrupt store
        raise ExportFailed(f"{type(err).__name__}: {err}") from err
    return summary


def crawl_workers(count: int, sources_path: str | Path, out_dir: str | Path, *, redis_url: str,
                  run_id: str | None = None, worker_prefix: str | None = None,
                  spider: str = "news", sources: list[str] | None = None,
                  watchlist: str | Path | None = None, proxy: str | None = None,
                  extract_processes: int | None = None,
                  settings: dict[str, Any] | None = None, export: bool = True) -> dict[str, Any]:
    """``count`` worker processes of one Redis-mode run on this machine, then the merged export.

    Each worker is ``newsdedup crawl --no-export`` with its own id (``<host>-w<i>``) and store,
    forked from this process after the crawler's modules are imported (``preload_crawler``; a
    new ``python -m newsdedup`` process where that is not possible); a worker that dies does not
    stop the others (they recover its unfinished URLs). This process merges once they are all
    done; while they fetch it pays the export's fixed costs (``warm_up_export``, on idle CPU
    only), so the run ends that much sooner than one whose last worker starts them cold.
    Returns {"run_id", "workers": {id: exit code}, "summaries": {id: summary}, "export":
    counts of the merge, None with ``export=False``}. SettingError (before any worker starts)
    for an unknown setting or a bad value.
    """
    check_overrides(settings or {})
    run_id = run_id or new_run_id()
    prefix = worker_prefix or socket.gethostname()
    passed = ["--spider", spider]
    for name in sources or []:
        passed += ["--source", name]
    if watchlist:
        passed += ["--watchlist", str(watchlist)]
    if proxy:
        passed += ["--proxy", proxy]
    if extract_processes is not None:
        passed += ["--extract-processes", str(extract_processes)]
    for key, value in (settings or {}).items():
        passed += ["--set", f"{key}={json.dumps(value)}"]
    from crawler.redis_backend import SharedCrawlState  # ~1 s of imports: Redis mode only

    namespace = redis_namespace(settings)
    workers = [f"{prefix}-w{i}" for i in range(1, count + 1)]
    for worker in workers:
        # Live (and busy) from now on, for as long as a worker may take to start: the frontier
        # partitions hosts over all of them from the first request, instead of handing hosts
        # over as each one comes up (crawler/frontier.py).
        state = SharedCrawlState(redis_url, run_id, worker, namespace)
        state.heartbeat(True, STARTUP_SECONDS)
        state.r.close()  # not inherited by the forked workers
    forked = preload_crawler()
    procs = {}
    for worker in workers:
        argv = ["crawl", "--sources", str(sources_path), "--out", str(out_dir), "--redis-url",
                redis_url, "--run-id", run_id, "--worker-id", worker, "--json", "--no-export",
                *passed]
        procs[worker] = (ForkedWorker(argv) if forked else subprocess.Popen(
            [sys.executable, "-m", "newsdedup", *argv], stdout=subprocess.PIPE, text=True))
    warm = threading.Thread(target=_warm_up_when_idle if export else None,
                            name="export-warm-up", daemon=True)
    warm.start()  # after the forks: a worker never inherits a half-built dictionary or a thread
    codes, summaries = {}, {}
    for worker, proc in procs.items():
        out, _ = proc.communicate()
        codes[worker] = proc.returncode
        lines = (out or "").strip().splitlines()
        if proc.returncode in (0, EXIT_NO_SOURCE, EXIT_SOME_SOURCES) and lines:  # ran to the end
            summaries[worker] = json.loads(lines[-1])
    warm.join()  # its caches are this thread's from here on (and nothing runs beside a fork)
    counts = export_shared(out_dir, shared_index(redis_url, settings)) if export else None
    return {"run_id": run_id, "workers": codes, "summaries": summaries, "export": counts}


def _warm_up_when_idle() -> None:
    """``warm_up_export`` at the idle scheduling class where Linux has it, so it only takes CPU
    the workers leave unused (a latency-bound crawl leaves most of it) and never slows a
    CPU-bound one; whatever is not done when they finish is done while they exit."""
    from pipelines.incidents import warm_up_export

    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # this thread only
    except (AttributeError, OSError):
        pass  # not Linux: a normal-priority thread, the same result a little less for free
    try:
        warm_up_export()
    except Exception:  # noqa: BLE001 — a cache only: the export redoes (and reports) it
        pass


class ForkedWorker:
    """A worker of ``crawl_workers``: a fork of this process that runs ``newsdedup crawl argv``
    (the command line's own code path and exit code) and exits; what it prints on stdout comes
    back through a pipe. Shaped like the ``subprocess.Popen`` it replaces (``communicate``,
    ``returncode``: the exit code, or -N when signal N killed it)."""

    def __init__(self, argv: list[str]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the worker: whatever happens, it exits here (never returns)
            code = 1
            try:
                os.close(read)
                os.dup2(write, 1)  # stdout is the pipe, whatever sys.stdout was in the parent
                os.close(write)
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                from newsdedup.cli import main

                code = main(argv)
            except SystemExit as exit_:  # sys.exit(None) is a success, a message a failure
                code = 0 if exit_.code is None else exit_.code if isinstance(exit_.code, int) \
                    else 1
            except BaseException:  # noqa: BLE001 — reported like an uncaught error, exit 1
                traceback.print_exc()
            finally:
                for stream in (sys.stdout, sys.stderr):
                    try:
                        stream.flush()
                    except (OSError, ValueError):
                        pass
                os._exit(code)
        os.close(write)
        self.stdout = os.fdopen(read, encoding="utf-8")
        self.returncode: int | None = None

    def communicate(self) -> tuple[str, None]:
        out = self.stdout.read()
        self.stdout.close()
        _, status = os.waitpid(self.pid, 0)
        self.returncode = os.waitstatus_to_exitcode(status)
        return out, None


def shared_index(redis_url: str, settings: dict[str, Any] | None = None):
    """The run's shared story index, in the namespace the crawl settings give."""
    from crawler.redis_backend import shared_story_index  # ~1 s of imports: Redis mode only

    return shared_story_index(redis_url, namespace=redis_namespace(settings))
