"""The crawl store's parts kept in its SQLite file: the file itself, the articles, the frontier
and the story index (see crawler/store.py for how they fit together).

Tables: ``articles`` (raw bytes zlib-compressed, so a page can be re-extracted), ``rejects``,
``seen`` (every fetched URL: kind, status, fetch time, ETag / Last-Modified, outcome),
``hub_links`` (what each feed / sitemap / listing page pointed to, replayed when it answers 304),
``stories`` and ``story_index`` (a snapshot of dedupe's StoryIndex, which carries its
SketchScheme).
"""
from __future__ import annotations

import io
import json
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from dedupe import StoryConfig, StoryIndex
from pipelines.assign import build_stories, story_doc
from pipelines.records import Article, Location, Reject, Story
from pipelines.urls import canonical_url

SCHEMA_VERSION = "1"
# Outcomes of an article URL: the page became an article or a reject, or the URL redirected to
# a page handled under another URL ("alias"). "error" (timeouts, 5xx, 403) is retried next run.
DONE_OUTCOMES = ("article", "reject", "alias")
Link = tuple[str, str, str | None, str | None]  # (kind, url, title, published) a hub points to

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,       -- arrival order: index replay after a kill
    id TEXT NOT NULL UNIQUE, url TEXT NOT NULL, source TEXT, title TEXT, text TEXT NOT NULL,
    lang TEXT, script TEXT, published TEXT, site TEXT, fetched_at TEXT, story_id TEXT,
    encoding TEXT, content_type TEXT, watch_hits TEXT, raw_z BLOB, published_source TEXT);
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
# Columns added to a table after stores were written without them: (table, column, type).
# Opening an older store adds them (NULL in its old rows), so old stores keep working.
ADDED_COLUMNS = (("articles", "published_source", "TEXT"),)
ARTICLE_COLS = ("id", "url", "title", "text", "lang", "script", "published", "site",
                "fetched_at", "story_id", "encoding", "published_source")
_SELECT_ARTICLES = f"SELECT {', '.join(ARTICLE_COLS)}, source FROM articles"


class StoreFile:
    """One SQLite file in WAL mode; writes go into one open transaction (BEGIN IMMEDIATE ...
    COMMIT), which the store commits or rolls back as a whole."""

    def __init__(self, path: Path) -> None:
        # Autocommit mode: transactions are explicit.
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: consistent after a crash
        self.db.executescript(SCHEMA)
        self._add_missing_columns()
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    def _add_missing_columns(self) -> None:
        """A store written before a column of ADDED_COLUMNS existed gains it (a cheap ALTER:
        SQLite does not rewrite the rows)."""
        for table, column, kind in ADDED_COLUMNS:
            have = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                try:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
                except sqlite3.OperationalError as err:  # another process added it just now
                    if "duplicate column" not in str(err):
                        raise

    def write(self, sql: str, params: Sequence = ()) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
        self.db.execute(sql, params)

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def last_seq(self) -> int:
        """The arrival number of the last stored article (0 when there is none)."""
        return self.db.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None


# --- articles -----------------------------------------------------------------------------------
class ArticleTable:
    """Articles and rejects of the crawl (in Redis mode too: one file per worker)."""

    def __init__(self, file: StoreFile) -> None:
        self.file, self.db = file, file.db

    def exists(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?",
                               (article_id,)).fetchone() is not None

    def add(self, article: Article, source: str, body: bytes | None, content_type: str | None,
            watch_hits: Sequence[str]) -> None:
        raw_z = zlib.compress(body, 6) if body is not None else None
        self.file.write(
            "INSERT INTO articles (id, url, source, title, text, lang, script, published, site,"
            " fetched_at, story_id, encoding, content_type, watch_hits, raw_z, published_source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
            (article.id, article.url, source, article.title, article.text, article.lang,
             article.script, article.published, article.site, article.fetched_at,
             article.encoding, content_type, json.dumps(list(watch_hits), ensure_ascii=False),
             raw_z, article.published_source))

    def add_reject(self, reject: Reject, url: str, source: str, fetched_at: str | None) -> None:
        self.file.write("INSERT OR REPLACE INTO rejects VALUES (?, ?, ?, ?, ?)",
                        (url, source, reject.reason, reject.detail, fetched_at))

    def articles(self) -> list[Article]:
        return [article_from_row(r) for r in self.db.execute(f"{_SELECT_ARTICLES} ORDER BY id")]

    def members(self, ids: Sequence[str]) -> list[Article]:
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"{_SELECT_ARTICLES} WHERE id IN ({marks})", ids).fetchall()
        return [article_from_row(row) for row in rows]

    def after(self, seq: int, chunk: int = 2000) -> Iterator[list[Article]]:
        """Articles stored after arrival number ``seq``, in arrival order, ``chunk`` at a time."""
        cursor = self.db.execute(f"{_SELECT_ARTICLES} WHERE seq > ? ORDER BY seq", (seq,))
        while rows := cursor.fetchmany(chunk):
            yield [article_from_row(row) for row in rows]

    def rejects(self) -> list[Reject]:
        rows = self.db.execute("SELECT url, source, reason, detail FROM rejects ORDER BY url")
        return [Reject(Location(source or "crawl", member=url), reason, detail or "", url)
                for url, source, reason, detail in rows]

    def stories(self) -> list[Story]:
        rows = self.db.execute("SELECT story_id, article_ids, representative_id, languages, "
                               "first_published FROM stories ORDER BY story_id").fetchall()
        return [Story(sid, json.loads(ids), rep, json.loads(langs), first)
                for sid, ids, rep, langs, first in rows]

    def raw(self, article_id: str) -> tuple[bytes, str | None] | None:
        row = self.db.execute("SELECT raw_z, content_type FROM articles WHERE id = ?",
                              (article_id,)).fetchone()
        return (zlib.decompress(row[0]), row[1]) if row and row[0] is not None else None

    def counts(self) -> dict[str, int]:
        return {table: self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("articles", "stories", "rejects", "seen")}


