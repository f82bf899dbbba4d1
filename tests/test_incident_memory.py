"""What keeps ``cluster``'s memory per article small (issue 15): compact per-key day counts,
candidate pairs as an int array never listed as Python tuples, one string per evidence key, and
texts folded for matching a bounded chunk at a time. Each test checks the structure (RSS and
speed are measured in bench/whole.py only) and that results stay those of the plain form."""
from __future__ import annotations

import random
from datetime import date

import numpy as np

from dedupe.incidents.day_counts import DayCounts
from dedupe.incidents.linking import IncidentConfig, IncidentDoc, IncidentIndex
from pipelines.records import Article, Story


def test_day_counts_hold_4_bytes_a_member_and_count_as_a_plain_list():
    rng = random.Random(3)
    counts, members = DayCounts(), []
    for _ in range(3000):
        roll = rng.random()
        if roll < 0.55 or not members:
            day = None if rng.random() < 0.1 else rng.randrange(738000, 738400)
            counts.add(day)
            members.append(day)
        elif roll < 0.7:
            day = members.pop(rng.randrange(len(members)))
            counts.remove(day)
        else:
            lo = rng.randrange(737990, 738400)
            hi = lo + rng.randrange(0, 60)
            undated = members.count(None)
            assert counts.count(lo, hi) == undated + sum(
                1 for d in members if d is not None and lo <= d <= hi)
            assert counts.count(None, hi) == len(members)
    dated = [d for d in members if d is not None]
    assert counts.days.itemsize == 4 and len(counts.days) == len(dated) == counts.dated
    assert not hasattr(counts, "__dict__")  # slots: no per-key dict


def _index() -> IncidentIndex:
    rng = random.Random(5)
    index = IncidentIndex(IncidentConfig(rarity_floor=5, min_score=1.0, min_anchors=1))
    for i in range(200):
        event = i // 4
        index.add(IncidentDoc(f"d{i:03d}", date(2024, 1, 1 + event % 25) if i % 9 else None,
                              frozenset({f"num:{event}{j}000" for j in rng.sample(range(4), 2)}
                                        | {f"ent:n{rng.randrange(60)}" for _ in range(3)}
                                        | {f"term:t{rng.randrange(5)}" for _ in range(4)})))
    return index


def test_candidates_are_an_int32_array_of_positions_in_the_sorted_ids():
    index = _index()
    ids, pairs = index.candidate_array()
    assert ids == sorted(index.docs)
    assert pairs.dtype == np.int32 and pairs.ndim == 2 and pairs.shape[1] == 2
    assert len(pairs) > 50 and (pairs[:, 0] < pairs[:, 1]).all()
    assert index.candidate_pairs() == sorted({(ids[a], ids[b]) for a, b in pairs.tolist()})


def test_find_links_never_lists_every_candidate_pair(monkeypatch):
    """The linking stage scores from the compact array: with the list form unavailable it
    still finds the same links, in one process and in a pool (small chunks: the pool path)."""
    from pipelines import incidents

    index = _index()
    expected = index.links()
    assert expected
    monkeypatch.setattr(IncidentIndex, "candidate_pairs",
                        lambda self: (_ for _ in ()).throw(AssertionError("listed every pair")))
    monkeypatch.setattr(incidents, "LINK_CHUNK", 16)
    assert incidents.find_links(index, processes=1) == expected
    assert incidents.find_links(index, processes=2) == expected


def test_stories_share_one_string_object_per_evidence_key():
    from pipelines import incidents

    articles, stories = [], []
    for n in range(3):
        text = ("A court in Hangzhou fined Zhang Wei 380,000 yuan on June 20, 2024 for a "
                f"deepfake fraud. Case {n}.")
        articles.append(Article(id=f"a{n}", url=f"https://o{n}.example/{n}", title="T",
                                text=text, lang="en", script=None, published="2024-06-30",
                                site=None))
        stories.append(Story(f"s{n}", [f"a{n}"], f"a{n}", ["en"], "2024-06-30"))
    docs = incidents.incident_docs(articles, stories)
    shared = docs[0].keys & docs[1].keys & docs[2].keys
    assert len(shared) >= 3
    for key in shared:
        held = [next(k for k in d.keys if k == key) for d in docs]
        assert all(k is held[0] for k in held)
        assert all(next(k for k in d.background if k == key) is held[0]
                   for d in docs if key in d.background)


