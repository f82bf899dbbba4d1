"""Stories over an index that several processes write at once (crawl workers on one Redis).

``StoryIndex`` keeps everything in one process. ``SharedStoryIndex`` keeps its state in two
stores that any number of processes use concurrently:
  * a ``DocStore``: article id -> global document number, each number's sketches (``Features``
    as bytes), and the verified links;
  * a ``BandStore`` (dedupe.stories.index): band key -> document numbers, e.g. datasketch's Redis storage.

Adding a batch: featurise, take numbers, write the sketches, insert the band keys, and only then
query those keys and verify every candidate. Writing before querying is what makes concurrent
writers agree: of two documents added at the same moment by two processes, the one whose query
runs last finds the other (whose insert came before its own query). The link test is a pure
function of two documents and the candidates are exactly the pairs sharing a band key, so the
union of all links - and ``clusters()`` - equals ``group_stories`` over the same documents,
whatever the processes and the order. Every step is idempotent per document id, so a batch cut
short by a kill can simply be added again.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from ..unionfind import UnionFind
from .features import Features, StoryConfig, StoryDoc, empty_features, featurise, link_test
from .index import BandStore


class DocStore(Protocol):
    """Numbers, sketches and links of the documents of a shared index."""

    def allocate(self, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(number of each id, whether it is completely added); new ids get new numbers."""

    def mark_complete(self, nums: np.ndarray) -> None:
        """Documents whose sketches, band keys and links are all written."""

    def put_features(self, nums: np.ndarray, rows: list[bytes]) -> None: ...

    def get_features(self, nums: np.ndarray) -> list[bytes | None]: ...

    def add_links(self, a: np.ndarray, b: np.ndarray) -> None: ...

    def links(self) -> tuple[np.ndarray, np.ndarray]: ...

    def ids(self) -> list[str]:
        """Every id, indexed by number."""


def pack_features(feats: Features) -> list[bytes]:
    """One bytes row per document: each field's row in ``Features.FIELDS`` order."""
    n = len(feats)
    parts = [np.ascontiguousarray(getattr(feats, f)).reshape(n, -1).view(np.uint8)
             for f in Features.FIELDS]
    flat = np.concatenate(parts, axis=1) if n else np.zeros((0, 0), np.uint8)
    return [row.tobytes() for row in flat]


def unpack_features(rows: Sequence[bytes], config: StoryConfig) -> Features:
    """Inverse of ``pack_features`` for sketches made under ``config``."""
    template = empty_features(config)
    widths = [getattr(template, f).dtype.itemsize * int(np.prod(getattr(template, f).shape[1:]))
              for f in Features.FIELDS]
    if any(len(r) != sum(widths) for r in rows):
        raise ValueError(f"stored sketch rows are not {sum(widths)} bytes: made under another "
                         "StoryConfig or scheme")
    flat = np.frombuffer(b"".join(rows), np.uint8).reshape(len(rows), sum(widths))
    out, start = [], 0
    for f, width in zip(Features.FIELDS, widths):
        arr = getattr(template, f)
        block = np.ascontiguousarray(flat[:, start:start + width]).view(arr.dtype)
        out.append(block.reshape((len(rows),) + arr.shape[1:]))
        start += width
    return Features(*out)


