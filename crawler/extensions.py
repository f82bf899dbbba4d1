"""Reactor lag: how long the event loop was busy when it should have been serving downloads.

A callback is scheduled every NEWSDEDUP_LAG_INTERVAL seconds; how late it fires is time the
reactor spent on something else (parsing, extraction if it ran inline, store commits). The
p95 / max go into the crawl stats, which is how bench/crawl_bench.py shows whether extraction
stalls downloading.
"""
from __future__ import annotations

import time

from scrapy import signals
from scrapy.exceptions import NotConfigured


class ReactorLag:
    def __init__(self, crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.lags: list[float] = []
        self.call = None
        self.due = 0.0
        crawler.signals.connect(self.start, signal=signals.spider_opened)
        crawler.signals.connect(self.stop, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler) -> ReactorLag:
        interval = crawler.settings.getfloat("NEWSDEDUP_LAG_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    def start(self) -> None:
        self._schedule()

    def _schedule(self) -> None:
        from twisted.internet import reactor

        self.due = time.monotonic() + self.interval
        self.call = reactor.callLater(self.interval, self._tick)

    def _tick(self) -> None:
        self.lags.append(max(0.0, time.monotonic() - self.due))
        self._schedule()

    def stop(self) -> None:
        if self.call is not None and self.call.active():
            self.call.cancel()
        if not self.lags:
            return
        lags = sorted(self.lags)
        stats = self.crawler.stats
        stats.set_value("newsdedup/reactor_lag_p95_ms", round(lags[int(0.95 * (len(lags) - 1))] * 1000, 1))
        stats.set_value("newsdedup/reactor_lag_max_ms", round(lags[-1] * 1000, 1))
        stats.set_value("newsdedup/reactor_lag_total_s", round(sum(lags), 2))
