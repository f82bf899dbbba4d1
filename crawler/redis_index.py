"""The shared story index's stores in Redis: documents (numbers, sketches, links) and band table.

Keys under the namespace ``{ns}`` (layout ``LAYOUT``, recorded in ``{ns}:layout``):
  * ``{ns}:doc:num`` hash id -> number; ``{ns}:doc:ids`` list, index = number -> id (a list is a
    few bytes per id where a second hash took ~68 B); ``{ns}:doc:complete`` bitmap;
  * ``{ns}:doc:feat`` hash number -> sketch bytes (``dedupe.stories.shared.pack_features``);
  * ``{ns}:doc:links`` verified links packed as uint32 pairs, appended (8 B per link where a set
    of "a:b" strings took ~70 B; duplicates are dropped on read);
  * the band table (crawler/redis_bands.py).
Measured with ``python -m bench.redis_bench``: see BENCHMARKS.md (Redis memory per article).

A namespace written by an older newsdedup (datasketch band sets, ``{ns}:doc:id`` hash, links
set) is refused with ``OldIndexLayout``; ``python -m crawler.redis_index migrate URL NAMESPACE``
rewrites it in this layout.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import numpy as np
import redis

from crawler.redis_bands import DEFAULT_BUCKET_BITS, RedisBucketBandStore

LAYOUT = {"format": "newsdedup-redis-index", "version": 2}
_LINK = np.dtype("<u4")

# KEYS: num hash, ids list, complete bitmap. A new id's number is its position in the list, so
# both maps are written in the same atomic step.
_ALLOCATE = """
local out = {}
for i, id in ipairs(ARGV) do
  local n = redis.call('HGET', KEYS[1], id)
  if not n then
    n = redis.call('RPUSH', KEYS[2], id) - 1
    redis.call('HSET', KEYS[1], id, n)
  end
  out[i] = {tonumber(n), redis.call('GETBIT', KEYS[3], n)}
end
return out
"""


class OldIndexLayout(ValueError):
    """The namespace's index was written in another layout than this newsdedup reads."""


