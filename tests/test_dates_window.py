"""Every published value of a real `newsdedup cluster` run follows the schema (a date, or a UTC
date-time ending in Z), impossible or implausible dates are no publication dates, and a story's
representative agrees with its first publication."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

SENTENCE = ("Officials in the northern district announced a new program to repair bridges damaged "
            "in the spring floods, with work starting next month and lasting two years. ")
SCHEMA = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$")
# published (and fetched_at) as given -> published expected in the output
CASES = {
    "naive": ("2026-03-10 10:00", None, "2026-03-10"),
    "naive-t": ("2026-03-10T08:30:00", None, "2026-03-10"),
    "hour-25": ("2026-03-10T25:00:00Z", None, None),
    "second-60": ("2026-03-10T23:59:60Z", None, None),
    "offset-25": ("2026-03-10T10:00:00+25:00", None, None),
    "loose-hour-25": ("2026/3/10 25:00", None, None),
    "far-future": ("9999-12-31", None, None),
    "year-1": ("0001-01-01", None, None),
    "offset": ("2026-03-10T10:00:00-05:00", None, "2026-03-10T15:00:00Z"),
    "after-fetch": ("2026-03-05", "2026-03-01T00:00:00Z", None),
    "fetch-day": ("2026-03-01T20:00:00+08:00", "2026-03-01T00:00:00Z", "2026-03-01T12:00:00Z"),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("dates")
    rows = []
    for i, (name, (published, fetched, _)) in enumerate(CASES.items()):
        # distinct texts: one story per case
        row = {"url": f"https://d.example/{name}", "text": f"{name} {i} " + SENTENCE * 3 +
               " ".join(f"w{i}x{k}" for k in range(60)), "published": published}
        if fetched:
            row["fetched_at"] = fetched
        rows.append(row)
    # one story of copies: the year-0001 and year-9999 copies and a 2019 outlier must neither
    # lead the story nor set its first publication
    for name, published in (("c-year-1", "0001-01-01"), ("c-outlier", "2019-05-01"),
                            ("c-first", "2026-03-10"), ("c-second", "2026-03-11"),
                            ("c-future", "9999-12-31")):
        rows.append({"url": f"https://c.example/{name}", "text": "copy " + SENTENCE * 4,
                     "published": published})
    src = tmp / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    pages = tmp / "pages"
    pages.mkdir()
    (pages / "p.html").write_text(
        '<html><head><title>Bridges</title><meta property="article:published_time" '
        'content="2026-03-10 10:00"><link rel="canonical" href="https://n.example/0"></head>'
        "<body><article><h1>Bridges</h1><p>" + "The harbour council voted on ferry fares and the "
        "winter timetable after drivers threatened a strike over pay. " * 3 +
        "</p></article></body></html>")
    out = tmp / "out"
    done = subprocess.run([sys.executable, "-m", "newsdedup.cli", "cluster", str(src), str(pages),
                           "--out", str(out), "--quiet", "--extract-processes", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    articles = [json.loads(x) for x in (out / "articles.jsonl").read_text().splitlines()]
    stories = [json.loads(x) for x in (out / "stories.jsonl").read_text().splitlines()]
    return {"articles": {a["url"]: a for a in articles}, "stories": stories}


def test_every_published_value_follows_the_schema(run):
    for article in run["articles"].values():
        assert article["published"] is None or SCHEMA.match(article["published"]), article
        assert (article["published"] is None) == (article["published_source"] is None)


@pytest.mark.parametrize("name", list(CASES))
def test_naive_impossible_and_implausible_dates(run, name):
    assert run["articles"][f"https://d.example/{name}"]["published"] == CASES[name][2]


def test_a_page_time_without_zone_keeps_its_date_only(run):
    page = run["articles"]["https://n.example/0"]
    assert (page["published"], page["published_source"]) == ("2026-03-10", "meta")


def test_representative_and_first_published_agree(run):
    by_id = {a["id"]: a for a in run["articles"].values()}
    [story] = [s for s in run["stories"] if len(s["article_ids"]) > 1]
    assert len(story["article_ids"]) == 5
    assert story["first_published"] == "2026-03-10"
    assert by_id[story["representative_id"]]["url"] == "https://c.example/c-first"
