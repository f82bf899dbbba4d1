"""``newsdedup export [--out DIR] [--redis-url URL] [--format LIST] [--config FILE] [--quiet]``."""
from __future__ import annotations

import argparse
import os
import sys

from newsdedup.cli.common import EXIT_OK, JSONL_FILES, UsageError
from newsdedup.cli.options import add_config, add_formats, add_out, resolve, written

NAME = "export"
HELP = "rewrite the output files of OUT from its crawl store"
DESCRIPTION = ("Rewrite articles.jsonl, stories.jsonl, incidents.jsonl and rejects.jsonl from "
               "OUT/store.sqlite (with --format csv: articles.csv, stories.csv, incidents.csv, "
               "rejects.csv; with --format sqlite: results.sqlite).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_out(parser, "output folder holding store.sqlite")
    add_formats(parser)
    add_config(parser)
    parser.add_argument("--redis-url", metavar="URL",
                        help="Redis mode: merge OUT/workers/*/store.sqlite, stories from Redis")
    parser.add_argument("--quiet", action="store_true", help="no message on stderr")


def run(args: argparse.Namespace) -> int:
    from newsdedup.export import StoreUnreadable, export
    from newsdedup.preflight import check_out_dir

    resolve(args)
    if not os.path.isdir(args.out):
        raise UsageError(f"--out {args.out}: no such folder (nothing crawled there yet)")
    check_out_dir(args.out)
    try:
        export(args.out, args.redis_url or os.environ.get("NEWSDEDUP_REDIS_URL"),
               config=args.settings.incidents, formats=args.formats)
    except (FileNotFoundError, ConnectionError, StoreUnreadable) as err:
        raise UsageError(err) from err
    if not args.quiet:
        print(f"exported:         {written(args.out, args.formats, JSONL_FILES)}",
              file=sys.stderr)
    return EXIT_OK
