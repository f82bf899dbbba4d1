"""How the workers of a Redis-mode run start and end (newsdedup.crawl, crawler/coordination.py),
on a real redis-server (loopback, the module fixture of test_redis_mode):

* a pop takes requests out of the run's queues and marks its worker busy in one step, so the
  idle check (``SharedCrawlState.quiet``) never sees a request in neither place and needs no
  pause before it is trusted;
* workers are forked from a process that has imported the crawler, which imports no reactor;
* a forked worker gives back its exit code and what it printed.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_redis_mode import fresh_namespace, needs_redis, redis_url  # noqa: E402,F401

from netfixture.harness import PYTHON, REPO  # noqa: E402


def entry(url: str) -> bytes:
    """A queued request as crawler.frontier pushes it: claim set, URL, then the request."""
    return f"claimed\n{url}\n".encode() + b"(request)"


@needs_redis
def test_a_pop_marks_its_worker_busy_in_the_same_step(redis_url):  # noqa: F811 (fixture)
    import redis

    from crawler.frontier_scripts import POP, PUSH
    from crawler.redis_backend import SharedCrawlState

    namespace = fresh_namespace(redis_url, "t-quiet")
    one = SharedCrawlState(redis_url, "run-q", "w1", namespace)
    two = SharedCrawlState(redis_url, "run-q", "w2", namespace)
    client = redis.Redis.from_url(redis_url)
    push, pop = client.register_script(PUSH), client.register_script(POP)
    prefix = f"{namespace}:run:run-q:"
    for state in (one, two):
        state.heartbeat(False, ttl=60)
    assert one.quiet() and two.quiet()  # nothing queued, nobody busy: the run is over

    hosts = ["h0", "h1", "h2", "h3"]
    args = [prefix]
    for i, host in enumerate(hosts):
        url = f"http://{host}/a/{i}"
        args += [host, 0, entry(url), f"fp{i}", url, '{"kind": "article"}']
    assert push(args=args) == 4
    assert not one.quiet() and not two.quiet()  # queued

    taken = {}
    for worker in ("w1", "w2"):  # each takes what it owns (rendezvous over the live workers)
        got = pop(args=[prefix, f"{namespace}:seen", worker, 60_000, 16, 2, 0])
        taken[worker] = (len(got) - 1) // 2
        assert int(got[-1]) == 0  # nothing left on its hosts
    assert sum(taken.values()) == 4 and client.scard(f"{prefix}hosts") == 0
    for state in (one, two):  # the queue is empty, but a worker that took requests is busy
        other = "w2" if state is one else "w1"
        assert state.quiet() == (taken[other] == 0)
    states = client.hgetall(f"{prefix}workers:state")
    assert {w: states[w.encode()] for w in taken if taken[w]} == {
        w: b"busy" for w in taken if taken[w]}

    for state in (one, two):  # done: each says so with its heartbeat
        state.heartbeat(False, ttl=60)
    assert one.quiet() and two.quiet()
    client.hset(f"{prefix}workers:state", "w1", "busy")
    client.zadd(f"{prefix}workers", {"w1": 0})  # w1's heartbeat expired: dead, not busy
    assert two.quiet()


def test_the_crawler_is_imported_before_forking_without_a_reactor():
    """preload_crawler imports the crawl's modules (the frontier among them) and installs no
    reactor: each forked worker installs its own asyncio reactor."""
    code = ("import sys\nfrom crawler.run import preload_crawler\n"
            "assert preload_crawler()\n"
            "assert 'twisted.internet.reactor' not in sys.modules\n"
            "assert {'crawler.frontier', 'crawler.pipelines', 'crawler.spiders.news',\n"
            "        'scrapy.core.engine'} <= set(sys.modules)\n")
    done = subprocess.run([PYTHON, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_forked_worker_gives_back_its_exit_code_and_output(tmp_path):
    from newsdedup.crawl import ForkedWorker

    shown = ForkedWorker(["--version"])
    out, _ = shown.communicate()
    assert shown.returncode == 0 and out.startswith("newsdedup ")

    missing = ForkedWorker(["crawl", "--sources", str(tmp_path / "none.toml"), "--out",
                            str(tmp_path / "out")])
    out, _ = missing.communicate()
    assert missing.returncode == 2 and out == ""  # a usage error, as the command line gives
