"""``newsdedup report [--out DIR] [--output FILE] [--quiet]``."""
from __future__ import annotations

import argparse
import sys

from newsdedup.cli.common import EXIT_OK, EXIT_USAGE

NAME = "report"
HELP = "write a static HTML page of the incidents (OUT/report.html)"
DESCRIPTION = ("Write a self-contained HTML report of an output folder: incidents biggest and "
               "latest first, timelines by outlet and language, stories and copies, a search "
               "box.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="output", help="output folder (default: output)")
    parser.add_argument("--output", default=None, metavar="FILE",
                        help="HTML file to write (default: OUT/report.html)")
    parser.add_argument("--quiet", action="store_true", help="no message on stderr")


def run(args: argparse.Namespace) -> int:
    from newsdedup.report import write_report

    try:
        path = write_report(args.out, args.output)
    except FileNotFoundError as err:
        print(f"newsdedup: {err.args[0] if err.args else err}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        print(f"report:           {path}", file=sys.stderr)
    return EXIT_OK
