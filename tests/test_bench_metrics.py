"""Benchmark machinery: clustering metrics on hand-computed cases, and the syndication generator
(determinism, each transformation doing what it says, labels consistent)."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bench import metrics, syndicate
from bench.baseline import baseline_shingles, union_find_clusters

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def labels(values: list[int]) -> dict[str, int]:
    return {f"d{i}": v for i, v in enumerate(values)}


# ---------------------------------------------------------------- metrics

def test_ari_identical_partitions_is_one_whatever_the_label_names() -> None:
    assert metrics.adjusted_rand_index(labels([0, 0, 1, 1, 2]), labels([7, 7, 3, 3, 9])) == 1.0


def test_ari_textbook_values() -> None:
    # truth {0,0,1,1} vs pred {0,0,1,2}: Σ C(n_ij,2) = 1, Σ C(a_i,2) = 2, Σ C(b_j,2) = 1,
    # expected 2·1/6 = 1/3, max (2+1)/2 → (1 - 1/3) / (1.5 - 1/3) = 4/7 (sklearn: 0.5714).
    assert metrics.adjusted_rand_index(labels([0, 0, 1, 1]), labels([0, 0, 1, 2])) == pytest.approx(4 / 7)
    # Crossed halves: index 0, expected 2*2/6, max 2 → -0.5.
    assert metrics.adjusted_rand_index(labels([0, 0, 1, 1]), labels([0, 1, 0, 1])) == pytest.approx(-0.5)
    # One cluster vs all singletons: no agreement beyond chance.
    assert metrics.adjusted_rand_index(labels([0, 0, 0, 0]), labels([0, 1, 2, 3])) == 0.0


def test_ari_degenerate_identical_cases() -> None:
    assert metrics.adjusted_rand_index(labels([0, 1, 2]), labels([5, 6, 7])) == 1.0
    assert metrics.adjusted_rand_index(labels([0, 0, 0]), labels([1, 1, 1])) == 1.0


def test_pairwise_scores_by_hand() -> None:
    # truth {a,b,c},{d,e}: pairs ab ac bc de; pred {a,b},{c,d,e}: pairs ab cd ce de → TP ab, de.
    truth = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1}
    pred = metrics.labels_from_clusters([["a", "b"], ["c", "d", "e"]])
    counts = metrics.pair_counts(truth, pred)
    assert (counts.same_both, counts.same_true, counts.same_pred, counts.total) == (2, 4, 4, 10)
    s = metrics.pairwise_scores(truth, pred)
    assert (s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5)


def test_pairwise_scores_over_and_under_merging() -> None:
    truth = labels([0, 0, 1, 1])
    merged = metrics.pairwise_scores(truth, labels([0, 0, 0, 0]))
    assert (merged.precision, merged.recall) == (pytest.approx(2 / 6), 1.0)
    split = metrics.pairwise_scores(truth, labels([0, 1, 2, 3]))
    assert (split.precision, split.recall, split.f1) == (1.0, 0.0, 0.0)


def test_metrics_reject_mismatched_ids_and_overlapping_clusters() -> None:
    with pytest.raises(ValueError):
        metrics.pairwise_scores({"a": 0, "b": 0}, {"a": 0, "c": 0})
    with pytest.raises(ValueError):
        metrics.labels_from_clusters([["a", "b"], ["b", "c"]])


def test_union_find_and_baseline_shingles() -> None:
    assert union_find_clusters(["e", "d", "c", "b", "a"], [("a", "c"), ("e", "c")]) == \
        [["a", "c", "e"], ["b"], ["d"]]
    assert baseline_shingles("新华社 电 today", "token", 3) == \
        {"新 华 社".encode(), "华 社 电".encode(), "社 电 today".encode()}
    assert baseline_shingles("abc", "char", 5) == {b"abc"}


# ---------------------------------------------------------------- transformations (no data needed)

PARAS = ["第一段，新闻导语。", "第二段内容在这里。", "第三段还有更多。", "第四段结束了。"]


def test_truncate_keeps_the_leading_fraction() -> None:
    paras = ["word " * 50, "more " * 50, "last " * 100]
    total = sum(map(len, paras))
    for fraction in (0.2, 0.3, 0.4):
        kept = syndicate.truncate(paras, fraction, "en", ellipsis="")
        # Cut at a word boundary: at most one word ("word ") short of the exact fraction.
        assert fraction * total - 6 <= sum(map(len, kept)) <= fraction * total
        assert all(k == p for k, p in zip(kept[:-1], paras))
    assert syndicate.truncate(PARAS, 0.25, "zh")[-1].endswith("……")


def test_drop_and_ad_never_touch_the_lead() -> None:
    rng = random.Random(3)
    for _ in range(20):
        dropped = syndicate.drop_paragraph(PARAS, rng)
        assert len(dropped) == 3 and dropped[0] == PARAS[0]
        with_ad = syndicate.insert_ad(PARAS, "广告：下载客户端", rng)
        assert with_ad[0] == PARAS[0] and with_ad.count("广告：下载客户端") == 1


def test_script_and_punctuation_transforms() -> None:
    assert syndicate.to_traditional("国家发展改革委员会说") == "國家發展改革委員會說"
    assert syndicate.to_fullwidth('He said: "ok", 3.5!') == "He said： ＂ok＂， 3．5！"


# ---------------------------------------------------------------- generator on real bases

@pytest.fixture(scope="module")
def corpus():
    if not (SHARED / "data" / "extraction").is_dir():
        pytest.skip("../shared is not present")
    bases = syndicate.load_base_stories()
    small = bases[::10]
    return bases, small, syndicate.generate(small, seed=5)


def test_bases_are_zh_and_en_stories_from_every_set(corpus) -> None:
    bases = corpus[0]
    assert {b.lang for b in bases} == {"zh", "en"}
    assert {b.key.split("/")[0] for b in bases} == {"wce", "aeb", "naeb", "fundus", "gne"}
    assert len({b.key for b in bases}) == len(bases) > 400
    # chinese-wce hard wraps are undone: no paragraph ends mid-clause at a ~40-char wrap.
    wce = [b for b in bases if b.key.startswith("wce/")]
    assert sum(len(p) for b in wce for p in b.paragraphs) / sum(len(b.paragraphs) for b in wce) > 60


def test_generator_is_deterministic(corpus) -> None:
    _, small, (copies, pages) = corpus
    again_copies, again_pages = syndicate.generate(small, seed=5)
    assert again_copies == copies and again_pages == pages
    other, _ = syndicate.generate(small, seed=6, with_pages=False)
    assert [c.text for c in other] != [c.text for c in copies]


def test_labels_are_consistent(corpus) -> None:
    _, small, (copies, pages) = corpus
    assert [p.id for p in pages] == [c.id for c in copies]
    assert all(p.label == c.label and p.url == c.url for p, c in zip(pages, copies))
    assert len({c.id for c in copies}) == len(copies)
    by_label: dict[str, list[int]] = {}
    for c in copies:
        by_label.setdefault(c.label, []).append(c.copy)
    assert len(by_label) == len(small)
    assert all(sorted(v) == list(range(len(v))) for v in by_label.values())
    assert max(map(len, by_label.values())) > 1


def _variants(line: str) -> set[str]:
    t, f = syndicate.to_traditional, syndicate.to_fullwidth
    return {line, t(line), f(line), f(t(line))}


def _body(copy: syndicate.Copy) -> str:
    """The copy's text without the lines the portal added (source line, ad)."""
    portal = next(p for p in syndicate.PORTALS[copy.lang] if p.name == copy.portal)
    added = _variants(portal.ad).union(*(_variants(portal.source.format(outlet=o))
                                         for o in syndicate.OUTLETS[copy.lang]))
    return "".join(line for line in copy.text.split("\n") if line not in added)


