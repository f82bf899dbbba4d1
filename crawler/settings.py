"""Every Scrapy and crawl setting in one place.

`scrapy crawl NAME` reads this module through scrapy.cfg; `run_crawl()` (crawler/run.py) loads the
same module and applies per-run overrides on top (tests and the benchmark shrink the politeness
delays for a loopback network; nothing else differs).
"""
import os

BOT_NAME = "newsdedup"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves honestly; outlets that block us count as a failed source, never stop the run.
USER_AGENT = "newsdedup/0.1 (news deduplication research crawler; +https://example.org/newsdedup)"

# --- politeness -----------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5  # AutoThrottle never goes below this
COOKIES_ENABLED = False  # news pages need no session; fewer tracking side effects

# --- safety ---------------------------------------------------------------------------------
# A news article page is < 1 MiB almost always (largest page in ../shared/data/extraction:
# ~0.9 MiB); 4 MiB leaves room for inline-image portals and rejects runaway responses.
DOWNLOAD_MAXSIZE = 4 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Sitemaps may legally be 50 MB uncompressed (sitemaps.org); applied per request to sitemaps only.
NEWSDEDUP_SITEMAP_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Scrapy retries at once; crawler.middlewares.RetryBackoffMiddleware waits
# base * 2**(attempt-1) seconds (capped) before each retry.
NEWSDEDUP_RETRY_BACKOFF_BASE = 2.0
NEWSDEDUP_RETRY_BACKOFF_MAX = 60.0
REDIRECT_MAX_TIMES = 5
METAREFRESH_ENABLED = False  # a meta refresh on a news page is usually an ad or paywall hop

# --- no remote access into the crawler process ----------------------------------------------
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 opens an HTTP server that executes posted Python code
# (scrapy.extensions.remote_control.RemoteControl, enabled by default): off.
REMOTE_CONTROL_ENABLED = False

# --- components -----------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # before RobotsTxtMiddleware (100): a seen article needs neither robots.txt nor a fetch
    "crawler.middlewares.SeenUrlMiddleware": 50,
    # first: a redirect target off the source's domains is never requested (nor its robots.txt)
    "crawler.middlewares.RedirectGuardMiddleware": 40,
    # Scrapy's decompression, with a gzip bomb told apart from a robots.txt refusal
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.middlewares.BombSafeCompressionMiddleware": 590,
    # before HttpProxyMiddleware (750) so its proxy is honoured; only set by tests/bench
    "crawler.middlewares.FixedProxyMiddleware": 740,
    "crawler.middlewares.RetryBackoffMiddleware": 560,  # after RetryMiddleware (550)
    # Scrapy's robots.txt check, with requests that waited for robots.txt judged by it
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.RobotsTxtMiddleware": 100,
}
EXTENSIONS = {
    # opens the crawl store (SQLite, or Redis mode's parts) before every other component
    "crawler.storage.StoreExtension": 100,
    "crawler.extensions.ReactorLag": 500,
    "crawler.coordination.RunCoordinator": 510,  # Redis mode only (NotConfigured otherwise)
}
# Scrapy's scheduler, or with NEWSDEDUP_REDIS_URL the run's shared one (crawler/frontier.py).
SCHEDULER = "crawler.coordination.Scheduler"
NEWSDEDUP_LAG_INTERVAL = 0.05  # seconds between reactor-lag probes; 0 turns the probe off
ITEM_PIPELINES = {
    "crawler.pipelines.ProcessPipeline": 100,
    "crawler.pipelines.StorePipeline": 800,
}

# --- newsdedup --------------------------------------------------------------------------------
NEWSDEDUP_SOURCES = "samples/sources.toml"  # -s NEWSDEDUP_SOURCES=... or -a sources=...
NEWSDEDUP_OUT_DIR = "output"
NEWSDEDUP_WATCHLIST = None  # a TOML file; the sources file may also name one
NEWSDEDUP_PROXY = None  # e.g. "http://127.0.0.1:8899" — the offline fixture network
# Extraction processes per crawl worker. None = usable cores - 1 (at least 1); 0 = inline on the
# reactor thread,
# which then holds up downloading (bench/crawl_bench.py, 2,019 loopback pages, 2 cores:
# downloads done at 29 s inline vs 21 s with a pool of 1, 10 s with no pipeline; end to end
# 30 vs 32 s: on loopback everything is CPU-bound, the pool frees the reactor, it adds no speed).
NEWSDEDUP_EXTRACT_PROCESSES = None
# Store commits: every N items or T seconds, whichever first. kill -9 loses at most one batch,
# and a lost batch's URLs are simply not "seen" yet, so the rerun fetches them again.
NEWSDEDUP_COMMIT_ITEMS = 50
NEWSDEDUP_COMMIT_SECONDS = 2.0
# Runs an article URL may answer 404 before it is a final reject (410 Gone is final at once): a
# feed item listed before its page is live, or a page briefly unpublished, is fetched again by
# the next two runs (hourly cron: two hours later), the way mature crawlers retry a 404 on later
# visits instead of dropping it. Counted in the store's ``seen.misses``.
NEWSDEDUP_NOT_FOUND_RUNS = 3
# Child hubs followed per source and run: listing pages reached through `paginate` patterns
# and child sitemaps of a sitemap index (an outlet's index can list years of daily sitemaps).
NEWSDEDUP_MAX_HUB_PAGES = 50

# --- Redis mode: several workers, one Redis (README "Scaling out") -----------------------------
# Unset: one process, the SQLite store in the out dir. Set: a shared frontier, seen URLs,
# hub validators and the story index in Redis; each worker's store in OUT/workers/<worker>/.
NEWSDEDUP_REDIS_URL = os.environ.get("NEWSDEDUP_REDIS_URL") or None
NEWSDEDUP_REDIS_NAMESPACE = os.environ.get("NEWSDEDUP_REDIS_NAMESPACE", "newsdedup")
NEWSDEDUP_RUN_ID = os.environ.get("NEWSDEDUP_RUN_ID") or None  # shared by the workers of a run
NEWSDEDUP_WORKER_ID = os.environ.get("NEWSDEDUP_WORKER_ID") or None  # default: the host name
NEWSDEDUP_HEARTBEAT_SECONDS = 0.5  # a worker silent for 6 beats is taken for dead
NEWSDEDUP_RECOVERY_ROUNDS = 3  # re-queues of a dead worker's unfinished URLs per run

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
