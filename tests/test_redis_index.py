"""The story index's Redis layout (crawler/redis_index.py, crawler/redis_bands.py) on a real
redis-server: the packed band table answers like the in-memory one, the layout is recorded, and
a namespace of the older layout is refused, then migrated without changing its stories."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_redis_mode import fresh_namespace, needs_redis, redis_url, variant_docs  # noqa: E402,F401

from dedupe import group_stories  # noqa: E402
from dedupe.stories.index import ArrayBandStore, StorageBandStore  # noqa: E402
from dedupe.stories.shared import MemoryDocStore, SharedStoryIndex  # noqa: E402


def pairs(found: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int]]:
    return sorted(zip(found[0].tolist(), found[1].tolist()))


@needs_redis
@pytest.mark.parametrize("bucket_bits", [8, 16])
def test_bucket_table_answers_like_the_array_store(redis_url, bucket_bits):  # noqa: F811 (the imported fixture)
    import redis

    from crawler.redis_bands import RedisBucketBandStore

    client = redis.Redis.from_url(redis_url)
    namespace = fresh_namespace(redis_url, f"t-buckets-{bucket_bits}")
    table = RedisBucketBandStore(client, namespace, bucket_bits)
    reference = ArrayBandStore()
    rng = np.random.default_rng(bucket_bits)
    for _ in range(6):
        keys = rng.integers(0, 2**32, 400, dtype=np.uint64).astype(np.uint32)
        keys[:80] = keys[80:160]  # keys shared by several documents
        keys[160:170] = np.uint32(0x12340000) + np.arange(10, dtype=np.uint32)  # one bucket
        docs = rng.integers(0, 2**32, 400, dtype=np.uint64).astype(np.int64)
        # document numbers whose bytes hold another entry's low key bits: a search that
        # ignored the 6-byte entry boundaries would report them
        docs[170:180] = (0x0001 << 16) | 0x0005
        keys[170:180] = np.uint32(0x12340001)
        table.insert(keys, docs)
        reference.insert(keys, docs)
        asked = np.concatenate([keys[::7], rng.integers(0, 2**32, 50, dtype=np.uint64)
                                .astype(np.uint32), np.array([0x12340005, 0x00050001], np.uint32)])
        assert pairs(table.lookup(asked)) == pairs(reference.lookup(asked))
    assert len(table) == len(reference) == 2400
    assert pairs(table.lookup(np.zeros(0, np.uint32))) == []
    with pytest.raises(ValueError, match="32 bits"):
        table.insert(np.array([1], np.uint32), np.array([2**32]))


@needs_redis
def test_layout_is_recorded_and_a_foreign_one_refused(redis_url):  # noqa: F811 (the imported fixture)
    import redis

    from crawler.redis_index import LAYOUT, OldIndexLayout, open_stores

    client = redis.Redis.from_url(redis_url)
    namespace = fresh_namespace(redis_url, "t-layout")
    _, bands = open_stores(client, namespace, bucket_bits=12)
    recorded = json.loads(client.get(f"{namespace}:layout"))
    assert recorded == {**LAYOUT, "bucket_bits": 12}
    _, again = open_stores(client, namespace)  # the recorded bucket width wins
    assert bands.bucket_bits == again.bucket_bits == 12
    client.set(f"{namespace}:layout", json.dumps({**recorded, "version": LAYOUT["version"] + 1}))
    with pytest.raises(OldIndexLayout, match="use another namespace"):
        open_stores(client, namespace)


def write_old_layout(url: str, namespace: str, docs) -> None:
    """A namespace as the previous newsdedup wrote it: datasketch's Redis set storage for the
    band table (basename ``{ns}:bands:``, 4-byte big-endian keys), hashes for numbers and ids,
    an INCR counter, and links as a set of "a:b"."""
    import redis
    from datasketch.storage import unordered_storage

    params = {k: v for k, v in redis.connection.parse_url(url).items() if k in ("host", "port")}
    storage = unordered_storage({"type": "redis", "redis": params},
                                name=f"{namespace}:bands:".encode())
    memory = MemoryDocStore()
    index = SharedStoryIndex(memory, StorageBandStore(storage))
    for start in range(0, len(docs), 4):
        index.add_many(docs[start:start + 4])
    client = redis.Redis.from_url(url)
    ns = f"{namespace}:doc"
    client.hset(f"{ns}:num", mapping=memory.numbers)
    client.hset(f"{ns}:id", mapping={n: i for i, n in memory.numbers.items()})
    client.set(f"{ns}:next", len(memory.numbers))
    for n in memory.complete:
        client.setbit(f"{ns}:complete", n, 1)
    client.hset(f"{ns}:feat", mapping=memory.features)
    client.sadd(f"{ns}:links", *[f"{a}:{b}" for a, b in memory.link_set])


@needs_redis
def test_an_old_namespace_is_refused_then_migrated_with_the_same_stories(redis_url):  # noqa: F811 (the imported fixture)
    import redis

    from crawler.redis_backend import shared_story_index
    from crawler.redis_index import OldIndexLayout, main

    namespace = fresh_namespace(redis_url, "t-old")
    docs = variant_docs()
    first, later = docs[:12], docs[12:]
    write_old_layout(redis_url, namespace, first)
    with pytest.raises(OldIndexLayout, match="crawler.redis_index migrate"):
        shared_story_index(redis_url, namespace=namespace)
    assert main(["migrate", redis_url, namespace]) == 0
    client = redis.Redis.from_url(redis_url)
    assert not client.exists(f"{namespace}:bands:", f"{namespace}:doc:id", f"{namespace}:doc:next")
    index = shared_story_index(redis_url, namespace=namespace)
    assert index.clusters() == group_stories(first)
    assert index.add_many(first) == 0  # the migrated documents stay complete
    index.add_many(later)
    assert index.clusters() == group_stories(docs)


@needs_redis
def test_two_workers_share_each_outlet_politely(redis_url, tmp_path):  # noqa: F811 (fixture)
    """Four outlets on their own loopback addresses, one request at a time per outlet: two
    workers (hosts partitioned, leases) never have two requests in flight on one outlet, and
    fetch every page once; the merged output holds every page."""
    import subprocess

    from bench.outlets import OutletServer, max_concurrency, write_sources
    from netfixture.harness import PYTHON, REPO

    namespace = fresh_namespace(redis_url, "t-polite")
    server = OutletServer.start(tmp_path / "requests.jsonl", outlets=4, pages=8, delay=0.1)
    try:
        sources = write_sources(tmp_path / "sources.toml", 4, server.port)
        cmd = [PYTHON, "-m", "newsdedup", "crawl", "--sources", str(sources), "--out",
               str(tmp_path / "out"), "--quiet", "--json", "--redis-url", redis_url,
               "--run-id", "run-polite", "--workers", "2"]
        for key, value in {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0.05,
                           "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "LOG_LEVEL": "WARNING",
                           "NEWSDEDUP_REDIS_NAMESPACE": namespace}.items():
            cmd += ["--set", f"{key}={json.dumps(value)}"]
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
        served = [r for r in server.requests() if r["path"].startswith("/a/")]
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-3000:]
    pages = sorted((r["host"], r["path"]) for r in served)
    assert len(pages) == len(set(pages)) == 32
    assert set(max_concurrency(served).values()) == {1}
    articles = (tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(articles) == 32
