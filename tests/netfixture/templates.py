"""HTML/XML templates of the fixture outlets: each its own layout, sidebars and encoding."""
from __future__ import annotations

from datetime import datetime, timedelta

from . import sites
from .sites import (
    CLOSED,
    FORMOSA,
    HUAXIA,
    PORTAL,
    WIRE,
    Page,
    Placement,
    body_paragraphs,
    esc,
    headline,
    http_date,
    traditional,
)

# A syndicated copy goes up a little after the original.
COPY_DELAY = {PORTAL: timedelta(hours=2), FORMOSA: timedelta(hours=5)}


def published(pl: Placement) -> datetime:
    when = datetime.fromisoformat(pl.story.published)
    return when + COPY_DELAY.get(pl.host, timedelta()) if pl.origin else when


def others(pl: Placement, mine: list[Placement], n: int = 5) -> list[Placement]:
    """Sidebar picks: the outlet's other stories, newest first (stable order)."""
    rest = [p for p in mine if p.path != pl.path]
    return sorted(rest, key=lambda p: (p.story.published, p.path), reverse=True)[:n]


# --- 华夏日报: an old-style portal, declares GB2312, ships GBK bytes ------------------------------
def huaxia_article(pl: Placement, mine: list[Placement]) -> Page:
    when = published(pl)
    title = headline(pl, "Hans")
    paras = "\n".join(f"<p>\u3000\u3000{esc(p)}</p>" for p in body_paragraphs(pl, "Hans"))
    hot = "".join(f'<li><a href="{p.path}" target="_blank">{esc(headline(p, "Hans"))}</a></li>'
                  for p in others(pl, mine))
    rank = "".join(f"<li><em>{i}</em><a href=\"{p.path}\">{esc(headline(p, 'Hans'))}</a></li>"
                   for i, p in enumerate(others(pl, mine, 3), 1))
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{esc(title)}_华夏日报</title>
<meta name="keywords" content="华夏日报,新闻,社会" />
<meta name="description" content="{esc(pl.story.paragraphs[0][:80])}" />
<meta name="publishdate" content="{when:%Y-%m-%d}" />
</head><body>
<div id="top"><a href="/">华夏日报</a> | <a href="/china/">国内</a> | <a href="/world/">国际</a> | <a href="/society/">社会</a> | <a href="/finance/">财经</a> | <a href="/tech/">科技</a> | <a href="/login">登录</a></div>
<div class="channel">当前位置：<a href="/">首页</a> &gt; <a href="/society/">社会</a> &gt; 正文</div>
<div id="main"><div class="left">
<h1 id="artical_topic">{esc(title)}</h1>
<div id="artical_sth"><span class="time">{when:%Y年%m月%d日 %H:%M}</span> 来源：华夏日报 作者：{esc(pl.story.byline)}</div>
<div id="artibody">
{paras}
<div class="ad">广告</div>
<p class="editor">（责任编辑：张明）</p>
</div>
<div class="share">分享到：微信 微博 QQ空间</div>
</div>
<div class="right"><div class="hot"><h3>热点新闻</h3><ul>{hot}</ul></div>
<div class="rank"><h3>24小时排行</h3><ol>{rank}</ol></div></div></div>
<div id="footer">关于我们 | 联系我们 | 版权声明<br />Copyright &copy; 2026 华夏日报社 版权所有 京ICP备00000000号</div>
</body></html>"""
    return Page(page.encode("gbk", errors="xmlcharrefreplace"), "text/html")


# --- 寶島科技新聞網: Traditional script, Big5 --------------------------------------------------------
def formosa_article(pl: Placement, mine: list[Placement]) -> Page:
    when = published(pl)
    title = headline(pl, "Hant")
    paras = body_paragraphs(pl, "Hant")
    side = "".join(f'<li><a href="{p.path}">{esc(headline(p, "Hant"))}</a></li>'
                   for p in others(pl, mine))
    related = others(pl, mine, 1)
    inline = (f'<div class="related-inline">延伸閱讀：<a href="{related[0].path}">'
              f'{esc(headline(related[0], "Hant"))}</a></div>') if related else ""
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paras[:2]) + "\n" + inline + "\n" + \
        "\n".join(f"<p>{esc(p)}</p>" for p in paras[2:])
    source = f"<p class=\"source\">（{esc(traditional('文章来源：' + pl.origin))}）</p>" if pl.origin else ""
    author = esc(traditional(pl.story.byline)) if not pl.origin else "國際中心／綜合報導"
    page = f"""<!DOCTYPE html><html lang="zh-Hant-TW"><head><meta charset="big5">
