"""The link decision of ``IncidentIndex.score`` once a pair's shared keys are weighed: the rules
on them (restated facts, two-digit numbers, rare and strong facts, a rare combination, the
time gap, coverage) and the reason. ``score`` weighs the keys of any two stories; a batch of
stored candidate pairs is weighed with numpy (``batch_scores``); both end here, so a pair gets
the same ``PairScore`` either way. The model is described in dedupe.incidents.linking."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .bounds import KeyTable, SharedWeights, exact_weights
from .candidates import idf, subsumed
from .records import ANCHOR_KINDS, STRONG_KINDS, PairScore, SharedKey, kind_of

if TYPE_CHECKING:
    from .linking import IncidentIndex

# A shared key as ``decide`` takes it: [key, kind, weight, df, counted, background rarity]
Shared = list


def small_number(key: str) -> bool:
    return key.startswith("num:") and len(key) <= 6 and "." not in key  # num:10 … num:99


def decide(index: IncidentIndex, a: str, b: str, days: int | None, shared: list[Shared],
           lo: int | None, hi: int | None, in_range: int,
           coverage_of: Callable[[float, bool], float], detail: bool) -> PairScore:
    """The ``PairScore`` of stories ``a`` < ``b`` (ids), ``days`` apart (None: one undated),
    sharing ``shared`` (sorted by key; each counted unless a restated fact), weighed among
    the ``in_range`` stories dated in [lo, hi]. ``coverage_of(total, passing)``: the coverage
    of a score (``passing``: whether every other rule passes)."""
    cfg, prior = index.config, index._prior
    small = sorted((s for s in shared if s[4] and small_number(s[0])),
                   key=lambda s: (-s[2], s[0]))
    for s in small[cfg.max_small_numbers:]:
        s[4] = False
    counted = [s for s in shared if s[4]]
    rare = [s for s in counted if s[1] in ANCHOR_KINDS
            and s[2] >= cfg.anchor_rarity * prior.get(s[1], 1.0)]
    small_rare = [s[0] for s in rare if small_number(s[0])]
    if len(small_rare) > 1:
        rare = [s for s in rare if s[0] not in small_rare[1:]]
    strong = sum(s[1] in STRONG_KINDS and s[2] >= cfg.strong_rarity * prior.get(s[1], 1.0)
                 for s in rare)
    words = [s[0] for s in counted if s[1] in ("ent", "term")]
    combo, combo_weight, combo_anchors = combination(index, words, lo, hi, in_range)
    total = math.fsum(s[2] for s in counted) + combo_weight
    anchors = len(rare) + combo_anchors
    allowed = cfg.allowed_gap(strong)
    # Undated: only evidence that would link stories months apart links them.
    within = days <= allowed if days is not None else allowed > cfg.window_days
    coverage = coverage_of(total, within and total >= cfg.min_score
                           and anchors >= cfg.min_anchors)
    linked = (within and total >= cfg.min_score and anchors >= cfg.min_anchors
              and coverage >= cfg.min_coverage)
    gap = f"{strong} strong fact(s) allow {allowed} days"
    if not within:
        reason = (f"published {days} days apart: {gap}" if days is not None
                  else f"undated, and only {strong} strong fact(s) (undated needs 2)")
    elif total < cfg.min_score:
        reason = f"score {total:.2f} < {cfg.min_score}"
    elif anchors < cfg.min_anchors:
        reason = f"{anchors} rare fact(s) shared (< {cfg.min_anchors})"
    elif coverage < cfg.min_coverage:
        reason = (f"shared facts are {coverage:.0%} of the lighter story's evidence "
                  f"(< {cfg.min_coverage:.0%}): two long reports on one topic")
    else:
        reason = (f"score {total:.2f} ≥ {cfg.min_score} with {anchors} rare facts, "
                  f"{coverage:.0%} of the lighter story's evidence; {gap}")
    return PairScore(a, b, days, within, in_range,
                     tuple(SharedKey(k, w, df, c, r) for k, _, w, df, c, r in shared)
                     if detail else (), total,
                     anchors, linked, reason, strong, allowed, combo, combo_weight,
                     round(coverage, 4))


def combination(index: IncidentIndex, keys: Sequence[str], lo: int | None, hi: int | None,
                n: int) -> tuple[tuple[str, ...], float, int]:
    """Shared names and terms rare together: (the keys, weight, anchors) or ((), 0, 0).

    Needs ≥ combo_min keys, one a name and three terms (a place + an act + a legal action
    or what was sold: names alone joined unrelated politics stories, "Trump, Senate, House",
    on the unrelated-news check). Weight: combo_prior × scaled IDF of the stories holding
    all of them × (size − 2) / 2, capped at 3 / 2; it counts as one rare fact, two from five
    keys up (what a monitor's one-paragraph summary shares with its case)."""
    cfg = index.config
    terms = sum(kind_of(k) == "term" for k in keys)
    if len(keys) < cfg.combo_min or terms < 3 or terms == len(keys):
        return (), 0.0, 0
    table = index.table()
    numbers = [table.ids.get(k) for k in keys]
    if None in numbers:
        return _combination_of(index, keys, np.zeros(0, np.int32), lo, hi, n)
    sizes = table.post_start[1:][numbers] - table.post_start[numbers]
    rarest = np.argsort(sizes, kind="stable").tolist()
    common = table.holders_of(numbers[rarest[0]])
    if len(common) > cfg.combo_scan:
        return (), 0.0, 0  # even its rarest part is common: not a rare combination
    for at in rarest[1:3]:  # the next rarest parts in numpy (each holders list ascends)
        other = table.holders_of(numbers[at])
        found = np.minimum(other.searchsorted(common), len(other) - 1)
        common = common[other[found] == common]
    common = table.rows.holding_all(common.astype(np.int64), np.array(numbers, np.int64),
                                    table.size)
    return _combination_of(index, keys, common, lo, hi, n)


def _combination_of(index: IncidentIndex, keys: Sequence[str], common: np.ndarray,
                    lo: int | None, hi: int | None, n: int) -> tuple[tuple[str, ...], float, int]:
    """``combination``'s weight given ``common``, the positions of the stories holding every
    one of ``keys``."""
    cfg, table = index.config, index.table()
    days = table.days[common]
    if lo is None:
        df = len(days)
    else:
        df = int(np.count_nonzero((days < 0) | ((days >= table.relative(lo))
                                                & (days <= table.relative(hi)))))
    rarity = idf(max(n, cfg.rarity_floor), max(df, 1))
    weight = cfg.combo_prior * rarity * min(len(keys) - 2, 3) / 2
    if rarity < cfg.anchor_rarity:
        return tuple(keys), weight, 0
    return tuple(keys), weight, 1 + (len(keys) >= cfg.combo_min + 1)


def batch_scores(index: IncidentIndex, table: KeyTable, ids: Sequence[str], pairs: np.ndarray,
                 shared: SharedWeights, kept: np.ndarray, detail: bool) -> list[PairScore]:
    """The ``score`` of each pair ``pairs[kept]`` (positions in ``ids``, the index's sorted ids,
    ``table`` its ``table()``; ``shared``: their ``bounds.pair_weights``), from the arrays: the
    same integers and rarities, each weight by ``math.log`` and float64 products and minima
    exactly as ``score`` computes it, and the same ``decide``; no story's doc is rebuilt."""
    cfg, names = index.config, table.names()
    starts = np.searchsorted(shared.rows, kept, "left")
    ends = np.searchsorted(shared.rows, kept, "right")
    sizes = ends - starts
    at = np.arange(int(sizes.sum())) + np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
    keys, df, rarity = shared.keys[at].astype(np.int64), shared.df[at], shared.rarity[at]
    n = np.maximum(shared.n[kept], cfg.rarity_floor)[np.repeat(np.arange(len(kept)), sizes)]
    weights = exact_weights(table, keys, n, df, rarity)
    keys_, weights_, df_, rarity_ = (x.tolist() for x in (keys, weights, df, rarity))
    days, own, window = table.days, table.own, cfg.window_days
    found = []
    offset = 0
    for p, size in zip(kept.tolist(), sizes.tolist()):
        first, second = sorted(pairs[p].tolist())
        part = slice(offset, offset + size)
        offset += size
        rows = sorted(zip((names[k] for k in keys_[part]), weights_[part], df_[part],
                          rarity_[part]))
        dropped = subsumed({r[0] for r in rows})
        listed = [[k, k[:k.find(":")] if ":" in k else k, w, d, k not in dropped, r]
                  for k, w, d, r in rows]
        day_a, day_b = int(days[first]), int(days[second])
        dated = [d + table.base for d in (day_a, day_b) if d >= 0]
        lo, hi = (min(dated) - window, max(dated) + window) if dated else (None, None)
        apart = abs(day_a - day_b) if day_a >= 0 and day_b >= 0 else None
        lighter = min(float(own[first]), float(own[second]))
        found.append(decide(index, ids[first], ids[second], apart, listed, lo, hi,
                            int(shared.n[p]),
                            lambda total, _passing, own=lighter: total / own if own else 0.0,
                            detail))
    return found
