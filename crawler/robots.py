"""Scrapy's RobotsTxtMiddleware, with every request that waited for a host's robots.txt judged
by it.

Scrapy (>= 2.14, scrapy/scrapy#6802) lets every request that arrives while a host's robots.txt
is still downloading await the same Deferred: the first waiter's callback consumes the parser
and the later ones get None, which the middleware reads as "no robots.txt, all allowed". So when
three or more requests to a host start before its robots.txt is in - a Redis worker's recovery
sweep re-queues a dead worker's URLs all at once - disallowed pages were fetched
(tests/test_robots.py; it made tests/test_redis_mode.py's killed-worker test flaky).
"""
from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxt
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxtMiddleware(ScrapyRobotsTxt):
    """Settings name it in place of Scrapy's (same priority, same settings)."""

    async def robot_parser(self, request):
        parser = await super().robot_parser(request)
        # Scrapy stores the parser (or None after a failed download) for the host before it
        # fires the Deferred, so once any wait is over the table holds the answer for everyone.
        settled = self._parsers.get(urlparse_cached(request).netloc, parser)
        return parser if isinstance(settled, Deferred) else settled
