"""Redis mode's shared frontier: per-host queues, hosts partitioned across live workers, and no
Redis round trip on the reactor thread per request.

Why not scrapy-redis's scheduler (the frontier before this one): it pops one request per round
trip, synchronously on the reactor thread, and knows nothing of hosts, so each of N workers
applied ``CONCURRENT_REQUESTS_PER_DOMAIN`` on its own (N x the load on an outlet) while every
request cost ~8 blocking round trips with the claim and seen checks (bench/redis_bench.py).

Keys (run-scoped, ``{ns}:run:{run}:``): ``q:{host}`` a sorted set per host (score -priority),
``hosts`` the hosts with queued requests, ``dupefilter`` request fingerprints, ``discovered``
URL -> what recovery needs to request it again, ``claimed`` / ``recovered:N`` article URLs taken
this run, ``lease:{host}`` the worker fetching a host now; ``{ns}:seen`` is read.

* Politeness stays global: a host belongs to one live worker at a time, chosen by rendezvous
  hashing of (worker, host) over the live workers (crawler.redis_backend heartbeats), as
  distributed crawlers partition by host. A worker pops a host's queue only while holding its
  lease; when the owner changes (a worker joins or dies) the old one stops popping, and lets the
  lease go once its own requests to that host are done (or it expires after
  ``LEASE_BEATS`` heartbeats). So an outlet sees at most one worker's per-domain concurrency.
* Batching: requests the engine enqueues during one reactor turn are pushed by one script call
  (dupefilter, queue, ``discovered`` record together); a pop takes as many requests as the
  engine can start, per owned host at most its free per-domain capacity, and does each article
  URL's seen check and claim in the same script (``SeenUrlMiddleware`` reads the result from
  ``meta["newsdedup_claim"]``). Both run in a thread with their own Redis client; the reactor
  only hands requests over.
* A request popped and not finished when its worker dies is recovered as before: it was
  recorded as discovered when pushed (crawler/coordination.py re-queues discovered minus
  finished).
"""
from __future__ import annotations

import json
import logging
import pickle
import time
from collections import deque
from typing import TYPE_CHECKING

from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.request import request_from_dict
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread

from crawler.frontier_scripts import LEASES, POP, PUSH
from pipelines.urls import canonical_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

LEASE_BEATS = 6  # a lease outlives its holder's last renewal by this many heartbeats
EMPTY_POLL_SECONDS = (0.02, 0.5)  # wait before asking again after an empty pop: first, most


