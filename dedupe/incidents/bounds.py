"""Which candidate pairs could be linked at all: upper bounds of the link rule, many pairs at once.

Most candidate pairs (``IncidentIndex.candidate_array``) are not linked: on 10,000 real articles
(2,866 stories) 293k candidates gave 12k links, and scoring each in Python (``IncidentIndex.score``,
~0.4 ms a pair: a range count and a weight per shared key) was most of the incident stage. Here
every candidate's shared keys are weighed with numpy (one ``searchsorted`` per shared key and
range end over one sorted array of (key, day) codes), and a pair goes on to ``score`` only when
upper bounds of every rule ``score`` applies pass:

  - its score ≤ Σ w(k) over every shared key (``score`` counts a subset: it drops restated facts
    and extra two-digit numbers) + the largest weight a combination could add
    (``combo_prior`` · min(size − 2, 3) / 2: a combination's IDF is ≤ 1);
  - its rare and strong facts ≤ the shared keys of those kinds whose weight reaches the
    thresholds, + the anchors a combination could count;
  - the time gap it allows ≤ the longest ``allowed_gap`` of at most that many strong facts;
  - its coverage ≤ that score bound / a lower bound of the lighter story's own evidence.

Weights here come from numpy's ``log`` and sums in any order, so each is raised by ``MARGIN``
(float error is ~1e-15 of these sums of ≤ 1,000 weights in [0, 1]); a bound is only a bound when
weights cannot be negative, so with a negative prior or background every pair passes. The
decision itself is always ``score``'s: this only spares it the pairs that cannot pass (the
same links, tests/test_incident_bounds.py).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from .records import ANCHOR_KINDS, STRONG_KINDS, IncidentConfig, IncidentDoc, kind_of

MARGIN = 1e-9  # added to each weight bound and subtracted from each threshold


@dataclass
class KeyTable:
    """What the bounds need about every key and story of an index, as arrays (built once per
    ``links`` run: ~30 bytes per story-key, freed with it). Stories' shared keys and
    probes) are found by set intersection (in C: faster than any array form measured)."""

    size: int  # distinct keys
    weight_prior: np.ndarray  # float64 per key: the prior its weight is scaled by
    anchor_need: np.ndarray  # float64 per key: the weight a rare fact needs (inf: never one)
    strong_need: np.ndarray  # float64 per key: the weight a strong fact needs (inf: never one)
    is_ent: np.ndarray  # bool per key
    is_term: np.ndarray
    day_codes: np.ndarray  # sorted int64: key · stride + day, one per dated holder
    first_day: np.ndarray  # int64 per key: its dated holders' first and last day
    last_day: np.ndarray  # (stride and −1 when none)
    holders: np.ndarray  # int64 per key: all holders, dated or not
    undated: np.ndarray  # int64 per key: undated holders
    stride: int
    days: np.ndarray  # int64 per story (positions in the sorted ids): day from 1 (−1 undated)
    all_days: np.ndarray  # sorted int64: the day of every dated story
    ids: dict[str, int]  # key → its number
    own: np.ndarray  # float64 per story: its own_weight (``own_weights``)
    stories: list[IncidentDoc]  # the stories, in id order (what positions refer to)
    valid: bool  # False: a prior or background is negative, the bounds do not hold


def key_table(docs: Mapping[str, IncidentDoc], ids: Sequence[str],
              config: IncidentConfig) -> KeyTable:
    """The arrays of ``could_link`` for the stories ``docs`` (``ids``: their ids sorted)."""
    prior = dict(config.priors)
    stories = [docs[i] for i in ids]
    numbers: dict[str, int] = {}
    for doc in stories:
        for key in doc.keys | doc.probes:
            numbers.setdefault(key, len(numbers))
    keys = list(numbers)
    weight_prior = np.array([prior.get(k[:k.find(":")], 1.0) for k in keys], np.float64)
    kinds = [kind_of(k) for k in keys]
    kind_prior = np.array([prior.get(kind, 1.0) for kind in kinds], np.float64)
    anchor = np.array([kind in ANCHOR_KINDS for kind in kinds], bool)
    strong = np.array([kind in STRONG_KINDS and kind in ANCHOR_KINDS for kind in kinds], bool)
    anchor_need = np.where(anchor, config.anchor_rarity * kind_prior, np.inf)
    strong_need = np.where(strong, np.maximum(anchor_need, config.strong_rarity * kind_prior),
                           np.inf)
    dated = [d.day.toordinal() for d in stories if d.day is not None]
    base = min(dated, default=0) - 1  # days are stored from 1 on; a range end clips to [0, stride)
    stride = max(dated, default=0) - base + 2
    days = np.array([d.day.toordinal() - base if d.day is not None else -1 for d in stories],
                    np.int64)
    sizes = [len(d.keys | d.probes) for d in stories]
    held = np.fromiter((numbers[k] for d in stories for k in d.keys | d.probes), np.int64,
                       sum(sizes))
    held_days = np.repeat(days, sizes)
    on_day = held_days >= 0
    first = np.full(len(keys), stride, np.int64)
    last = np.full(len(keys), -1, np.int64)
    np.minimum.at(first, held[on_day], held_days[on_day])
    np.maximum.at(last, held[on_day], held_days[on_day])
    background = np.fromiter((v for d in stories for v in d.background.values()), np.float64)
    table = KeyTable(len(keys), weight_prior, anchor_need, strong_need,
                     np.array([kind == "ent" for kind in kinds], bool),
                     np.array([kind == "term" for kind in kinds], bool),
                     np.sort(held[on_day] * stride + held_days[on_day]), first, last,
                     np.bincount(held, minlength=len(keys)),
                     np.bincount(held[~on_day], minlength=len(keys)),
                     stride, days, np.sort(days[days >= 0]), numbers, np.zeros(len(stories)),
                     stories,
                     valid=bool((weight_prior >= 0).all() and (kind_prior >= 0).all()
                                and (background >= 0).all() and config.combo_prior >= 0))
    table.own = own_weights(table, stories, config)
    return table


def _weights(table: KeyTable, keys: np.ndarray, rows: np.ndarray, lo: np.ndarray,
             hi: np.ndarray, open_range: np.ndarray, n: np.ndarray, rarity: np.ndarray,
             config: IncidentConfig) -> np.ndarray:
    """``IncidentIndex.weight`` of key ``keys[i]`` over the range ``rows[i]`` (per range:
    ``lo``, ``hi`` clipped days, ``open_range`` when undated, ``n`` stories in it), capped by
    ``rarity``; float64 (numpy's log: within ~1e-15 of ``score``'s)."""
    df = _df(table, keys, rows, lo, hi, open_range)
    scaled = np.maximum(n, config.rarity_floor).astype(np.float64)[rows] + 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        idf = np.log(scaled / df) / np.log(scaled)
    return np.where(df > 0, table.weight_prior[keys] * np.minimum(idf, rarity), 0.0)


def _df(table: KeyTable, keys: np.ndarray, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray,
        open_range: np.ndarray) -> np.ndarray:
    """How many stories hold key ``keys[i]`` in range ``rows[i]`` (int64)."""
    low, high = lo[rows], hi[rows]
    # a key all of whose holders lie in the range (most keys: one or two stories) needs no search
    df = table.holders[keys]
    partial = np.flatnonzero(~open_range[rows] & ((table.first_day[keys] < low)
                                                  | (table.last_day[keys] > high)))
    if len(partial):
        some, s = keys[partial], table.stride
        df[partial] = (np.searchsorted(table.day_codes, some * s + high[partial], "right")
                       - np.searchsorted(table.day_codes, some * s + low[partial], "left")
                       + table.undated[some])
    return df


def _ranges(table: KeyTable, first: np.ndarray, second: np.ndarray, window: int):
    """(lo, hi, open, n) of pair ranges: the earlier dated day − window to the later + window,
    clipped to the table's days; open when neither story is dated."""
    a, b = table.days[first], table.days[second]
    low = np.where(a < 0, b, np.where(b < 0, a, np.minimum(a, b)))
    high = np.maximum(a, b)
    lo = np.clip(low - window, 0, table.stride - 1)
    hi = np.clip(high + window, 0, table.stride - 1)
    open_range = high < 0
    n = (np.searchsorted(table.all_days, hi, "right") - np.searchsorted(table.all_days, lo, "left")
         + len(table.days) - len(table.all_days))
    return lo, hi, open_range, np.where(open_range, len(table.days), n)


