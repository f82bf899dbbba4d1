"""``newsdedup export [--out DIR] [--redis-url URL] [--quiet]``."""
from __future__ import annotations

import argparse
import os
import sys

from newsdedup.cli.common import EXIT_OK, UsageError

NAME = "export"
HELP = "rewrite the JSONL files of OUT from its crawl store"
DESCRIPTION = "Rewrite articles.jsonl, stories.jsonl and rejects.jsonl from OUT/store.sqlite."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="output", help="output folder holding store.sqlite")
    parser.add_argument("--redis-url", metavar="URL",
                        help="Redis mode: merge OUT/workers/*/store.sqlite, stories from Redis")
    parser.add_argument("--quiet", action="store_true", help="no message on stderr")


def run(args: argparse.Namespace) -> int:
    from newsdedup.export import StoreUnreadable, export

    try:
        export(args.out, args.redis_url or os.environ.get("NEWSDEDUP_REDIS_URL"))
    except (FileNotFoundError, ConnectionError, StoreUnreadable) as err:
        raise UsageError(err) from err
    if not args.quiet:
        print(f"exported:         {args.out}/articles.jsonl, stories.jsonl, rejects.jsonl",
              file=sys.stderr)
    return EXIT_OK
