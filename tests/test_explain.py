"""``explain``: why two articles are, or are not, one story and one incident."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from test_incidents import load, singleton_stories

from newsdedup.explain import explain, resolve, shared_passages
from newsdedup.output import INCIDENTS_FILE, write_outputs
from pipelines.incidents import assign_incidents, load_lexicon
from pipelines.normalise import to_traditional
from pipelines.records import Article, Story


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    """dev + fresh written as `cluster` would, plus a Traditional copy of the court report
    that the story layer put in the court report's story."""
    articles = load("dev")[0] + load("fresh")[0]
    court = next(a for a in articles if a.id == "e1-court")
    copy = replace(court, id="e1-court-copy", url="https://hk.example.com/news/copy-of-court.html",
                   title=to_traditional(court.title), text=to_traditional(court.text),
                   published="2023-06-20T18:00:00", site="港聞")
    articles.append(copy)
    stories = [s for s in singleton_stories(articles)
               if s.story_id not in ("se1-court", "se1-court-copy")]
    stories.append(Story(story_id="se1-court", article_ids=["e1-court", "e1-court-copy"],
                         representative_id="e1-court", languages=["zh"],
                         first_published="2023-06-20"))
    for story in stories:
        for article in articles:
            if article.id in story.article_ids:
                article.story_id = story.story_id
    incidents = assign_incidents(articles, stories, load_lexicon())
    path = tmp_path_factory.mktemp("out")
    write_outputs(path, articles, stories, [],
                  extra={INCIDENTS_FILE: [i.as_output() for i in incidents]})
    return path


def evidence_line(text: str, key: str) -> str:
    return next(line for line in text.splitlines() if re.search(rf"\s{re.escape(key)}\s", line))


def test_cross_lingual_pair_shows_weighted_evidence(out_dir):
    text = explain(out_dir, "e1-court", "e1-en-retell")
    assert "=> different stories" in text
    assert "shared shingles 0 of" in text
    line = evidence_line(text, "num:60000")
    assert line.lstrip().startswith("*") and "“6万”" in line and "“60,000”" in line
    weight = float(line.split()[1])
    assert 0.3 < weight < 1.0
    line = evidence_line(text, "ent:yu")
    assert "“虞某某”" in line and "“Yu”" in line
    assert "LINKED" in text and text.rstrip().endswith("=> same incident")


def test_same_topic_different_event_by_url(out_dir):
    text = explain(out_dir, "https://court.example.cn/sc/2023/0620/a1.html",
                   "https://court.example.cn/gl/2023/0621/b1.html")
    assert "A: e1-court" in text and "B: e2-court" in text
    assert "not linked" in text and text.rstrip().endswith("=> different incidents")
    # Only topic terms are shared: none of them is a rare fact.
    shared = [line.split()[2] for line in text.split("shared evidence")[1].splitlines()[1:]
              if line.startswith("   ") and ":" in line.split()[2]]
    assert shared and all(key.startswith("term:") for key in shared)
    assert "only in A:" in text and "num:60000" in text.split("only in A:")[1]


def test_copies_are_one_story_with_estimates_and_passages(out_dir):
    text = explain(out_dir, "e1-court", "e1-court-copy")
    assert "estimated Jaccard 1.000" in text
    assert "=> same story se1-court" in text
    assert "same story se1-court, hence same incident" in text
    assert "shared passages:" in text


def test_why_not_chained(out_dir):
    text = explain(out_dir, "https://court.example.cn/sc/2023/0620/a1.html",
                   "https://court.example.cn/gl/2023/0621/b1.html")
    assert "not chained: linked through se1-court" in text
    assert "shared cores do not match" in text and "allow 10 days" in text


def test_articles_instead_of_a_folder_and_unknown_reference(out_dir):
    articles = load("fresh")[0]
    text = explain(articles, "f1-cq", "f1-en")
    assert "=> same incident" in text and "ent:wanzhou" in text
    with pytest.raises(LookupError):
        explain(out_dir, "e1-court", "https://nowhere.example/none")
    with pytest.raises(LookupError):
        resolve(articles, "0123456789abcdef")


def test_shared_passages_are_longest_runs():
    a = "法院 认为 被告人 虞某某 以牟利为目的 制作 复制 贩卖淫秽物品 情节严重"
    b = "记者 获悉 被告人 虞某某 以牟利为目的 制作 复制 其他"
    assert shared_passages(a, b)[0] == "被告人虞某某以牟利为目的制作复制"


def test_a_passage_shared_twice_is_listed_once():
    """A figure repeated in the text ("186万元" in the lead and in the verdict) was listed twice
    among the five passages, in place of another shared passage."""
    a = "骗走186万元，法院审理。另查明，被告人共骗走186万元。"
    b = "涉案金额186万元。"
    assert shared_passages(a, b) == ["186 万元"]


def test_a_rejected_page_is_said_rejected_with_where_and_why(tmp_path):
    """An analyst asks about a page that is not among the articles: the message says it was
    rejected, where and why (it said only "no article with id or URL")."""
    text = ("The city council approved the 2026 budget on Tuesday after a long debate about "
            "roads, schools and the new library, officials said.")
    rows = [{"url": "https://a.example/1", "text": "short"},
            {"url": "https://b.example/1", "text": text}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out"
    run = [sys.executable, "-m", "newsdedup"]
    assert subprocess.run([*run, "cluster", str(src), "--out", str(out), "--quiet",
                           "--extract-processes", "1"], timeout=300).returncode == 0
    asked = subprocess.run([*run, "explain", "https://A.example/1#x", "https://b.example/1",
                            "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert asked.returncode == 2
    assert asked.stderr.strip() == (
        "newsdedup: no article with id or URL 'https://A.example/1#x': https://a.example/1 was "
        f"rejected at {src}:1: too-short (5 characters of text after extraction)")


def test_estimated_shares_are_never_above_one():
    """A one-sentence excerpt of a long report: the lead containment estimate came out 1.176,
    a share no reader can make sense of."""
    paras = " ".join(f"Paragraph {i} says police in Wuxi arrested 14 people over an app that "
                     f"stripped clothes from photos of women, officers said on day {i}."
                     for i in range(12))
    full = Article(id="full", url="https://wire.example/1", title="Wuxi", text=paras, lang="en",
                   script=None, published=None, site=None)
    cut = Article(id="cut", url="https://agg.example/1", title="Wuxi",
                  text=paras[:120] + "…", lang="en", script=None, published=None, site=None)
    text = explain([full, cut], "full", "cut")
    shares = [float(v) for v in re.findall(r"containment[^0-9\n]*(\d+\.\d+)", text)]
    assert shares and max(shares) <= 1.0, text
