"""Syndication generator: real article texts republished the way portals do, with known labels.

Base texts are the human (or, for GNE, silver) ground-truth bodies in ../shared/data/extraction,
read at run time. Each base story becomes one label; every copy of it is re-headlined and goes
through a seeded subset of what portals do to syndicated text (source line, aggregator
truncation, a dropped paragraph, an inserted ad, Traditional script, full-width punctuation) and
is rendered into one of several page templates whose sidebars list OTHER stories' headlines and
leads. Same seed ⇒ same records, byte for byte.

What a portal contributes (name, template, source-line format, ad, page chrome) is named data
(PORTALS, OUTLETS, HEADLINES, CHROME), so a new portal is a data change.
"""
from __future__ import annotations

import html as htmlmod
import json
import random
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from hashlib import sha1
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXTRACTION = SHARED / "data" / "extraction"

# Bases shorter than this make a 20 % aggregator teaser a sentence or two long; the shortest
# usable ground-truth bodies are ~300 Chinese characters / ~800 Latin characters.
MIN_CHARS = {"zh": 300, "en": 800}
# Copies per story (weight per size), an assumed long tail: most stories are not syndicated at
# all, a few wire stories are everywhere. Mean 3.63 copies.
COPY_WEIGHTS = {1: 30, 2: 20, 3: 14, 4: 10, 5: 8, 6: 6, 8: 5, 10: 4, 15: 2, 25: 1}
# How often each transformation is applied to a republished copy (copy 0 is the original).
P_SOURCE, P_TRUNCATE, P_DROP, P_AD, P_TRADITIONAL, P_FULLWIDTH, P_GBK = .7, .2, .25, .3, .3, .3, .4
TRUNCATE_RANGE = (0.20, 0.40)  # aggregators show the first 20-40 % then link out
SENTENCE_END = "。！？!?…”」』\"'.:："
ASCII_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in ASCII_PUNCT})
ENGLISH_WORDS = frozenset("the and of to in a is that for on with was as by".split())


@dataclass(frozen=True)
class BaseStory:
    """One ground-truth article body: the label every copy of it carries."""

    key: str  # "<set>/<file id>"
    lang: str  # "zh" or "en"
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Copy:
    """A republished copy as its portal shows it after extraction (no page chrome)."""

    id: str
    label: str
    copy: int  # 0 = the original publication, never truncated, trimmed or converted
    lang: str
    url: str
    portal: str
    title: str
    text: str
    published: str
    transforms: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """The whole HTML page of a copy, encoded as the portal serves it."""

    id: str
    label: str
    url: str
    body: bytes
    encoding: str


# ---------------------------------------------------------------- portals as data

@dataclass(frozen=True)
class Portal:
    """A republishing site: its page template, how it credits the source, the ad it inserts."""

    name: str
    domain: str
    lang: str
    template: str  # "portal" | "news" | "aggregator" | "mobile"
    source: str  # format with {outlet}
    ad: str


PORTALS = {
    "zh": [
        Portal("东方快报网", "news.dfkb.example.cn", "zh", "portal", "来源：{outlet}",
               "广告：下载东方快报客户端，随时随地看最新资讯。"),
        Portal("神州资讯", "www.szzx.example.cn", "zh", "news", "（来源：{outlet}）",
               "【广告】年货节全场满199减50，点击进入活动页面"),
        Portal("今日热读", "m.jrrd.example.cn", "zh", "aggregator", "本文来源：{outlet}",
               "广告 点击下载今日热读APP，领取新人红包"),
        Portal("南方手机报", "m.nfsjb.example.cn", "zh", "mobile", "来源：{outlet}　责任编辑：王晓",
               "广告：南方手机报会员首月仅需6元"),
        Portal("华夏时讯", "www.hxsx.example.com.tw", "zh", "news", "資料來源：{outlet}",
               "廣告：訂閱華夏時訊電子報，掌握第一手消息"),
    ],
    "en": [
        Portal("Northern Herald", "www.northernherald.example.com", "en", "portal",
               "Source: {outlet}", "Advertisement"),
        Portal("Daily Wire Digest", "news.dwd.example.com", "en", "aggregator",
               "Provided by {outlet}", "ADVERTISEMENT - Story continues below"),
        Portal("Metro Ledger", "www.metroledger.example.com", "en", "news",
               "This article originally appeared on {outlet}.",
               "Sign up for our morning newsletter to get the day's top stories in your inbox."),
        Portal("Pocket News", "m.pocketnews.example.com", "en", "mobile", "({outlet})",
               "Advertisement"),
    ],
}
OUTLETS = {"zh": ["新华社", "中国新闻网", "人民日报", "澎湃新闻", "央视新闻客户端", "环球时报",
                  "北京青年报", "红星新闻"],
           "en": ["Reuters", "The Associated Press", "AFP", "Bloomberg", "PA Media",
                  "The Conversation"]}
