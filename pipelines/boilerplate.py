"""Phrases that mark portal furniture rather than story text, as named data.

Used by pipelines.extract after trafilatura, one paragraph (line) at a time. A change here is
a data change; the measurement that justified each list is recorded in pipelines/extract.py.
"""
from __future__ import annotations

import re

# A whole line matching one of these is not story text: attribution, editor sign-offs,
# call-to-action links and ad labels. Bounded lengths keep real sentences that merely start
# with such a word ("Source: officials said that ..." runs longer than a credit line).
BOILERPLATE_LINES = (
    r"(?:本文|文章|新闻)?来源\s*[：:].{0,40}",
    r"稿源\s*[：:].{0,30}",
    r"[（(【\[]?\s*(?:责任编辑|责编|编辑|校对|审核)\s*[：:].{0,30}",
    r"点击(?:阅读|查看|浏览)(?:全文|原文|更多).{0,20}",
    r"(?:阅读|查看)(?:全文|原文).{0,10}",
    r"(?:分享到|分享至|扫一扫|打开.{0,10}客户端).{0,30}",
    r"(?:广告|推广|赞助)",
    r"Source\s*:\s*.{0,60}",
    r"(?:Read|See) (?:the )?(?:full|whole|complete|original) (?:story|article).{0,40}",
    r"(?:Click|Tap) here to read more.{0,40}",
    r"(?:Advertisement|ADVERTISEMENT|Sponsored(?: content| links?)?|Story continues below advertisement)",
)

# Headings that open a list of *other* stories (sidebars, "more like this" blocks). The heading
# and the run of short headline lines after it are dropped.
LIST_HEADINGS = (
    "相关阅读", "相关新闻", "相关文章", "相关报道", "相关推荐", "相关链接", "相关专题", "延伸阅读",
    "推荐阅读", "为您推荐", "为你推荐", "热门推荐", "热点新闻", "热门新闻", "热门文章", "猜你喜欢",
    "最新", "最新新闻", "最新文章", "最新资讯", "今日推荐", "精彩推荐", "点击排行", "跟贴排行",
    "排行榜", "热门排行", "更多新闻", "更多精彩",
    "Related stories", "Related articles", "Related", "Related news", "Related content",
    "Related coverage", "More stories", "More from", "Read more", "Read next", "More on this story",
    "Most popular", "Most read", "Most viewed", "Trending", "Trending now", "Recommended",
    "Recommended for you", "You may also like", "You might also like", "Latest", "Latest news",
    "Top stories", "More news",
)

# A line in a headline list: short. Measured as characters (CJK) / words (other).
HEADLINE_MAX_CJK_CHARS = 40
HEADLINE_MAX_WORDS = 16

# A date or clock stamp as printed next to a headline link: 2019-09-07, 2005/4/3, 15:05,
# 2019年09月06日. Lists of such dated headlines are lists of other stories.
STAMP_RE = re.compile(
    r"(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])"
    r"|(?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?!\d)"
    r"|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日")
DATED_RUN_MIN = 3  # consecutive short dated lines
STAMPS_PER_LINE = 3  # stamps in one line

# Repeated paragraphs: a line seen exactly twice (caption + alt/duplicate block) keeps its first
# copy; so does any long paragraph repeated. Lines repeated 3+ times are structure (interview
# questions, table headers, recipe steps) and stay: the gold texts keep them.
REPEAT_MIN_CHARS = 8
REPEAT_ALWAYS_CHARS = 150

BOILERPLATE_LINE_RE = re.compile(r"^(?:" + "|".join(BOILERPLATE_LINES) + r")$", re.I)
LIST_HEADING_RE = re.compile(
    r"^[#\-–—*·•>»|\s]*(?:" + "|".join(re.escape(h) for h in LIST_HEADINGS) + r")[\s:：>»|\-–—]*$", re.I)
