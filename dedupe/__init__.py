"""newsdedup's clustering library: text in, stories out (numpy + datasketch, no I/O, no Scrapy).

shingles -> sketch (one-permutation MinHash) -> index (banded LSH) -> stories (verify + union-find).
"""
from .index import (ArrayBandStore, BandLayout, BandStore, LSHIndex, StorageBandStore,
                    band_keys, batch_pairs, candidate_probability, false_negative_probability,
                    false_positive_probability, optimal_layout)
from .shingles import CJK_N, WORD_N, shingle_batch, shingle_hashes, shingle_hashes_many
from .sketch import SketchScheme, Sketcher, estimate_containment, estimate_jaccard
from .features import Features, StoryConfig, StoryDoc, featurise, link_test
from .pair_evidence import PairEvidence, explain
from .stories import StoryIndex, choose_representative, group_stories
from .unionfind import UnionFind

__all__ = [
    "ArrayBandStore", "BandLayout", "BandStore", "LSHIndex", "StorageBandStore", "band_keys",
    "batch_pairs", "candidate_probability", "false_negative_probability",
    "false_positive_probability", "optimal_layout",
    "CJK_N", "WORD_N", "shingle_batch", "shingle_hashes", "shingle_hashes_many",
    "SketchScheme", "Sketcher", "estimate_containment", "estimate_jaccard",
    "Features", "PairEvidence", "StoryConfig", "StoryDoc", "StoryIndex", "choose_representative", "explain",
    "featurise", "group_stories", "link_test", "UnionFind",
]
