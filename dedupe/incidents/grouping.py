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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..unionfind import UnionFind
from .evidence import Evidence

if TYPE_CHECKING:
    from .linking import IncidentIndex, PairScore


@dataclass(frozen=True)
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


def core(members: Sequence, counts: Counter) -> frozenset[str]:
    """The keys at least two members hold (all keys of a single story)."""
    if len(members) == 1:
        return frozenset(counts)
    return frozenset(k for k, n in counts.items() if n >= 2)


def merge_links(index: IncidentIndex, links: Sequence[PairScore]) -> Grouping:
    """Incidents from ``links`` (see the module docstring), sorted lists of story ids sorted by
    first id, singletons included; and every link's merge decision."""
    from .linking import IncidentDoc

    docs = index.docs
    ids = sorted(docs)
    number = {doc_id: i for i, doc_id in enumerate(ids)}
    union = UnionFind(range(len(ids)))
    members: dict[int, list[str]] = {i: [doc_id] for i, doc_id in enumerate(ids)}
    counts: dict[int, Counter] = {i: Counter(docs[d].keys | docs[d].probes)
                                  for i, d in enumerate(ids)}
    merges = []
    for link in sorted(links, key=lambda s: (-s.score, s.a, s.b)):
        ra, rb = union.find(number[link.a]), union.find(number[link.b])
        if ra == rb:
            continue
        if len(members[ra]) > 1 or len(members[rb]) > 1:
            sides = []
            for root, doc_id in ((ra, link.a), (rb, link.b)):
                keys = core(members[root], counts[root])
                background = {k: min(docs[m].background.get(k, 1.0) for m in members[root])
                              for k in keys}
                sides.append(IncidentDoc(id=doc_id, day=docs[doc_id].day, keys=keys,
                                         background=background))
            test = index.score(*sides)
            if not test.linked:
                merges.append(Merge(link.a, link.b, False,
                                    f"groups of {len(members[ra])} and {len(members[rb])} "
                                    f"stories: their shared cores do not match ({test.reason})"))
                continue
        merges.append(Merge(link.a, link.b, True, link.reason))
        union.union(ra, rb)
        root = union.find(ra)
        other = rb if root == ra else ra
        members[root] = members[root] + members.pop(other)
        counts[root] = counts[root] + counts.pop(other)
    clusters = [sorted(group) for group in members.values()]
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
