"""Why two documents are (not) one story: the clusterer's evidence next to exact set values."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import LINK_CONTAINMENT, LINK_JACCARD, NO_LINK, StoryConfig, StoryDoc, featurise, link_test
from .shingles import shingle_batch, shingle_hashes, sorted_unique
from .sketch import estimate_containment


@dataclass(frozen=True)
class PairEvidence:
    """Why two documents are (not) linked: sketch estimates, exact values and the decision."""

    estimated_jaccard: float
    estimated_containment_a_in_b: float  # from Jaccard and set sizes
    estimated_containment_b_in_a: float
    estimated_lead_containment: float  # the truncated-copy test: leads agree in place
    jaccard: float  # exact, over shingle sets
    containment_a_in_b: float
    containment_b_in_a: float
    lead_containment: float  # exact, smaller lead in the larger (positions ignored)
    shared_shingles: int
    shingles_a: int
    shingles_b: int
    candidate: bool  # share a band key, so the index compares them
    linked: bool
    reason: str
    notes: tuple[str, ...] = ()


def _lead_set(text: str, config: StoryConfig) -> np.ndarray:
    batch = shingle_batch([text], cjk_n=config.cjk_n, word_n=config.word_n)
    return sorted_unique(batch.hashes[batch.token_pos < config.lead_tokens])


def explain(doc_a: StoryDoc, doc_b: StoryDoc, config: StoryConfig = StoryConfig()) -> PairEvidence:
    """Evidence for one pair, as the clusterer sees it, plus exact shingle-set values."""
    feats = featurise([doc_a.text, doc_b.text], config)
    keys = feats.keys(config)
    a, b = feats.take([0]), feats.take([1])
    test = link_test(a, b, config)
    candidate = bool(np.intersect1d(keys[0], keys[1]).size) and bool(feats.sizes.min() > 0)
    sa = shingle_hashes(doc_a.text, cjk_n=config.cjk_n, word_n=config.word_n)
    sb = shingle_hashes(doc_b.text, cjk_n=config.cjk_n, word_n=config.word_n)
    shared = int(np.intersect1d(sa, sb, assume_unique=True).size)
    union = len(sa) + len(sb) - shared
    la, lb = _lead_set(doc_a.text, config), _lead_set(doc_b.text, config)
    lead_shared = int(np.intersect1d(la, lb, assume_unique=True).size)
    est_j = float(test.jaccard[0])
    notes = []
    if not candidate:
        notes.append("no shared band key: the index never compares this pair")
    if min(feats.sizes) < config.min_containment_shingles:
        notes.append(f"smaller text has < {config.min_containment_shingles} shingles: "
                     "no containment link")
    reason = (NO_LINK, LINK_JACCARD, LINK_CONTAINMENT)[int(test.reason[0])] if candidate else NO_LINK
    return PairEvidence(
        estimated_jaccard=est_j,
        estimated_containment_a_in_b=float(estimate_containment(est_j, a.sizes[0], b.sizes[0])),
        estimated_containment_b_in_a=float(estimate_containment(est_j, b.sizes[0], a.sizes[0])),
        # a share: the estimator overshoots on a short lead (1.4); no test threshold is above 1
        estimated_lead_containment=min(1.0, float(test.lead_containment[0])),
        jaccard=shared / union if union else 0.0,
        containment_a_in_b=shared / len(sa) if len(sa) else 0.0,
        containment_b_in_a=shared / len(sb) if len(sb) else 0.0,
        lead_containment=lead_shared / min(len(la), len(lb)) if min(len(la), len(lb)) else 0.0,
        shared_shingles=shared, shingles_a=len(sa), shingles_b=len(sb),
        candidate=candidate, linked=bool(test.linked[0]) and candidate,
        reason=reason, notes=tuple(notes),
    )
