"""``newsdedup cluster``: a dump in, deduplicated stories out.

read (readers) → process each document (decode → extract → language, in a process pool) →
drop repeated URLs → assign stories → write the contract files. Everything stays in input order
or is sorted, so the same input gives byte-identical output whatever the worker count.
"""
from __future__ import annotations

import itertools
import multiprocessing
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from newsdedup.config import Settings
from newsdedup.output import write_all_outputs
from newsdedup.preflight import check_out_dir
from newsdedup.progress import RunProgress
from newsdedup.readers import InputError, check_paths, read_inputs
from newsdedup.terminal import terminal_safe
from pipelines.assign import assign_stories
from pipelines.process import process_document
from pipelines.records import Article, RawDocument, Reject, Story
from pipelines.urls import article_id

BATCH_PER_WORKER = 32  # documents in flight per worker: bounds memory on a huge WARC


@dataclass
class RunSummary:
    """What a run did; printed on stderr, returned to callers and tests."""

    inputs: int = 0
    articles: int = 0
    rejected: Counter = field(default_factory=Counter)
    stories: list[Story] = field(default_factory=list)
    incidents: int = 0
    titles: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def render(self, biggest: int = 5) -> str:
        multi = [s for s in self.stories if s.size > 1]
        width = max((len(r) + 1 for r in self.rejected), default=0)  # reason names vary
        lines = [
            f"inputs read:      {self.inputs}",
            f"articles kept:    {self.articles}",
            f"rejected:         {sum(self.rejected.values())}"
            + "".join(f"\n  {reason + ':':<{width}} {n:>6}" for reason, n in sorted(self.rejected.items())),
            f"stories:          {len(self.stories)} ({len(multi)} with copies, "
            f"{sum(s.size for s in multi) - len(multi)} copies folded)",
            f"incidents:        {self.incidents}",
        ]
        top = sorted(multi, key=lambda s: (-s.size, s.story_id))[:biggest]
        if top:
            lines.append("biggest stories:")
            lines += [f"  {s.size:>4} × [{','.join(s.languages)}] {s.story_id}  "
                      f"{self.titles.get(s.representative_id) or ''}"[:120] for s in top]
        lines.append(f"time:             {self.seconds:.1f} s")
        return terminal_safe("\n".join(lines))  # titles are scraped text


def _process(item: RawDocument | Reject) -> Article | Reject:
    return item if isinstance(item, Reject) else process_document(item)


def _without_repeated_urls(items: Iterable[RawDocument | Reject]) -> Iterator[RawDocument | Reject]:
    """The same URL twice is one article: later copies become ``duplicate-url`` rejects before
    any extraction work is spent on them."""
    first_seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, RawDocument):
            key = article_id(item.url)
            if key in first_seen:
                yield Reject(item.location, "duplicate-url", f"same URL as {first_seen[key]}",
                             item.url)
                continue
            first_seen[key] = str(item.location)
        yield item


def process_all(items: Iterable[RawDocument | Reject], workers: int) -> Iterator[Article | Reject]:
    """Process in input order, ``workers`` processes wide, a bounded batch at a time."""
    if workers <= 1:
        yield from map(_process, items)
        return
    batch_size = BATCH_PER_WORKER * workers
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(workers) as pool:
        iterator = iter(items)
        while batch := list(itertools.islice(iterator, batch_size)):
            yield from pool.map(_process, batch, chunksize=4)


class EmptyInput(InputError):
    """The inputs hold no document at all (an empty folder, empty stdin): exit 3. Writing
    empty files would wipe the last good output of a scheduled job, so nothing is written."""

    exit_code = 3


def cluster_dump(paths: list[str], out_dir: Path, workers: int = 1, stdin=None,
                 progress_stream: TextIO = sys.stderr, settings: Settings | None = None) -> RunSummary:
    """Run the whole ``cluster`` job (thresholds from ``settings``, default ones without).
    Raises ``InputError`` before writing anything if an input path is missing or unreadable."""
    settings = settings or Settings()
    check_paths(paths)
    check_out_dir(out_dir)
    started = time.monotonic()
    summary = RunSummary()
    articles: list[Article] = []
    rejects: list[Reject] = []
    progress = RunProgress(progress_stream, paths)
    items = _without_repeated_urls(read_inputs(paths, stdin=stdin))
    for result in process_all(items, workers):
        summary.inputs += 1
        if isinstance(result, Article):
            articles.append(result)
        else:
            rejects.append(result)
            summary.rejected[result.reason] += 1
        progress.update(summary.inputs, len(articles), len(rejects))
    if not summary.inputs:
        progress.close()
        raise EmptyInput(f"no input documents in {' '.join(paths)}: nothing written "
                         "(an earlier output stays as it was)")
    summary.articles = len(articles)
    progress.phase("grouping stories")
    summary.stories = assign_stories(articles, settings.matching)
    progress.phase("incidents, writing")
    summary.incidents = len(write_all_outputs(out_dir, articles, summary.stories, rejects,
                                              config=settings.incidents))
    progress.close()
    summary.titles = {a.id: a.title or "" for a in articles}
    summary.seconds = time.monotonic() - started
    return summary