def own_weights(table: KeyTable, stories: Sequence[IncidentDoc],
                config: IncidentConfig) -> np.ndarray:
    """Every story's ``IncidentIndex.own_weight`` (its solid keys weighed within
    ``window_days`` of it), exactly: the same integer counts, each distinct (n, df)'s IDF by
    ``math.log`` as ``weight`` computes it, the same products and minima in float64, and
    ``math.fsum`` (exactly rounded: the order of the terms is irrelevant)."""
    count = len(stories)
    sizes = [len(d.keys) for d in stories]
    keys = np.fromiter((table.ids[k] for d in stories for k in d.keys), np.int64, sum(sizes))
    rows = np.repeat(np.arange(count), sizes)
    everyone = np.arange(count)
    lo, hi, open_range, n = _ranges(table, everyone, everyone, config.window_days)
    background = np.fromiter((d.background.get(k, 1.0) for d in stories for k in d.keys),
                             np.float64, len(keys))
    df = _df(table, keys, rows, lo, hi, open_range)
    floored = np.maximum(n, config.rarity_floor)[rows]
    pairs, where = np.unique(np.stack([floored, df], axis=1), axis=0, return_inverse=True)
    idf = np.array([math.log((m + 1) / d) / math.log(m + 1) if d else 0.0
                    for m, d in pairs.tolist()], np.float64)[where.reshape(-1)]
    weights = np.where(df > 0, table.weight_prior[keys] * np.minimum(idf, background), 0.0)
    ends = np.cumsum(sizes).tolist()
    flat = weights.tolist()
    return np.array([math.fsum(flat[end - size:end]) for end, size in zip(ends, sizes)],
                    np.float64)