<title>{esc(title)} | 寶島科技新聞網</title>
<meta property="og:title" content="{esc(title)}">
<meta property="og:site_name" content="寶島科技新聞網">
<meta property="article:published_time" content="{when.isoformat()}">
</head><body>
<header class="site-header"><a class="logo" href="/">寶島科技新聞網</a>
<nav><a href="/">首頁</a><a href="/list/realtime">即時</a><a href="/list/politics">政治</a><a href="/list/society">社會</a><a href="/list/tech">科技</a><a href="/list/world">國際</a></nav></header>
<main class="container"><article class="post">
<div class="breadcrumb"><a href="/">首頁</a> &gt; <a href="/list/society">社會</a></div>
<h1 class="post-title">{esc(title)}</h1>
<div class="post-meta"><time datetime="{when.isoformat()}">{when:%Y/%m/%d %H:%M}</time> <span class="author">{author}</span></div>
<div class="post-content">
{body}
{source}
</div>
<div class="tags"><a href="/tag/AI">#AI</a> <a href="/tag/fraud">#詐騙</a></div>
</article>
<aside class="sidebar"><section class="most-read"><h2>熱門新聞</h2><ul>{side}</ul></section>
<section class="newsletter"><h2>訂閱電子報</h2><p>每日精選科技新聞，直送您的信箱。</p></section></aside>
</main><footer>&copy; 2026 寶島科技新聞網 版權所有，禁止轉載</footer></body></html>"""
    return Page(page.encode("big5", errors="xmlcharrefreplace"), "text/html; charset=big5")


# --- The Example Wire: English, modern layout, JSON-LD ---------------------------------------------
def wire_article(pl: Placement, mine: list[Placement]) -> Page:
    when = published(pl)
    paras = [f"<p>{esc(p)}</p>" for p in body_paragraphs(pl, "Latn")]
    paras.insert(2, '<div class="ad-slot">Advertisement</div>')
    rail = "".join(f'<li><a href="{p.path}">{esc(p.story.title)}</a></li>' for p in others(pl, mine))
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{esc(pl.story.title)} - The Example Wire</title>
<meta name="description" content="{esc(pl.story.paragraphs[0][:150])}">
<meta property="article:published_time" content="{when.isoformat()}">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"{esc(pl.story.title)}","datePublished":"{when.isoformat()}","publisher":{{"@type":"Organization","name":"The Example Wire"}}}}</script>
</head><body>
<div class="topbar"><a href="/subscribe">Subscribe</a> | <a href="/signin">Sign in</a></div>
<header><a class="logo" href="/">The Example Wire</a><nav><a href="/world/">World</a> <a href="/tech/">Tech</a> <a href="/business/">Business</a> <a href="/opinion/">Opinion</a></nav></header>
<main><article>
<h1 class="headline">{esc(pl.story.title)}</h1>
<p class="byline">By {esc(pl.story.byline)} &middot; <time datetime="{when.isoformat()}">{when:%B} {when.day}, {when.year}</time></p>
<div class="story-body">
{chr(10).join(paras)}
</div>
<p class="more">Sign up for our daily newsletter to get the top stories in your inbox.</p>
</article>
<aside class="rail"><h2>Most read</h2><ol>{rail}</ol></aside>
</main><footer>&copy; 2026 The Example Wire. All rights reserved. <a href="/terms">Terms</a> &middot; <a href="/privacy">Privacy</a> &middot; Cookie settings</footer>
</body></html>"""
    return Page(page.encode("utf-8"), "text/html; charset=utf-8")


