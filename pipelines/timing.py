"""Cheap per-stage wall-clock accounting for ``newsdedup cluster`` (``NEWSDEDUP_PROFILE=1``).

A process adds the seconds it spends inside ``timed(stage)`` to its own totals; a pool worker
hands its totals back with each result (``take``) and the driver sums them, so the breakdown
covers work done in every process. The cost is two ``perf_counter`` calls per stage per
document (well under a microsecond), so the accounting is always on; only printing is optional.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

# The stages of a run, in pipeline order (the summary prints them in this order).
STAGES = ("read", "decode", "extract", "language", "normalise", "evidence", "sketch+LSH",
          "incidents", "write")

_totals: dict[str, float] = {}
T = TypeVar("T")


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Add the wall seconds spent in the ``with`` body to this process's total for ``stage``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        _totals[stage] = _totals.get(stage, 0.0) + time.perf_counter() - start


def timed_iter(stage: str, items: Iterable[T]) -> Iterator[T]:
    """``items`` with the time spent producing each one (e.g. reading input) charged to
    ``stage``."""
    iterator = iter(items)
    while True:
        with timed(stage):
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


def take() -> dict[str, float]:
    """This process's totals since the last ``take``, then reset (seconds per stage)."""
    out = dict(_totals)
    _totals.clear()
    return out
