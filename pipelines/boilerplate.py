"""Phrases that mark portal furniture rather than story text, as named data.

Used by pipelines.extract after trafilatura, one paragraph (line) at a time. A change here is
a data change; the measurement that justified each list is recorded in pipelines/paragraphs.py.
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
    # issue 14 classes (measured in pipelines/paragraphs.py)
    r"[（(【\[]?\s*(?:責任編輯|責編|编审|主编|策划|监制)\s*[：:].{0,30}",  # editor lines, zh-Hant too
    r"(?:分享|分享给朋友|Share(?: this)?)\s*[：:].{0,40}",  # share bars: 分享：微信 微博 复制链接
    r"特别声明\s*[：:].{0,120}(?:信息存储服务|观点和立场|不代表).{0,40}",  # platform notices
    r"(?:免责声明|声明)\s*[：:].{0,80}(?:观点和立场|信息存储服务|不代表).{0,40}",
    r"Notice\s*:\s*the content above.{0,300}",
    # reprint disclaimers portals append to every article ("特别声明：本文转载仅仅是出于传播
    # 信息的需要，并不意味着代表本网站观点或证实其内容的真实性…"): the words of a disclaimer,
    # not of a statement in the news ("声明：公司表示…" stays). Matched on (pipelines.assign
    # .matching_text), a shared disclaimer made unrelated briefs copies; extraction: sh -0.0001
    # (one page's gold keeps a Moneycontrol "Disclaimer:" line), the other sets unchanged
    r"(?:特别声明|特別聲明|免责声明|免責聲明|版权声明|版權聲明|声明|聲明)\s*[：:].{0,200}"
    r"(?:转载|轉載|仅供参考|僅供參考|不代表本|不意味着代表|不意味著代表|真实性|真實性|侵权|侵權|"
    r"信息存储服务|版权归|版權歸).{0,300}",
    r"Disclaimer\s*:.{0,400}",
    # footers: a site's copyright runs from its founding year ("Copyright © 1996-2019 SINA");
    # a single-year wire notice ("© 2019 Associated Press…") is kept, as the gold sets keep it
    # (sh c467d507, f344ca5f: 1.0 → 0.94 / 0.98 when dropped)
    r".{0,40}(?:版权所有|版權所有).{0,60}",
    r"(?:Copyright\s*)?©?\s*(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}.{0,80}",
    r".{0,30}ICP(?:备|证|経営許可証)?.{0,40}",
    r".{0,20}(?:违法和不良信息举报|举报电话|举报邮箱|新闻热线|客服热线|意见反馈).{0,60}",
    r"(?:关键词|關鍵詞|关键字|标签|Tags?|Keywords?)\s*[：:].{0,60}",  # keyword lines
    # date + 来源 under the headline: "2020年09月11日 18:05 来源：商讯"; one that also names the
    # author ("…来源：华夏日报 作者：记者 王喆") is kept: the byline is the article's own
    # (tests/test_crawl_network.py reads it)
    r"(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:更新|发布|發布)?\s*(?:来源|來源|稿源)\s*[：:]?(?!.*(?:作者|记者|記者)).{0,30}",
    # page toolbars and pagination of 2005-era portals: 发送给朋友 | 打印本文 | 第1页/共1页 << 上一页
    r"(?:发送给朋友|推荐给朋友|打印本文|打印此文|关闭窗口|发表评论|我要评论|查看评论|收藏本文)",
    r"第\s*\d+\s*页\s*/\s*共\s*\d+\s*页.{0,30}",
    r"(?:<<\s*)?上一页.{0,6}下一页(?:\s*>>)?",
    # WeChat subscription prompts at an article's head or foot, the whole line a prompt and
    # nothing after it: "▲点击上方蓝字，关注我们！", "长按识别二维码关注", "欢迎关注我们！",
    # "喜欢就点个“在看”吧", "分享、点赞、在看，三连走起". A line that goes on is a sentence
    # ("扫码关注领礼品…", "点击“关注”后，受害人…", "关注我们身边的AI诈骗") and stays. No shared
    # page changes (bench.extraction --per-page the same on all 770); the two shared WeChat
    # pages carry none, a newcomer's saved article did
    r"[↑↓▲△▼▽☝👆👇\s]*(?:点击|點擊|戳|长按|長按|扫码|掃碼|扫描|掃描)[^，,。！？!?]{0,12}?[，,\s]*"
    r"(?:一键)?(?:关注|關注|订阅|訂閱)(?:我们|我們|本号|本號|公众号|公眾號|[「“\"][^」”\"]{1,12}[」”\"])?"
    r"[!！~～。.\s]*",
    r"(?:欢迎|歡迎)?(?:关注|關注)(?:我们|我們|本号|本號|本公众号|本公眾號|公众号|公眾號)"
    r"(?:[，,]\s*(?:获取|獲取|了解|第一时间|第一時間)[^。！？!?]{0,12})?[!！~～。.\s]*",
    r"(?:喜欢就|喜歡就|觉得不错[，,]?\s*|覺得不錯[，,]?\s*|请|請)*(?:点个|點個|点亮|點亮|点一下|點一下)\s*"
    r"[「“\"]?在看[」”\"]?\s*(?:吧|哦|呀|你最好看)?[!！~～。.\s]*",
    r"(?:分享|转发|轉發|点赞|點讚|點贊|在看|收藏)(?:\s*[、，,/|+]\s*(?:分享|转发|轉發|点赞|點讚|點贊|在看|收藏)){2,4}"
    r"[，,\s]*(?:三连走起|一键三连|三連走起|一鍵三連|支持一下)?[!！~～。.\s]*",
    # photo captions and credits: "…（受访者供图）", "新华社记者 李明 摄", "（视觉中国）"
    r".{0,80}(?:受访者供图|供图|图片来源[：:].{0,20}|[（(](?:资料图|视觉中国|图源网络|网络图片|视频截图)[)）]|\s摄)[)）]?[。.]?",
)

# Headings that open a list of *other* stories (sidebars, "more like this" blocks). The heading
# and the run of short headline lines after it are dropped.
LIST_HEADINGS = (
    "相关阅读", "相关新闻", "相关文章", "相关报道", "相关推荐", "相关链接", "相关专题", "延伸阅读",
    "推荐阅读", "为您推荐", "为你推荐", "热门推荐", "热点新闻", "热门新闻", "热门文章", "猜你喜欢",
    "最新", "最新新闻", "最新文章", "最新资讯", "今日推荐", "精彩推荐", "点击排行", "跟贴排行",
    "排行榜", "热门排行", "更多新闻", "更多精彩", "你可能还想看", "你可能感兴趣", "大家都在看",
    "推荐新闻", "猜你想看", "热榜", "24小时热榜", "延伸·推荐", "延伸 · 推荐",
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
# Every stamp starts with a digit: the leading (?=\d) changes no match, and lets the regex
# engine skip other characters fast (10× less time over a page's lines).
STAMP_RE = re.compile(
    r"(?=\d)(?:(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])"
    r"|(?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?!\d)"
    r"|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)")
# A page whose extracted lines are mostly dated headlines, LISTING_MIN_DATED or more, is a
# listing/channel page, not an article (issue 14: "10 teasers with timestamps").
LISTING_MIN_DATED = 8
LISTING_SHORT_SHARE = 0.9
DATED_RUN_MIN = 3  # consecutive short dated lines
STAMPS_PER_LINE = 3  # stamps in one line

# Repeated paragraphs: a line seen exactly twice (caption + alt/duplicate block) keeps its first
# copy; so does any long paragraph repeated. Lines repeated 3+ times are structure (interview
# questions, table headers, recipe steps) and stay: the gold texts keep them.
REPEAT_MIN_CHARS = 8
REPEAT_ALWAYS_CHARS = 150

# A reader comment as a flattened row: "江城老李（03-10 10:36）：评论…" (user, stamp, colon), and
# a like/count line on its own: "赞(12)", "12 likes", "Like (12)".
COMMENT_LINE_RE = re.compile(
    r"^.{1,24}[（(]\s*(?:\d{4}-)?\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}\s*[）)]\s*[：:]")
LIKE_LINE_RE = re.compile(r"^(?:(?:赞|点赞|讚|Likes?|回复|Reply)\s*[(（]?\d*[)）]?|\d+\s*(?:likes?|赞))$", re.I)
# A heading that opens the comment section: everything after it is readers' text.
COMMENT_HEADINGS = ("评论", "网友评论", "读者评论", "讀者留言", "读者留言", "网友留言", "热门评论", "最新评论",
                    "精彩评论", "Comments", "Reader comments", "Join the conversation")
COMMENT_HEADING_RE = re.compile(
    r"^(?:" + "|".join(re.escape(h) for h in COMMENT_HEADINGS) + r")\s*[(（]?\s*(?:\d+\s*条?)?\s*[)）]?$", re.I)
# Channel teasers: "【军事】出鞘：国庆阅兵坦克…" — a bracketed channel label opening a short line.
CHANNEL_TEASER_RE = re.compile(r"^【\s*[\u4e00-\u9fff]{2,4}\s*】.{0,60}$")
# A digest cut short ("……", "...") is a teaser of another story when two or more come in a row.
TRUNCATED_RE = re.compile(r"(?:……|…|\.\.\.)\s*$")
TEASER_RUN_MIN = 2
DIGEST_MAX_CHARS = 150  # portals print ~70-char digests (samples/corpus.py LEAD_CHARS_ZH = 72)
COMMENT_CUT_MIN_SHARE = 0.3  # share of the text before a comment heading for it to end the story

BOILERPLATE_LINE_RE = re.compile(r"^(?:" + "|".join(BOILERPLATE_LINES) + r")$", re.I)
LIST_HEADING_RE = re.compile(
    r"^[#\-–—*·•>»|\s]*(?:" + "|".join(re.escape(h) for h in LIST_HEADINGS) + r")[\s:：>»|\-–—]*$", re.I)
