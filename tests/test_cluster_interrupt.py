"""Ctrl-C (SIGINT) stops a multi-process `newsdedup cluster` for real: exit 130, the pool gone,
the previous output set kept. Real subprocess, real signal, bounded waits."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import shared_or_skip

from tests.test_output_set import _cluster, _inputs, _snapshot


def _children(pid: int) -> list[int]:
    kids = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in kids.read_text().split()] if kids.exists() else []


def _background_job() -> None:
    # what `sh -c 'newsdedup cluster ... &'` (no job control) gives the command: SIGINT ignored
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("to_group", [False, True], ids=["to-pid", "to-process-group"])
def test_sigint_with_two_extraction_processes_exits_130_and_keeps_the_old_set(tmp_path,
                                                                             to_group):
    data = shared_or_skip()
    out = tmp_path / "out"
    assert _cluster(_inputs(tmp_path / "a.jsonl", "old", 3), out).returncode == 0
    before = _snapshot(out)
    proc = subprocess.Popen([sys.executable, "-m", "newsdedup.cli", "cluster", str(data), "--out",
                             str(out), "--quiet", "--extract-processes", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_background_job, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(_children(proc.pid)) < 2 and proc.poll() is None:  # the pool is working
            assert time.monotonic() < deadline, "the extraction pool never started"
            time.sleep(0.2)
        workers = _children(proc.pid)
        if to_group:
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "were not written" in err
    assert _snapshot(out) == before
    for pid in workers:  # no pool worker left behind
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
