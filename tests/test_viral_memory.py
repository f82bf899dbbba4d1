"""A viral story (thousands of copies of one text) clusters in linear memory, into one story.

The story index used to pair every two members of an equal-band-key run; 1,000 copies of one
80-word text took 1.8 GB and 3,000 a MemoryError above 10 GB. The clustering runs in a child
process whose address space is capped (RLIMIT_AS), so a regression fails instead of eating the
machine, and the child reports its peak RSS.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np

from dedupe import StoryConfig, StoryDoc, StoryIndex, group_stories
from dedupe.stories.index import batch_pair_blocks, batch_pairs

WORDS = ("the minister said on tuesday that the new rail line would open next spring after "
         "years of delay and a budget that doubled while engineers fought flooding in two tunnels "
         "under the river and residents of the northern suburbs waited for a faster way into the "
         "city centre where most of them work").split()

CHILD = textwrap.dedent('''
    import json, resource, sys
    cap = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from dedupe import StoryDoc, group_stories
    n = int(sys.argv[1])
    text = sys.argv[3]
    variants = sys.argv[4] == "near"
    docs = [StoryDoc(f"d{i:06d}", text + (f" source {i % 7}" if variants else ""), None, 80)
            for i in range(n)]
    clusters = group_stories(docs)
    print(json.dumps({"clusters": len(clusters), "largest": max(map(len, clusters)),
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
''')


def _cluster_in_child(n: int, kind: str, cap_bytes: int = 1 << 30) -> dict:
    text = " ".join(WORDS[:80])
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), str(cap_bytes), text, kind],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def test_3000_identical_texts_one_story_under_1gb():
    got = _cluster_in_child(3000, "same")
    assert got == {**got, "clusters": 1, "largest": 3000}
    assert got["maxrss_kb"] < 1 << 20


def test_3000_near_identical_texts_one_story_under_1gb():
    # seven variants: not verbatim copies, so the capped run pairing does the work
    got = _cluster_in_child(3000, "near")
    assert got == {**got, "clusters": 1, "largest": 3000}
    assert got["maxrss_kb"] < 1 << 20


def test_run_pairs_capped_but_exact_for_short_runs():
    keys = np.zeros((50, 2), np.uint32)
    keys[:, 1] = np.arange(50) + 100  # one run of 50 in column 0, singletons in column 1
    assert len(batch_pairs(keys)) == 50 * 49 // 2
    capped = batch_pairs(keys, max_partners=3)
    # each row meets the run's first three rows: 3 pairs among them + 47 rows x 3
    assert len(capped) == 3 + 47 * 3
    assert set(capped[:, 0].tolist()) == {0, 1, 2}
    blocks = list(batch_pair_blocks(keys, max_partners=3, block=10))
    assert len(blocks) > 1 and sum(len(b) for b in blocks) == len(capped)


def test_incremental_query_capped_to_run_head():
    index = StoryIndex()
    text = " ".join(WORDS[:80])
    index.add_many([StoryDoc(f"a{i}", text + f" edition {i}", None, 80) for i in range(40)])
    rows, docs = index.lsh.query(index.features.keys(index.config)[:1], limit=5)
    assert len(docs) and len(set(docs.tolist())) <= 5 * 48
    assert set(docs.tolist()) <= set(range(40))


def test_verbatim_copies_join_across_batches_and_match_batch():
    text = " ".join(WORDS[:80])
    docs = [StoryDoc(f"d{i}", text if i % 3 else text + " extra words here", None, 80)
            for i in range(30)]
    docs.append(StoryDoc("other", " ".join(reversed(WORDS)), None, 80))
    index = StoryIndex(StoryConfig())
    for start in range(0, len(docs), 7):
        index.add_many(docs[start:start + 7])
    assert index.clusters() == group_stories(docs)
    assert ["other"] in index.clusters() and max(map(len, index.clusters())) == 30
