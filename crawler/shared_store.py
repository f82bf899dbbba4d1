"""A crawl worker's store in Redis mode, and the export that merges every worker's store.

Each worker writes its own SQLite file, ``OUT/workers/<worker>/store.sqlite``: one writer per
file keeps the single-process store's kill -9 guarantees unchanged (WAL, one transaction per
batch) and needs no database server. What the workers must agree on lives in Redis
(crawler/redis_backend.py): the seen-URL set, hub validators and links, and the story index.

After a batch COMMITs in SQLite it is published to Redis: its articles join the shared story
index, its URLs become seen, its hubs' validators are saved. A worker killed between the two
leaves articles that Redis does not know yet; they are published when that worker's store is
opened again and by ``export_shared`` (publishing is idempotent per article id), so nothing
committed is lost. Stories are not written to the worker files: ``export_shared`` reads every
worker's articles and takes the stories from the shared index.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dedupe import StoryConfig
from dedupe.shared import SharedStoryIndex
from pipelines.assign import build_stories, story_doc
from newsdedup.output import write_all_outputs
from pipelines.records import Article, Reject
from crawler.redis_backend import SharedCrawlState
from crawler.store import ARTICLE_COLS, DONE_OUTCOMES, STORE_FILE, Store, _article

WORKERS_DIR = "workers"
PUBLISHED_KEY = "published_upto"  # meta: articles (by seq) already published to Redis


def worker_store_path(out_dir: str | Path, worker_id: str) -> Path:
    return Path(out_dir) / WORKERS_DIR / worker_id / STORE_FILE


class SharedStore(Store):
    """``Store`` whose seen URLs, hub validators and stories are shared through Redis."""

    def __init__(self, path: str | Path, state: SharedCrawlState, index: SharedStoryIndex,
                 config: StoryConfig | None = None) -> None:
        self.state, self.shared_index = state, index
        self._marks: list[tuple[str, str]] = []  # (url, outcome) written in the open transaction
        self._hubs: dict[str, dict] = {}
        super().__init__(path, config or index.config)

    @classmethod
    def open_worker(cls, out_dir: str | Path, state: SharedCrawlState,
                    index: SharedStoryIndex) -> SharedStore:
        return cls(worker_store_path(out_dir, state.worker_id), state, index)

    # --- reads: shared first --------------------------------------------------------------------
    def is_seen(self, url: str) -> bool:
        """This worker's own store only: URLs seen by any worker are dropped by the frontier
        when popped, where the check is batched with the claim (crawler/frontier.py)."""
        return super().is_seen(url)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        hub = self.state.hub(url)
        return hub.get("etag"), hub.get("last_modified")

    def hub_links(self, hub: str) -> list[tuple[str, str, str | None, str | None]]:
        return [tuple(link) for link in self.state.hub(hub).get("links", [])]

    # --- writes: remembered for publishing after COMMIT -----------------------------------------
    def _mark(self, url: str, kind: str, source: str | None, status: int | None,
              fetched_at: str | None, outcome: str, etag: str | None = None,
              last_modified: str | None = None) -> None:
        super()._mark(url, kind, source, status, fetched_at, outcome, etag, last_modified)
        self._marks.append((url, outcome))

    def add_hub(self, url: str, kind: str, source: str, status: int, fetched_at: str,
                etag: str | None, last_modified: str | None,
                links: Sequence[tuple[str, str, str | None, str | None]] | None) -> None:
        if links is None:
            old_etag, old_lm = self.validators(url)
            etag, last_modified = etag or old_etag, last_modified or old_lm
        super().add_hub(url, kind, source, status, fetched_at, etag, last_modified, links)
        self._hubs[url] = {"etag": etag, "last_modified": last_modified,
                           "links": None if links is None else [list(link) for link in links]}

    def _assign(self, new: list[Article]) -> None:
        """Stories are shared: the batch joins the shared index after COMMIT (``_publish``)."""

    def commit(self) -> None:
        batch, marks, hubs = list(self._batch), self._marks, self._hubs
        self._marks, self._hubs = [], {}
        super().commit()  # SQLite first: Redis never knows of an article the store lacks
        self._publish(batch, marks, hubs)

    def abort(self) -> None:
        self._marks, self._hubs = [], {}
        super().abort()

    def export(self, out_dir: str | Path) -> None:
        """Leave the run; the last worker to leave writes the merged output files."""
        self.state.leave()
        if not self.state.live_workers():
            export_shared(out_dir, self.shared_index)

    def _publish(self, batch: list[Article], marks: list[tuple[str, str]],
                 hubs: dict[str, dict]) -> None:
        if batch:
            self.shared_index.add_many([story_doc(a) for a in batch])
        self.state.mark_seen(url for url, outcome in marks if outcome in DONE_OUTCOMES)
        self.state.finished(url for url, _ in marks)
        self.state.save_hubs(hubs)
        if batch:
            upto = self.db.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (PUBLISHED_KEY, str(upto)))

    # --- the story index is the shared one ------------------------------------------------------
    def _load_index(self) -> None:
        """Publish what a killed run committed but did not publish; no local index."""
        publish_unpublished(self.db, self.shared_index)
        return None

    def save_index(self) -> None:
        """Nothing to snapshot: the index lives in Redis."""


def publish_unpublished(db, index: SharedStoryIndex) -> int:
    """Add a worker store's articles after its published mark to the shared index."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (PUBLISHED_KEY,)).fetchone()
    cursor = db.execute(f"SELECT {', '.join(ARTICLE_COLS)}, source FROM articles WHERE seq > ? "
                        "ORDER BY seq", (int(row[0]) if row else 0,))
    added = 0
    while rows := cursor.fetchmany(2000):
        added += index.add_many([story_doc(_article(r)) for r in rows])
    return added


def worker_stores(out_dir: str | Path) -> list[Path]:
    return sorted((Path(out_dir) / WORKERS_DIR).glob(f"*/{STORE_FILE}"))


def export_shared(out_dir: str | Path, index: SharedStoryIndex) -> dict[str, int]:
    """Merge every worker store of ``out_dir`` into the output files; stories from the shared
    index. An article stored by two workers (a page re-fetched after a worker died before
    publishing it) is kept once. Returns counts."""
    paths = worker_stores(out_dir)
    if not paths:
        raise FileNotFoundError(f"no worker stores under {Path(out_dir) / WORKERS_DIR}")
    articles: dict[str, Article] = {}
    rejects: dict[str, Reject] = {}
    for path in paths:
        store = Store(path, writable=False)
        try:
            publish_unpublished(store.db, index)
            for article in store.articles():
                articles.setdefault(article.id, article)
            for reject in store.rejects():
                rejects.setdefault(reject.url, reject)
        finally:
            store.db.close()
    stored_urls = {a.url for a in articles.values()}
    for url in [u for u in rejects if u in stored_urls]:
        del rejects[url]  # fetched again by another worker, successfully
    ordered = [articles[i] for i in sorted(articles)]
    clusters = index.clusters(restrict_to=set(articles))
    stories = build_stories(ordered, clusters)
    write_all_outputs(Path(out_dir), ordered, stories,
                      sorted(rejects.values(), key=lambda r: r.url or ""))
    return {"articles": len(ordered), "stories": len(stories), "rejects": len(rejects),
            "workers": len(paths)}

