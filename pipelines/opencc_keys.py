"""What an OpenCC conversion can change, read from its own dictionaries (the ``.ocd2`` files
of the installed ``opencc`` package: a MARISA trie of keys, then their values).

``language.chinese_script`` counts the characters t2s changes in a text; a character no
dictionary of t2s changes (at any place of any key) can never be one of them, so counting a
text's "changeable" characters bounds that count without converting (t2s was most of a
Chinese text's language decision).

File layout (OpenCC ``MarisaDict`` / ``SerializedValues``, format 0.2.5): the header, the
trie (as ``marisa::Trie`` writes it), then ``uint32`` items and ``uint32`` bytes of values,
the values (UTF-8, each ended by NUL), and per item (in key-id order) a ``uint16`` count
and a ``uint16`` length per value. OpenCC converts with an entry's first value.
"""
from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

OCD2_HEADER = b"OPENCC_MARISA_0.2.5"


def _share() -> Path:
    import opencc

    return Path(opencc.__file__).parent / "clib" / "share" / "opencc"


def read_ocd2(path: Path) -> dict[str, str]:
    """An ``.ocd2`` dictionary: key → the value OpenCC converts it to (its first value).
    Raises ``ValueError`` when the file is not of that layout."""
    import marisa_trie

    data = path.read_bytes()
    if not data.startswith(OCD2_HEADER):
        raise ValueError(f"{path}: not an OpenCC {OCD2_HEADER.decode()} dictionary")
    trie = marisa_trie.Trie()
    trie.frombytes(data[len(OCD2_HEADER):])
    offset = len(OCD2_HEADER) + len(trie.tobytes())
    items, total = struct.unpack_from("<II", data, offset)
    offset += 8
    buffer, offset = data[offset:offset + total], offset + total
    firsts: list[str] = []
    at = 0
    for _ in range(items):
        (count,) = struct.unpack_from("<H", data, offset)
        lengths = struct.unpack_from(f"<{count}H", data, offset + 2)
        offset += 2 + 2 * count
        firsts.append(buffer[at:at + lengths[0] - 1].decode("utf-8"))
        at += sum(lengths)
    if at != total or offset != len(data) or len(trie) != items:
        raise ValueError(f"{path}: values do not match the keys")
    return {key: firsts[item] for key, item in trie.items()}


def _files(node: object) -> Iterator[str]:
    """Every dictionary ``file`` named anywhere in an OpenCC config (groups nest)."""
    if isinstance(node, dict):
        if "file" in node:
            yield node["file"]
        for value in node.values():
            yield from _files(value)
    elif isinstance(node, list):
        for value in node:
            yield from _files(value)


@lru_cache(maxsize=None)
def changeable(config: str) -> frozenset[str] | None:
    """The characters conversion ``config`` (e.g. ``"t2s"``) can change: at an offset where
    some key of its dictionaries (normalisation and conversion) differs from its value. A
    conversion changes a text only at characters of this set, in place. ``None`` when that
    cannot be said: a key whose value has another length (positions would shift), or
    dictionaries not of the layout read here, or no marisa-trie (~10 ms for t2s)."""
    share = _share()
    try:
        names = sorted(set(_files(json.loads((share / f"{config}.json").read_text("utf-8")))))
        entries = [read_ocd2(share / name) for name in names]
    except (ImportError, OSError, ValueError, struct.error, UnicodeDecodeError):
        return None
    chars: set[str] = set()
    for entry in entries:
        for key, value in entry.items():
            if len(key) != len(value):
                return None
            chars.update(k for k, v in zip(key, value) if k != v)
    return frozenset(chars)
