"""Progress of a ``cluster`` run on a terminal: every phase, with counts, totals and ETA.

Drawn by ``rich`` (its live display refreshes by itself, so a long phase with no count of its
own — grouping stories, linking incidents — still shows it is working and for how long), only
when the stream is a terminal: a cron job's log gets nothing from here. The total of the first
phase is the number of input documents, counted before the run (files in a folder, lines of a
JSONL file, records of a WARC) — a cheap pass next to extraction, and only on a terminal.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import TextIO

GZIP_MAGIC = b"\x1f\x8b"


def _documents_in(path: Path) -> int:
    """Documents one file yields: its JSONL lines, its WARC response/resource records, else 1."""
    try:
        with open(path, "rb") as raw:
            gzipped = raw.read(2) == GZIP_MAGIC
        with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
            if head.startswith(b"{"):
                fh.seek(0)
                return sum(1 for line in fh if line.strip())
        if head.startswith((b"WARC/", b"filedesc://")):
            from warcio.archiveiterator import ArchiveIterator

            with open(path, "rb") as fh:
                return sum(1 for record in ArchiveIterator(fh)
                           if record.rec_type in ("response", "resource"))
    except Exception:  # an unreadable or broken file is one reject when read for real
        return 1
    return 1


def count_inputs(paths: list[str]) -> int | None:
    """How many documents ``paths`` hold (None when one is stdin: unknown ahead)."""
    total = 0
    for path in paths:
        if path == "-":
            return None
        if os.path.isdir(path):
            for folder, dirnames, filenames in os.walk(path):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                total += sum(_documents_in(Path(folder) / f) for f in filenames
                             if not f.startswith("."))
        else:
            total += _documents_in(Path(path))
    return total


class RunProgress:
    """``update`` counts the first phase; ``phase(name)`` ends the current phase and starts an
    open-ended one; ``close`` ends the display. Does nothing unless ``stream`` is a terminal."""

    def __init__(self, stream: TextIO, paths: list[str] | None = None,
                 first: str = "reading + extracting") -> None:
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self._task = None
        if not self.enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description:<22}"), BarColumn(),
                             MofNCompleteColumn(), TextColumn("{task.fields[detail]}"),
                             TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("ETA"),
                             TimeRemainingColumn(), console=Console(file=stream),
                             transient=True)
        self._bar.start()
        self._task = self._bar.add_task(first, total=count_inputs(paths or []) if paths else None,
                                        detail="")

    def update(self, done: int, kept: int, rejected: int) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=done,
                             detail=f"{kept} kept, {rejected} rejected")

    def phase(self, name: str) -> None:
        if self._task is not None:
            self._finish()
            self._task = self._bar.add_task(name, total=None, detail="")

    def _finish(self) -> None:
        task = next(t for t in self._bar.tasks if t.id == self._task)
        self._bar.update(self._task, total=task.completed or 1, completed=task.completed or 1)

    def close(self) -> None:
        if self._task is not None:
            self._finish()
            self._bar.stop()
            self._task = None
