"""Short templated texts: a near-duplicate link is vetoed where the extracted facts clash.

Three weather warnings for three counties, identical but for the place, the hours and the
rainfall, are near-duplicates by shingles (Jaccard 0.59-0.66, above the 0.5 link threshold) yet
three stories. Copies of one short text carry the same facts; a portal may *add* some (an ad's
"满199减50", a source line), never swap them. So two short texts *clash* when each has a fact
(a number, a Chinese place name) the other lacks, and a story of short texts is split into
groups without clashes; only instances of one template clash (they differ in their
slots only, ``skeleton``; two aggregator cuts of one report at different points do not). The
caller passes texts folded to one script (Traditional copies must not clash). Long texts are
left alone: a dropped or added paragraph of a long copy changes its numbers both ways, and
templated bulletins are short.

``split_templated`` works on finished clusters (pure: texts in, clusters out), so it keeps the
story layer's order independence: the same cluster always splits the same way.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher

# Texts shorter than this (characters after NFKC) are "short". The syndication benchmark's
# bases are ≥ 300 CJK / ≥ 800 Latin characters, and its copies are never split at this size
# (bench/clustering.py, recall unchanged); a county warning is ~100-200 characters.
SHORT_CHARS = 280
SKELETON_RATIO = 0.9
_NUMBER = re.compile(r"\d+(?:[.:]\d+)?")
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:自治县|县|市|区|镇|乡|旗)")
_LATIN_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")


def facts(text: str) -> frozenset[str]:
    """Numbers and place names of a text (``#12``, ``@临安区``, ``@Lincoln County``)."""
    text = unicodedata.normalize("NFKC", text)
    found = {f"#{m}" for m in _NUMBER.findall(text)}
    found.update(f"@{m}" for m in _PLACE.findall(text))
    found.update(f"@{m}" for m in _LATIN_NAME.findall(text))
    return frozenset(found)


def clash(a: frozenset[str], b: frozenset[str]) -> bool:
    """Each side has a fact the other lacks (an added line only adds facts on one side)."""
    return bool(a - b) and bool(b - a)


def skeleton(text: str) -> str:
    """The text with its facts blanked: what a template's instances have in common."""
    text = unicodedata.normalize("NFKC", text)
    for pattern in (_PLACE, _LATIN_NAME, _NUMBER):
        text = pattern.sub("□", text)
    return re.sub(r"\s+", "", text)


def _alike(a: str, b: str) -> bool:
    """Two instances of one template: their skeletons agree on ≥ SKELETON_RATIO (difflib);
    two aggregator cuts of one report, or a copy missing a paragraph, differ in whole sentences."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SKELETON_RATIO


def split_templated(clusters: Sequence[Sequence[str]], texts: Mapping[str, str],
                    short_chars: int = SHORT_CHARS) -> list[list[str]]:
    """``clusters`` with every cluster of short texts split into clash-free groups (members
    in id order join the first group they clash with no member of); long members stay with
    the largest group. ``texts``: at least every short member's text (a member absent from it
    counts as long). Sorted lists, sorted by first id."""
    out: list[list[str]] = []
    for cluster in clusters:
        members = sorted(cluster)
        short = [m for m in members if m in texts and len(texts[m]) < short_chars]
        if len(short) < 2:
            out.append(members)
            continue
        found = {m: facts(texts[m]) for m in short}
        skeletons = {m: skeleton(texts[m]) for m in short}
        groups: list[list[str]] = []
        for member in short:
            home = next((g for g in groups if not any(
                clash(found[member], found[o]) and _alike(skeletons[member], skeletons[o])
                for o in g)),
                None)
            if home is None:
                groups.append(home := [])
            home.append(member)
        largest = max(groups, key=len)
        largest.extend(m for m in members if m not in found)
        out.extend(sorted(g) for g in groups)
    return sorted(out, key=lambda g: g[0])
