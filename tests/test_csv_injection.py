"""articles.csv opened in Excel runs no formula: a text cell starting with = + - @, tab or CR
gets a leading ' (OWASP's CSV injection advice); the JSONL and SQLite keep the exact text."""
from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys

TITLES = ['=HYPERLINK("http://evil.example","click")', "+1+cmd|' /C calc'!A0", "-2+3",
          "@SUM(1+1)", "\tTabbed", "\rReturn", "Plain - title = fine"]
WORDS = "harbour council ferry fares winter timetable drivers strike budget mayor bridge river"


def test_formula_cells_are_neutralised_in_csv_only(tmp_path):
    rows = [{"url": f"https://x.example/{i}", "title": title,
             "text": " ".join(f"{w}{i}{k}" for k in range(8) for w in WORDS.split())}
            for i, title in enumerate(TITLES)]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "newsdedup.cli", "cluster", str(src), "--out",
                           str(out), "--quiet", "--format", "csv,sqlite",
                           "--extract-processes", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    exact = {json.loads(x)["url"]: json.loads(x)["title"]
             for x in (out / "articles.jsonl").read_text().splitlines()}
    assert set(exact) == {r["url"] for r in rows}
    with (out / "articles.csv").open(encoding="utf-8-sig", newline="") as fh:
        cells = {r["url"]: r["title"] for r in csv.DictReader(fh)}
    for url, title in exact.items():
        dangerous = title[:1] in ("=", "+", "-", "@", "\t", "\r")
        assert cells[url] == ("'" + title if dangerous else title), (url, title)
    assert sum(1 for t in exact.values() if t[:1] in "=+-@") >= 4
    with sqlite3.connect(out / "results.sqlite") as db:
        assert dict(db.execute("SELECT url, title FROM articles")) == exact


def test_tab_and_carriage_return_starts_are_neutralised_too():
    from newsdedup.formats import csv_cell
    assert [csv_cell(v) for v in ("\tx", "\rx", "-", "a=b", 12, -3)] == \
        ["'\tx", "'\rx", "'-", "a=b", 12, -3]