def test_assign_stories_folds_texts_a_bounded_chunk_at_a_time(monkeypatch):
    from pipelines import assign

    rng = random.Random(1)
    words = [f"w{i}" for i in range(400)]
    bases = [" ".join(rng.choice(words) for _ in range(120)) for _ in range(6)]
    articles = [Article(id=f"a{n:03d}", url=f"https://o.example/{n}", title=None,
                        text=bases[n % 6] + f" copy {n}", lang="en", script=None,
                        published="2024-06-30", site=None) for n in range(40)]
    whole = [(s.story_id, s.article_ids) for s in assign.assign_stories(articles)]
    batches = []

    class Recording(assign.StoryIndex):
        def add_many(self, docs):
            batches.append(len(docs))
            super().add_many(docs)

    monkeypatch.setattr(assign, "StoryIndex", Recording)
    monkeypatch.setattr(assign, "NORMALISE_CHUNK", 7)
    chunked = [(s.story_id, s.article_ids) for s in assign.assign_stories(articles)]
    assert max(batches) <= 7 and sum(batches) == len(articles)
    assert chunked == whole and len(whole) == 6


def test_postings_are_arrays_of_story_positions_and_replacing_a_story_keeps_them_right():
    """No Python object per key: the index keeps its stories compactly and derives every
    key's holders as one int32 array (``KeyTable.post_story``) when first needed after a
    change; replacing and dropping stories gives the postings and clusters of a rebuilt index."""
    index = _index()
    before = index.clusters()
    for doc_id in ("d005", "d100", "d150"):  # replace (remove + add) and drop stories
        doc = index.docs[doc_id]
        index.add(doc)
    index.remove("d199")
    holders: dict[str, set[str]] = {}
    for doc in index.docs.values():
        for key in doc.keys | doc.probes:
            holders.setdefault(key, set()).add(doc.id)
    table = index.table()
    ids = sorted(index.docs)
    assert table.post_story.dtype == np.int32
    assert {k: {ids[i] for i in table.holders_of(n).tolist()}
            for k, n in table.ids.items()} == holders
    assert all((np.diff(table.holders_of(n)) > 0).all() for n in table.ids.values())
    rebuilt = IncidentIndex(index.config)
    for doc in sorted(index.docs.values(), key=lambda d: d.id):
        rebuilt.add(doc)
    assert index.clusters() == rebuilt.clusters() and before


def test_links_for_grouping_carry_no_shared_keys_and_group_the_same(monkeypatch):
    """The cluster path keeps each link without its ``SharedKey`` list, combination keys and
    reason (grouping's clusters need only ids and scores): same links otherwise, same
    incidents, in one process or a pool, each link's ids this process's own strings."""
    from dedupe.incidents.grouping import merge_links
    from pipelines import incidents

    index = _index()
    full = index.links()
    assert any(link.shared for link in full)
    monkeypatch.setattr(incidents, "LINK_CHUNK", 16)
    for processes in (1, 2):
        slim = incidents.find_links(index, processes=processes, detail=False)
        assert all(link.shared == () and link.combo == () and link.reason == ""
                   for link in slim)
        assert [(s.a, s.b, s.score, s.anchors, s.coverage) for s in slim] == \
            [(s.a, s.b, s.score, s.anchors, s.coverage) for s in full]
        assert merge_links(index, slim).clusters == merge_links(index, full).clusters
        ids = {i: i for i in index.docs}
        assert all(s.a is ids[s.a] and s.b is ids[s.b] for s in slim)