def test_each_transformation_does_what_it_says(corpus) -> None:
    _, small, (copies, pages) = corpus
    originals = {f"story{i:05d}": b for i, b in enumerate(small)}
    seen = set()
    for c, page in zip(copies, pages):
        base = originals[c.label]
        seen.update(c.transforms)
        if "truncate" in c.transforms and "drop" not in c.transforms:
            full = sum(map(len, base.paragraphs))
            ellipsis = len(syndicate.CHROME[c.lang]["ellipsis"])
            assert 0.19 * full <= len(_body(c)) - ellipsis <= 0.40 * full + 1
        if "traditional" in c.transforms:
            assert re.search("[這說國發會來時對個們與為]", c.text)
            assert not re.search("[这说国发会来时对个们与为]", c.text)
        elif c.lang == "zh":
            assert not re.search("[這說國發會來時對個們與為]", _body(c))
        if "fullwidth" in c.transforms:
            assert not re.search(r"[!,:;?]", c.text)
        if "ad" in c.transforms:
            portal = next(p for p in syndicate.PORTALS[c.lang] if p.name == c.portal)
            assert _variants(portal.ad) & set(c.text.split("\n"))
        if "source" in c.transforms:
            lines = c.text.split("\n")
            assert any(_variants(p.source.format(outlet=o)) & {lines[0], lines[-1]}
                       for p in syndicate.PORTALS[c.lang] for o in syndicate.OUTLETS[c.lang])
        if "gbk" in c.transforms:
            assert page.encoding == "gbk" and b'<meta charset="gbk">' in page.body
            html = page.body.decode("gb18030")
            assert c.title.split("_")[0][:8] in html
            with pytest.raises(UnicodeDecodeError):
                page.body.decode("utf-8")
        else:
            page.body.decode("utf-8")
        if c.copy == 0:
            assert not {"truncate", "drop", "traditional"} & set(c.transforms)
    assert {"source", "ad", "drop", "truncate", "traditional", "fullwidth", "gbk"} <= seen