class RedisDocStore:
    """dedupe.stories.shared's DocStore in Redis; numbers come from one atomic script."""

    def __init__(self, client: redis.Redis, namespace: str) -> None:
        self.r = client
        ns = f"{namespace}:doc"
        self.k_num, self.k_ids, self.k_complete = f"{ns}:num", f"{ns}:ids", f"{ns}:complete"
        self.k_feat, self.k_links = f"{ns}:feat", f"{ns}:links"
        self._allocate = self.r.register_script(_ALLOCATE)

    def allocate(self, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        out = self._allocate(keys=[self.k_num, self.k_ids, self.k_complete],
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
            pairs = np.stack((np.asarray(a), np.asarray(b)), axis=1).astype(_LINK)
            self.r.append(self.k_links, pairs.tobytes())

    def links(self) -> tuple[np.ndarray, np.ndarray]:
        """Every link once, sorted (a, b)."""
        pairs = np.frombuffer(self.r.get(self.k_links) or b"", _LINK).astype(np.int64)
        code = np.unique(pairs[0::2] << 32 | pairs[1::2])
        return code >> 32, code & 0xFFFFFFFF

    def ids(self) -> list[str]:
        return [doc_id.decode() for doc_id in self.r.lrange(self.k_ids, 0, -1)]


def open_stores(client: redis.Redis, namespace: str, bucket_bits: int = DEFAULT_BUCKET_BITS
                ) -> tuple[RedisDocStore, RedisBucketBandStore]:
    """The doc store and band table of ``namespace``, in the layout it records (``bucket_bits``
    only applies to a namespace used for the first time). Raises OldIndexLayout for a namespace
    in another layout."""
    key = f"{namespace}:layout"
    recorded = client.get(key)
    if recorded is None:
        if _has_old_layout(client, namespace):
            raise OldIndexLayout(
                f"the Redis index {namespace!r} is in the older layout (datasketch band sets, "
                f"~4.6 KB per article); rewrite it with `python -m crawler.redis_index migrate "
                f"URL {namespace}`, or use another namespace")
        client.setnx(key, json.dumps({**LAYOUT, "bucket_bits": bucket_bits}, sort_keys=True))
        recorded = client.get(key)  # two workers opening a new namespace: one record wins
    layout = json.loads(recorded)
    if {k: layout.get(k) for k in LAYOUT} != LAYOUT:
        raise OldIndexLayout(f"the Redis index {namespace!r} has layout {layout}; this newsdedup "
                             f"reads {LAYOUT}: use another namespace")
    return (RedisDocStore(client, namespace),
            RedisBucketBandStore(client, namespace, int(layout["bucket_bits"])))


def _old_keys(namespace: str) -> dict[str, str]:
    return {"bands": f"{namespace}:bands:", "ids": f"{namespace}:doc:id",
            "next": f"{namespace}:doc:next", "links": f"{namespace}:doc:links"}


def _has_old_layout(client: redis.Redis, namespace: str) -> bool:
    old = _old_keys(namespace)
    return bool(client.exists(old["bands"], old["ids"], old["next"]))


def migrate(url: str, namespace: str, chunk: int = 10_000) -> int:
    """Rewrite a namespace of the older layout in this one; returns the band entries moved.

    Run it with no worker using the namespace. Interrupted, it can be run again: the layout is
    recorded last, and band entries moved twice are tolerated by lookups.
    """
    from datasketch.storage import unordered_storage

    client, old = redis.Redis.from_url(url), _old_keys(namespace)
    if client.exists(f"{namespace}:layout"):
        return 0
    docs = RedisDocStore(client, namespace)
    bands = RedisBucketBandStore(client, namespace, DEFAULT_BUCKET_BITS)
    if client.type(old["ids"]) == b"hash":
        table = client.hgetall(old["ids"])
        client.delete(docs.k_ids)
        if table:
            client.rpush(docs.k_ids, *[table[str(n).encode()] for n in range(len(table))])
        client.delete(old["ids"], old["next"])
    if client.type(old["links"]) == b"set":
        pairs = sorted(tuple(map(int, m.split(b":"))) for m in client.smembers(old["links"]))
        with client.pipeline(transaction=True) as swap:  # same key, new type: in one step
            swap.delete(old["links"])
            swap.set(docs.k_links, np.array(pairs, dtype=_LINK).tobytes())
            swap.execute()
    params = {k: v for k, v in redis.connection.parse_url(url).items()
              if k in ("host", "port", "db", "password", "username")}
    table = unordered_storage({"type": "redis", "redis": params}, name=old["bands"].encode())
    moved, band_keys = 0, sorted(table.keys())
    for start in range(0, len(band_keys), chunk):
        part = band_keys[start:start + chunk]
        keys, nums = [], []
        for key, members in zip(part, table.getmany(*part)):
            keys += [int.from_bytes(key, "big")] * len(members)  # dedupe.stories.index.key_bytes
            nums += [int(m) for m in members]
        bands.insert(np.array(keys, dtype=np.uint32), np.array(nums, dtype=np.int64))
        table.remove(*part)
        moved += len(keys)
    client.delete(old["bands"])
    client.set(f"{namespace}:layout",
               json.dumps({**LAYOUT, "bucket_bits": DEFAULT_BUCKET_BITS}, sort_keys=True))
    return moved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawler.redis_index",
                                 description="Maintenance of the shared story index in Redis.")
    sub = ap.add_subparsers(dest="command", required=True)
    mig = sub.add_parser("migrate", help="rewrite a namespace of the older layout in this one")
    mig.add_argument("url")
    mig.add_argument("namespace")
    args = ap.parse_args(argv)
    moved = migrate(args.url, args.namespace)
    print(f"{args.namespace}: layout {LAYOUT['version']}, {moved} band entries moved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
