"""Counts of stories per day with fast range counts (the incident index's rarity windows)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from itertools import accumulate


class DayCounts:
    """How many members per day (and undated), with range counts by prefix sums over the
    distinct days. Adding a story costs O(1) (a new day: O(distinct days)); a count after
    changes rebuilds the prefix sums once, O(distinct days), bounded by the calendar span
    rather than the number of stories (a list of every member's day made adding quadratic)."""

    def __init__(self) -> None:
        self.per_day: dict[int, int] = {}
        self.days: list[int] = []  # distinct days, sorted
        self.prefix: list[int] = [0]
        self.dirty = False
        self.undated = 0
        self.dated = 0

    def add(self, day: int | None) -> None:
        if day is None:
            self.undated += 1
            return
        if day not in self.per_day:
            insort(self.days, day)
            self.per_day[day] = 0
        self.per_day[day] += 1
        self.dated += 1
        self.dirty = True

    def remove(self, day: int | None) -> None:
        if day is None:
            self.undated -= 1
            return
        self.per_day[day] -= 1
        if not self.per_day[day]:
            del self.per_day[day]
            del self.days[bisect_left(self.days, day)]
        self.dated -= 1
        self.dirty = True

    def count(self, lo: int | None, hi: int | None) -> int:
        if lo is None or hi is None:
            return self.dated + self.undated
        if self.dirty:
            self.prefix = [0, *accumulate(self.per_day[d] for d in self.days)]
            self.dirty = False
        return (self.prefix[bisect_right(self.days, hi)] - self.prefix[bisect_left(self.days, lo)]
                + self.undated)