def test_pages_list_other_stories_not_their_own(corpus) -> None:
    _, small, (copies, pages) = corpus
    leads = {f"story{i:05d}": b.paragraphs[0][:30] for i, b in enumerate(small)}
    for c, page in list(zip(copies, pages))[:200]:
        html = page.body.decode("gb18030" if page.encoding == "gbk" else "utf-8")
        teasers = re.findall(r"<li><a [^>]*>(.*?)</a><p>(.*?)</p></li>", html)
        assert len(teasers) >= 4
        own = leads[c.label]
        assert all(not lead.startswith(own[:20]) for _, lead in teasers)


def test_fragments_split_normalised_text_into_short_pieces() -> None:
    text = "国家发展改革委员会今天说 明年的经济增长目标为百分之五左右 " + "word " * 20
    frags = syndicate._fragments(text)
    assert " ".join(frags) == text.strip()
    assert frags[:2] == ["国家发展改革委员会今天说", "明年的经济增长目标为百分之五左右"]
    assert frags[2:] == ["word " * 7 + "word"] * 2 + ["word word word word"]
    assert syndicate._fragments("长" * 40) == ["长" * 16, "长" * 16, "长" * 8]


def test_scaled_docs_are_deterministic_and_prefix_stable(corpus) -> None:
    bases = corpus[0]
    norm = str.lower
    first = list(syndicate.scaled_docs(3000, bases, norm, seed=1))
    assert first == list(syndicate.scaled_docs(3000, bases, norm, seed=1))
    longer = list(syndicate.scaled_docs(5000, bases, norm, seed=1))
    assert longer[:2048] == first[:2048]  # whole shuffle blocks are identical
    assert len({d.id for d in longer}) == 5000
    sizes: dict[str, int] = {}
    for d in longer:
        sizes[d.label] = sizes.get(d.label, 0) + 1
    assert 1000 < len(sizes) < 2500 and max(sizes.values()) > 5
