"""Union-find (disjoint sets) over element numbers 0..n-1, growable and serialisable.

Parents live in a compact ``array('q')`` (8 bytes an element, not a list of Python ints).
"""
from __future__ import annotations

from array import array
from typing import Iterable

import numpy as np


class UnionFind:
    """Disjoint sets with path halving; the smaller number becomes the root (deterministic)."""

    def __init__(self, parent: Iterable[int] = ()) -> None:
        self.parent = array("q", parent)

    def __len__(self) -> int:
        return len(self.parent)

    def grow(self, n: int) -> None:
        """Make sure elements 0..n-1 exist (new ones are singletons)."""
        self.parent.extend(range(len(self.parent), n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        """Join the sets of a and b; True if they were apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True

    def union_pairs(self, a: np.ndarray, b: np.ndarray) -> None:
        for x, y in zip(np.asarray(a).tolist(), np.asarray(b).tolist()):
            self.union(x, y)

    def roots(self) -> np.ndarray:
        """Root of every element (int64 array)."""
        return np.array([self.find(x) for x in range(len(self.parent))], dtype=np.int64)

    def to_array(self) -> np.ndarray:
        return np.array(self.parent, dtype=np.int64)
