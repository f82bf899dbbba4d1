"""The README's "Python API" example runs as written (taken from README.md, not copied here)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import newsdedup

REPO = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    """The first ```python block of the README's "## Python API" section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "no python block in the README's Python API section"
    return match.group(1)


def test_public_api_names_exist():
    for name in newsdedup.__all__:
        assert getattr(newsdedup, name) is not None, name
    assert callable(newsdedup.crawl) and callable(newsdedup.explain)


def test_readme_python_api_example_runs(tmp_path, monkeypatch, capsys):
    (tmp_path / "samples").symlink_to(REPO / "samples")
    monkeypatch.chdir(tmp_path)
    exec(compile(readme_example(), "README.md (Python API)", "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out
    out = tmp_path / "output"
    articles = [json.loads(line) for line in (out / "articles.jsonl").read_text("utf-8").splitlines()]
    stories = [json.loads(line) for line in (out / "stories.jsonl").read_text("utf-8").splitlines()]
    assert re.search(rf"^{len(articles)} articles, {len(stories)} stories, \d+ incidents$",
                     printed, re.M)
    assert "=> same story" in printed  # explain on two copies of the biggest story
    assert (out / "report.html").stat().st_size > 0
    assert printed.rstrip().splitlines()[-1].startswith("1 story: ")  # two hosts, one text