class RedisFrontier:
    """Scrapy scheduler over the run's per-host queues in Redis (see the module docstring)."""

    def __init__(self, crawler: Crawler, client, prefix: str, seen_key: str, worker: str,
                 interval: float) -> None:
        settings = crawler.settings
        self.crawler, self.r, self.prefix, self.seen_key = crawler, client, prefix, seen_key
        self.worker = worker
        self.lease_ms = int(interval * LEASE_BEATS * 1000)
        self.total = settings.getint("CONCURRENT_REQUESTS")
        self.per_host = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self._push = client.register_script(PUSH)
        self._pop = client.register_script(POP)
        self._leases = client.register_script(LEASES)
        self.outbox: list[Request] = []
        self.inbox: deque[Request] = deque()
        self.flushing = self.popping = False
        self.more = True  # owned hosts may hold queued requests
        self.next_poll = 0.0
        self.empty_wait = EMPTY_POLL_SECONDS[0]
        self.offset = 0
        self.held: set[str] = set()  # hosts whose lease this worker holds
        self.spider = None
        self.stats = crawler.stats
        self.interval = interval
        self.lease_timer = LoopingCall(self.keep_leases)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisFrontier:
        from scrapy.exceptions import NotConfigured

        from crawler.redis_backend import connect
        from crawler.storage import worker_id

        settings = crawler.settings
        run, ns = settings.get("NEWSDEDUP_RUN_ID"), settings.get("NEWSDEDUP_REDIS_NAMESPACE")
        if not run:
            raise NotConfigured("Redis mode needs NEWSDEDUP_RUN_ID (the run all workers share)")
        return cls(crawler, connect(settings.get("NEWSDEDUP_REDIS_URL")), f"{ns}:run:{run}:",
                   f"{ns}:seen", worker_id(settings),
                   settings.getfloat("NEWSDEDUP_HEARTBEAT_SECONDS"))

    # --- Scrapy's scheduler interface -----------------------------------------------------------
    def open(self, spider) -> None:
        self.spider = spider
        self.lease_timer.start(self.interval, now=False)

    def close(self, reason: str) -> None:
        if self.lease_timer.running:
            self.lease_timer.stop()
        self._flush_now()
        # Requests still in the inbox (a shutdown) were claimed by this worker: queued again
        # they would be dropped as taken; the run's recovery sweep requests them again instead.
        self.inbox.clear()
        self.release_leases()

    def has_pending_requests(self) -> bool:
        return bool(self.outbox or self.inbox or self.flushing or self.popping or self.more)

    def __len__(self) -> int:
        return len(self.outbox) + len(self.inbox)

    def enqueue_request(self, request: Request) -> bool:
        """Buffered; pushed with the rest of this reactor turn's requests (so True means
        "accepted": a duplicate is dropped by the shared dupefilter at push time)."""
        if not self.outbox and not self.flushing:
            call_later(0, self.flush)
        self.outbox.append(request)
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.inbox:
            self.stats.inc_value("scheduler/dequeued/redis")
            return self.inbox.popleft()
        if not self.popping and time.monotonic() >= self.next_poll:
            self.refill()
        return None

    # --- push -----------------------------------------------------------------------------------
    def _push_args(self, requests: list[Request]) -> list:
        args: list = [self.prefix]
        fingerprint = self.crawler.request_fingerprinter.fingerprint
        for request in requests:
            meta = request.meta
            url = canonical_url(request.url)
            article = meta.get("kind") == "article"
            claim = ""
            if article and not meta.get("retry_times"):
                claim = f"recovered:{meta['recovered']}" if meta.get("recovered") else "claimed"
            record = discovered_record(meta)
            first = record is not None and not meta.get("redirect_urls") \
                and not meta.get("retry_times")
            entry = f"{claim}\n{url}\n".encode() + pickle.dumps(
                request.to_dict(spider=self.spider), protocol=pickle.HIGHEST_PROTOCOL)
            args += [urlparse_cached(request).hostname or "", -request.priority, entry,
                     "" if request.dont_filter else fingerprint(request).hex(),
                     url if first else "", _json(record) if first else ""]
        return args

    def flush(self) -> None:
        """Push the buffered requests from a thread (one script call)."""
        if self.flushing or not self.outbox:
            return
        batch, self.outbox = self.outbox, []
        self.flushing = True
        args = self._push_args(batch)
        d = deferToThread(self._push, args=args)
        d.addBoth(self._pushed, batch)

    def _pushed(self, result, batch: list[Request]) -> None:
        self.flushing = False
        if not isinstance(result, int):  # Redis unreachable: keep them, try again shortly
            logger.error("pushing %d requests to Redis failed: %s", len(batch), result.value)
            self.outbox = batch + self.outbox
            call_later(self.interval, self.flush)
            return
        self.more = True
        self.next_poll = 0.0
        self.empty_wait = EMPTY_POLL_SECONDS[0]
        if self.outbox:
            self.flush()
        self._wake()

    def _flush_now(self) -> None:
        """Synchronous push (closing, or before an idle check)."""
        if self.outbox:
            batch, self.outbox = self.outbox, []
            self._push(args=self._push_args(batch))
            self.more = True

    # --- pop ------------------------------------------------------------------------------------
    def busy_hosts(self) -> dict[str, int]:
        """Requests of this worker per host not finished yet: handed to the engine (in the
        downloader, its middlewares included) or still in the inbox."""
        busy: dict[str, int] = {}
        engine = self.crawler.engine
        active = engine.downloader.active if engine is not None else ()
        for request in [*active, *self.inbox]:
            host = urlparse_cached(request).hostname or ""
            busy[host] = busy.get(host, 0) + 1
        return busy

    def _pop_args(self) -> list:
        downloader = self.crawler.engine.downloader
        want = max(self.total - len(downloader.active), 1)
        busy = self.busy_hosts()
        self.offset += 1
        args: list = [self.prefix, self.seen_key, self.worker, self.lease_ms, want, self.per_host,
                      self.offset]
        for host, active in busy.items():
            args += [host, max(self.per_host - active, 0)]
        return args

    def refill(self) -> None:
        """Take what this worker may start now, in a thread; the engine is woken when it lands."""
        self.popping = True
        d = deferToThread(self._pop, args=self._pop_args())
        d.addBoth(self._popped)

    def _popped(self, result) -> None:
        self.popping = False
        if not isinstance(result, list):  # Redis unreachable: ask again later
            logger.error("popping requests from Redis failed: %s", result.value)
            self.next_poll = time.monotonic() + EMPTY_POLL_SECONDS[1]
            call_later(EMPTY_POLL_SECONDS[1], self._wake)
            return
        left = int(result[-1])
        n = (len(result) - 1) // 2
        for entry, ok in zip(result[:n], result[n:2 * n]):
            request = self._decode(entry, bool(ok))
            self.held.add(urlparse_cached(request).hostname or "")
            self.inbox.append(request)
        self.more = left > 0
        if n == 0 and left > 0:  # its hosts are all at capacity: ask again when the engine
            self.next_poll = 0.0  # asks (a download finished), not after a pause
            return
        if n == 0:  # nothing for this worker now: ask again after a growing pause
            self.next_poll = time.monotonic() + self.empty_wait
            call_later(self.empty_wait, self._wake)
            self.empty_wait = min(self.empty_wait * 2, EMPTY_POLL_SECONDS[1])
        else:
            self.empty_wait = EMPTY_POLL_SECONDS[0]
        self._wake()

    def _decode(self, entry: bytes, ok: bool) -> Request:
        claim, url, blob = entry.split(b"\n", 2)
        request = request_from_dict(pickle.loads(blob), spider=self.spider)
        if claim:
            request.meta["newsdedup_claim"] = (url.decode(), ok)
        return request

    def _wake(self) -> None:
        engine = self.crawler.engine
        if engine is not None and engine._slot is not None:
            engine._slot.nextcall.schedule()

    # --- leases and the idle check --------------------------------------------------------------
    def keep_leases(self) -> None:
        """Renew the leases of hosts with requests in flight, let the others go (a thread)."""
        if not self.held:
            return
        args = self._lease_args()
        asked = set(self.held)
        d = deferToThread(self._leases, args=args)
        d.addCallbacks(lambda held: setattr(self, "held", (self.held - asked)
                                            | {h.decode() for h in held}),
                       lambda failure: logger.warning("renewing host leases failed: %s",
                                                      failure.value))

    def _lease_args(self) -> list:
        busy = self.busy_hosts()
        args: list = [self.prefix, self.worker, self.lease_ms]
        for host in sorted(self.held):
            args += [host, "1" if busy.get(host) else "0"]
        return args

    def release_leases(self) -> None:
        """Leaving: every lease goes (synchronous; the worker is closing)."""
        for host in self.held:
            self.r.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then "
                        "return redis.call('DEL', KEYS[1]) end return 0", 1,
                        f"{self.prefix}lease:{host}", self.worker)
        self.held.clear()

    def queued_here(self) -> bool:
        """Requests this worker holds and has not started (its outbox is pushed first, so
        whatever it discovered is in the run's queues; synchronous: for the idle check only)."""
        self._flush_now()
        return bool(self.inbox)


def call_later(delay: float, func, *args) -> None:
    """``reactor.callLater``, the reactor looked up when called: importing this module must not
    install a reactor (crawl workers are forked after importing it, newsdedup.crawl)."""
    from twisted.internet import reactor

    reactor.callLater(delay, func, *args)


def discovered_record(meta: dict) -> dict | None:
    """What recovery needs to request a URL again (crawler.spiders.news.recovery_request)."""
    if meta.get("kind") == "hub":
        return {"kind": "hub", "hub_kind": meta.get("hub_kind"), "source": meta.get("source")}
    if meta.get("kind") == "article":
        return {"kind": "article", "source": meta.get("source"), "title": meta.get("title"),
                "published": meta.get("published")}
    return None


def _json(record: dict) -> str:
    return json.dumps(record)
