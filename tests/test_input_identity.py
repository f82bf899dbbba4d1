"""Every distinct input file keeps a distinct identity: two saved pages are never one article
because their names collide (issue: a/index.html and b/index.html lost one of the two)."""
from __future__ import annotations

import json
from pathlib import Path

from newsdedup.cli import main


def page(path: Path, title: str, canonical: str | None = None) -> Path:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(
        f"<p>{title}: sentence {i} tells more of what happened in the town this week, with the "
        f"names of the people involved and what they said about it afterwards.</p>"
        for i in range(8))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><head><title>{title}</title>{link}</head><body>"
                    f"<article><h1>{title}</h1>{paragraphs}</article></body></html>",
                    encoding="utf-8")
    return path


def cluster(out: Path, *inputs: Path) -> tuple[list[dict], list[dict]]:
    assert main(["cluster", *map(str, inputs), "--out", str(out), "--extract-processes", "1",
                 "--quiet"]) == 0
    read = [[json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]
            for name in ("articles.jsonl", "rejects.jsonl")]
    return read[0], read[1]


def test_same_file_name_in_two_places_gives_two_articles(tmp_path):
    a = page(tmp_path / "in" / "a" / "index.html", "Flood closes the river road")
    b = page(tmp_path / "in" / "b" / "index.html", "Library opens in the old mill")
    c = page(tmp_path / "other" / "index.html", "Court fines the bus company")
    # one folder: names inside it; the files named one by one; two folders with one name
    for inputs in ([tmp_path / "in"], [a, b], [tmp_path / "in" / "a", tmp_path / "other"]):
        articles, rejects = cluster(tmp_path / "out", *inputs)
        assert rejects == [], inputs
        assert len({x["url"] for x in articles}) == len(articles) == 2, inputs
    # inside one folder the names stay relative (stable across machines)
    articles, _ = cluster(tmp_path / "out", tmp_path / "in")
    assert sorted(x["url"] for x in articles) == ["file:a/index.html", "file:b/index.html"]
    # files named one by one: the first keeps its short name, the other its absolute path
    articles, _ = cluster(tmp_path / "out", a, b, c)
    assert sorted(x["url"] for x in articles) == sorted(
        ["file:index.html", b.resolve().as_uri(), c.resolve().as_uri()])


def test_the_same_file_twice_or_one_canonical_url_twice_is_a_duplicate(tmp_path):
    a = page(tmp_path / "a" / "index.html", "Flood closes the river road")
    articles, rejects = cluster(tmp_path / "out", a, a)
    assert len(articles) == 1
    assert [r["reason"] for r in rejects] == ["duplicate-url"]
    # two files that state one canonical URL are one page saved twice: the reject names the first
    first = page(tmp_path / "x" / "index.html", "Bridge reopens", "https://news.example/1")
    second = page(tmp_path / "y" / "index.html", "Bridge reopens", "https://news.example/1")
    articles, rejects = cluster(tmp_path / "out", first, second)
    assert [x["url"] for x in articles] == ["https://news.example/1"]
    assert [(r["reason"], r["path"]) for r in rejects] == [("duplicate-url", str(second))]
    assert str(first) in rejects[0]["detail"]


def test_records_without_a_url_are_rejects_not_collisions(tmp_path):
    """JSONL records and WARC records carry no file name to fall back on: without a URL each is
    a ``missing-url`` reject with its own line (nothing merged, nothing silent)."""
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(json.dumps(r) for r in [
        {"text": "first record without a url"}, {"text": "second record without a url"},
        {"url": "https://news.example/ok", "text": "a record with one " * 20}]) + "\n")
    articles, rejects = cluster(tmp_path / "out", dump)
    assert [x["url"] for x in articles] == ["https://news.example/ok"]
    assert [(r["reason"], r["line"]) for r in rejects] == [("missing-url", 1), ("missing-url", 2)]
