"""The by-hand baseline every number is measured against: the same libraries used the usual way.

Plain shingles as bytes, one datasketch ``MinHash(num_perm=128)`` per text filled with
``update_batch``, a ``MinHashLSH`` at a threshold, and union-find over every LSH candidate (no
verification), as a careful user would write it in an afternoon.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

NUM_PERM = 128
# The sweep. Character n-grams are the usual by-hand choice; "token" n-grams (one token per CJK
# character, else a word) are what a careful by-hand user would do for mixed zh/en text.
SHINGLINGS = (("char", 5), ("char", 9), ("token", 2), ("token", 3), ("token", 5))
QUICK_SHINGLINGS = (("char", 5), ("token", 3))
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")


def baseline_shingles(text: str, unit: str, k: int) -> set[bytes]:
    """Shingles of normalised text as bytes: character k-grams, or k-grams of tokens where a
    token is one CJK character or one word. A text shorter than k is one shingle."""
    if unit == "char":
        grams = {text[i:i + k] for i in range(len(text) - k + 1)} or {text}
    else:
        toks = TOKEN_RE.findall(text)
        grams = {" ".join(toks[i:i + k]) for i in range(len(toks) - k + 1)} or {" ".join(toks)}
    return {g.encode("utf-8") for g in grams}


def baseline_minhashes(texts: Iterable[str], unit: str, k: int, num_perm: int = NUM_PERM) -> list:
    """One datasketch MinHash per text, filled with update_batch."""
    from datasketch import MinHash
    out = []
    for text in texts:
        m = MinHash(num_perm=num_perm)
        m.update_batch(baseline_shingles(text, unit, k))
        out.append(m)
    return out


def baseline_index(ids: Sequence[str], minhashes: Sequence, threshold: float):
    """A MinHashLSH holding every document."""
    from datasketch import MinHashLSH
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for doc_id, m in zip(ids, minhashes):
            session.insert(doc_id, m)
    return lsh


def union_find_clusters(ids: Sequence[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components of the candidate graph, each sorted, sorted by first id."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving keeps trees flat
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    return sorted(sorted(g) for g in groups.values())


def baseline_clusters(ids: Sequence[str], minhashes: Sequence, threshold: float) -> list[list[str]]:
    """LSH candidates joined transitively (no verification), as a by-hand pipeline does."""
    lsh = baseline_index(ids, minhashes, threshold)
    return union_find_clusters(ids, ((i, j) for i, m in zip(ids, minhashes) for j in lsh.query(m)))
