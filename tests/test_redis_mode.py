"""Redis mode: several crawl workers on one real ``redis-server`` (loopback, stopped by PID).

* the shared story index: concurrent writers in separate processes == batch group_stories;
* two workers crawl the fixture network at once: every page fetched once, the merged output
  equal to a single-process crawl's;
* one worker killed (kill -9) mid-run: the other finishes, the merged output loses nothing.
"""
from __future__ import annotations

import json
import multiprocessing
import random
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_dedupe_stories import EN_A, ZH_A, ZH_B  # noqa: E402

from dedupe import StoryDoc, group_stories  # noqa: E402
from dedupe.stories.features import StoryConfig, featurise  # noqa: E402
from dedupe.stories.index import ArrayBandStore  # noqa: E402
from dedupe.stories.shared import MemoryDocStore, SharedStoryIndex, pack_features, unpack_features  # noqa: E402
from netfixture.harness import (  # noqa: E402
    REPO,
    FixtureServer,
    crawl_command,
    kill_group,
    run_crawl,
    wait_for,
    write_sources,
)

REDIS_SERVER = shutil.which("redis-server")
needs_redis = pytest.mark.skipif(REDIS_SERVER is None,
                                 reason="redis-server not installed (make test installs it as root)")
OUTPUTS = ("articles.jsonl", "stories.jsonl", "incidents.jsonl", "rejects.jsonl")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A private redis-server on a free loopback port, no persistence; stopped by its PID."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server not installed")
    import redis

    port, workdir = free_port(), tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)

    def answers() -> bool:
        try:
            return bool(client.ping())
        except redis.exceptions.ConnectionError:
            return False
    try:
        assert wait_for(answers, timeout=20), "redis-server did not start"
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def fresh_namespace(url: str, name: str) -> str:
    """Each test its own key namespace (the server is shared by the module)."""
    import redis
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{name}:*"):
        client.delete(key)
    return name


# --- the shared index ---------------------------------------------------------------------------

def variant_docs() -> list[StoryDoc]:
    """Copies of three real-looking reports (dropped paragraph, truncation, a sidebar of another
    story's lead, a new first line) and unrelated one-paragraph texts."""
    docs = []
    for name, paras in (("zha", ZH_A), ("zhb", ZH_B), ("ena", EN_A)):
        joiner = " " if name == "ena" else ""
        other = ZH_B if name != "zhb" else ZH_A
        variants = {
            "full": paras,
            "drop": paras[:2] + paras[3:],
            "trunc": paras[:2],
            "sidebar": paras + [other[0]],
            "head": ["Source: wire service" if name == "ena" else "来源：综合报道"] + paras,
        }
        for kind, ps in variants.items():
            text = joiner.join(ps).lower()
            docs.append(StoryDoc(f"{name}-{kind}", text, None, len(text)))
    for i, para in enumerate(ZH_A[2:] + EN_A[3:]):
        docs.append(StoryDoc(f"single-{i}", para.lower(), None, len(para)))
    return docs


def test_sketch_rows_round_trip_exactly():
    feats = featurise([d.text for d in variant_docs()], StoryConfig())
    back = unpack_features(pack_features(feats), StoryConfig())
    for field in feats.FIELDS:
        assert np.array_equal(getattr(back, field), getattr(feats, field)), field
    with pytest.raises(ValueError):
        unpack_features([b"short"], StoryConfig())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shared_index_in_any_batches_equals_batch_clustering(seed):
    docs = variant_docs()
    batch = group_stories(docs)
    assert any(len(c) >= 4 for c in batch) and any(len(c) == 1 for c in batch)
    rng = random.Random(seed)
    shuffled = docs[:]
    rng.shuffle(shuffled)
    index = SharedStoryIndex(MemoryDocStore(), ArrayBandStore())
    start = 0
    while start < len(shuffled):
        step = rng.randint(1, 6)
        index.add_many(shuffled[start:start + step])
        start += step
    assert index.clusters() == batch
    assert index.add_many(shuffled[:5]) == 0  # already complete: nothing is added twice


def _add_in_batches(url: str, namespace: str, docs: list[StoryDoc], seed: int) -> None:
    from crawler.redis_backend import shared_story_index

    index = shared_story_index(url, namespace=namespace)
    rng = random.Random(seed)
    for start in range(0, len(docs), 3):
        index.add_many(docs[start:start + 3])
        time.sleep(rng.random() * 0.01)


