"""The Lua scripts of crawler.frontier (Redis mode's shared frontier): push, pop, leases.

Each runs atomically in Redis; the keys they use are described in crawler.frontier's docstring.
"""
from __future__ import annotations

# Fingerprints and claims use the run's key prefix, passed as ARGV[1]; every key is built in
# the scripts from it (one Redis, not a cluster: see README "Scaling out").

# ARGV: prefix, then per request: host, score, entry, fingerprint ('' = dont_filter),
# discovered url ('' = none), discovered record. Returns how many were queued.
PUSH = """
local p, queued = ARGV[1], 0
for i = 2, #ARGV, 6 do
  local host, fp, url = ARGV[i], ARGV[i + 3], ARGV[i + 4]
  if fp == '' or redis.call('SADD', p .. 'dupefilter', fp) == 1 then
    redis.call('ZADD', p .. 'q:' .. host, ARGV[i + 1], ARGV[i + 2])
    redis.call('PEXPIRE', p .. 'q:' .. host, 604800000)
    redis.call('SADD', p .. 'hosts', host)
    if url ~= '' then redis.call('HSETNX', p .. 'discovered', url, ARGV[i + 5]) end
    queued = queued + 1
  end
end
for _, key in ipairs({'dupefilter', 'discovered', 'hosts'}) do
  redis.call('PEXPIRE', p .. key, 604800000)  -- run keys: a week after the last write
end
return queued
"""

# ARGV: prefix, seen key, worker, lease ms, total wanted, default per-host cap, start offset,
# then host, cap pairs for hosts whose cap differs (local requests in flight).
# Returns {entries..., statuses..., left}: entries popped; status 1 = fetch, 0 = seen or taken;
# left = requests still queued on hosts this worker owns. A worker that takes any is marked busy
# in ``workers:state`` (crawler.redis_backend's heartbeat state) in the same step.
POP = """
local p, seen, me, lease_ms = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local want, default_cap, offset = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local caps = {}
for i = 8, #ARGV, 2 do caps[ARGV[i]] = tonumber(ARGV[i + 1]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local live = redis.call('ZRANGEBYSCORE', p .. 'workers', now, '+inf')
local alive = false
for _, w in ipairs(live) do if w == me then alive = true end end
if not alive then live[#live + 1] = me end
local hosts = redis.call('SMEMBERS', p .. 'hosts')
table.sort(hosts)
local entries, statuses, left = {}, {}, 0
for k = 1, #hosts do
  local host = hosts[(k + offset) % #hosts + 1]
  local best, owner = nil, nil
  for _, w in ipairs(live) do
    local h = redis.sha1hex(w .. '\\0' .. host)
    if best == nil or h > best then best, owner = h, w end
  end
  if owner == me then
    local lease = p .. 'lease:' .. host
    local holder = redis.call('GET', lease)
    if holder == false or holder == me then
      redis.call('SET', lease, me, 'PX', lease_ms)
      local q = p .. 'q:' .. host
      local cap = caps[host] or default_cap
      if cap > want - #entries then cap = want - #entries end
      if cap > 0 then
        local got = redis.call('ZPOPMIN', q, cap)
        for j = 1, #got, 2 do
          local e = got[j]
          local a = string.find(e, '\\n', 1, true)
          local b = string.find(e, '\\n', a + 1, true)
          local claim, url = string.sub(e, 1, a - 1), string.sub(e, a + 1, b - 1)
          local ok = 1
          if claim ~= '' then
            if redis.call('SISMEMBER', seen, url) == 1 or
               redis.call('SADD', p .. claim, url) == 0 then ok = 0 end
            redis.call('PEXPIRE', p .. claim, 604800000)
          end
          entries[#entries + 1] = e
          statuses[#statuses + 1] = ok
        end
      end
      local n = redis.call('ZCARD', q)
      if n == 0 then redis.call('SREM', p .. 'hosts', host) end
      left = left + n
    end
  end
end
-- Taking a request makes this worker busy in the same step: an idle worker checking whether
-- the run is over never sees a request that is out of the queue but not yet in anyone's state.
if #entries > 0 then redis.call('HSET', p .. 'workers:state', me, 'busy') end
local out = {}
for _, e in ipairs(entries) do out[#out + 1] = e end
for _, s in ipairs(statuses) do out[#out + 1] = s end
out[#out + 1] = left
return out
"""

# ARGV: prefix, worker, lease ms, then host, busy (1/0) pairs for the leases this worker holds.
# A busy host's lease is renewed; an idle one is let go when another live worker owns the host.
# Returns the hosts whose lease this worker still holds.
LEASES = """
local p, me, lease_ms = ARGV[1], ARGV[2], tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local live = redis.call('ZRANGEBYSCORE', p .. 'workers', now, '+inf')
local held = {}
for i = 4, #ARGV, 2 do
  local host, busy = ARGV[i], ARGV[i + 1]
  local lease = p .. 'lease:' .. host
  if redis.call('GET', lease) == me then
    local best, owner = nil, me
    for _, w in ipairs(live) do
      local h = redis.sha1hex(w .. '\\0' .. host)
      if best == nil or h > best then best, owner = h, w end
    end
    if busy == '1' or owner == me then
      redis.call('PEXPIRE', lease, lease_ms)
      held[#held + 1] = host
    else
      redis.call('DEL', lease)
    end
  end
end
return held
"""
