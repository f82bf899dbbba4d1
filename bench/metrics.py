"""Clustering agreement metrics: pairwise precision/recall/F1 and the Adjusted Rand Index.

Both are computed from the contingency table of (true label, predicted label) counts, so a
clustering of a million documents costs O(n) instead of O(n²) pair enumeration: the number of
pairs inside a cell of size m is m·(m-1)/2.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PairCounts:
    """Pair totals of a contingency table.

    ``same_both``: pairs together in truth and prediction (true positives);
    ``same_true`` / ``same_pred``: pairs together in truth / in prediction; ``total``: all pairs.
    """

    same_both: int
    same_true: int
    same_pred: int
    total: int


@dataclass(frozen=True)
class PairScores:
    """Pairwise precision, recall and F1 of a predicted clustering against the truth."""

    precision: float
    recall: float
    f1: float


def pairs(m: int) -> int:
    """Number of unordered pairs among ``m`` items."""
    return m * (m - 1) // 2


def labels_from_clusters(clusters: Iterable[Sequence[str]]) -> dict[str, int]:
    """Turn a list of clusters (lists of ids) into an id → cluster-number mapping.

    Raises ValueError if an id occurs in two clusters, since the result would not be a partition.
    """
    labels: dict[str, int] = {}
    for number, cluster in enumerate(clusters):
        for doc_id in cluster:
            if doc_id in labels:
                raise ValueError(f"id {doc_id!r} is in more than one cluster")
            labels[doc_id] = number
    return labels


def contingency(truth: Mapping[str, Hashable], pred: Mapping[str, Hashable]) -> Counter:
    """Counts of documents per (true label, predicted label) cell.

    Both mappings must label exactly the same ids; a missing id would silently change the pair
    totals, so it is an error.
    """
    if truth.keys() != pred.keys():
        missing = sorted(set(truth) ^ set(pred))[:5]
        raise ValueError(f"truth and prediction label different ids, e.g. {missing}")
    return Counter((label, pred[doc_id]) for doc_id, label in truth.items())


def pair_counts(truth: Mapping[str, Hashable], pred: Mapping[str, Hashable]) -> PairCounts:
    """Pair totals from the contingency table (row sums = true clusters, columns = predicted)."""
    table = contingency(truth, pred)
    rows: Counter = Counter()
    cols: Counter = Counter()
    for (true_label, pred_label), count in table.items():
        rows[true_label] += count
        cols[pred_label] += count
    return PairCounts(
        same_both=sum(pairs(c) for c in table.values()),
        same_true=sum(pairs(c) for c in rows.values()),
        same_pred=sum(pairs(c) for c in cols.values()),
        total=pairs(len(truth)),
    )


def pairwise_scores(truth: Mapping[str, Hashable], pred: Mapping[str, Hashable]) -> PairScores:
    """Pairwise precision, recall and F1.

    A pair is positive when its two documents share a cluster. With no predicted pairs the
    precision is 1.0 (nothing was wrongly joined); with no true pairs the recall is 1.0.
    """
    counts = pair_counts(truth, pred)
    precision = counts.same_both / counts.same_pred if counts.same_pred else 1.0
    recall = counts.same_both / counts.same_true if counts.same_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1)


def adjusted_rand_index(truth: Mapping[str, Hashable], pred: Mapping[str, Hashable]) -> float:
    """Adjusted Rand Index (Hubert & Arabie 1985): 1 for identical partitions, ~0 for chance.

    ARI = (Σ C(n_ij,2) − E) / (½(Σ C(a_i,2) + Σ C(b_j,2)) − E) with E = Σ C(a_i,2)·Σ C(b_j,2) / C(n,2).
    When the denominator is 0 (both partitions all-singletons or both one cluster) the two
    partitions are identical and the index is 1.0, as in the usual implementations.
    """
    counts = pair_counts(truth, pred)
    if counts.total == 0:
        return 1.0
    expected = counts.same_true * counts.same_pred / counts.total
    maximum = (counts.same_true + counts.same_pred) / 2
    if maximum == expected:
        return 1.0
    return (counts.same_both - expected) / (maximum - expected)
