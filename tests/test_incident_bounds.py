"""The numpy bounds that spare ``IncidentIndex.score`` the candidate pairs that cannot link
(dedupe/incidents/bounds.py) never drop a pair ``score`` links, and the incident stage's other
fast paths (inline range counts, the group core's running background map) give what the plain
forms give. Stories are generated: few keys of every kind, shared a lot, dated and undated,
with probes, background rarities (0 to above 1) and link rules far from the defaults."""
from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incident_fast_paths import reference_merge

from dedupe.incidents.bounds import could_link, pair_bounds, pair_weights
from dedupe.incidents.decision import batch_scores
from dedupe.incidents.grouping import merge_links
from dedupe.incidents.linking import IncidentConfig, IncidentDoc, IncidentIndex
from dedupe.incidents.records import PRIORS

KEYS = ([f"num:{n}" for n in (12, 45, 1200, 98000, 3.5)] + ["approx:1000", "pct:12", "date:2024-03-01",
        "date:2024-05-02"] + [f"ent:{n}" for n in ("wang", "wangwei", "linzi", "acme", "acmeco")]
        + [f"term:{t}" for t in ("court", "fraud", "fire", "police", "sold")])


@st.composite
def stories(draw) -> list[IncidentDoc]:
    count = draw(st.integers(2, 10))
    found = []
    for i in range(count):
        keys = draw(st.sets(st.sampled_from(KEYS), max_size=12))
        probes = draw(st.sets(st.sampled_from(KEYS), max_size=3)) - keys
        day = draw(st.one_of(st.none(), st.integers(0, 500)))
        background = draw(st.dictionaries(st.sampled_from(sorted(keys | probes) or ["num:1"]),
                                          st.sampled_from([0.0, 0.1, 0.5, 0.7, 1.0]),
                                          max_size=6))
        found.append(IncidentDoc(f"d{i:02d}", date.fromordinal(738000 + day) if day is not None
                                 else None, frozenset(keys), frozenset(probes),
                                 background=background))
    return found


configs = st.builds(
    IncidentConfig,
    window_days=st.sampled_from([3, 10]),
    min_score=st.sampled_from([0.0, 0.8, 2.1]),
    min_anchors=st.sampled_from([1, 2, 3]),
    rarity_floor=st.sampled_from([1, 5, 50]),
    strong_rarity=st.sampled_from([0.3, 0.7]),
    gap_days=st.sampled_from([(180, 400), (60, 200), (5, 8)]),
    combo_min=st.sampled_from([3, 4]),
    combo_prior=st.sampled_from([0.0, 1.0, 2.0]),
    max_small_numbers=st.sampled_from([0, 2]),
    min_coverage=st.sampled_from([0.0, 0.2, 0.6]),
    priors=st.sampled_from([tuple(sorted(PRIORS.items())),
                            tuple(sorted({**PRIORS, "term": 0.0, "ent": 1.5}.items()))]),
)


def all_pairs(count: int) -> np.ndarray:
    return np.array([(a, b) for a in range(count) for b in range(a + 1, count)],
                    np.int32).reshape(-1, 2)


