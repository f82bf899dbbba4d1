"""From linked story pairs to incidents without chaining, and a story's evidence from its copies.

Union-find over links chains: on ~120 unrelated real news stories (bench/incident_checks.py)
one incident grew to 81 stories, each joined by one pair sharing two thin facts with one member.
Here a link merges two groups only when the groups *as wholes* match:

  core(G) = the keys at least two members of G hold (a single story: all its keys)

  Links are taken strongest first (score, then ids). Two single stories merge on their link.
  Otherwise the link merges groups A and B only when core(A) and core(B), scored as two stories
  with the link's dates (``IncidentIndex.score``: same weights, time rule and thresholds), are
  linked too. A story thus joins an incident by sharing the facts the incident's reports agree
  on (the name, the sum, the court), not facts one member happens to share with it; a group
  never grows through a member's side facts.

The result depends only on the set of links, so incremental = batch still holds.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..unionfind import UnionFind
from .evidence import Evidence
from .records import IncidentDoc

if TYPE_CHECKING:
    from .linking import IncidentIndex, PairScore


@dataclass(frozen=True, slots=True)
class Merge:
    """One link considered while grouping: did it merge two groups, and why (not)."""

    a: str
    b: str
    merged: bool
    reason: str


@dataclass
class Grouping:
    clusters: list[list[str]]
    merges: list[Merge] = field(default_factory=list)


@dataclass
class _Group:
    """A growing incident: its members and what its core needs, kept up to date on each merge
    so that a link test costs the size of the core, never a pass over every member (recomputing
    the core per test took 300 s for 3,000 articles whose largest group held 409 stories)."""

    members: list[str]
    held: set[str]  # keys any member holds (solid or probe)
    multi: set[str]  # keys at least two members hold
    lowest: dict[str, float]  # key → lowest background any member gives (the core's: ``core``)
    above_one: set[str]  # keys whose lowest background is > 1.0 (none from the pipeline)
    givers: dict[str, int]  # key of ``above_one`` → members giving a background
    _core: tuple[frozenset[str], Mapping[str, float]] | None = None
    _own: dict = field(default_factory=dict)  # day → own weight of the core (IncidentDoc.own_cache)

    @classmethod
    def of(cls, doc: IncidentDoc) -> _Group:
        above = {k for k, v in doc.background.items() if v > 1.0}
        return cls([doc.id], set(doc.keys | doc.probes), set(), dict(doc.background), above,
                   dict.fromkeys(above, 1))

    def absorb(self, other: _Group) -> None:
        """Merge ``other`` (the smaller group) into this one: O(size of other), in set and dict
        operations (a key held by both is held by two members; a key's lowest background is
        the lower of the two; it stays above 1.0 only when it is on both sides or one side
        alone, every member that gives one giving more than 1.0)."""
        self.members.extend(other.members)
        self.multi |= other.multi
        self.multi |= self.held & other.held
        self.held |= other.held
        mine, theirs = self.lowest, other.lowest
        both = theirs.keys() & mine.keys()  # a view's ``&`` copies its left side: the smaller
        lower = {k: min(theirs[k], mine[k]) for k in both}
        mine.update(theirs)
        mine.update(lower)
        above = ((self.above_one & other.above_one) | (self.above_one - both)
                 | (other.above_one - both))
        self.givers = {k: self.givers.get(k, 0) + other.givers.get(k, 0) for k in above}
        self.above_one = above
        self._core = None
        self._own = {}

    def core(self) -> tuple[frozenset[str], Mapping[str, float]]:
        """(core keys, their background rarity: the lowest any member gives, 1.0 for members
        that give none — so the lowest, capped at 1.0 unless every member gives one; keys
        without one are absent, i.e. 1.0), cached until the next merge. The rarity map is the
        group's running ``lowest`` itself (it may hold non-core keys: lookups are by core
        key), rebuilt only for a value > 1.0, which no pipeline background has: a merge
        costs the size of the core once (a frozenset copy in C), not a Python pass."""
        if self._core is None:
            keys = frozenset(self.held) if len(self.members) == 1 else frozenset(self.multi)
            background: Mapping[str, float] = self.lowest
            if self.above_one:
                size = len(self.members)
                background = dict(self.lowest)
                for key in self.above_one:
                    if self.givers[key] != size:
                        background[key] = 1.0
            self._core = keys, background
        return self._core

    def side(self, doc_id: str, day: date | None) -> IncidentDoc:
        """The group's core as a story at ``doc_id`` and ``day`` (one end of a link)."""
        keys, background = self.core()
        return IncidentDoc(id=doc_id, day=day, keys=keys, background=background,
                           own_cache=self._own)


