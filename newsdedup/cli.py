"""The ``newsdedup`` command: a thin layer over the library functions.

Exit codes: 0 the run completed (rejects are listed in rejects.jsonl, not failures);
2 usage error or an input path that cannot be read (nothing written); 1 an unexpected error;
130 interrupted.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Something the caller must fix (a bad sources file, a busy or missing store): exit 2."""


def _cluster(args: argparse.Namespace) -> int:
    from newsdedup.dump import cluster_dump, default_workers

    workers = args.workers or default_workers()
    summary = cluster_dump(args.inputs, Path(args.out), workers=workers, stdin=sys.stdin.buffer)
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
        print(f"output:           {args.out}/articles.jsonl, stories.jsonl, incidents.jsonl, "
              "rejects.jsonl", file=sys.stderr)
    return EXIT_OK


def _crawl(args: argparse.Namespace) -> int:
    from crawler.run import run_crawl
    from crawler.sources import SourcesError
    from crawler.store import StoreBusy

    import os

    redis_url = args.redis_url or os.environ.get("NEWSDEDUP_REDIS_URL")
    if args.workers > 1 and not redis_url:
        raise UsageError("--workers N shares one frontier and index through Redis: "
                         "give --redis-url (or NEWSDEDUP_REDIS_URL)")
    try:
        if args.workers > 1:
            from crawler.run import run_workers

            passed = [] if args.extract_processes is None else [
                "--extract-processes", str(args.extract_processes)]
            for name in args.source or []:
                passed += ["--source", name]
            if args.watchlist:
                passed += ["--watchlist", args.watchlist]
            result = run_workers(args.workers, args.sources, args.out, redis_url=redis_url,
                                 run_id=args.run_id, args=passed + ["--spider", args.spider])
            if not args.quiet:
                print(f"run {result['run_id']}: workers {result['workers']}; merged "
                      f"{result['export']}", file=sys.stderr)
            return EXIT_OK if all(c == 0 for c in result["workers"].values()) else EXIT_ERROR
        summary = run_crawl(args.sources, args.out, spider=args.spider, sources=args.source,
                            watchlist=args.watchlist, extract_processes=args.extract_processes,
                            redis_url=redis_url, run_id=args.run_id or _run_id(redis_url),
                            worker_id=args.worker_id)
    except (SourcesError, StoreBusy, FileNotFoundError, ConnectionError) as err:
        raise UsageError(err) from err
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
    return EXIT_OK


def _run_id(redis_url: str | None) -> str | None:
    """One worker in Redis mode without --run-id: a run of its own."""
    if not redis_url:
        return None
    from crawler.run import new_run_id
    return new_run_id()