def test_doc_store_gives_back_each_doc_as_added_and_one_object_while_held():
    """The index keeps stories as tuples and float arrays (``DocStore``), never their sets:
    each doc comes back equal, with the same background (values exact, any keys), and as the
    same object while anyone holds it (own weights are cached per stored object)."""
    from dedupe.incidents.store import RECENT, DocStore

    index = _index()
    given = IncidentDoc("x1", date(2024, 2, 1), frozenset({"num:1234", "ent:abc"}),
                        frozenset({"term:t1"}), "en",
                        {"ent:abc": 0.1 + 0.2, "ent:elsewhere": 2.5, "term:t1": 0.35})
    index.add(given)
    back = index.docs["x1"]
    assert back == given and dict(back.background) == dict(given.background)
    assert back is index.docs["x1"] and index.docs.is_stored(back)
    assert not index.docs.is_stored(given)
    store = DocStore()
    for i in range(RECENT + 10):
        store.put(IncidentDoc(f"s{i}", None, frozenset({f"num:{i}"})))
    held = store["s0"]
    for i in range(1, RECENT + 10):
        store[f"s{i}"]  # noqa: B018 -- pushes s0 out of the recent docs
    assert store["s0"] is held and store.is_stored(held)
    assert not hasattr(store._rows["s1"], "__dict__")  # slots: a row is its fields only


def test_doc_store_keeps_integer_rows_and_gives_each_story_back_as_stored():
    """A story is its key numbers (4 bytes a key) and one 2-byte code a key, and nothing is
    lost: keys, probes (a key may be both), background rarities (of keys it does not hold
    too, 0.0 and -0.0 told apart), day and language come back as stored."""
    import math

    from dedupe.incidents.store import DocStore

    rng = random.Random(7)
    keys = [f"num:{i}" for i in range(30)] + [f"ent:n{i}" for i in range(30)]
    store, docs = DocStore(), []
    for i in range(200):
        solid = frozenset(rng.sample(keys, rng.randrange(0, 20)))
        probes = frozenset(rng.sample(keys, rng.randrange(0, 5)))
        held = sorted(solid | probes) + ["term:not-held"]
        background = {k: rng.choice([0.1, 0.25, 0.7, 1.0, 0.0, -0.0, 1.5])
                      for k in rng.sample(held, min(len(held), rng.randrange(0, 10)))}
        doc = IncidentDoc(f"d{i:03d}", date(2024, 1, 1 + i % 28) if i % 5 else None, solid,
                          probes, rng.choice(["en", "zh", None]), background)
        store.put(doc)
        docs.append(doc)
    assert len(store.names) == len(set(keys) & {k for d in docs for k in d.keys | d.probes})
    for doc in docs:
        again = store[doc.id]
        assert again == doc and again.day == doc.day and again.lang == doc.lang
        assert again.background == doc.background
        assert ({k: math.copysign(1.0, v) for k, v in again.background.items()}
                == {k: math.copysign(1.0, v) for k, v in doc.background.items()})
        row = store._rows[doc.id]
        assert row.keys.itemsize == 4 and row.codes.itemsize == 2
        assert len(row.keys) == len(doc.keys | doc.probes)
    # the rows concatenated for the index's arrays stay 6 bytes a story-key
    ids = sorted(store)
    start, held, codes, _ = store.arrays(ids)
    assert held.dtype == np.int32 and codes.dtype == np.uint16
    assert held[start[3]:start[4]].tolist() == list(store._rows[ids[3]].keys)


def test_freed_memory_goes_back_before_the_link_pool_forks(monkeypatch):
    """The pool's workers start from the forking process's RSS: the key table's and the
    candidates' freed temporaries are handed back first (then the same links)."""
    from pipelines import incidents

    index = _index()
    expected = index.links()
    steps = []
    stream = incidents._forked_stream
    monkeypatch.setattr(incidents, "release_freed_memory", lambda: steps.append("release"))
    monkeypatch.setattr(incidents, "_forked_stream",
                        lambda *a, **k: (steps.append("fork"), stream(*a, **k))[1])
    monkeypatch.setattr(incidents, "LINK_CHUNK", 16)
    assert incidents.find_links(index, processes=2) == expected
    assert steps == ["release", "fork"]
