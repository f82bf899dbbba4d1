"""The output set is all-or-nothing: a real `newsdedup cluster` killed (SIGKILL) at every step
of publishing leaves OUT either the old set or the new one, never a mix; paths stay valid."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from newsdedup.output import KILL_AT_ENV, write_all_outputs, write_set
from pipelines.records import Article

WORDS = ("harbour council vote ferry fares winter timetable union drivers strike budget mayor "
         "bridge repairs river crossing commuters delay weekend service ticket prices").split()
# after the first file, after the last, just before and just after the switch
STEPS = ["staged:articles.jsonl", "staged:incidents.jsonl", "switch", "linked"]


def _text(seed: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * (seed + 3)) % len(WORDS)] + f"{i % 5}" for i in range(90))


def _inputs(path: Path, name: str, n: int) -> Path:
    rows = [{"url": f"https://{name}.example/{i}", "title": f"{name} {i}", "text": _text(i)}
            for i in range(n)] + [{"url": f"https://{name}.example/bad"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _cluster(src: Path, out: Path, kill_at: str | None = None,
             *flags: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop(KILL_AT_ENV, None)
    if kill_at:
        env[KILL_AT_ENV] = kill_at
    return subprocess.run([sys.executable, "-m", "newsdedup.cli", "cluster", str(src), "--out",
                           str(out), "--quiet", *flags], env=env, capture_output=True, text=True,
                          timeout=300)


def _snapshot(out: Path) -> dict[str, str]:
    return {n: (out / n).read_text(encoding="utf-8")
            for n in ("articles.jsonl", "stories.jsonl", "rejects.jsonl", "incidents.jsonl")}


def _consistent(out: Path) -> None:
    articles = [json.loads(x) for x in (out / "articles.jsonl").read_text().splitlines()]
    stories = {json.loads(x)["story_id"] for x in (out / "stories.jsonl").read_text().splitlines()}
    incidents = {json.loads(x)["incident_id"]
                 for x in (out / "incidents.jsonl").read_text().splitlines()}
    assert articles and all(a["story_id"] in stories and a["incident_id"] in incidents
                            for a in articles)


def test_kill_9_at_every_publishing_step_leaves_old_or_new_set(tmp_path):
    out = tmp_path / "out"
    old_in, new_in = _inputs(tmp_path / "a.jsonl", "old", 3), _inputs(tmp_path / "b.jsonl", "new", 4)
    first = _cluster(old_in, out)
    assert first.returncode == 0, first.stderr
    old = _snapshot(out)
    fresh = _cluster(new_in, tmp_path / "fresh")
    new = _snapshot(tmp_path / "fresh")
    assert old != new
    for step in STEPS:
        killed = _cluster(new_in, out, kill_at=step)
        assert killed.returncode == -signal.SIGKILL, (step, killed.stderr)
        seen = _snapshot(out)
        assert seen == (new if step == "linked" else old), step
        _consistent(out)
    assert _cluster(new_in, out).returncode == 0 and _snapshot(out) == new
    assert fresh.returncode == 0
    assert sorted(os.listdir(out / ".sets")) == [os.readlink(out / ".current").split("/")[-1]]


def _snapshot_all(out: Path) -> dict[str, object]:
    """The JSONL files, their CSV copies and the SQLite tables' rows, as read through OUT."""
    seen: dict[str, object] = _snapshot(out)
    seen.update({n: (out / n).read_text(encoding="utf-8-sig")
                 for n in ("articles.csv", "stories.csv", "incidents.csv", "rejects.csv")})
    db = sqlite3.connect(f"{(out / 'results.sqlite').resolve().as_uri()}?mode=ro", uri=True)
    try:
        seen.update({t: db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                     for t in ("articles", "stories", "incidents", "rejects")})
    finally:
        db.close()
    return seen


