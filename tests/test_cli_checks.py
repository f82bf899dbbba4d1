"""What a person running this every day hits: a bad --out fails at once in one line, an
unreadable sub-folder and an empty input are reported, outputs are readable by others,
timestamps have one form, the package installs without deprecation boxes."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from newsdedup.dump import EmptyInput, cluster_dump
from pipelines.process import process_document
from pipelines.records import Location, RawDocument

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "dump"
# Root reads and writes whatever the permission bits say; without these two capabilities it
# is held to them like anyone (util-linux setpriv), so the permission cases run as root too.
DROP_DAC = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search",
            "--inh-caps", "-dac_override,-dac_read_search"]


def newsdedup(*args: str, held_to_permissions: bool = False) -> subprocess.CompletedProcess:
    prefix = []
    if held_to_permissions and os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permission bits do not apply")
        prefix = DROP_DAC
    return subprocess.run([*prefix, sys.executable, "-m", "newsdedup.cli", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def one_line_error(result: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsdedup: "), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def test_out_naming_a_file_fails_before_any_work(tmp_path):
    target = tmp_path / "results.txt"
    target.write_text("keep me", encoding="utf-8")
    result = newsdedup("cluster", str(SAMPLE), "--out", str(target))
    one_line_error(result, 2, "--out", "is a file")
    assert target.read_text(encoding="utf-8") == "keep me"
    result = newsdedup("cluster", str(SAMPLE), "--out", str(target / "sub"))
    one_line_error(result, 2, "--out", "is a file")


def test_out_not_writable_fails_before_any_work(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    tmp_path.chmod(0o755)
    try:
        result = newsdedup("cluster", str(SAMPLE), "--out", str(locked / "out"),
                           held_to_permissions=True)
        one_line_error(result, 2, "--out", "not writable")
        assert not (locked / "out").exists()
    finally:
        locked.chmod(0o755)


def test_unreadable_sub_folder_is_a_reject(tmp_path):
    dump = tmp_path / "dump"
    shutil.copytree(SAMPLE, dump)
    hidden = dump / "zz-private"
    hidden.mkdir()
    shutil.copy(next(SAMPLE.glob("*.html")), hidden / "page.html")
    hidden.chmod(0)
    for path in (tmp_path, dump):
        path.chmod(0o755)
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o777)
    try:
        result = newsdedup("cluster", str(dump), "--out", str(out), held_to_permissions=True)
    finally:
        hidden.chmod(0o755)
    assert result.returncode == 0, result.stderr
    rejects = (out / "rejects.jsonl").read_text(encoding="utf-8")
    assert '"reason": "unreadable"' in rejects and "zz-private" in rejects
    assert "unreadable" in result.stderr  # in the summary's rejects by reason


def test_empty_input_writes_nothing(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    with pytest.raises(EmptyInput, match="no input documents"):
        cluster_dump([str(empty)], out)
    assert not list(out.glob("*.jsonl"))


def test_outputs_are_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        cluster_dump([str(SAMPLE)], tmp_path / "out")
    finally:
        os.umask(old)
    out = tmp_path / "out"
    # the files as a reader opens them (they may be links into the output set's folder)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()
             if not p.name.startswith(".")}
    assert len(modes) == 4 and set(modes.values()) == {0o644}, modes


def test_fetched_at_in_the_same_form_as_published():
    raw = RawDocument(url="https://example.com/a", location=Location("a.jsonl", line=1),
                      text="A long enough article text about nothing in particular at all. " * 3,
                      published="2026-03-10T08:00:00+08:00",
                      fetched_at="2026-03-10T09:30:00+08:00")
    article = process_document(raw)
    assert article.published == "2026-03-10T00:00:00Z"
    assert article.fetched_at == "2026-03-10T01:30:00Z"
    crawled = process_document(RawDocument(**{**raw.__dict__,
                                              "fetched_at": "2026-03-10T01:30:00+00:00"}))
    assert crawled.fetched_at == "2026-03-10T01:30:00Z"  # the crawler's clock, as it writes it


def test_package_license_is_an_spdx_string():
    """setuptools ≥ 77 takes an SPDX expression; a table there prints a deprecation box on
    every install (three times in `make demo`)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    requires = project["build-system"]["requires"]
    assert any(r.replace(" ", "").startswith("setuptools>=") and
               tuple(int(x) for x in r.split(">=")[1].split(".")[:1]) >= (77,) for r in requires)


def test_summary_keeps_reason_and_count_apart():
    from collections import Counter

    from newsdedup.dump import RunSummary

    text = RunSummary(inputs=3, rejected=Counter({"empty-extraction": 1, "unsupported-format": 2}))
    rows = [line.split() for line in text.render().splitlines() if line.startswith("  ")]
    assert rows == [["empty-extraction:", "1"], ["unsupported-format:", "2"]]
    starts = {line.rindex(" ") for line in text.render().splitlines() if line.startswith("  ")}
    assert len(starts) == 1  # the counts line up


