"""Incidents: the stories of one event, across outlets and languages, linked by shared evidence.

Scoring model (thresholds chosen on the tuning splits and the unrelated-news check, see
bench/incidents.py and bench/incident_checks.py; the ``held`` split was never tuned on):

  Each story is a bag of evidence keys (``.evidence``: amounts, dates, entities, key terms,
  all in one language-independent key space): those at least two of its *outlets* agree on
  (``grouping.combine_copies``), so a sidebar does not lend it other events and a page
  at a second URL does not vote twice. Two stories share a key when both have it and at least one
  has it solid. A shared key weighs

      w(k) = PRIOR[kind(k)] · min(ln((n + 1) / df(k)) / ln(n + 1), background(k))

  an IDF scaled to [0, 1] over the n stories published in the pair's time range (the earlier
  day − window to the later + window; n floored at ``rarity_floor``), capped by the key's
  rarity in general language (``IncidentDoc.background``, from wordfreq in the pipeline), so
  "US", "China" or a big city weigh little in a small or topical corpus too. One fact counts
  once (a name inside a longer shared name, the rounded form of a shared number), and at most
  ``max_small_numbers`` two-digit numbers count.

  score(a, b) = Σ w(k) + the weight of a combination of common names and terms rare together
  (``_combo``). The pair is linked when score ≥ ``min_score``, at least ``min_anchors`` shared
  keys are rare facts (numbers, dates, names with w ≥ ``anchor_rarity`` · prior; a rare
  combination counts one or two), the score is ≥ ``min_coverage`` of the lighter story's own
  evidence (two long reports on one topic share several rare names by their sheer number), and
  the stories are close enough in time for the evidence: ``allowed_gap`` grows with the strong
  facts shared (10 days → 180 → 400); an undated story needs strong facts.

  Incidents: links merge groups strongest first, and only when the groups' cores match
  (``grouping.merge_links``): no chaining through one member's side facts.

Candidates are found through keys, each followed from a story only when few stories hold it
within the longest gap (``candidate_pairs``, dedupe.incidents.candidates). "Rare" is relative
(scaled IDF ≥ anchor_rarity: df ≤ √(n + 1) for n stories in range), so a story's candidates
grow as √n until ``posting_cap`` bounds them (about n = 4,000 stories in a year): 60 a story
for 856 stories, 102 for 2,866. Before ``score``, numpy upper bounds of every link rule
(dedupe.incidents.bounds) drop the pairs that cannot link (~92 % of them on 10,000 real
articles), so the per-pair Python work is spent on the few that may. Stories are kept as
integer rows (dedupe.incidents.store, .rows): what a batch of pairs shares and weighs is
found with numpy, and the pairs the bounds keep are scored from those arrays
(``decision.batch_scores``: the same ``PairScore`` as ``score``), no story's sets rebuilt.

Order independence: a pair's score depends only on the two stories and on the set of stories
around their dates, and grouping only on the links; ``IncidentIndex.clusters()`` works on the
current set, so adding stories in any order (or in batch, ``group_incidents``) gives the same
incidents.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from .bounds import KeyTable, could_link, exact_weights, key_table, pair_weights
from .candidates import (
    candidate_array,
    could_be_within,
    ordinal,
    shared_keys,
    subsumed,
)
from .day_counts import DayCounts
from .decision import batch_scores, decide
from .grouping import merge_links
from .records import (  # noqa: F401 -- kind_of, SharedKey: re-exported (bench, callers)
    IncidentConfig,
    IncidentDoc,
    PairScore,
    SharedKey,
    kind_of,
)
from .store import DocStore

LINK_BATCH = 16384  # candidate pairs bounded at once (~30 shared keys a pair: ~20 MB of arrays)


class IncidentIndex:
    """Incremental incident clustering: ``add`` stories as they come, ``clusters()`` any time.

    ``add`` with an id already present replaces that story (a story that gained a copy); the
    result is always that of ``group_incidents`` over the current set."""

    def __init__(self, config: IncidentConfig = IncidentConfig()) -> None:
        self.config = config
        self._docs = DocStore()  # integer rows: ~6 bytes a story-key, docs rebuilt on access
        self._all = DayCounts()
        # Every key's holders and day counts: arrays derived from the stories when first
        # needed after a change (``bounds.key_table``; ~20 bytes per story-key, no per-key
        # Python objects), so adding stories then scoring stays linear.
        self._table: KeyTable | None = None
        self._own: dict[str, float] = {}  # own_weight of stored stories; cleared on change
        self._prior = dict(config.priors)

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def docs(self) -> DocStore:
        return self._docs

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._docs

    def add(self, doc: IncidentDoc) -> None:
        if doc.id in self._docs:
            self.remove(doc.id)
        self._changed()
        self._docs.put(doc)
        self._all.add(ordinal(doc.day))

    def remove(self, doc_id: str) -> None:
        self._changed()
        self._all.remove(self._docs.ordinal(doc_id))
        self._docs.pop(doc_id)

    def _changed(self) -> None:
        self._own.clear()
        self._table = None

    def table(self) -> KeyTable:
        """The arrays of the current stories (``bounds.KeyTable``), built once per state."""
        if self._table is None:
            ids = sorted(self._docs)
            self._table = key_table(self._docs, ids, self.config)
            self._own.update(zip(ids, self._table.own.tolist()))
        return self._table

    def _dfs(self, keys: Sequence[str], lo: int | None, hi: int | None) -> list[int]:
        """Each key's df among the stories dated in [lo, hi] or undated (all when ``lo`` is
        None), as a ``DayCounts.count`` of its holders."""
        if not keys:
            return []
        table = self.table()
        get = table.ids.get
        return table.counts([get(k, -1) for k in keys], lo, hi).tolist()

    def pair_range(self, a: str, b: str) -> tuple[int | None, int | None]:
        """The day ordinals whose stories weigh the rarity of what stories a and b share."""
        return self._range(self._docs[a], self._docs[b])

    def _range(self, a: IncidentDoc, b: IncidentDoc) -> tuple[int | None, int | None]:
        days = [d for d in (ordinal(a.day), ordinal(b.day)) if d is not None]
        if not days:
            return None, None
        return min(days) - self.config.window_days, max(days) + self.config.window_days

    def weight(self, key: str, lo: int | None = None, hi: int | None = None,
               n: int | None = None, background: float = 1.0) -> tuple[float, int]:
        """(PRIOR · min(scaled IDF of ``key`` among the stories dated in [lo, hi], background
        rarity), its df there); ``n``, the number of stories in that range, is counted unless
        given."""
        df = self._dfs([key], lo, hi)[0]
        if not df:
            return 0.0, 0
        n = max(self._all.count(lo, hi) if n is None else n, self.config.rarity_floor)
        prior = self._prior.get(key[:key.find(":")], 1.0)
        return prior * min(math.log((n + 1) / df) / math.log(n + 1), background), df

    def score(self, a: IncidentDoc | str, b: IncidentDoc | str,
              decision_only: bool = False, detail: bool = True) -> PairScore:
        """The evidence two stories share, weighed among the stories around their dates and
        against general language, the time gap it allows, and the link decision.

        ``decision_only``: only ``linked`` (and the reason when not linked) must be exact — the
        own weights behind ``coverage`` are then computed only when the other rules pass, the
        lighter-looking story's first, and ``coverage`` may be a lower bound that already
        reaches ``min_coverage`` (an incident core's own weight is a pass over thousands of
        keys: ``grouping.merge_links``). ``detail=False``: ``shared`` is left empty (a linked
        pair shares ~50 keys, ~180 bytes each as ``SharedKey``; grouping needs none)."""
        doc_a = self._docs[a] if isinstance(a, str) else a
        doc_b = self._docs[b] if isinstance(b, str) else b
        if doc_b.id < doc_a.id:
            doc_a, doc_b = doc_b, doc_a
        keys = shared_keys(doc_a, doc_b)
        dropped = subsumed(keys)
        lo, hi = self._range(doc_a, doc_b)
        in_range = self._all.count(lo, hi)
        cfg = self.config
        # a key as [key, kind, weight, df, counted, background]
        get_a, get_b = doc_a.background.get, doc_b.background.get
        ordered = sorted(keys)
        rarities = [min(get_a(k, 1.0), get_b(k, 1.0)) for k in ordered]
        dfs, weights = self._weighed(ordered, rarities, lo, hi, max(in_range, cfg.rarity_floor))
        shared = [[k, k[:cut] if (cut := k.find(":")) >= 0 else k, w, df, k not in dropped, r]
                  for k, w, df, r in zip(ordered, weights, dfs, rarities)]
        days = (abs((doc_a.day - doc_b.day).days)
                if doc_a.day is not None and doc_b.day is not None else None)

        def coverage_of(total: float, passing: bool) -> float:
            if not decision_only:
                own = min(self.own_weight(doc_a), self.own_weight(doc_b))
                return total / own if own else 0.0
            if not passing:
                return 0.0  # the link fails before coverage counts
            light, heavy = sorted((doc_a, doc_b), key=lambda d: (len(d.keys), d.id))
            own = self.own_weight(light)
            coverage = total / own if own else 0.0
            if coverage < cfg.min_coverage:  # the heavier may be lighter still: need both
                own = min(own, self.own_weight(heavy))
                coverage = total / own if own else 0.0
            return coverage

        return decide(self, doc_a.id, doc_b.id, days, shared, lo, hi, in_range, coverage_of,
                      detail)

    def _weighed(self, keys: Sequence[str], rarities: Sequence[float], lo: int | None,
                 hi: int | None, n: int) -> tuple[list[int], list[float]]:
        """Each key's (df, ``weight``) among the stories dated in [lo, hi] (n of them, floored),
        its background ``rarities[i]``: the same arithmetic, the dfs counted at once in numpy
        (``KeyTable.counts``), each IDF by ``math.log`` once per distinct df, the products and
        minima in float64 (exactly Python's)."""
        if not keys:
            return [], []
        table = self.table()
        number = table.ids.get
        numbers = np.array([number(k, -1) for k in keys], np.int64)
        df = table.counts(numbers, lo, hi)
        weights = exact_weights(table, numbers, np.full(len(df), n, np.int64), df,
                                np.array(rarities, np.float64))
        return df.tolist(), weights.tolist()

    def own_weight(self, doc: IncidentDoc) -> float:
        """Σ weight of a story's own solid keys among the stories within ``window_days`` of
        it: how much evidence it carries (cached for the stories of the index until it
        changes; an incident core's in its ``own_cache``, per day)."""
        cache = doc.own_cache
        if cache is not None and doc.day in cache:
            return cache[doc.day]
        stored = self._docs.is_stored(doc)
        if stored:
            self.table()  # every stored story's own weight comes with it (``own_weights``)
            if doc.id in self._own:
                return self._own[doc.id]
        day = ordinal(doc.day)
        lo, hi = (None, None) if day is None else (day - self.config.window_days,
                                                   day + self.config.window_days)
        n = max(self._all.count(lo, hi), self.config.rarity_floor)
        keys, get = list(doc.keys), doc.background.get
        total = math.fsum(self._weighed(keys, [get(k, 1.0) for k in keys], lo, hi, n)[1])
        if stored:
            self._own[doc.id] = total
        if cache is not None:
            cache[doc.day] = total
        return total

    def candidate_pairs(self) -> list[tuple[str, str]]:
        """Every pair that could be linked, sorted; linear in the number of stories.

        A key is followed from a story only when at most ``posting_cap`` stories have it within
        the longest allowed gap of it (a key that common is no anchor at any realistic corpus
        size: the one approximation, for linear time), and only when it could be a rare fact
        for a pair of that story: its background rarity and its best possible IDF — its df
        among the stories within ``window_days`` (inside every pair's range) against the
        number of stories within the longest gap + window (around every pair's range) — reach
        ``anchor_rarity``. A name is also followed between stories with ≥ 3 terms each (a rare
        combination needs a name and three terms). A pair is kept when the rare facts it could
        share, plus the two a combination may count, reach ``min_anchors``."""
        ids, pairs = self.candidate_array()
        return [(ids[a], ids[b]) for a, b in pairs.tolist()]

    def candidate_array(self) -> tuple[list[str], np.ndarray]:
        """``candidate_pairs`` compactly (``candidates.candidate_array``)."""
        return candidate_array(self)

    def _could_be_within(self, a: str, b: str) -> bool:
        return could_be_within(self, a, b)

    def linked(self, pairs: Iterable[tuple[str, str]]) -> list[PairScore]:
        """The scores of the linked pairs among ``pairs`` (candidates), in their order; a pair
        whose time gap no evidence it could share allows is not scored (``_could_be_within``)."""
        scores = (self.score(a, b) for a, b in pairs if self._could_be_within(a, b))
        return [s for s in scores if s.linked]

    def key_table(self, ids: Sequence[str]) -> KeyTable:
        """The arrays ``links_among`` bounds pairs with (``ids``: the stories' ids sorted, as
        ``candidate_array`` gives them); valid until the next ``add`` or ``remove``. The
        stories' own weights come with it, exactly as ``own_weight`` gives them (kept in its
        cache: one numpy pass instead of a ``weight`` call per key of every story)."""
        if list(ids) == sorted(self._docs):
            return self.table()
        table = key_table(self._docs, ids, self.config)
        self._own.update(zip(ids, table.own.tolist()))
        return table

    def links_among(self, ids: Sequence[str], pairs: np.ndarray, table: KeyTable,
                    detail: bool = True) -> list[PairScore]:
        """The scores of the linked pairs among ``pairs`` (int [m, 2], positions in ``ids``),
        in their order: each pair the bounds of ``bounds.could_link`` cannot rule out is
        scored (as ``score``, which alone decides: from the bounds' arrays when ``table`` is
        the index's own, ``decision.batch_scores``; ``detail``: see there)."""
        found = []
        own = table is self._table
        for start in range(0, len(pairs), LINK_BATCH):
            batch = pairs[start:start + LINK_BATCH]
            shared = pair_weights(table, batch, self.config)
            kept = np.flatnonzero(could_link(table, batch, self.config, shared))
            if own:
                scores = batch_scores(self, table, ids, batch, shared, kept, detail)
            else:
                scores = [self.score(ids[a], ids[b], detail=detail)
                          for a, b in batch[kept].tolist()]
            found.extend(s for s in scores if s.linked)
        return found

    def links(self) -> list[PairScore]:
        """Every linked pair of the current set, sorted by ids."""
        ids, pairs = self.candidate_array()
        return self.links_among(ids, pairs, self.key_table(ids))

    def clusters(self) -> list[list[str]]:
        """Incidents as sorted lists of story ids, sorted by first id (singletons included);
        links merge groups only when the groups' cores match (``dedupe.incident_groups``)."""
        return merge_links(self, self.links()).clusters


def group_incidents(docs: Sequence[IncidentDoc],
                    config: IncidentConfig = IncidentConfig()) -> list[list[str]]:
    """Batch form of ``IncidentIndex``: the incidents of ``docs``."""
    index = IncidentIndex(config)
    for doc in docs:
        index.add(doc)
    return index.clusters()
