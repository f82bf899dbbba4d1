"""Test harness: start/stop the fixture server, write its sources file, run crawls in children.

Crawls run in child processes: a Twisted reactor cannot restart inside one pytest process, and
the kill -9 test needs a process to kill.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parents[1]
REPO = TESTS_DIR.parent
PYTHON = sys.executable

# Loopback needs no politeness delays; everything else runs with crawler/settings.py as shipped
# (AutoThrottle stays on, starting from a small delay).
FAST_SETTINGS = {
    "AUTOTHROTTLE_START_DELAY": 0.01,
    "AUTOTHROTTLE_MAX_DELAY": 0.2,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "NEWSDEDUP_RETRY_BACKOFF_BASE": 0.05,
    # generous: a loaded CI machine can be slow, and a timed-out page would be fetched twice
    "DOWNLOAD_TIMEOUT": 20,
    # the network's 404 page is gone for good: a reject on the first run, so a rerun fetches no
    # article again (the retries of a 404 are tests/test_crawl_not_found.py's)
    "NEWSDEDUP_NOT_FOUND_RUNS": 1,
    "LOG_LEVEL": "WARNING",
}

SOURCES_TOML = """\
# The offline fixture network (tests/netfixture): every host is served by one loopback server.
[[source]]
name = "Huaxia Daily"
lang = "zh"
allowed_domains = ["huaxia-daily.test"]
feeds = ["http://www.huaxia-daily.test/rss.xml"]
follow = ["/20\\\\d{{6}}/\\\\d+\\\\.shtml$"]

[[source]]
name = "Formosa Tech News"
lang = "zh"
allowed_domains = ["formosa-tech.test"]
sitemaps = ["http://www.formosa-tech.test/sitemap_index.xml"]
follow = ["/news/\\\\d{{8}}/\\\\d+$"]

[[source]]
name = "The Example Wire"
lang = "en"
allowed_domains = ["example-wire.test"]
start_urls = [{wire_start}]
follow = ["/20\\\\d\\\\d/\\\\d\\\\d/\\\\d\\\\d/[\\\\w-]+\\\\.html$", "/story/\\\\d+$", "/reports/"]
paginate = ["/tech/\\\\?page=\\\\d+", "/archive/\\\\?page=\\\\d+"]

[[source]]
name = "Juhe News"
lang = "zh"
allowed_domains = ["juhe-news.test"]
feeds = ["http://www.juhe-news.test/atom.xml"]

[[source]]
name = "Closed Herald"
lang = "en"
allowed_domains = ["closed-herald.test"]
feeds = ["http://www.closed-herald.test/rss"]

"""
SLOW_SOURCE_TOML = """
[[source]]
name = "Slow Times"
lang = "en"
allowed_domains = ["slow-times.test"]
feeds = ["http://www.slow-times.test/feed.xml"]
"""


def write_sources(path: Path, scale: int = 0, failing: bool = True, slow: bool = False) -> Path:
    """The fixture's sources file. ``failing=False`` leaves out the outlet answering 403 (the
    benchmark measures throughput); ``slow=True`` adds the one that times out (tests using it
    set a short DOWNLOAD_TIMEOUT)."""
    starts = ["http://news.example-wire.test/world/", "http://news.example-wire.test/tech/"]
    if scale:
        starts.append("http://news.example-wire.test/archive/?page=1")
    text = SOURCES_TOML.format(wire_start=", ".join(f'"{u}"' for u in starts))
    if not failing:
        text = text[:text.index('[[source]]\nname = "Closed Herald"')]
    if slow:
        text += SLOW_SOURCE_TOML
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class FixtureServer:
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, log: Path, edition: int = 1, scale: int = 0, delay: float = 0.0) -> FixtureServer:
        proc = subprocess.Popen(
            [PYTHON, "-m", "netfixture.server", "--log", str(log), "--edition", str(edition),
             "--scale", str(scale), "--delay", str(delay)],
            cwd=TESTS_DIR, stdout=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            proc.kill()
            raise RuntimeError(f"fixture server did not start: {line!r}")
        return cls(proc, int(line.split()[1]), log)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()

    def requests(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]


def crawl_command(sources: Path, out: Path, proxy: str, only: tuple[str, ...] = (),
                  **settings) -> list[str]:
    """``newsdedup crawl`` with the JSON summary on stdout's last line."""
    merged = {**FAST_SETTINGS, **settings}
    cmd = [PYTHON, "-m", "newsdedup", "crawl", "--sources", str(sources), "--out", str(out),
           "--proxy", proxy, "--json"]
    for name in only:
        cmd += ["--source", name]
    for key, value in merged.items():
        cmd += ["--set", f"{key}={json.dumps(value)}"]
    return cmd


def run_crawl(sources: Path, out: Path, proxy: str, timeout: float = 120,
              only: tuple[str, ...] = (), **settings) -> dict:
    """Run one crawl in a child process (``only``: these sources); the parsed JSON summary,
    with the process's ``exit_code`` (0, or 4 when some sources failed: Closed Herald's 403)."""
    done = subprocess.run(crawl_command(sources, out, proxy, only, **settings), cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode not in (0, 4):
        raise AssertionError(f"crawl failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "exit_code": done.returncode}


def start_crawl(sources: Path, out: Path, proxy: str, **settings) -> subprocess.Popen:
    """A crawl in its own process group (its extraction workers too), to be killed."""
    return subprocess.Popen(crawl_command(sources, out, proxy, **settings), cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def group_members(pgid: int) -> list[int]:
    """PIDs still alive in process group ``pgid`` (zombies excluded), from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def kill_crawl(proc: subprocess.Popen) -> None:
    """kill -9 the crawl process only, as a supervisor would."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def kill_group(proc: subprocess.Popen) -> None:
    """kill -9 whatever is left of the crawl we started (its process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def wait_for(predicate, timeout: float = 60, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def count_paths(requests: list[dict]) -> Counter:
    return Counter((r["host"], r["path"]) for r in requests)


def store_snapshot(out: Path) -> dict:
    """What must be equal between two crawls of the same network: articles (all fields but the
    fetch time), stories, rejects and the final outcome of every article URL."""
    from crawler.store import STORE_FILE, Store

    store = Store(out / STORE_FILE, writable=False)
    try:
        articles = {}
        for a in store.articles():
            record = a.as_output()
            record.pop("fetched_at")
            articles[a.id] = record
        stories = {s.story_id: s.as_output() for s in store.stories()}
        rejects = {r.url: (r.reason, r.location.path) for r in store.rejects()}
        seen = dict(store.db.execute(
            "SELECT url, outcome FROM seen WHERE kind = 'article' AND outcome != 'error'"))
    finally:
        store.db.close()
    return {"articles": articles, "stories": stories, "rejects": rejects, "seen": seen}
