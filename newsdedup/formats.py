"""CSV and SQLite copies of an output folder's JSONL files, for spreadsheet and SQL tools.

Written from the JSONL files themselves (after ``cluster`` or ``export`` wrote them), so every
format holds the same records with the same field names and values:

- ``csv``: ``articles.csv``, ``stories.csv``, ``incidents.csv``, ``rejects.csv``; one column per
  contract field, in the JSONL's field order; a list or object field (``article_ids``,
  ``titles``…) is its JSON text; null is an empty cell. UTF-8 with a byte-order mark, so
  spreadsheet programs read Chinese right (Python: ``encoding="utf-8-sig"``).
- ``sqlite``: ``results.sqlite`` with tables ``articles``, ``stories``, ``incidents``,
  ``rejects``: the same columns (JSON text for lists and objects, queryable with ``json_each``),
  ids as primary keys, ``articles`` indexed by ``story_id`` and ``incident_id``.

``newsdedup.output`` calls ``write_formats`` on the new output set's folder before switching it
in, so the copies are published with the JSONL files, all or nothing. Each file is built under
a temporary name and renamed into place, created with the process's umask (0644 under the
usual 022). Equal JSONL gives equal bytes. Memory is one record at a time.
"""
from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from newsdedup.output import ARTICLES_FILE, INCIDENTS_FILE, REJECTS_FILE, STORIES_FILE
from pipelines.incidents import Incident
from pipelines.records import Article, Location, Story

FORMATS = ("jsonl", "csv", "sqlite")
SQLITE_FILE = "results.sqlite"
# table → (JSONL file, its fields in order, the primary key or None)
TABLES: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    "articles": (ARTICLES_FILE, Article.OUTPUT_FIELDS, "id"),
    "stories": (STORIES_FILE, Story.OUTPUT_FIELDS, "story_id"),
    "incidents": (INCIDENTS_FILE, tuple(f.name for f in fields(Incident)), "incident_id"),
    "rejects": (REJECTS_FILE,
                ("source", *(f.name for f in fields(Location)), "reason", "detail", "url"), None),
}
INTEGER_FIELDS = frozenset({"size", "line", "offset"})
INDEXES = (("articles", "story_id"), ("articles", "incident_id"), ("stories", "incident_id"))


class FormatError(ValueError):
    """An unknown format name."""


def parse_formats(text: str | Sequence[str]) -> tuple[str, ...]:
    """``"jsonl,csv"`` (or a list of names) → ``("jsonl", "csv")``, in FORMATS order.
    FormatError names the unknown one. JSONL is always written; it is the contract."""
    names = [n.strip().lower() for n in (text.split(",") if isinstance(text, str) else text)]
    unknown = [n for n in names if n and n not in FORMATS]
    if unknown:
        raise FormatError(f"unknown format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
    return tuple(f for f in FORMATS if f in names or f == "jsonl")


def records(out_dir: Path, table: str) -> Iterator[dict[str, Any]]:
    """The JSONL records of ``table`` one at a time (none if its file is absent)."""
    path = Path(out_dir) / TABLES[table][0]
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def columns(table: str) -> tuple[str, ...]:
    return TABLES[table][1]


def cell(value: Any) -> Any:
    """A value as one CSV cell or SQLite value: lists and objects as their JSON text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed over it when the block succeeds (removed if it
    fails). Created by plain ``open``, so the umask decides the mode (no 0600 of mkstemp)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_csv(out_dir: Path, table: str) -> Path:
    """``table``.csv from its JSONL; return its path."""
    target = Path(out_dir) / f"{table}.csv"
    names = columns(table)
    with replacing(target) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(names)
        for record in records(out_dir, table):
            writer.writerow(["" if record.get(n) is None else cell(record.get(n)) for n in names])
    return target


def write_sqlite(out_dir: Path) -> Path:
    """``results.sqlite`` with one table per JSONL file; return its path."""
    target = Path(out_dir) / SQLITE_FILE
    with replacing(target) as tmp:
        db = sqlite3.connect(tmp)
        try:
            for table, (_, names, key) in TABLES.items():
                cols = ", ".join(
                    f'"{n}" {"INTEGER" if n in INTEGER_FIELDS else "TEXT"}'
                    f'{" PRIMARY KEY" if n == key else ""}' for n in names)
                db.execute(f'CREATE TABLE "{table}" ({cols})')
                marks = ", ".join("?" for _ in names)
                db.executemany(f'INSERT INTO "{table}" VALUES ({marks})',
                               ([cell(r.get(n)) for n in names]
                                for r in records(out_dir, table)))
            for table, column in INDEXES:
                db.execute(f'CREATE INDEX "{table}_{column}" ON "{table}" ("{column}")')
            db.commit()
        finally:
            db.close()
    return target


def write_formats(out_dir: str | Path, formats: Sequence[str]) -> list[Path]:
    """Write the non-JSONL ``formats`` of an output folder whose JSONL files are written;
    return the files written, in order."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    if "csv" in formats:
        written += [write_csv(out_dir, table) for table in TABLES]
    if "sqlite" in formats:
        written.append(write_sqlite(out_dir))
    return written


def published_formats(out_dir: str | Path) -> tuple[str, ...]:
    """The formats whose files ``out_dir`` holds now (links into the current set, or plain
    files an older version wrote beside it); JSONL only when there are none."""
    return tuple(f for f in FORMATS if f == "jsonl"
                 or all((Path(out_dir) / name).exists() for name in files_for((f,))))


def files_for(formats: Sequence[str]) -> list[str]:
    """The file names ``write_formats`` writes for ``formats`` (for messages and docs)."""
    names = [f"{t}.csv" for t in TABLES] if "csv" in formats else []
    return names + ([SQLITE_FILE] if "sqlite" in formats else [])
