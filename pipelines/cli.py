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


def _cluster(args: argparse.Namespace) -> int:
    from pipelines.dump import cluster_dump, default_workers

    workers = args.workers or default_workers()
    summary = cluster_dump(args.inputs, Path(args.out), workers=workers, stdin=sys.stdin.buffer)
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
        print(f"output:           {args.out}/articles.jsonl, stories.jsonl, rejects.jsonl",
              file=sys.stderr)
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
    return parser


def main(argv: list[str] | None = None) -> int:
    from pipelines.readers import InputError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as err:
        print(f"newsdedup: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("newsdedup: interrupted; outputs of this run were not written", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
