"""``newsdedup export --out DIR`` over the stores of a ``crawl --workers N --no-export`` run
(DIR/workers/*/store.sqlite, no DIR/store.sqlite) says to add --redis-url, instead of only "no
crawl store"."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from crawler.shared_store import worker_store_path
from crawler.store import Store

ROOT = Path(__file__).resolve().parents[1]


def export(out: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NEWSDEDUP_REDIS_URL"}
    return subprocess.run([sys.executable, "-m", "newsdedup", "export", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)


def test_worker_stores_without_redis_url_name_the_option(tmp_path):
    for worker in ("host-w1", "host-w2"):  # real (empty) crawl stores, as the workers leave them
        store = Store(worker_store_path(tmp_path, worker))
        store.close()
    result = export(tmp_path)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "no crawl store" in line and "2 worker store(s)" in line and "--redis-url" in line


def test_an_empty_folder_still_says_no_crawl_store(tmp_path):
    result = export(tmp_path)
    assert result.returncode == 2 and "no crawl store" in result.stderr
    assert "--redis-url" not in result.stderr