class SharedStoryIndex:
    """Incremental story links kept in shared stores; ``clusters()`` == ``group_stories``."""

    def __init__(self, docs: DocStore, bands: BandStore,
                 config: StoryConfig = StoryConfig()) -> None:
        self.docs = docs
        self.bands = bands
        self.config = config

    def add_many(self, docs: Sequence[StoryDoc]) -> int:
        """Add documents not completely added yet (by id); returns how many were added."""
        unique = {d.id: d for d in docs}
        ordered = [unique[i] for i in sorted(unique)]
        if not ordered:
            return 0
        nums, complete = self.docs.allocate([d.id for d in ordered])
        todo = np.flatnonzero(~complete)
        if not len(todo):
            return 0
        nums = nums[todo]
        feats = featurise([ordered[i].text for i in todo.tolist()], self.config)
        self.docs.put_features(nums, pack_features(feats))
        live = np.flatnonzero(feats.sizes > 0)  # empty texts never link, so are never indexed
        if len(live):
            keys = feats.keys(self.config)[live]
            self.bands.insert(keys.ravel(), np.repeat(nums[live], keys.shape[1]))
            q, found = self.bands.lookup(keys.ravel())  # after the insert: see the docstring
            mine = nums[live][q // keys.shape[1]]
            other = found != mine
            # pairs within the batch are found here too: their keys were just inserted
            self._verify(mine[other], found[other], feats.take(live), nums[live])
        self.docs.mark_complete(nums)
        return len(nums)

    def _verify(self, a: np.ndarray, b: np.ndarray, batch: Features, batch_nums: np.ndarray) -> None:
        """Link test for candidate pairs; a's sketches are in ``batch``, b's are fetched."""
        if not len(a):
            return
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        code = np.unique(lo.astype(np.int64) * (1 << 32) + hi)
        lo, hi = code >> 32, code & 0xFFFFFFFF
        wanted = np.unique(np.concatenate((lo, hi)))
        local = {int(n): i for i, n in enumerate(batch_nums.tolist())}
        fetch = np.array([n for n in wanted.tolist() if n not in local], dtype=np.int64)
        rows = self.docs.get_features(fetch) if len(fetch) else []
        missing = [int(n) for n, r in zip(fetch.tolist(), rows) if r is None]
        if missing:  # a band entry is written after its sketches, so this is a broken store
            raise RuntimeError(f"shared index: no sketches for documents {missing[:5]}")
        fetched = unpack_features(rows, self.config) if rows else empty_features(self.config)
        pool = Features(*(np.concatenate((getattr(batch, f), getattr(fetched, f)))
                          for f in Features.FIELDS))
        position = dict(local)
        position.update({int(n): len(batch_nums) + i for i, n in enumerate(fetch.tolist())})
        ia = np.array([position[int(n)] for n in lo.tolist()], dtype=np.int64)
        ib = np.array([position[int(n)] for n in hi.tolist()], dtype=np.int64)
        ok = link_test(pool.take(ia), pool.take(ib), self.config).linked
        if ok.any():
            self.docs.add_links(lo[ok], hi[ok])

    def clusters(self, restrict_to: set[str] | None = None) -> list[list[str]]:
        """Clusters of ids (each sorted, sorted by first id, singletons included); with
        ``restrict_to``, only those ids (links through other documents still count)."""
        ids = self.docs.ids()
        uf = UnionFind()
        uf.grow(len(ids))
        a, b = self.docs.links()
        uf.union_pairs(a, b)
        groups: dict[int, list[str]] = {}
        for num, root in enumerate(uf.roots().tolist()):
            if restrict_to is None or ids[num] in restrict_to:
                groups.setdefault(root, []).append(ids[num])
        return sorted(sorted(g) for g in groups.values())


class MemoryDocStore:
    """A DocStore in one process's memory (tests; the shape of the Redis one)."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.complete: set[int] = set()
        self.features: dict[int, bytes] = {}
        self.link_set: set[tuple[int, int]] = set()

    def allocate(self, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        nums = [self.numbers.setdefault(i, len(self.numbers)) for i in ids]
        return (np.array(nums, dtype=np.int64),
                np.array([n in self.complete for n in nums], dtype=bool))

    def mark_complete(self, nums: np.ndarray) -> None:
        self.complete.update(int(n) for n in nums)

    def put_features(self, nums: np.ndarray, rows: list[bytes]) -> None:
        self.features.update(zip((int(n) for n in nums), rows))

    def get_features(self, nums: np.ndarray) -> list[bytes | None]:
        return [self.features.get(int(n)) for n in nums]

    def add_links(self, a: np.ndarray, b: np.ndarray) -> None:
        self.link_set.update(zip((int(x) for x in a), (int(y) for y in b)))

    def links(self) -> tuple[np.ndarray, np.ndarray]:
        pairs = sorted(self.link_set)
        return (np.array([p[0] for p in pairs], dtype=np.int64),
                np.array([p[1] for p in pairs], dtype=np.int64))

    def ids(self) -> list[str]:
        out = [""] * len(self.numbers)
        for doc_id, num in self.numbers.items():
            out[num] = doc_id
        return out