@dataclass
class PairBounds:
    """Upper bounds, per candidate pair, of what ``IncidentIndex.score`` reports."""

    score: np.ndarray  # float64: ≥ PairScore.score (weights raised by MARGIN)
    anchors: np.ndarray  # int64: ≥ PairScore.anchors
    strong: np.ndarray  # int64: ≥ PairScore.strong
    allowed_days: np.ndarray  # int64: ≥ PairScore.allowed_days
    within: np.ndarray  # bool: False only when PairScore.within_window is False
    own: np.ndarray  # float64: the lighter story's own weight


def pair_bounds(table: KeyTable, stories: Sequence[IncidentDoc], pairs: np.ndarray,
                config: IncidentConfig) -> PairBounds:
    """The bounds of ``pairs`` (int [m, 2], positions in ``stories``, the stories in id
    order); meaningful only when ``table.valid``."""
    m = len(pairs)
    first, second = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    number = table.ids.__getitem__
    flat: list[int] = []
    sizes = []
    background_a: list[float] = []
    background_b: list[float] = []
    ones = repeat(1.0)
    for a, b in pairs.tolist():
        doc_a, doc_b = stories[a], stories[b]
        shared = doc_a.keys & doc_b.keys  # a probe meets only a key
        if doc_b.probes:
            shared |= doc_a.keys & doc_b.probes
        if doc_a.probes:
            shared |= doc_a.probes & doc_b.keys
        flat.extend(map(number, shared))
        background_a.extend(map(doc_a.background.get, shared, ones))
        background_b.extend(map(doc_b.background.get, shared, ones))
        sizes.append(len(shared))
    keys = np.array(flat, np.int64)
    rows = np.repeat(np.arange(m), sizes)
    rarity = np.minimum(np.array(background_a, np.float64), np.array(background_b, np.float64))
    lo, hi, open_range, n = _ranges(table, first, second, config.window_days)
    weights = _weights(table, keys, rows, lo, hi, open_range, n, rarity, config) + MARGIN
    total = np.bincount(rows, weights, minlength=m).astype(np.float64)  # float when empty too
    anchors = np.bincount(rows, weights >= table.anchor_need[keys], minlength=m)
    strong = np.bincount(rows, weights >= table.strong_need[keys], minlength=m)
    ents = np.bincount(rows, table.is_ent[keys], minlength=m)
    terms = np.bincount(rows, table.is_term[keys], minlength=m)
    words = ents + terms
    combo = (words >= config.combo_min) & (terms >= 3) & (ents >= 1)
    total += np.where(combo, config.combo_prior * np.minimum(words - 2, 3) / 2, 0.0)
    anchors += np.where(combo, 1 + (words >= config.combo_min + 1), 0)
    # the longest gap any number of strong facts up to the bound allows
    gaps = np.maximum.accumulate([config.allowed_gap(s) for s in range(4)])
    allowed = gaps[np.minimum(strong, 3).astype(np.int64)]
    day_a, day_b = table.days[first], table.days[second]
    within = np.where((day_a >= 0) & (day_b >= 0), np.abs(day_a - day_b) <= allowed,
                      allowed > config.window_days)
    own = np.minimum(table.own[first], table.own[second])
    return PairBounds(total, anchors, strong, allowed, within, own)


def could_link(table: KeyTable, stories: Sequence[IncidentDoc], pairs: np.ndarray,
               config: IncidentConfig) -> np.ndarray:
    """Bool per row of ``pairs`` (int [m, 2], positions in ``stories``, the stories in id
    order): False only when ``IncidentIndex.score`` cannot link the pair (module docstring)."""
    if not table.valid or not len(pairs):
        return np.ones(len(pairs), bool)
    bounds = pair_bounds(table, stories, pairs, config)
    covered = (bounds.own <= 0) | (bounds.score >= config.min_coverage * bounds.own - MARGIN)
    return (bounds.within & (bounds.score >= config.min_score - MARGIN)
            & (bounds.anchors >= config.min_anchors) & covered)
