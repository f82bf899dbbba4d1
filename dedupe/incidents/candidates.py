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


# Pairs made at once (a batch of stories' pairs, each from its holdings to the later holders
# of the same key): the batch's temporaries stay ~60 bytes × this, whatever the corpus size.
PAIR_CHUNK = 1 << 18
# Holdings (a story holding a key) checked at once before following: the per-holding
# temporaries (~80 bytes each) stay ~20 MB whatever the corpus size.
HOLDING_CHUNK = 1 << 18


def candidate_array(index: IncidentIndex) -> tuple[list[str], np.ndarray]:
    """``IncidentIndex.candidate_pairs`` compactly: (the story ids sorted, an int32 array [pairs, 2] of
    positions in that list), 8 bytes a pair instead of a tuple of two ids (~72 bytes). Every
    step is numpy over the index's arrays (``bounds.KeyTable``): which holders of which keys
    are followed, then, a batch of first stories at a time, each followed holding paired with
    the later holders of its key and the pairs counted as int64 codes (a · stories + b). A
    batch holds every holding of its first stories, so its counts are whole and its kept
    pairs final: memory is the kept pairs (8 bytes each) + one batch, not every distinct pair
    with its count (~30 bytes a pair at the peak: the incident stage's peak at 200,000
    articles, issue 15)."""
    cfg = index.config
    ids = sorted(index._docs)
    size = max(len(ids), 1)
    table = index.key_table(ids)
    parts = [_followed(table, at, min(at + HOLDING_CHUNK, len(table.post_story)), cfg)
             for at in range(0, len(table.post_story), HOLDING_CHUNK)]
    columns = list(zip(*parts)) or [[np.zeros(0, np.int32)]] * 3 + [[np.zeros(0, bool)]] * 2
    del parts
    key, story, day, rare, combo = (np.concatenate(column) for column in columns)
    del columns
    # each holding's later holders of its key (holdings are key-major, stories ascending)
    later = np.zeros(len(key), np.int32)
    if len(key):
        ends = np.flatnonzero(np.r_[key[1:] != key[:-1], True]) + 1
        later[:] = np.repeat(ends, np.diff(np.r_[0, ends])) - np.arange(1, len(key) + 1)
    del key
    by_story = np.argsort(story, kind="stable").astype(np.int32)
    out = bytearray()  # the kept pairs as int32 (a, b), grown in place (realloc: no 2nd copy)
    for first, last in _batches(story[by_story], later[by_story], PAIR_CHUNK):
        kept = _batch_pairs(by_story[first:last], later, story, day, rare, combo, size, cfg)
        out += np.stack([kept // size, kept % size], axis=1).astype(np.int32).tobytes()
    return ids, np.frombuffer(out, np.int32).reshape(-1, 2) if out else np.zeros((0, 2), np.int32)


def _batches(story: np.ndarray, later: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Slices of the story-major holdings (``story`` ascending, ``later``: the pairs each
    makes) cut only between stories, each making about ``budget`` pairs (more when one
    story makes more)."""
    if not len(story):
        return []
    cuts = np.flatnonzero(np.r_[True, story[1:] != story[:-1]])  # where each story starts
    before = np.r_[0, np.cumsum(later, dtype=np.int64)][cuts]  # pairs made before it
    wanted = np.searchsorted(before, np.arange(budget, int(before[-1]) + budget, budget), "right")
    ends = np.unique(np.r_[cuts[np.minimum(wanted, len(cuts) - 1)], len(story)])
    ends = ends[ends > 0]
    return list(zip(np.r_[0, ends[:-1]].tolist(), ends.tolist()))


def _batch_pairs(holdings: np.ndarray, later: np.ndarray, story: np.ndarray, day: np.ndarray,
                 rare: np.ndarray, combo: np.ndarray, size: int, cfg) -> np.ndarray:
    """The kept pair codes (sorted int64) of ``holdings`` (positions of the followed holdings,
    every holding of the batch's first stories) each paired with the ``later`` holders of its
    key: a pair's count is its rare keys in time, plus 2 when a combination may count (once a
    pair); kept at ``min_anchors``."""
    gap, window = cfg.gap_days[1], cfg.window_days
    many = later[holdings].astype(np.int64)
    a = np.repeat(holdings.astype(np.int64), many)
    # b runs a + 1 … a + many: 1 + the position within a's run
    b = np.arange(1, len(a) + 1) - np.repeat(np.cumsum(many) - many, many) + a
    day_a, day_b = day[a], day[b]
    both = (day_a >= 0) & (day_b >= 0)
    apart = np.abs(day_a - day_b)
    close = ~both | (apart <= gap)
    code = story[a].astype(np.int64) * size + story[b]
    anchors, held = np.unique(code[close & rare[a] & rare[b]], return_counts=True)
    combos = np.unique(code[close & combo[a] & combo[b] & (~both | (apart <= window))])
    held += 2 * np.isin(anchors, combos, assume_unique=True)
    kept = anchors[held >= cfg.min_anchors]
    return np.union1d(kept, combos) if 2 >= cfg.min_anchors else kept


def _followed(table, at: int, end: int, cfg) -> tuple[np.ndarray, ...]:
    """The holdings ``at`` … ``end`` − 1 (positions in ``table.post_story``, key-major) worth
    following: (key, story, day, rare, combo) of each (int32, int32, int32, bool, bool), as
    ``candidate_array`` describes.
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
    # int32: the followed holdings are held together while pairing (~14 bytes each)
    return (key[live].astype(np.int32), story[live].astype(np.int32),
            day[live].astype(np.int32), rare[live], combo[live])


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
