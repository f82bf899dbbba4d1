"""Paragraph rules: portal furniture dropped from trafilatura's text, one line at a time.

Every rule was measured with ``python -m bench.extraction`` (4-gram shingle F1, mean over
documents) on the shared sets; the number next to a rule is what removing it alone costs the
full pipeline (wce = chinese-wce-69, gne = gne-zh-news-pages vs GNE silver, sh =
scrapinghub-aeb, naeb = naeb-subset, evaldata = trafilatura-evaldata-en-zh segment F).
The phrases themselves are data in pipelines.boilerplate.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from pipelines import boilerplate as bp

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_SPACE = re.compile(r"\s+")
_STRUCTURE = ("- ", "|")  # trafilatura's list-item and table-row prefixes

@lru_cache(maxsize=4096)  # every rule keys the same lines again (~40 % of the rules' time)
def _key(line: str) -> str:
    return _SPACE.sub(" ", line).strip(" -|\u3000")


def drop_boilerplate_lines(lines: list[str]) -> list[str]:
    """Credit, editor, call-to-action and ad-label lines (bp.BOILERPLATE_LINES).
    wce +0.0007 (来源：…/编辑：…), naeb +0.0003 (Advertisement, CLICK HERE TO READ MORE),
    fundus-en +0.0001, sh +0.0001; gne -0.0007 (GNE's silver output keeps 责任编辑 lines)."""
    return [line for line in lines if not _is_boilerplate(line)]


def _is_boilerplate(line: str) -> bool:
    """The line, or every non-empty cell of a table row, is furniture (2005-era portals lay
    out their toolbars as table rows: "| 2005-04-05 06:40 来源：转载文章 | 打印本文 |")."""
    key = _key(line)
    if bp.BOILERPLATE_LINE_RE.match(key):
        return True
    if not line.lstrip().startswith("|"):
        return False
    cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", key) if cell.strip()]
    return bool(cells) and all(bp.BOILERPLATE_LINE_RE.match(cell) for cell in cells)


def is_headline(line: str) -> bool:
    key = _key(line)
    if _CJK.search(key):
        return len(key) <= bp.HEADLINE_MAX_CJK_CHARS
    return len(key.split()) <= bp.HEADLINE_MAX_WORDS


def drop_heading_lists(lines: list[str]) -> list[str]:
    """A "相关阅读"/"Related stories"-type heading and the run of headline lines after it.
    gne +0.040 (163/sina 热点新闻/热门推荐 lists), fundus-en +0.0005, naeb +0.0002."""
    out: list[str] = []
    in_list = False
    for line in lines:
        if bp.LIST_HEADING_RE.match(_key(line)):
            in_list = True
            continue
        if in_list and (not _key(line) or is_headline(line)):
            continue
        in_list = False
        out.append(line)
    return out


def drop_dated_lists(lines: list[str]) -> list[str]:
    """Lists of other stories that carry a timestamp per item, with or without a heading:
    single lines holding STAMPS_PER_LINE+ stamps (a list flattened into one line), and runs
    of DATED_RUN_MIN+ short dated lines ("- 标题 2019-09-07 15:05"). gne +0.018 (guancha
    小编最近文章 / 最新 lists), wce +0.0015 (BBS reply lists), sh +0.0001."""
    lines = [line for line in lines if len(bp.STAMP_RE.findall(line)) < bp.STAMPS_PER_LINE]
    return _drop_runs(lines, _is_dated_headline, bp.DATED_RUN_MIN)


def _drop_runs(lines: list[str], member: Callable[[str], bool], min_run: int) -> list[str]:
    """``lines`` without each run of ``min_run``+ consecutive lines for which ``member`` holds."""
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, None]:
        if line is not None and member(line):
            run.append(line)
            continue
        if len(run) < min_run:
            out.extend(run)
        run = []
        if line is not None:
            out.append(line)
    return out


def is_listing(lines: list[str]) -> bool:
    """LISTING_MIN_DATED+ timestamped lines and nearly every line headline-short: a channel or
    listing page (trafilatura puts a stamp on its own line or beside its headline)."""
    keys = [key for key in map(_key, lines) if key]
    if sum(1 for key in keys if bp.STAMP_RE.search(key)) < bp.LISTING_MIN_DATED:
        return False  # most pages: no need to measure every line
    short = sum(1 for key in keys if is_headline(key))
    return short >= bp.LISTING_SHORT_SHARE * len(keys)


def _is_dated_headline(line: str) -> bool:
    return bool(_key(line)) and bp.STAMP_RE.search(line) is not None and is_headline(bp.STAMP_RE.sub("", line))


def drop_repeated(lines: list[str]) -> list[str]:
    """Keep the first copy of a line seen exactly twice (caption + alt text, a block shown
    twice) or of any long repeated paragraph. Lines repeated 3+ times, list items and table
    rows are page structure (interview questions, spec lists, recipe steps) that the gold
    texts keep. sh +0.0003, naeb +0.0003, fundus-en +0.0001, wce -0.0001, gne -0.0002 —
    neutral on the gold sets and needed for repeated captions (tests/fixtures/extract).
    Dropping every repeat instead: sh -0.001, gne -0.006."""
    counts = Counter(_key(line) for line in lines)
    seen: set[str] = set()
    out = []
    for line in lines:
        key = _key(line)
        if key in seen and not line.lstrip().startswith(_STRUCTURE) and _is_stray_copy(key, counts[key]):
            continue
        seen.add(key)
        out.append(line)
    return out


def _is_stray_copy(key: str, count: int) -> bool:
    if len(key) >= bp.REPEAT_ALWAYS_CHARS:
        return True
    return count == 2 and len(key) >= bp.REPEAT_MIN_CHARS


def drop_comments(lines: list[str]) -> list[str]:
    """Reader comments: everything after a comment-section heading ("评论 3",
    "网友评论（12条）", "Comments (4)") once COMMENT_CUT_MIN_SHARE of the text came before
    it, flattened comment rows ("用户（03-10 10:36）：…") and like counts.
    Bundled sample: comments leaked on 5 of 37 pages → 0."""
    out: list[str] = []
    total = sum(len(_key(line)) for line in lines)
    before = 0
    for line in lines:
        key = _key(line)
        if bp.COMMENT_HEADING_RE.match(key):
            # the comment section follows the story; a "评论" link in a blog's top bar
            # (wce c38e2b2d: 0.993 → 0.0 when cut there) is just dropped
            if before >= bp.COMMENT_CUT_MIN_SHARE * total:
                break
            continue
        before += len(key)
        if bp.COMMENT_LINE_RE.match(key) or bp.LIKE_LINE_RE.match(key):
            continue
        out.append(line)
    return out


def drop_teaser_runs(lines: list[str]) -> list[str]:
    """Runs of TEASER_RUN_MIN+ lines that are other stories' digests (at most DIGEST_MAX_CHARS,
    ending "……") or channel teasers ("【军事】…"): sample 8 pages of related-story digests → 0;
    gne sina pages. Without the length bound, wce e3f3b532 lost two long paragraphs that end
    in "……" (0.932 → 0.768)."""
    return _drop_runs(lines, _is_teaser, bp.TEASER_RUN_MIN)


def _is_teaser(line: str) -> bool:
    key = _key(line)
    digest = len(key) <= bp.DIGEST_MAX_CHARS and bp.TRUNCATED_RE.search(key) is not None
    return bool(key) and (digest or bp.CHANNEL_TEASER_RE.match(key) is not None)


PARAGRAPH_RULES = (drop_boilerplate_lines, drop_comments, drop_heading_lists, drop_dated_lists,
                   drop_teaser_runs, drop_repeated)
