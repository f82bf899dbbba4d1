"""``newsdedup cluster INPUT... [--out DIR] [--extract-processes N] [--quiet]``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsdedup.cli.common import EXIT_OK

NAME = "cluster"
HELP = "cluster a dump of articles (JSONL, folder of HTML, WARC; - for stdin)"
DESCRIPTION = ("Extract, deduplicate and group a dump into stories. Formats are detected from "
               "the content: JSONL (url + html or text), HTML files (.html, .htm, .html.gz) or "
               "folders of them, WARC / WARC.gz. '-' reads JSONL from stdin.")


class _DeprecatedWorkers(argparse.Action):
    """``--workers N``: the old name of ``--extract-processes`` (kept for one release)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print("newsdedup: cluster --workers is deprecated, use --extract-processes",
              file=sys.stderr)
        setattr(namespace, self.dest, values)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="file, folder or -")
    parser.add_argument("--out", default="output", help="output folder (default: output)")
    parser.add_argument("--extract-processes", type=int, default=0, metavar="N",
                        help="extraction processes (default: all cores)")
    parser.add_argument("--workers", type=int, dest="extract_processes",
                        action=_DeprecatedWorkers, help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="no summary on stderr")


def run(args: argparse.Namespace) -> int:
    from newsdedup.dump import cluster_dump
    from pipelines.cores import usable_cores

    processes = args.extract_processes or usable_cores()
    summary = cluster_dump(args.inputs, Path(args.out), workers=processes,
                           stdin=sys.stdin.buffer)
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
        print(f"output:           {args.out}/articles.jsonl, stories.jsonl, incidents.jsonl, "
              "rejects.jsonl", file=sys.stderr)
    return EXIT_OK
