"""Redis mode for several crawl workers: a shared frontier and a run that ends only when all
its workers are done, with nothing lost when one of them dies.

* ``Scheduler`` (the SCHEDULER setting): Scrapy's own scheduler, or with NEWSDEDUP_REDIS_URL
  the run's shared frontier (crawler/frontier.py): per-host queues in Redis keyed by the run id,
  hosts partitioned across the live workers, so every worker of a run shares them and the next
  run starts afresh.
* ``RunCoordinator`` (an extension): heartbeats say whether this worker is busy (and taking
  requests from the frontier marks it busy in the same step); an idle worker stays open while
  another is busy or requests are queued, and when the run is quiet it re-queues what the run
  discovered but nobody finished - the requests a killed worker had taken (claimed, fetched but
  not committed) - at most ``NEWSDEDUP_RECOVERY_ROUNDS`` times.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.core.scheduler import Scheduler as ScrapyScheduler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet.task import LoopingCall

from crawler.storage import StoreExtension, redis_mode

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 0.1  # an idle worker asks whether the run is over this often


class Scheduler(ScrapyScheduler):
    """Scrapy's scheduler unless NEWSDEDUP_REDIS_URL is set; then the run's shared frontier."""

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        if not redis_mode(crawler.settings):
            return super().from_crawler(crawler)
        from crawler.frontier import RedisFrontier

        return RedisFrontier.from_crawler(crawler)


class RunCoordinator:
    """Keeps the workers of one run together until all are done; recovers a dead one's work."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.interval = settings.getfloat("NEWSDEDUP_HEARTBEAT_SECONDS")
        self.max_rounds = settings.getint("NEWSDEDUP_RECOVERY_ROUNDS")
        self.rounds = 0
        self.timer = LoopingCall(self.beat)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunCoordinator:
        if not redis_mode(crawler.settings):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    @property
    def backend(self) -> StoreExtension:
        return StoreExtension.of(self.crawler)

    @property
    def state(self):
        """The run's shared state (crawler.redis_backend.SharedCrawlState)."""
        return self.backend.run

    def busy(self) -> bool:
        engine = self.crawler.engine
        return engine is not None and engine._slot is not None and not engine.spider_is_idle()

    def beat(self) -> None:
        engine = self.crawler.engine
        if engine is None or engine._slot is None or engine._slot.closing is not None:
            return  # closing: this worker is leaving the run (see spider_closed)
        self.state.heartbeat(self.busy(), ttl=self.interval * 6)

    def spider_opened(self, spider) -> None:
        self.timer.start(self.interval, now=True)

    def spider_closed(self, spider, reason: str) -> None:
        """Leave the run (after StoreExtension published the last batch); the last worker to
        leave says so in the stats, and its caller writes the merged output files."""
        if self.timer.running:
            self.timer.stop()
        self.state.leave()
        self.crawler.stats.set_value("newsdedup/last_worker", not self.state.live_workers())

    def spider_idle(self, spider) -> None:
        self.backend.store.commit()  # publish this worker's last batch before anyone sweeps
        self.state.heartbeat(False, ttl=self.interval * 6)
        if not self.all_quiet():
            self.poll_soon()
            raise DontCloseSpider("other workers still busy")
        if self.rounds >= self.max_rounds or not self.state.lock("recover", ttl=60):
            return
        try:
            lost = self.state.unfinished()
            for url, record in lost.items():
                request = spider.recovery_request(url, record)
                if request is not None:
                    request.meta["recovered"] = self.rounds + 1  # a fresh claim per round
                    self.crawler.engine.crawl(request)
        finally:
            self.state.unlock("recover")
        if lost:
            self.rounds += 1
            logger.warning("recovering %d URLs discovered but not finished in this run "
                           "(a worker died?)", len(lost))
            self.crawler.stats.inc_value("newsdedup/recovered", len(lost))
            raise DontCloseSpider("recovering unfinished URLs")

    def all_quiet(self) -> bool:
        """Nothing left in the shared queue and no other live worker busy. One atomic read
        (SharedCrawlState.quiet): a worker taking requests is marked busy in the same step, so
        no request is ever seen in neither place, and no pause is needed before trusting it."""
        scheduler = self.crawler.engine._slot.scheduler
        return not scheduler.queued_here() and self.state.quiet()

    def poll_soon(self) -> None:
        """Ask the engine to check idleness again shortly, not after its default 5 s: the last
        worker to leave writes the merged output, so the others' lag adds to the run's wall."""
        self.crawler.engine._slot.nextcall.schedule(IDLE_POLL_SECONDS)
