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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .candidates import exact_idf
from .records import ANCHOR_KINDS, STRONG_KINDS, IncidentConfig, IncidentDoc, kind_of
from .rows import StoryRows
from .store import SOLID, DocStore

MARGIN = 1e-9  # added to each weight bound and subtracted from each threshold
# Solid keys weighed at once by ``own_weights`` (its temporaries, ~110 bytes a key, were the
# incident stage's peak for every story at once: +10 MiB at 3,000 articles, tracemalloc).
OWN_CHUNK = 1 << 16


@dataclass
class KeyTable:
    """Every key and story of an index as arrays: what the bounds need, every key's holders
    (``holders_of``) and day counts (``counts``) for ``score`` and the candidates, and every
    story's keys (``rows``: what pairs share, ``rows.StoryRows``). Built once per state of the
    index (``IncidentIndex.table``: ~26 bytes per story-key, the key numbering is the
    ``DocStore``'s, no Python object per key or story)."""

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
    stories: Sequence[IncidentDoc]  # the stories, in id order (what positions refer to)
    valid: bool  # False: a prior or background is negative, the bounds do not hold
    base: int = 0  # a day above is its ordinal − base
    post_start: np.ndarray | None = None  # int64 [size + 1]: key k's holders are
    post_story: np.ndarray | None = None  # int32 post_story[post_start[k]:post_start[k + 1]],
    post_rare: np.ndarray | None = None  # ascending; bool: its background ≥ anchor_rarity
    terms: np.ndarray | None = None  # int32 per story: its keys and probes of kind "term"
    rows: StoryRows | None = None  # every story's keys, story-major (``rows.StoryRows``)
    _names: list[str] | None = None

    def names(self) -> list[str]:
        """Key number → the key (the order of ``ids``)."""
        if self._names is None:
            self._names = list(self.ids)
        return self._names

    def relative(self, day: int | None) -> int:
        """An ordinal as a day of this table, clipped to [0, stride) (counts unchanged: every
        dated holder's day is in [1, stride − 2])."""
        return min(max(day - self.base, 0), self.stride - 1)

    def counts(self, keys: Sequence[int], lo: int | None, hi: int | None) -> np.ndarray:
        """int64 per key number (−1: a key no story holds, 0): how many stories hold it dated
        within the ordinals [lo, hi] or undated (every holder when ``lo`` is None), exactly
        as a ``DayCounts.count``."""
        kid = np.asarray(keys, np.int64)
        known = kid >= 0
        kid = np.where(known, kid, 0)
        df = self.holders[kid]
        if lo is not None and hi is not None:
            low, high = self.relative(lo), self.relative(hi)
            # a key all of whose holders lie in the range (most: one or two) needs no search
            partial = np.flatnonzero((self.first_day[kid] < low) | (self.last_day[kid] > high))
            if len(partial):
                partial = partial[np.argsort(kid[partial])]  # ascending: nearby searches
                some = kid[partial] * self.stride
                df[partial] = (np.searchsorted(self.day_codes, some + high, "right")
                               - np.searchsorted(self.day_codes, some + low, "left")
                               + self.undated[kid[partial]])
        return np.where(known, df, 0)

    def holders_of(self, key: int) -> np.ndarray:
        """The positions of the stories holding key number ``key``, ascending."""
        return self.post_story[self.post_start[key]:self.post_start[key + 1]]


