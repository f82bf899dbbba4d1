"""Stories: syndicated copies of one report, found by LSH candidates + sketch verification.

Candidates are the pairs of documents sharing a band key (``.index``); a candidate pair is
linked when ``.features.link_test`` says the two are copies; stories are the connected
components (union-find) of the links. The link test is a pure function of the two documents, and
the candidates are exactly the pairs sharing a band key, so the result does not depend on
arrival order: ``StoryIndex`` (incremental) == ``group_stories`` (batch). One exception keeps
memory linear when a story has thousands of copies: a document meets at most the first 1,024
documents of an equal-key run (``.index.MAX_RUN_PARTNERS``), so in a run longer than that
a document linking to none of those (but to a later one, in no other shared band) may depend on
arrival order. Verbatim copies (identical sketches) are joined to their first copy without
taking part in the candidate search at all.

Memory: an indexed document costs 456 bytes of sketches, 384 bytes of band table (48 keys x 8
bytes) and 4 bytes of union-find, plus its id (``StoryIndex.memory`` accounts for them).
"""
from __future__ import annotations

import sys
from typing import Any, Iterable, Sequence

import numpy as np

from ..unionfind import UnionFind
from .features import (
    LINK_CONTAINMENT,
    LINK_JACCARD,
    NO_LINK,
    Features,
    PairTest,
    StoryConfig,
    StoryDoc,
    empty_features,
    featurise,
    link_test,
    low_bits,
)
from .index import BandStore, LSHIndex, batch_pair_blocks

__all__ = ["LINK_CONTAINMENT", "LINK_JACCARD", "NO_LINK", "STATE_VERSION", "Features", "PairTest",
           "StoryConfig", "StoryDoc", "StoryIndex", "choose_representative", "featurise",
           "group_stories", "link_test"]

# 2: 16-bit signature values, 32-bit band keys, no published/lengths (version 1 states load).
STATE_VERSION = 2
# add_many works through big batches this many documents at a time: the batch pair search and
# the featurising temporaries are per chunk (~1 GB at 50k), and the result is the same.
_ADD_CHUNK_DOCS = 50_000


