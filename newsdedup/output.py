"""Output files (the contract scripts read): articles.jsonl, stories.jsonl, rejects.jsonl,
incidents.jsonl — written and read back here, and only here.

Each file is written to a temporary file in the same folder, flushed to disk, then renamed over
the old one, so a reader never sees half a file and a killed run leaves the previous output.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.incidents import INCIDENTS_FILE, Incident, Lexicon, assign_incidents
from pipelines.records import Article, Reject, Story
from pipelines.timing import timed

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


# ---------------------------------------------------------------- reading an output folder back
@dataclass
class OutputSet:
    """What ``cluster`` wrote: articles, stories and (if present) incidents."""

    articles: list[Article]
    stories: list[Story]
    incidents: list[dict[str, Any]]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def article_from_record(row: dict[str, Any]) -> Article:
    article = Article(**{name: row.get(name) for name in Article.OUTPUT_FIELDS})
    article.incident_id = row.get("incident_id")
    return article


def stories_from_articles(articles: Sequence[Article]) -> list[Story]:
    """Stories rebuilt from the articles' ``story_id`` (each article alone if it has none)."""
    groups: dict[str, list[Article]] = {}
    for article in articles:
        groups.setdefault(article.story_id or "s" + article.id, []).append(article)
    stories = []
    for story_id, members in sorted(groups.items()):
        dated = sorted(a.published for a in members if a.published)
        first = min(members, key=lambda a: (a.published is None, a.published or "", -len(a.text),
                                            a.id))
        stories.append(Story(story_id=story_id, article_ids=sorted(a.id for a in members),
                             representative_id=first.id,
                             languages=sorted({a.lang for a in members}),
                             first_published=dated[0] if dated else None))
    return stories


def read_output(out_dir: str | Path) -> OutputSet:
    """Read articles.jsonl, stories.jsonl and incidents.jsonl from ``out_dir``. Raises
    FileNotFoundError when there is no articles.jsonl."""
    out_dir = Path(out_dir)
    if not (out_dir / ARTICLES_FILE).exists():
        raise FileNotFoundError(f"{out_dir / ARTICLES_FILE} not found (run `newsdedup cluster`)")
    articles = [article_from_record(r) for r in _read_jsonl(out_dir / ARTICLES_FILE)]
    known = {a.id for a in articles}
    stories = [Story(story_id=r["story_id"], article_ids=r["article_ids"],
                     representative_id=r["representative_id"], languages=r["languages"],
                     first_published=r.get("first_published"))
               for r in _read_jsonl(out_dir / STORIES_FILE)]
    if not stories or any(i not in known for s in stories for i in s.article_ids):
        stories = stories_from_articles(articles)
    return OutputSet(articles, stories, _read_jsonl(out_dir / INCIDENTS_FILE))


def write_all_outputs(out_dir: Path, articles: Sequence[Article], stories: Sequence[Story],
                      rejects: Sequence, lexicon: Lexicon | None = None) -> list[Incident]:
    """Assign incidents, then write the contract files plus incidents.jsonl: the one way a dump
    and a crawl store publish their results."""
    with timed("incidents"):
        incidents = assign_incidents(articles, stories, lexicon=lexicon)
    with timed("write"):
        write_outputs(Path(out_dir), articles, stories, rejects,
                      extra={INCIDENTS_FILE: [i.as_output() for i in incidents]})
    return incidents
