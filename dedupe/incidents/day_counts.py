"""Counts of stories per day with fast range counts (the incident index's rarity windows)."""
from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right


class DayCounts:
    """How many members per day (and undated), with range counts by binary search.

    One per evidence key of the incident index (tens of thousands of keys, most held by one or
    two stories), so it is compact: the members' days as one int32 ``array`` (4 bytes a member,
    ~150 bytes a key in all; a dict of days with prefix-sum lists took ~525 bytes a key),
    appended unsorted and sorted once before the next count. Adding is O(1); the first count
    after changes sorts once, O(members · log members) (timsort on an array that is sorted but
    for its new tail is near linear), so adding stories then counting never goes quadratic."""

    __slots__ = ("days", "sorted_upto", "undated")

    def __init__(self) -> None:
        self.days = array("i")  # one day ordinal per dated member; sorted up to ``sorted_upto``
        self.sorted_upto = 0
        self.undated = 0

    @property
    def dated(self) -> int:
        return len(self.days)

    def add(self, day: int | None) -> None:
        if day is None:
            self.undated += 1
        else:
            self.days.append(day)

    def _sort(self) -> None:
        if self.sorted_upto != len(self.days):
            self.days = array("i", sorted(self.days))
            self.sorted_upto = len(self.days)

    def sorted_days(self) -> array:
        """The dated members' days, ascending (for callers that count many ranges inline)."""
        self._sort()
        return self.days

    def remove(self, day: int | None) -> None:
        if day is None:
            self.undated -= 1
            return
        self._sort()
        at = bisect_left(self.days, day)
        if at == len(self.days) or self.days[at] != day:
            raise ValueError(f"day {day} not counted")
        del self.days[at]
        self.sorted_upto -= 1

    def count(self, lo: int | None, hi: int | None) -> int:
        if lo is None or hi is None:
            return len(self.days) + self.undated
        self._sort()
        return bisect_right(self.days, hi) - bisect_left(self.days, lo) + self.undated
