"""ftfy's ``fix_encoding`` run over the non-ASCII parts of a text only, with the same result.

A page an HTTP client mis-decoded is mostly ASCII markup; ftfy's repair runs a dozen regex passes
over the whole text (0.1-0.5 s for a 250-600 KB page: 1.7 s of the 791 shared pages' 27 s of
trafilatura, on 10 pages). Every step of it either looks at the set of characters present (which
single-byte codecs could have made the text) or rewrites matches that hold a non-ASCII character
and reach at most ``FIX_REACH`` characters beside it (ftfy 6.x: ``A_GRAVE_WORD_RE`` looks 7 bytes
past its Ã, the badness pattern 7 characters, the others 3). ASCII far from any non-ASCII character
is therefore never changed and never changes a decision, so the text is cut into the runs of
non-ASCII characters with ``FIX_REACH`` + 1 characters either side, joined by NUL, repaired in one
call, and spliced back. The ASCII byte 0x1A (SUBSTITUTE) is the exception (ftfy reads it as a lost
byte wherever it is), and a repair that makes a NUL cannot be cut apart again: those texts, and any
whose pieces do not come back one for one, are repaired whole."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

FIX_REACH = 7
_JOIN = "\0"


def non_ascii_spans(text: str, context: int) -> list[tuple[int, int]]:
    """``[(start, end), …]`` character offsets of every run of non-ASCII characters of ``text``
    with ``context`` characters either side (clipped to the text), runs closer than that merged;
    [] for ASCII text."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    high = np.flatnonzero(codes >= 0x80)
    if not len(high):
        return []
    gaps = np.flatnonzero(np.diff(high) > 2 * context)
    starts = np.maximum(np.concatenate(([high[0]], high[gaps + 1])) - context, 0).tolist()
    ends = np.minimum(np.concatenate((high[gaps], [high[-1]])) + context + 1, len(text)).tolist()
    return list(zip(starts, ends))


def fix_locally(text: str, fix: Callable[[str], str], reach: int = FIX_REACH) -> str:
    """``fix(text)`` for a ``fix`` that is local (``fix_encoding``: see the module docstring),
    computed on the non-ASCII parts of ``text`` only."""
    if _JOIN in text or "\x1a" in text:
        return fix(text)
    spans = non_ascii_spans(text, reach + 1)
    if not spans:
        return fix(text)
    fixed = fix(_JOIN.join(text[start:end] for start, end in spans)).split(_JOIN)
    if len(fixed) != len(spans):
        return fix(text)
    out, done = [], 0
    for (start, end), piece in zip(spans, fixed):
        out += (text[done:start], piece)
        done = end
    out.append(text[done:])
    return "".join(out)
