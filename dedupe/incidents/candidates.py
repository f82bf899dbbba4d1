"""Candidate pairs of the incident index, and the time check that spares scoring many of them
(``IncidentIndex.candidate_array``, ``IncidentIndex._could_be_within``; the model is described
in dedupe.incidents.linking)."""
from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from .evidence import approx_key
from .records import STRONG_KINDS, IncidentDoc, kind_of

if TYPE_CHECKING:
    from .linking import IncidentIndex


def idf(n: int, df: int) -> float:
    """IDF of a key held by ``df`` of ``n`` stories, scaled to [0, 1]."""
    return math.log((n + 1) / df) / math.log(n + 1)


def ordinal(day: date | None) -> int | None:
    return day.toordinal() if day is not None else None


def shared_keys(a: IncidentDoc, b: IncidentDoc) -> set[str]:
    """Keys both stories hold, solid in at least one: a pass over the smaller story only
    (an incident's core can hold thousands of keys)."""
    out = set(a.keys & b.keys)  # each ``&`` walks the smaller set, in C
    if b.probes:
        out |= a.keys & b.probes
    if a.probes:
        out |= a.probes & b.keys
    return out


def subsumed(shared: set[str]) -> set[str]:
    """Shared keys that restate another shared key: a name inside a longer shared name, the
    rounded form of a shared exact number."""
    names = [k[4:] for k in shared if k.startswith("ent:")]
    # n lies inside another name ⇔ it occurs more than once in all names joined (each name
    # holds itself once; NUL is in no name): one C search per name, not a pass over the others
    joined = "\0".join(names)
    out = {f"ent:{n}" for n in names if joined.count(n) > 1}
    out.update(filter(None, (approx_key(k) for k in shared if k.startswith("num:"))))
    return out & shared


# Pairs made at once while following keys (a key's live holders pair up in numpy; keys are
# taken in chunks so that the index pairs of a chunk stay ~16 bytes × this).
PAIR_CHUNK = 1 << 18
# Holdings (a story holding a key) checked at once before following: the per-holding
# temporaries (~80 bytes each) stay ~20 MB whatever the corpus size.
HOLDING_CHUNK = 1 << 18


