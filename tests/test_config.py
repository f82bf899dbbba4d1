"""The settings file: every documented key loads into the object the stages take; anything
unknown or invalid is a clear error; the thresholds really reach the stages."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dedupe import IncidentConfig, StoryConfig
from newsdedup.config import SECTIONS, ConfigError, Settings, defaults_table, load_settings
from newsdedup.dump import cluster_dump

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newsdedup.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_keys_load_into_the_stage_objects(tmp_path):
    settings = load_settings(write(tmp_path, """
[output]
out = "results"
formats = ["csv", "sqlite"]
[cluster]
extract_processes = 3
[report]
tz = "Asia/Shanghai"
[matching]
jaccard_threshold = 0.6
min_shared_lead = 30
[incidents]
window_days = 14
min_score = 3
"""))
    assert settings.output.out == "results" and settings.output.formats == ("jsonl", "csv", "sqlite")
    assert settings.cluster.extract_processes == 3 and settings.report.tz == "Asia/Shanghai"
    assert isinstance(settings.matching, StoryConfig) and settings.matching.jaccard_threshold == 0.6
    assert settings.matching.min_shared_lead == 30
    assert settings.matching.containment_threshold == StoryConfig().containment_threshold
    assert isinstance(settings.incidents, IncidentConfig)
    assert (settings.incidents.window_days, settings.incidents.min_score) == (14, 3.0)
    assert load_settings(None) == Settings() == load_settings(write(tmp_path, ""))


@pytest.mark.parametrize("text, message", [
    ("[matching]\njacard_threshold = 0.6\n", r"unknown key 'jacard_threshold' in \[matching\]"),
    ("[matchin]\nx = 1\n", r"unknown section \[matchin\]"),
    ("[incidents]\nwindow_days = \"ten\"\n", r"\[incidents\] window_days: expected int"),
    ("[matching]\njaccard_threshold = 1.5\n", r"between 0 and 1"),
    ("[incidents]\nmin_anchors = 0\n", r"min_anchors must be ≥ 1"),
    ("[output]\nformats = [\"xlsx\"]\n", r"unknown format 'xlsx'"),
    ("[report]\ntz = \"Mars/Base\"\n", r"unknown time zone"),
    ("[cluster]\nextract_processes = true\n", r"expected int"),
    ("matching = 1\n", r"must be a \[matching\] table"),
    ("[matching\n", r"not valid TOML"),
    ("[matching]\njaccard_threshold = nan\n", r"jaccard_threshold: must be a finite number"),
    ("[matching]\ncontainment_threshold = nan\n", r"must be a finite number"),
    ("[incidents]\nmin_score = nan\n", r"min_score: must be a finite number"),
    ("[incidents]\nanchor_rarity = inf\n", r"must be a finite number"),
])
def test_bad_files_are_one_clear_error(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as err:
        load_settings(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "nope.toml")


def test_readme_table_lists_every_key_with_its_default():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `\[(\w+)\] (\w+)` \| `([^`]*)` \|", readme, re.M)
    documented = {(s, k): d for s, k, d in rows}
    expected = {(s, k): json.dumps(list(v) if isinstance(v, tuple) else v, ensure_ascii=False)
                for s, k, v in defaults_table()}
    assert documented == expected
    assert sum(len(keys) for keys in SECTIONS.values()) == len(expected)


def test_thresholds_reach_the_stages(tmp_path):
    """The incident rule from a file changes what cluster writes: with a score no pair reaches,
    every story is an incident of its own."""
    default = cluster_dump([str(ROOT / "samples" / "dump")], tmp_path / "a",
                           progress_stream=open("/dev/null", "w"))
    strict = load_settings(write(tmp_path, "[incidents]\nmin_score = 1000\n"))
    alone = cluster_dump([str(ROOT / "samples" / "dump")], tmp_path / "b", settings=strict,
                         progress_stream=open("/dev/null", "w"))
    assert default.incidents < len(default.stories)  # some stories are joined by default
    assert alone.incidents == len(alone.stories)
