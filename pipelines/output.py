"""Output files (the contract scripts read): articles.jsonl, stories.jsonl, rejects.jsonl.

Each file is written to a temporary file in the same folder, flushed to disk, then renamed over
the old one, so a reader never sees half a file and a killed run leaves the previous output.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipelines.records import Article, Reject, Story

ARTICLES_FILE = "articles.jsonl"
STORIES_FILE = "stories.jsonl"
REJECTS_FILE = "rejects.jsonl"


def dumps(record: dict[str, Any]) -> str:
    """One JSON line: UTF-8 as is (readable Chinese), field order as given."""
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


def write_jsonl_atomic(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write ``records`` as JSON lines to ``path`` atomically; return the number written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for record in records:
                fh.write(dumps(record) + "\n")
                count += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def write_outputs(out_dir: Path, articles: Iterable[Article], stories: Iterable[Story],
                  rejects: Iterable[Reject], extra: dict[str, Iterable[dict]] | None = None) -> None:
    """Write the three contract files (sorted, so equal input gives equal bytes)."""
    out_dir = Path(out_dir)
    write_jsonl_atomic(out_dir / ARTICLES_FILE,
                       (a.as_output() for a in sorted(articles, key=lambda a: a.id)))
    write_jsonl_atomic(out_dir / STORIES_FILE,
                       (s.as_output() for s in sorted(stories, key=lambda s: s.story_id)))
    write_jsonl_atomic(out_dir / REJECTS_FILE, (r.as_output() for r in rejects))
    for name, records in (extra or {}).items():
        write_jsonl_atomic(out_dir / name, records)