# --- 聚合新闻网: an aggregator republishing others' copy -----------------------------------------
def portal_article(pl: Placement, mine: list[Placement]) -> Page:
    when = published(pl)
    zh = pl.story.lang == "zh"
    title = headline(pl, "Hans")
    paras = "\n".join(f"<p>{esc(p)}</p>" for p in body_paragraphs(pl, "Hans"))
    origin = pl.origin or "聚合新闻网"
    more = ""
    if pl.variant == "truncated":
        more = '<p class="more"><a href="#">点击阅读全文</a></p>'
    recommend = "".join(f'<li><a href="{p.path}">{esc(headline(p, "Hans"))}</a></li>'
                        for p in others(pl, mine, 3))
    hot = "".join(f'<li><a href="{p.path}">{esc(headline(p, "Hans"))}</a></li>' for p in others(pl, mine))
    source_line = f"<p class=\"origin\">本文来源：{esc(origin)}，转载请注明出处</p>" if zh else \
        f"<p class=\"origin\">Source: {esc(origin)}</p>"
    page = f"""<!DOCTYPE html><html lang="{'zh-CN' if zh else 'en'}"><head><meta charset="utf-8">
<title>{esc(title)}-聚合新闻网</title>
<meta name="publishdate" content="{when:%Y-%m-%d}">
<meta property="article:published_time" content="{when.isoformat()}">
</head><body>
<div class="nav"><a href="/">聚合新闻网</a> <a href="/yaowen/">要闻</a> <a href="/tech/">科技</a> <a href="/finance/">财经</a> <a href="/en/">English</a></div>
<div class="wrap"><div class="main-content">
<h1>{esc(title)}</h1><div class="info">{when:%Y-%m-%d %H:%M} 来源：{esc(origin)}</div>
<div class="content">
{paras}
{more}
{source_line}
</div>
</div><aside class="side"><div class="recommend"><h4>相关推荐</h4><ul>{recommend}</ul></div>
<h4>今日热榜</h4><ol>{hot}</ol></aside></div>
<div class="copyright">聚合新闻网 版权所有 &copy; 2026 | 违法和不良信息举报电话：12377</div></body></html>"""
    return Page(page.encode("utf-8"), "text/html; charset=utf-8")


ARTICLE_RENDERERS = {HUAXIA: huaxia_article, FORMOSA: formosa_article, WIRE: wire_article,
                     PORTAL: portal_article}


# --- hubs ----------------------------------------------------------------------------------------
def _rfc822(pl: Placement) -> str:
    return http_date(published(pl))


def huaxia_rss(items: list[Placement]) -> Page:
    entries = [
        f"<item><title>{esc(headline(p, 'Hans'))}</title><link>{p.url}</link>"
        f"<description>{esc(p.story.paragraphs[0][:60])}</description>"
        f"<pubDate>{_rfc822(p)}</pubDate><guid isPermaLink=\"true\">{p.url}</guid></item>"
        for p in sorted(items, key=lambda p: (published(p), p.path), reverse=True)]
    entries.append(f"<item><title>内部预览</title><link>http://{HUAXIA}{sites.HUAXIA_INTERNAL}</link>"
                   "<pubDate>Fri, 13 Mar 2026 00:00:00 GMT</pubDate></item>")
    xml = ('<?xml version="1.0" encoding="gb2312"?>\n<rss version="2.0"><channel>'
           f"<title>华夏日报 - 社会新闻</title><link>http://{HUAXIA}/</link>"
           "<description>华夏日报最新新闻</description><language>zh-cn</language>"
           + "".join(entries) + "</channel></rss>")
    return Page(xml.encode("gbk", errors="xmlcharrefreplace"), "application/rss+xml")