def key_table(docs: DocStore, ids: Sequence[str], config: IncidentConfig) -> KeyTable:
    """The arrays of ``could_link`` for the stories of ``docs`` (``ids``: their ids sorted):
    their integer rows concatenated (``DocStore.arrays``), no doc rebuilt and no key string
    looked at but once per distinct key (its kind and prior)."""
    prior = dict(config.priors)
    stories = docs.view(ids)
    start, held, codes, others = docs.arrays(ids)
    values = np.array(docs.rarities, np.float64)
    used = values[np.unique(codes >> 2)]
    negative = not (bool((used >= 0).all()) and all(v >= 0 for v in others))
    numbers = docs.numbers
    sizes = np.diff(start)
    day_list = [docs.ordinal(i) or 0 for i in ids]
    keys = docs.names
    weight_prior = np.array([prior.get(k[:k.find(":")], 1.0) for k in keys], np.float64)
    kinds = [kind_of(k) for k in keys]
    del keys
    kind_prior = np.array([prior.get(kind, 1.0) for kind in kinds], np.float64)
    anchor = np.array([kind in ANCHOR_KINDS for kind in kinds], bool)
    strong = np.array([kind in STRONG_KINDS and kind in ANCHOR_KINDS for kind in kinds], bool)
    anchor_need = np.where(anchor, config.anchor_rarity * kind_prior, np.inf)
    strong_need = np.where(strong, np.maximum(anchor_need, config.strong_rarity * kind_prior),
                           np.inf)
    ordinals = np.array(day_list, np.int64)
    undated_story = ordinals == 0
    dated = ordinals[~undated_story]
    base = int(dated.min()) - 1 if len(dated) else -1  # days from 1 on; a range end clips to [0, stride)
    stride = (int(dated.max()) if len(dated) else 0) - base + 2
    days = np.where(undated_story, -1, ordinals - base).astype(np.int64)
    # Built step by step, each temporary freed before the next: every array here is per
    # story-key (6.7 million at 200,000 articles), and all of them at once (~60 bytes a
    # story-key) were the incident stage's peak (issue 15).
    held_days = np.repeat(days.astype(np.int32), sizes)
    on_day = held_days >= 0
    first = np.full(len(kinds), stride, np.int64)
    last = np.full(len(kinds), -1, np.int64)
    dated_keys, dated_days = held[on_day], held_days[on_day]
    del held_days
    np.minimum.at(first, dated_keys, dated_days)
    np.maximum.at(last, dated_keys, dated_days)
    day_codes = dated_keys.astype(np.int64)
    del dated_keys
    day_codes *= stride
    day_codes += dated_days
    del dated_days
    day_codes.sort()
    table = KeyTable(len(kinds), weight_prior, anchor_need, strong_need,
                     np.array([kind == "ent" for kind in kinds], bool),
                     np.array([kind == "term" for kind in kinds], bool),
                     day_codes, first, last,
                     np.bincount(held, minlength=len(kinds)),
                     np.bincount(held[~on_day], minlength=len(kinds)),
                     stride, days, np.sort(days[days >= 0]), numbers, np.zeros(len(stories)),
                     stories,
                     valid=bool((weight_prior >= 0).all() and (kind_prior >= 0).all()
                                and not negative and config.combo_prior >= 0))
    del on_day, day_codes
    counts = table.holders
    story = np.repeat(np.arange(len(stories), dtype=np.int32), sizes)
    order = np.argsort(held, kind="stable")  # by key, then story (stable: stories ascend)
    table.base = base
    table.post_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    table.post_story = story[order]
    palette = codes >> 2  # each story-key's background, as its palette index
    table.post_rare = (values >= config.anchor_rarity)[palette[order]]
    del order
    table.terms = np.bincount(story[table.is_term[held]],
                              minlength=len(stories)).astype(np.int32)
    del palette, story
    table.own = own_weights(table, start, held, codes, values, config)
    kind = np.uint16 if codes.max(initial=0) <= 0xFFFF else np.uint32
    table.rows = StoryRows(start, held, codes.astype(kind, copy=False), values)
    table._names = docs.names
    return table


def _df(table: KeyTable, keys: np.ndarray, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray,
        open_range: np.ndarray) -> np.ndarray:
    """How many stories hold key ``keys[i]`` in range ``rows[i]`` (int64)."""
    low, high = lo[rows], hi[rows]
    # a key all of whose holders lie in the range (most keys: one or two stories) needs no search
    df = table.holders[keys]
    partial = np.flatnonzero(~open_range[rows] & ((table.first_day[keys] < low)
                                                  | (table.last_day[keys] > high)))
    if len(partial):
        partial = partial[np.argsort(keys[partial])]  # ascending: nearby searches, ~3× faster
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


def own_weights(table: KeyTable, start: np.ndarray, held: np.ndarray, codes: np.ndarray,
                values: np.ndarray, config: IncidentConfig) -> np.ndarray:
    """Every story's ``IncidentIndex.own_weight`` (its solid keys weighed within
    ``window_days`` of it), exactly: the same integer counts, each distinct (n, df)'s IDF by
    ``math.log`` as ``weight`` computes it, the same products and minima in float64, and
    ``math.fsum`` (exactly rounded: the order of the terms is irrelevant). The stories' rows
    as ``StoryRows`` has them (``start`` int64 [stories + 1], key numbers ``held``, ``codes``:
    4 · palette index + SOLID, background ``values[palette index]``). Stories are weighed
    ``OWN_CHUNK`` story-keys at a time, their solid keys picked from the chunk (each story's
    sum is its own: the same results; the ~110 bytes a key of temporaries for one chunk only,
    no per-story-key array made for all stories at once)."""
    count = len(start) - 1
    own = np.zeros(count, np.float64)
    first = 0
    while first < count:
        lo = int(start[first])
        last = max(first + 1, int(np.searchsorted(start, lo + OWN_CHUNK, "right")) - 1)
        hi = int(start[last])
        solid = (codes[lo:hi] & SOLID).astype(bool)
        before = np.r_[0, np.cumsum(solid, dtype=np.int64)]  # solid keys before each position
        sizes = np.diff(before[start[first:last + 1] - lo])
        own[first:last] = _own_chunk(table, held[lo:hi][solid].astype(np.int64), sizes,
                                     values[codes[lo:hi][solid] >> 2], first, config)
        first = last
    return own