HEADLINES = {"zh": ["{title}", "【独家】{title}", "{title}_{portal}", "{title}（组图）",
                    "{short}……", "快讯：{title}", "{title}｜{portal}"],
             "en": ["{title}", "{title} | {portal}", "Exclusive: {title}", "{short}...",
                    "{title} - {portal}", "WATCH: {title}"]}
CHROME = {
    "zh": dict(nav=["首页", "新闻", "国内", "国际", "财经", "科技", "体育", "娱乐", "视频"],
               latest="最新", related="相关新闻", hot="热榜", comments="网友评论", more="阅读全文",
               ellipsis="……", share="分享到：微信 微博 QQ空间", home="首页 > 新闻 > 正文",
               footer="版权所有 © {portal} 未经授权禁止转载 京ICP备00000000号",
               said=["说得好，支持！", "这个消息太突然了", "转发了", "希望有关部门尽快处理",
                     "楼上说得对", "坐等后续报道"]),
    "en": dict(nav=["Home", "World", "Politics", "Business", "Tech", "Sport", "Opinion"],
               latest="Latest", related="Related stories", hot="Most read", comments="Comments",
               more="Read more", ellipsis="...", share="Share on Facebook Twitter Email",
               home="Home > News", footer="© 2024 {portal}. All rights reserved. Privacy policy",
               said=["Great reporting, thanks.", "This is exactly what I expected.",
                     "Can anyone confirm this?", "Shared.", "Finally some good news",
                     "Who is surprised by this?"]),
}


def _e(text: str) -> str:
    return htmlmod.escape(text, quote=True)


def _teasers(heading: str, items: Sequence[tuple[str, str]], cls: str) -> str:
    """A sidebar box of OTHER stories' headlines and leads."""
    lis = "".join(f'<li><a href="/s/{zlib.crc32(t.encode())}.html">{_e(t)}</a><p>{_e(lead)}</p></li>'
                  for t, lead in items)
    return f'<div class="{cls}"><h3>{_e(heading)}</h3><ul>{lis}</ul></div>'


def render(portal: Portal, title: str, paragraphs: Sequence[str], published: str,
           sidebar: Sequence[tuple[str, str]], encoding: str, rng: random.Random) -> str:
    """An HTML page in the portal's template: chrome, article, sidebars, comments, footer."""
    c = CHROME[portal.lang]
    nav = '<ul class="nav">' + "".join(f'<li><a href="/{i}/">{_e(n)}</a></li>'
                                       for i, n in enumerate(c["nav"])) + "</ul>"
    body = "".join(f"<p>{_e(p)}</p>" for p in paragraphs)
    meta = f'<div class="info"><span class="time">{published[:16].replace("T", " ")}</span></div>'
    comments = (f'<div class="comments"><h3>{_e(c["comments"])}</h3>' + "".join(
        f'<div class="cmt"><b>user{rng.randrange(10**5)}</b><p>{_e(s)}</p></div>'
        for s in rng.sample(c["said"], 3)) + "</div>")
    half = len(sidebar) // 2
    footer = f'<div class="footer">{_e(c["footer"].format(portal=portal.name))}</div>'
    article = f'<div class="article"><h1>{_e(title)}</h1>{meta}<div class="content">{body}</div>'
    if portal.template == "portal":
        page = (f'<div class="header">{nav}</div><div class="crumb">{_e(c["home"])}</div>'
                f'<div class="main">{article}<div class="share">{_e(c["share"])}</div></div>'
                f'{comments}</div><div class="side">{_teasers(c["latest"], sidebar[:half], "latest")}'
                f'{_teasers(c["hot"], sidebar[half:], "hot")}</div>')
    elif portal.template == "news":
        page = (f'<header>{nav}</header><main>{article}</div>'
                f'{_teasers(c["related"], sidebar, "related")}{comments}</main>')
    elif portal.template == "aggregator":
        page = (f'<div class="top">{_e(portal.name)}</div>{article}'
                f'<a class="more" href="#">{_e(c["more"])}</a></div>'
                f'{_teasers(c["related"], sidebar, "feed")}')
    else:  # mobile
        page = (f'{article}<div class="share">{_e(c["share"])}</div></div>'
                f'{_teasers(c["hot"], sidebar[:half], "hot")}{comments}'
                f'{_teasers(c["latest"], sidebar[half:], "latest")}')
    lang = "zh-CN" if portal.lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{encoding}">'
            f"<title>{_e(title)}_{_e(portal.name)}</title></head><body>{page}{footer}</body></html>")


