"""The shared band table in Redis, packed: dedupe's ``BandStore`` as 6-byte entries in buckets.

Layout (version recorded with the namespace, see crawler/redis_index.py):
  * a 32-bit band key's top ``bucket_bits`` bits (default 16) pick its bucket, a Redis string
    ``{ns}:bk:<bucket, hex>``;
  * the bucket holds its entries back to back, 6 bytes each, big-endian: the key's low 16 bits
    (the bucket names the rest) and the document number (uint32).
``{ns}:bands:entries`` counts the entries.

Why: datasketch's Redis storage (the layout before this one) keeps one Redis set plus one hash
field per band key, ~3.8 KB of Redis memory per article for 48 band keys (bench/redis_bench.py:
4,617 B per article in all, the doc store included); here 48 entries take 288 bytes plus
65,536 bucket keys (~6.5 MB, i.e. ~65 B per article at 100k, ~7 at 1M).

Writes and reads are one round trip per batch, each a Lua script so a bucket is read and
rewritten atomically: ``insert`` rewrites each touched bucket with its new entries appended
(SET of the whole value rather than APPEND: APPEND grows a string by doubling, which left the
table ~1.4x its size), ``lookup`` scans each asked bucket in Redis for the wanted 16 bits at
6-byte boundaries and returns only the matching document numbers. Both cost O(bucket size) per
touched bucket: ~440 bytes at 100k articles, ~4.4 KB at 1M; a namespace meant for many millions
can be created with more ``bucket_bits`` (recorded, so every worker then uses them).

Writers never coordinate beyond the atomic scripts, so what ``dedupe.stories.shared`` needs holds: an
insert that returned is seen by every lookup that starts after it. An entry added twice (a batch
re-added after a kill) is returned twice by lookups; callers deduplicate pairs anyway.
"""
from __future__ import annotations

import numpy as np
import redis

from dedupe.stories.index import KEY_DTYPE

DEFAULT_BUCKET_BITS = 16
ENTRY_BYTES = 6
_ENTRY = np.dtype([("low", ">u2"), ("doc", ">u4")])

# KEYS: bucket keys touched, then the entry counter. ARGV: the entries to add to each bucket.
_INSERT = """
local added = 0
for i = 1, #ARGV do
  local old = redis.call('GET', KEYS[i])
  if old then
    redis.call('SET', KEYS[i], old .. ARGV[i])
  else
    redis.call('SET', KEYS[i], ARGV[i])
  end
  added = added + #ARGV[i]
end
return redis.call('INCRBY', KEYS[#KEYS], math.floor(added / 6))
"""

# KEYS[i]: the bucket of query i; ARGV[i]: its key's low 16 bits (2 bytes). Returns, per query,
# the 4-byte document numbers of the matching entries, concatenated ('' for none).
_LOOKUP = """
local cache, out = {}, {}
for i = 1, #KEYS do
  local s = cache[KEYS[i]]
  if s == nil then
    s = redis.call('GET', KEYS[i]) or ''
    cache[KEYS[i]] = s
  end
  local low, hits, from = ARGV[i], {}, 1
  while true do
    local at = string.find(s, low, from, true)
    if not at then break end
    if (at - 1) % 6 == 0 then
      hits[#hits + 1] = string.sub(s, at + 2, at + 5)
      from = at + 6
    else
      from = at + 1
    end
  end
  out[i] = table.concat(hits)
end
return out
"""


class RedisBucketBandStore:
    """dedupe's BandStore (a multimap uint32 band key -> document number) in packed buckets."""

    def __init__(self, client: redis.Redis, namespace: str, bucket_bits: int) -> None:
        if not 8 <= bucket_bits <= 24:
            raise ValueError(f"bucket_bits must be 8..24, not {bucket_bits}")
        self.r, self.namespace, self.bucket_bits = client, namespace, bucket_bits
        self.k_entries = f"{namespace}:bands:entries"
        self._prefix = f"{namespace}:bk:"
        self._width = (bucket_bits + 3) // 4
        self._insert = client.register_script(_INSERT)
        self._lookup = client.register_script(_LOOKUP)

    def __len__(self) -> int:
        return int(self.r.get(self.k_entries) or 0)

    def _bucket_names(self, buckets: np.ndarray) -> list[str]:
        return [f"{self._prefix}{b:0{self._width}x}" for b in buckets.tolist()]

    def insert(self, keys: np.ndarray, docs: np.ndarray) -> None:
        """Add entries keys[i] -> docs[i] (uint32 each); one script call."""
        keys = np.asarray(keys, dtype=KEY_DTYPE).ravel()
        docs = np.broadcast_to(np.asarray(docs, dtype=np.int64), keys.shape).ravel()
        if not len(keys):
            return
        if docs.min() < 0 or docs.max() >= 2 ** 32:
            raise ValueError("document numbers must fit in 32 bits")
        buckets = keys >> np.uint32(32 - self.bucket_bits)
        order = np.argsort(buckets, kind="stable")
        entries = np.empty(len(keys), _ENTRY)
        entries["low"] = keys[order] & 0xFFFF
        entries["doc"] = docs[order]
        sorted_buckets = buckets[order]
        starts = np.flatnonzero(np.r_[True, sorted_buckets[1:] != sorted_buckets[:-1]])
        ends = np.r_[starts[1:], len(keys)] * ENTRY_BYTES
        raw = entries.tobytes()
        values = [raw[s:e] for s, e in zip((starts * ENTRY_BYTES).tolist(), ends.tolist())]
        self._insert(keys=self._bucket_names(sorted_buckets[starts]) + [self.k_entries],
                     args=values)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index into keys, doc) of every stored entry matching ``keys``; one script call."""
        keys = np.asarray(keys, dtype=KEY_DTYPE).ravel()
        if not len(keys):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        low = (keys & 0xFFFF).astype(">u2").tobytes()
        found = self._lookup(keys=self._bucket_names(keys >> np.uint32(32 - self.bucket_bits)),
                             args=[low[i:i + 2] for i in range(0, len(low), 2)])
        counts = np.fromiter((len(f) // 4 for f in found), np.int64, len(found))
        docs = np.frombuffer(b"".join(found), ">u4").astype(np.int64)
        return np.repeat(np.arange(len(keys), dtype=np.int64), counts), docs
