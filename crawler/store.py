"""The crawl store: one SQLite file (WAL) in the out dir, the last stage of a crawl.

Tables: ``articles`` (raw bytes zlib-compressed, so a page can be re-extracted), ``rejects``,
``seen`` (every fetched URL: kind, status, fetch time, ETag / Last-Modified, outcome),
``hub_links`` (what each feed / sitemap / listing page pointed to, replayed when it answers 304),
``stories`` and ``story_index`` (a snapshot of dedupe's StoryIndex, which carries its
SketchScheme).

Writes accumulate in one open transaction; ``commit()`` first adds the batch's articles to the
story index, rewrites the stories they touched, then COMMITs. So a kill -9 leaves the file as of
the last commit: articles, their stories and their "seen" marks together or not at all, and the
rerun fetches exactly the URLs that are not marked seen. The index snapshot is saved at close;
articles committed after it (a killed run's) are replayed into the index on open. StoryIndex is
order-independent, so the stories equal a batch ``assign_stories`` over all stored articles.
"""
from __future__ import annotations

import io
import json
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from dedupe import StoryConfig, StoryDoc, StoryIndex
from pipelines.assign import build_stories, story_doc
from newsdedup.output import write_all_outputs
from pipelines.records import Article, Location, Reject, Story
from pipelines.urls import canonical_url

STORE_FILE = "store.sqlite"
LOCK_FILE = ".crawl.lock"  # one writer per out dir: an overlapping cron run stops at once
SCHEMA_VERSION = "1"
# Outcomes of an article URL: the page became an article or a reject, or the URL redirected to
# a page handled under another URL ("alias"). "error" (timeouts, 5xx, 403) is retried next run.
DONE_OUTCOMES = ("article", "reject", "alias")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,       -- arrival order: index replay after a kill
    id TEXT NOT NULL UNIQUE, url TEXT NOT NULL, source TEXT, title TEXT, text TEXT NOT NULL,
    lang TEXT, script TEXT, published TEXT, site TEXT, fetched_at TEXT, story_id TEXT,
    encoding TEXT, content_type TEXT, watch_hits TEXT, raw_z BLOB);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story_id);
CREATE TABLE IF NOT EXISTS rejects (
    url TEXT PRIMARY KEY, source TEXT, reason TEXT NOT NULL, detail TEXT, fetched_at TEXT);