# ---------------------------------------------------------------- reading the base texts

def _lang(text: str) -> str | None:
    """'zh' for Han-dominated text without kana/hangul, 'en' for English, None otherwise."""
    letters = [c for c in text[:4000] if c.isalpha()]
    if not letters:
        return None
    han = sum("\u4e00" <= c <= "\u9fff" for c in letters) / len(letters)
    kana_hangul = sum("\u3040" <= c <= "\u30ff" or "\uac00" <= c <= "\ud7af" for c in letters)
    if han > 0.5 and kana_hangul < 0.01 * len(letters):
        return "zh"
    words = re.findall(r"[a-z]+", text[:4000].lower())
    if words and sum(w in ENGLISH_WORDS for w in words) / len(words) > 0.08:
        return "en"
    return None


def _join(a: str, b: str) -> str:
    """Join two hard-wrapped pieces: no space between CJK, one between Latin words."""
    return a + " " + b if a[-1:].isascii() and b[:1].isascii() else a + b


def paragraphs_of(text: str) -> tuple[str, ...]:
    """Paragraphs of a ground-truth body, undoing hard line wraps (chinese-wce wraps at ~40
    characters and puts blank lines between wrapped lines, so a block that does not end a
    sentence continues in the next one)."""
    paragraphs: list[str] = []
    open_block = False
    for block in re.split(r"\n\s*\n|\n(?=[\u3000 ]{2})", text):
        lines = [line.strip(" \t\u3000\xa0") for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        joined = lines[0]
        for line in lines[1:]:
            joined = _join(joined, line) if joined[-1] not in SENTENCE_END else joined + "\n" + line
        for piece in joined.split("\n"):
            if open_block and paragraphs:
                paragraphs[-1] = _join(paragraphs[-1], piece)
            else:
                paragraphs.append(piece)
            open_block = piece[-1] not in SENTENCE_END
    return tuple(p for p in paragraphs if p)


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _read_sets(root: Path) -> Iterator[tuple[str, str | None, str, str | None]]:
    """(key, title, body, declared language) from every set that has full bodies."""
    wce = root / "chinese-wce-69"
    for path in sorted((wce / "cleaned").glob("*.txt")):
        yield f"wce/{path.stem}", None, path.read_text(encoding="utf-8"), "zh"
    for key, rec in sorted(_json(root / "scrapinghub-aeb/ground-truth.json").items()):
        yield f"aeb/{key}", None, rec["articleBody"], None
    for key, rec in sorted(_json(root / "naeb-subset/ground-truth.json").items()):
        yield f"naeb/{key}", rec.get("title"), rec["articleBody"], rec.get("lang_detected")
    for line in (root / "fundus-testdata/ground-truth.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        body = "\n".join(rec["body_paragraphs"]) if rec.get("body_paragraphs") else rec["articleBody"]
        yield f"fundus/{rec['html']}", rec.get("title"), body, rec.get("lang_detected")
    for key, rec in sorted(_json(root / "gne-zh-news-pages/gne-silver-output.json").items()):
        yield f"gne/{key}", rec.get("title"), rec["content"], "zh"


def _headline_from(paragraphs: Sequence[str], lang: str) -> str:
    """A headline for a base without one: its first sentence, clipped."""
    first = re.split(r"(?<=[。！？!?])|(?<=\.)\s", paragraphs[0])[0]
    return first[:28].rstrip("，,。 ") if lang == "zh" else " ".join(first.split()[:12])


def _fingerprint(paragraphs: Sequence[str]) -> set[int]:
    """A 1-in-8 sample of 12-character shingles, to spot bases that are copies of each other."""
    text = re.sub(r"\s+", "", "".join(paragraphs)).lower()
    grams = (int(sha1(text[i:i + 12].encode()).hexdigest()[:8], 16) for i in range(len(text) - 11))
    return {g for g in grams if g % 8 == 0}


def load_base_stories(root: Path = EXTRACTION) -> list[BaseStory]:
    """All usable ground-truth bodies (zh or en, long enough), one per distinct story, in a
    fixed order. A base that shares over 30 % of its sampled shingles with an earlier one is
    dropped so that two labels never name the same report."""
    if not root.is_dir():
        raise FileNotFoundError(f"extraction data not found at {root} (needs ../shared)")
    bases: list[BaseStory] = []
    seen: dict[int, int] = {}
    for key, title, body, declared in _read_sets(root):
        lang = _lang(body)
        if lang is None or (declared and not declared.startswith(lang)):
            continue
        paras = paragraphs_of(body)
        if sum(map(len, paras)) < MIN_CHARS[lang] or len(paras) < 2:
            continue
        prints = _fingerprint(paras)
        overlaps: dict[int, int] = {}
        for g in prints:
            if g in seen:
                overlaps[seen[g]] = overlaps.get(seen[g], 0) + 1
        if any(n > 0.3 * len(prints) for n in overlaps.values()):
            continue
        for g in prints:
            seen.setdefault(g, len(bases))
        bases.append(BaseStory(key, lang, (title or _headline_from(paras, lang)).strip(), paras))
    return bases


# ---------------------------------------------------------------- transformations

def truncate(paragraphs: Sequence[str], fraction: float, lang: str,
             ellipsis: str | None = None) -> list[str]:
    """The first ``fraction`` of the characters, cut at a word boundary for Latin text, ending
    with an ellipsis — what an aggregator teaser shows."""
    limit = round(fraction * sum(map(len, paragraphs)))
    kept: list[str] = []
    for para in paragraphs:
        if limit <= 0:
            break
        if len(para) > limit:
            cut = para[:limit]
            if lang != "zh" and " " in cut:
                cut = cut.rsplit(" ", 1)[0]
            kept.append(cut + (CHROME[lang]["ellipsis"] if ellipsis is None else ellipsis))
            break
        kept.append(para)
        limit -= len(para)
    return kept


def drop_paragraph(paragraphs: Sequence[str], rng: random.Random) -> list[str]:
    """Remove one paragraph other than the lead (editors trim the middle or the end)."""
    gone = rng.randrange(1, len(paragraphs))
    return [p for i, p in enumerate(paragraphs) if i != gone]


def insert_ad(paragraphs: Sequence[str], ad: str, rng: random.Random) -> list[str]:
    """Put an ad paragraph after a random paragraph (never before the lead)."""
    at = rng.randrange(1, len(paragraphs) + 1)
    return [*paragraphs[:at], ad, *paragraphs[at:]]


@lru_cache(maxsize=1)
def _s2t():
    import opencc  # only the generator needs it; metrics and tests of them do not
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → Traditional script (OpenCC s2t), as Taiwan/Hong Kong portals republish."""
    return _s2t().convert(text)


def to_fullwidth(text: str) -> str:
    """ASCII punctuation → full-width forms (U+FF01..), as GBK-era CMSes emit."""
    return text.translate(FULLWIDTH)


# ---------------------------------------------------------------- copies and pages

def _copies(rng: random.Random) -> int:
    return rng.choices(list(COPY_WEIGHTS), weights=list(COPY_WEIGHTS.values()))[0]


def _headline(title: str, portal: Portal, rng: random.Random) -> str:
    """A portal's rewrite of the headline: prefix, suffix, clipped or as is."""
    style = rng.choice(HEADLINES[portal.lang])
    return style.format(title=title, short=title[:12] if portal.lang == "zh" else
                        " ".join(title.split()[:6]), portal=portal.name)


def _published(label_rng: random.Random, copy: int) -> str:
    day = datetime(2024, 1, 1, 6) + timedelta(days=label_rng.randrange(365))
    return (day + timedelta(minutes=37 * copy * copy + label_rng.randrange(60))).isoformat()


def make_copy(base: BaseStory, label: str, copy: int, rng: random.Random,
              doc_id: str) -> tuple[Copy, Portal, bool]:
    """One republished copy of ``base``; returns it, its portal and whether to serve it as GBK."""
    portal = rng.choice(PORTALS[base.lang])
    paras, done = list(base.paragraphs), []
    if copy and len(paras) >= 4 and rng.random() < P_DROP:
        paras, done = drop_paragraph(paras, rng), done + ["drop"]
    if copy and rng.random() < P_TRUNCATE:
        paras = truncate(paras, rng.uniform(*TRUNCATE_RANGE), base.lang)
        done.append("truncate")
    if rng.random() < P_AD:
        paras, done = insert_ad(paras, portal.ad, rng), done + ["ad"]
    if rng.random() < P_SOURCE:
        line = portal.source.format(outlet=rng.choice(OUTLETS[base.lang]))
        paras = [line, *paras] if rng.random() < 0.5 else [*paras, line]
        done.append("source")
    text = "\n".join(paras)
    title = _headline(base.title, portal, rng)
    if base.lang == "zh" and copy and rng.random() < P_TRADITIONAL:
        text, title, done = to_traditional(text), to_traditional(title), done + ["traditional"]
    if base.lang == "zh" and rng.random() < P_FULLWIDTH:
        text, done = to_fullwidth(text), done + ["fullwidth"]
    gbk = base.lang == "zh" and rng.random() < P_GBK
    published = _published(random.Random(f"date:{label}"), copy)
    url = f"https://{portal.domain}/{published[:10].replace('-', '/')}/{doc_id}.html"
    return (Copy(doc_id, label, copy, base.lang, url, portal.name, title, text, published,
                 tuple(done + ["gbk"] * gbk)), portal, gbk)


def _lead(base: BaseStory) -> str:
    first = base.paragraphs[0]
    return first[:60] if base.lang == "zh" else " ".join(first.split()[:30])


def generate(bases: Sequence[BaseStory], seed: int = 0,
             with_pages: bool = True) -> tuple[list[Copy], list[Page]]:
    """Every base as one story with a seeded number of copies, shuffled; and their pages.

    Labels are "story<NNNNN>" in base order; ids "doc<NNNNNN>" in shuffled order. Sidebars list
    headlines and leads of other stories in the same language.
    """
    rng = random.Random(seed)
    plan = [(i, c) for i, _ in enumerate(bases) for c in range(_copies(rng))]
    rng.shuffle(plan)
    by_lang: dict[str, list[int]] = {}
    for i, base in enumerate(bases):
        by_lang.setdefault(base.lang, []).append(i)
    copies: list[Copy] = []
    pages: list[Page] = []
    for n, (i, c) in enumerate(plan):
        copy_rng = random.Random(f"{seed}:{i}:{c}")
        copy, portal, gbk = make_copy(bases[i], f"story{i:05d}", c, copy_rng, f"doc{n:06d}")
        copies.append(copy)
        if with_pages:
            others = [j for j in copy_rng.sample(by_lang[bases[i].lang],
                                                 min(9, len(by_lang[bases[i].lang]))) if j != i][:8]
            sidebar = [(bases[j].title, _lead(bases[j])) for j in others]
            pages.append(render_page(copy, portal, sidebar, gbk, copy_rng))
    return copies, pages


def render_page(copy: Copy, portal: Portal, sidebar: Sequence[tuple[str, str]],
                gbk: bool, rng: random.Random) -> Page:
    """The copy inside its portal's template, encoded as UTF-8 or GBK (with a matching meta)."""
    encoding = "gbk" if gbk else "utf-8"
    page = render(portal, copy.title, copy.text.split("\n"), copy.published,
                            sidebar, encoding, rng)
    # GBK lacks a few characters (emoji, rare names): browsers' numeric references keep them.
    return Page(copy.id, copy.label, copy.url, page.encode(encoding, "xmlcharrefreplace"), encoding)


# ---------------------------------------------------------------- scaling for throughput

@dataclass(frozen=True)
class ScaledDoc:
    """A generated copy already normalised for matching (no page, no script changes)."""

    id: str
    label: str
    text: str


# A scaled story is spliced from fragments of about this many tokens (a CJK character or a
# word each): short enough that two synthetic stories never share a lead (the first ~48 tokens
# that truncated-copy tests compare) by chance, long enough to keep real n-gram statistics.
# Whole sentences were too coarse: at 10k docs, distinct stories opening with the same long
# sentence were (rightly) linked as truncated copies — label noise, not clusterer error.
FRAGMENT_TOKENS = 8
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _fragments(normalised: str) -> list[str]:
    """Split normalised text into pieces of ~FRAGMENT_TOKENS tokens (CJK characters or words)."""
    out: list[str] = []
    words: list[str] = []
    size = 0
    for word in normalised.split():
        cjk = len(_CJK_CHAR.findall(word))
        for start in range(0, len(word), FRAGMENT_TOKENS * 2) if cjk else (0,):
            piece = word[start:start + FRAGMENT_TOKENS * 2] if cjk else word
            words.append(piece)
            size += len(piece) if cjk else 1
            if size >= FRAGMENT_TOKENS:
                out.append(" ".join(words))
                words, size = [], 0
    if words:
        out.append(" ".join(words))
    return out


def scaled_docs(n: int, bases: Sequence[BaseStory], normalise: Callable[[str], str],
                seed: int = 0, zh_share: float = 0.5, block: int = 1024) -> Iterator[ScaledDoc]:
    """``n`` documents of distinct synthetic stories, cheap enough for a million.

    Each story borrows a real base's shape (fragments per paragraph) and fills it with
    fragments drawn from the de-duplicated pool of that language, so distinct stories share
    only the odd fragment by chance, as distinct real stories share the odd phrase. Copies get
    the text-level transformations (drop, truncate, ad, source line) on normalised pieces;
    script and punctuation changes are skipped because normalisation undoes them. Output is
    shuffled within blocks of ``block`` docs, so any prefix is a sample of the same distribution.
    """
    pools: dict[str, dict[str, None]] = {}
    shapes: dict[str, list[list[int]]] = {}
    for base in bases:
        frags = [_fragments(normalise(p)) for p in base.paragraphs]
        pools.setdefault(base.lang, {}).update(dict.fromkeys(f for para in frags for f in para))
        shapes.setdefault(base.lang, []).append([max(1, len(para)) for para in frags])
    pool = {lang: list(frags) for lang, frags in pools.items()}
    extras = {lang: ([normalise(p.ad) for p in PORTALS[lang]],
                     [normalise(p.source.format(outlet=o)) for p in PORTALS[lang]
                      for o in OUTLETS[lang]]) for lang in pools}
    made, story, pending = 0, 0, []
    while made < n:
        rng = random.Random(f"{seed}:scaled:{story}")
        lang = "zh" if rng.random() < zh_share and "zh" in pools else "en"
        paras = [" ".join(rng.choices(pool[lang], k=k)) for k in rng.choice(shapes[lang])]
        for c in range(_copies(rng)):
            text = paras
            if c and len(text) >= 4 and rng.random() < P_DROP:
                text = drop_paragraph(text, rng)
            if c and rng.random() < P_TRUNCATE:
                text = truncate(text, rng.uniform(*TRUNCATE_RANGE), "en", "")
            if rng.random() < P_AD:
                text = insert_ad(text, rng.choice(extras[lang][0]), rng)
            if rng.random() < P_SOURCE:
                text = [rng.choice(extras[lang][1]), *text]
            pending.append((f"S{story:07d}", " ".join(text)))
        story += 1
        if len(pending) >= block or made + len(pending) >= n:
            random.Random(f"{seed}:block:{story}").shuffle(pending)
            for label, text in pending[: n - made]:
                yield ScaledDoc(f"d{made:07d}", label, text)
                made += 1
            pending = []
