"""Redis mode: what several crawl workers share, kept in one Redis (the I/O edge of
dedupe.stories.shared).

    NEWSDEDUP_REDIS_URL=redis://127.0.0.1:6379/0    (or newsdedup crawl --redis-url ...)

Keys, all under one namespace (default ``newsdedup``):
  * the story index: ``{ns}:doc:*`` and ``{ns}:bk:*``, see crawler/redis_index.py;
  * crawl state shared across runs: ``{ns}:seen`` (URLs with a final outcome), ``{ns}:hub``
    (hub URL -> validators and the links it pointed to, replayed on 304);
  * one run's coordination: ``{ns}:run:{run}:*`` - the frontier's per-host queues, dupefilter
    and host leases (crawler/frontier.py), URLs claimed, discovered and finished in the run, live
    workers (a sorted set by heartbeat deadline; see crawler/coordination.py). They expire a
    week after the run's last write.
"""
from __future__ import annotations

import json
from collections.abc import Iterable

import redis

from crawler.redis_index import open_stores
from dedupe import StoryConfig
from dedupe.stories.grouping import STATE_VERSION
from dedupe.stories.shared import SharedStoryIndex
from pipelines.urls import canonical_url

DEFAULT_NAMESPACE = "newsdedup"
RUN_KEY_TTL = 7 * 24 * 3600  # seconds a run's coordination keys outlive its last write
# KEYS: workers (sorted set, deadline in Redis-clock ms), their states. ARGV: worker, ttl ms, state
_BEAT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], 604800000)
redis.call('PEXPIRE', KEYS[2], 604800000)
"""
_LIVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')) do
  out[#out + 1] = w
  out[#out + 1] = redis.call('HGET', KEYS[2], w) or 'idle'
end
return out
"""

# KEYS: workers, their states, the frontier's hosts with queued requests. ARGV: this worker.
# 1 when no host has queued requests and no other live worker is busy, read in one step: the
# frontier's pop marks a worker busy as it takes requests, so none is ever in neither place.
_QUIET = """
if redis.call('SCARD', KEYS[3]) > 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')) do
  if w ~= ARGV[1] and redis.call('HGET', KEYS[2], w) == 'busy' then return 0 end
end
return 1
"""


def connect(url: str) -> redis.Redis:
    """A client for ``url`` (redis://host:port/db); raises ConnectionError if it does not answer."""
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.RedisError as err:
        raise ConnectionError(f"cannot use Redis at {url}: {err}") from None
    return client


def shared_story_index(url: str, config: StoryConfig | None = None,
                       namespace: str = DEFAULT_NAMESPACE) -> SharedStoryIndex:
    """The story index every worker on ``url`` shares."""
    config = config or StoryConfig()
    client = connect(url)
    docs, bands = open_stores(client, namespace)  # OldIndexLayout: written by an older newsdedup
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
    return SharedStoryIndex(docs, bands, config)


class SharedCrawlState:
    """Seen URLs and hub validators across runs, and one run's coordination sets."""

    def __init__(self, url: str, run_id: str, worker_id: str,
                 namespace: str = DEFAULT_NAMESPACE) -> None:
        self.url, self.run_id, self.worker_id, self.ns = url, run_id, worker_id, namespace
        self.r = connect(url)
        self.k_seen, self.k_hub = f"{namespace}:seen", f"{namespace}:hub"
        self.run_prefix = f"{namespace}:run:{run_id}"
        self._beat = self.r.register_script(_BEAT)
        self._live = self.r.register_script(_LIVE)
        self._quiet = self.r.register_script(_QUIET)

    def run_key(self, name: str) -> str:
        return f"{self.run_prefix}:{name}"

    # --- across runs ----------------------------------------------------------------------------
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

    def finished(self, urls: Iterable[str]) -> None:
        """URLs whose outcome (any, errors included) is committed by some worker this run."""
        urls = sorted({canonical_url(u) for u in urls})
        if urls:
            self.r.sadd(self.run_key("finished"), *urls)
            self._touch("finished")

    def unfinished(self) -> dict[str, dict]:
        """Discovered this run (crawler/frontier.py records it), neither finished this run nor
        seen before (sorted by URL)."""
        discovered = self.r.hgetall(self.run_key("discovered"))
        urls = sorted(discovered)
        if not urls:
            return {}
        pipe = self.r.pipeline(transaction=False)
        pipe.smismember(self.run_key("finished"), urls)
        pipe.smismember(self.k_seen, urls)
        finished, seen = pipe.execute()
        return {url.decode(): json.loads(discovered[url])
                for url, done, old in zip(urls, finished, seen) if not done and not old}

    def heartbeat(self, busy: bool, ttl: float) -> None:
        """This worker is alive (for ``ttl`` seconds, by the Redis clock) and busy or idle."""
        self._beat(keys=[self.run_key("workers"), self.run_key("workers:state")],
                   args=[self.worker_id, int(ttl * 1000), "busy" if busy else "idle"])

    def leave(self) -> None:
        pipe = self.r.pipeline(transaction=False)
        pipe.zrem(self.run_key("workers"), self.worker_id)
        pipe.hdel(self.run_key("workers:state"), self.worker_id)
        pipe.execute()

    def live_workers(self) -> dict[str, str]:
        """Workers of this run whose heartbeat has not expired, other than this one: state.
        (A sorted set by deadline: the frontier's host partition reads the same one.)"""
        live = self._live(keys=[self.run_key("workers"), self.run_key("workers:state")])
        return dict(sorted((w.decode(), s.decode()) for w, s in zip(live[0::2], live[1::2])
                           if w.decode() != self.worker_id))

    def quiet(self) -> bool:
        """Nothing queued in the run's frontier and no other live worker busy (one atomic
        read; crawler/coordination.py ends a worker's run on it)."""
        return bool(self._quiet(keys=[self.run_key("workers"), self.run_key("workers:state"),
                                      self.run_key("hosts")], args=[self.worker_id]))

    def lock(self, name: str, ttl: float) -> bool:
        """A short exclusive lock of this run (e.g. one recovery sweep at a time)."""
        return bool(self.r.set(self.run_key(f"lock:{name}"), self.worker_id, nx=True,
                               px=int(ttl * 1000)))

    def unlock(self, name: str) -> None:
        self.r.delete(self.run_key(f"lock:{name}"))
