"""dedupe.stories.index: band maths, band keys, the batch pair finder and the band stores."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from datasketch.storage import unordered_storage

from dedupe.stories.index import (
    ArrayBandStore,
    BandLayout,
    LSHIndex,
    StorageBandStore,
    _merge_runs,
    _sorted_run,
    band_keys,
    batch_pairs,
    candidate_probability,
    false_negative_probability,
    false_positive_probability,
    key_bytes,
    optimal_layout,
)


def test_candidate_probability_values():
    assert candidate_probability(0.5, 32, 3) == pytest.approx(1 - (1 - 0.125) ** 32)
    assert candidate_probability(1.0, 4, 5) == 1.0
    assert candidate_probability(0.0, 4, 5) == 0.0
    assert BandLayout(32, 3).candidate_probability(0.5) > 0.98


def test_false_positive_and_negative_areas_move_the_right_way():
    # More rows per band: fewer false positives, more false negatives.
    assert false_positive_probability(0.5, 32, 4) < false_positive_probability(0.5, 32, 3)
    assert false_negative_probability(0.5, 32, 4) > false_negative_probability(0.5, 32, 3)
    assert 0 < false_positive_probability(0.5, 32, 3) < 0.5
    bands, rows = optimal_layout(0.5, 32)
    assert bands * rows <= 32 and rows >= 2


def test_band_keys_equal_exactly_when_band_rows_equal():
    rng = np.random.default_rng(0)
    sigs = rng.integers(0, 2**32, (2, 12), dtype=np.uint64).astype(np.uint32)
    sigs[1, 3:6] = sigs[0, 3:6]  # band 1 of a 4x3 layout equal, the rest differ
    keys = band_keys(sigs, BandLayout(4, 3))
    assert keys.dtype == np.uint32 and keys.shape == (2, 4)
    assert (keys[0] == keys[1]).tolist() == [False, True, False, False]
    assert not np.intersect1d(band_keys(sigs, BandLayout(4, 3), salt=1), keys).size
    with pytest.raises(ValueError):
        band_keys(sigs, BandLayout(5, 3))


def brute_pairs(keys: np.ndarray) -> set[tuple[int, int]]:
    return {(i, j) for i, j in itertools.combinations(range(len(keys)), 2)
            if np.intersect1d(keys[i], keys[j]).size}


def test_batch_pairs_equals_brute_force():
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 25, (60, 4)).astype(np.uint64)  # small alphabet: many collisions
    got = batch_pairs(keys)
    assert {tuple(p) for p in got.tolist()} == brute_pairs(keys)
    assert np.all(got[:, 0] < got[:, 1])
    assert batch_pairs(np.zeros((0, 4), np.uint64)).shape == (0, 2)


@pytest.mark.parametrize("make_store", [
    lambda: ArrayBandStore(buffer_size=7),
    lambda: StorageBandStore(unordered_storage({"type": "dict"})),
])
def test_incremental_query_equals_brute_force(make_store):
    rng = np.random.default_rng(5)
    keys = rng.integers(0, 40, (80, 3)).astype(np.uint64)
    index = LSHIndex(make_store())
    found = set()
    for i in range(0, 80, 5):  # add in small batches: query, then insert
        rows, docs = index.query(keys[i:i + 5])
        found |= {(int(d), int(r) + i) for r, d in zip(rows, docs)}
        index.insert(np.arange(i, i + 5), keys[i:i + 5])
    earlier_pairs = {p for p in brute_pairs(keys) if p[0] // 5 != p[1] // 5}
    assert found == earlier_pairs


def test_array_store_merges_runs_and_reports_bytes():
    store = ArrayBandStore(buffer_size=16)
    keys = np.arange(1000, dtype=np.uint64) % 250
    for start in range(0, 1000, 5):  # many small inserts: buffer flushes and run merges
        store.insert(keys[start:start + 5], np.arange(start, start + 5) // 4)
    assert len(store) == 1000
    assert len(store._runs) <= 10  # logarithmic number of sorted runs
    q, d = store.lookup(np.array([7, 999], dtype=np.uint64))  # key 7 at 7, 257, 507, 757
    assert sorted(d.tolist()) == [1, 64, 126, 189] and set(q.tolist()) == {0}
    assert store.nbytes == 8 * 1000  # uint32 key + uint32 doc per entry
    k, v = store.items()
    assert np.all(k[1:] >= k[:-1]) and len(v) == 1000


def test_band_keys_spread_over_32_bits():
    rng = np.random.default_rng(1)
    sigs = rng.integers(0, 2**16, (20000, 6), dtype=np.uint64).astype(np.uint16)
    keys = band_keys(sigs, BandLayout(2, 3)).ravel()
    # 40,000 random 32-bit keys: expected chance collisions ~0.2, top bit set about half the time
    assert len(np.unique(keys)) >= len(keys) - 3
    assert 0.45 < np.mean(keys >= 2**31) < 0.55


def test_merge_runs_equals_a_stable_sort_of_both():
    rng = np.random.default_rng(7)
    for n1, n2 in ((0, 5), (5, 0), (50, 30), (300, 300)):
        k1 = np.sort(rng.integers(0, 40, n1).astype(np.uint32))
        k2 = np.sort(rng.integers(0, 40, n2).astype(np.uint32))
        d1, d2 = np.arange(n1, dtype=np.uint32), np.arange(n1, n1 + n2, dtype=np.uint32)
        keys, docs = _merge_runs((k1, d1), (k2, d2))
        want_k, want_d = _sorted_run(np.concatenate((k1, k2)), np.concatenate((d1, d2)))
        assert np.array_equal(keys, want_k) and np.array_equal(docs, want_d)


def test_array_store_lookup_of_unsorted_repeated_keys_equals_brute_force():
    rng = np.random.default_rng(11)
    keys = rng.integers(0, 60, 500).astype(np.uint32)
    store = ArrayBandStore(buffer_size=64)
    for s in range(0, 500, 37):
        store.insert(keys[s:s + 37], np.arange(s, min(s + 37, 500)))
    queries = rng.integers(0, 70, 90).astype(np.uint32)  # repeats, and keys never stored
    q, d = store.lookup(queries)
    want = sorted((i, j) for i, k in enumerate(queries.tolist())
                  for j in np.flatnonzero(keys == k).tolist())
    assert sorted(zip(q.tolist(), d.tolist())) == want


def test_key_bytes_are_four_big_endian_bytes():
    assert key_bytes(np.array([1, 0xA0B0C0D0], dtype=np.uint32)) == [b"\x00\x00\x00\x01",
                                                                      b"\xa0\xb0\xc0\xd0"]
