"""``newsdedup cluster INPUT... [--out DIR] [--extract-processes N] [--format LIST]
[--config FILE] [--quiet]``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsdedup.cli.common import EXIT_OK, JSONL_FILES
from newsdedup.cli.options import add_config, add_formats, add_out, count, resolve, written

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
    add_out(parser, "output folder")
    parser.add_argument("--extract-processes", type=count(0), default=None, metavar="N",
                        help="extraction processes (default: all cores)")
    add_formats(parser)
    add_config(parser)
    parser.add_argument("--workers", type=count(0), dest="extract_processes",
                        action=_DeprecatedWorkers, help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="no summary on stderr")


def run(args: argparse.Namespace) -> int:
    from newsdedup.dump import NoArticles, cluster_dump
    from pipelines.cores import usable_cores

    resolve(args)
    if args.extract_processes is None:
        args.extract_processes = args.settings.cluster.extract_processes
    processes = args.extract_processes or usable_cores()
    try:
        summary = cluster_dump(args.inputs, Path(args.out), workers=processes,
                               stdin=sys.stdin.buffer, settings=args.settings,
                               formats=args.formats)
    except NoArticles as err:  # the summary says why, then the one line (exit 5)
        if not args.quiet:
            print(err.summary.render(), file=sys.stderr)
        raise
    if not args.quiet:
        print(summary.render(), file=sys.stderr)
        print(f"output:           {written(args.out, args.formats, JSONL_FILES)}",
              file=sys.stderr)
    return EXIT_OK
