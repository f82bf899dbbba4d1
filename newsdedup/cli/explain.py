"""``newsdedup explain A B [--out DIR] [--config FILE]``."""
from __future__ import annotations

import argparse
import sys

from newsdedup.cli.common import EXIT_OK, EXIT_USAGE
from newsdedup.cli.options import add_config, add_out, resolve

NAME = "explain"
HELP = "why two articles are, or are not, one story and one incident"
DESCRIPTION = ("Explain two articles of an output folder (ids or URLs): story evidence "
               "(estimated Jaccard and containment, shared passages) and incident evidence "
               "(shared amounts, dates, names and terms across languages, with weights).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", metavar="A", help="article id or URL")
    parser.add_argument("b", metavar="B", help="article id or URL")
    add_out(parser, "output folder")
    add_config(parser)


def run(args: argparse.Namespace) -> int:
    from newsdedup.explain import explain

    try:
        resolve(args)
        print(explain(args.out, args.a, args.b, config=args.settings.incidents), end="")
    except (LookupError, FileNotFoundError) as err:
        print(f"newsdedup: {err.args[0] if err.args else err}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
