"""The crawl store: what a crawl keeps between runs, composed of three parts.

* the **frontier** (``Frontier``): seen URLs with their outcome, hub validators (ETag /
  Last-Modified) and the links each hub pointed to, replayed when it answers 304;
* the **articles** (``ArticleTable``): articles with their raw bytes, and rejects - always one
  SQLite file (WAL), in Redis mode one per worker;
* the **story index** (``StoryPart``): which stored articles are copies of one another.

The SQLite parts are in crawler/sqlite_parts.py, the Redis ones in crawler/shared_store.py;
``crawler.storage.open_backend`` picks them from the settings (the one factory), so Redis mode is
configuration, not a kind of store.

Writes accumulate in one open transaction of the SQLite file. ``commit()`` first adds the batch's
articles to the story part (locally: the stories they touched are rewritten in the same
transaction), then COMMITs, then lets the parts publish what the file now holds (Redis mode: the
shared index, seen URLs, hub validators). So a kill -9 leaves the file as of the last commit:
articles, their stories and their "seen" marks together or not at all, and the rerun fetches
exactly the URLs that are not marked seen.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Protocol

from crawler.sqlite_parts import ArticleTable, Link, LocalStoryIndex, SqliteFrontier, StoreFile
from dedupe import StoryConfig
from pipelines.records import Article, Reject, Story
from pipelines.urls import canonical_url

STORE_FILE = "store.sqlite"
LOCK_FILE = ".crawl.lock"  # one writer per out dir: an overlapping cron run stops at once


class Frontier(Protocol):
    """What the crawl has fetched: asked before a request, written inside the transaction."""

    def is_seen(self, url: str) -> bool:
        """Handled before with a final outcome (article, reject or alias)."""

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the last successful fetch of ``url``."""

    def hub_links(self, hub: str) -> list[Link]:
        """(kind, url, title, published) that ``hub`` pointed to when last fetched with 200."""

    def misses(self, url: str) -> int:
        """How many runs found the article ``url`` missing (404) so far."""

    def mark(self, url: str, kind: str, source: str | None, status: int | None,
             fetched_at: str | None, outcome: str, etag: str | None = None,
             last_modified: str | None = None, misses: int | None = None) -> None: ...

    def set_hub_links(self, hub: str, links: Sequence[Link]) -> None: ...

    def committed(self) -> None:
        """The transaction's marks are durable in the file: share them if shared."""

    def discard(self) -> None:
        """The transaction was rolled back: forget its marks."""


class StoryPart(Protocol):
    """Stories of the stored articles, kept up to date batch by batch."""

    def add_batch(self, batch: list[Article]) -> None:
        """Inside the open transaction, before COMMIT."""

    def committed(self, batch: list[Article]) -> None:
        """After COMMIT: the batch is durable in the file."""

    def rolled_back(self) -> None: ...

    def finish(self) -> None:
        """End of a run (e.g. snapshot the index so the next run starts fast)."""


class StoreBusy(RuntimeError):
    """Another process is writing to this store (a crawl still running)."""


