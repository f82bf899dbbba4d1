"""A linked sub-folder inside an input folder is read (real symlinks, a real `newsdedup
cluster`), and a link that loops back is a reject naming it, never silence or a hang."""
from __future__ import annotations

import json
import os
import subprocess
import sys

WORDS = "harbour council ferry fares winter timetable drivers strike budget mayor bridge river"


def _page(path, n: int) -> None:
    text = " ".join(f"{w}{n}{k}" for k in range(8) for w in WORDS.split())
    path.write_text(f"<html><head><title>Page {n}</title></head><body><article><h1>Page {n}"
                    f"</h1><p>{text}</p></article></body></html>")


def test_linked_sub_folder_is_read_and_loops_are_rejects(tmp_path):
    elsewhere = tmp_path / "html"
    elsewhere.mkdir()
    _page(elsewhere / "b.html", 2)
    top = tmp_path / "in"
    top.mkdir()
    _page(top / "a.html", 1)
    os.symlink("../html", top / "linked")
    os.symlink("..", top / "up")  # back to tmp_path: holds in/ itself and html/ again
    os.symlink("linked", top / "zlinked")  # a second link to html/
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "newsdedup.cli", "cluster", str(top), "--out",
                           str(out), "--extract-processes", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    articles = [json.loads(x) for x in (out / "articles.jsonl").read_text().splitlines()]
    assert sorted(a["title"] for a in articles) == ["Page 1", "Page 2"]
    rejects = [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]
    loops = sorted(json.dumps(r) for r in rejects if r["reason"] == "symlink-loop")
    assert len(loops) == 3, rejects  # zlinked (html/ again); up/in (the input); up/html
    assert any("zlinked" in r for r in loops) and any('up"' in r or "up/" in r for r in loops)
