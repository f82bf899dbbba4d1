"""The crawl store's parts in Redis mode, and the merge of every worker's store.

Each worker writes its own SQLite file, ``OUT/workers/<worker>/store.sqlite``: one writer per
file keeps the single-process store's kill -9 guarantees unchanged (WAL, one transaction per
batch) and needs no database server. What the workers must agree on lives in Redis
(crawler/redis_backend.py): the seen-URL set, hub validators and links (``SharedFrontier``), and
the story index (``SharedStories``).

After a batch COMMITs in SQLite it is published to Redis: its URLs become seen, its hubs'
validators are saved, its articles join the shared story index. A worker killed between the two
leaves articles that Redis does not know yet; they are published when that worker's store is
opened again and by ``merge_worker_stores`` (publishing is idempotent per article id), so nothing
committed is lost. Stories are not written to the worker files: the merge reads every worker's
articles and takes the stories from the shared index.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.sqlite_parts import DONE_OUTCOMES, ArticleTable, Link, SqliteFrontier, StoreFile
from crawler.store import STORE_FILE, Store
from dedupe import StoryConfig
from dedupe.stories.shared import SharedStoryIndex
from pipelines.assign import build_stories, story_doc
from pipelines.records import Article, Reject, Story

if TYPE_CHECKING:  # redis and datasketch load in ~1 s: only when Redis mode is used
    from crawler.redis_backend import SharedCrawlState

WORKERS_DIR = "workers"
PUBLISHED_KEY = "published_upto"  # meta: articles (by seq) already published to Redis


def worker_store_path(out_dir: str | Path, worker_id: str) -> Path:
    """OUT/workers/<worker>/store.sqlite: the one place a worker's store path is made."""
    return Path(out_dir) / WORKERS_DIR / worker_id / STORE_FILE


def worker_stores(out_dir: str | Path) -> list[Path]:
    return sorted((Path(out_dir) / WORKERS_DIR).glob(f"*/{STORE_FILE}"))


class SharedFrontier:
    """Seen URLs and hub validators read from Redis; written to the worker's file (so the file
    alone is a complete record) and published to Redis after COMMIT."""

    def __init__(self, file: StoreFile, state: SharedCrawlState) -> None:
        self.local, self.state = SqliteFrontier(file), state
        self._marks: list[tuple[str, str]] = []  # (url, outcome) written in the open transaction
        self._links: dict[str, list[list]] = {}  # hub -> links written in the open transaction
        self._hubs: dict[str, dict] = {}

    def is_seen(self, url: str) -> bool:
        """This worker's file only: a URL another worker (or an earlier run) settled is dropped
        by the run's frontier when popped, where the check is batched with the claim
        (crawler/frontier.py) instead of one Redis round trip per link on the reactor thread."""
        return self.local.is_seen(url)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        hub = self.state.hub(url)
        return hub.get("etag"), hub.get("last_modified")

    def hub_links(self, hub: str) -> list[Link]:
        return [tuple(link) for link in self.state.hub(hub).get("links", [])]

    def misses(self, url: str) -> int:
        """This worker's file only (like ``is_seen``): the 404s this worker saw."""
        return self.local.misses(url)

    def mark(self, url: str, kind: str, source: str | None, status: int | None,
             fetched_at: str | None, outcome: str, etag: str | None = None,
             last_modified: str | None = None, misses: int | None = None) -> None:
        self.local.mark(url, kind, source, status, fetched_at, outcome, etag, last_modified,
                        misses)
        self._marks.append((url, outcome))
        if outcome == "hub":  # links None: a 304, the stored links stay
            self._hubs[url] = {"etag": etag, "last_modified": last_modified,
                               "links": self._links.pop(url, None)}

    def set_hub_links(self, hub: str, links: Sequence[Link]) -> None:
        self.local.set_hub_links(hub, links)
        self._links[hub] = [list(link) for link in links]

    def committed(self) -> None:
        marks, hubs = self._marks, self._hubs
        self.discard()
        self.state.mark_seen(url for url, outcome in marks if outcome in DONE_OUTCOMES)
        self.state.finished(url for url, _ in marks)
        self.state.save_hubs(hubs)

    def discard(self) -> None:
        self._marks, self._links, self._hubs = [], {}, {}


class SharedStories:
    """The story index every worker shares; a batch joins it after its COMMIT."""

    def __init__(self, file: StoreFile, config: StoryConfig, index: SharedStoryIndex) -> None:
        self.file, self.index = file, index
        publish_unpublished(file, index)  # what a killed run committed but did not publish

    def add_batch(self, batch: list[Article]) -> None:
        """Nothing in the file: stories are shared (see ``committed``)."""

    def committed(self, batch: list[Article]) -> None:
        if batch:
            self.index.add_many([story_doc(a) for a in batch])
            self.file.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                 (PUBLISHED_KEY, str(self.file.last_seq())))

    def rolled_back(self) -> None:
        """Nothing was published before COMMIT."""

    def finish(self) -> None:
        """Nothing to snapshot: the index lives in Redis."""


def publish_unpublished(file: StoreFile, index: SharedStoryIndex) -> int:
    """Add a worker store's articles after its published mark to the shared index."""
    added = 0
    for chunk in ArticleTable(file).after(int(file.meta(PUBLISHED_KEY) or 0)):
        added += index.add_many([story_doc(a) for a in chunk])
    return added


def merge_worker_stores(out_dir: str | Path, index: SharedStoryIndex
                        ) -> tuple[list[Article], list[Story], list[Reject], int]:
    """Every worker store of ``out_dir`` merged: (articles by id, stories from the shared index,
    rejects by URL, number of worker stores). An article stored by two workers (a page
    re-fetched after a worker died before publishing it) is kept once; a reject whose URL
    another worker stored as an article is dropped. FileNotFoundError without worker stores."""
    paths = worker_stores(out_dir)
    if not paths:
        raise FileNotFoundError(f"no worker stores under {Path(out_dir) / WORKERS_DIR}")
    articles: dict[str, Article] = {}
    rejects: dict[str, Reject] = {}
    for path in paths:
        store = Store(path, writable=False)
        try:
            publish_unpublished(store.file, index)
            for article in store.articles():
                articles.setdefault(article.id, article)
            for reject in store.rejects():
                rejects.setdefault(reject.url, reject)
        finally:
            store.close()
    stored_urls = {a.url for a in articles.values()}
    for url in [u for u in rejects if u in stored_urls]:
        del rejects[url]  # fetched again by another worker, successfully
    ordered = [articles[i] for i in sorted(articles)]
    stories = build_stories(ordered, index.clusters(restrict_to=set(articles)))
    return ordered, stories, sorted(rejects.values(), key=lambda r: r.url or ""), len(paths)
