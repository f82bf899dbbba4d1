"""Small JSONL messages, through a real `newsdedup cluster`: gzip piped on stdin says it is gzip
and how to pass it; json's "Invalid control character at" is not doubled; blank lines skipped."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys

TEXT = ("Officials in the northern district announced a new program to repair bridges damaged in "
        "the spring floods, with work starting next month and lasting two years. ") * 3


def _cluster(out, stdin: bytes, *inputs: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdedup.cli", "cluster", *inputs, "--out",
                           str(out), "--extract-processes", "1"], input=stdin,
                          capture_output=True, timeout=120)


def _rejects(out) -> list[dict]:
    path = out / "rejects.jsonl"
    if not path.exists():
        path = out / "rejects.unpublished.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_gzip_on_stdin_says_gzip_and_how_to_pass_it(tmp_path):
    rows = "".join(json.dumps({"url": f"https://a.example/{i}", "text": f"{i} {TEXT}"}) + "\n"
                   for i in range(50))
    out = tmp_path / "out"
    done = _cluster(out, gzip.compress(rows.encode()), "-")
    assert done.returncode == 5, done.stderr
    [reject] = _rejects(out)  # one reject, not one per binary "line"
    assert reject["reason"] == "unsupported-format"
    assert "gzip" in reject["detail"] and "zcat" in reject["detail"], reject


def test_control_character_message_and_blank_lines(tmp_path):
    src = tmp_path / "in.jsonl"
    bad = '{"url": "https://a.example/2", "text": "tab\there"}'
    src.write_text(json.dumps({"url": "https://a.example/1", "text": TEXT}) + "\n\n   \n" + bad
                   + "\n\n")
    out = tmp_path / "out"
    done = _cluster(out, b"", str(src))
    assert done.returncode == 0, done.stderr
    [reject] = _rejects(out)
    assert reject["reason"] == "malformed-json"
    assert reject["detail"].startswith("Invalid control character at column ")
    assert " at at " not in reject["detail"]
    assert "inputs read:      2" in done.stderr.decode()  # the blank lines are no inputs
