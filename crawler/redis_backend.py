"""Redis mode: what several crawl workers share, kept in one Redis (the I/O edge of dedupe.stories.shared).

    NEWSDEDUP_REDIS_URL=redis://127.0.0.1:6379/0    (or newsdedup crawl --redis-url ...)

Keys, all under one namespace (default ``newsdedup``):
  * the story index: ``{ns}:doc:num`` (id -> number), ``{ns}:doc:id`` (number -> id),
    ``{ns}:doc:complete`` (bitmap), ``{ns}:doc:feat`` (number -> sketch bytes), ``{ns}:doc:links``
    (set of "a:b"), and the band table in datasketch's Redis storage with the fixed basename
    ``{ns}:bands:`` (``unordered_storage``; inserts buffered in one pipeline per batch - an
    insertion session);
  * crawl state shared across runs: ``{ns}:seen`` (URLs with a final outcome), ``{ns}:hub``
    (hub URL -> validators and the links it pointed to, replayed on 304);
  * one run's coordination: ``{ns}:run:{run}:*`` - the scrapy-redis frontier (requests,
    dupefilter), URLs claimed, discovered and finished in the run, live workers (see
    crawler/coordination.py). They expire a week after the run's last write.
The frontier itself is scrapy-redis's scheduler and dupefilter (crawler/settings.py wires them).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import numpy as np
import redis
from datasketch.storage import unordered_storage

from dedupe import StoryConfig
from dedupe.stories.grouping import STATE_VERSION
from dedupe.stories.index import StorageBandStore
from dedupe.stories.shared import SharedStoryIndex
from pipelines.urls import canonical_url

DEFAULT_NAMESPACE = "newsdedup"
RUN_KEY_TTL = 7 * 24 * 3600  # seconds a run's coordination keys outlive its last write
_ALLOCATE = """
local out = {}
for i, id in ipairs(ARGV) do
  local n = redis.call('HGET', KEYS[1], id)
  if not n then
    n = redis.call('INCR', KEYS[3]) - 1
    redis.call('HSET', KEYS[1], id, n)
    redis.call('HSET', KEYS[2], n, id)
  end
  out[i] = {tonumber(n), redis.call('GETBIT', KEYS[4], n)}
