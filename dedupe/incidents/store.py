"""The stories of an incident index, compactly, as integer rows (``IncidentIndex.docs``).

An ``IncidentDoc`` as Python sets and dicts weighs ~8 KB for a story of ~115 keys (a frozenset's
hash table is 16 bytes a slot at ≤ 60 % fill, its background a dict of ~80 floats): at 200,000
stories most of ``cluster``'s memory (issue 15). A ``DocStore`` numbers every distinct key once
(``numbers``, ``names``: one string per key, whatever the number of stories holding it) and
keeps each story as its key numbers (int32), with one code a key (uint16: whether
the story holds it as a key and as a probe, and its background rarity as an index into a
palette of the distinct values — wordfreq's Zipf values have two decimals: ~180 values), 6
bytes a story-key. The index's arrays (``bounds.KeyTable``, ``rows.StoryRows``) are the rows
concatenated, no string looked at. The ``IncidentDoc`` is given back on access: rebuilt
(~20 µs) unless one of the last ``RECENT`` is asked for again, and the same object as long as
anyone holds it (``is_stored``).
"""
from __future__ import annotations

import weakref
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .records import IncidentDoc

RECENT = 2048  # the last docs rebuilt, kept (~8 KB each: ~16 MB whatever the corpus size)
SOLID, PROBE = 1, 2  # a row's code: 4 · palette index + these bits (palette index 0: no background)


@dataclass(frozen=True, slots=True)
class _Row:
    day: date | None
    lang: str | None
    keys: array  # "i": key numbers (its keys and probes)
    codes: array  # "H" (or "I" past 16,383 distinct rarities): 4 · palette index + bits
    others: tuple[tuple[str, float], ...]  # background of keys it does not hold (none in the pipeline)


def _value_key(value: float) -> object:
    """A palette entry's dict key: the float itself, but ±0.0 and NaN by their spelling."""
    return value if value == value and value != 0.0 else repr(value)


def _numbered(numbers: dict, items: list, entry: object, item: object) -> int:
    """``entry``'s number in ``numbers``, given on first sight as the next position of
    ``items`` (where ``item`` is appended)."""
    found = numbers.get(entry)
    if found is None:
        found = numbers[entry] = len(items)
        items.append(item)
    return found


class DocStore(Mapping[str, IncidentDoc]):
    """Story id → ``IncidentDoc``, stored compactly (module docstring)."""

    def __init__(self) -> None:
        self._rows: dict[str, _Row] = {}
        self.numbers: dict[str, int] = {}  # every key ever stored → its number
        self.names: list[str] = []  # number → key
        self._palette: dict[object, int] = {}
        self.rarities: list[float] = [1.0]  # palette index → background rarity (0: none, 1.0)
        self._live: weakref.WeakValueDictionary[str, IncidentDoc] = weakref.WeakValueDictionary()
        self._recent: dict[str, IncidentDoc] = {}  # first in, first out

    def _number(self, key: str) -> int:
        return _numbered(self.numbers, self.names, key, key)

    def _index(self, value: float) -> int:
        return _numbered(self._palette, self.rarities, _value_key(value), value)

    def put(self, doc: IncidentDoc) -> None:
        self.pop(doc.id)
        held = list(doc.keys | doc.probes)
        number = self.numbers.get
        numbers = [number(k) for k in held]
        if None in numbers:
            numbers = [self._number(k) if n is None else n for k, n in zip(held, numbers)]
        get, palette, index = doc.background.get, self._palette.get, self._index
        # a palette index is never 0 (no background), so ``or`` only falls through on a miss
        codes = [0 if (v := get(k)) is None else 4 * (palette(v) or index(v)) for k in held]
        # a background for keys it does not hold (none in the pipeline) is kept aside
        others = (() if len(codes) - codes.count(0) == len(doc.background) else
                  tuple((k, v) for k, v in doc.background.items()
                        if k not in doc.keys and k not in doc.probes))
        if doc.probes:
            probes = doc.probes
            codes = [c + 2 * (k in probes) for c, k in zip(codes, held)]
        solid = doc.keys
        codes = [c + (k in solid) for c, k in zip(codes, held)]
        kind = "H" if 4 * len(self.rarities) <= 0xFFFF else "I"
        self._rows[doc.id] = _Row(doc.day, doc.lang, array("i", numbers), array(kind, codes),
                                  others)

    def pop(self, doc_id: str) -> None:
        self._rows.pop(doc_id, None)
        self._live.pop(doc_id, None)
        self._recent.pop(doc_id, None)

    def _doc(self, doc_id: str, row: _Row) -> IncidentDoc:
        names, values = self.names, self.rarities
        pairs = list(zip(row.keys, row.codes))
        background = {names[k]: values[c >> 2] for k, c in pairs if c >> 2}
        background.update(row.others)
        return IncidentDoc(doc_id, row.day, frozenset([names[k] for k, c in pairs if c & SOLID]),
                           frozenset([names[k] for k, c in pairs if c & PROBE]), row.lang,
                           background)

    def __getitem__(self, doc_id: str) -> IncidentDoc:
        found = self._recent.get(doc_id)
        if found is not None:
            return found
        found = self._live.get(doc_id)
        if found is None:
            found = self._live[doc_id] = self._doc(doc_id, self._rows[doc_id])
        self._recent[doc_id] = found
        if len(self._recent) > RECENT:
            del self._recent[next(iter(self._recent))]
        return found

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def is_stored(self, doc: IncidentDoc) -> bool:
        """Whether ``doc`` is this store's own (not merely a doc with a stored id)."""
        return self._live.get(doc.id) is doc

    def day(self, doc_id: str) -> date | None:
        return self._rows[doc_id].day

    def ordinal(self, doc_id: str) -> int | None:
        day = self._rows[doc_id].day
        return day.toordinal() if day is not None else None

    def arrays(self, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
        """The rows of ``ids`` concatenated: (start int64 [len(ids) + 1], key numbers int32,
        codes uint16 or uint32, every ``others`` background value), for the index's arrays."""
        rows = [self._rows[i] for i in ids]
        sizes = np.fromiter((len(r.keys) for r in rows), np.int64, len(rows))
        start = np.zeros(len(rows) + 1, np.int64)
        np.cumsum(sizes, out=start[1:])
        keys = np.concatenate([np.zeros(0, np.int32)]
                              + [np.frombuffer(r.keys, np.int32) for r in rows])
        # uint16 unless a row needed more (numpy promotes the whole to uint32 then)
        codes = np.concatenate([np.zeros(0, np.uint16)]
                               + [np.frombuffer(r.codes, np.uint16 if r.codes.typecode == "H"
                                                else np.uint32) for r in rows])
        return start, keys, codes, [v for r in rows for _, v in r.others]

    def view(self, ids: Sequence[str]) -> "DocView":
        return DocView(self, ids)


class DocView(Sequence[IncidentDoc]):
    """The docs of ``ids`` in that order, rebuilt on access (positions as in ``ids``)."""

    def __init__(self, store: DocStore, ids: Sequence[str]) -> None:
        self._store, self.ids = store, ids

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._store[d] for d in self.ids[i]]
        return self._store[self.ids[i]]

    def __len__(self) -> int:
        return len(self.ids)