@needs_redis
def test_concurrent_writers_on_redis_equal_batch_clustering(redis_url):
    from crawler.redis_backend import shared_story_index

    namespace = fresh_namespace(redis_url, "t-concurrent")
    docs = variant_docs()
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    ctx = multiprocessing.get_context("spawn")
    halves = [shuffled[0::2], shuffled[1::2]]
    procs = [ctx.Process(target=_add_in_batches, args=(redis_url, namespace, half, i))
             for i, half in enumerate(halves)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    assert shared_story_index(redis_url, namespace=namespace).clusters() == group_stories(docs)


@needs_redis
def test_a_namespace_refuses_sketches_of_another_config(redis_url):
    from crawler.redis_backend import shared_story_index

    namespace = fresh_namespace(redis_url, "t-config")
    shared_story_index(redis_url, namespace=namespace)
    with pytest.raises(ValueError, match="another StoryConfig"):
        shared_story_index(redis_url, StoryConfig(jaccard_threshold=0.6), namespace=namespace)


# --- crawling with several workers --------------------------------------------------------------

def outputs(out: Path) -> dict[str, list[dict]]:
    """The output files without fetch times (those differ between any two crawls)."""
    result = {}
    for name in OUTPUTS:
        rows = [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]
        for row in rows:
            row.pop("fetched_at", None)
        result[name] = rows
    return result


def page_requests(requests: list[dict]) -> Counter:
    """Requests per page, robots.txt left out (each worker reads it once per host)."""
    return Counter((r["host"], r["path"]) for r in requests if r["path"] != "/robots.txt")


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """The reference: one ordinary process crawling the fixture network."""
    base = tmp_path_factory.mktemp("single")
    sources = write_sources(base / "sources.toml")
    server = FixtureServer.start(base / "requests.jsonl")
    try:
        run_crawl(sources, base / "out", server.proxy)
        requests = server.requests()
    finally:
        server.stop()
    return {"out": base / "out", "requests": page_requests(requests)}


def worker_command(sources: Path, out: Path, proxy: str, redis_url: str, namespace: str,
                   run_id: str, *extra: str) -> list[str]:
    return crawl_command(sources, out, proxy, NEWSDEDUP_REDIS_NAMESPACE=namespace) + [
        "--redis-url", redis_url, "--run-id", run_id, *extra]


@needs_redis
def test_two_workers_fetch_every_page_once_and_equal_one_process(redis_url, single, tmp_path):
    namespace = fresh_namespace(redis_url, "t-two")
    sources = write_sources(tmp_path / "sources.toml")
    server = FixtureServer.start(tmp_path / "requests.jsonl", delay=0.05)
    try:
        cmd = worker_command(sources, tmp_path / "out", server.proxy, redis_url, namespace,
                             "run-two", "--workers", "2")
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
        requests = page_requests(server.requests())
    finally:
        server.stop()
    assert done.returncode == 4, done.stderr[-3000:]  # 4: Closed Herald answers 403
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted(result["workers"]) == [f"{socket.gethostname()}-w1", f"{socket.gethostname()}-w2"]
    assert requests == single["requests"]  # the same pages, each as often as one process asks
    assert max(requests.values()) <= 2  # only the page that answers 500 once is asked twice
    assert outputs(tmp_path / "out") == outputs(single["out"])
    assert len(result["summaries"]) == 2
    # each article is stored by exactly one worker
    from crawler.shared_store import worker_stores
    from crawler.store import Store
    stored = []
    for path in worker_stores(tmp_path / "out"):
        store = Store(path, writable=False)
        stored += [a.id for a in store.articles()]
        store.db.close()
    assert len(stored) == len(set(stored)) == len(outputs(single["out"])["articles.jsonl"])


@needs_redis
def test_a_worker_killed_mid_run_loses_nothing(redis_url, single, tmp_path):
    """The victim takes requests and never commits (huge commit batch), is killed -9 holding
    them; a second worker of the same run finishes the run and recovers them."""
    import redis

    namespace = fresh_namespace(redis_url, "t-kill")
    sources = write_sources(tmp_path / "sources.toml")
    out = tmp_path / "out"
    server = FixtureServer.start(tmp_path / "requests.jsonl", delay=0.3)  # slow: many in flight
    client = redis.Redis.from_url(redis_url)
    claimed = f"{namespace}:run:run-kill:claimed"
    victim = survivor = None
    try:
        common = (sources, out, server.proxy, redis_url, namespace, "run-kill")
        victim = subprocess.Popen(
            worker_command(*common, "--worker-id", "victim", "--set", "NEWSDEDUP_COMMIT_ITEMS=1000",
                           "--set", "NEWSDEDUP_COMMIT_SECONDS=600"),
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        assert wait_for(lambda: client.scard(claimed) >= 5, timeout=120)
        kill_group(victim)
        assert victim.returncode == -9
        survivor = subprocess.Popen(worker_command(*common, "--worker-id", "survivor"), cwd=REPO,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    start_new_session=True)
        stdout, err = survivor.communicate(timeout=300)
        assert survivor.returncode in (0, 4), err[-3000:]  # 4 if it met Closed Herald's 403
    finally:
        for proc in (victim, survivor):
            if proc is not None and proc.poll() is None:
                kill_group(proc)
        server.stop()
    summary = json.loads(stdout.strip().splitlines()[-1])
    assert summary["recovered"] >= 5  # what the victim claimed and never committed
    from crawler.shared_store import worker_store_path
    from crawler.store import Store

    victim_store = Store(worker_store_path(out, "victim"), writable=False)
    assert victim_store.counts()["articles"] == 0  # nothing of the victim's survived in its file
    victim_store.db.close()
    # the survivor, last to leave, wrote the merged files: equal to one uninterrupted process
    assert outputs(out) == outputs(single["out"])
