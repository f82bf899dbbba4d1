"""The parsed dictionary cache: same value as parsing, same bytes whoever writes it, and any
trouble falls back to parsing."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field

import pytest

from pipelines.lexicon_cache import cache_dir, cached_dataclass


@dataclass
class Small:
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    words: frozenset[str] = frozenset()
    limit: int = 1
    hook: object = None


CALLS = []


def _parse() -> Small:
    CALLS.append(1)
    return Small({"杭州": ("hangzhou",), "虞": ("yu", "wu")}, frozenset({"法院", "court", "a"}), 4,
                 hook=print)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDEDUP_CACHE_DIR", str(tmp_path / "cache"))
    CALLS.clear()
    return tmp_path / "cache"


def test_second_call_reads_the_cache_and_equals_the_parse(cache):
    first = cached_dataclass(Small, _parse, "v1", skip=("hook",))
    second = cached_dataclass(Small, _parse, "v1", skip=("hook",))
    assert len(CALLS) == 1 and cache_dir() == cache
    assert (second.names, second.words, second.limit) == (first.names, first.words, first.limit)
    assert isinstance(second.words, frozenset) and second.names["虞"] == ("yu", "wu")
    assert second.hook is None  # skipped fields come back at their default
    cached_dataclass(Small, _parse, "v2", skip=("hook",))  # another key: parsed again
    assert len(CALLS) == 2 and len(list(cache.iterdir())) == 2


def test_damaged_or_unwritable_cache_falls_back_to_parsing(cache, tmp_path, monkeypatch):
    cached_dataclass(Small, _parse, "v1", skip=("hook",))
    (path,) = cache.iterdir()
    path.write_text('{"names": ', encoding="utf-8")
    assert cached_dataclass(Small, _parse, "v1", skip=("hook",)).limit == 4
    assert len(CALLS) == 2
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NEWSDEDUP_CACHE_DIR", str(blocker / "cache"))
    assert cached_dataclass(Small, _parse, "v1", skip=("hook",)).words == _parse().words


def test_cedict_cache_equals_the_parse_and_is_byte_identical_across_processes(tmp_path):
    """Two fresh interpreters (different string hash seeds) write the same file, and the
    lexicon read back equals a direct parse."""
    script = (
        "import gzip, importlib.resources\n"
        "from dataclasses import fields\n"
        "from pipelines.incidents import CEDICT_PACKAGE, CEDICT_RESOURCE, load_lexicon, "
        "parse_cedict\n"
        "cached = load_lexicon()\n"
        "res = importlib.resources.files(CEDICT_PACKAGE).joinpath(CEDICT_RESOURCE)\n"
        "with res.open('rb') as raw, gzip.open(raw, 'rt', encoding='utf-8') as lines:\n"
        "    parsed = parse_cedict(lines)\n"
        "bad = [f.name for f in fields(parsed) if f.name != 'pinyin'\n"
        "       and getattr(parsed, f.name) != getattr(cached, f.name)]\n"
        "assert not bad and cached.pinyin is not None, bad\n")
    digests = []
    for seed, folder in (("1", "a"), ("2", "b")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "NEWSDEDUP_CACHE_DIR": str(tmp_path / folder)}
        for _ in range(2):  # the first run writes the cache, the second reads it
            subprocess.run([sys.executable, "-c", script], check=True, env=env)
        (path,) = (tmp_path / folder).iterdir()
        digests.append(path.read_bytes())
    assert digests[0] == digests[1]


def test_jieba_dictionary_cache_is_per_user_not_shared_tmp(tmp_path):
    """wordfreq segments Chinese with jieba, which caches its parsed dictionary as
    /tmp/jieba.u<digest>.cache — one file for every user of the machine, so a second user got a
    PermissionError traceback on stderr on every run. It is kept in our cache folder instead,
    and the rarity of a Chinese key is the same either way."""
    script = ("from pipelines.incidents import background_rarity\n"
              "print(background_rarity('ent:杭州', '杭州'))\n")
    env = {**os.environ, "NEWSDEDUP_CACHE_DIR": str(tmp_path / "cache"),
           "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    runs = [subprocess.run([sys.executable, "-c", script], check=True, env=env,
                           capture_output=True, text=True) for _ in range(2)]
    assert [r.stdout for r in runs][0] == runs[1].stdout and float(runs[0].stdout) < 1.0
    assert [p.name for p in (tmp_path / "cache").glob("jieba.*.cache")]
    assert not list((tmp_path / "tmp").glob("jieba*"))
    assert "Traceback" not in runs[0].stderr + runs[1].stderr
