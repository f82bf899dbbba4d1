"""A process forked by a newsdedup command dies with it, however the command dies: each forked
worker gets SIGTERM when its parent dies (Linux prctl PR_SET_PDEATHSIG). Before, a pool worker
blocked on the pool's task lock (its sibling killed while holding it) waited for ever after a
``kill -9`` of the command, an orphan holding the caller's pipes open."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")

# The command's own fork hooks, a child that never reads a pipe (blocked as on a lock), and a
# parent that only waits to be killed.
SCRIPT = """
import os, sys, time
from newsdedup.cli import _sigterm_as_interrupt
_sigterm_as_interrupt()
child = os.fork()
if child == 0:
    time.sleep(120)
    os._exit(0)
print(child, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_forked_worker_dies_with_its_killed_parent():
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True)
    child = None
    try:
        child = int(parent.stdout.readline())
        assert _alive(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        for _ in range(100):  # up to 10 s for the child to go
            if not _alive(child):
                break
            time.sleep(0.1)
        assert not _alive(child), "the forked child outlived its killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if child is not None and _alive(child):
            os.kill(child, signal.SIGKILL)