def test_csv_and_sqlite_are_published_with_the_jsonl_all_or_nothing(tmp_path):
    """The copies were written after the switch, outside the set: a kill left new JSONL beside
    old CSV / SQLite. Now every step leaves one set, every format of it."""
    out, flags = tmp_path / "out", ("--format", "csv,sqlite")
    old_in, new_in = _inputs(tmp_path / "a.jsonl", "old", 3), _inputs(tmp_path / "b.jsonl", "new", 4)
    assert _cluster(old_in, out, None, *flags).returncode == 0
    old = _snapshot_all(out)
    assert _cluster(new_in, tmp_path / "fresh", None, *flags).returncode == 0
    new = _snapshot_all(tmp_path / "fresh")
    for step in ["staged:articles.csv", "staged:results.sqlite", *STEPS[2:]]:
        killed = _cluster(new_in, out, step, *flags)
        assert killed.returncode == -signal.SIGKILL, (step, killed.stderr)
        assert _snapshot_all(out) == (new if step == "linked" else old), step
    for name in ("articles.csv", "results.sqlite"):
        assert os.readlink(out / name) == f".current/{name}"
    # a run without the copies drops their names: no CSV of an older run beside new JSONL
    assert _cluster(new_in, out).returncode == 0
    assert not (out / "articles.csv").exists() and not os.path.lexists(out / "results.sqlite")


def test_a_refresh_without_formats_keeps_the_copies_the_folder_has(tmp_path):
    """A crawl's export (formats None) rewrites the CSV / SQLite copies an earlier
    ``export --format`` made, in the same set, rather than leaving them stale or dropping them."""
    article = Article(id="a1", url="https://a.example/1", title="T", text="text", lang="en",
                      script=None, published=None, site="a.example")
    write_all_outputs(tmp_path, [article], [], [], formats=("jsonl", "csv"))
    article.title = "New title"
    write_all_outputs(tmp_path, [article], [], [])
    assert "New title" in (tmp_path / "articles.csv").read_text(encoding="utf-8-sig")
    assert os.readlink(tmp_path / "articles.csv") == ".current/articles.csv"
    assert not (tmp_path / "results.sqlite").exists()


def test_files_readable_by_others_and_names_are_links_into_one_set(tmp_path):
    old = os.umask(0o022)
    try:
        write_set(tmp_path, {"articles.jsonl": [{"id": "a"}], "stories.jsonl": []})
    finally:
        os.umask(old)
    for name in ("articles.jsonl", "stories.jsonl"):
        assert (tmp_path / name).is_symlink()
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / ".current").stat().st_mode) == 0o755
    assert (tmp_path / "articles.jsonl").read_text() == '{"id": "a"}\n'


def test_plain_files_of_an_older_version_are_adopted_then_replaced(tmp_path):
    (tmp_path / "articles.jsonl").write_text("old articles\n")
    (tmp_path / "stories.jsonl").write_text("old stories\n")
    (tmp_path / "report.html").write_text("not part of the set")
    write_set(tmp_path, {"articles.jsonl": [{"id": "b"}], "stories.jsonl": [{"s": 1}]})
    assert (tmp_path / "articles.jsonl").read_text() == '{"id": "b"}\n'
    assert (tmp_path / "stories.jsonl").read_text() == '{"s": 1}\n'
    assert (tmp_path / "report.html").read_text() == "not part of the set"
    assert len(os.listdir(tmp_path / ".sets")) == 1


def test_a_failed_write_keeps_the_previous_set(tmp_path):
    write_set(tmp_path, {"articles.jsonl": [{"id": "a"}], "stories.jsonl": [{"s": 0}]})

    def failing():
        yield {"id": "b"}
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_set(tmp_path, {"articles.jsonl": failing(), "stories.jsonl": [{"s": 1}]})
    assert (tmp_path / "articles.jsonl").read_text() == '{"id": "a"}\n'
    assert (tmp_path / "stories.jsonl").read_text() == '{"s": 0}\n'
    assert len(os.listdir(tmp_path / ".sets")) == 1