def formosa_sitemaps(items: list[Placement], scale: int) -> dict[str, Page]:
    news = [p for p in items if p.story.key in ("z5-voice-clone-grandson",
                                                "z6-celebrity-deepfake-ads", "z1-faceswap-fraud")]
    rest = [p for p in items if p not in news]
    ns = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
          'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"')
    news_xml = "".join(
        f"<url><loc>{p.url}</loc><news:news><news:publication><news:name>寶島科技新聞網</news:name>"
        f"<news:language>zh-tw</news:language></news:publication>"
        f"<news:publication_date>{published(p).isoformat()}</news:publication_date>"
        f"<news:title>{esc(headline(p, 'Hant'))}</news:title></news:news></url>"
        for p in news)
    rest_xml = "".join(f"<url><loc>{p.url}</loc><lastmod>{published(p):%Y-%m-%d}</lastmod></url>"
                       for p in rest)
    children = ["/sitemaps/news.xml", "/sitemaps/local.xml"]
    index = "".join(f"<sitemap><loc>http://{FORMOSA}{c}</loc></sitemap>" for c in children)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return {
        "/sitemap_index.xml": Page((head + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                                    f'sitemap/0.9">{index}</sitemapindex>').encode(), "application/xml"),
        "/sitemaps/news.xml": Page((head + f"<urlset {ns}>{news_xml}</urlset>").encode(), "application/xml"),
        "/sitemaps/local.xml": Page((head + f"<urlset {ns}>{rest_xml}</urlset>").encode(), "text/xml"),
    }


