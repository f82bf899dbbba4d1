"""The crawl's own concise log and its exit codes (the end-to-end cron case is in
test_cron_crawl.py)."""
from __future__ import annotations

import io
import logging

from newsdedup.crawl_log import (
    EXIT_NO_SOURCE,
    EXIT_SOME_SOURCES,
    MAX_LINES,
    concise_log,
    crawl_exit_code,
    failure_line,
    merged_counts,
    scrapy_log_settings,
)

UP = {"hubs_fetched": 2, "hubs_not_modified": 0, "articles_fetched": 5, "hubs_failed": 0}
NOT_MODIFIED = {"hubs_fetched": 0, "hubs_not_modified": 3, "articles_fetched": 0}
DOWN = {"hubs_fetched": 0, "hubs_not_modified": 0, "articles_fetched": 0, "hubs_failed": 3}


def test_exit_codes_by_sources_answering():
    assert crawl_exit_code([("a", UP), ("b", NOT_MODIFIED)]) == 0
    assert crawl_exit_code([("a", UP), ("b", DOWN)]) == EXIT_SOME_SOURCES
    assert crawl_exit_code([("a", DOWN), ("b", DOWN)]) == EXIT_NO_SOURCE
    assert failure_line([("a", UP)]) is None
    assert failure_line([("a", DOWN), ("b", DOWN)]) == "no source could be fetched (a, b)"
    assert failure_line([("a", UP), ("b", DOWN)]) == "1 of 2 sources could not be fetched: b"
    untouched = {"hubs_fetched": 0, "hubs_failed": 0, "disallowed": 2}  # nothing sent: no failure
    assert crawl_exit_code([("a", UP), ("b", untouched)]) == 0


def test_several_workers_sum_per_source():
    """Redis mode: a worker that never fetched a source does not make it fail."""
    worker1 = {"sources": {"a": UP, "b": {"hubs_fetched": 0, "hubs_failed": 0}}}
    worker2 = {"sources": {"a": {"hubs_fetched": 0}, "b": DOWN}}
    assert crawl_exit_code(merged_counts([worker1, worker2])) == EXIT_SOME_SOURCES
    assert merged_counts([worker1, worker2])[0] == ("a", {**UP})


def test_warnings_once_each_on_one_line_without_traceback():
    stream = io.StringIO()
    log = logging.getLogger("scrapy.core.scraper")
    with concise_log(stream) as handler:
        for _ in range(3):
            try:
                raise ConnectionRefusedError("Connection was refused by other side: 111")
            except ConnectionRefusedError:
                log.error("Error downloading <GET http://127.0.0.1:9/feed.xml>", exc_info=True)
        logging.getLogger("news").warning("Example: hub %s failed: %s", "http://x/", "DNS")
        logging.getLogger("scrapy.core.engine").info("Spider opened")  # INFO: not shown
    lines = stream.getvalue().splitlines()
    assert lines == [
        "error: Error downloading <GET http://127.0.0.1:9/feed.xml>: ConnectionRefusedError: "
        "Connection was refused by other side: 111",
        "warning: Example: hub http://x/ failed: DNS"]
    assert handler.closing_lines()[0].endswith("3 times)")
    assert handler not in logging.root.handlers


def test_distinct_lines_are_capped():
    stream = io.StringIO()
    with concise_log(stream) as handler:
        for i in range(MAX_LINES + 7):
            logging.getLogger("news").warning("hub %d failed", i)
    assert len(stream.getvalue().splitlines()) == MAX_LINES
    assert "7 more distinct warnings" in handler.closing_lines()[-1]


def test_scrapy_log_only_when_asked():
    assert scrapy_log_settings() == {"LOG_ENABLED": False}
    assert scrapy_log_settings(verbose=True) == {"LOG_ENABLED": True, "LOG_LEVEL": "INFO"}
    assert scrapy_log_settings(log_level="debug") == {"LOG_ENABLED": True, "LOG_LEVEL": "DEBUG"}
