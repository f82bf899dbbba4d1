"""Every story's keys as integer rows: what two stories share, found with numpy, many pairs at once.

The incident index numbers its distinct keys (``store.DocStore.numbers``); here each story is
its run of key numbers in one story-major array (its ``DocStore`` rows concatenated), with one
code a key (uint16): whether the story holds it as a key (solid) or a probe, and its background
rarity as an index into a palette of the distinct values (wordfreq's Zipf values have two
decimals: ~180 distinct rarities on the 3k set). 6 bytes a story-key instead of rebuilding a
story's frozensets and background dict (~10 µs a story) for every candidate pair it is in: the
bounds and the scores of a batch of pairs read their shared keys from here (``shared_keys``),
and a combination's holders are checked here (``holding_all``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class StoryRows:
    """Story-major key numbers (positions of stories as in the index's sorted ids)."""

    start: np.ndarray  # int64 [stories + 1]: story s's keys are keys[start[s]:start[s + 1]]
    keys: np.ndarray  # int32 (each story's keys and probes, in the order stored)
    code: np.ndarray  # unsigned per key: 4 · palette index + 1 when solid (+ 2 when a probe)
    palette: np.ndarray  # float64: the distinct background rarities (index 0: none, 1.0)

    def rarity(self, at: np.ndarray) -> np.ndarray:
        return self.palette[self.code[at] >> 2]

    def _positions(self, stories: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``keys`` of every key of each of ``stories`` in turn, keys a story)."""
        first = self.start[stories]
        sizes = self.start[stories + 1] - first
        offsets = np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
        return np.arange(int(sizes.sum()), dtype=np.int64) + offsets, sizes

    def shared_keys(self, pairs: np.ndarray, size: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The keys each pair (int [m, 2], story positions) shares — both hold it, at least one
        solid, as ``candidates.shared_keys`` — as (pair row, key number, the lower background
        rarity of the two) per shared key, rows ascending.
        ``size``: the number of distinct keys. Per distinct first story a pass over its pairs'
        second stories (their keys looked up in a mark of the first's: no set, no sort)."""
        first, second = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
        order = np.argsort(first, kind="stable")
        ordered = first[order]
        cuts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1], True]).tolist()
        mark = np.full(size, -1, np.int64)
        rows, keys, rarity = [], [], []
        for lo, hi in zip(cuts[:-1], cuts[1:]):
            a = int(ordered[lo])
            own = np.arange(self.start[a], self.start[a + 1])
            mark[self.keys[own]] = own
            which = order[lo:hi]
            at, sizes = self._positions(second[which])
            held = self.keys[at]
            other = mark[held]
            found = np.flatnonzero(other >= 0)
            at, other = at[found], other[found]
            both = self.code[at] | self.code[other]  # a probe meets only a key
            kept = found[(both & 1).astype(bool)]
            rows.append(np.repeat(which, sizes)[kept])
            keys.append(held[kept])
            rarity.append(np.minimum(self.rarity(at), self.rarity(other))
                          [(both & 1).astype(bool)])
            mark[self.keys[own]] = -1
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float64)
        row, key, low = np.concatenate(rows), np.concatenate(keys), np.concatenate(rarity)
        if len(row) and (row[1:] < row[:-1]).any():
            back = np.argsort(row, kind="stable")  # pairs not given by first story
            row, key, low = row[back], key[back], low[back]
        return row, key, low

    def holding_all(self, stories: np.ndarray, keys: np.ndarray, size: int) -> np.ndarray:
        """The stories among ``stories`` (positions) that hold every key of ``keys`` (distinct
        key numbers), as a key or a probe."""
        if not len(stories):
            return stories
        wanted = np.zeros(size, bool)
        wanted[keys] = True
        at, sizes = self._positions(stories)
        rows = np.repeat(np.arange(len(stories)), sizes)
        held = np.bincount(rows, wanted[self.keys[at]], minlength=len(stories))
        return stories[held == len(keys)]