def _export(args: argparse.Namespace) -> int:
    import os

    from crawler.store import export_store

    redis_url = args.redis_url or os.environ.get("NEWSDEDUP_REDIS_URL")
    try:
        if redis_url:
            from crawler.redis_backend import shared_story_index
            from crawler.shared_store import export_shared

            from crawler.run import crawl_settings

            namespace = crawl_settings().get("NEWSDEDUP_REDIS_NAMESPACE")
            export_shared(args.out, shared_story_index(redis_url, namespace=namespace))
        else:
            export_store(args.out)
    except (FileNotFoundError, ConnectionError) as err:
        raise UsageError(err) from err
    if not args.quiet:
        print(f"exported:         {args.out}/articles.jsonl, stories.jsonl, rejects.jsonl",
              file=sys.stderr)
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    from newsdedup.explain import explain

    try:
        print(explain(args.out, args.a, args.b), end="")
    except (LookupError, FileNotFoundError) as err:
        print(f"newsdedup: {err.args[0] if err.args else err}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from newsdedup.report import write_report

    try:
        path = write_report(args.out, args.output)
    except FileNotFoundError as err:
        print(f"newsdedup: {err.args[0] if err.args else err}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        print(f"report:           {path}", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdedup",
        description="Chinese + English news scraper and deduplicator: copies into stories.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    cluster = commands.add_parser(
        "cluster", help="cluster a dump of articles (JSONL, folder of HTML, WARC; - for stdin)",
        description="Extract, deduplicate and group a dump into stories. Formats are detected "
                    "from the content: JSONL (url + html or text), HTML files (.html, .htm, "
                    ".html.gz) or folders of them, WARC / WARC.gz. '-' reads JSONL from stdin.")
    cluster.add_argument("inputs", nargs="+", metavar="INPUT", help="file, folder or -")
    cluster.add_argument("--out", default="output", help="output folder (default: output)")
    cluster.add_argument("--workers", type=int, default=0,
                         help="extraction processes (default: all cores)")
    cluster.add_argument("--quiet", action="store_true", help="no summary on stderr")
    cluster.set_defaults(run=_cluster)

    crawl = commands.add_parser(
        "crawl", help="crawl every configured source once (what a cron job or timer calls)",
        description="Fetch what is new from the sources file (feeds, sitemaps, listing pages; "
                    "conditional requests, seen URLs skipped), run every page through the same "
                    "stages as 'cluster', store it in OUT/store.sqlite and refresh the JSONL files.")
    crawl.add_argument("--sources", required=True, metavar="FILE", help="sources TOML file")
    crawl.add_argument("--out", default="output", help="output folder and store (default: output)")
    crawl.add_argument("--source", action="append", metavar="NAME",
                       help="only this source (repeatable)")
    crawl.add_argument("--spider", default="news", choices=("news", "feeds", "sitemaps", "listings"),
                       help="which kinds of hub to read (default: all)")
    crawl.add_argument("--watchlist", metavar="FILE",
                       help="keep only articles matching a keyword (overrides the sources file)")
    crawl.add_argument("--extract-processes", type=int, default=None,
                       help="extraction processes per worker (default: cores - 1; 0 = inline)")
    crawl.add_argument("--workers", type=int, default=1,
                       help="crawl worker processes sharing one Redis (needs --redis-url)")
    crawl.add_argument("--redis-url", metavar="URL",
                       help="Redis mode: shared frontier, seen URLs and story index "
                            "(default: $NEWSDEDUP_REDIS_URL)")
    crawl.add_argument("--run-id", help="Redis mode: the run id every worker of a run shares "
                                        "(workers on several machines must pass the same one)")
    crawl.add_argument("--worker-id", help="Redis mode: this worker's name (default: host name)")
    crawl.add_argument("--quiet", action="store_true", help="no summary on stderr")
    crawl.set_defaults(run=_crawl)

    export = commands.add_parser(
        "export", help="rewrite the JSONL files of OUT from its crawl store",
        description="Rewrite articles.jsonl, stories.jsonl and rejects.jsonl from OUT/store.sqlite.")
    export.add_argument("--out", default="output", help="output folder holding store.sqlite")
    export.add_argument("--redis-url", metavar="URL",
                        help="Redis mode: merge OUT/workers/*/store.sqlite, stories from Redis")
    export.add_argument("--quiet", action="store_true", help="no message on stderr")
    export.set_defaults(run=_export)

    explain = commands.add_parser(
        "explain", help="why two articles are, or are not, one story and one incident",
        description="Explain two articles of an output folder (ids or URLs): story evidence "
                    "(estimated Jaccard and containment, shared passages) and incident evidence "
                    "(shared amounts, dates, names and terms across languages, with weights).")
    explain.add_argument("a", metavar="A", help="article id or URL")
    explain.add_argument("b", metavar="B", help="article id or URL")
    explain.add_argument("--out", default="output", help="output folder (default: output)")
    explain.set_defaults(run=_explain)

    report = commands.add_parser(
        "report", help="write a static HTML page of the incidents (OUT/report.html)",
        description="Write a self-contained HTML report of an output folder: incidents biggest "
                    "and latest first, timelines by outlet and language, stories and copies, "
                    "a search box.")
    report.add_argument("--out", default="output", help="output folder (default: output)")
    report.add_argument("--output", default=None, metavar="FILE",
                        help="HTML file to write (default: OUT/report.html)")
    report.add_argument("--quiet", action="store_true", help="no message on stderr")
    report.set_defaults(run=_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    from newsdedup.readers import InputError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (InputError, UsageError) as err:
        print(f"newsdedup: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        from newsdedup.output import PUBLISHED
        if PUBLISHED:  # the switch is one rename: the new set is either all there or not at all
            print(f"newsdedup: interrupted after the new output set was published in "
                  f"{PUBLISHED[-1]} (complete)", file=sys.stderr)
        else:
            print("newsdedup: interrupted; the outputs of this run were not written (the previous "
                  "output set, if any, is unchanged)", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
