"""Places in a text where a pattern can match, so that it is tried only there (``matches_at``)
rather than scanned for over the whole text: runs of digits (``DigitRuns``), for the date and
number patterns of ``.dates_numbers``; and ``mask``, which blanks what one scan has read before
the next one."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out spans already read (a date's digits are not also amounts): every character
    inside any of ``spans`` (half-open, may overlap, any order) becomes a space."""
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in sorted(spans):
        if end <= last:
            continue
        start = max(start, last)
        pieces += (text[last:start], " " * (end - start))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


# \d\d*, not \d+: a pattern that starts with a class (not a repeat) lets ``re`` skip to the
# next digit in C; \d+ is tried at every position (2× slower on the 3k text set).
_DIGIT_RUN = re.compile(r"\d\d*")


# What follows the digits of a _TIME match: ":", whitespace, or a.m./p.m./时/点 (either case
# where the text keeps its re.I scans)
_TIME_MARKS = frozenset(":aApP时点")
_ISO_SEPARATORS = frozenset("-/.")


class DigitRuns:
    r"""Where the digit-led patterns can start, from one scan for runs of digits (each pattern
    then runs only there, ``matches_at``, instead of scanning the whole text: ~30 runs in a
    news article against seven scans of it). ``starts``: where a run starts (patterns whose
    first digit follows no digit: _ISO_DATE, _ZH_DAY, _EN_DATE_DM, _ZH_NUMBER, _EN_NUMBER);
    ``last_two``: a run's last two digits (_TIME: one or two digits, then a mark); ``years``:
    four digits before a run's end (\d{4}\s*年); ``zh_dates``: both of the last (_ZH_DATE).
    ``short_starts``, ``iso_dates`` and ``times`` narrow ``starts`` and ``last_two`` by the
    run's length and the character after it, which the pattern's match needs (most runs are
    no date: a pattern tried there fails). Each list ascends."""

    def __init__(self, text: str) -> None:
        self.spans = [match.span() for match in _DIGIT_RUN.finditer(text)]
        self.starts = [start for start, _ in self.spans]

    @classmethod
    def of(cls, text: str) -> DigitRuns:
        return cls(text)

    @property
    def last_two(self) -> list[int]:
        return [at for start, end in self.spans
                for at in ((end - 2, end - 1) if end - start >= 2 else (start,))]

    @property
    def years(self) -> list[int]:
        return [end - 4 for start, end in self.spans if end - start >= 4]

    @property
    def zh_dates(self) -> list[int]:
        return [at for start, end in self.spans
                for at in ((end - 4, end - 2, end - 1) if end - start >= 4 else
                           (end - 2, end - 1) if end - start >= 2 else (start,))]

    @property
    def short_starts(self) -> list[int]:
        """Starts of runs of one or two digits (_EN_DATE_DM: a day, then no digit)."""
        return [start for start, end in self.spans if end - start <= 2]

    def starts_in(self, text: str, masked: str) -> list[int]:
        """``DigitRuns.of(masked).starts`` for ``masked`` = ``mask(text, …)``, these runs being
        ``text``'s: a run the mask left whole starts there still; one it cut is scanned again
        (the date extraction's masked text is scanned for numbers without a second scan)."""
        starts: list[int] = []
        for start, end in self.spans:
            if masked[start:end] == text[start:end]:
                starts.append(start)
            else:
                starts += [m.start() for m in _DIGIT_RUN.finditer(masked, start, end)]
        return starts

    def iso_dates(self, text: str) -> list[int]:
        """Starts of runs of four digits with - / or . after them in ``text`` (_ISO_DATE)."""
        return [start for start, end in self.spans
                if end - start == 4 and text[end:end + 1] in _ISO_SEPARATORS]

    def times(self, text: str) -> list[int]:
        """``last_two`` of the runs with ":", whitespace, a, p, 时 or 点 after them in ``text``
        (_TIME: its one or two digits end the run, then whitespace or ":")."""
        return [at for start, end in self.spans
                if (after := text[end:end + 1]) in _TIME_MARKS or after.isspace()
                for at in ((end - 2, end - 1) if end - start >= 2 else (start,))]


def matches_at(pattern: re.Pattern, text: str, starts: Iterable[int]) -> Iterator[re.Match]:
    """``pattern.finditer(text)`` for a pattern that matches no empty string and whose every
    match starts at one of ``starts`` (ascending): ``pattern.match`` at each of them that the
    previous match does not cover, as ``finditer`` resumes after a match."""
    end = 0
    for start in starts:
        if start >= end and (match := pattern.match(text, start)):
            yield match
            end = match.end()