def test_interrupt_message_says_what_happened(monkeypatch, capsys):
    from newsdedup import cli, output

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "PUBLISHED", [])
    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser.set_defaults(run=interrupted)
    for sub in parser._subparsers._group_actions[0].choices.values():
        sub.set_defaults(run=interrupted)
    assert cli.main(["report"]) == cli.EXIT_INTERRUPTED
    assert "were not written" in capsys.readouterr().err
    output.PUBLISHED.append(Path("OUT"))
    assert cli.main(["report"]) == cli.EXIT_INTERRUPTED
    assert "published in OUT (complete)" in capsys.readouterr().err


def test_an_interrupt_a_library_turned_into_its_own_error_is_an_interrupt(monkeypatch, capsys):
    """langdetect's bare ``except:`` turns a Ctrl-C while it loads its profiles into
    "LangDetectException: Profile format error" (exit 1 and a traceback): still exit 130; any
    other error still propagates."""
    from langdetect.lang_detect_exception import LangDetectException

    from newsdedup import cli, output

    def swallowing(args):
        try:
            raise KeyboardInterrupt
        except:  # noqa: E722 -- what the library does
            raise LangDetectException(0, "Profile format error.") from None

    def failing(args):
        raise LangDetectException(0, "Profile format error.")

    monkeypatch.setattr(output, "PUBLISHED", [])
    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    for run, expected in ((swallowing, cli.EXIT_INTERRUPTED), (failing, None)):
        for sub in parser._subparsers._group_actions[0].choices.values():
            sub.set_defaults(run=run)
        if expected is None:
            with pytest.raises(LangDetectException):
                cli.main(["report"])
        else:
            assert cli.main(["report"]) == expected
            assert "interrupted" in capsys.readouterr().err


def test_a_copy_that_followed_the_links_is_written_again(tmp_path):
    import shutil
    write_set(tmp_path / "a", {"articles.jsonl": [{"id": "a"}]})
    shutil.copytree(tmp_path / "a", tmp_path / "b")  # symlinks followed: plain files and folders
    write_set(tmp_path / "b", {"articles.jsonl": [{"id": "b"}]})
    assert (tmp_path / "b" / ".current").is_symlink()
    assert (tmp_path / "b" / "articles.jsonl").read_text() == '{"id": "b"}\n'
    assert (tmp_path / "a" / "articles.jsonl").read_text() == '{"id": "a"}\n'


def test_sigterm_mid_run_exits_130_and_keeps_the_old_set(tmp_path):
    # systemd/timeout stop a run with SIGTERM: it used to die with 143 and no word.
    out = tmp_path / "out"
    assert _cluster(_inputs(tmp_path / "a.jsonl", "old", 3), out).returncode == 0
    before = _snapshot(out)
    done = _cluster(_inputs(tmp_path / "b.jsonl", "new", 4), out,
                    kill_at="staged:articles.jsonl@TERM")
    assert done.returncode == 130, done.stderr
    assert "were not written" in done.stderr
    assert _snapshot(out) == before


def test_an_old_plain_folder_loses_the_copies_the_new_set_does_not_have(tmp_path):
    """A folder an older version wrote (plain files, CSV and SQLite copies beside the JSONL):
    the first run adopts them all, and a run without ``--format csv,sqlite`` leaves no stale
    copy of the old results behind (the CSV and SQLite stayed, from the old run)."""
    out = tmp_path / "out"
    out.mkdir()
    for name in ("articles.jsonl", "stories.jsonl", "articles.csv", "stories.csv", "results.sqlite"):
        (out / name).write_text("old\n")
    assert _cluster(_inputs(tmp_path / "b.jsonl", "new", 3), out).returncode == 0
    names = sorted(n for n in os.listdir(out) if not n.startswith("."))
    assert names == ["articles.jsonl", "incidents.jsonl", "rejects.jsonl", "stories.jsonl"]
    assert "old" not in (out / "articles.jsonl").read_text()
    assert _cluster(_inputs(tmp_path / "c.jsonl", "newer", 3), out, None, "--format", "csv").returncode == 0
    assert (out / "articles.csv").is_symlink() and "newer" in (out / "articles.csv").read_text()
