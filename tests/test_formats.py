"""CSV and SQLite copies of the output: the same records and fields as the JSONL files."""
from __future__ import annotations

import csv
import json
import os
import sqlite3
import stat

import pytest
from test_incidents import load, singleton_stories

from newsdedup.formats import SQLITE_FILE, TABLES, FormatError, files_for, parse_formats, write_formats
from newsdedup.output import write_all_outputs
from pipelines.records import Location, Reject


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    articles = load("dev")[0]
    articles[0].title = 'A "quoted", comma\nand newline title'  # CSV quoting
    articles[1].fetched_at = "2026-03-10T00:00:00Z"
    for article in articles:
        article.story_id = "s" + article.id
    rejects = [Reject(Location("dump/a.jsonl", line=3), "malformed-json", "column 7"),
               Reject(Location("dump/b.warc.gz", offset=1024, member="https://x.example/1"),
                      "http-status", "404", url="https://x.example/1")]
    path = tmp_path_factory.mktemp("out")
    old = os.umask(0o022)
    try:
        write_all_outputs(path, articles, singleton_stories(articles), rejects)
        write_formats(path, ("jsonl", "csv", "sqlite"))
    finally:
        os.umask(old)
    return path


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def decoded(value: str, like):
    """A CSV cell back to the JSONL value it came from (lists and objects are JSON text)."""
    if value == "":
        return None
    if isinstance(like, (list, dict)):
        return json.loads(value)
    return int(value) if isinstance(like, int) else value


@pytest.mark.parametrize("table", list(TABLES))
def test_csv_has_the_jsonl_records_and_fields(out, table):
    expected = jsonl(out / TABLES[table][0])
    assert expected  # every table has rows here
    with (out / f"{table}.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for record in expected:  # every JSONL field is a column, none more
        assert set(record) <= set(header)
    assert len(rows) - 1 == len(expected)
    for row, record in zip(rows[1:], expected):
        got = dict(zip(header, row))
        assert {k: decoded(got[k], v) for k, v in record.items()} == record


def test_sqlite_has_the_jsonl_records(out):
    db = sqlite3.connect(out / SQLITE_FILE)
    for table, (name, _, _) in TABLES.items():
        expected = jsonl(out / name)
        cursor = db.execute(f'SELECT * FROM "{table}"')
        header = [c[0] for c in cursor.description]
        rows = [dict(zip(header, r)) for r in cursor]
        assert len(rows) == len(expected)
        for row, record in zip(rows, expected):
            assert {k: json.loads(row[k]) if isinstance(v, (list, dict)) else row[k]
                    for k, v in record.items()} == record
    # SQL an analyst would write: stories with their articles' titles
    joined = db.execute("SELECT s.story_id, a.title FROM stories s JOIN articles a "
                        "ON a.story_id = s.story_id ORDER BY s.story_id LIMIT 1").fetchone()
    assert joined[0].startswith("s")


def test_same_input_same_bytes_and_readable_mode(out, tmp_path):
    for name in files_for(("csv", "sqlite")):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o644
    first = {n: (out / n).read_bytes() for n in files_for(("csv", "sqlite"))}
    write_formats(out, ("csv", "sqlite"))
    assert {n: (out / n).read_bytes() for n in first} == first
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_format_names():
    assert parse_formats("csv") == ("jsonl", "csv")
    assert parse_formats("sqlite, JSONL,csv") == ("jsonl", "csv", "sqlite")
    with pytest.raises(FormatError, match="'parquet'"):
        parse_formats("jsonl,parquet")
