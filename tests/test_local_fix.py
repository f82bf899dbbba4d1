"""pipelines.local_fix: ftfy's repair over the non-ASCII parts of a text equals ftfy's repair of
the whole text, on generated mojibake and, when ../shared is beside the repo, on every shared page
that reaches the repair."""
from __future__ import annotations

from pathlib import Path

import ftfy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import decode
from pipelines.local_fix import FIX_REACH, fix_locally, non_ascii_spans

EXTRACTION = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction"

# What mojibake is made of: UTF-8 read as Latin-1 / cp1252 / cp1251, lossy bytes, stray C1
# controls, the spaces and "?" ftfy's patterns read beside them, plus real non-ASCII text.
WORDS = ["café", "naïve", "—", "’", "“quoted”", "中文", "Ελλάδα", "Москва", "\ufffd", "\xa0", "€", "™",
         "à ", "À", "Å"]
MOJIBAKE = [w.encode("utf-8").decode(codec, errors="replace")
            for w in WORDS for codec in ("latin-1", "cp1252", "cp1251")]
PIECES = st.sampled_from(MOJIBAKE + WORDS + ["\x85", "\x9d", "Ã ", "Ã quele", "â€", "Ã?", "Ã\x1a",
                                            "\x00", "\x1a", "í\xa0\x80"])
ASCII = st.text(alphabet="abc xyz?<>/=\"'\n\t", min_size=0, max_size=30)


def both(text: str) -> tuple[str, str]:
    with decode._ftfy_is_mojibake():  # as repair_mojibake calls it
        return ftfy.fix_encoding(text), fix_locally(text, ftfy.fix_encoding)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ASCII, PIECES), min_size=1, max_size=12), ASCII)
def test_local_repair_is_ftfys_own(parts: list[tuple[str, str]], tail: str) -> None:
    text = "".join(a + b for a, b in parts) + tail
    whole, local = both(text)
    assert local == whole


def test_pages_of_markup_with_mojibake_far_apart() -> None:
    filler = "<p class='x'>" + "plain ascii text " * 40 + "</p>\n"
    for bad in MOJIBAKE:
        text = filler + "It" + bad + "s here" + filler + "and " + bad + filler
        whole, local = both(text)
        assert local == whole
        assert len(non_ascii_spans(text, FIX_REACH + 1)) >= 2  # cut into pieces indeed


def test_spans_cover_each_non_ascii_run_with_context() -> None:
    text = "a" * 20 + "é" + "b" * 30 + "ü" + "c" * 5 + "ß"
    assert non_ascii_spans(text, 3) == [(17, 24), (48, 58)]
    assert non_ascii_spans("ascii only", 3) == []


def test_shared_pages_that_reach_ftfy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every shared page the repair reads (decoded as a client that assumed Latin-1 would) gives
    ftfy's own answer."""
    from bench.extraction import load_pages

    if not EXTRACTION.exists():
        pytest.skip(f"{EXTRACTION} not present")
    calls = []
    monkeypatch.setattr(decode, "fix_locally", lambda text, fix: calls.append(text) or fix_locally(text, fix))
    for n, page in enumerate(load_pages(EXTRACTION.parents[1])):
        html = decode.decode_html(page.body).html
        for text in (html, page.body.decode("latin-1")) if n % 40 == 0 else (html,):
            try:
                decode.repair_mojibake(text)
            except Exception:  # noqa: BLE001 -- a reject is an answer too; compared below
                pass
    assert calls
    for text in calls:
        whole, local = both(text)
        assert local == whole