def wire_listing(title: str, links: list[tuple[str, str]], next_page: str | None) -> Page:
    items = "".join(f'<li class="teaser"><a href="{href}">{esc(text)}</a></li>' for href, text in links)
    nxt = f'<a class="next" href="{next_page}">Next page</a>' if next_page else ""
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)} - The Example Wire</title></head>
<body><header><a href="/">The Example Wire</a><nav><a href="/world/">World</a> <a href="/tech/">Tech</a> <a href="/about/">About</a> <a href="/contact/">Contact</a></nav></header>
<main><h1>{esc(title)}</h1><ul class="river">{items}</ul>{nxt}</main>
<footer>&copy; 2026 The Example Wire</footer></body></html>"""
    return Page(page.encode("utf-8"), "text/html; charset=utf-8")


def wire_hubs(items: list[Placement], filler: list[Placement], edition: int) -> dict[str, Page]:
    by_key = {p.story.key: p for p in items}
    t = lambda k: (by_key[k].path, by_key[k].story.title)  # noqa: E731
    world = [t(k) for k in ("e8-ad-labels", "e5-video-call-heist", "e2-nudify-school",
                             "e1-robocall", "e4-bike-lanes") if k in by_key]
    world.append(("http://www.partner-site.test/2026/03/10/partner-story.html", "From our partners"))
    tech = [t("e3-ai-citations"),
            (sites.WIRE_PDF, "Download: AI incident tracker 2025 (PDF)"),
            (sites.WIRE_DRAFT, "Coming up"),
            (sites.WIRE_404, "Chatbot told users to eat rocks, company says")]
    tech2 = [(sites.WIRE_REDIRECT[0], "Storm knocks out power"),
             (sites.WIRE_ALIAS[0], "Schools and 'nudify' apps"),
             (sites.WIRE_OVERSIZED, "Live: AI safety summit, all the updates")]
    if edition >= 2:
        tech2.append((sites.WIRE_ALIAS_NEXT[0], "Robocall probe: what we know"))
    pages = {"/world/": wire_listing("World", world, None),
             "/tech/": wire_listing("Tech", tech, "/tech/?page=2"),
             "/tech/?page=2": wire_listing("Tech, page 2", tech2, None)}
    per = sites.FILLER_PER_PAGE
    chunks = [filler[i:i + per] for i in range(0, len(filler), per)]
    for n, chunk in enumerate(chunks, 1):
        nxt = f"/archive/?page={n + 1}" if n < len(chunks) else None
        pages[f"/archive/?page={n}"] = wire_listing(
            f"Archive, page {n}", [(p.path, p.story.title) for p in chunk], nxt)
    return pages


def portal_atom(items: list[Placement]) -> Page:
    entries = "".join(
        f"<entry><title>{esc(headline(p, 'Hans'))}</title><link rel=\"alternate\" href=\"{p.url}\"/>"
        f"<id>{p.url}</id><published>{published(p).isoformat()}</published>"
        f"<updated>{published(p).isoformat()}</updated></entry>"
        for p in sorted(items, key=lambda p: (published(p), p.path), reverse=True))
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
           f"<title>聚合新闻网</title><id>http://{PORTAL}/</id><updated>2026-03-12T12:00:00Z</updated>"
           f"<link rel=\"self\" href=\"http://{PORTAL}/atom.xml\"/>{entries}</feed>")
    return Page(xml.encode("utf-8"), "application/atom+xml")


def text_page(text: str, content_type: str = "text/plain") -> Page:
    return Page(text.encode("utf-8"), content_type, conditional=False)


def hub_pages(placements: list[Placement], edition: int, scale: int) -> dict[tuple[str, str], Page]:
    def mine(host):
        return [p for p in sites.live(placements, host, edition) if not p.story.key.startswith("filler")]

    def fill(host):
        return [p for p in placements if p.host == host and p.story.key.startswith("filler")]

    pages: dict[tuple[str, str], Page] = {
        (HUAXIA, "/rss.xml"): huaxia_rss(mine(HUAXIA) + fill(HUAXIA)),
        (PORTAL, "/atom.xml"): portal_atom(mine(PORTAL) + fill(PORTAL)),
        (HUAXIA, "/robots.txt"): text_page("User-agent: *\nDisallow: /internal/\n"),
        (FORMOSA, "/robots.txt"): text_page(
            f"User-agent: *\nDisallow: /admin/\n\nSitemap: http://{FORMOSA}/sitemap_index.xml\n"),
        (WIRE, "/robots.txt"): text_page("User-agent: *\nDisallow: /drafts/\n"),
        (PORTAL, "/robots.txt"): text_page("User-agent: *\nDisallow:\n"),
        (sites.SLOW, "/feed.xml"): Page(b'<?xml version="1.0"?><rss version="2.0"><channel>'
                                        b"</channel></rss>", "application/rss+xml"),
    }
    for path, page in formosa_sitemaps(mine(FORMOSA) + fill(FORMOSA), scale).items():
        pages[(FORMOSA, path)] = page
    for path, page in wire_hubs(mine(WIRE), fill(WIRE), edition).items():
        pages[(WIRE, path)] = page
    return pages


def special_pages() -> dict[tuple[str, str], Page]:
    """The misbehaving URLs: a redirect, a PDF, an oversized page (404 = anything unknown)."""
    redirect = Page(b"", "text/html", status=301, conditional=False,
                    headers={"Location": f"http://{WIRE}{sites.WIRE_REDIRECT[1]}"})
    pdf = Page(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               + b"0" * 20000 + b"\n%%EOF\n", "application/pdf")
    entry = ("<div class=\"update\"><time>12:00</time><p>Delegates continue to debate how to "
             "label synthetic media; live coverage continues below.</p></div>\n")
    big = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>Live: AI safety summit"
           "</title></head><body><main>" + entry * (sites.OVERSIZED_BYTES // len(entry) + 10)
           + "</main></body></html>")
    aliases = {(WIRE, a): Page(b"", "text/html", status=301, conditional=False,
                               headers={"Location": f"http://{WIRE}{b}"})
               for a, b in (sites.WIRE_ALIAS, sites.WIRE_ALIAS_NEXT)}
    return {**aliases, (WIRE, sites.WIRE_REDIRECT[0]): redirect,
            (WIRE, sites.WIRE_PDF): pdf,
            (WIRE, sites.WIRE_OVERSIZED): Page(big.encode(), "text/html; charset=utf-8")}


__all__ = ["ARTICLE_RENDERERS", "hub_pages", "special_pages", "CLOSED"]