def candidate_array(index: IncidentIndex) -> tuple[list[str], np.ndarray]:
    """``IncidentIndex.candidate_pairs`` compactly: (the story ids sorted, an int32 array [pairs, 2] of
    positions in that list), 8 bytes a pair instead of a tuple of two ids (~72 bytes). Every
    step is numpy over the index's arrays (``bounds.KeyTable``): which holders of which keys
    are followed, then each key's followed holders paired, a chunk of keys at a time, the
    pairs counted as int64 codes (a · stories + b) merged into one running count."""
    cfg = index.config
    gap, window = cfg.gap_days[1], cfg.window_days
    ids = sorted(index._docs)
    size = max(len(ids), 1)
    table = index.key_table(ids)
    parts = [_followed(table, at, min(at + HOLDING_CHUNK, len(table.post_story)), cfg)
             for at in range(0, len(table.post_story), HOLDING_CHUNK)]
    columns = list(zip(*parts)) or [[np.zeros(0, np.int64)]] * 3 + [[np.zeros(0, bool)]] * 2
    del parts
    key, story, day, rare, combo = (np.concatenate(column) for column in columns)
    del columns
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, int)
    counts = np.diff(np.r_[starts, len(key)])
    anchors = _Counts(cfg.min_anchors)
    combos = _Counts(cfg.min_anchors)
    work = counts * (counts - 1) // 2
    chunk_ends = np.searchsorted(np.cumsum(work), np.arange(PAIR_CHUNK, work.sum() + PAIR_CHUNK,
                                                            PAIR_CHUNK), "right")
    first = 0
    for last in np.unique(np.r_[chunk_ends, len(starts)]).tolist():
        if last <= first:
            continue
        for a, b in _pairs(starts[first:last], counts[first:last]):
            day_a, day_b = day[a], day[b]
            both = (day_a >= 0) & (day_b >= 0)
            apart = np.abs(day_a - day_b)
            close = ~both | (apart <= gap)
            code = story[a] * size + story[b]
            anchors.add(code[close & rare[a] & rare[b]])
            combos.add(code[close & combo[a] & combo[b] & (~both | (apart <= window))])
        first = last
    # a pair's count: its rare keys, plus 2 when a combination may count (once a pair)
    combos.fold()
    combos.counts = np.full(len(combos.codes), 2, np.int64)  # int64: the sum is not clipped
    every, held = _Counts.merged(anchors, combos)
    kept = every[held >= cfg.min_anchors]
    return ids, np.stack([kept // size, kept % size], axis=1).astype(np.int32)


def _followed(table, at: int, end: int, cfg) -> tuple[np.ndarray, ...]:
    """The holdings ``at`` … ``end`` − 1 (positions in ``table.post_story``, key-major) worth
    following: (key, story, day, rare, combo) of each, as ``candidate_array`` describes.
    Every step is per holding, so a chunk at a time gives the same holdings as all at once,
    with the temporaries (~80 bytes a holding) of one chunk only."""
    gap, window = cfg.gap_days[1], cfg.window_days
    holders = table.holders
    # each holding's key: the last key whose run starts at or before it
    key = np.searchsorted(table.post_start, np.arange(at, end), "right") - 1
    story = table.post_story[at:end].astype(np.int64)
    day = table.days[story]
    dated = day >= 0
    followed = np.isfinite(table.anchor_need)[key] & (holders[key] >= 2)
    near = np.where(dated, _count(table, key, day - gap, day + gap), holders[key])
    followed &= near <= cfg.posting_cap
    rare = followed & table.post_rare[at:end]
    check = np.flatnonzero(rare & dated)  # rare in general language: rare in range too?
    low_df = _count(table, key[check], day[check] - window, day[check] + window)
    around_lo = np.clip(day[check] - gap - window, 0, table.stride - 1)
    around_hi = np.clip(day[check] + gap + window, 0, table.stride - 1)
    high_n = np.maximum(np.searchsorted(table.all_days, around_hi, "right")
                        - np.searchsorted(table.all_days, around_lo, "left")
                        + len(table.days) - len(table.all_days), cfg.rarity_floor)
    rare[check] = exact_idf(high_n, low_df) >= cfg.anchor_rarity
    combo = followed & table.is_ent[key] & (table.terms[story] >= 3)
    live = np.flatnonzero(rare | combo)
    return key[live], story[live], day[live], rare[live], combo[live]


def _count(table, keys: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """How many stories hold key ``keys[i]`` dated in days [lo[i], hi[i]] of ``table`` or
    undated (``DayCounts.count``; ranges clipped, counts unchanged)."""
    s = table.stride
    base = keys * s
    return (np.searchsorted(table.day_codes, base + np.clip(hi, 0, s - 1), "right")
            - np.searchsorted(table.day_codes, base + np.clip(lo, 0, s - 1), "left")
            + table.undated[keys])


def exact_idf(n: np.ndarray, df: np.ndarray) -> np.ndarray:
    """``idf`` of each (n, df) by ``math.log`` (as ``score`` computes it: a threshold test
    must not move by numpy's last bit; 0.0 where df is 0), once per distinct pair (found as
    one int64 code a pair: ``np.unique`` over rows sorted ~10× slower)."""
    if not len(n):
        return np.zeros(0)
    n, df = np.asarray(n, np.int64), np.asarray(df, np.int64)
    width = int(df.max()) + 1
    codes, where = np.unique(n * width + df, return_inverse=True)
    return np.array([idf(m, d) if d else 0.0 for m, d in
                     zip((codes // width).tolist(), (codes % width).tolist())],
                    np.float64)[where.reshape(-1)]


def _pairs(starts: np.ndarray, counts: np.ndarray):
    """(a, b) index arrays of every pair i < j within each run ``starts[k]`` … + counts[k],
    one batch per distinct run length."""
    for length in np.unique(counts).tolist():
        if length < 2:
            continue
        first, second = np.triu_indices(length, 1)
        at = starts[counts == length][:, None]
        yield (at + first).reshape(-1), (at + second).reshape(-1)


class _Counts:
    """Distinct int64 codes with counts, merged as chunks come (memory: the distinct codes,
    9 bytes each: a count is clipped at ``enough``, all the threshold needs)."""

    def __init__(self, enough: int) -> None:
        self.enough = enough
        self.codes = np.zeros(0, np.int64)
        self.counts = np.zeros(0, np.int64)
        self._pending: list[np.ndarray] = []
        self._size = 0

    def add(self, codes: np.ndarray) -> None:
        self._pending.append(codes)
        self._size += len(codes)
        if self._size > PAIR_CHUNK:
            self.fold()

    def fold(self) -> None:
        if self._pending:
            new, held = np.unique(np.concatenate(self._pending), return_counts=True)
            self._pending, self._size = [], 0
            self.codes, self.counts = _Counts.merged_arrays(self.codes, self.counts, new, held,
                                                            self.enough)

    @staticmethod
    def merged_arrays(codes_a, counts_a, codes_b, counts_b, enough: int | None = None):
        """The union of two sorted sets of distinct codes, sorted, with counts summed (int64;
        with ``enough``, clipped there, uint8 when it fits). A merge by ``searchsorted`` and
        ``insert``: ~2 × 9 bytes a code at the peak (a sort of both was ~50: the candidates'
        peak)."""
        kind = np.uint8 if enough is not None and enough < 256 else np.int64
        at = np.searchsorted(codes_a, codes_b)
        found = at < len(codes_a)
        found[found] = codes_a[at[found]] == codes_b[found]
        new = ~found
        summed = counts_a[at[found]].astype(np.int64) + counts_b[found]
        added = counts_b[new]
        if enough is not None:
            summed, added = np.minimum(summed, enough), np.minimum(added, enough)
        counts = counts_a.astype(kind)
        counts[at[found]] = summed
        return (np.insert(codes_a, at[new], codes_b[new]),
                np.insert(counts, at[new], added.astype(kind)))

    @staticmethod
    def merged(a: "_Counts", b: "_Counts") -> tuple[np.ndarray, np.ndarray]:
        a.fold()
        b.fold()
        return _Counts.merged_arrays(a.codes, a.counts, b.codes, b.counts)


def could_be_within(index: IncidentIndex, a: str, b: str) -> bool:
    """Whether two stories are close enough in time for the longest gap the strong facts
    they share could allow: ``score``'s time rule with the strong facts counted from above
    (every shared number or name whose weight, as ``score`` computes it, reaches the strong
    and anchor thresholds; the rules that only drop facts are left out). Most candidates in
    a big corpus are months apart with one strong fact or none, and this costs a fraction
    of scoring them (one range count per shared number or name, not the whole score)."""
    doc_a, doc_b, cfg = index._docs[a], index._docs[b], index.config
    if doc_a.day is not None and doc_b.day is not None \
            and abs((doc_a.day - doc_b.day).days) <= cfg.window_days:
        return True  # within the window whatever the evidence
    days = (abs((doc_a.day - doc_b.day).days)
            if doc_a.day is not None and doc_b.day is not None else None)
    enough = next((s for s in range(len(doc_a.keys) + len(doc_a.probes) + 1)
                   if (cfg.allowed_gap(s) >= days if days is not None
                       else cfg.allowed_gap(s) > cfg.window_days)), None)
    if enough is None:
        return False  # no number of strong facts allows this gap
    lo, hi = index._range(doc_a, doc_b)
    n = max(index._all.count(lo, hi), cfg.rarity_floor)
    log_n = math.log(n + 1)
    strong = 0
    for k in shared_keys(doc_a, doc_b):
        if strong >= enough:
            break
        kind = kind_of(k)
        if kind not in STRONG_KINDS:
            continue
        rarity = min(doc_a.background.get(k, 1.0), doc_b.background.get(k, 1.0))
        need = index._prior.get(kind, 1.0)
        if need > 0 and rarity < cfg.strong_rarity:
            continue  # its weight ≤ prior · rarity: not strong
        df = index._dfs([k], lo, hi)[0]
        prior = index._prior.get(k[:k.find(":")], 1.0)
        weight = prior * min(math.log((n + 1) / df) / log_n, rarity) if df else 0.0
        strong += weight >= cfg.anchor_rarity * need and weight >= cfg.strong_rarity * need
    return strong >= enough
