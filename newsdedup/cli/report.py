"""``newsdedup report [--out DIR] [--output FILE] [--tz ZONE] [--config FILE] [--quiet]``."""
from __future__ import annotations

import argparse
import sys

from newsdedup.cli.common import EXIT_OK, EXIT_USAGE, UsageError
from newsdedup.cli.options import add_config, add_out, resolve

NAME = "report"
HELP = "write a static HTML page of the incidents (OUT/report.html)"
DESCRIPTION = ("Write a self-contained HTML report of an output folder: incidents biggest and "
               "latest first, timelines by outlet and language, stories and copies, a search "
               "box.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_out(parser, "output folder")
    parser.add_argument("--output", default=None, metavar="FILE",
                        help="HTML file to write (default: OUT/report.html)")
    parser.add_argument("--tz", default=None, metavar="ZONE",
                        help="IANA time zone for the local times beside UTC, e.g. Asia/Shanghai "
                             "(default: the time zone of whoever opens the page)")
    add_config(parser)
    parser.add_argument("--quiet", action="store_true", help="no message on stderr")


def run(args: argparse.Namespace) -> int:
    from newsdedup.report import write_report

    resolve(args)
    tz = args.tz or args.settings.report.tz
    try:
        path = write_report(args.out, args.output, tz=tz, config=args.settings.incidents)
    except ValueError as err:  # an unknown time zone
        raise UsageError(err) from err
    except FileNotFoundError as err:
        print(f"newsdedup: {err.args[0] if err.args else err}", file=sys.stderr)
        return EXIT_USAGE
    if not args.quiet:
        print(f"report:           {path}", file=sys.stderr)
    return EXIT_OK
