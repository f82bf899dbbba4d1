"""What the story clusterer keeps of a document, and the test that links two documents.

``featurise`` turns texts into ``Features``: a 128-bin signature of all shingles, a 64-bin
signature of the lead's shingles (with where each lead bin's minimum occurs) and the two set
sizes. ``link_test`` decides, from two documents' features alone, whether they are copies:
  * their estimated Jaccard >= jaccard_threshold (re-headlined copy, dropped or added paragraph), or
  * they look like a truncated copy and its original (an aggregator's first 20-40%, often followed
    by a "read more" line and related-story leads): the two *leads* (first tokens) share most of
    the smaller lead, counting only sketch bins whose minima sit at about the same position in
    both texts, and the smaller text is partly contained in the larger.
The position condition is the guard against a short sidebar (the lead of story B printed inside a
copy of story A): B's lead is contained in that copy, but far from where it starts. Plain
containment from Jaccard and sizes is reported (``explain``) but not used alone: with |L|/|S|
near 10 one agreeing bin moves it by ~0.1, and a sidebar is genuinely contained.

Signature values are 16 bits: the low 16 bits of each bin's 32-bit minimum ("b-bit minwise
hashing"); two bins agree by chance with probability 2**-16, which moves a Jaccard estimate by
< 0.0001 and halves the sketches (456 bytes a document in all).
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Sequence

import numpy as np

from .index import BandLayout, band_keys
from .shingles import CJK_N, WORD_N, distinct_counts, shingle_batch
from .sketch import Sketcher, SketchScheme, estimate_containment

# Salts that keep the band keys of the full and the lead sketch apart in one band table.
FULL_SALT, LEAD_SALT = 0, 1
SIG_DTYPE = np.uint16
# Texts are featurised in groups of about this many characters or texts (bounds temporary memory;
# distinct_counts takes any number).
_FEATURE_CHUNK_CHARS = 1 << 20
_FEATURE_CHUNK_DOCS = 1 << 16
# Below this many texts a process pool costs more than it saves.
_PARALLEL_MIN_DOCS = 2000


@dataclass(frozen=True)
class StoryDoc:
    """One article as the clusterer sees it (text already normalised for matching)."""

    id: str
    text: str
    published: str | None
    length: int


@dataclass(frozen=True)
class StoryConfig:
    """Sketch schemes, band layouts and link thresholds.

    Chosen on 8,976 documents: 561 real articles (../shared gold texts, 85 zh + 476 en) and 15
    syndicated variants of each (re-headlined, dropped paragraph, source line, ad paragraph, all
    four, 0.5% edits, truncated to 20/30/40%, aggregator cut + related-story leads, full copy +
    sidebar leads, and a 25-45 token site-navigation header shared by 1,122 of them). With these
    values: pairwise P 1.000, R 0.992, no merged stories; one value changed at a time:
      jaccard_threshold 0.4 / 0.6: R 0.994 / 0.986 (0.5 kept: misses are < 30-shingle texts)
      max_lead_shift 16 / 96: R 0.991 / P 0.996 (a merge);  lead_tokens 192: P 0.996
      lead_containment_threshold 0.6: R 0.991;  min_shared_lead 32 / 48: P 0.996 / R 0.986
      lead sketch of 32 bins instead of 64: P 0.966, 4 merged stories (too noisy)
      min_containment_shingles 20 / 50, containment_threshold 0.1-0.3, bands 24x4 / 42x3: same.
    """

    # 128 bins: J estimate sd <= 0.044; the same size as the datasketch baseline.
    scheme: SketchScheme = SketchScheme(num_perm=128, seed=1)
    # P(candidate) = 0.986 at J = 0.5, 0.9996 at J = 0.7, 0.12 at J = 0.2, ~0 below 0.05.
    bands: BandLayout = BandLayout(bands=32, rows=3)
    lead_scheme: SketchScheme = SketchScheme(num_perm=64, seed=2)
    # Truncated copies share the lead (lead J 0.4-1): P(candidate) 0.93-1.0.
    lead_bands: BandLayout = BandLayout(bands=16, rows=2)
    lead_tokens: int = 160  # the lead: shingles starting in the first 160 tokens
    cjk_n: int = CJK_N
    word_n: int = WORD_N
    jaccard_threshold: float = 0.5
    # Truncated-copy test: the leads share >= 50% of the smaller lead and >= 40 shingles, counting
    # only lead bins whose minima sit within 48 tokens of each other in the two texts (a new
    # headline or source line shifts a copy by 10-40 tokens; a sidebar sits much further away).
    lead_containment_threshold: float = 0.5
    min_shared_lead: int = 40
    max_lead_shift: int = 48
    # ...and the smaller text must be (estimated) >= 20% inside the larger, at most 10x smaller,
    # and have >= 30 shingles: below that a shared boilerplate header can dominate a text.
    containment_threshold: float = 0.2
    max_containment_ratio: float = 10.0
    min_containment_shingles: int = 30
    # Processes for shingling and sketching big batches. How, not what: it never changes a
    # result, so it is left out of equality and of as_dict (a persisted index stays valid).
    workers: int = field(default=1, compare=False)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["workers"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StoryConfig":
        data = dict(data)
        for name in ("scheme", "lead_scheme"):
            data[name] = SketchScheme(**data[name])
        for name in ("bands", "lead_bands"):
            data[name] = BandLayout(**data[name])
        return cls(**data)


@dataclass
class Features:
    """Per-document sketches: what the index keeps instead of the text."""

    sigs: np.ndarray  # uint16[n, num_perm]: signature of all shingles (low 16 bits of each bin)
    leads: np.ndarray  # uint16[n, lead num_perm]: signature of the shingles starting in the lead
    lead_pos: np.ndarray  # uint8[n, lead num_perm]: where each lead bin's minimum first occurs
    sizes: np.ndarray  # int32[n]: distinct shingles
    lead_sizes: np.ndarray  # int32[n]: distinct shingles of the lead

    FIELDS = ("sigs", "leads", "lead_pos", "sizes", "lead_sizes")

    def __len__(self) -> int:
        return len(self.sizes)

    def take(self, rows) -> "Features":
        return Features(*(getattr(self, f)[rows] for f in self.FIELDS))

    def resized(self, cap: int) -> "Features":
        """A copy with room for ``cap`` rows (rows beyond the current ones are zero)."""
        def grow(arr):
            out = np.zeros((cap,) + arr.shape[1:], dtype=arr.dtype)
            out[:min(len(arr), cap)] = arr[:cap]
            return out
        return Features(*(grow(getattr(self, f)) for f in self.FIELDS))

    def put(self, start: int, other: "Features") -> None:
        for f in self.FIELDS:
            getattr(self, f)[start:start + len(other)] = getattr(other, f)

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, f).nbytes for f in self.FIELDS)

    def keys(self, config: StoryConfig) -> np.ndarray:
        """uint32[n, bands + lead bands]: every band key of each document."""
        return np.concatenate((band_keys(self.sigs, config.bands, FULL_SALT),
                               band_keys(self.leads, config.lead_bands, LEAD_SALT)), axis=1)


def empty_features(config: StoryConfig) -> Features:
    k, kl = config.scheme.num_perm, config.lead_scheme.num_perm
    return Features(np.zeros((0, k), SIG_DTYPE), np.zeros((0, kl), SIG_DTYPE),
                    np.zeros((0, kl), np.uint8), np.zeros(0, np.int32), np.zeros(0, np.int32))


def low_bits(sigs: np.ndarray) -> np.ndarray:
    """b-bit signature values: the low 16 bits of each 32-bit bin minimum."""
    return (sigs & 0xFFFF).astype(SIG_DTYPE)


def featurise(texts: Sequence[str], config: StoryConfig) -> Features:
    """Shingle and sketch texts; in ``config.workers`` processes when the batch is big."""
    texts = list(texts)
    if config.workers > 1 and len(texts) >= _PARALLEL_MIN_DOCS:
        return _featurise_parallel(texts, config)
    return _featurise(texts, config)


def _featurise_parallel(texts: list[str], config: StoryConfig) -> Features:
    """Contiguous slices of about equal length in a process pool, concatenated in order."""
    bounds = np.searchsorted(np.cumsum([len(t) + 1 for t in texts]),
                             np.linspace(0, sum(len(t) + 1 for t in texts), config.workers + 1)[1:-1])
    parts = np.split(np.arange(len(texts)), bounds)
    serial = replace(config, workers=1)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=config.workers, mp_context=context) as pool:
        results = list(pool.map(_featurise, [[texts[i] for i in p] for p in parts],
                                [serial] * len(parts)))
    return Features(*(np.concatenate([getattr(r, f) for r in results]) for f in Features.FIELDS))


def _featurise(texts: Sequence[str], config: StoryConfig) -> Features:
    """Shingle and sketch texts, a group of about _FEATURE_CHUNK_CHARS characters at a time."""
    full, lead = Sketcher(config.scheme), Sketcher(config.lead_scheme)
    parts = [empty_features(config)]
    start = 0
    while start < len(texts):
        stop, size = start, 0
        while stop < len(texts) and (stop == start or (size < _FEATURE_CHUNK_CHARS
                                                       and stop - start < _FEATURE_CHUNK_DOCS)):
            size += len(texts[stop])
            stop += 1
        m = stop - start
        batch = shingle_batch(texts[start:stop], cjk_n=config.cjk_n, word_n=config.word_n)
        doc = np.repeat(np.arange(m), np.diff(batch.offsets))
        in_lead = batch.token_pos < config.lead_tokens
        lead_offsets = np.zeros(m + 1, np.int64)
        np.cumsum(np.bincount(doc[in_lead], minlength=m), out=lead_offsets[1:])
        lead_hashes = batch.hashes[in_lead]
        leads, lead_pos = lead.sketch_flat(lead_hashes, lead_offsets, batch.token_pos[in_lead])
        parts.append(Features(low_bits(full.signatures_flat(batch.hashes, batch.offsets)),
                              low_bits(leads), lead_pos.astype(np.uint8),
                              distinct_counts(batch.hashes, batch.offsets).astype(np.int32),
                              distinct_counts(lead_hashes, lead_offsets).astype(np.int32)))
        start = stop
    return Features(*(np.concatenate([getattr(p, f) for p in parts]) for f in Features.FIELDS))


# Reasons reported by the link test (explain shows them).
NO_LINK, LINK_JACCARD, LINK_CONTAINMENT = "no-link", "jaccard", "truncated-copy"


@dataclass
class PairTest:
    """Result of ``link_test`` for m pairs (arrays of length m)."""

    linked: np.ndarray  # bool
    reason: np.ndarray  # 0 no link, 1 jaccard, 2 truncated copy
    jaccard: np.ndarray  # estimated, whole texts
    containment: np.ndarray  # estimated from jaccard and sizes, smaller text in the larger
    lead_containment: np.ndarray  # smaller lead in the larger, from lead bins agreeing in place


def link_test(a: Features, b: Features, config: StoryConfig) -> PairTest:
    """Vectorised, symmetric link decision for pairs (row i of ``a`` with row i of ``b``).

    Linked when the estimated Jaccard is high, or when the smaller text looks like a truncated
    copy of the larger: enough shingles, contained in it, and the two *open* alike - their lead
    sketches agree on minima found at (nearly) the same token positions. A sidebar, a related-
    stories list or a copied lead inside another text sits elsewhere, so it cannot make leads agree.
    """
    k, kl = a.sigs.shape[-1], a.leads.shape[-1]
    # Integer match counts against integer bounds: the same decision on every platform.
    matches = np.count_nonzero(a.sigs == b.sigs, axis=-1)
    shift = np.abs(a.lead_pos.astype(np.int16) - b.lead_pos.astype(np.int16))
    aligned = np.count_nonzero((a.leads == b.leads) & (shift <= config.max_lead_shift), axis=-1)
    nonempty = (a.sizes > 0) & (b.sizes > 0)
    by_jac = nonempty & (matches >= int(np.ceil(config.jaccard_threshold * k - 1e-9)))
    small, large = np.minimum(a.sizes, b.sizes), np.maximum(a.sizes, b.sizes)
    cont = estimate_containment(matches / k, small, large)
    lead_j = aligned / kl
    small_lead = np.minimum(a.lead_sizes, b.lead_sizes)
    shared_lead = lead_j * (a.lead_sizes + b.lead_sizes) / (1.0 + lead_j)  # |lead_a ∩ lead_b|
    lead_cont = np.where(small_lead > 0, shared_lead / np.maximum(small_lead, 1), 0.0)
    by_cont = (nonempty & (small >= config.min_containment_shingles)
               & (large <= config.max_containment_ratio * small)
               & (cont >= config.containment_threshold - 1e-9)
               & (shared_lead >= config.min_shared_lead - 1e-9)
               & (lead_cont >= config.lead_containment_threshold - 1e-9))
    reason = np.where(by_jac, 1, np.where(by_cont, 2, 0))
    return PairTest(by_jac | by_cont, reason, matches / k, cont, lead_cont)