def merge_links(index: IncidentIndex, links: Sequence[PairScore]) -> Grouping:
    """Incidents from ``links`` (see the module docstring), sorted lists of story ids sorted by
    first id, singletons included; and every link's merge decision.

    Cost: O(links × core size + keys · log stories) — groups merge smaller into larger."""
    docs = index.docs
    ids = sorted(docs)
    number = {doc_id: i for i, doc_id in enumerate(ids)}
    union = UnionFind(range(len(ids)))
    # A story's group is made when a link first reaches it: most stories are in no link, and
    # a group (key counts, background per key) weighs ~25 KB for a story of ~150 keys.
    groups: dict[int, _Group] = {}

    def group(root: int) -> _Group:
        found = groups.get(root)
        if found is None:
            found = groups[root] = _Group.of(docs[ids[root]])
        return found

    merges = []
    for link in sorted(links, key=lambda s: (-s.score, s.a, s.b)):
        ra, rb = union.find(number[link.a]), union.find(number[link.b])
        if ra == rb:
            continue
        size_a, size_b = len(group(ra).members), len(group(rb).members)
        if size_a > 1 or size_b > 1:
            test = index.score(groups[ra].side(link.a, docs.day(link.a)),
                               groups[rb].side(link.b, docs.day(link.b)), decision_only=True,
                               detail=False)
            if not test.linked:
                merges.append(Merge(link.a, link.b, False,
                                    f"groups of {size_a} and {size_b} "
                                    f"stories: their shared cores do not match ({test.reason})"))
                continue
        merges.append(Merge(link.a, link.b, True, link.reason))
        union.union(ra, rb)
        root = union.find(ra)
        other = rb if root == ra else ra
        big, small = sorted((groups[root], groups.pop(other)), key=lambda g: -len(g.members))
        big.absorb(small)
        groups[root] = big
    clusters = [sorted(groups[i].members) if i in groups else [doc_id]
                for i, doc_id in enumerate(ids) if union.find(i) == i]
    return Grouping(sorted(clusters, key=lambda g: g[0]), merges)


def combine_copies(copies: Sequence[tuple[str, Evidence]], min_outlets: int = 2) -> Evidence:
    """A story's evidence from its copies' ``(outlet, evidence)``: the keys at least
    ``min_outlets`` distinct outlets agree on (every outlet when fewer). An outlet's vote is
    what all its copies agree on, so the same page at a second (mobile) URL votes once: a fact
    counts once per outlet, never once per copy. A portal's sidebar, comment or "more stories"
    block brings other events' facts into its copies; the outlets of one report agree on its
    own facts. (With the teaser filter, ``evidence.strip_teasers``, this took the sample dump
    from 4 incidents, P 0.17, to its 9 true ones; counting per copy instead of per outlet, the
    sample with every page at a second URL fell to 5 incidents.)"""
    by_outlet: dict[str, list[Evidence]] = {}
    for outlet, evidence in copies:
        by_outlet.setdefault(outlet, []).append(evidence)
    votes: Counter[str] = Counter()
    surfaces = Evidence()
    for outlet in sorted(by_outlet):
        found = by_outlet[outlet]
        solid = set.intersection(*(set(e.keys) for e in found))
        loose = set.intersection(*(set(e.keys) | set(e.probes) for e in found)) - solid
        votes.update(solid | loose)
        for evidence in found:
            surfaces.update(evidence)
    need = min(min_outlets, len(by_outlet))
    combined = Evidence()
    for key, surface in surfaces.keys.items():
        if votes[key] >= need:
            combined.add(key, surface)
    for key, surface in surfaces.probes.items():
        if votes[key] >= need:
            combined.add(key, surface, solid=False)
    return combined.finish()
