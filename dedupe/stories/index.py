"""Banded LSH over signatures, with the band table behind a small storage interface.

A band layout (b bands of r rows) makes two signatures with Jaccard J share at least one band key
with probability 1 - (1 - J**r)**b; the maths are plain functions at the top of this module.

A band key is a 32-bit fingerprint of the band's rows, the band number and a ``salt``. Band keys
of every band (and of every sketch kind: the salt separates them) live in one multimap
key -> document number, the ``BandStore``. 32 bits rather than 64 halve the table; the price is
chance collisions: with E entries in the table a lookup key meets an unrelated entry with
probability E / 2**32 (1.1% at 1M documents x 48 bands), i.e. about half a spurious candidate
per document at 1M, which the link test then rejects like any other weak candidate. Two stores
ship:
  * ``ArrayBandStore``: numpy sorted runs merged like an LSM tree, 8 bytes per entry
    (uint32 key + uint32 doc); the default.
  * ``StorageBandStore``: any datasketch storage, e.g. ``unordered_storage({"type": "dict"})`` or
    its Redis backend, so a persisted band table plugs in without touching the LSH logic.
Batch path: ``batch_pair_blocks`` sorts all keys once and emits, in bounded blocks, the pairs that
share a key. Incremental path: ``LSHIndex.query_blocks`` then ``LSHIndex.insert``. Both cap what one
document meets in one equal-key run (``MAX_RUN_PARTNERS``): a story copied by thousands of sites
makes runs of thousands, whose pairs would grow with the square of the copies.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .shingles import mix64, mix64_int, sorted_unique

_U64 = np.uint64
KEY_DTYPE = np.uint32
_ROW_MULT = _U64(0x9FB21C651E98DF25)


# --- band-layout maths -------------------------------------------------------------------------

def candidate_probability(jaccard: float, bands: int, rows: int) -> float:
    """P(two signatures with this Jaccard share at least one of ``bands`` bands of ``rows`` rows)."""
    return 1.0 - (1.0 - jaccard ** rows) ** bands


def _integrate(f, a: float, b: float, steps: int = 200) -> float:
    """Trapezoid rule (no scipy dependency)."""
    xs = np.linspace(a, b, steps + 1)
    ys = np.array([f(x) for x in xs])
    return float(np.sum((ys[1:] + ys[:-1]) * 0.5) * (b - a) / steps)


def false_positive_probability(threshold: float, bands: int, rows: int) -> float:
    """Area under the candidate curve below ``threshold`` (as datasketch's _false_positive_area)."""
    return _integrate(lambda j: candidate_probability(j, bands, rows), 0.0, threshold)


def false_negative_probability(threshold: float, bands: int, rows: int) -> float:
    """Area above the candidate curve from ``threshold`` to 1."""
    return _integrate(lambda j: 1.0 - candidate_probability(j, bands, rows), threshold, 1.0)


def optimal_layout(threshold: float, num_perm: int, fp_weight: float = 0.5,
                   fn_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) with bands*rows <= num_perm minimising the weighted FP + FN areas."""
    best, best_err = (1, 1), float("inf")
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            err = fp_weight * false_positive_probability(threshold, b, r) + \
                fn_weight * false_negative_probability(threshold, b, r)
            if err < best_err:
                best, best_err = (b, r), err
    return best


@dataclass(frozen=True)
class BandLayout:
    """b bands of r signature rows each (rows beyond bands*rows are not banded)."""

    bands: int
    rows: int

    def candidate_probability(self, jaccard: float) -> float:
        return candidate_probability(jaccard, self.bands, self.rows)


def band_keys(sigs: np.ndarray, layout: BandLayout, salt: int = 0) -> np.ndarray:
    """uint32[n, bands] keys; equal band rows give equal keys (unequal ones collide w.p. 2**-32).

    The band number and ``salt`` enter every key, so all bands of all sketch kinds can share
    one table.
    """
    sigs = np.asarray(sigs)
    n = sigs.shape[0]
    if layout.bands * layout.rows > sigs.shape[1]:
        raise ValueError(f"layout {layout} needs {layout.bands * layout.rows} rows, "
                         f"signature has {sigs.shape[1]}")
    block = sigs[:, :layout.bands * layout.rows].reshape(n, layout.bands, layout.rows)
    band_ids = np.arange(layout.bands, dtype=_U64)
    h = mix64(band_ids + _U64(mix64_int(salt)))[None, :].repeat(n, axis=0)
    for r in range(layout.rows):
        h = h * _ROW_MULT + block[:, :, r].astype(_U64)
    return (mix64(h) >> _U64(32)).astype(KEY_DTYPE)


# --- storage -----------------------------------------------------------------------------------

class BandStore(Protocol):
    """A multimap band key -> document numbers."""

    def insert(self, keys: np.ndarray, docs: np.ndarray) -> None:
        """Add entries (keys[i] -> docs[i])."""

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All stored entries matching ``keys``: (index into keys, doc) pairs, as two arrays."""

    def __len__(self) -> int:
        """Number of entries."""


class ArrayBandStore:
    """Sorted numpy runs (keys and docs uint32), merged when a run is as big as the one before.

    Inserts go to a small buffer that becomes a run when full, so an insert is amortised
    O(log n) and a lookup does one binary search per run (O(log n) runs). Runs are merged in
    linear time (one searchsorted, no re-sort); lookups search with sorted keys, which keeps
    numpy's binary searches walking forward through a run instead of jumping around it.
    """

    def __init__(self, buffer_size: int = 4096) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._buf_keys: list[np.ndarray] = []
        self._buf_docs: list[np.ndarray] = []
        self._buf_len = 0
        self._buffer_size = buffer_size

    def __len__(self) -> int:
        return sum(len(k) for k, _ in self._runs) + self._buf_len

    @property
    def nbytes(self) -> int:
        return sum(k.nbytes + d.nbytes for k, d in self._runs) + 8 * self._buf_len

    def insert(self, keys: np.ndarray, docs: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=KEY_DTYPE).ravel()
        docs = np.broadcast_to(np.asarray(docs, dtype=np.uint32), keys.shape).ravel()
        self._buf_keys.append(keys.copy())
        self._buf_docs.append(docs.copy())
        self._buf_len += len(keys)
        if self._buf_len >= self._buffer_size:
            self._flush()

    def _flush(self) -> None:
        if not self._buf_len:
            return
        self._runs.append(_sorted_run(np.concatenate(self._buf_keys), np.concatenate(self._buf_docs)))
        self._buf_keys, self._buf_docs, self._buf_len = [], [], 0
        while len(self._runs) > 1 and len(self._runs[-2][0]) <= 2 * len(self._runs[-1][0]):
            older, newer = self._runs[-2], self._runs[-1]
            self._runs[-2:] = [_merge_runs(older, newer)]

    def lookup(self, keys: np.ndarray, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(index into keys, doc) of every entry matching ``keys``; with ``limit``, only the
        ``limit`` oldest entries of each key (the head of its run)."""
        keys = np.asarray(keys, dtype=KEY_DTYPE).ravel()
        if limit is not None:
            self._flush()  # runs only: they are in age order, so "oldest" is "first found"
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        found_q, found_d = [], []
        taken = np.zeros(len(keys), np.int64) if limit is not None else None
        for run_keys, run_docs in self._runs:
            lo = np.searchsorted(run_keys, sorted_keys, side="left")
            hi = np.searchsorted(run_keys, sorted_keys, side="right")
            if taken is not None:
                hi = np.minimum(hi, lo + np.maximum(limit - taken, 0))
                taken += hi - lo
            q, pos = _expand_ranges(lo, hi)
            found_q.append(order[q])
            found_d.append(run_docs[pos])
        if self._buf_len:
            bk, bd = np.concatenate(self._buf_keys), np.concatenate(self._buf_docs)
            lo = np.searchsorted(sorted_keys, bk, side="left")
            hi = np.searchsorted(sorted_keys, bk, side="right")
            b, pos = _expand_ranges(lo, hi)
            found_q.append(order[pos])
            found_d.append(bd[b])
        if not found_q:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(found_q).astype(np.int64), np.concatenate(found_d).astype(np.int64)

    def match_counts(self, keys: np.ndarray, limit: int) -> np.ndarray:
        """int64 per key: how many entries ``lookup(keys, limit)`` returns for it."""
        keys = np.asarray(keys, dtype=KEY_DTYPE).ravel()
        self._flush()
        counts = np.zeros(len(keys), np.int64)
        for run_keys, _ in self._runs:
            counts += np.searchsorted(run_keys, keys, side="right") - \
                np.searchsorted(run_keys, keys, side="left")
        return np.minimum(counts, limit)

    def items(self) -> tuple[np.ndarray, np.ndarray]:
        """All (keys, docs), sorted by key then insertion order."""
        self._flush()
        if not self._runs:
            return np.zeros(0, KEY_DTYPE), np.zeros(0, np.uint32)
        merged = self._runs[0]
        for run in self._runs[1:]:
            merged = _merge_runs(merged, run)
        return merged


class StorageBandStore:
    """Adapter over a datasketch storage (``datasketch.storage.unordered_storage(config, name)``).

    Keys are stored as 4 big-endian bytes, values as document numbers (they come back as
    whatever the backend returns: ints for dict, bytes for Redis). Each ``insert`` is one
    buffered insertion session (``insert(..., buffer=True)`` then ``empty_buffer()``: one
    pipeline for Redis, plain inserts for dict) and each ``lookup`` one ``getmany``. ``len`` is
    the number of entries inserted through this adapter (a shared Redis table holds others').
    """

    def __init__(self, storage) -> None:
        self.storage = storage
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def insert(self, keys: np.ndarray, docs: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=KEY_DTYPE).ravel()
        docs = np.broadcast_to(np.asarray(docs, dtype=np.int64), keys.shape).ravel()
        for key, doc in zip(key_bytes(keys), docs.tolist()):
            self.storage.insert(key, doc, buffer=True)
        self.storage.empty_buffer()
        self._n += len(keys)

    def lookup(self, keys: np.ndarray, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        q, d = [], []
        for i, members in enumerate(self.storage.getmany(*key_bytes(keys))):
            docs = sorted(int(doc) for doc in members)
            for doc in docs if limit is None else docs[:limit]:  # the smallest = oldest docs
                q.append(i)
                d.append(doc)
        return np.array(q, dtype=np.int64), np.array(d, dtype=np.int64)


def key_bytes(keys: np.ndarray) -> list[bytes]:
    """Band keys as the 4-byte big-endian strings that byte-keyed storages hold."""
    raw = np.asarray(keys, dtype=KEY_DTYPE).ravel().astype(">u4").tobytes()
    return [raw[i:i + 4] for i in range(0, len(raw), 4)]


def _sorted_run(keys: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    return keys[order], docs[order]


def _merge_runs(older: tuple[np.ndarray, np.ndarray],
                newer: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Merge two sorted runs in linear time; among equal keys the older run's entries come first."""
    (k1, d1), (k2, d2) = older, newer
    at = np.searchsorted(k1, k2, side="right") + np.arange(len(k2))
    from_older = np.ones(len(k1) + len(k2), dtype=bool)
    from_older[at] = False
    keys, docs = np.empty(len(from_older), k1.dtype), np.empty(len(from_older), d1.dtype)
    keys[at], docs[at] = k2, d2
    keys[from_older], docs[from_older] = k1, d1
    return keys, docs


def _expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [lo[i], hi[i]): (i repeated per element, element position)."""
    counts = hi - lo
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    if total == 0:
        return owner, owner
    starts = np.cumsum(counts) - counts
    pos = np.arange(total, dtype=np.int64) - np.repeat(starts, counts) + np.repeat(lo, counts)
    return owner, pos


# --- the index ---------------------------------------------------------------------------------

# A document meets at most this many members of one equal-key run: all pairs of a run of up to
# 1,025 members (exactly the pairs of an uncapped search: the biggest run of bench.clustering's
# syndicated set, 1,939 documents, has 25 members), each member against the run's first 1,024
# members beyond that (a viral story's thousandth near-copy meets its first copies), so pairs
# are O(n x bands x 1,024) whatever the copies, never the square of a run.
MAX_RUN_PARTNERS = 1024
# Pairs emitted per block (two int64 arrays: 32 MB), so pair memory is bounded too.
PAIR_BLOCK = 1 << 20


def batch_pair_blocks(keys: np.ndarray, max_partners: int = MAX_RUN_PARTNERS,
                      block: int = PAIR_BLOCK):
    """Yield int64[m, 2] arrays of pairs (i < j, unique within a block) of rows of ``keys`` that
    share a key; together every such pair when no key is held by more than ``max_partners + 1``
    rows, else each row of a bigger run is paired with the run's first ``max_partners`` rows.

    One argsort of all keys (memory linear in ``keys``); a block holds about ``block`` pairs.
    """
    n = keys.shape[0]
    flat = keys.ravel()
    if not len(flat):
        return
    rows = np.repeat(np.arange(n, dtype=np.int64), keys.shape[1])
    order = np.argsort(flat, kind="stable")
    sk, sr = flat[order], rows[order]
    del flat, rows, order
    new_run = np.concatenate(([True], sk[1:] != sk[:-1]))
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(sk)), 0))
    # partners of an element: the first min(earlier, max_partners) elements of its run
    partners = np.minimum(np.arange(len(sk)) - run_start, max_partners)
    has = np.flatnonzero(partners)
    if not len(has):
        return
    cum = np.cumsum(partners[has])
    cuts = np.searchsorted(cum, np.arange(block, int(cum[-1]), block), side="right")
    for group in np.split(has, cuts):
        if not len(group):
            continue
        left = np.repeat(group, partners[group])
        _, pos = _expand_ranges(run_start[group], run_start[group] + partners[group])
        yield _unique_pairs(sr[left], sr[pos], n)


def batch_pairs(keys: np.ndarray, max_partners: int = MAX_RUN_PARTNERS) -> np.ndarray:
    """Pairs (i < j, as int64[m, 2], sorted, unique) of rows of ``keys`` sharing any key
    (``batch_pair_blocks`` in one array; runs over ``max_partners + 1`` rows are capped)."""
    blocks = list(batch_pair_blocks(keys, max_partners))
    if not blocks:
        return np.zeros((0, 2), np.int64)
    pairs = np.concatenate(blocks)
    n = max(keys.shape[0], 1)
    code = sorted_unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack((code // n, code % n), axis=1)


def _unique_pairs(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    keep = a != b
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    code = sorted_unique(lo * max(n, 1) + hi)
    return np.stack((code // max(n, 1), code % max(n, 1)), axis=1)


class LSHIndex:
    """Incremental banded LSH: ``query`` band keys of new documents, then ``insert`` them."""

    def __init__(self, store: BandStore | None = None) -> None:
        self.store: BandStore = store if store is not None else ArrayBandStore()

    def insert(self, docs: np.ndarray, keys: np.ndarray) -> None:
        """Index rows of ``keys`` (uint32[m, bands]) under document numbers ``docs``."""
        docs = np.asarray(docs, dtype=np.int64)
        self.store.insert(keys.ravel(), np.repeat(docs, keys.shape[1]))

    def query(self, keys: np.ndarray, limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(row of ``keys``, stored doc) for every stored doc sharing a key with that row; unique.

        With ``limit``: per key, only the ``limit`` oldest stored docs holding it.
        """
        q, d = self.store.lookup(keys.ravel()) if limit is None else \
            self.store.lookup(keys.ravel(), limit)
        rows = q // keys.shape[1]
        if len(rows) == 0:
            return rows, d
        code = sorted_unique(rows * (int(d.max()) + 1) + d)
        return code // (int(d.max()) + 1), code % (int(d.max()) + 1)

    def query_blocks(self, keys: np.ndarray, limit: int = MAX_RUN_PARTNERS,
                     block: int = PAIR_BLOCK):
        """``query(keys, limit)`` as blocks of rows holding about ``block`` matches each:
        yields (row of ``keys``, stored doc) arrays; memory bounded whatever the copies."""
        m, width = keys.shape
        if not m:
            return
        counter = getattr(self.store, "match_counts", None)
        if counter is not None:
            per_row = counter(keys.ravel(), limit).reshape(m, width).sum(axis=1)
        else:
            per_row = np.full(m, width * limit, np.int64)
        cum = np.cumsum(per_row)
        cuts = np.searchsorted(cum, np.arange(block, int(cum[-1]), block), side="right")
        for start, stop in zip(np.concatenate(([0], cuts)), np.concatenate((cuts, [m]))):
            if stop > start:
                rows, docs = self.query(keys[start:stop], limit)
                yield rows + start, docs
