"""Banded LSH over signatures, with the band table behind a small storage interface.

A band layout (b bands of r rows) makes two signatures with Jaccard J share at least one band key
with probability 1 - (1 - J**r)**b; the maths are plain functions at the top of this module.

Band keys of every band (and of every sketch kind: a ``salt`` separates them) live in one
multimap key -> document number, the ``BandStore``. Two stores ship:
  * ``ArrayBandStore``: numpy sorted runs merged like an LSM tree, 12 bytes per entry
    (uint64 key + uint32 doc); the default.
  * ``StorageBandStore``: any datasketch storage, e.g. ``unordered_storage({"type": "dict"})`` or
    its Redis backend, so a persisted band table plugs in without touching the LSH logic.
Batch path: ``batch_pairs`` sorts all keys once and emits the pairs that share a key.
Incremental path: ``LSHIndex.query`` then ``LSHIndex.insert``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .shingles import mix64, mix64_int, sorted_unique

_U64 = np.uint64
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
    """uint64[n, bands] keys; equal keys <=> equal band rows (up to 2**-64 collisions).

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
    return mix64(h)


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
    """Sorted numpy runs (keys uint64, docs uint32), merged when a run is as big as the one before.

    Inserts go to a small buffer that becomes a run when full, so an insert is amortised
    O(log n) and a lookup does one binary search per run (O(log n) runs).
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
        return sum(k.nbytes + d.nbytes for k, d in self._runs) + 12 * self._buf_len

    def insert(self, keys: np.ndarray, docs: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=_U64).ravel()
        docs = np.broadcast_to(np.asarray(docs, dtype=np.uint32), keys.shape).ravel()
        self._buf_keys.append(keys)
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
            (k1, d1), (k2, d2) = self._runs[-2], self._runs[-1]
            self._runs[-2:] = [_sorted_run(np.concatenate((k1, k2)), np.concatenate((d1, d2)))]

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = np.asarray(keys, dtype=_U64).ravel()
        found_q, found_d = [], []
        for run_keys, run_docs in self._runs:
            lo = np.searchsorted(run_keys, keys, side="left")
            hi = np.searchsorted(run_keys, keys, side="right")
            q, pos = _expand_ranges(lo, hi)
            found_q.append(q)
            found_d.append(run_docs[pos])
        if self._buf_len:
            bk, bd = np.concatenate(self._buf_keys), np.concatenate(self._buf_docs)
            order = np.argsort(keys, kind="stable")
            sk = keys[order]
            lo = np.searchsorted(sk, bk, side="left")
            hi = np.searchsorted(sk, bk, side="right")
            b, pos = _expand_ranges(lo, hi)
            found_q.append(order[pos])
            found_d.append(bd[b])
        if not found_q:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(found_q).astype(np.int64), np.concatenate(found_d).astype(np.int64)

    def items(self) -> tuple[np.ndarray, np.ndarray]:
        """All (keys, docs), sorted by key then insertion order."""
        self._flush()
        if not self._runs:
            return np.zeros(0, _U64), np.zeros(0, np.uint32)
        return _sorted_run(np.concatenate([k for k, _ in self._runs]),
                           np.concatenate([d for _, d in self._runs]))


class StorageBandStore:
    """Adapter over a datasketch storage (``datasketch.storage.unordered_storage(config, name)``).

    Keys are stored as 8 big-endian bytes, values as document numbers; Redis-backed storage
    works the same way (its values come back as whatever the backend returns; ints for dict).
    """

    def __init__(self, storage) -> None:
        self.storage = storage
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def insert(self, keys: np.ndarray, docs: np.ndarray) -> None:
        keys = np.asarray(keys, dtype=_U64).ravel()
        docs = np.broadcast_to(np.asarray(docs, dtype=np.int64), keys.shape).ravel()
        for key, doc in zip(_key_bytes(keys), docs.tolist()):
            self.storage.insert(key, doc)
        self._n += len(keys)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        q, d = [], []
        for i, key in enumerate(_key_bytes(np.asarray(keys, dtype=_U64).ravel())):
            for doc in self.storage.get(key):
                q.append(i)
                d.append(int(doc))
        return np.array(q, dtype=np.int64), np.array(d, dtype=np.int64)


def _key_bytes(keys: np.ndarray) -> list[bytes]:
    raw = keys.astype(">u8").tobytes()
    return [raw[i:i + 8] for i in range(0, len(raw), 8)]


def _sorted_run(keys: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(keys, kind="stable")
    return keys[order], docs[order]


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

def batch_pairs(keys: np.ndarray) -> np.ndarray:
    """Pairs (i < j, as int64[m, 2], sorted, unique) of rows of ``keys`` sharing any key.

    One argsort of all keys; every run of equal keys yields all its pairs.
    """
    n = keys.shape[0]
    flat = keys.ravel()
    rows = np.repeat(np.arange(n, dtype=np.int64), keys.shape[1])
    order = np.argsort(flat, kind="stable")
    sk, sr = flat[order], rows[order]
    new_run = np.concatenate(([True], sk[1:] != sk[:-1]))
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(sk)), 0))
    before = np.arange(len(sk)) - run_start  # earlier elements in the same run
    left = np.repeat(np.arange(len(sk)), before)
    _, pos = _expand_ranges(run_start[before > 0], (run_start + before)[before > 0])
    a, b = sr[left], sr[pos]
    return _unique_pairs(a, b, n)


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
        """Index rows of ``keys`` (uint64[m, bands]) under document numbers ``docs``."""
        docs = np.asarray(docs, dtype=np.int64)
        self.store.insert(keys.ravel(), np.repeat(docs, keys.shape[1]))

    def query(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row of ``keys``, stored doc) for every stored doc sharing a key with that row; unique."""
        q, d = self.store.lookup(keys.ravel())
        rows = q // keys.shape[1]
        if len(rows) == 0:
            return rows, d
        code = sorted_unique(rows * (int(d.max()) + 1) + d)
        return code // (int(d.max()) + 1), code % (int(d.max()) + 1)
