"""Progress of a cluster run: on a terminal every phase with its count and total; nothing
otherwise (a cron job's log stays clean)."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

from newsdedup.dump import cluster_dump
from newsdedup.progress import count_inputs

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "dump"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_counts_documents_ahead(tmp_path):
    html_files = [p for p in SAMPLE.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert count_inputs([str(SAMPLE)]) == len(html_files)
    lines = [line for line in (ROOT / "samples" / "dump.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    assert count_inputs([str(ROOT / "samples" / "dump.jsonl")]) == len(lines)
    assert count_inputs([str(ROOT / "samples" / "dump.warc.gz")]) >= 1
    assert count_inputs(["-"]) is None


def test_every_phase_with_total_on_a_terminal(tmp_path):
    screen = Terminal()
    summary = cluster_dump([str(SAMPLE)], tmp_path, progress_stream=screen)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    total = summary.inputs
    assert f"{total}/{total}" in text  # count and total
    assert "ETA" in text and "elapsed" in text
    for phase in ("reading + extracting", "grouping stories", "incidents, writing"):
        assert phase in text


def test_nothing_when_not_a_terminal(tmp_path):
    log = io.StringIO()
    cluster_dump([str(SAMPLE)], tmp_path, progress_stream=log)
    assert log.getvalue() == ""
    assert json.loads((tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])


def test_one_path_as_a_string_or_path_and_a_string_out_folder(tmp_path):
    """``cluster_dump("dump.jsonl", "out")``: one input path, not its characters as paths."""
    log = io.StringIO()
    as_list = cluster_dump([str(SAMPLE)], tmp_path / "a", progress_stream=log)
    for path in (str(SAMPLE), SAMPLE):
        summary = cluster_dump(path, str(tmp_path / "b"), progress_stream=log)
        assert summary.articles == as_list.articles > 0
        assert (tmp_path / "b" / "articles.jsonl").read_bytes() == \
            (tmp_path / "a" / "articles.jsonl").read_bytes()
