"""Checks of per-run setting overrides (``newsdedup crawl --set KEY=JSON``, ``crawl(settings=)``)
before any work: Scrapy takes any key and reads a value only when a component asks for it, so a
misspelt key was silently ignored and a wrong type ended the crawl later without a word (a
string delay: no request made, exit 0).

A key must be one of Scrapy's settings (``scrapy.settings.default_settings``, which lists every
key Scrapy 2.19 reads but two) or of ``crawler/settings.py``. A value must have the shape of the
key's default: a number for a number (≥ 0, except the ``*PRIORITY*`` keys; ≥ 1 for the
concurrency and batch sizes in POSITIVE), true/false for a flag, a string for a string, a list
or dict (or Scrapy's comma / JSON string form) for a list or dict. A key whose default is None
takes what NULLABLE says, or anything; null unsets a string, list or dict, never a number or
flag (Scrapy would fail converting it).
"""
from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

# Keys Scrapy reads that default_settings does not list (found by scanning Scrapy's source).
UNLISTED = frozenset({"CONCURRENT_REQUESTS_PER_IP", "META_COPY_WARN_SKIP_KEYS"})
# Keys whose default is None: the type a value must have when it is not null.
NULLABLE: dict[str, type] = {
    "NEWSDEDUP_EXTRACT_PROCESSES": int, "NEWSDEDUP_WATCHLIST": str, "NEWSDEDUP_PROXY": str,
    "NEWSDEDUP_REDIS_URL": str, "NEWSDEDUP_RUN_ID": str, "NEWSDEDUP_WORKER_ID": str,
}
# Numbers for which 0 stops the crawl or makes no sense (no request in flight, empty batches).
POSITIVE = frozenset({"CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN",
                      "AUTOTHROTTLE_TARGET_CONCURRENCY", "NEWSDEDUP_COMMIT_ITEMS",
                      "NEWSDEDUP_HEARTBEAT_SECONDS"})


class SettingError(ValueError):
    """An override naming no known setting, or with a value of the wrong type or range."""


def known_defaults() -> dict[str, Any]:
    """Every settable key with its default: Scrapy's, then crawler/settings.py's over them."""
    from scrapy.settings import default_settings

    from crawler import settings as project

    defaults = {key: None for key in UNLISTED}
    for module in (default_settings, project):
        defaults.update({k: getattr(module, k) for k in dir(module) if k.isupper()})
    return defaults


def _kind(value: Any) -> str:
    return "null" if value is None else {bool: "true/false", int: "a number", float: "a number",
                                         str: "a string", list: "a list",
                                         dict: "an object"}.get(type(value), type(value).__name__)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_value(key: str, value: Any, default: Any) -> None:
    """SettingError unless ``value`` has the shape of ``default`` (see the module doc)."""
    if default is None:
        wanted = NULLABLE.get(key)
        if value is None or wanted is None:
            return
        default = wanted()
    elif value is None and not (_is_number(default) or isinstance(default, bool)):
        return  # Scrapy reads a null string, list or dict as unset
    if isinstance(default, bool):
        ok = isinstance(value, bool) or value in (0, 1)
    elif _is_number(default):
        ok = _is_number(value)
        if ok and value < 0 and "PRIORITY" not in key:
            raise SettingError(f"--set {key}: must be ≥ 0, got {value!r}")
        if ok and value <= 0 and key in POSITIVE:
            raise SettingError(f"--set {key}: must be > 0, got {value!r}")
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, (list, tuple)):
        ok = isinstance(value, (list, str))
    elif isinstance(default, dict):
        ok = isinstance(value, (dict, str))
    else:
        ok = True
    if not ok:
        got = "null" if value is None else f"{_kind(value)} {value!r}"
        raise SettingError(f"--set {key}: expected {_kind(default)} (JSON, e.g. "
                           f"{key}={_example(default)}), got {got}"[:300])


def _example(default: Any) -> str:
    """The default as JSON, or the shape of it when that is long."""
    text = json.dumps(list(default) if isinstance(default, tuple) else default,
                      ensure_ascii=False)
    if len(text) <= 40:
        return text
    return {list: "[...]", tuple: "[...]", dict: "{...}", str: '"..."'}.get(type(default), "...")


def check_overrides(overrides: Mapping[str, Any]) -> None:
    """Raise SettingError for the first override that names no setting (with the nearest known
    names) or whose value does not fit the setting."""
    defaults = known_defaults()
    for key, value in overrides.items():
        if key not in defaults:
            near = difflib.get_close_matches(key.upper(), defaults, n=1)
            hint = f"; did you mean {near[0]}?" if near else ""
            raise SettingError(f"--set {key}: unknown setting (not one of Scrapy's or "
                               f"crawler/settings.py's){hint}")
        check_value(key, value, defaults[key])
