"""The settings file (TOML): thresholds and options in one object that is passed down.

``load_settings(path)`` reads a file such as::

    [output]
    formats = ["jsonl", "csv"]
    [matching]
    jaccard_threshold = 0.6
    [incidents]
    window_days = 14
    [report]
    tz = "Asia/Shanghai"

into a ``Settings`` (one frozen dataclass per section), which the commands hand to the stages
as they are (``matching`` is a ``dedupe.StoryConfig``, ``incidents`` a
``dedupe.incidents.IncidentConfig``), like trafilatura's ``config`` argument. Every key is
optional: a missing one keeps the default, the measured value documented beside it in
``dedupe/features.py`` and ``dedupe/incidents.py``. Any unknown section or key, a value of
the wrong type or out of range raises ``ConfigError`` naming the file and the key (the CLI
prints it on one line and exits 2). Options given on the command line win over the file.
The README's table lists every key; ``SECTIONS`` is that list.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dedupe import IncidentConfig, StoryConfig
from newsdedup.formats import FORMATS


class ConfigError(ValueError):
    """A settings file that cannot be used: unreadable, not TOML, an unknown key, a bad value."""


@dataclass(frozen=True)
class OutputSettings:
    out: str = "output"  # the output folder
    formats: tuple[str, ...] = ("jsonl",)  # any of FORMATS; JSONL is always written


@dataclass(frozen=True)
class ClusterSettings:
    extract_processes: int = 0  # extraction processes; 0 = all cores


@dataclass(frozen=True)
class ReportSettings:
    tz: str | None = None  # IANA zone for local times; None = the viewer's


@dataclass(frozen=True)
class Settings:
    """Everything a run can be told, each part as the stage that uses it takes it."""

    output: OutputSettings = field(default_factory=OutputSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    matching: StoryConfig = field(default_factory=StoryConfig)
    incidents: IncidentConfig = field(default_factory=IncidentConfig)


# section → the keys a file may set (sketch schemes and band layouts are left out: changing
# them makes a persisted story index incomparable, so they stay code).
SECTIONS: dict[str, tuple[str, ...]] = {
    "output": ("out", "formats"),
    "cluster": ("extract_processes",),
    "report": ("tz",),
    "matching": ("jaccard_threshold", "containment_threshold", "max_containment_ratio",
                 "min_containment_shingles", "lead_tokens", "lead_containment_threshold",
                 "min_shared_lead", "max_lead_shift"),
    "incidents": ("window_days", "min_score", "min_anchors", "anchor_rarity", "rarity_floor"),
}
# keys whose value is a share: 0 to 1 inclusive
SHARES = frozenset({"jaccard_threshold", "containment_threshold", "lead_containment_threshold",
                    "anchor_rarity"})


def _check(where: str, key: str, value: Any, default: Any) -> Any:
    """``value`` converted to the type of ``default``, or ConfigError."""
    if key == "formats":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: formats must be a list of names, e.g. [\"jsonl\", \"csv\"]")
        unknown = [v for v in value if v not in FORMATS]
        if unknown:
            raise ConfigError(f"{where}: unknown format {unknown[0]!r} "
                              f"(choose from {', '.join(FORMATS)})")
        return tuple(f for f in FORMATS if f in value or f == "jsonl")
    if key == "tz":
        if not isinstance(value, str):
            raise ConfigError(f"{where}: tz must be a string such as \"Asia/Shanghai\"")
        from newsdedup.report_data import zone  # the report's own check of a zone name

        try:
            zone(value)
        except ValueError as err:
            raise ConfigError(f"{where}: {err}") from err
        return value
    if isinstance(default, bool) or isinstance(value, bool):
        raise ConfigError(f"{where}: expected {type(default).__name__}, got {value!r}")
    if isinstance(default, float) and isinstance(value, (int, float)):
        value = float(value)
    if not isinstance(value, type(default)):
        raise ConfigError(f"{where}: expected {type(default).__name__}, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        # TOML's nan compares false with every bound, so it would pass the checks below and
        # stop the run later (a threshold cast to a band count); inf is no threshold either
        raise ConfigError(f"{where}: must be a finite number, got {value!r}")
    if isinstance(value, (int, float)) and value < 0:
        raise ConfigError(f"{where}: must be ≥ 0, got {value!r}")
    if key in SHARES and value > 1:
        raise ConfigError(f"{where}: a share, between 0 and 1, got {value!r}")
    return value


def settings_from(data: dict[str, Any], source: str = "settings") -> Settings:
    """``Settings`` from parsed TOML; ConfigError for anything unknown or invalid."""
    settings = Settings()
    for section, values in data.items():
        if section not in SECTIONS:
            raise ConfigError(f"{source}: unknown section [{section}] "
                              f"(known: {', '.join(SECTIONS)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: {section} must be a [{section}] table")
        current = getattr(settings, section)
        changes = {}
        for key, value in values.items():
            if key not in SECTIONS[section]:
                raise ConfigError(f"{source}: unknown key {key!r} in [{section}] "
                                  f"(known: {', '.join(SECTIONS[section])})")
            changes[key] = _check(f"{source}: [{section}] {key}", key, value,
                                  getattr(current, key))
        try:
            settings = replace(settings, **{section: replace(current, **changes)})
        except ValueError as err:  # a dataclass's own check (e.g. min_anchors ≥ 1)
            raise ConfigError(f"{source}: [{section}] {err}") from err
    return settings


def load_settings(path: str | Path | None) -> Settings:
    """The settings in the TOML file ``path`` (defaults for None). ConfigError if the file
    cannot be read or parsed, or holds an unknown key or a bad value."""
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the settings file ({err.strerror})") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from err
    return settings_from(data, str(path))


def defaults_table() -> list[tuple[str, str, Any]]:
    """(section, key, default) for every key a file may set, in SECTIONS order."""
    settings = Settings()
    return [(section, key, getattr(getattr(settings, section), key))
            for section, keys in SECTIONS.items() for key in keys]

