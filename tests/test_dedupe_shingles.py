"""dedupe.stories.shingles: the vectorised hashes equal a plain-Python reading of the documented definition."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from dedupe.stories import shingles as sh
from dedupe.stories.shingles import shingle_batch, shingle_hashes, shingle_hashes_many

M = (1 << 64) - 1


def ref_class(ch: str) -> int:
    cp = ord(ch)
    if any(lo <= cp <= hi for lo, hi in sh.CJK_RANGES):
        return sh.CJK
    return sh.WORD if ch.isalnum() else sh.SEP


def ref_tokens(text: str) -> list[tuple[int, bool]]:
    """(token hash, is CJK) in text order, one Python int at a time."""
    out, i = [], 0
    while i < len(text):
        cls = ref_class(text[i])
        if cls == sh.CJK:
            out.append((sh.mix64_int(ord(text[i]) + sh.CJK_SALT), True))
            i += 1
        elif cls == sh.WORD:
            j = i
            while j < len(text) and ref_class(text[j]) == sh.WORD:
                j += 1
            raw = sum(ord(c) * pow(sh.WORD_BASE, k, 1 << 64) for k, c in enumerate(text[i:j])) & M
            out.append((sh.mix64_int(raw ^ (((j - i) * sh.LEN_SALT) & M)), False))
            i = j
        else:
            i += 1
    return out


def ref_window(tokens: list[int]) -> int:
    h = sh.mix64_int(len(tokens))
    for t in tokens:
        h = (h * sh.WINDOW_MULT + t) & M
    return sh.mix64_int(h)


def ref_shingles(text: str, cjk_n: int = sh.CJK_N, word_n: int = sh.WORD_N) -> np.ndarray:
    toks = ref_tokens(text)
    hashes = [t for t, _ in toks]
    out = set()
    for i, (_, is_cjk) in enumerate(toks):
        n = cjk_n if is_cjk else word_n
        if i + n <= len(toks):
            out.add(ref_window(hashes[i:i + n]))
    if toks and not out:
        out.add(ref_window(hashes))
    return np.array(sorted(out), dtype=np.uint64)


SAMPLES = [
    "据新华社北京3月5日电 国务院总理在政府工作报告中提出 今年国内生产总值增长预期目标为5 左右",
    "the quick brown fox jumps over the lazy dog while the dog sleeps",
    "苹果公司 ceo 库克 周二在 iphone 15 pro 发布会上表示 新机将于9月22日上市",
    "a b",  # fewer tokens than word_n: one shingle of everything
    "中国",
    "",
    "   ,,, ---   ",
    "東京 ひらがな カタカナ 서울 뉴스 café naïve 2024年",
    "x" * 300 + " " + "long words " * 5,
]


@pytest.mark.parametrize("text", SAMPLES)
def test_vectorised_equals_reference(text):
    assert np.array_equal(shingle_hashes(text), ref_shingles(text))


@pytest.mark.parametrize("cjk_n,word_n", [(1, 1), (2, 5), (6, 2)])
def test_other_sizes_equal_reference(cjk_n, word_n):
    text = SAMPLES[2]
    assert np.array_equal(shingle_hashes(text, cjk_n=cjk_n, word_n=word_n),
                          ref_shingles(text, cjk_n, word_n))


def test_output_is_unique_sorted_uint64_and_batch_matches_single():
    many = shingle_hashes_many(SAMPLES)
    for text, got in zip(SAMPLES, many):
        assert got.dtype == np.uint64
        assert np.all(got[1:] > got[:-1])
        assert np.array_equal(got, shingle_hashes(text))
    assert len(many[5]) == 0 and len(many[6]) == 0  # no tokens, no shingles
    assert len(many[3]) == 1 and len(many[4]) == 1


def test_batch_chunks_do_not_change_results(monkeypatch):
    texts = [SAMPLES[i % 4] + f" item {i}" for i in range(50)]
    whole = shingle_batch(texts)
    monkeypatch.setattr(sh, "_CHUNK_CHARS", 64)  # force many chunks
    chunked = shingle_batch(texts)
    assert np.array_equal(whole.hashes, chunked.hashes)
    assert np.array_equal(whole.offsets, chunked.offsets)
    assert np.array_equal(whole.token_pos, chunked.token_pos)


def test_token_positions_count_tokens_not_characters():
    batch = shingle_batch(["alpha beta gamma delta", "一二三四五"], cjk_n=2, word_n=2)
    assert batch.token_pos[:3].tolist() == [0, 1, 2]
    assert batch.token_pos[3:].tolist() == [0, 1, 2, 3]


def test_spacing_and_punctuation_between_cjk_characters_do_not_matter():
    assert np.array_equal(shingle_hashes("法院 审理 认为"), shingle_hashes("法院审理认为"))
    assert not np.array_equal(shingle_hashes("court ruled today"), shingle_hashes("courtruled today"))


def test_deterministic_across_processes():
    code = ("from dedupe.stories.shingles import shingle_hashes; import sys; "
            "sys.stdout.write(shingle_hashes(sys.argv[1]).tobytes().hex())")
    text = SAMPLES[2]
    out = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True,
                         check=True, env={"PYTHONHASHSEED": "123"}, cwd=sh.__file__.rsplit("/", 2)[0])
    assert out.stdout == shingle_hashes(text).tobytes().hex()


def test_pinned_values_guard_persisted_state():
    # Persisted signatures depend on these exact hashes: changing the definition needs a new
    # sketch scheme name, not a silent change.
    assert shingle_hashes("新华社北京").tolist() == [17565075878431847218, 18003118590982971165]
    assert shingle_hashes("breaking news today").tolist() == [5700488052095902903]


def test_distinct_counts_equal_per_text_unique_counts():
    from dedupe.stories.shingles import _DISTINCT_CHUNK, distinct_counts
    rng = np.random.default_rng(8)
    sizes = [0, 5, 0, 300, 2 * _DISTINCT_CHUNK + 17, 1, 0, 4000] + rng.integers(0, 900, 200).tolist()
    groups = [rng.integers(0, max(1, s // 2) + 1, s).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
              for s in sizes]  # about half of every group repeats
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    got = distinct_counts(np.concatenate(groups), offsets)
    assert got.tolist() == [len(np.unique(g)) for g in groups]