def _own_chunk(table: KeyTable, keys: np.ndarray, sizes: np.ndarray, background: np.ndarray,
               first: int, config: IncidentConfig) -> list[float]:
    """``own_weights`` of the stories ``first`` … ``first + len(sizes)`` − 1."""
    count = len(sizes)
    rows = np.repeat(np.arange(count), sizes)
    these = np.arange(first, first + count)
    lo, hi, open_range, n = _ranges(table, these, these, config.window_days)
    df = _df(table, keys, rows, lo, hi, open_range)
    floored = np.maximum(n, config.rarity_floor)[rows]
    idf = exact_idf(floored, df)
    weights = np.where(df > 0, table.weight_prior[keys] * np.minimum(idf, background), 0.0)
    ends = np.cumsum(sizes).tolist()
    flat = weights.tolist()
    return [math.fsum(flat[end - size:end]) for end, size in zip(ends, sizes.tolist())]


@dataclass
class PairBounds:
    """Upper bounds, per candidate pair, of what ``IncidentIndex.score`` reports."""

    score: np.ndarray  # float64: ≥ PairScore.score (weights raised by MARGIN)
    anchors: np.ndarray  # int64: ≥ PairScore.anchors
    strong: np.ndarray  # int64: ≥ PairScore.strong
    allowed_days: np.ndarray  # int64: ≥ PairScore.allowed_days
    within: np.ndarray  # bool: False only when PairScore.within_window is False
    own: np.ndarray  # float64: the lighter story's own weight


@dataclass
class SharedWeights:
    """What each pair of a batch shares, as flat arrays over its shared keys (``pair_weights``):
    exact integers and background rarities, the weights from numpy's log (bounds only)."""

    rows: np.ndarray  # int64 per shared key: its pair (rows ascending, keys ascending in a row)
    keys: np.ndarray  # int32 key numbers
    rarity: np.ndarray  # float64: the lower background rarity of the pair's two stories
    df: np.ndarray  # int64: holders in the pair's range (``IncidentIndex.score``'s df)
    n: np.ndarray  # int64 per pair: stories in its range (``PairScore.stories_in_range``)
    weights: np.ndarray  # float64 per shared key: ``IncidentIndex.weight`` up to float error


def pair_weights(table: KeyTable, pairs: np.ndarray, config: IncidentConfig) -> SharedWeights:
    """The shared keys of ``pairs`` (int [m, 2], positions in ``table.stories``) and their
    weights (``StoryRows.shared_keys``: no story's doc is rebuilt)."""
    first, second = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    rows, keys, rarity = table.rows.shared_keys(pairs, table.size)
    keys64 = keys.astype(np.int64)
    lo, hi, open_range, n = _ranges(table, first, second, config.window_days)
    df = _df(table, keys64, rows, lo, hi, open_range)
    scaled = np.maximum(n, config.rarity_floor).astype(np.float64)[rows] + 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        idf = np.log(scaled / df) / np.log(scaled)
    weights = np.where(df > 0, table.weight_prior[keys64] * np.minimum(idf, rarity), 0.0)
    return SharedWeights(rows, keys, rarity, df, n, weights)


def exact_weights(table: KeyTable, keys: np.ndarray, n: np.ndarray, df: np.ndarray,
                  rarity: np.ndarray) -> np.ndarray:
    """``IncidentIndex.weight`` of key numbers ``keys`` (−1: a key no story holds, df 0) held
    by ``df`` of ``n`` stories (floored), capped by ``rarity``, exactly as ``score`` computes
    it: each IDF by ``math.log`` (``exact_idf``), then the prior's product and the minimum in
    float64 (Python's own float operations)."""
    return np.where(df > 0, table.weight_prior[np.maximum(keys, 0)]
                    * np.minimum(exact_idf(n, df), rarity), 0.0)


def pair_bounds(table: KeyTable, pairs: np.ndarray, config: IncidentConfig,
                shared: SharedWeights | None = None) -> PairBounds:
    """The bounds of ``pairs`` (int [m, 2], positions in ``table.stories``, the stories in id
    order; ``shared``: their ``pair_weights`` when already made); meaningful only when
    ``table.valid``."""
    m = len(pairs)
    first, second = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    shared = shared if shared is not None else pair_weights(table, pairs, config)
    rows, keys = shared.rows, shared.keys.astype(np.int64)
    weights = shared.weights + MARGIN
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


def could_link(table: KeyTable, pairs: np.ndarray, config: IncidentConfig,
               shared: SharedWeights | None = None) -> np.ndarray:
    """Bool per row of ``pairs`` (int [m, 2], positions in ``table.stories``, the stories in id
    order; ``shared``: see ``pair_bounds``): False only when ``IncidentIndex.score`` cannot link
    the pair (module docstring)."""
    if not table.valid or not len(pairs):
        return np.ones(len(pairs), bool)
    bounds = pair_bounds(table, pairs, config, shared)
    covered = (bounds.own <= 0) | (bounds.score >= config.min_coverage * bounds.own - MARGIN)
    return (bounds.within & (bounds.score >= config.min_score - MARGIN)
            & (bounds.anchors >= config.min_anchors) & covered)