def _lock(out_dir: Path) -> IO | None:
    """An exclusive, non-blocking lock on out_dir/.crawl.lock, released when the file closes
    (also when the process is killed). None where fcntl does not exist."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, one crawl at a time is then the user's job
        return None
    handle = open(out_dir / LOCK_FILE, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StoreBusy(f"another crawl is writing to {out_dir} (lock {LOCK_FILE})") from None
    return handle


def check_not_busy(out_dir: str | Path) -> None:
    """Raise StoreBusy now, before a crawl starts, if another one holds the out dir."""
    out_dir = Path(out_dir)
    if out_dir.is_dir():
        handle = _lock(out_dir)
        if handle is not None:
            handle.close()


class Store:
    """A crawl store over the SQLite file ``path``; ``frontier`` and ``stories`` build its
    parts over that file (default: all in the file). ``writable=False`` opens it for reading
    only (no lock, no story index). Not thread-safe: used from the Scrapy reactor thread (or
    one caller)."""

    def __init__(self, path: str | Path, config: StoryConfig | None = None,
                 writable: bool = True, *,
                 frontier: Callable[[StoreFile], Frontier] = SqliteFrontier,
                 stories: Callable[[StoreFile, StoryConfig], StoryPart] = LocalStoryIndex
                 ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(self.path.parent) if writable else None
        self.config = config or StoryConfig()
        self.file = StoreFile(self.path)
        self.db = self.file.db
        self.table = ArticleTable(self.file)
        self.frontier = frontier(self.file)
        self._batch: list[Article] = []  # articles written in the open transaction
        self.pending = 0  # writes in the open transaction
        self.stories_part = stories(self.file, self.config) if writable else None

    @classmethod
    def open(cls, out_dir: str | Path, config: StoryConfig | None = None) -> Store:
        return cls(Path(out_dir) / STORE_FILE, config)

    # --- reads --------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        return self.table.counts()

    def articles(self) -> list[Article]:
        return self.table.articles()

    def stories(self) -> list[Story]:
        """The stories table (empty in a Redis-mode worker file: stories are shared)."""
        return self.table.stories()

    def rejects(self) -> list[Reject]:
        return self.table.rejects()

    def raw(self, article_id: str) -> tuple[bytes, str | None] | None:
        """The page as fetched (bytes, Content-Type), for re-extraction."""
        return self.table.raw(article_id)

    # --- writes (inside the open transaction) ---------------------------------------------------
    def _mark_chain(self, urls: Sequence[str], source: str, status: int | None,
                    fetched_at: str | None, outcome: str, etag: str | None = None,
                    last_modified: str | None = None) -> None:
        """The redirect chain: the final URL gets ``outcome``, the ones before it "alias"."""
        for url in urls[:-1]:
            if canonical_url(url) != canonical_url(urls[-1]):
                self.frontier.mark(url, "article", source, None, fetched_at, "alias")
        self.frontier.mark(urls[-1], "article", source, status, fetched_at, outcome, etag,
                           last_modified)

    def add_article(self, article: Article, source: str, urls: Sequence[str], *, status: int = 200,
                    body: bytes | None = None, content_type: str | None = None,
                    etag: str | None = None, last_modified: str | None = None,
                    watch_hits: Sequence[str] = ()) -> bool:
        """Store an article and mark ``urls`` (the redirect chain) seen; False if its id exists
        (two URLs canonicalising to one page keep the first)."""
        exists = self.table.exists(article.id)
        self._mark_chain(urls, source, status, article.fetched_at, "article", etag, last_modified)
        if exists or any(a.id == article.id for a in self._batch):
            return False
        self.table.add(article, source, body, content_type, watch_hits)
        self._batch.append(article)
        self.pending += 1
        return True

    def add_reject(self, reject: Reject, source: str, urls: Sequence[str], *,
                   status: int | None = None, fetched_at: str | None = None) -> None:
        """A fetched page that is not an article (final: not fetched again)."""
        self._mark_chain(urls, source, status, fetched_at, "reject")
        self.table.add_reject(reject, reject.url or urls[-1], source, fetched_at)
        self.pending += 1

    def add_alias(self, urls: Sequence[str], source: str, fetched_at: str) -> None:
        """URLs that redirected to a page handled under another URL: not fetched again."""
        for url in urls:
            self.frontier.mark(url, "article", source, None, fetched_at, "alias")
        self.pending += 1

    def add_failure(self, url: str, kind: str, source: str, status: int | None,
                    fetched_at: str) -> None:
        """A fetch that failed for now (retried next run); validators of a hub are kept."""
        etag, last_modified = self.frontier.validators(url)
        self.frontier.mark(url, kind, source, status, fetched_at, "error", etag, last_modified)
        self.pending += 1

    def add_not_found(self, reject: Reject, source: str, urls: Sequence[str], *,
                      status: int, fetched_at: str, runs: int) -> bool:
        """An article page that answered 404 (or held no article text yet): retried by the next
        runs, a reject once ``runs`` runs found it missing (NEWSDEDUP_NOT_FOUND_RUNS: a feed
        often lists an item before its page is live). True when that made it final (a reject),
        False when it is retried."""
        misses = self.frontier.misses(urls[-1]) + 1
        if misses >= runs:
            self.add_reject(reject, source, urls, status=status, fetched_at=fetched_at)
            return True
        self.frontier.mark(urls[-1], "article", source, status, fetched_at, "error",
                           misses=misses)
        self.pending += 1
        return False

    def add_hub(self, url: str, kind: str, source: str, status: int, fetched_at: str,
                etag: str | None, last_modified: str | None,
                links: Sequence[Link] | None) -> None:
        """A hub fetch; ``links`` (kind, url, title, published) replace the stored ones, None on
        304 keeps them (and the old validators if the 304 carried none)."""
        if links is None:
            old_etag, old_lm = self.frontier.validators(url)
            etag, last_modified = etag or old_etag, last_modified or old_lm
        else:
            self.frontier.set_hub_links(url, links)
        self.frontier.mark(url, kind, source, status, fetched_at, "hub", etag, last_modified)
        self.pending += 1

    def commit(self) -> None:
        """Group the batch's articles into stories, then make everything durable at once.

        If grouping fails the whole batch is rolled back (its URLs stay unseen, so the next run
        fetches them again) and the story part reloads from what is stored."""
        batch = self._batch
        try:
            if batch and self.stories_part is not None:
                self.stories_part.add_batch(batch)
            self.file.commit()
        except BaseException:
            self.file.rollback()
            self.frontier.discard()
            if self.stories_part is not None:
                self.stories_part.rolled_back()
            raise
        finally:
            self._batch = []
            self.pending = 0
        # The file first: a shared index never knows of an article the file lacks.
        self.frontier.committed()
        if self.stories_part is not None:
            self.stories_part.committed(batch)

    def finish(self) -> None:
        """End of a run: commit, then let the story part snapshot itself."""
        self.commit()
        if self.stories_part is not None:
            self.stories_part.finish()

    def abort(self) -> None:
        """Drop the open transaction and release the store: what a kill -9 leaves behind."""
        self.file.rollback()
        self.frontier.discard()
        self._batch, self.pending = [], 0
        self._release()

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self._release()

    def _release(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None
