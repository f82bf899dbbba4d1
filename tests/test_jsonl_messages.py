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


def test_an_unterminated_string_and_a_blank_text_say_what_they_are(tmp_path):
    """A string left open at the end of its line was "Invalid control character" (json read
    the line break as part of it); a ``text`` of whitespace alone, with no ``html``, was
    "too-short … after extraction" though nothing was extracted."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"url": "https://a.example/1", "text": TEXT}) + "\n"
                   + '{"url": "https://a.example/2", "text": "cut off here\n'
                   + '{"url": "https://a.example/3", "text": "cut off here\r\n'
                   + json.dumps({"url": "https://a.example/4", "text": " \n\t "}) + "\n"
                   + json.dumps({"url": "https://a.example/5", "title": "t"}) + "\n")
    out = tmp_path / "out"
    done = _cluster(out, b"", str(src))
    assert done.returncode == 0, done.stderr
    found = {r["line"]: (r["reason"], r["detail"]) for r in _rejects(out)}
    assert found[2][0] == found[3][0] == "malformed-json"
    assert found[2][1].startswith("Unterminated string") and found[3][1] == found[2][1]
    assert found[4] == ("missing-content", "'text' is blank and there is no 'html'")
    assert found[5] == ("missing-content", "neither 'html' nor 'text'")


def test_a_file_of_blank_lines_holds_no_document_and_a_list_url_is_a_bad_field(tmp_path):
    """A named file of blank lines was an unsupported-format reject (exit 5) where an empty
    file or empty stdin is no input (exit 3); a ``url`` that is a list was "missing-url"."""
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes(b"\n\n  \r\n")
    done = _cluster(tmp_path / "out", b"", str(blank))
    assert done.returncode == 3, done.stderr
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"url": "https://a.example/1", "text": TEXT}) + "\n"
                   + json.dumps({"url": ["https://a.example/2"], "text": TEXT}) + "\n")
    done = _cluster(tmp_path / "out2", b"", str(src))
    assert done.returncode == 0, done.stderr
    [reject] = _rejects(tmp_path / "out2")
    assert (reject["reason"], reject["detail"]) == ("bad-field", "'url' is a list")
