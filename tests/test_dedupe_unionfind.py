"""dedupe.unionfind: the vectorised union-find against a plain one-pair-at-a-time reference."""
from __future__ import annotations

import numpy as np
import pytest

from dedupe.unionfind import UnionFind


def reference_roots(n: int, pairs: list[tuple[int, int]]) -> list[int]:
    """Smallest member of each element's connected component (breadth-first search)."""
    neighbours: dict[int, list[int]] = {i: [] for i in range(n)}
    for a, b in pairs:
        neighbours[a].append(b)
        neighbours[b].append(a)
    root = [-1] * n
    for start in range(n):
        if root[start] >= 0:
            continue
        component, frontier = {start}, [start]
        while frontier:
            nxt = [y for x in frontier for y in neighbours[x] if y not in component]
            component.update(nxt)
            frontier = nxt
        for x in component:
            root[x] = min(component)
    return root


@pytest.mark.parametrize("n,m,seed", [(50, 30, 0), (200, 400, 1), (1000, 900, 2), (300, 0, 3)])
def test_union_pairs_gives_the_components_with_the_smallest_root(n, m, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    uf = UnionFind()
    uf.grow(n)
    for s in range(0, m, 97):  # several calls, as the index makes them
        uf.union_pairs(a[s:s + 97], b[s:s + 97])
    want = reference_roots(n, list(zip(a.tolist(), b.tolist())))
    assert uf.roots().tolist() == want
    assert [uf.find(x) for x in range(n)] == want


def test_long_chains_and_stars_settle():
    n = 2000
    chain = np.arange(n - 1)  # 0-1, 1-2, ... given in reverse so every round hooks one level
    uf = UnionFind()
    uf.grow(n)
    uf.union_pairs(chain[::-1] + 1, chain[::-1])
    assert set(uf.roots().tolist()) == {0}
    star = UnionFind()
    star.grow(n)
    star.union_pairs(np.full(n - 1, n - 1), np.arange(n - 1))  # everything paired with the last
    assert set(star.roots().tolist()) == {0}


def test_grow_union_and_round_trip():
    uf = UnionFind()
    uf.grow(3)
    assert uf.union(2, 1) and not uf.union(1, 2)
    uf.grow(70)  # past the first capacity
    assert len(uf) == 70 and uf.find(69) == 69 and uf.find(2) == 1
    assert uf.nbytes >= 4 * 70 and uf.parent.dtype == np.int32
    again = UnionFind(uf.to_array())
    assert again.roots().tolist() == uf.roots().tolist()
    assert UnionFind(range(4)).roots().tolist() == [0, 1, 2, 3]


def test_a_parent_array_pointing_upwards_is_refused():
    with pytest.raises(ValueError):
        UnionFind([0, 2, 2])