def article_from_row(row: Sequence) -> Article:
    fields = dict(zip(ARTICLE_COLS, row[:len(ARTICLE_COLS)]))
    source = row[len(ARTICLE_COLS)]
    return Article(**fields, location=Location(source or "crawl", member=fields["url"]))


# --- frontier -----------------------------------------------------------------------------------
class SqliteFrontier:
    """Seen URLs, hub validators and hub links in the store's ``seen`` / ``hub_links`` tables."""

    def __init__(self, file: StoreFile) -> None:
        self.file, self.db = file, file.db

    def is_seen(self, url: str) -> bool:
        row = self.db.execute("SELECT outcome FROM seen WHERE url = ?",
                              (canonical_url(url),)).fetchone()
        return row is not None and row[0] in DONE_OUTCOMES

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, last_modified FROM seen WHERE url = ?",
                              (canonical_url(url),)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def hub_links(self, hub: str) -> list[Link]:
        return self.db.execute("SELECT kind, url, title, published FROM hub_links WHERE hub = ?"
                               " ORDER BY pos", (canonical_url(hub),)).fetchall()

    def mark(self, url: str, kind: str, source: str | None, status: int | None,
             fetched_at: str | None, outcome: str, etag: str | None = None,
             last_modified: str | None = None) -> None:
        self.file.write("INSERT OR REPLACE INTO seen VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (canonical_url(url), kind, source, status, fetched_at, etag,
                         last_modified, outcome))

    def set_hub_links(self, hub: str, links: Sequence[Link]) -> None:
        hub = canonical_url(hub)
        self.file.write("DELETE FROM hub_links WHERE hub = ?", (hub,))
        for pos, (link_kind, link, title, published) in enumerate(links):
            self.file.write("INSERT INTO hub_links VALUES (?, ?, ?, ?, ?, ?)",
                            (hub, pos, link_kind, link, title, published))

    def committed(self) -> None:
        """Nothing beyond the file's COMMIT."""

    def discard(self) -> None:
        """Nothing beyond the file's ROLLBACK."""


# --- story index --------------------------------------------------------------------------------
class LocalStoryIndex:
    """dedupe's StoryIndex in this process, its snapshot and the ``stories`` table in the file.

    The snapshot is saved at the end of a run; articles committed after it (a killed run's) are
    replayed into the index on open. StoryIndex is order-independent, so the stories equal a
    batch ``assign_stories`` over all stored articles."""

    def __init__(self, file: StoreFile, config: StoryConfig) -> None:
        self.file, self.db, self.config = file, file.db, config
        self.table = ArticleTable(file)
        self.index = self._load()  # before any write, so a replay never sees a half-built batch

    def add_batch(self, new: list[Article]) -> None:
        """Inside the open transaction: the batch joins the index, touched stories rewritten."""
        index = self.index
        before = len(index)
        index.add_many([story_doc(a) for a in new])
        roots = index.uf.roots()
        touched = np.isin(roots, roots[before:])
        clusters: dict[int, list[str]] = {}
        for num in np.flatnonzero(touched).tolist():
            clusters.setdefault(int(roots[num]), []).append(index.ids[num])
        self._write_stories([sorted(c) for c in clusters.values()])

    def committed(self, batch: list[Article]) -> None:
        """Nothing to publish: the stories were written inside the transaction."""

    def rolled_back(self) -> None:
        """The batch is gone from the file: rebuild the index from what is stored."""
        self.index = self._load()

    def finish(self) -> None:
        """Snapshot the story index (one transaction); later articles are replayed on open."""
        upto = self.file.last_seq()
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("INSERT OR REPLACE INTO story_index VALUES (1, ?, ?, ?)",
                        (json.dumps(_jsonable(self.config.as_dict())), upto,
                         _pack_state(self.index.to_state())))
        self.db.execute("COMMIT")

    def _write_stories(self, clusters: list[list[str]]) -> None:
        for cluster in clusters:
            members = self.table.members(cluster)
            old = {a.story_id for a in members if a.story_id}
            (story,) = build_stories(members, [cluster])
            for story_id in old - {story.story_id}:
                self.file.write("DELETE FROM stories WHERE story_id = ?", (story_id,))
            self.file.write("INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?)",
                            (story.story_id, json.dumps(story.article_ids),
                             story.representative_id, json.dumps(story.languages),
                             story.first_published, story.size))
            self.db.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                                [(story.story_id, a.id) for a in members])

    def _load(self) -> StoryIndex:
        """The saved snapshot plus articles committed after it; rebuilt from the texts when
        there is none or it was made with another StoryConfig (other sketches don't compare)."""
        upto, index = 0, None
        row = self.db.execute("SELECT config, upto, state FROM story_index").fetchone()
        if row and json.loads(row[0]) == _jsonable(self.config.as_dict()):
            index, upto = StoryIndex.from_state(_unpack_state(row[2])), row[1]
        rebuild = index is None
        index = index or StoryIndex(self.config)
        for chunk in self.table.after(upto):
            index.add_many([story_doc(a) for a in chunk])
        if rebuild and len(index):  # stories may come from another config: recompute them all
            self.file.write("DELETE FROM stories", ())
            self._write_stories(index.clusters())
            self.db.execute("COMMIT")
        return index


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
