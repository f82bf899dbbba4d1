"""Options several commands share: ``--config FILE``, ``--format``, ``--out``.

A command's own flag wins over the settings file, which wins over the default; ``resolve``
does that once, so every command reads ``args.settings`` (the ``newsdedup.config.Settings``
passed down), ``args.out`` and ``args.formats`` the same way.
"""
from __future__ import annotations

import argparse

from newsdedup.cli.common import UsageError

OUT_DEFAULT = "output"


def count(minimum: int):
    """An argparse type: a whole number ≥ ``minimum`` (a negative process count was taken
    silently and ran something else than asked)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be ≥ {minimum}, got {value}")
        return value

    return parse


def formats_type(text: str) -> tuple[str, ...]:
    from newsdedup.formats import FormatError, parse_formats

    try:
        return parse_formats(text)
    except FormatError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE",
                        help="settings file (TOML; keys in the README's Configuration table); "
                             "options given here win over it")


def add_out(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--out", default=None, type=_folder_name,
                        help=f"{help_text} (default: {OUT_DEFAULT})")


def _folder_name(value: str) -> str:
    """``--out ""`` is a mistake (an unset variable), not the current folder."""
    if not value.strip():
        raise argparse.ArgumentTypeError("empty folder name")
    return value


def add_formats(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", dest="formats", type=formats_type, default=None,
                        metavar="LIST",
                        help="files to write, comma-separated: jsonl (always), csv "
                             "(articles/stories/incidents/rejects.csv), sqlite (results.sqlite)")


def resolve(args: argparse.Namespace) -> argparse.Namespace:
    """Load ``--config`` into ``args.settings`` and fill the unset shared options from it.
    UsageError (exit 2, one line) for a settings file that cannot be used."""
    from newsdedup.config import ConfigError, load_settings

    try:
        args.settings = load_settings(getattr(args, "config", None))
    except ConfigError as err:
        raise UsageError(err) from err
    if getattr(args, "out", "") is None:
        args.out = args.settings.output.out
    if getattr(args, "formats", "") is None:
        args.formats = args.settings.output.formats
    return args


def written(out: str, formats: tuple[str, ...], jsonl: tuple[str, ...]) -> str:
    """'OUT/articles.jsonl, stories.jsonl, …' for the files a command wrote."""
    from newsdedup.formats import files_for

    return f"{out}/" + ", ".join([*jsonl, *files_for(formats)])