@settings(max_examples=250, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(stories(), configs)
def test_bounds_never_drop_a_pair_score_links(docs, config):
    """Each bound against ``score``'s own figure for every pair (linked or not), and the links
    found through the bounds = scoring every pair."""
    index = IncidentIndex(config)
    for doc in docs:
        index.add(doc)
    ids = sorted(index.docs)
    pairs = all_pairs(len(ids))
    table = index.key_table(ids)
    assert table.valid
    bounds = pair_bounds(table, pairs, config)
    scores = [index.score(ids[a], ids[b]) for a, b in pairs.tolist()]
    for i, s in enumerate(scores):
        assert s.score <= bounds.score[i]
        assert s.anchors <= bounds.anchors[i] and s.strong <= bounds.strong[i]
        assert s.allowed_days <= bounds.allowed_days[i]
        assert bounds.within[i] or not s.within_window
        assert bounds.own[i] == min(table.own[pairs[i]])
    plain = IncidentIndex(config)  # own weights as ``own_weight`` computes them, key by key
    for doc in docs:
        plain.add(doc)
    assert table.own.tolist() == [plain.own_weight(plain.docs[i]) for i in ids]
    kept = could_link(table, pairs, config)
    assert all(keep or not s.linked for s, keep in zip(scores, kept.tolist()))
    assert index.links_among(ids, pairs, table) == [s for s in scores if s.linked]
    # every pair scored from the batch arrays (linked or not, reversed or not) as ``score``
    shared = pair_weights(table, pairs[:, ::-1], config)
    assert batch_scores(index, table, ids, pairs[:, ::-1], shared, np.arange(len(pairs)),
                        True) == scores


def test_bounds_rule_out_most_unrelated_pairs_and_keep_the_linked_ones():
    """Not vacuous: on stories of distinct events sharing topic words, the bounds drop most
    pairs, and every pair that links is kept."""
    docs = []
    for i in range(60):
        event = i // 3
        docs.append(IncidentDoc(f"d{i:02d}", date(2024, 1, 1 + event % 28),
                                frozenset({f"num:{event}7{j}00" for j in range(3)}
                                          | {f"ent:p{event}", "term:court", "term:fraud"})))
    config = IncidentConfig(rarity_floor=5)
    index = IncidentIndex(config)
    for doc in docs:
        index.add(doc)
    ids = sorted(index.docs)
    pairs = all_pairs(len(ids))
    kept = could_link(index.key_table(ids), pairs, config)
    linked = {(s.a, s.b) for s in index.links()}
    assert len(linked) == 60 and kept.sum() < len(pairs) / 10
    assert linked <= {(ids[a], ids[b]) for a, b in pairs[kept].tolist()}


def test_a_negative_prior_or_background_keeps_every_pair():
    """The bounds hold only for weights ≥ 0: otherwise every pair goes on to ``score``."""
    docs = [IncidentDoc("a", date(2024, 1, 1), frozenset({"num:1200", "term:x"})),
            IncidentDoc("b", date(2024, 9, 1), frozenset({"ent:y"}), background={"ent:y": -1.0})]
    for config in (IncidentConfig(priors=tuple(sorted({**PRIORS, "term": -1.0}.items()))),
                   IncidentConfig()):
        index = IncidentIndex(config)
        for doc in docs:
            index.add(doc)
        ids = sorted(index.docs)
        assert could_link(index.key_table(ids), all_pairs(2),
                          config).all()


@settings(max_examples=150, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(stories(), configs)
def test_grouping_cores_with_any_background_equal_recomputed_cores(docs, config):
    """Background rarities above 1.0 take the rebuilt path of ``_Group.core``; groups grow
    through many links (low thresholds): cores as recomputed from the members each time."""
    index = IncidentIndex(config)
    for doc in docs:
        index.add(doc)
    links = index.links()
    assert merge_links(index, links).clusters == reference_merge(index, links)


@settings(max_examples=150, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(stories(), configs)
def test_chunked_passes_give_the_candidates_and_own_weights_of_one_pass(docs, config):
    """The per-holding pass of the candidates, their pair counts and the own weights of the key
    table go a chunk at a time (memory); chunks of a few give what one chunk gives."""
    import dedupe.incidents.bounds as bounds_module
    import dedupe.incidents.candidates as candidates_module

    def built() -> tuple[list[str], list[list[int]], list[float]]:
        index = IncidentIndex(config)
        for doc in docs:
            index.add(doc)
        ids, pairs = index.candidate_array()
        return ids, pairs.tolist(), index.table().own.tolist()

    whole = built()
    saved = (candidates_module.HOLDING_CHUNK, candidates_module.PAIR_CHUNK,
             bounds_module.OWN_CHUNK)
    try:
        (candidates_module.HOLDING_CHUNK, candidates_module.PAIR_CHUNK,
         bounds_module.OWN_CHUNK) = 3, 2, 5  # pair counts merged after every couple of pairs
        assert built() == whole
    finally:
        (candidates_module.HOLDING_CHUNK, candidates_module.PAIR_CHUNK,
         bounds_module.OWN_CHUNK) = saved


def reference_candidates(index: IncidentIndex) -> list[tuple[int, int]]:
    """The candidate rule pair by pair in plain Python over the followed holdings: each two
    holders of a key within the longest gap, counted once per rare key, + 2 once when a
    combination may count; kept at ``min_anchors``."""
    import dedupe.incidents.candidates as candidates_module

    cfg = index.config
    gap, window = cfg.gap_days[1], cfg.window_days
    table = index.key_table(sorted(index.docs))
    key, story, day, rare, combo = (c.tolist() for c in candidates_module._followed(
        table, 0, len(table.post_story), cfg))
    anchors: dict[tuple[int, int], int] = {}
    combos = set()
    for i in range(len(key)):
        for j in range(i + 1, len(key)):
            if key[j] != key[i]:
                break
            both = day[i] >= 0 and day[j] >= 0
            if both and abs(day[i] - day[j]) > gap:
                continue
            pair = (story[i], story[j])
            if rare[i] and rare[j]:
                anchors[pair] = anchors.get(pair, 0) + 1
            if combo[i] and combo[j] and (not both or abs(day[i] - day[j]) <= window):
                combos.add(pair)
    return sorted(p for p in set(anchors) | combos
                  if anchors.get(p, 0) + 2 * (p in combos) >= cfg.min_anchors)


@settings(max_examples=150, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(stories(), configs, st.sampled_from([1, 2, 7, 1 << 18]))
def test_candidates_batched_by_first_story_equal_the_pair_by_pair_rule(docs, config, budget):
    """The pairs are made and counted a batch of first stories at a time (memory: one batch,
    not every distinct pair); any batch size gives the pairs of the plain rule, sorted."""
    import dedupe.incidents.candidates as candidates_module

    index = IncidentIndex(config)
    for doc in docs:
        index.add(doc)
    saved = candidates_module.PAIR_CHUNK
    try:
        candidates_module.PAIR_CHUNK = budget
        ids, pairs = index.candidate_array()
    finally:
        candidates_module.PAIR_CHUNK = saved
    assert pairs.dtype == np.int32 and pairs.shape[1:] == (2,)
    assert [tuple(p) for p in pairs.tolist()] == reference_candidates(index)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 9)), max_size=60),
       st.integers(1, 25))
def test_pair_batches_cut_between_stories_and_stay_near_the_budget(holdings, budget):
    """Batches cover every holding once, in order, never split a story's holdings (its
    counts must be whole), and make at most the budget + one story's pairs."""
    from dedupe.incidents.candidates import _batches

    holdings.sort()
    story = np.array([s for s, _ in holdings], np.int32)
    later = np.array([n for _, n in holdings], np.int32)
    batches = _batches(story, later, budget)
    assert [i for first, last in batches for i in range(first, last)] == list(range(len(story)))
    per_story = {s: int(later[story == s].sum()) for s in set(story.tolist())}
    for first, last in batches:
        assert first < last
        assert last == len(story) or story[last] != story[last - 1]
        made = int(later[first:last].sum())
        assert made <= budget + max(per_story[s] for s in set(story[first:last].tolist()))
