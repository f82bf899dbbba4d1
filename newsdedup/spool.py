"""Article texts on disk while ``cluster`` holds its articles, so resident memory per article
is its small fields, not its text.

A run keeps every article until the end (stories and incidents need them all), and texts are
most of an article's weight (~2-6 KB each, against ~1 KB for the other fields). ``TextSpool``
appends each text to an unnamed temporary file (in ``$TMPDIR``; deleted when closed or when the
process exits) and ``SpooledArticle`` reads it back on each access of ``.text`` (one ``pread``:
microseconds). Everything else about the article is unchanged: it is an ``Article``, compares and
serialises like one, and pickles as a plain ``Article``.
"""
from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from pipelines.records import Article

# Lone surrogates can come in through JSON escapes ("\ud800"); they must survive the round trip.
_ERRORS = "surrogatepass"


class TextSpool:
    """An append-only file of UTF-8 texts addressed by (offset, length)."""

    def __init__(self, directory: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=directory, buffering=0)
        self._end = 0

    def put(self, text: str) -> tuple[int, int]:
        data = text.encode("utf-8", _ERRORS)
        os.pwrite(self._file.fileno(), data, self._end)
        ref = (self._end, len(data))
        self._end += len(data)
        return ref

    def get(self, offset: int, length: int) -> str:
        return os.pread(self._file.fileno(), length, offset).decode("utf-8", _ERRORS)

    @property
    def nbytes(self) -> int:
        """Bytes on disk."""
        return self._end

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "TextSpool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# Fields a run repeats across its articles (a few hundred outlets and days): each arrives from
# the worker pool as its own string (~60 bytes); shared, they cost ~150 bytes less an article
# (30 MB of the 200,000-article run's peak, ``bench.whole``).
_REPEATED = ("site", "published", "published_source", "lang", "script")


class SpooledArticle(Article):
    """An ``Article`` whose ``text`` lives in a ``TextSpool`` (valid while the spool is open)."""

    @property  # type: ignore[override]
    def text(self) -> str:
        stored = self.__dict__["_text"]
        if isinstance(stored, str):
            return stored
        return self.__dict__["_spool"].get(stored >> 32, stored & 0xFFFFFFFF)

    @text.setter
    def text(self, value: str) -> None:
        self.__dict__["_text"] = value

    @classmethod
    def of(cls, article: Article, spool: TextSpool) -> "SpooledArticle":
        """``article`` with its text moved to ``spool``."""
        spooled = cls.__new__(cls)
        spooled.__dict__.update(article.__dict__)
        del spooled.__dict__["text"]
        for name in _REPEATED:  # one string per distinct value, not one per article
            value = spooled.__dict__[name]
            if type(value) is str:
                spooled.__dict__[name] = sys.intern(value)
        offset, length = spool.put(article.text)
        if length > 0xFFFFFFFF:  # inputs stop at 10 MB a document: never, but not silently
            raise ValueError(f"a text of {length:,} bytes: over the spool's 4 GB a text")
        # one int, not a tuple of three objects: ~80 bytes less an article
        spooled.__dict__["_spool"] = spool
        spooled.__dict__["_text"] = offset << 32 | length
        return spooled

    def _fields(self) -> tuple:
        return tuple(getattr(self, f.name) for f in dataclasses.fields(Article))

    def __eq__(self, other: object) -> bool:
        """Equal to a plain ``Article`` with the same fields (dataclass equality wants the
        same class)."""
        if not isinstance(other, Article):
            return NotImplemented
        return self._fields() == tuple(getattr(other, f.name) for f in dataclasses.fields(Article))

    __hash__ = None  # type: ignore[assignment]  # mutable, like Article

    def __reduce__(self):
        return Article, self._fields()


class SpooledEvidence(MutableMapping):
    """Article id → incident evidence, kept as encoded lines in a ``TextSpool``: the evidence
    the worker pool extracts (``cluster``) waits on disk for the incident stage, ~100 bytes
    resident per article instead of its keys and surfaces as Python objects (~10 KB)."""

    def __init__(self, spool: TextSpool, encode: Callable[[Any], str],
                 decode: Callable[[str], Any]) -> None:
        self._spool, self._encode, self._decode = spool, encode, decode
        self._refs: dict[str, tuple[int, int]] = {}

    def put_encoded(self, key: str, line: str) -> None:
        """Store evidence already encoded (by a worker process)."""
        self._refs[key] = self._spool.put(line)

    def __getitem__(self, key: str) -> Any:
        return self._decode(self._spool.get(*self._refs[key]))

    def __setitem__(self, key: str, value: Any) -> None:
        self.put_encoded(key, self._encode(value))

    def __delitem__(self, key: str) -> None:
        del self._refs[key]  # the bytes stay in the spool until it closes

    def __iter__(self) -> Iterator[str]:
        return iter(self._refs)

    def __len__(self) -> int:
        return len(self._refs)