def test_empty_input_is_exit_3_with_one_line(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    one_line_error(newsdedup("cluster", str(empty), "--out", str(tmp_path / "out")), 3,
                   "no input documents")


def test_version():
    from importlib.metadata import version

    result = newsdedup("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"newsdedup {version('newsdedup')}"


def test_cluster_formats_config_and_the_files_it_names(tmp_path):
    config = tmp_path / "newsdedup.toml"
    config.write_text(f'[output]\nout = "{tmp_path / "from-config"}"\nformats = ["sqlite"]\n'
                      "[incidents]\nmin_score = 1000\n", encoding="utf-8")
    result = newsdedup("cluster", str(SAMPLE), "--config", str(config), "--format", "csv")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "from-config"  # --out from the file; --format from the command line
    named = result.stderr.split(f"{out}/", 1)[1].strip().split(", ")
    assert named == ["articles.jsonl", "stories.jsonl", "incidents.jsonl", "rejects.jsonl",
                     "articles.csv", "stories.csv", "incidents.csv", "rejects.csv"]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted(named)
    stories = (out / "stories.jsonl").read_text(encoding="utf-8").count("\n")
    assert (out / "incidents.jsonl").read_text(encoding="utf-8").count("\n") == stories
    bad = tmp_path / "bad.toml"
    bad.write_text("[matching]\njacard_threshold = 0.6\n", encoding="utf-8")
    one_line_error(newsdedup("cluster", str(SAMPLE), "--config", str(bad)), 2,
                   "unknown key 'jacard_threshold'")
    usage = newsdedup("cluster", str(SAMPLE), "--format", "xlsx")
    assert usage.returncode == 2 and "unknown format 'xlsx'" in usage.stderr


def test_report_tz_option(tmp_path):
    out = tmp_path / "out"
    assert newsdedup("cluster", str(SAMPLE), "--out", str(out), "--quiet").returncode == 0
    result = newsdedup("report", "--out", str(out), "--tz", "Asia/Shanghai")
    assert result.returncode == 0, result.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "UTC / Asia/Shanghai" in page and "+08:00</time>" in page
    one_line_error(newsdedup("report", "--out", str(out), "--tz", "Mars/Base"), 2,
                   "unknown time zone")


def _good_jsonl(path: Path, n: int = 2) -> Path:
    import json
    path.write_text("".join(json.dumps({"url": f"https://g.example/{i}",
                                        "text": f"story {i} about the harbour bridge " * 12}) + "\n"
                            for i in range(n)))
    return path


def test_an_empty_input_file_keeps_the_previous_output(tmp_path):
    # A cron job's empty export used to publish an empty set over the last good one (exit 0).
    out = tmp_path / "out"
    cluster_dump([str(_good_jsonl(tmp_path / "good.jsonl"))], out)
    before = (out / "articles.jsonl").read_bytes()
    (tmp_path / "today.jsonl").write_bytes(b"")
    one_line_error(newsdedup("cluster", str(tmp_path / "today.jsonl"), "--out", str(out)), 3,
                   "no input documents")
    assert (out / "articles.jsonl").read_bytes() == before


def test_a_pipe_named_on_the_command_line_is_read_as_jsonl(tmp_path):
    # `cluster <(zcat dump.jsonl.gz)`: the user asked for the pipe; only folder walks skip pipes.
    import threading
    fifo = tmp_path / "in.pipe"
    os.mkfifo(fifo)
    data = _good_jsonl(tmp_path / "src.jsonl", 3).read_bytes()
    writer = threading.Thread(target=lambda: fifo.write_bytes(data), daemon=True)
    writer.start()
    summary = cluster_dump([str(fifo)], tmp_path / "out")
    writer.join(timeout=10)
    assert summary.articles == 3


def test_output_folder_inside_an_input_folder_is_not_read_back(tmp_path):
    # `cluster nest --out nest/out` used to read its previous output as input on every rerun.
    nest = tmp_path / "nest"
    nest.mkdir()
    _good_jsonl(nest / "dump.jsonl")
    first = cluster_dump([str(nest)], nest / "out")
    second = cluster_dump([str(nest)], nest / "out")
    assert (first.inputs, second.inputs) == (2, 2) and not second.rejected


@pytest.mark.parametrize("where", ["same", "file-inside"])
def test_an_input_inside_the_output_folder_is_refused(tmp_path, where):
    out = tmp_path / "out"
    out.mkdir()
    src = _good_jsonl(out / "articles.jsonl")  # e.g. a copy of an earlier output, placed there
    target = out if where == "same" else src
    one_line_error(newsdedup("cluster", str(target), "--out", str(out)), 2, "inside the output folder")
    assert not (out / "articles.jsonl").is_symlink()  # the input was not replaced by a link


def test_every_input_rejected_keeps_the_last_good_set_and_exits_5(tmp_path):
    """A run that keeps no article (upstream sent garbage) must not replace yesterday's output
    with empty files, nor lose its rejects, nor say exit 0."""
    out = tmp_path / "out"
    assert newsdedup("cluster", str(_good_jsonl(tmp_path / "good.jsonl")), "--out", str(out),
                     "--quiet").returncode == 0
    before = {n: (out / n).read_text() for n in ("articles.jsonl", "stories.jsonl")}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "no url"}\n{not json\n', encoding="utf-8")
    result = newsdedup("cluster", str(bad), "--out", str(out))
    assert result.returncode == 5
    assert "articles kept:    0" in result.stderr  # the summary says why
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("newsdedup: all 2 input documents were rejected") and "rejects.unpublished.jsonl" in last
    assert {n: (out / n).read_text() for n in before} == before
    kept = [json.loads(x) for x in (out / "rejects.unpublished.jsonl").read_text().splitlines()]
    assert [(r["line"], r["reason"]) for r in kept] == [(1, "missing-url"), (2, "malformed-json")]
    one_line_error(newsdedup("cluster", str(bad), "--out", str(out), "--quiet"), 5, "rejected")
    # the next run that publishes removes the file: it described an older run
    assert newsdedup("cluster", str(_good_jsonl(tmp_path / "good.jsonl")), "--out", str(out),
                     "--quiet").returncode == 0
    assert not (out / "rejects.unpublished.jsonl").exists()
