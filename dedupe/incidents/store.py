"""The stories of an incident index, compactly (``IncidentIndex.docs``).

An ``IncidentDoc`` as Python sets and dicts weighs ~8 KB for a story of ~115 keys (a frozenset's
hash table is 16 bytes a slot at ≤ 60 % fill, its background a dict of ~80 floats): at 200,000
stories most of ``cluster``'s memory (issue 15). A ``DocStore`` keeps each story as tuples of
its (interned, shared) key strings and its background rarities as a float64 array, 8 bytes a
key and 16 a background entry (~2 KB a story), and gives back the ``IncidentDoc`` on access:
rebuilt (~10 µs, in C: two frozensets and a dict) unless one of the last ``RECENT`` is asked
for again, and the same object as long as anyone holds it (``is_stored``). Everything about
keys across stories is in the index's arrays (``bounds.KeyTable``), not here.
"""
from __future__ import annotations

import weakref
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .records import IncidentDoc

RECENT = 2048  # the last docs rebuilt, kept (~8 KB each: ~16 MB whatever the corpus size)


@dataclass(frozen=True, slots=True)
class _Row:
    day: date | None
    lang: str | None
    keys: tuple[str, ...]
    probes: tuple[str, ...]
    background_keys: tuple[str, ...]  # the background's keys and values, in its order
    background: array  # float64


def _row(doc: IncidentDoc) -> _Row:
    return _Row(doc.day, doc.lang, tuple(doc.keys), tuple(doc.probes),
                tuple(doc.background), array("d", doc.background.values()))


def _doc(doc_id: str, row: _Row) -> IncidentDoc:
    return IncidentDoc(doc_id, row.day, frozenset(row.keys), frozenset(row.probes), row.lang,
                       dict(zip(row.background_keys, row.background)))


class DocStore(Mapping[str, IncidentDoc]):
    """Story id → ``IncidentDoc``, stored compactly (module docstring)."""

    def __init__(self) -> None:
        self._rows: dict[str, _Row] = {}
        self._live: weakref.WeakValueDictionary[str, IncidentDoc] = weakref.WeakValueDictionary()
        self._recent: dict[str, IncidentDoc] = {}  # first in, first out

    def put(self, doc: IncidentDoc) -> None:
        self.pop(doc.id)
        self._rows[doc.id] = _row(doc)

    def pop(self, doc_id: str) -> None:
        self._rows.pop(doc_id, None)
        self._live.pop(doc_id, None)
        self._recent.pop(doc_id, None)

    def __getitem__(self, doc_id: str) -> IncidentDoc:
        found = self._recent.get(doc_id)
        if found is not None:
            return found
        found = self._live.get(doc_id)
        if found is None:
            found = self._live[doc_id] = _doc(doc_id, self._rows[doc_id])
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

    def passing(self, doc_id: str) -> IncidentDoc:
        """Story ``doc_id``'s doc for one look (a pass over every story, e.g. building the
        index's arrays): the held or recent one, else rebuilt and not kept, so a pass does not
        fill the recent docs with stories it will not ask for again."""
        found = self._recent.get(doc_id)
        if found is None:
            found = self._live.get(doc_id)
        return found if found is not None else _doc(doc_id, self._rows[doc_id])

    def is_stored(self, doc: IncidentDoc) -> bool:
        """Whether ``doc`` is this store's own (not merely a doc with a stored id)."""
        return self._live.get(doc.id) is doc

    def day(self, doc_id: str) -> date | None:
        return self._rows[doc_id].day

    def ordinal(self, doc_id: str) -> int | None:
        day = self._rows[doc_id].day
        return day.toordinal() if day is not None else None

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
