"""dedupe.stories.sketch: one-permutation MinHash estimates Jaccard like K-permutation MinHash does."""
from __future__ import annotations

import numpy as np
import pytest

from dedupe.stories.sketch import EMPTY, Sketcher, SketchScheme, estimate_containment, estimate_jaccard


def overlapping_sets(rng, size_a: int, size_b: int, shared: int) -> tuple[np.ndarray, np.ndarray]:
    pool = rng.choice(np.iinfo(np.int64).max, size_a + size_b - shared, replace=False).astype(np.uint64)
    return pool[:size_a], pool[size_a - shared:]


@pytest.mark.parametrize("jaccard", [0.1, 0.3, 0.5, 0.8])
def test_estimates_are_close_to_exact_jaccard(jaccard):
    rng = np.random.default_rng(7)
    sketcher = Sketcher(SketchScheme(num_perm=128, seed=3))
    errors = []
    for _ in range(40):
        size = int(rng.integers(200, 2000))
        shared = int(round(2 * size * jaccard / (1 + jaccard)))
        a, b = overlapping_sets(rng, size, size, shared)
        exact = shared / (2 * size - shared)
        sa, sb = sketcher.signatures([a, b])
        errors.append(estimate_jaccard(sa, sb) - exact)
    errors = np.array(errors)
    # K=128: one estimate has sd sqrt(J(1-J)/128) <= 0.044; the mean of 40 must be unbiased.
    assert abs(errors.mean()) < 0.02
    assert np.abs(errors).max() < 0.16


def test_small_sets_are_densified_and_still_estimate_well():
    rng = np.random.default_rng(11)
    sketcher = Sketcher()
    errors = []
    for _ in range(200):
        a, b = overlapping_sets(rng, 12, 12, 8)  # J = 8/16 with 12 of 128 bins filled
        sa, sb = sketcher.signatures([a, b])
        assert not np.any(sa == EMPTY)
        errors.append(estimate_jaccard(sa, sb) - 0.5)
    assert abs(np.mean(errors)) < 0.03


def test_identical_sets_identical_signatures_and_duplicates_ignored():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 2**63, 500, dtype=np.int64).astype(np.uint64)
    sketcher = Sketcher()
    assert np.array_equal(sketcher.signature(a), sketcher.signature(np.concatenate((a[::-1], a))))


def test_batch_equals_single_and_empty_set_is_all_empty():
    rng = np.random.default_rng(2)
    sets = [rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64) for n in (0, 1, 50, 70000)]
    sketcher = Sketcher()
    batch = sketcher.signatures(sets)
    assert batch.shape == (4, 128) and batch.dtype == np.uint32
    for s, row in zip(sets, batch):
        assert np.array_equal(sketcher.signature(s), row)
    assert np.all(batch[0] == EMPTY)
    assert len(set(batch[1].tolist())) == 1  # one shingle fills every bin


def test_seed_changes_signature_and_scheme_round_trips():
    a = np.arange(1, 300, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    s1 = Sketcher(SketchScheme(seed=1)).signature(a)
    s2 = Sketcher(SketchScheme(seed=2)).signature(a)
    assert estimate_jaccard(s1, s2) < 0.1
    scheme = SketchScheme(num_perm=64, seed=9)
    assert SketchScheme.from_dict(scheme.as_dict()) == scheme
    with pytest.raises(ValueError):
        Sketcher(SketchScheme(name="datasketch-sha1"))


def test_pinned_signature_guards_persisted_state():
    sig = Sketcher(SketchScheme(num_perm=8, seed=1)).signature(np.arange(1, 100, dtype=np.uint64))
    assert sig.tolist() == PINNED


def test_positions_report_first_occurrence_of_each_bins_minimum():
    hashes = np.array([5, 6, 7, 5], dtype=np.uint64)
    sig, pos = Sketcher(SketchScheme(num_perm=4)).sketch_flat(hashes, np.array([0, 4]),
                                                             np.array([10, 11, 12, 13]))
    for value, p in zip(sig[0], pos[0]):
        # the position belongs to a shingle whose signature value is this one
        single = Sketcher(SketchScheme(num_perm=4)).signature(hashes[[p - 10]])
        assert value in single.tolist()
        assert p != 13  # hash 5 first occurs at 10


def test_containment_from_jaccard_and_sizes():
    # A (100) inside B (400): J = 100/400, so C(A in B) = 1 and C(B in A) = 0.25.
    assert estimate_containment(0.25, 100, 400) == pytest.approx(1.0)
    assert estimate_containment(0.25, 400, 100) == pytest.approx(0.25)
    assert estimate_containment(0.0, 0, 10) == 0.0
    assert np.allclose(estimate_containment(np.array([0.5, 1.0]), 10, 10), [2 / 3, 1.0])


PINNED = [257122322, 438497203, 333368461, 114694373, 342411291, 335813318, 225648790, 1014943764]