class StoryIndex:
    """Incremental story clustering; ``clusters()`` equals ``group_stories`` over the same docs."""

    def __init__(self, config: StoryConfig = StoryConfig(), store: BandStore | None = None) -> None:
        self.config = config
        self.ids: list[str] = []
        self._num: dict[str, int] = {}
        self._feats = empty_features(config)  # capacity grows by x1.5; rows < _n are live
        self._n = 0
        self.uf = UnionFind()
        self.lsh = LSHIndex(store)

    def __len__(self) -> int:
        return self._n

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._num

    @property
    def features(self) -> Features:
        return self._feats.take(slice(0, self._n))

    def memory(self) -> dict[str, int]:
        """Bytes held, by part (numpy buffers incl. spare capacity; ids as Python objects)."""
        ids = sys.getsizeof(self.ids) + sys.getsizeof(self._num) + \
            sum(sys.getsizeof(i) for i in self.ids)
        store = getattr(self.lsh.store, "nbytes", 0)
        return {"sketches": self._feats.nbytes, "band_table": store, "union_find": self.uf.nbytes,
                "ids": ids}

    def add(self, doc: StoryDoc) -> None:
        self.add_many([doc])

    def add_many(self, docs: Sequence[StoryDoc]) -> None:
        """Add documents (ids must be new and distinct); numpy work per chunk of documents."""
        docs = list(docs)
        self._make_room([d.id for d in docs])
        for start in range(0, len(docs), _ADD_CHUNK_DOCS):
            chunk = docs[start:start + _ADD_CHUNK_DOCS]
            self._add_features([d.id for d in chunk], featurise([d.text for d in chunk], self.config))

    def add_features(self, ids: Sequence[str], feats: Features) -> None:
        """Add documents sketched elsewhere (row i of ``feats`` is ``ids[i]``, from ``featurise``
        with this index's config, e.g. in the worker that extracted the article): the same as
        ``add_many`` of their texts. ValueError on a repeated or known id."""
        ids = list(ids)
        if len(ids) != len(feats):
            raise ValueError(f"{len(ids)} ids for {len(feats)} rows of features")
        self._make_room(ids)
        for start in range(0, len(ids), _ADD_CHUNK_DOCS):
            rows = slice(start, start + _ADD_CHUNK_DOCS)
            self._add_features(ids[rows], feats.take(rows))

    def _make_room(self, ids: list[str]) -> None:
        """Check that ``ids`` are new and distinct; reserve rows for them."""
        seen: set[str] = set()
        for doc_id in ids:
            if doc_id in self._num or doc_id in seen:
                raise ValueError(f"duplicate story doc id {doc_id!r}")
            seen.add(doc_id)
        del seen
        self._reserve(self._n + len(ids))

    def _add_features(self, ids: list[str], feats: Features) -> None:
        base = self._n
        self._append(ids, feats)
        live = np.flatnonzero(feats.sizes > 0)  # empty texts never link, so are never indexed
        # Identical sketches (verbatim copies) link (Jaccard 1) and link to the same others: join
        # each to its first copy, index only the first (a viral story's 10,000 verbatim copies
        # cost 10,000 unions, not 10,000 runs of pairs).
        first, copy_of = _distinct_rows(feats.take(live))
        self.uf.union_pairs(live[first[copy_of]] + base, live + base)
        live = live[first]
        keys = feats.keys(self.config)[live]
        for rows, old in self.lsh.query_blocks(keys):  # new x indexed (incremental path)
            self._link(live[rows] + base, old)
        for inner in batch_pair_blocks(keys):  # new x new (batch path)
            self._link(live[inner[:, 0]] + base, live[inner[:, 1]] + base)
        self.lsh.insert(live + base, keys)

    def _reserve(self, n: int) -> None:
        """Room for ``n`` documents: x1.5 growth (amortised O(1) for small batches), or exactly
        ``n`` when one batch needs more than that (a big batch leaves no slack)."""
        if n > len(self._feats):
            capacity = max(len(self._feats) * 3 // 2, 64)
            capacity = n if n > capacity else capacity
            self._feats = self._feats.resized(capacity)
            self.uf.reserve(capacity)

    def _append(self, ids: list[str], feats: Features) -> None:
        m = len(ids)
        self._reserve(self._n + m)
        self._feats.put(self._n, feats)
        self._num.update(zip(ids, range(self._n, self._n + m)))
        self.ids.extend(ids)
        self._n += m
        self.uf.grow(self._n)

    def _link(self, a: np.ndarray, b: np.ndarray) -> None:
        step = 1 << 14  # verify in blocks of [step, num_perm] comparisons
        for s in range(0, len(a), step):
            x, y = a[s:s + step], b[s:s + step]
            apart = self.uf.find_many(x) != self.uf.find_many(y)  # joined ones need no test
            x, y = x[apart], y[apart]
            ok = link_test(self._feats.take(x), self._feats.take(y), self.config).linked
            self.uf.union_pairs(x[ok], y[ok])

    def clusters(self) -> list[list[str]]:
        """Clusters of ids, each sorted, sorted by first id; singletons included."""
        groups: dict[int, list[str]] = {}
        for num, root in enumerate(self.uf.roots().tolist()):
            groups.setdefault(root, []).append(self.ids[num])
        return sorted(sorted(g) for g in groups.values())

    def to_state(self) -> dict[str, Any]:
        """Plain data (str, int, lists, numpy arrays) from which ``from_state`` resumes."""
        state: dict[str, Any] = {
            "version": STATE_VERSION,
            "config": self.config.as_dict(),
            "ids": list(self.ids),
            "parent": self.uf.to_array(),
        }
        for f in Features.FIELDS:
            state[f] = getattr(self._feats, f)[:self._n].copy()
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any], store: BandStore | None = None) -> "StoryIndex":
        """Rebuild an index; the band table is re-derived from the stored signatures.

        Version 1 states (32-bit signature values, 64-bit band keys) load with their links; their
        signatures become the 16-bit values the same texts give now (the low 16 bits).
        """
        version = state.get("version")
        if version not in (1, STATE_VERSION):
            raise ValueError(f"unsupported StoryIndex state version {version!r}")
        config = StoryConfig.from_dict(state["config"])
        index = cls(config, store)
        ids = list(state["ids"])
        n = len(ids)
        template = empty_features(config)
        arrays = {f: np.asarray(state[f]) for f in Features.FIELDS}
        if version == 1:
            arrays["sigs"], arrays["leads"] = low_bits(arrays["sigs"]), low_bits(arrays["leads"])
        feats = Features(*(arrays[f].astype(getattr(template, f).dtype)
                           .reshape((n,) + getattr(template, f).shape[1:]) for f in Features.FIELDS))
        index._append(ids, feats)
        index.uf = UnionFind(np.asarray(state["parent"]))
        index.uf.grow(n)
        live = np.flatnonzero(feats.sizes > 0)
        live = live[_distinct_rows(feats.take(live))[0]]  # verbatim copies: as add_many
        index.lsh.insert(live, feats.keys(config)[live])
        return index


def group_stories(docs: Sequence[StoryDoc], config: StoryConfig = StoryConfig()) -> list[list[str]]:
    """Batch clustering: clusters of ids (each sorted, sorted by first id, singletons included).

    Runs through ``StoryIndex.add_many``, which takes big inputs a chunk at a time (the same
    clusters, with memory bounded by the index plus one chunk's temporaries).
    """
    index = StoryIndex(config)
    index.add_many(docs)
    return index.clusters()


def _distinct_rows(feats: Features) -> tuple[np.ndarray, np.ndarray]:
    """(first: row of the first occurrence of each distinct feature row, ascending;
    copy_of: for every row, its position in ``first``)."""
    if not len(feats):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    parts = [np.ascontiguousarray(getattr(feats, f)).reshape(len(feats), -1).view(np.uint8)
             for f in Features.FIELDS]
    rows = np.ascontiguousarray(np.concatenate(parts, axis=1))
    as_void = rows.view(np.dtype((np.void, rows.shape[1]))).ravel()
    _, first, inverse = np.unique(as_void, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # distinct rows in order of first occurrence
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order].astype(np.int64), rank[inverse.ravel()].astype(np.int64)


def _published_key(published: str | None) -> tuple[int, str]:
    return (1, "") if not published else (0, published)


def choose_representative(docs: Iterable[StoryDoc]) -> str:
    """Earliest published (undated last), then longest, then smallest id."""
    return min(docs, key=lambda d: (_published_key(d.published), -d.length, d.id)).id
