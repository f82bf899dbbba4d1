"""``newsdedup crawl --sources FILE [--out DIR] ...``: what a cron job or timer calls."""
from __future__ import annotations

import argparse
import json
import os
import sys

from newsdedup.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, UsageError
from newsdedup.cli.options import count

NAME = "crawl"
HELP = "crawl every configured source once (what a cron job or timer calls)"
DESCRIPTION = ("Fetch what is new from the sources file (feeds, sitemaps, listing pages; "
               "conditional requests, seen URLs skipped), run every page through the same "
               "stages as 'cluster', store it in OUT/store.sqlite and refresh the JSONL files.")


def _setting(text: str) -> tuple[str, object]:
    key, sep, value = text.partition("=")
    try:
        if not sep or not key:
            raise ValueError("no '='")
        return key, json.loads(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=JSON ({err})") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", required=True, metavar="FILE", help="sources TOML file")
    parser.add_argument("--out", default="output",
                        help="output folder and store (default: output)")
    parser.add_argument("--source", action="append", metavar="NAME",
                        help="only this source (repeatable)")
    parser.add_argument("--spider", default="news",
                        choices=("news", "feeds", "sitemaps", "listings"),
                        help="which kinds of hub to read (default: all)")
    parser.add_argument("--watchlist", metavar="FILE",
                        help="keep only articles matching a keyword (overrides the sources file)")
    parser.add_argument("--extract-processes", type=count(0), default=None,
                        help="extraction processes per worker (default: cores - 1; 0 = inline)")
    parser.add_argument("--workers", type=count(1), default=1,
                        help="crawl worker processes sharing one Redis (needs --redis-url)")
    parser.add_argument("--redis-url", metavar="URL",
                        help="Redis mode: shared frontier, seen URLs and story index "
                             "(default: $NEWSDEDUP_REDIS_URL)")
    parser.add_argument("--run-id", help="Redis mode: the run id every worker of a run shares "
                                         "(workers on several machines must pass the same one)")
    parser.add_argument("--worker-id",
                        help="Redis mode: this worker's name (default: host name)")
    parser.add_argument("--set", type=_setting, action="append", default=[], dest="settings",
                        metavar="KEY=JSON",
                        help="override a crawler setting for this run, value as JSON "
                             "(e.g. DOWNLOAD_DELAY=0)")
    parser.add_argument("--proxy", metavar="URL",
                        help="send every request through this HTTP proxy (NEWSDEDUP_PROXY)")
    parser.add_argument("--no-export", dest="export", action="store_false",
                        help="fetch and store only; 'newsdedup export' writes the output files "
                             "later (what the workers of --workers N do: their caller merges)")
    parser.add_argument("--json", action="store_true",
                        help="print the run summary as JSON on the last line of stdout")
    parser.add_argument("--verbose", action="store_true",
                        help="Scrapy's own INFO log instead of the concise one")
    parser.add_argument("--log-level", metavar="LEVEL",
                        choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
                        type=str.upper, help="Scrapy's own log at this level")
    parser.add_argument("--quiet", action="store_true",
                        help="nothing on stderr but a failed run's one-line reason")


def run(args: argparse.Namespace) -> int:
    from crawler.overrides import SettingError, check_overrides
    from crawler.sources import SourcesError
    from crawler.store import StoreBusy
    from newsdedup.crawl import ExportFailed, crawl, crawl_workers
    from newsdedup.crawl_log import concise_log, merged_counts, scrapy_log_settings
    from newsdedup.preflight import check_out_dir

    redis_url = args.redis_url or os.environ.get("NEWSDEDUP_REDIS_URL")
    if args.workers > 1 and not redis_url:
        raise UsageError("--workers N shares one frontier and index through Redis: "
                         "give --redis-url (or NEWSDEDUP_REDIS_URL)")
    try:  # before --out is created: a mistake costs one line, nothing written
        check_overrides(dict(args.settings))
    except SettingError as err:
        raise UsageError(err) from err
    check_out_dir(args.out)
    scrapy_log = scrapy_log_settings(args.verbose, args.log_level)
    options = {"spider": args.spider, "sources": args.source, "watchlist": args.watchlist,
               "proxy": args.proxy, "extract_processes": args.extract_processes,
               "settings": {**scrapy_log, **dict(args.settings)}}
    try:
        if args.workers > 1:
            result = crawl_workers(args.workers, args.sources, args.out, redis_url=redis_url,
                                   run_id=args.run_id, export=args.export, **options)
            if not args.quiet:
                merged = result["export"] or "not (--no-export)"
                print(f"run {result['run_id']}: workers {result['workers']}; merged {merged}",
                      file=sys.stderr)
            if args.json:
                print(json.dumps(result, ensure_ascii=False))
            if any(worker not in result["summaries"] for worker in result["workers"]):
                return EXIT_ERROR  # a worker died or stopped on an error
            return finish(merged_counts(list(result["summaries"].values())))
        with concise_log(sys.stderr, enabled=not scrapy_log["LOG_ENABLED"],
                         echo=not args.quiet) as log:
            summary = crawl(args.sources, args.out, redis_url=redis_url, run_id=args.run_id,
                            worker_id=args.worker_id, export=args.export, **options)
    except (SourcesError, SettingError, StoreBusy, FileNotFoundError, ConnectionError) as err:
        raise UsageError(err) from err
    except ExportFailed as err:  # fetched and stored, but the output files are stale
        print(f"newsdedup: the crawl stored what it fetched, but its export failed: {err}; "
              f"the output files of {args.out} were not rewritten", file=sys.stderr)
        return EXIT_ERROR
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
        for line in log.closing_lines() if log else []:
            print(line, file=sys.stderr)
    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    if summary.finish_reason == "shutdown":  # SIGINT / SIGTERM: Scrapy stopped gracefully
        print("newsdedup: crawl interrupted; what was fetched is stored and exported, the rest "
              "is fetched by the next run", file=sys.stderr)
        return EXIT_INTERRUPTED
    return finish([(s.name, s.counts) for s in summary.sources])


def finish(per_source: list[tuple[str, dict[str, int]]]) -> int:
    """The exit code from how each source fared, with the one line that says why."""
    from newsdedup.crawl_log import crawl_exit_code, failure_line

    failed = failure_line(per_source)
    if failed:
        print(f"newsdedup: {failed}", file=sys.stderr)
    return crawl_exit_code(per_source)
