"""langdetect's random walk (``Detector._detect_block``, langdetect 1.0.9) over a text's
n-grams, with its seed, draws, updates and convergence test, and the same verdict.

Its walk was most of a detection (~160 updates of 15 languages, each a Python loop plus a
``random.choice``). Two walks here, both read the seeded Mersenne Twister's words once per
process (``Stream``: every detection is seeded alike, so every detection reads the same words):
- ``exact_walk``: langdetect's floating-point operations in its order (one C-level ``map``
  per update), bit for bit its probabilities (tests/test_language.py compares them);
- ``fast_walk``: each trial's updates at once in numpy, in logarithms of 5-update products,
  so its probabilities are langdetect's to ~1e-12 (not bit for bit); every decision the walk
  makes (a trial converged or not, the early stop, the ranking) is taken only when it is
  farther than ``FAST_MARGIN`` from its threshold, else it answers ``None`` and ``walk`` runs
  ``exact_walk``: so its draws, trial ends and verdict are langdetect's own.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from operator import mul
from typing import Protocol

import numpy as np

# Rounding slack for the early stop (``walk``): the sums are of at most 7 terms ≤ 1, off by
# far less than this; a lead within it runs every trial, as langdetect does.
DECIDED_MARGIN = 1e-9
# fast_walk's distance to a threshold below which langdetect's own rounding could decide:
# langdetect's probabilities carry ≤ ~3e-16 relative error per update and normalisation
# (≤ 1e-12 over its 1,000-update limit), fast_walk's logarithms ≤ ~1e-12 absolute; 1e-9
# leaves a factor of 1,000 and sent 5 of 1,637 detections (the Latin-script samples of the
# 20k set's first 3,000 texts) to exact_walk.
FAST_MARGIN = 1e-9
UPDATES_PER_CHECK = 5  # langdetect normalises and tests convergence after every 5th update
FIRST_CHECKS = 12  # fast_walk's first span of a trial: 61 draws (90 % of trials need ≤ 62)
STREAM_WORDS = 8192  # Mersenne Twister words made at a time (a plain text reads ~250)
SCAN_WORDS = 512  # words tested at a time for a detection's draws
# where each check's updates start among a trial's draws (np.multiply.reduceat): the first
# check follows the first update alone, later ones 5 updates each
_CHECK_STARTS = np.arange(0, 1_005, UPDATES_PER_CHECK)
_FIRST_CHECK_STARTS = np.concatenate([[0], _CHECK_STARTS[:-1] + 1])
_TWOPI = 2.0 * math.pi  # random.gauss's constant
_DOUBLE_UNIT = 1.0 / 9007199254740992.0  # random.random: 53 bits from two words, times 2**-53


class Stream:
    """The 32-bit words a ``random.Random`` seeded with ``seed`` hands out, in its order, made
    ``STREAM_WORDS`` at a time: ``getrandbits(32 * m)`` is m successive words, the first in the
    lowest bits (CPython's ``_random``), so its little-endian bytes are the words in order."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self.words = np.empty(0, np.uint32)

    def upto(self, end: int) -> np.ndarray:
        """All words made so far, at least ``end`` of them."""
        if end > len(self.words):
            count = max(end - len(self.words), STREAM_WORDS)
            fresh = self._random.getrandbits(32 * count).to_bytes(4 * count, "little")
            self.words = np.concatenate([self.words, np.frombuffer(fresh, "<u4")])
        return self.words

    def gauss_pair(self, start: int) -> tuple[float, float]:
        """``random.gauss``'s two variates from words ``start`` to ``start + 3`` (two
        ``random()`` of 53 bits each), by its formula and ``math`` functions: it returns the
        first and keeps the second for its next call."""
        high1, low1, high2, low2 = self.upto(start + 4)[start:start + 4].tolist()
        x2pi = ((high1 >> 5) * 67108864.0 + (low1 >> 6)) * _DOUBLE_UNIT * _TWOPI
        g2rad = math.sqrt(-2.0 * math.log(1.0 - ((high2 >> 5) * 67108864.0 + (low2 >> 6))
                                          * _DOUBLE_UNIT))
        return math.cos(x2pi) * g2rad, math.sin(x2pi) * g2rad


class Model(Protocol):
    """What a walk reads: ``probs[row]`` is P(n-gram | language) for each of ``langlist``;
    ``detector`` a langdetect ``Detector`` (its parameters and ranking); ``stream`` its words."""

    langlist: list[str]
    probs: np.ndarray
    detector: object
    stream: Stream


@dataclass
class Walk:
    """A walk's outcome: its verdict, the summed probabilities (``Detector.langprob``; bit for
    bit langdetect's from ``exact_walk``) and how many trials ran."""

    verdict: str | None
    langprob: list[float]
    trials: int


class _Draws:
    """One detection's ``random.choice(ngrams)`` candidates along the stream: a draw is
    ``getrandbits(k)`` (a word's top k bits, k = ``len(ngrams).bit_length()``) retried until
    it is below ``len(ngrams)``; so every accepted word is the draw of whichever trial reaches
    it. ``positions``: accepted words' stream positions; ``probs``: their n-grams' rows."""

    def __init__(self, made: Model, rows: np.ndarray) -> None:
        self.made, self.rows = made, rows
        self.shift = 32 - len(rows).bit_length()
        self.positions = np.empty(0, np.int64)
        self.probs = np.empty((0, len(made.langlist)))
        self.scanned = 0

    def _scan(self) -> None:
        start, end = self.scanned, self.scanned + max(SCAN_WORDS, self.scanned)
        drawn = self.made.stream.upto(end)[start:end] >> self.shift
        accepted = np.flatnonzero(drawn < len(self.rows))
        probs = self.made.probs.take(self.rows.take(drawn.take(accepted)), axis=0)
        if start:
            accepted += start
            accepted, probs = (np.concatenate(pair) for pair in
                               ((self.positions, accepted), (self.probs, probs)))
        self.positions, self.probs, self.scanned = accepted, probs, end

    def first_at(self, start: int) -> int:
        """The index of the first draw at stream position ``start`` or later."""
        while self.scanned <= start:
            self._scan()
        return int(np.searchsorted(self.positions, start))

    def ensure(self, count: int) -> None:
        """At least ``count`` draws known."""
        while len(self.positions) < count:
            self._scan()


def _exact_trial(made: Model, draws: _Draws, weight: float, start: int) -> tuple[list[float], int]:
    """One trial from stream word ``start``, langdetect's operations in its order: updates
    ``prob[i] *= weight + P(gram | lang i)``, normalised after updates 1, 6, 11, … until the
    largest is over ``CONV_THRESHOLD`` or ``ITERATION_LIMIT`` is reached. Its probabilities
    and the stream position after its last draw."""
    detector = made.detector
    langs = len(made.langlist)
    prob = [1.0 / langs] * langs  # _init_probability without a prior map
    first = draws.first_at(start)
    i = 0
    while True:
        draws.ensure(first + i + 1)
        factors = (weight + draws.probs[first + i:first + i + UPDATES_PER_CHECK]).tolist()
        for factor in factors:
            prob = list(map(mul, prob, factor))
            if i % UPDATES_PER_CHECK == 0:
                total = sum(prob)
                prob = [p / total for p in prob]
                if max(prob) > detector.CONV_THRESHOLD or i >= detector.ITERATION_LIMIT:
                    return prob, int(draws.positions[first + i]) + 1
            i += 1


def _fast_trial(made: Model, draws: _Draws, weight: float,
                start: int) -> tuple[list[float], int] | None:
    """``_exact_trial`` to ~1e-12 in numpy: the log of each check's probabilities is a running
    sum of logs of 5-update products (≥ weight ** 5, no underflow; the first check's product
    is the first factor alone), normalised at each check; the trial ends at the first
    check over ``CONV_THRESHOLD`` (or at ``ITERATION_LIMIT``). ``None`` when a check it
    passes or stops at is within ``FAST_MARGIN`` of the threshold."""
    detector = made.detector
    first = draws.first_at(start)
    last_check = detector.ITERATION_LIMIT // UPDATES_PER_CHECK
    over = 1.0 / detector.CONV_THRESHOLD  # a check converged when its sum / largest is below
    near = 2.0 * FAST_MARGIN  # FAST_MARGIN on the largest probability, as a distance of the sum
    done, checks, carry = 0, FIRST_CHECKS, None
    while True:
        checks = min(checks, last_check + 1 - done)
        end = first + 1 + (done + checks - 1) * UPDATES_PER_CHECK
        begin = end - checks * UPDATES_PER_CHECK if done else first
        draws.ensure(end)
        starts = (_CHECK_STARTS if done else _FIRST_CHECK_STARTS)[:checks]
        logs = np.log(np.multiply.reduceat(weight + draws.probs[begin:end], starts))
        if carry is not None:
            logs[0] += carry
        logs = np.cumsum(logs, axis=0, out=logs)
        shares = np.exp(logs - logs.max(axis=1, keepdims=True))
        totals = shares.sum(axis=1).tolist()
        for stop, total in enumerate(totals):
            if abs(total - over) <= near:
                return None
            if total < over or done + stop == last_check:
                position = int(draws.positions[first + (done + stop) * UPDATES_PER_CHECK]) + 1
                return [share / total for share in shares[stop].tolist()], position
        carry = logs[-1]
        done += checks
        checks *= 2


def _walk(made: Model, rows: np.ndarray, stop_early: bool, fast: bool) -> Walk | None:
    """``exact_walk`` or, with ``fast``, ``fast_walk``."""
    detector = made.detector
    trials = detector.n_trial
    trial_walk = _fast_trial if fast else _exact_trial
    draws = _Draws(made, rows)
    langprob = [0.0] * len(made.langlist)
    position, spare = 0, None  # seed(): a fresh stream, no Gaussian variate kept
    for trial in range(trials):
        if spare is None:
            z, spare = made.stream.gauss_pair(position)
            position += 4
        else:
            z, spare = spare, None
        alpha = detector.alpha + (0.0 + z * 1.0) * detector.ALPHA_WIDTH  # gauss(0.0, 1.0)
        outcome = trial_walk(made, draws, alpha / detector.BASE_FREQ, position)
        if outcome is None:
            return None
        prob, position = outcome
        for j, p in enumerate(prob if isinstance(prob, list) else prob.tolist()):
            langprob[j] += p / trials
        left = (trials - trial - 1) / trials
        if left and stop_early:
            second, first = sorted(langprob)[-2:]
            lead = first - second - left - DECIDED_MARGIN
            if fast and abs(lead) <= FAST_MARGIN:
                return None
            if lead > 0:
                return Walk(made.langlist[langprob.index(first)], langprob, trial + 1)
    if fast:
        second, first = sorted(langprob)[-2:]
        if min(first - second, abs(first - detector.PROB_THRESHOLD)) <= FAST_MARGIN:
            return None
    ranked = detector._sort_probability(langprob)
    return Walk(ranked[0].lang if ranked else None, langprob, trials)


def exact_walk(made: Model, rows: np.ndarray, stop_early: bool = True) -> Walk:
    """langdetect's ``_detect_block`` walk over the n-grams of ``rows`` (rows of
    ``made.probs``, in ``_extract_ngrams``'s order): its seed, draws, updates and convergence
    test, in its order, and its verdict (``_sort_probability``'s first), except that with
    ``stop_early`` the trials stop once the verdict cannot change: each trial adds a
    probability vector summing to 1, divided by ``n_trial``, so when the leader's running sum
    is ahead of every other language's by more than the trials left could add to one of
    them, the last trials cannot overtake it (nor leave it under ``PROB_THRESHOLD``: it then
    holds more than half of the total). A plain news text decides after 4 of the 7 trials."""
    return _walk(made, rows, stop_early, fast=False)


def fast_walk(made: Model, rows: np.ndarray, stop_early: bool = True) -> Walk | None:
    """``exact_walk``'s verdict, trial count and (to ~1e-12) probabilities, ~2× faster on the
    20k set's samples, or ``None`` when one of its decisions was too close to call (module
    docstring)."""
    return _walk(made, rows, stop_early, fast=True)


def walk(made: Model, rows: np.ndarray, stop_early: bool = True) -> Walk:
    """``fast_walk``, or ``exact_walk`` where it cannot tell: langdetect's verdict."""
    return fast_walk(made, rows, stop_early) or exact_walk(made, rows, stop_early)
