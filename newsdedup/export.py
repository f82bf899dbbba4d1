"""Write the output files of a crawl from its store: what ends ``newsdedup crawl`` and what
``newsdedup export`` runs.

One process: ``OUT/store.sqlite`` (articles, stories, rejects). Redis mode: every worker's
``OUT/workers/*/store.sqlite`` merged, the stories from the shared index. Either way incidents
are recomputed over the whole store, so the files equal a batch run over the same articles
whatever order they were crawled in, and they are written by ``newsdedup.output`` (atomically).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.shared_store import merge_worker_stores
from crawler.store import STORE_FILE, Store
from dedupe import IncidentConfig
from dedupe.stories.shared import SharedStoryIndex
from newsdedup.output import write_all_outputs
from pipelines.cores import usable_cores


class StoreUnreadable(ValueError):
    """The crawl store is empty (0 bytes), not SQLite, or corrupt: exporting it would replace the
    output files with an empty or partial set, so nothing is written."""


SQLITE_MAGIC = b"SQLite format 3\x00"


def export_store(out_dir: str | Path, config: IncidentConfig | None = None,
                 processes: int | None = None,
                 formats: tuple[str, ...] | None = None) -> dict[str, int]:
    """Rewrite articles / stories / incidents / rejects .jsonl of ``out_dir`` from its crawl
    store (incidents by ``config``, default IncidentConfig(), their evidence and links in
    ``processes`` processes, default: the usable cores), with the copies in ``formats`` (None:
    those the folder holds now), as one output set; counts written.
    FileNotFoundError if there is no store; StoreUnreadable (output files left as they are) if
    it is empty, not SQLite or fails SQLite's quick_check."""
    path = Path(out_dir) / STORE_FILE
    if not path.exists():
        raise FileNotFoundError(f"no crawl store at {path}")
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if not head:
        raise StoreUnreadable(f"{path} is empty (0 bytes): not exported, the output files are "
                              "left as they are")
    if head != SQLITE_MAGIC:
        raise StoreUnreadable(f"{path} is not an SQLite database: not exported, the output "
                              "files are left as they are")
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            check = probe.execute("PRAGMA quick_check").fetchone()[0]
            tables = {n for (n,) in probe.execute("SELECT name FROM sqlite_master")}
        finally:
            probe.close()
        if check != "ok":
            raise sqlite3.DatabaseError(check)
        if "articles" not in tables:
            raise sqlite3.DatabaseError("no articles table: not a crawl store")
        store = Store(path, writable=False)
        try:
            articles, stories, rejects = store.articles(), store.stories(), store.rejects()
        finally:
            store.close()
    except sqlite3.Error as err:
        raise StoreUnreadable(f"{path} is corrupt ({err}): not exported, the output files are "
                              "left as they are") from err
    incidents = write_all_outputs(Path(out_dir), articles, stories, rejects, config=config,
                                  processes=processes or usable_cores(), formats=formats)
    return {"articles": len(articles), "stories": len(stories), "rejects": len(rejects),
            "incidents": len(incidents)}


def export_shared(out_dir: str | Path, index: SharedStoryIndex,
                  processes: int | None = None,
                  formats: tuple[str, ...] | None = None) -> dict[str, int]:
    """Redis mode: merge every worker store of ``out_dir`` into its output files, stories from
    the shared ``index`` (incidents in ``processes`` processes, ``formats`` as
    ``export_store``); counts written. FileNotFoundError if there are no worker stores."""
    articles, stories, rejects, workers = merge_worker_stores(out_dir, index)
    write_all_outputs(Path(out_dir), articles, stories, rejects,
                      processes=processes or usable_cores(), formats=formats)
    return {"articles": len(articles), "stories": len(stories), "rejects": len(rejects),
            "workers": workers}


def export(out_dir: str | Path, redis_url: str | None = None,
           namespace: str | None = None, config: IncidentConfig | None = None,
           formats: tuple[str, ...] | None = None) -> dict[str, int]:
    """``newsdedup export``: the single-process store, or with ``redis_url`` the merged worker
    stores (``namespace`` default: NEWSDEDUP_REDIS_NAMESPACE of crawler/settings.py), with the
    copies in ``formats`` (None: those the folder holds now). Raises FileNotFoundError without
    a store, ConnectionError if Redis does not answer."""
    if not redis_url:
        return export_store(out_dir, config, formats=formats)
    from crawler.redis_backend import shared_story_index  # ~1 s of imports: Redis mode only

    return export_shared(out_dir, shared_story_index(redis_url, namespace=namespace
                                                     or redis_namespace()), formats=formats)


def redis_namespace(overrides: dict | None = None) -> str:
    """The Redis key namespace the crawl settings give (NEWSDEDUP_REDIS_NAMESPACE)."""
    from crawler.run import crawl_settings

    return crawl_settings(overrides).get("NEWSDEDUP_REDIS_NAMESPACE")