CREATE TABLE IF NOT EXISTS seen (
    url TEXT PRIMARY KEY, kind TEXT NOT NULL, source TEXT, status INTEGER, fetched_at TEXT,
    etag TEXT, last_modified TEXT, outcome TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hub_links (
    hub TEXT NOT NULL, pos INTEGER NOT NULL, kind TEXT NOT NULL, url TEXT NOT NULL,
    title TEXT, published TEXT, PRIMARY KEY (hub, pos));
CREATE TABLE IF NOT EXISTS stories (
    story_id TEXT PRIMARY KEY, article_ids TEXT NOT NULL, representative_id TEXT NOT NULL,
    languages TEXT NOT NULL, first_published TEXT, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS story_index (
    id INTEGER PRIMARY KEY CHECK (id = 1), config TEXT NOT NULL, upto INTEGER NOT NULL,
    state BLOB NOT NULL);
"""
ARTICLE_COLS = ("id", "url", "title", "text", "lang", "script", "published", "site",
                "fetched_at", "story_id", "encoding")


class StoreBusy(RuntimeError):
    """Another process is writing to this store (a crawl still running)."""


def _lock(out_dir: Path):
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
    """The SQLite store. Not thread-safe: used from the Scrapy reactor thread (or one caller)."""

    def __init__(self, path: str | Path, config: StoryConfig | None = None,
                 writable: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(self.path.parent) if writable else None
        self.config = config or StoryConfig()
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: consistent after a crash
        self.db.executescript(SCHEMA)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        self._batch: list[Article] = []  # articles written in the open transaction
        self.pending = 0  # writes in the open transaction
        # Loaded before any write, so a replay never sees a half-built batch.
        self._index: StoryIndex | None = self._load_index() if writable else None

    @classmethod
    def open(cls, out_dir: str | Path, config: StoryConfig | None = None) -> Store:
        return cls(Path(out_dir) / STORE_FILE, config)

    # --- reads --------------------------------------------------------------------------------
    def is_seen(self, url: str) -> bool:
        """Handled before with a final outcome (article, reject or alias)."""
        row = self.db.execute("SELECT outcome FROM seen WHERE url = ?",
                              (canonical_url(url),)).fetchone()
        return row is not None and row[0] in DONE_OUTCOMES

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the last successful fetch of ``url``."""
        row = self.db.execute("SELECT etag, last_modified FROM seen WHERE url = ?",
                              (canonical_url(url),)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def hub_links(self, hub: str) -> list[tuple[str, str, str | None, str | None]]:
        """(kind, url, title, published) that ``hub`` pointed to when last fetched with 200."""
        return self.db.execute("SELECT kind, url, title, published FROM hub_links WHERE hub = ?"
                               " ORDER BY pos", (canonical_url(hub),)).fetchall()

    def counts(self) -> dict[str, int]:
        return {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("articles", "stories", "rejects", "seen")}

    def articles(self) -> list[Article]:
        rows = self.db.execute(f"SELECT {', '.join(ARTICLE_COLS)}, source FROM articles "
                               "ORDER BY id").fetchall()
        return [_article(row) for row in rows]

    def stories(self) -> list[Story]:
        rows = self.db.execute("SELECT story_id, article_ids, representative_id, languages, "
                               "first_published FROM stories ORDER BY story_id").fetchall()
        return [Story(sid, json.loads(ids), rep, json.loads(langs), first)
                for sid, ids, rep, langs, first in rows]

    def rejects(self) -> list[Reject]:
        rows = self.db.execute("SELECT url, source, reason, detail FROM rejects ORDER BY url")
        return [Reject(Location(source or "crawl", member=url), reason, detail or "", url)
                for url, source, reason, detail in rows]

    def raw(self, article_id: str) -> tuple[bytes, str | None] | None:
        """The page as fetched (bytes, Content-Type), for re-extraction."""
        row = self.db.execute("SELECT raw_z, content_type FROM articles WHERE id = ?",
                              (article_id,)).fetchone()
        return (zlib.decompress(row[0]), row[1]) if row and row[0] is not None else None

    def export(self, out_dir: str | Path) -> None:
        """Rewrite articles.jsonl / stories.jsonl / incidents.jsonl / rejects.jsonl from the
        store (atomically). Incidents are recomputed over the whole store, so they equal a batch
        run over the same articles whatever order they were crawled in."""
        write_all_outputs(Path(out_dir), self.articles(), self.stories(), self.rejects())

    # --- writes (inside the open transaction) ---------------------------------------------------
    def _write(self, sql: str, params: Sequence) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
        self.db.execute(sql, params)

    def _mark(self, url: str, kind: str, source: str | None, status: int | None,
              fetched_at: str | None, outcome: str, etag: str | None = None,
              last_modified: str | None = None) -> None:
        self._write("INSERT OR REPLACE INTO seen VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (canonical_url(url), kind, source, status, fetched_at, etag, last_modified,
                     outcome))

    def _mark_chain(self, urls: Sequence[str], source: str, status: int | None,
                    fetched_at: str | None, outcome: str, etag: str | None = None,
                    last_modified: str | None = None) -> None:
        """The redirect chain: the final URL gets ``outcome``, the ones before it "alias"."""
        for url in urls[:-1]:
            if canonical_url(url) != canonical_url(urls[-1]):
                self._mark(url, "article", source, None, fetched_at, "alias")
        self._mark(urls[-1], "article", source, status, fetched_at, outcome, etag, last_modified)

    def add_article(self, article: Article, source: str, urls: Sequence[str], *, status: int = 200,
                    body: bytes | None = None, content_type: str | None = None,
                    etag: str | None = None, last_modified: str | None = None,
                    watch_hits: Sequence[str] = ()) -> bool:
        """Store an article and mark ``urls`` (the redirect chain) seen; False if its id exists
        (two URLs canonicalising to one page keep the first)."""
        exists = self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone()
        self._mark_chain(urls, source, status, article.fetched_at, "article", etag, last_modified)
        if exists or any(a.id == article.id for a in self._batch):
            return False
        raw_z = zlib.compress(body, 6) if body is not None else None
        self._write(
            "INSERT INTO articles (id, url, source, title, text, lang, script, published, site,"
            " fetched_at, story_id, encoding, content_type, watch_hits, raw_z)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
            (article.id, article.url, source, article.title, article.text, article.lang,
             article.script, article.published, article.site, article.fetched_at,
             article.encoding, content_type, json.dumps(list(watch_hits), ensure_ascii=False),
             raw_z))
        self._batch.append(article)
        self.pending += 1
        return True

    def add_reject(self, reject: Reject, source: str, urls: Sequence[str], *,
                   status: int | None = None, fetched_at: str | None = None) -> None:
        """A fetched page that is not an article (final: not fetched again)."""
        self._mark_chain(urls, source, status, fetched_at, "reject")
        self._write("INSERT OR REPLACE INTO rejects VALUES (?, ?, ?, ?, ?)",
                    (reject.url or urls[-1], source, reject.reason, reject.detail, fetched_at))
        self.pending += 1

    def add_alias(self, urls: Sequence[str], source: str, fetched_at: str) -> None:
        """URLs that redirected to a page handled under another URL: not fetched again."""
        for url in urls:
            self._mark(url, "article", source, None, fetched_at, "alias")
        self.pending += 1

    def add_failure(self, url: str, kind: str, source: str, status: int | None,
                    fetched_at: str) -> None:
        """A fetch that failed for now (retried next run); validators of a hub are kept."""
        etag, last_modified = self.validators(url)
        self._mark(url, kind, source, status, fetched_at, "error", etag, last_modified)
        self.pending += 1

    def add_hub(self, url: str, kind: str, source: str, status: int, fetched_at: str,
                etag: str | None, last_modified: str | None,
                links: Sequence[tuple[str, str, str | None, str | None]] | None) -> None:
        """A hub fetch; ``links`` (kind, url, title, published) replace the stored ones, None on
        304 keeps them (and the old validators if the 304 carried none)."""
        if links is None:
            old_etag, old_lm = self.validators(url)
            etag, last_modified = etag or old_etag, last_modified or old_lm
        else:
            hub = canonical_url(url)
            self._write("DELETE FROM hub_links WHERE hub = ?", (hub,))
            for pos, (link_kind, link, title, published) in enumerate(links):
                self._write("INSERT INTO hub_links VALUES (?, ?, ?, ?, ?, ?)",
                            (hub, pos, link_kind, link, title, published))
        self._mark(url, kind, source, status, fetched_at, "hub", etag, last_modified)
        self.pending += 1

    def commit(self) -> None:
        """Group the batch's articles into stories, then make everything durable at once.

        If grouping fails the whole batch is rolled back (its URLs stay unseen, so the next run
        fetches them again) and the index is reloaded from what is stored."""
        try:
            if self._batch:
                self._assign(self._batch)
            if self.db.in_transaction:
                self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if self._index is not None:
                self._index = self._load_index()
            raise
        finally:
            self._batch = []
            self.pending = 0

    def finish(self) -> None:
        """End of a run: commit, then snapshot the story index so the next run starts fast."""
        self.commit()
        if self._index is not None:
            self.save_index()

    def abort(self) -> None:
        """Drop the open transaction and release the store: what a kill -9 leaves behind."""
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self._batch, self.pending = [], 0
        self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self.db.close()
            if self._lock is not None:
                self._lock.close()
                self._lock = None

    # --- stories ------------------------------------------------------------------------------
    @property
    def index(self) -> StoryIndex:
        if self._index is None:
            raise RuntimeError("store opened read-only: no story index")
        return self._index

    def _assign(self, new: list[Article]) -> None:
        index = self.index
        before = len(index)
        index.add_many([story_doc(a) for a in new])
        roots = index.uf.roots()
        touched = np.isin(roots, roots[before:])
        clusters: dict[int, list[str]] = {}
        for num in np.flatnonzero(touched).tolist():
            clusters.setdefault(int(roots[num]), []).append(index.ids[num])
        self._write_stories([sorted(c) for c in clusters.values()])

    def _write_stories(self, clusters: list[list[str]]) -> None:
        for cluster in clusters:
            marks = ",".join("?" * len(cluster))
            rows = self.db.execute(f"SELECT {', '.join(ARTICLE_COLS)}, source FROM articles "
                                   f"WHERE id IN ({marks})", cluster).fetchall()
            members = [_article(row) for row in rows]
            old = {a.story_id for a in members if a.story_id}
            docs = {a.id: StoryDoc(a.id, "", a.published, len(a.text)) for a in members}
            (story,) = build_stories(members, [cluster], docs)
            for story_id in old - {story.story_id}:
                self._write("DELETE FROM stories WHERE story_id = ?", (story_id,))
            self._write("INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?)",
                        (story.story_id, json.dumps(story.article_ids), story.representative_id,
                         json.dumps(story.languages), story.first_published, story.size))
            self.db.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                                [(story.story_id, a.id) for a in members])

    def _load_index(self) -> StoryIndex:
        """The saved snapshot plus articles committed after it; rebuilt from the texts when
        there is none or it was made with another StoryConfig (other sketches don't compare)."""
        upto, index = 0, None
        row = self.db.execute("SELECT config, upto, state FROM story_index").fetchone()
        if row and json.loads(row[0]) == _jsonable(self.config.as_dict()):
            index, upto = StoryIndex.from_state(_unpack_state(row[2])), row[1]
        rebuild = index is None
        index = index or StoryIndex(self.config)
        for chunk in self._articles_after(upto):
            index.add_many([story_doc(a) for a in chunk])
        if rebuild and len(index):  # stories may come from another config: recompute them all
            self._write("DELETE FROM stories", ())
            self._write_stories(index.clusters())
            self.db.execute("COMMIT")
        return index

    def _articles_after(self, seq: int, chunk: int = 2000) -> Iterator[list[Article]]:
        cursor = self.db.execute(f"SELECT {', '.join(ARTICLE_COLS)}, source FROM articles "
                                 "WHERE seq > ? ORDER BY seq", (seq,))
        while rows := cursor.fetchmany(chunk):
            yield [_article(row) for row in rows]

    def save_index(self) -> None:
        """Snapshot the story index (one transaction); later articles are replayed on open."""
        index = self.index
        upto = self.db.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("INSERT OR REPLACE INTO story_index VALUES (1, ?, ?, ?)",
                        (json.dumps(_jsonable(self.config.as_dict())), upto,
                         _pack_state(index.to_state())))
        self.db.execute("COMMIT")


def _article(row: Sequence) -> Article:
    fields = dict(zip(ARTICLE_COLS, row[:len(ARTICLE_COLS)]))
    source = row[len(ARTICLE_COLS)]
    return Article(**fields, location=Location(source or "crawl", member=fields["url"]))


def _jsonable(data: object) -> object:
    return json.loads(json.dumps(data))


def _pack_state(state: dict) -> bytes:
    """StoryIndex.to_state() as npz: arrays stay arrays, the rest goes in one JSON member."""
    arrays = {k: v for k, v in state.items() if isinstance(v, np.ndarray)}
    plain = {k: v for k, v in state.items() if not isinstance(v, np.ndarray)}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, __json__=np.frombuffer(json.dumps(plain).encode(), np.uint8),
                        **arrays)
    return buffer.getvalue()


def _unpack_state(blob: bytes) -> dict:
    with np.load(io.BytesIO(blob), allow_pickle=False) as data:
        state = {k: data[k] for k in data.files if k != "__json__"}
        state.update(json.loads(data["__json__"].tobytes().decode()))
    return state


def export_store(out_dir: str | Path) -> None:
    """``newsdedup export --out DIR``: rewrite the three JSONL files from DIR's store."""
    path = Path(out_dir) / STORE_FILE
    if not path.exists():
        raise FileNotFoundError(f"no crawl store at {path}")
    store = Store(path, writable=False)
    try:
        store.export(out_dir)
    finally:
        store.db.close()
