"""Settings are checked before any work: ``crawl --set KEY=JSON`` with an unknown key or a value
of the wrong type or range, and negative process counts, are one line and exit 2 (they were
taken silently: a misspelt key ignored, a string delay made a crawl that fetched nothing and
exited 0). The settings file's own checks are in test_config.py."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import scrapy

from crawler import settings as project_settings
from crawler.overrides import SettingError, check_overrides, known_defaults

ROOT = Path(__file__).resolve().parents[1]


def newsdedup(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdedup", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("setting, words", [
    ("DOWNLOAD_DELAYY=0", ["unknown setting", "did you mean DOWNLOAD_DELAY?"]),
    ('DOWNLOAD_DELAY="abc"', ["expected a number", "'abc'"]),
    ("DOWNLOAD_DELAY=-1", ["must be ≥ 0"]),
    ("CONCURRENT_REQUESTS=0", ["must be > 0"]),
    ('AUTOTHROTTLE_ENABLED="no"', ["expected true/false"]),
    ("RETRY_HTTP_CODES=500", ["expected a list"]),
    ("NEWSDEDUP_COMMIT_ITEMS=null", ["expected a number", "got null"]),
    ('NEWSDEDUP_EXTRACT_PROCESSES="2"', ["expected a number"]),
])
def test_a_bad_set_is_one_line_and_exit_2_before_any_work(tmp_path, setting, words):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "X"\nallowed_domains = ["127.0.0.1"]\n'
                       'feeds = ["http://127.0.0.1:9/rss.xml"]\n', encoding="utf-8")
    result = newsdedup("crawl", "--sources", str(sources), "--out", str(tmp_path / "out"),
                       "--set", setting)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    key = setting.split("=")[0]
    assert line.startswith(f"newsdedup: --set {key}: ")
    assert all(word in line for word in words), line
    assert not (tmp_path / "out").exists()  # nothing created, nothing fetched


@pytest.mark.parametrize("args", [
    ("cluster", "samples/dump", "--extract-processes", "-1"),
    ("cluster", "samples/dump", "--extract-processes", "two"),
    ("crawl", "--sources", "samples/sources.toml", "--workers", "0"),
    ("crawl", "--sources", "samples/sources.toml", "--extract-processes", "-2"),
])
def test_process_counts_are_checked(tmp_path, args):
    result = newsdedup(*args, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert re.search(r"argument --(extract-processes|workers): ('.*' is not a whole number|must "
                     r"be ≥ \d)", result.stderr), result.stderr
    assert not (tmp_path / "out").exists()


def test_every_shipped_value_and_the_ones_tests_and_bench_set_pass():
    from bench.crawl_bench import BENCH_SETTINGS
    from netfixture.harness import FAST_SETTINGS

    shipped = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    # through JSON, as --set passes them (tuples become lists)
    check_overrides(json.loads(json.dumps(shipped, default=list)))
    check_overrides({**FAST_SETTINGS, **BENCH_SETTINGS, "ITEM_PIPELINES": {},
                     "NEWSDEDUP_EXTRACT_PROCESSES": None, "DEPTH_PRIORITY": -1,
                     "LOG_ENABLED": False, "LOG_LEVEL": "DEBUG", "JOBDIR": "state"})
    with pytest.raises(SettingError, match="unknown setting"):
        check_overrides({"download_delay": 1})  # Scrapy's keys are upper case


def test_every_key_scrapy_reads_is_known():
    """A Scrapy upgrade that reads a key its default_settings lacks must not make --set refuse
    it: the keys Scrapy's own code reads are all known (UNLISTED names the exceptions)."""
    pattern = re.compile(r"settings(?:\.get[a-z]*\(|\[)\s*['\"]([A-Z][A-Z0-9_]+)['\"]")
    read = {key for path in Path(scrapy.__file__).parent.rglob("*.py")
            for key in pattern.findall(path.read_text(encoding="utf-8"))}
    assert len(read) > 100
    assert read - set(known_defaults()) == set()
