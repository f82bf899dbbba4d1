"""How a crawl reports, for a person reading a cron mail or a log file.

By default Scrapy's own log is off (its INFO is ~110 lines a run, a site that is down adds
tracebacks) and ``ConciseLog`` prints each warning or error once, on one line, without a
traceback (repeats counted at the end, at most ``MAX_LINES`` distinct lines); the command then
prints its per-source table and summary. ``--verbose`` gives Scrapy's INFO log as before,
``--log-level LEVEL`` Scrapy's log at that level (both instead of the concise lines), and
``--quiet`` prints nothing but a failed run's one-line reason.

Exit codes of a crawl (``crawl_exit_code``): 0 no source failed; 4 some sources failed; 3 every
source failed — a source fails when its requests failed and none answered (no feed, sitemap or
listing gave content or a 304, no article came). So cron, systemd or a monitor sees a site that
is down without reading the log.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

MAX_LINES = 20  # distinct warning lines printed per run; the rest are counted
EXIT_NO_SOURCE = 3  # no source could be fetched
EXIT_SOME_SOURCES = 4  # some sources could not be fetched


def scrapy_log_settings(verbose: bool = False, log_level: str | None = None) -> dict[str, Any]:
    """Crawler setting overrides for Scrapy's own log: off unless asked for."""
    if log_level:
        return {"LOG_ENABLED": True, "LOG_LEVEL": log_level.upper()}
    if verbose:
        return {"LOG_ENABLED": True, "LOG_LEVEL": "INFO"}
    return {"LOG_ENABLED": False}


def one_line(record: logging.LogRecord) -> str:
    """A log record as one line: its message's first line, plus the exception's type and
    message when it carries one (never the traceback)."""
    try:
        text = record.getMessage()
    except Exception:  # a bad format string in someone's log call must not end the crawl
        text = str(record.msg)
    text = text.strip().splitlines()[0] if text.strip() else ""
    if record.exc_info and record.exc_info[1] is not None:
        err = record.exc_info[1]
        detail = str(err).strip().splitlines()[0] if str(err).strip() else ""
        said = detail and detail in text  # Scrapy often repeats the message already
        text = f"{text} ({type(err).__name__})" if said or not detail else \
            f"{text}: {type(err).__name__}: {detail}"
    return text


class ConciseLog(logging.Handler):
    """Warnings and errors from every logger, each distinct line printed once."""

    def __init__(self, stream: TextIO, echo: bool = True) -> None:
        super().__init__(level=logging.WARNING)
        self.stream = stream
        self.echo = echo
        self.counts: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        line = f"{record.levelname.lower()}: {one_line(record)}"
        self.counts[line] = self.counts.get(line, 0) + 1
        if self.echo and self.counts[line] == 1 and len(self.counts) <= MAX_LINES:
            self.stream.write(line + "\n")
            self.stream.flush()

    def closing_lines(self) -> list[str]:
        """Repeats and what was not printed, for the end of the run."""
        if not self.echo:
            return []
        lines = [f"  (the line '{line[:60]}' {n} times)" for line, n in self.counts.items()
                 if n > 1 and list(self.counts).index(line) < MAX_LINES][:5]
        hidden = len(self.counts) - MAX_LINES
        if hidden > 0:
            lines.append(f"  ({hidden} more distinct warnings; --verbose shows Scrapy's log)")
        return lines


@contextmanager
def concise_log(stream: TextIO, enabled: bool = True, echo: bool = True
                ) -> Iterator[ConciseLog | None]:
    """Attach a ``ConciseLog`` to the root logger for the block (nothing if not enabled)."""
    if not enabled:
        yield None
        return
    handler = ConciseLog(stream, echo=echo)
    logging.root.addHandler(handler)
    try:
        yield handler
    finally:
        logging.root.removeHandler(handler)


def source_failed(counts: dict[str, int]) -> bool:
    """A source failed when requests to it failed and none answered (no hub gave content or a
    304, no article came). A hub that came back but is no feed or sitemap (an HTML error page at
    the feed URL) is no answer. A source this process sent nothing to (another Redis worker took
    its hubs, robots.txt disallowed them) did not fail."""
    readable = counts.get("hubs_fetched", 0) - counts.get("hubs_unreadable", 0)
    answered = (readable > 0 or counts.get("hubs_not_modified", 0)
                or counts.get("articles_fetched", 0))
    return not answered and bool(counts.get("hubs_failed", 0) or counts.get("articles_failed", 0))


def crawl_exit_code(sources: Sequence[tuple[str, dict[str, int]]]) -> int:
    """0, EXIT_SOME_SOURCES or EXIT_NO_SOURCE from (name, counters) per source."""
    failed = [source_failed(counts) for _, counts in sources]
    if not any(failed):
        return 0
    return EXIT_NO_SOURCE if all(failed) else EXIT_SOME_SOURCES


def failure_line(sources: Sequence[tuple[str, dict[str, int]]]) -> str | None:
    """The one line a failed crawl prints even with --quiet; None when none failed."""
    failed = [name for name, counts in sources if source_failed(counts)]
    if not failed:
        return None
    names = ", ".join(failed[:5]) + (", …" if len(failed) > 5 else "")
    if len(failed) == len(sources):
        return f"no source could be fetched ({names})"
    return f"{len(failed)} of {len(sources)} sources could not be fetched: {names}"


def merged_counts(summaries: Sequence[dict[str, Any]]) -> list[tuple[str, dict[str, int]]]:
    """Per-source counters summed over several workers' JSON summaries (``sources``: name →
    counters), for the exit code of a several-worker run."""
    total: dict[str, dict[str, int]] = {}
    for summary in summaries:
        for name, counts in summary.get("sources", {}).items():
            into = total.setdefault(name, {})
            for key, value in counts.items():
                if isinstance(value, int):
                    into[key] = into.get(key, 0) + value
    return sorted(total.items())
