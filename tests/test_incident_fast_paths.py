"""The incident stage's fast paths give exactly what the plain algorithms they replace give.

Each fast path (issue 15) is checked against a straightforward reference written here: forward
maximum matching tried at every length, a regex search per key term, a ``re.sub`` per Latin
word, and grouping that recomputes every group's core on each link test.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.incidents.bilingual import (
    NAME_CONNECTORS,
    NAMED_BODIES,
    STOP_CAPS,
    TERMS,
    Lexicon,
    proper_nouns,
    segment_proper,
)
from dedupe.incidents.evidence import (
    SENTENCE_ENDS,
    Evidence,
    extract_dates,
    extract_terms,
    literal_prefix,
    mid_sentence_names,
)
from dedupe.incidents.grouping import merge_links
from dedupe.incidents.latin_names import name_runs
from dedupe.incidents.linking import IncidentConfig, IncidentDoc, IncidentIndex

# ------------------------------------------------------------------ forward maximum matching

ALPHABET = "浙江西部杭州上城区人a"


def reference_segment(text: str, lexicon: Lexicon) -> list[tuple[int, str]]:
    found, i = [], 0
    while i < len(text):
        if not "\u4e00" <= text[i] <= "\u9fff":
            i += 1
            continue
        step = 1
        for length in range(min(lexicon.max_len, 12, len(text) - i), 1, -1):
            if text[i:i + length] in lexicon.words:
                step = length
                if text[i:i + length] in lexicon.proper:
                    found.append((i, text[i:i + length]))
                break
        i += step
    return found


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.text(ALPHABET, min_size=2, max_size=5), min_size=1, max_size=12),
       st.text(ALPHABET + " .", max_size=40), st.data())
def test_segment_proper_is_forward_maximum_matching(words, text, data):
    proper = {w: ("k",) for w in words if data.draw(st.booleans())}
    lexicon = Lexicon(proper=proper, words=frozenset(words), max_len=max(map(len, words)))
    assert segment_proper(text, lexicon) == reference_segment(text, lexicon)
    assert proper_nouns(text, lexicon) == [word for _, word in reference_segment(text, lexicon)]


def test_segment_proper_keeps_a_longer_word_over_a_name_inside_it():
    lexicon = Lexicon(proper={"江西": ("jiangxi",), "浙江": ("zhejiang",)},
                      words=frozenset({"浙江", "江西", "西部"}), max_len=2)
    assert segment_proper("浙江西部", lexicon) == [(0, "浙江")]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text("王李某先生女士姓张a ", max_size=20))
def test_surname_gate_never_hides_a_match(text):
    """Personal names (X某, X先生 …) are only scanned for in a text with one of the markers."""
    from dedupe.incidents import evidence

    if evidence._SURNAME_PATTERN.search(text):
        assert any(marker in text for marker in evidence._SURNAME_MARKERS)


# ------------------------------------------------------------------ key terms


def reference_terms(text: str) -> dict[str, str]:
    out = Evidence()
    folded = text.casefold()
    for kind, table in (("term", TERMS), ("ent", NAMED_BODIES)):
        for key, (zh, en) in sorted(table.items()):
            surface = next((form for form in zh if form in folded), None)
            if surface is None and en:
                match = re.search(r"\b(?:" + "|".join(en) + ")", folded)
                surface = match.group(0) if match else None
            if surface is not None:
                out.add(f"{kind}:{key}", surface)
    return out.keys


def test_literal_prefix_of_regex_snippets():
    assert literal_prefix("fraud") == "fraud"
    assert literal_prefix(r"cars?\b") == "car"
    assert literal_prefix(r"suspended for \w+ years?") == "suspended for "
    assert literal_prefix(r"(?:a|b)c") == ""


def test_every_term_form_is_found_as_before():
    """Each Chinese and English form of every key term, alone and inside other text, and
    near misses (a form cut short, glued to a word before or after it)."""
    rng = random.Random(7)
    forms = [f for table in (TERMS, NAMED_BODIES) for zh, en in table.values()
             for f in (*zh, *(re.sub(r"\\[bw]\+?|[?()|]", "", e) for e in en))]
    texts = [f"Report: {f} today." for f in forms] + [f"x{f[:-1]}" for f in forms]
    # near misses before the real thing (the English pattern is tried at each place one of its
    # prefixes occurs): "firez … fire", "xfire … fire", a prefix inside itself ("appapps")
    texts += [f"{f}z and x{f}, then {f}." for f in forms]
    texts += [f"{f[:-1]}{f} {f}{f}" for f in forms]
    texts += [" ".join(rng.sample(forms, 5)) for _ in range(200)]
    for text in texts:
        out = Evidence()
        extract_terms(text, out)
        assert out.keys == reference_terms(text), text


# ------------------------------------------------------------------ Latin names


def reference_tokens(text: str) -> list[tuple[str, bool, bool]]:
    tokens, last_end = [], -1
    for match in re.finditer(r"[A-Za-z][A-Za-z'’\-]*", text):
        word = re.sub(r"['’]s$", "", match.group(0)).strip("-'’")
        gap = text[last_end:match.start()] if last_end >= 0 else "\n"
        last_end = match.end()
        stripped = gap.strip()
        starts = not tokens or "\n" in gap or stripped[-1:] in SENTENCE_ENDS
        tokens.append((word, starts, bool(word) and stripped == ""))
    return tokens


LATIN_PARTS = ["Hong", "Kong", "of", "the", "The", "for", "de", "fore", "that", "Former",
               "police", "Police", "Court", "X's", "A-", "b'", "’s", "-", " ", "  ", "\n", ". ",
               ", ", ": ", "\"", "杭", "iPhone", "al-Assad", "x-Y", "of's", "the-", "Of", "’",
               "'", "de’s", "ofs", "McDonald", "\u00a0", "\x1c", "Élan", "(", "—", "1"]


def reference_runs(text: str, english: frozenset[str], names: set[str],
                   strict: bool) -> list[list[str]]:
    runs, current = [], None
    for word, starts, joined in reference_tokens(text):
        lower = word.lower()
        capital = word[:1].isupper() and not (
            (starts or strict) and lower in english and lower not in names)
        joined = joined and bool(current)
        if capital and not joined:
            current = [word]
            runs.append(current)
        elif joined and (capital or word in NAME_CONNECTORS):
            current.append(word)
        else:
            current = None
    trimmed = []
    for run in runs:
        start = next((i for i, w in enumerate(run)
                      if w.lower() not in STOP_CAPS and w not in NAME_CONNECTORS), len(run))
        end = max((i + 1 for i, w in enumerate(run) if w not in NAME_CONNECTORS), default=0)
        if run[start:end]:
            trimmed.append(run[start:end])
    return trimmed


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(LATIN_PARTS), max_size=24), st.booleans(), st.booleans())
def test_name_runs_and_mid_sentence_names_as_before(parts, spaced, strict):
    """Chains found from their capitals (and the gap read backwards from there) give the runs
    and mid-sentence names of the plain word-by-word reading: words glued to each other
    (``spaced`` False) make words with capitals inside, possessives, edge hyphens."""
    text = (" " if spaced else "").join(parts)
    english = frozenset({"former", "police", "court", "hong", "the", "of"})
    names = {w.lower() for w, starts, _ in reference_tokens(text)
             if w[:1].isupper() and not starts}
    assert mid_sentence_names(text) == names
    assert name_runs(text, english, names, strict) == [
        tuple(run) for run in reference_runs(text, english, names, strict)]


def test_name_runs_as_before_on_random_word_soups():
    """As above on 20,000 seeded soups of the same parts (line breaks inside chains after a
    word with a capital inside, "forX'ss  Hong\n de's\nKong", need many draws)."""
    rng = random.Random(3)
    english = frozenset({"former", "police", "court", "hong", "the", "of"})
    for _ in range(20000):
        text = "".join(rng.choice(LATIN_PARTS) for _ in range(rng.randint(0, 14)))
        names = {w.lower() for w, starts, _ in reference_tokens(text)
                 if w[:1].isupper() and not starts}
        assert mid_sentence_names(text) == names, text
        for strict in (False, True):
            assert name_runs(text, english, names, strict) == [
                tuple(run) for run in reference_runs(text, english, names, strict)], text


# ------------------------------------------------------------------ dates


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(["On", "Tuesday", "tuesday", "June", "JUNE", "20", "2023", ",",
                                 "yesterday", "Today", "3pm", "10:30", "年", "6月", "20日",
                                 "İstanbul", "next", "Friday", "2023-06-20", " "]), max_size=14))
def test_dates_scanned_in_lower_case_match_case_insensitive_scans(parts):
    """The Latin date patterns run case-sensitively on the lower-cased text (İ keeps re.I):
    same keys, same surfaces (cut from the original text), same blanked text."""
    from dedupe.incidents import dates_numbers as evidence

    text = " ".join(parts)
    fast = Evidence()
    masked = extract_dates(text, date(2023, 6, 23), fast)
    saved = evidence._lowered
    evidence._lowered = lambda t: (t, {})  # every pattern with re.I on the text itself
    try:
        slow = Evidence()
        assert extract_dates(text, date(2023, 6, 23), slow) == masked
    finally:
        evidence._lowered = saved
    assert fast.keys == slow.keys


# ------------------------------------------------------------------ grouping


def reference_merge(index: IncidentIndex, links) -> list[list[str]]:
    docs = index.docs
    group = {d: d for d in docs}
    members = {d: [d] for d in docs}
    counts = {d: Counter(docs[d].keys | docs[d].probes) for d in docs}
    for link in sorted(links, key=lambda s: (-s.score, s.a, s.b)):
        ra, rb = group[link.a], group[link.b]
        if ra == rb:
            continue
        if len(members[ra]) > 1 or len(members[rb]) > 1:
            sides = []
            for root, doc_id in ((ra, link.a), (rb, link.b)):
                keys = (frozenset(counts[root]) if len(members[root]) == 1
                        else frozenset(k for k, n in counts[root].items() if n >= 2))
                background = {k: min(docs[m].background.get(k, 1.0) for m in members[root])
                              for k in keys}
                sides.append(IncidentDoc(doc_id, docs[doc_id].day, keys, background=background))
            if not index.score(*sides).linked:
                continue
        for m in members[rb]:
            group[m] = ra
        members[ra] += members.pop(rb)
        counts[ra] = counts[ra] + counts.pop(rb)
    return sorted(sorted(g) for g in members.values())


def test_grouping_with_kept_cores_equals_recomputing_them():
    """Events whose reports share facts with their neighbours (so groups meet and cores are
    tested), with background rarity on some keys."""
    rng = random.Random(11)
    docs = []
    for i in range(240):
        event = i // 6
        facts = {f"num:{event}{j}000" for j in rng.sample(range(5), 3)}
        side = {f"ent:n{rng.randrange(40)}" for _ in range(4)} | {f"num:{event + 1}{rng.randrange(5)}000"}
        background = {k: rng.choice((0.3, 0.6, 1.0)) for k in side if rng.random() < 0.5}
        docs.append(IncidentDoc(f"d{i:03d}", date(2024, 1, 1 + event % 20), frozenset(facts | side),
                                frozenset({f"ent:p{rng.randrange(30)}"}), background=background))
    index = IncidentIndex(IncidentConfig(rarity_floor=5, min_score=1.0, min_anchors=1))
    for d in docs:
        index.add(d)
    links = index.links()
    grouping = merge_links(index, links)
    assert grouping.clusters == reference_merge(index, links)
    assert any(not m.merged for m in grouping.merges)  # cores were tested and refused
    assert max(map(len, grouping.clusters)) > 2


def test_candidates_scored_in_a_pool_give_the_same_links(monkeypatch):
    """find_links in two forked processes = IncidentIndex.links() in one (chunks made small so
    a test-sized index takes the pool path)."""
    from pipelines import incidents

    rng = random.Random(5)
    index = IncidentIndex(IncidentConfig(rarity_floor=5, min_score=1.0, min_anchors=1))
    for i in range(200):
        event = i // 4
        index.add(IncidentDoc(f"d{i:03d}", date(2024, 1, 1 + event % 25),
                              frozenset({f"num:{event}{j}000" for j in rng.sample(range(4), 2)}
                                        | {f"ent:n{rng.randrange(60)}" for _ in range(3)})))
    monkeypatch.setattr(incidents, "LINK_CHUNK", 16)
    assert len(index.candidate_pairs()) > 4 * 16
    assert incidents.find_links(index, processes=2) == index.links()


def test_incident_docs_built_in_a_pool_equal_one_process(monkeypatch):
    """A crawl's export builds stories' incident docs in forked processes: same docs, same
    background rarity, same order as in one process."""
    from pipelines import incidents
    from pipelines.records import Article, Story

    rng = random.Random(9)
    places = ["Hangzhou", "Shenzhen", "Linzi", "Yiwu"]
    articles, stories = [], []
    for n in range(30):
        ids = []
        for copy in range(rng.randint(1, 3)):
            text = (f"A court in {rng.choice(places)} fined Zhang Wei {rng.randint(10, 900)},000 "
                    f"yuan on June {rng.randint(1, 28)}. 杭州市中级人民法院审理 {n}号 案件，"
                    f"被告人王{'伟强'[copy % 2]}。")
            ids.append(f"a{n:02d}{copy}")
            articles.append(Article(id=ids[-1], url=f"https://o{copy}.example/{n}", title="T",
                                    text=text, lang="en", script=None, published="2024-06-30",
                                    site=None))
        stories.append(Story(f"s{n:02d}", ids, ids[0], ["en"], "2024-06-30"))
    monkeypatch.setattr(incidents, "DOC_CHUNK", 4)
    one = incidents.incident_docs(articles, stories)
    pooled = incidents.incident_docs(articles, stories, processes=2)
    assert pooled == one and [d.background for d in pooled] == [d.background for d in one]
    assert len({d.keys for d in one}) > 1


def test_time_check_before_scoring_drops_no_link():
    """Stories months apart link only on strong facts; the check that skips scoring a pair
    counts them from above, including facts too common to be followed as candidates
    (posting_cap): links() equals scoring every pair."""
    rng = random.Random(13)
    docs = []
    for i in range(160):
        event = i // 4
        start = date(2023, 1, 1).toordinal() + event * 9
        day = date.fromordinal(start + rng.choice((0, 1, 40, 120, 170, 300)))
        facts = {f"num:{event}{j}000" for j in rng.sample(range(5), 3)}
        common = {f"ent:c{rng.randrange(4)}", f"num:{rng.randrange(3)}7000"}  # over the cap
        docs.append(IncidentDoc(f"d{i:03d}", day if rng.random() > 0.05 else None,
                                frozenset(facts | common)))
    for config in (IncidentConfig(posting_cap=6, rarity_floor=5),
                   IncidentConfig(posting_cap=6, rarity_floor=5, gap_days=(60, 200))):
        index = IncidentIndex(config)
        for d in docs:
            index.add(d)
        brute = [index.score(a.id, b.id) for i, a in enumerate(docs) for b in docs[i + 1:]]
        far = [s for s in brute if s.linked and (s.days_apart is None
                                                   or s.days_apart > config.window_days)]
        assert far  # links across months exist, so the check was exercised
        assert {(s.a, s.b) for s in index.links()} == {(s.a, s.b) for s in brute if s.linked}
