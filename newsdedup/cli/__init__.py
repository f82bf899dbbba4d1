"""The ``newsdedup`` command: one module per command, each only argparse and exit codes over
the library (``newsdedup.cluster_dump``, ``crawl``, ``export``, ``explain``, ``write_report``).

Every command module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``
(the shape of Scrapy's ``commands/``). Exit codes: 0 the run completed (rejects are listed in
rejects.jsonl, not failures); 2 usage error, an input path that cannot be read or an --out that
cannot be written (nothing written); 3 nothing came in (cluster: no input document; crawl: no
source could be fetched); 4 crawl: some sources could not be fetched; 5 cluster: every input
document was rejected (the previous output set kept, the rejects in
OUT/rejects.unpublished.jsonl); 1 an unexpected error; 130 interrupted.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import signal
import sys

from newsdedup.cli import cluster, crawl, explain, export, report
from newsdedup.cli.common import EXIT_INTERRUPTED, EXIT_USAGE, UsageError

COMMANDS = (cluster, crawl, export, explain, report)
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>: the signal a process gets when its parent dies


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdedup",
        description="Chinese + English news scraper and deduplicator: copies into stories.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(command.NAME, help=command.HELP,
                                  description=command.DESCRIPTION)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def version() -> str:
    """The installed distribution's version (pyproject.toml's)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("newsdedup")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _sigterm_as_interrupt() -> None:
    """SIGTERM (systemd stop, timeout(1), kill) ends a run like Ctrl-C: exit 130 with the message
    saying what was published, instead of a silent 143. Forked pool workers get the default
    action back at fork, so ``Pool.terminate`` kills them at once, as before (a Python-level
    handler in a worker still starting up could leave ``terminate`` waiting). (A crawl's Scrapy
    installs its own handlers.)"""
    main_pid = os.getpid()
    forker = [main_pid]
    os.register_at_fork(before=lambda: forker.__setitem__(0, os.getpid()),
                        after_in_child=lambda: _child_signals(forker[0]))

    def handler(signum, frame):
        if os.getpid() != main_pid:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    # Ctrl-C / kill -INT is the parent's to handle (stop, terminate the pool, exit 130, publish
    # nothing). A shell without job control starts `newsdedup cluster ... &` with SIGINT ignored,
    # and Python then keeps it ignored: the run went on and published over the previous set.
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _child_signals(parent: int) -> None:
    """In a forked child (a pool worker): SIGTERM back to its default action (see above) and
    SIGINT ignored, so a Ctrl-C sent to the whole process group does not raise in the middle of
    a worker's chunk; the parent decides and terminates the pool. And the worker dies with its
    parent (``_die_with``)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """Linux: SIGTERM this forked worker when ``parent`` dies, however it dies (``kill -9``, the
    OOM killer, a test's timeout). A pool worker otherwise waits for its next task for ever: an
    orphan holding its caller's pipes open (seen after interrupted runs killed by a test's
    timeout: the caller's read of stdout never ended)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died between the fork and prctl: no signal will come
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    from newsdedup.readers import InputError

    args = build_parser().parse_args(argv)
    _sigterm_as_interrupt()
    try:
        return args.run(args)
    except (InputError, UsageError) as err:
        print(f"newsdedup: {err}", file=sys.stderr)
        return getattr(err, "exit_code", EXIT_USAGE)
    except Exception as err:
        # a library whose bare ``except:`` turned the Ctrl-C into its own error (langdetect
        # loading its profiles: "Profile format error") is still an interrupt
        if not isinstance(err.__context__, KeyboardInterrupt):
            raise
        return _interrupted()
    except KeyboardInterrupt:
        return _interrupted()


def _interrupted() -> int:
    """Say what an interrupt left behind; exit code 130."""
    from newsdedup.output import PUBLISHED
    if PUBLISHED:  # the switch is one rename: the new set is either all there or not at all
        print(f"newsdedup: interrupted after the new output set was published in "
              f"{PUBLISHED[-1]} (complete)", file=sys.stderr)
    else:
        print("newsdedup: interrupted; the outputs of this run were not written (the previous "
              "output set, if any, is unchanged)", file=sys.stderr)
    return EXIT_INTERRUPTED
