"""MinHash-style signatures of shingle sets: one-permutation hashing with optimal densification.

One seeded 64-bit hash per shingle picks a bin (its top bits, by multiply-shift) and a 32-bit value;
a bin keeps its minimum value. Empty bins borrow the value of the first non-empty bin along a fixed
probe sequence (Shrivastava 2017, "optimal densification"), so P[sig_a[k] == sig_b[k]] = J(A, B)
as for K-permutation MinHash, at the cost of one hash per shingle instead of K.

A whole batch is sketched in a few numpy calls (``np.minimum.at`` over doc*K + bin). With
``sketch_flat(..., positions)`` each bin also reports where its minimum first occurs in the text
(value and position packed in one uint64, so one minimum gives both); stories.py uses that to
tell a truncated copy, which shares its lead in place, from a sidebar quoting another lead.
Every persisted signature must carry its SketchScheme: signatures made under different schemes
are not comparable (datasketch 2.0 changed its default hashing for the same reason).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np

from .shingles import group_runs, mix64, mix64_int

_U64 = np.uint64
# 0xFFFFFFFF marks an empty bin; real values are clipped just below it.
EMPTY = np.uint32(0xFFFFFFFF)
# Densification gives up after this many probe rounds per bin count (probability of a bin still
# empty for a one-shingle document after 32*K rounds is (1-1/K)**(32K) ~ e**-32) and then fills
# the rest from the next non-empty bin, so it always terminates.
_MAX_ROUNDS_PER_BIN = 32
_PACKED_EMPTY = _U64(0xFFFFFFFFFFFFFFFF)
_CHUNK = 1 << 16
SCHEME_NAME = "oph-optdens-u32-v1"


@dataclass(frozen=True)
class SketchScheme:
    """Everything that determines a signature: stored next to every persisted signature."""

    name: str = SCHEME_NAME
    num_perm: int = 128
    seed: int = 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SketchScheme":
        return cls(**data)


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray | float:
    """Fraction of equal positions (last axis); arrays broadcast, so rows can be compared at once."""
    return np.mean(np.asarray(sig_a) == np.asarray(sig_b), axis=-1)


def estimate_containment(jaccard, size_a, size_b):
    """Estimated |A ∩ B| / |A| from Jaccard and set sizes: J(|A|+|B|) / ((1+J)|A|), clipped to 1."""
    j = np.asarray(jaccard, dtype=float)
    a = np.asarray(size_a, dtype=float)
    b = np.asarray(size_b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = j * (a + b) / ((1.0 + j) * a)
    return np.clip(np.nan_to_num(c, nan=0.0, posinf=0.0), 0.0, 1.0)


class Sketcher:
    """Turns shingle-hash arrays into uint32 signatures of ``scheme.num_perm`` values."""

    def __init__(self, scheme: SketchScheme = SketchScheme()) -> None:
        if scheme.name != SCHEME_NAME:
            raise ValueError(f"unknown sketch scheme {scheme.name!r} (this code makes {SCHEME_NAME!r})")
        if scheme.num_perm < 1:
            raise ValueError("num_perm must be >= 1")
        self.scheme = scheme
        self._k = scheme.num_perm
        self._salt = _U64(mix64_int(scheme.seed ^ 0x5EED_0F_5EED))
        self._probe_salt = mix64_int(scheme.seed ^ 0x9B0BE5)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """Signature (uint32[num_perm]) of one set of shingle hashes."""
        hashes = np.asarray(hashes, dtype=_U64)
        return self.signatures_flat(hashes, np.array([0, len(hashes)], dtype=np.int64))[0]

    def signatures(self, hash_arrays: Sequence[np.ndarray]) -> np.ndarray:
        """Signatures (uint32[n, num_perm]) of several sets, computed as one batch."""
        lens = np.fromiter((len(h) for h in hash_arrays), dtype=np.int64, count=len(hash_arrays))
        offsets = np.zeros(len(hash_arrays) + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        flat = np.concatenate([np.asarray(h, dtype=_U64) for h in hash_arrays]) if len(hash_arrays) \
            else np.zeros(0, _U64)
        return self.signatures_flat(flat, offsets)

    def signatures_flat(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures of sets given as one flat hash array; set i is hashes[offsets[i]:offsets[i+1]].

        Duplicated hashes inside a set are harmless (a minimum is idempotent). An empty set gets a
        signature of all EMPTY values.
        """
        return self.sketch_flat(hashes, offsets)[0]

    def sketch_flat(self, hashes: np.ndarray, offsets: np.ndarray,
                    positions: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(signatures uint32[n, K], positions uint32[n, K]) of flat sets.

        ``positions[j]`` is where shingle j occurs in its text; each bin reports the smallest
        position of its minimum shingle (its first occurrence). Without positions, all are 0.
        """
        n, k = len(offsets) - 1, self._k
        if n == 0:
            return np.zeros((0, k), np.uint32), np.zeros((0, k), np.uint32)
        if positions is None:
            positions = np.zeros(len(hashes), np.uint32)
        # Chunks of ~_CHUNK hashes keep numpy temporaries in cache (about 3x faster than one pass).
        parts = []
        for start, stop in group_runs(offsets, _CHUNK):
            lo, hi = offsets[start], offsets[stop]
            parts.append(self._chunk(hashes[lo:hi], positions[lo:hi], offsets[start:stop + 1] - lo))
        packed = self._densify(np.concatenate(parts) if len(parts) > 1 else parts[0])
        return (packed >> _U64(32)).astype(np.uint32), (packed & _U64(0xFFFFFFFF)).astype(np.uint32)

    def _chunk(self, hashes: np.ndarray, positions: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Per bin min of (value << 32 | position): the min value, then its first position."""
        n, k = len(offsets) - 1, self._k
        g = mix64(hashes ^ self._salt)
        bins = ((g >> _U64(32)) * _U64(k)) >> _U64(32)
        values = np.minimum(g & _U64(0xFFFFFFFF), _U64(EMPTY - 1))
        packed = (values << _U64(32)) | np.minimum(positions, 0xFFFFFFFF).astype(_U64)
        doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
        out = np.full(n * k, _PACKED_EMPTY, dtype=_U64)
        np.minimum.at(out, doc * k + bins.astype(np.int64), packed)
        return out.reshape(n, k)

    def _probe(self, rnd: int) -> np.ndarray:
        """Bin that every bin borrows from in probe round ``rnd`` (same for all documents)."""
        x = mix64(np.arange(self._k, dtype=_U64) + _U64((rnd * self._k + self._probe_salt) & ((1 << 64) - 1)))
        return (((x >> _U64(32)) * _U64(self._k)) >> _U64(32)).astype(np.int64)

    def _densify(self, sig: np.ndarray) -> np.ndarray:
        """Fill empty bins (packed uint64) from the first non-empty bin on each bin's probe path."""
        empty = sig == _PACKED_EMPTY
        nonempty_rows = ~empty.all(axis=1)
        rows, cols = np.nonzero(empty & nonempty_rows[:, None])
        if len(rows) == 0:
            return sig
        out = sig.copy()
        for rnd in range(_MAX_ROUNDS_PER_BIN * self._k):
            src = self._probe(rnd)[cols]
            got = sig[rows, src]
            hit = got != _PACKED_EMPTY
            out[rows[hit], cols[hit]] = got[hit]
            rows, cols = rows[~hit], cols[~hit]
            if len(rows) == 0:
                return out
        for r, c in zip(rows.tolist(), cols.tolist()):  # pragma: no cover - astronomically rare
            filled = np.flatnonzero(sig[r] != _PACKED_EMPTY)
            out[r, c] = sig[r, filled[np.searchsorted(filled, c) % len(filled)]]
        return out
