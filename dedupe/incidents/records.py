"""The incident layer's records: a story as it sees it (``IncidentDoc``), the link rule's
parameters (``IncidentConfig``) and why two stories are or are not linked (``PairScore``).
The scoring model they serve is described in dedupe.incidents.linking."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

PRIORS = {"num": 1.0, "approx": 0.5, "pct": 0.8, "date": 0.6, "ent": 1.0, "term": 0.5}
ANCHOR_KINDS = frozenset({"num", "approx", "pct", "date", "ent"})
STRONG_KINDS = frozenset({"num", "approx", "ent"})  # a date or a percentage is not specific


@dataclass(frozen=True)
class IncidentDoc:
    """A story as the incident layer sees it: first publication day and evidence keys."""

    id: str
    day: date | None
    keys: frozenset[str]
    probes: frozenset[str] = frozenset()
    lang: str | None = None  # informational (explain, measurements); scoring ignores it
    # key → background rarity in [0, 1] from general word frequencies (pipelines.incidents:
    # wordfreq over the key's surface forms); keys absent are rare (1.0).
    background: Mapping[str, float] = field(default_factory=dict, compare=False, hash=False)
    # day → ``IncidentIndex.own_weight``, shared by the docs that stand for one incident core
    # (grouping.merge_links: a core is weighed once per day, and only when a decision needs it)
    own_cache: dict | None = field(default=None, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class IncidentConfig:
    """Link rule parameters (see the module docstring and bench/incidents.py)."""

    # With background rarity (weights of common words and names cut to ≥ 0.1), chosen on the
    # tuning splits (dev, check, blind, fresh, months) and the unrelated-news check together
    # (bench/incident_checks.py; never on held): min_score 1.8 / 2.1 / 2.6 gave unrelated-news
    # precision 0.81 / 0.90 / 0.93 and fresh recall 0.75 / 0.38 / 0.38, check 0.57 / 0.57 / 0.29.
    # Window: weak evidence needs stories within 10 days (7-14 gave the same on dev).
    window_days: int = 10
    min_score: float = 2.1
    min_anchors: int = 2
    anchor_rarity: float = 0.5
    rarity_floor: int = 50
    priors: tuple[tuple[str, float], ...] = tuple(sorted(PRIORS.items()))
    # Time scales with evidence: a shared key is a *strong* fact when it is a number or a name
    # with weight ≥ strong_rarity × prior (rare in the corpus and in general language); pairs
    # sharing 2 strong facts may be ``gap_days[0]`` apart, 3 or more ``gap_days[1]`` (arrest,
    # indictment, trial and verdict of one case span months: the months/held splits). Undated
    # stories count as far apart: only strong facts link them.
    strong_rarity: float = 0.7
    gap_days: tuple[int, int] = (180, 400)
    # A combination of individually common facts (a place, an act, a legal action, what was sold)
    # that few stories in range have together is evidence too (``IncidentIndex._combo``).
    # It never makes a fact strong, so it links stories close in time only.
    combo_min: int = 4
    combo_prior: float = 1.0
    combo_scan: int = 1024  # a combination whose rarest key has more stories is not rare
    # Candidate pairs come from keys held by at most this many stories within max gap of a
    # story (a commoner key is no anchor whatever the corpus: linear candidate generation).
    posting_cap: int = 64
    # Two-digit numbers: long reports carry dozens ("10", "20", "30" …) and any two share a few
    # by chance (20 of the 44 false links on the unrelated-news check at min_score 2.1 rested on
    # them). At most this many count, and at most one as a rare fact.
    max_small_numbers: int = 2
    # The shared weight must be this share of the lighter story's own evidence (Σ weight of its
    # keys). Two long reports on one topic share several rare names by the sheer number they
    # carry: on the unrelated-news check 42 of 46 false links covered < 20 %, while 51 of 55
    # true links on the tuning splits covered ≥ 20 % (bench/incident_checks.py).
    min_coverage: float = 0.2

    def __post_init__(self) -> None:
        if self.min_anchors < 1:
            raise ValueError("min_anchors must be ≥ 1: candidate pairs are found through anchors")

    def prior(self, key: str) -> float:
        return _priors(self.priors).get(kind_of(key), 1.0)

    def allowed_gap(self, strong: int) -> int:
        """Days two stories may be apart given the number of strong facts they share."""
        if strong >= 3:
            return self.gap_days[1]
        return self.gap_days[0] if strong == 2 else self.window_days


@lru_cache(maxsize=16)
def _priors(priors: tuple[tuple[str, float], ...]) -> dict[str, float]:
    return dict(priors)


def kind_of(key: str) -> str:
    return key.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class SharedKey:
    key: str
    weight: float
    df: int
    counted: bool  # False when subsumed (inside a longer shared name, or a shared exact number)
    background: float = 1.0  # rarity in general language (1.0 = rare or unknown)


@dataclass(frozen=True, slots=True)
class PairScore:
    """Why two stories are (not) in one incident."""

    a: str
    b: str
    days_apart: int | None
    within_window: bool
    stories_in_range: int
    shared: tuple[SharedKey, ...]
    score: float
    anchors: int
    linked: bool
    reason: str
    strong: int = 0  # strong facts shared (numbers, names rare in corpus and language)
    allowed_days: int = 0  # the time gap this evidence allows
    combo: tuple[str, ...] = ()  # keys rare together, counted as one anchor
    combo_weight: float = 0.0
    coverage: float = 0.0  # score / the lighter story's own evidence weight
