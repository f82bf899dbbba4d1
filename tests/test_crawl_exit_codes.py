"""The crawl's exit code and message say what happened: a failed export is a failure (1), an
interrupted crawl 130, a second crawl of the same folder the lock message and 2; an empty or
corrupt store is refused by export, never exported as an empty set."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from netfixture.harness import REPO, FixtureServer, crawl_command, wait_for, write_sources  # noqa: E402
from newsdedup.cli import main  # noqa: E402

ONLY = ("Juhe News",)  # one small outlet (an Atom feed): a crawl of a few seconds


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 10,
                                     b"SQLite format 3\x00" + b"\xff" * 4000])
def test_export_refuses_an_empty_or_corrupt_store(tmp_path, capsys, content):
    (tmp_path / "store.sqlite").write_bytes(content)
    (tmp_path / "articles.jsonl").write_text('{"id": "kept"}\n')
    assert main(["export", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not exported" in err and "store.sqlite" in err
    assert (tmp_path / "articles.jsonl").read_text() == '{"id": "kept"}\n'


def test_export_refuses_an_sqlite_file_that_is_not_a_store(tmp_path, capsys):
    import sqlite3
    db = sqlite3.connect(tmp_path / "store.sqlite")
    db.execute("CREATE TABLE other (x)")
    db.commit()
    db.close()
    assert main(["export", "--out", str(tmp_path)]) == 2
    assert "corrupt" in capsys.readouterr().err


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("exitcodes")
    srv = FixtureServer.start(base / "requests.jsonl", delay=0.3)
    yield srv, write_sources(base / "sources.toml")
    srv.stop()


def _run(cmd, **kw) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


def test_failed_export_is_a_failed_crawl(server, tmp_path):
    srv, sources = server
    out = tmp_path / "out"
    out.mkdir()
    (out / ".sets").write_text("a file where the output sets folder must go")
    proc = _run(crawl_command(sources, out, srv.proxy, only=ONLY))
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err[-2000:]
    assert "export failed" in err and "not rewritten" in err


def test_sigint_gives_130(server, tmp_path):
    srv, sources = server
    seen = len(srv.requests())
    proc = _run(crawl_command(sources, tmp_path / "out", srv.proxy), start_new_session=True)
    try:
        # the crawl is under way once it has fetched a few pages (each takes 0.3 s)
        assert wait_for(lambda: len(srv.requests()) >= seen + 3, timeout=120)
        os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err[-2000:]
    assert "interrupted" in err


def test_two_crawls_at_once_one_gets_the_lock_message_and_2(server, tmp_path):
    srv, sources = server
    out = tmp_path / "out"
    procs = [_run(crawl_command(sources, out, srv.proxy, only=ONLY)) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert "another crawl is writing" in loser and "stats" not in loser
    time.sleep(0)
