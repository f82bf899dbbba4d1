"""Candidate pairs of the incident index, and the time check that spares scoring many of them
(``IncidentIndex.candidate_array``, ``IncidentIndex._could_be_within``; the model is described
in dedupe.incidents.linking)."""
from __future__ import annotations

import math
from array import array
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from .records import ANCHOR_KINDS, STRONG_KINDS, IncidentDoc, kind_of

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


def candidate_array(index: IncidentIndex) -> tuple[list[str], np.ndarray]:
    """``IncidentIndex.candidate_pairs`` compactly: (the story ids sorted, an int32 array [pairs, 2] of
    positions in that list), 8 bytes a pair instead of a tuple of two ids (~72 bytes); the
    pairs met while looking are 8 bytes each too (one int64 code a pair and a shared key,
    counted at the end with numpy), not a Counter entry (~150 bytes)."""
    cfg = index.config
    gap, window = cfg.gap_days[1], cfg.window_days
    ids = sorted(index._docs)
    number = {doc_id: i for i, doc_id in enumerate(ids)}
    size = len(ids)
    anchors = array("q")  # a * size + b (a < b: positions in ``ids``), once per rare key
    combos = array("q")
    terms = {i: sum(kind_of(k) == "term" for k in d.keys | d.probes)
             for i, d in index._docs.items()}
    for key, holders in index._postings.items():
        if kind_of(key) not in ANCHOR_KINDS or len(holders) < 2:
            continue
        counts = index._key_days[key]
        live: list[tuple[int | None, int, bool, bool]] = []
        for doc_id in sorted(holders):
            doc = index._docs[doc_id]
            day = ordinal(doc.day)
            if (counts.count(day - gap, day + gap) if day is not None else len(holders)) \
                    > cfg.posting_cap:
                continue
            rare = doc.background.get(key, 1.0) >= cfg.anchor_rarity
            if rare and day is not None:
                low_df = counts.count(day - window, day + window)
                high_n = max(index._all.count(day - gap - window, day + gap + window),
                             cfg.rarity_floor)
                rare = idf(high_n, low_df) >= cfg.anchor_rarity
            combo = kind_of(key) == "ent" and terms[doc_id] >= 3
            if rare or combo:
                live.append((day, number[doc_id], rare, combo))
        for i, (day_a, a, rare_a, combo_a) in enumerate(live):
            base = a * size
            for day_b, b, rare_b, combo_b in live[i + 1:]:  # b > a: ``live`` is in id order
                if day_a is not None and day_b is not None and abs(day_a - day_b) > gap:
                    continue
                if rare_a and rare_b:
                    anchors.append(base + b)
                if combo_a and combo_b and (day_a is None or day_b is None
                                            or abs(day_a - day_b) <= window):
                    combos.append(base + b)  # a combination never makes a fact strong
    # a pair's count: its rare keys, plus 2 when a combination may count (listed twice)
    combo_codes = np.unique(np.array(combos, np.int64))
    del combos
    every, held = np.unique(np.concatenate([np.array(anchors, np.int64), combo_codes,
                                            combo_codes]), return_counts=True)
    del anchors
    kept = every[held >= cfg.min_anchors]
    return ids, np.stack([kept // max(size, 1), kept % max(size, 1)], axis=1).astype(np.int32)


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
        df = index._key_days[k].count(lo, hi)
        prior = index._prior.get(k[:k.find(":")], 1.0)
        weight = prior * min(math.log((n + 1) / df) / log_n, rarity) if df else 0.0
        strong += weight >= cfg.anchor_rarity * need and weight >= cfg.strong_rarity * need
    return strong >= enough
