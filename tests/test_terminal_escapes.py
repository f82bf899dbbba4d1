"""Scraped text never reaches a terminal raw: escape sequences in titles are shown escaped by
the `cluster` summary and by `explain`."""
from __future__ import annotations

import json

from newsdedup.cli import main
from newsdedup.terminal import terminal_safe

TITLE = "Ferry strike \x1b]0;owned\x07 ends \x1b[2J\x9b31m \u202etxt.exe"
TEXT = " ".join(f"the harbour ferry crews ended their strike on day {i % 9} after talks" for i in range(30))


def test_terminal_safe_escapes_controls_keeps_text():
    assert terminal_safe("a\x1bb\tc\nd\u202e中文") == "a\\x1bb\tc\nd\\u202e中文"


def test_cluster_summary_and_explain_print_no_escape_sequences(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"url": f"https://n{i}.example/ferry", "title": TITLE,
                                       "text": TEXT}) + "\n" for i in range(2)))
    assert main(["cluster", str(src), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "biggest stories" in err and "\\x1b]0;owned\\x07" in err
    assert not any(c in err for c in "\x1b\x07\x9b\u202e")
    ids = [json.loads(x)["id"] for x in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()]
    assert main(["explain", ids[0], ids[1], "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "\\x1b[2J" in out and not any(c in out for c in "\x1b\x07\x9b\u202e")
