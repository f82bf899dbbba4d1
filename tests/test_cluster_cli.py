"""`newsdedup cluster` end to end: the bundled sample's exact stories, bad input, determinism."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, warc_bytes

from newsdedup.cli import main

SAMPLES = REPO / "samples"
OUTPUTS = ("articles.jsonl", "stories.jsonl", "incidents.jsonl", "rejects.jsonl")
ARTICLE_FIELDS = ["id", "url", "title", "text", "lang", "script", "published",
                  "published_source", "site", "fetched_at", "story_id", "incident_id"]
STORY_FIELDS = ["story_id", "article_ids", "representative_id", "languages",
                "first_published", "size", "incident_id"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_cluster(tmp_path: Path, *inputs: str, workers: int = 1, name: str = "out",
                flag: str = "--extract-processes") -> Path:
    out = tmp_path / name
    assert main(["cluster", *inputs, "--out", str(out), flag, str(workers), "--quiet"]) == 0
    return out


def stories_by_url(out: Path) -> list[list[str]]:
    urls = {a["id"]: a["url"] for a in read_jsonl(out / "articles.jsonl")}
    return sorted(sorted(urls[i] for i in s["article_ids"]) for s in read_jsonl(out / "stories.jsonl"))


def expected_stories(with_jsonl_only: bool) -> list[list[str]]:
    """The labelled stories; the text-only record exists only in the JSONL form of the sample."""
    expected = json.loads((SAMPLES / "expected_stories.json").read_text(encoding="utf-8"))
    drop = set() if with_jsonl_only else set(expected["jsonl_only"])
    return sorted(sorted(u for u in story if u not in drop) for story in expected["stories"])


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> Path:
    if not (SAMPLES / "dump").is_dir():
        pytest.fail("samples/dump is missing: run samples/build_samples.py")
    return run_cluster(tmp_path_factory.mktemp("sample"), str(SAMPLES / "dump"), workers=2)


def test_sample_dump_gives_exactly_the_expected_stories(sample_run):
    assert stories_by_url(sample_run) == expected_stories(with_jsonl_only=False)
    assert read_jsonl(sample_run / "rejects.jsonl") == []


def test_output_schema_and_story_fields(sample_run):
    articles = read_jsonl(sample_run / "articles.jsonl")
    stories = read_jsonl(sample_run / "stories.jsonl")
    assert all(list(a) == ARTICLE_FIELDS for a in articles)
    assert all(list(s) == STORY_FIELDS for s in stories)
    by_id = {a["id"]: a for a in articles}
    for story in stories:
        members = [by_id[i] for i in story["article_ids"]]
        assert story["size"] == len(members) and story["story_id"] == "s" + min(story["article_ids"])
        assert all(m["story_id"] == story["story_id"] for m in members)
        assert story["languages"] == sorted({m["lang"] for m in members})
        dates = sorted(m["published"] for m in members if m["published"])
        # the earliest day; within it a timestamped copy before a date-only one
        assert (story["first_published"] or "")[:10] == (dates[0][:10] if dates else "")
        assert story["first_published"] in dates or not dates
        rep = by_id[story["representative_id"]]
        assert rep["published"] == story["first_published"]
    scripts = {(a["lang"], a["script"]) for a in articles}
    assert {("zh", "Hans"), ("zh", "Hant"), ("en", None)} <= scripts


def test_same_input_gives_byte_identical_output_whatever_the_workers(tmp_path, sample_run,
                                                                     capsys):
    # --workers: the deprecated name of --extract-processes, still honoured for one release
    again = run_cluster(tmp_path, str(SAMPLES / "dump"), workers=1, flag="--workers")
    assert "--workers is deprecated, use --extract-processes" in capsys.readouterr().err
    for name in OUTPUTS:
        assert (again / name).read_bytes() == (sample_run / name).read_bytes(), name


def test_jsonl_and_warc_forms_of_the_sample_agree_with_the_folder(tmp_path, sample_run):
    for form in ("dump.jsonl", "dump.warc.gz"):
        out = run_cluster(tmp_path, str(SAMPLES / form), name=form)
        assert stories_by_url(out) == expected_stories(with_jsonl_only=form.endswith("jsonl")), form


def test_bad_inputs_are_rejected_with_reasons_and_the_rest_goes_on(tmp_path):
    good = sorted((SAMPLES / "dump").glob("*.html"))[0]
    dump = tmp_path / "mixed"
    dump.mkdir()
    (dump / "a_good.html").write_bytes(good.read_bytes())
    (dump / "b_same_url.html").write_bytes(good.read_bytes())
    (dump / "c_report.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 50)
    (dump / "d_empty.html").write_text("<html><head><title>x</title></head><body>"
                                       "<nav><a href='/'>Home</a></nav></body></html>")
    (dump / "e_lines.jsonl").write_text('{"url": "https://x.example/1", "text": "short"}\n{oops\n')
    (dump / "f_crawl.warc").write_bytes(warc_bytes(
        [("https://x.example/img.png", b"\x89PNG\r\n\x1a\n....", "image/png")], gzip=False))
    out = run_cluster(tmp_path, str(dump))
    articles = read_jsonl(out / "articles.jsonl")
    rejects = {(Path(r["path"]).name, r["reason"]) for r in read_jsonl(out / "rejects.jsonl")}
    assert len(articles) == 1
    assert rejects == {("b_same_url.html", "duplicate-url"), ("c_report.pdf", "unsupported-format"),
                       ("d_empty.html", "empty-extraction"), ("e_lines.jsonl", "too-short"),
                       ("e_lines.jsonl", "malformed-json"), ("f_crawl.warc", "not-html")}
    line_reject = [r for r in read_jsonl(out / "rejects.jsonl") if r["reason"] == "malformed-json"]
    assert line_reject[0]["line"] == 2 and line_reject[0]["source"].endswith("e_lines.jsonl:2")


def test_missing_input_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "newsdedup.cli", "cluster",
                           str(tmp_path / "nope.warc"), "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"newsdedup: {tmp_path / 'nope.warc'}: no such file or folder"
    assert not out.exists()


def test_stdin_jsonl_via_the_console_command(tmp_path):
    text = ("Police in Leeds said a 19-year-old had used a nudify app to create fake images of "
            "classmates, the first such arrest in the county.")
    record = json.dumps({"url": "https://e.example/n/1", "text": text, "published": "2026-05-03"})
    proc = subprocess.run([sys.executable, "-m", "newsdedup.cli", "cluster", "-", "--out",
                           str(tmp_path / "o")], input=record + "\n", capture_output=True,
                          text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    [article] = read_jsonl(tmp_path / "o" / "articles.jsonl")
    assert (article["text"], article["lang"], article["published"]) == (text, "en", "2026-05-03")
    assert "articles kept:    1" in proc.stderr


def test_sample_incidents_link_the_english_retelling_and_keep_same_week_cases_apart(sample_run):
    expected = json.loads((SAMPLES / "expected_stories.json").read_text(encoding="utf-8"))
    drop = set(expected["jsonl_only"])
    urls = {a["id"]: a["url"] for a in read_jsonl(sample_run / "articles.jsonl")}
    incidents = read_jsonl(sample_run / "incidents.jsonl")
    got = sorted(sorted(urls[i] for i in inc["article_ids"]) for inc in incidents)
    assert got == sorted(sorted(u for u in inc if u not in drop) for inc in expected["incidents"])
    by_article = {a["id"]: a["incident_id"] for a in read_jsonl(sample_run / "articles.jsonl")}
    for inc in incidents:
        assert {by_article[i] for i in inc["article_ids"]} == {inc["incident_id"]}


def test_quiet_cluster_prints_nothing(tmp_path):
    # --quiet is for cron: nothing on stderr, not even a library's start-up log (jieba's four
    # "Building prefix dict" lines, via wordfreq, used to appear on every run).
    proc = subprocess.run([sys.executable, "-m", "newsdedup", "cluster", str(REPO / "samples" / "dump"),
                           "--out", str(tmp_path / "out"), "--quiet"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={"NEWSDEDUP_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and proc.stdout == ""