end
return out
"""


def connect(url: str) -> redis.Redis:
    """A client for ``url`` (redis://host:port/db); raises ConnectionError if it does not answer."""
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.RedisError as err:
        raise ConnectionError(f"cannot use Redis at {url}: {err}") from None
    return client


def _storage_params(url: str) -> dict:
    """redis.Redis keyword arguments for datasketch's storage config (it takes no URL)."""
    kwargs = redis.connection.parse_url(url)
    return {k: v for k, v in kwargs.items() if k in ("host", "port", "db", "password", "username")}


def redis_band_store(url: str, namespace: str = DEFAULT_NAMESPACE) -> StorageBandStore:
    """dedupe's band table in datasketch's Redis set storage, with a fixed basename so every
    worker and every run reads and writes the same table; one pipeline per inserted batch."""
    config = {"type": "redis", "redis": _storage_params(url),
              "redis_buffer": {"transaction": False}}
    return StorageBandStore(unordered_storage(config, name=f"{namespace}:bands:".encode()))


class RedisDocStore:
    """dedupe.stories.shared's DocStore in Redis hashes; numbers come from one atomic script."""

    def __init__(self, client: redis.Redis, namespace: str = DEFAULT_NAMESPACE) -> None:
        self.r = client
        ns = f"{namespace}:doc"
        self.k_num, self.k_id, self.k_next = f"{ns}:num", f"{ns}:id", f"{ns}:next"
        self.k_complete, self.k_feat, self.k_links = f"{ns}:complete", f"{ns}:feat", f"{ns}:links"
        self._allocate = self.r.register_script(_ALLOCATE)

    def allocate(self, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        out = self._allocate(keys=[self.k_num, self.k_id, self.k_next, self.k_complete],
                             args=list(ids)) if ids else []
        return (np.array([n for n, _ in out], dtype=np.int64),
                np.array([bool(c) for _, c in out], dtype=bool))

    def mark_complete(self, nums: np.ndarray) -> None:
        pipe = self.r.pipeline(transaction=False)
        for n in np.asarray(nums).tolist():
            pipe.setbit(self.k_complete, n, 1)
        pipe.execute()

    def put_features(self, nums: np.ndarray, rows: list[bytes]) -> None:
        if len(rows):
            self.r.hset(self.k_feat, mapping=dict(zip(np.asarray(nums).tolist(), rows)))

    def get_features(self, nums: np.ndarray) -> list[bytes | None]:
        return self.r.hmget(self.k_feat, np.asarray(nums).tolist()) if len(nums) else []

    def add_links(self, a: np.ndarray, b: np.ndarray) -> None:
        if len(a):
            self.r.sadd(self.k_links, *[f"{x}:{y}" for x, y in zip(a.tolist(), b.tolist())])

    def links(self) -> tuple[np.ndarray, np.ndarray]:
        pairs = sorted(tuple(map(int, m.split(b":"))) for m in self.r.smembers(self.k_links))
        return (np.array([p[0] for p in pairs], dtype=np.int64),
                np.array([p[1] for p in pairs], dtype=np.int64))

    def ids(self) -> list[str]:
        table = self.r.hgetall(self.k_id)
        out = [""] * len(table)
        for num, doc_id in table.items():
            out[int(num)] = doc_id.decode()
        return out


def shared_story_index(url: str, config: StoryConfig | None = None,
                       namespace: str = DEFAULT_NAMESPACE) -> SharedStoryIndex:
    """The story index every worker on ``url`` shares."""
    config = config or StoryConfig()
    client = connect(url)
    # Sketches made under another scheme do not compare: refuse to mix them in one namespace.
    recorded = client.get(f"{namespace}:doc:config")
    # (the layout version too: v1 namespaces hold 32-bit sketches and 8-byte band keys)
    mine = json.dumps({**config.as_dict(), "layout_version": STATE_VERSION}, sort_keys=True)
    if recorded is None:
        client.setnx(f"{namespace}:doc:config", mine)
    elif recorded.decode() != mine:
        raise ValueError(f"the Redis index {namespace!r} was made with another StoryConfig "
                         "(sketch scheme / bands) or an older newsdedup; use another namespace or "
                         "flush it")
    return SharedStoryIndex(RedisDocStore(client, namespace), redis_band_store(url, namespace),
                            config)


class SharedCrawlState:
    """Seen URLs and hub validators across runs, and one run's coordination sets."""

    def __init__(self, url: str, run_id: str, worker_id: str,
                 namespace: str = DEFAULT_NAMESPACE) -> None:
        self.url, self.run_id, self.worker_id, self.ns = url, run_id, worker_id, namespace
        self.r = connect(url)
        self.k_seen, self.k_hub = f"{namespace}:seen", f"{namespace}:hub"
        self.run_prefix = f"{namespace}:run:{run_id}"

    def run_key(self, name: str) -> str:
        return f"{self.run_prefix}:{name}"

    # --- across runs ----------------------------------------------------------------------------
    def is_seen(self, url: str) -> bool:
        return bool(self.r.sismember(self.k_seen, canonical_url(url)))

    def mark_seen(self, urls: Iterable[str]) -> None:
        urls = sorted({canonical_url(u) for u in urls})
        if urls:
            self.r.sadd(self.k_seen, *urls)

    def hub(self, url: str) -> dict:
        raw = self.r.hget(self.k_hub, canonical_url(url))
        return json.loads(raw) if raw else {}

    def save_hubs(self, hubs: dict[str, dict]) -> None:
        """url -> {"etag", "last_modified", "links"}; links None keeps the stored ones (a 304)."""
        for url, record in hubs.items():
            if record.get("links") is None:
                old = self.hub(url)
                record = {**record, "links": old.get("links", [])}
            self.r.hset(self.k_hub, canonical_url(url), json.dumps(record, ensure_ascii=False))

    # --- this run -------------------------------------------------------------------------------
    def _touch(self, *names: str) -> None:
        pipe = self.r.pipeline(transaction=False)
        for name in names:
            pipe.expire(self.run_key(name), RUN_KEY_TTL)
        pipe.execute()

    def claim(self, url: str, name: str = "claimed") -> bool:
        """True for the first worker of the run to ask for ``url``."""
        added = self.r.sadd(self.run_key(name), canonical_url(url))
        self._touch(name)
        return bool(added)

    def discovered(self, url: str, request: dict) -> None:
        """A URL the run must fetch, with what it takes to request it again (see recover)."""
        self.r.hsetnx(self.run_key("discovered"), canonical_url(url), json.dumps(request))
        self._touch("discovered")

    def finished(self, urls: Iterable[str]) -> None:
        """URLs whose outcome (any, errors included) is committed by some worker this run."""
        urls = sorted({canonical_url(u) for u in urls})
        if urls:
            self.r.sadd(self.run_key("finished"), *urls)
            self._touch("finished")

    def unfinished(self) -> dict[str, dict]:
        """Discovered this run, neither finished this run nor seen before (sorted by URL)."""
        finished = self.r.smembers(self.run_key("finished"))
        out = {}
        for url, request in self.r.hgetall(self.run_key("discovered")).items():
            if url not in finished and not self.r.sismember(self.k_seen, url):
                out[url.decode()] = json.loads(request)
        return dict(sorted(out.items()))

    def heartbeat(self, busy: bool, ttl: float) -> None:
        """This worker is alive (for ``ttl`` seconds) and busy or idle."""
        self.r.set(self.run_key(f"worker:{self.worker_id}"), "busy" if busy else "idle",
                   px=int(ttl * 1000))

    def leave(self) -> None:
        self.r.delete(self.run_key(f"worker:{self.worker_id}"))

    def live_workers(self) -> dict[str, str]:
        """Workers of this run whose heartbeat has not expired, other than this one: state."""
        live = {}
        for key in self.r.scan_iter(match=self.run_key("worker:*")):
            worker = key.decode().rsplit(":", 1)[1]
            value = self.r.get(key)
            if worker != self.worker_id and value is not None:
                live[worker] = value.decode()
        return dict(sorted(live.items()))

    def others_busy(self) -> list[str]:
        """Live workers of this run, other than this one, that say they are busy."""
        return [w for w, state in self.live_workers().items() if state == "busy"]

    def lock(self, name: str, ttl: float) -> bool:
        """A short exclusive lock of this run (e.g. one recovery sweep at a time)."""
        return bool(self.r.set(self.run_key(f"lock:{name}"), self.worker_id, nx=True,
                               px=int(ttl * 1000)))

    def unlock(self, name: str) -> None:
        self.r.delete(self.run_key(f"lock:{name}"))
