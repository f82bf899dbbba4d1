"""Pages as the fictional outlets render them: body, sidebars of other stories, one template each.

Long because it is mostly HTML template text, one function per outlet."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import escape
from typing import Callable


from corpus import (_S2T, ENCODINGS, LEAD_CHARS_ZH, TRUNCATE_SHARE, Copy, Link, Outlet, Page, Story, Text,
                    stable_int)

# ---------------------------------------------------------------- body and sidebars

def lead_of(story: Story) -> str:
    """The digest a portal prints under a headline: the opening of the first paragraph."""
    first = story.paragraphs[0]
    if story.lang == "zh":
        first = re.sub(r"^[^（]{0,20}[讯电]（[^）]*）", "", first)
        return first[:LEAD_CHARS_ZH] + "……"
    first = re.sub(r"^[A-Z][A-Z .]+ — ", "", first)
    match = re.search(r"^.{40,}?[.!?](?= )", first)
    return match.group(0) if match else first


def truncate(paragraphs: tuple[str, ...], lang: str) -> list[str]:
    """Whole paragraphs up to TRUNCATE_SHARE of the characters, then a cut mid-paragraph."""
    budget = TRUNCATE_SHARE * sum(len(p) for p in paragraphs)
    kept: list[str] = []
    for para in paragraphs:
        if len(para) <= budget:
            kept.append(para)
            budget -= len(para)
            continue
        cut = para[: int(budget)]
        if lang == "en":
            kept.append(cut.rsplit(" ", 1)[0].rstrip(",;") + " ...")
        elif cut:
            kept.append(cut + "……")
        break
    return kept


def compose_blocks(story: Story, copy: Copy, outlet: Outlet, conv: Text) -> list[tuple[str, str]]:
    """Body paragraphs with the extras each kind of copy carries."""
    paras = [conv(p) for p in story.paragraphs]
    caption = conv(story.caption)
    if copy.role == "truncated":
        return [("p", conv(p)) for p in truncate(story.paragraphs, story.lang)] + [("more", "")]
    blocks: list[tuple[str, str]] = []
    for i, para in enumerate(paras):
        blocks.append(("p", para))
        if i == 0:
            blocks.append(("caption", caption))
        if copy.role == "copy" and i == 1:
            blocks.append(("ad", outlet.ad))
        if copy.role == "copy" and i == 2 and len(paras) > 4:
            blocks.append(("caption", caption))  # the portal template repeats the caption
    return blocks


def headline_on(outlet: Outlet, story: Story) -> str:
    for c in story.copies:
        if c.outlet == outlet.key and c.headline:
            return c.headline
    return outlet.to_script(story.headline)


def url_on(outlet: Outlet, story: Story) -> str:
    for c in story.copies:
        if c.outlet == outlet.key:
            return c.url
    return f"{outlet.base}/{story.section}/{stable_int(outlet.key, story.key):08x}.html"


def sidebars(story: Story, outlet: Outlet, stories: list[Story]) -> tuple[tuple[Link, ...], ...]:
    others = [s for s in stories if s.lang == outlet.lang and s.key != story.key]
    links = {s.key: Link(url_on(outlet, s), headline_on(outlet, s), outlet.to_script(lead_of(s)),
                         stable_int("views", outlet.key, s.key) % 90000 + 3000) for s in others}
    fill = [Link(f"{outlet.base}/more/{stable_int(h):08x}.html", h, "", stable_int("views", h) % 40000 + 2000)
            for h in outlet.fillers]
    latest = [links[s.key] for s in sorted(others, key=lambda s: s.published, reverse=True)]
    latest = (latest + fill)[:6]
    hot = sorted(list(links.values()) + fill, key=lambda l: l.count, reverse=True)[:5]

    def closeness(s: Story) -> tuple:
        return (s.topic != story.topic, s.section != story.section, abs((s.published - story.published).total_seconds()))

    related = [links[s.key] for s in sorted(others, key=closeness)[:3]]
    return tuple(latest), tuple(hot), tuple(related)


def build_page(story: Story, copy: Copy, stories: list[Story]) -> Page:
    outlet = outlet_for(copy, story)
    conv = outlet.to_script
    latest, hot, related = sidebars(story, outlet, stories)
    when = datetime.fromisoformat(copy.published)
    comments = tuple(
        (conv(story.comments[i][0]), when + timedelta(minutes=53 * (n + 1) + stable_int(story.key, str(i)) % 40),
         conv(story.comments[i][1]), stable_int("likes", outlet.key, story.key, str(i)) % 300)
        for n, i in enumerate(outlet.comment_picks))
    source = copy.source or outlet.name
    return Page(story=story, copy=copy, outlet=outlet, headline=copy.headline or conv(story.headline),
                blocks=tuple(compose_blocks(story, copy, outlet, conv)), latest=latest, hot=hot,
                related=related, comments=comments,
                charset=ENCODINGS[copy.encoding or outlet.encoding][1], source=source,
                editor=copy.editor or outlet.editor, byline=conv(story.byline))


# ---------------------------------------------------------------- shared template pieces

def e(text: str) -> str:
    """Escape for text and double-quoted attributes; apostrophes stay as typed, as CMSes leave them."""
    return escape(text, quote=False).replace('"', "&quot;")


def head_meta(p: Page, title: str, site: str, http_equiv: bool = False) -> str:
    """<head> metadata every outlet has: charset, title, Open Graph, published time, canonical."""
    charset = ""
    if p.charset and http_equiv:  # the older CMS spelling
        charset = f'<meta http-equiv="Content-Type" content="text/html; charset={p.charset}" />\n'
    elif p.charset:
        charset = f'<meta charset="{p.charset}">\n'
    desc = e(p.outlet.to_script(lead_of(p.story)))
    return (f"{charset}<title>{e(title)}</title>\n"
            f'<meta name="description" content="{desc}">\n'
            f'<meta property="og:type" content="article">\n'
            f'<meta property="og:site_name" content="{e(site)}">\n'
            f'<meta property="og:title" content="{e(p.headline)}">\n'
            f'<meta property="og:url" content="{e(p.copy.url)}">\n'
            f'<meta property="article:published_time" content="{p.copy.published}">\n'
            f'<link rel="canonical" href="{e(p.copy.url)}">\n')


def link_list(links: tuple[Link, ...], with_lead: bool = False, count_label: str = "") -> str:
    items = []
    for link in links:
        lead = f"<p>{e(link.lead)}</p>" if with_lead and link.lead else ""
        count = f'<span class="num">{link.count}{count_label}</span>' if count_label else ""
        items.append(f'<li><a href="{e(link.url)}">{e(link.headline)}</a>{count}{lead}</li>')
    return "\n".join(items)


def body_html(p: Page, para: Callable[[str], str], caption: Callable[[str], str],
              ad: Callable[[str], str], more: Callable[[], str]) -> str:
    render = {"p": para, "caption": caption, "ad": ad}
    return "\n".join(more() if kind == "more" else render[kind](text) for kind, text in p.blocks)


def original_url(p: Page) -> str:
    return p.story.original.url


WEEKDAYS_ZH = "一二三四五六日"


# ---------------------------------------------------------------- outlet templates

def render_qhrb(p: Page) -> str:
    w = p.when
    body = body_html(
        p, lambda t: f"<p>{e(t)}</p>",
        lambda t: f'<figure class="pic"><img src="https://img.qhrb.com.cn/2026/{w:%m%d}/{stable_int(p.copy.url):x}.jpg" alt=""><figcaption>{e(t)}</figcaption></figure>',
        lambda t: f'<p class="adv">{e(t)}</p>', lambda: "")
    comments = "\n".join(
        f'<div class="cmt-item"><span class="cmt-user">{e(u)}</span><span class="cmt-time">{t:%m-%d %H:%M}</span>'
        f'<p class="cmt-text">{e(c)}</p><span class="cmt-like">赞({k})</span></div>' for u, t, c, k in p.comments)
    source = f'<span class="src">来源：{e(p.source)}</span>'
    author = f'<span class="author">作者：{e(p.byline)}</span>' if p.copy.role == "original" else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{head_meta(p, f"{p.headline}_青禾日报", "青禾日报")}<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="https://static.qhrb.com.cn/css/article.2026.css">
</head>
<body>
<div class="top-bar"><span>{w.year}年{w.month}月{w.day}日 星期{WEEKDAYS_ZH[w.weekday()]}</span> <a href="https://www.qhrb.com.cn/epaper/">数字报</a> <a href="https://passport.qhrb.com.cn/login">登录</a> <a href="https://passport.qhrb.com.cn/reg">注册</a></div>
<header class="masthead"><a class="logo" href="https://www.qhrb.com.cn/"><img src="https://static.qhrb.com.cn/img/logo.png" alt="青禾日报"></a>
<form class="search" action="https://search.qhrb.com.cn/"><input name="q" placeholder="请输入关键词"><button type="submit">搜索</button></form></header>
<nav class="main-nav"><ul><li><a href="https://www.qhrb.com.cn/">首页</a></li><li><a href="https://www.qhrb.com.cn/yaowen/">要闻</a></li><li><a href="https://www.qhrb.com.cn/fazhi/">法治</a></li><li><a href="https://www.qhrb.com.cn/shehui/">社会</a></li><li><a href="https://www.qhrb.com.cn/caijing/">财经</a></li><li><a href="https://www.qhrb.com.cn/keji/">科技</a></li><li><a href="https://www.qhrb.com.cn/wenhua/">文化</a></li><li><a href="https://www.qhrb.com.cn/tiyu/">体育</a></li><li><a href="https://www.qhrb.com.cn/pinglun/">评论</a></li></ul></nav>
<div class="w1200 clearfix">
<div class="main-col">
<div class="crumbs"><a href="https://www.qhrb.com.cn/">首页</a> &gt; <a href="https://www.qhrb.com.cn/{p.story.section}/">{SECTION_ZH[p.story.section]}</a> &gt; 正文</div>
<article class="article">
<h1 class="article-title">{e(p.headline)}</h1>
<div class="article-meta"><time datetime="{p.copy.published}">{w:%Y-%m-%d %H:%M}</time> {source} {author}</div>
<div class="article-body" id="articleBody">
{body}
</div>
<p class="editor">责任编辑：{e(p.editor)}</p>
<div class="share-bar">分享到：<a class="wx" href="javascript:;">微信</a><a class="wb" href="javascript:;">微博</a><a class="qz" href="javascript:;">QQ空间</a><a class="copy" href="javascript:;">复制链接</a></div>
</article>
<section class="related"><h3>相关阅读</h3><ul>
{link_list(p.related, with_lead=True)}
</ul></section>
<section class="comments"><h3>网友评论<span>（{len(p.comments)}条）</span></h3>
{comments}
<div class="cmt-form"><textarea placeholder="文明上网，理性发言"></textarea><button>发表评论</button></div></section>
</div>
<aside class="side-col">
<div class="side-box"><h3>最新</h3><ul>
{link_list(p.latest)}
</ul></div>
<div class="side-box"><h3>热点</h3><ol>
{link_list(p.hot, count_label="阅读")}
</ol></div>
<div class="side-box ad-box"><a href="https://ad.qhrb.com.cn/c?id=2291"><img src="https://static.qhrb.com.cn/ad/spring.jpg" alt="广告"></a></div>
</aside>
</div>
<footer class="site-footer"><p><a href="https://www.qhrb.com.cn/about/">关于我们</a> | <a href="https://www.qhrb.com.cn/contact/">联系我们</a> | <a href="https://www.qhrb.com.cn/ads/">广告服务</a> | <a href="https://www.qhrb.com.cn/copyright/">版权声明</a></p>
<p>Copyright © 2026 青禾日报社 All Rights Reserved. 未经书面授权禁止转载、摘编</p>
<p>京ICP备10024587号-1　京公网安备11010502031876号　违法和不良信息举报电话：010-65368820</p></footer>
</body>
</html>
"""


def render_huaxun(p: Page) -> str:
    w = p.when
    img = f"https://n.huaxunimg.cn/news/2026/{w:%m%d}/{stable_int(p.copy.url):x}.jpg"
    body = body_html(
        p, lambda t: f"<p>　　{e(t)}</p>",
        lambda t: f'<p align="center"><img src="{img}" alt="" /></p>\n<p align="center">{e(t)}</p>',
        lambda t: f'<p class="adv">{e(t)}</p>', lambda: "")
    comments = "\n".join(
        f'<li><span class="user">{e(u)}</span> <span class="date">{t:%Y-%m-%d %H:%M}</span><p>{e(c)}</p><a href="javascript:;">支持[{k}]</a></li>'
        for u, t, c, k in p.comments)
    meta = head_meta(p, f"{p.headline}|华讯网新闻中心", "华讯网", http_equiv=p.copy.charset_tag == "http-equiv")
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{meta}<meta name="mediaid" content="{e(p.source)}" />
<link rel="stylesheet" type="text/css" href="https://n.huaxunimg.cn/css/article_v3.css" />
<script type="text/javascript">var ARTICLE_CONF = {{channel: "news", docid: "{p.copy.url.rsplit('-', 1)[-1].split('.')[0]}"}};</script>
</head>
<body>
<div id="top_nav"><a href="https://www.huaxun.com.cn/">华讯首页</a> | <a href="https://news.huaxun.com.cn/">新闻</a> | <a href="https://finance.huaxun.com.cn/">财经</a> | <a href="https://tech.huaxun.com.cn/">科技</a> | <a href="https://sports.huaxun.com.cn/">体育</a> | <a href="https://ent.huaxun.com.cn/">娱乐</a> | <a href="https://auto.huaxun.com.cn/">汽车</a> | <a href="https://house.huaxun.com.cn/">房产</a> | <a href="https://video.huaxun.com.cn/">视频</a> <a class="login" href="https://login.huaxun.com.cn/">登录</a></div>
<div class="header"><a href="https://news.huaxun.com.cn/"><img src="https://n.huaxunimg.cn/img/news_logo.gif" alt="华讯新闻" /></a>
<div class="channel_nav"><a href="https://news.huaxun.com.cn/china/">国内</a> <a href="https://news.huaxun.com.cn/world/">国际</a> <a href="https://news.huaxun.com.cn/society/">社会</a> <a href="https://news.huaxun.com.cn/law/">法治</a> <a href="https://news.huaxun.com.cn/pl/">评论</a> <a href="https://news.huaxun.com.cn/photo/">图片</a> <a href="https://news.huaxun.com.cn/zt/">专题</a></div></div>
<div class="wrap">
<div class="main_left">
<div class="path"><a href="https://www.huaxun.com.cn/">华讯网</a> &gt; <a href="https://news.huaxun.com.cn/">新闻中心</a> &gt; {SECTION_ZH[p.story.section]} &gt; 正文</div>
<h1 id="artibodyTitle">{e(p.headline)}</h1>
<div class="page-info"><span class="time-source"><span id="pub_date">{w.year}年{w:%m}月{w:%d}日 {w:%H:%M}</span>&nbsp;&nbsp;<span class="source">来源：{e(p.source)}</span></span>&nbsp;&nbsp;<a href="#comment">评论({len(p.comments) * 7 + 2})</a></div>
<div class="blkContainerSblkCon" id="artibody">
{body}
<p class="article-editor">（责任编辑：{e(p.editor)}）</p>
</div>
<div class="share">分享到：<a href="javascript:;">微博</a> <a href="javascript:;">微信</a> <a href="javascript:;">QQ空间</a> <a href="javascript:;">豆瓣</a></div>
<div class="corrTxt"><h2>相关阅读</h2><ul>
{link_list(p.related, with_lead=True)}
</ul></div>
<div class="comment" id="comment"><h2>网友评论</h2><span class="count">已有{len(p.comments) * 7 + 2}条评论</span><ul>
{comments}
</ul><a class="more_cmt" href="https://comment.huaxun.com.cn/">查看更多评论&gt;&gt;</a> <a class="post_cmt" href="javascript:;">我要评论</a></div>
</div>
<div class="main_right">
<div class="news_list"><h3>最新新闻</h3><ul>
{link_list(p.latest)}
</ul></div>
<div class="hot"><h3>热点排行</h3><ol>
{link_list(p.hot, count_label="")}
</ol></div>
<div class="adbox"><a href="https://ad.huaxun.com.cn/click?p=88"><img src="https://n.huaxunimg.cn/ad/300x250.jpg" alt="广告" /></a></div>
</div>
</div>
<div id="footer"><p><a href="https://www.huaxun.com.cn/about/">华讯简介</a> | <a href="https://www.huaxun.com.cn/ad/">广告服务</a> | <a href="https://www.huaxun.com.cn/jobs/">招聘信息</a> | <a href="https://www.huaxun.com.cn/help/">网站律师</a> | <a href="https://www.huaxun.com.cn/report/">举报中心</a></p>
<p>华讯网 版权所有 Copyright &copy; 1998-2026 Huaxun Corporation, All Rights Reserved</p>
<p>京ICP证000128号　互联网新闻信息服务许可证：11220180006</p></div>
</body>
</html>
"""


def render_huaxun_zj(p: Page) -> str:
    """The portal's regional channel: an older table layout that declares no charset at all."""
    w = p.when
    body = body_html(
        p, lambda t: f"<p>　　{e(t)}</p>",
        lambda t: f'<p style="text-align:center"><img src="/uploadfile/2026/{w:%m%d}/{stable_int(p.copy.url):x}.jpg" border="0" /><br />{e(t)}</p>',
        lambda t: f"<p><strong>{e(t)}</strong></p>", lambda: "")
    comments = "\n".join(f"<tr><td>{e(u)}（{t:%m-%d %H:%M}）：{e(c)}</td></tr>" for u, t, c, _ in p.comments)
    return f"""<html>
<head>
{head_meta(p, f"{p.headline}-华讯浙江", "华讯浙江")}<link href="/css/style.css" rel="stylesheet" type="text/css">
</head>
<body>
<table width="960" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td class="topnav"><a href="https://zj.huaxun.com.cn/">华讯浙江首页</a> | <a href="https://zj.huaxun.com.cn/news/">浙江新闻</a> | <a href="https://zj.huaxun.com.cn/hz/">杭州</a> | <a href="https://zj.huaxun.com.cn/nb/">宁波</a> | <a href="https://zj.huaxun.com.cn/wz/">温州</a> | <a href="https://zj.huaxun.com.cn/house/">房产</a> | <a href="https://zj.huaxun.com.cn/edu/">教育</a></td></tr></table>
<table width="960" border="0" align="center" cellpadding="0" cellspacing="0"><tr>
<td width="660" valign="top">
<div class="position">您现在的位置：<a href="https://zj.huaxun.com.cn/">首页</a> &gt;&gt; <a href="https://zj.huaxun.com.cn/news/">浙江新闻</a></div>
<div class="title">{e(p.headline)}</div>
<div class="info">{w:%Y-%m-%d %H:%M:%S}　来源：{e(p.source)}　编辑：{e(p.editor)}　【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a>】</div>
<div id="zoom">
{body}
<p>　　（编辑：{e(p.editor)}）</p>
</div>
<div class="bdshare">分享到：<a href="javascript:;">新浪微博</a> <a href="javascript:;">微信</a> <a href="javascript:;">QQ空间</a></div>
<table width="100%" class="xgyd"><tr><td><b>相关阅读：</b></td></tr>
{"".join(f'<tr><td><a href="{e(l.url)}">{e(l.headline)}</a><br />{e(l.lead)}</td></tr>' for l in p.related)}
</table>
<table width="100%" class="pl"><tr><td><b>网友评论</b>（仅代表网友个人观点）</td></tr>
{comments}
</table>
</td>
<td width="20"></td>
<td width="280" valign="top">
<div class="rbox"><div class="rtit">最新更新</div><ul>
{link_list(p.latest)}
</ul></div>
<div class="rbox"><div class="rtit">点击排行</div><ul>
{link_list(p.hot)}
</ul></div>
</td></tr></table>
<table width="960" border="0" align="center" class="foot"><tr><td align="center">华讯浙江频道 版权所有　Copyright &copy; 2008-2026 zj.huaxun.com.cn All Rights Reserved<br />浙ICP备08016745号</td></tr></table>
</body>
</html>
"""


def render_mingcheng(p: Page) -> str:
    w = p.when
    body = body_html(
        p, lambda t: f"<p>{e(t)}</p>",
        lambda t: f'<div class="photo"><img src="https://static.mingcheng.hk/photo/2026{w:%m%d}/{stable_int(p.copy.url):x}.jpg" alt=""><p class="caption">{e(t)}</p></div>',
        lambda t: f'<div class="ad-inline"><p>{e(t)}</p></div>', lambda: "")
    comments = "\n".join(
        f'<div class="msg"><b>{e(u)}</b> <span>{t.year}年{t.month}月{t.day}日 {t:%H:%M}</span><p>{e(c)}</p><em>讚好 {k}</em></div>'
        for u, t, c, k in p.comments)
    return f"""<!DOCTYPE html>
<html lang="zh-HK">
<head>
{head_meta(p, f"{p.headline} - 明澄新聞網", "明澄新聞網")}<meta property="article:section" content="中國">
<link rel="stylesheet" href="https://static.mingcheng.hk/css/main.css">
</head>
<body>
<div id="header"><div class="logo"><a href="https://www.mingcheng.hk/"><img src="https://static.mingcheng.hk/img/logo.gif" alt="明澄新聞網"></a></div>
<div class="date">{w.year}年{w.month}月{w.day}日 星期{WEEKDAYS_ZH[w.weekday()]}</div><div class="lang"><a href="https://english.mingcheng.hk/">English</a> | <a href="https://www.mingcheng.hk/subscribe/">訂閱</a> | <a href="https://www.mingcheng.hk/login/">登入</a></div></div>
<ul id="menu"><li><a href="https://www.mingcheng.hk/">主頁</a></li><li><a href="https://www.mingcheng.hk/hk/">港聞</a></li><li><a href="https://www.mingcheng.hk/china/">中國</a></li><li><a href="https://www.mingcheng.hk/world/">國際</a></li><li><a href="https://www.mingcheng.hk/economy/">經濟</a></li><li><a href="https://www.mingcheng.hk/sports/">體育</a></li><li><a href="https://www.mingcheng.hk/ent/">娛樂</a></li><li><a href="https://www.mingcheng.hk/weather/">天氣</a></li></ul>
<div id="container">
<div id="leftcol">
<div class="breadcrumb"><a href="https://www.mingcheng.hk/">主頁</a> &gt; <a href="https://www.mingcheng.hk/china/">中國</a></div>
<h1>{e(p.headline)}</h1>
<div class="artinfo"><time datetime="{p.copy.published}">{w.year}年{w.month}月{w.day}日 {w:%H:%M}</time> | 來源：{e(p.source)}</div>
<div class="share">分享：<a href="javascript:;">Facebook</a> <a href="javascript:;">WhatsApp</a> <a href="javascript:;">微信</a> <a href="javascript:;">複製連結</a></div>
<div id="artcontent">
{body}
<p>（責任編輯：{e(p.editor)}）</p>
</div>
<div class="relnews"><h3>相關新聞</h3><ul>
{link_list(p.related, with_lead=True)}
</ul></div>
<div id="comments"><h3>讀者留言（{len(p.comments)}）</h3>
{comments}
<p class="note">留言只代表讀者個人意見，不代表本網立場。</p></div>
</div>
<div id="rightcol">
<div class="box"><h3>最新新聞</h3><ul>
{link_list(p.latest)}
</ul></div>
<div class="box"><h3>熱門</h3><ol>
{link_list(p.hot)}
</ol></div>
</div>
</div>
<div id="footer"><p><a href="https://www.mingcheng.hk/about/">關於我們</a> | <a href="https://www.mingcheng.hk/contact/">聯絡我們</a> | <a href="https://www.mingcheng.hk/ad/">廣告查詢</a> | <a href="https://www.mingcheng.hk/privacy/">私隱政策</a> | <a href="https://www.mingcheng.hk/disclaimer/">免責聲明</a></p>
<p>&copy; 2026 明澄新聞有限公司 版權所有 不得轉載</p></div>
</body>
</html>
"""


def _en_time(w: datetime) -> str:
    hour = w.hour % 12 or 12
    return f"{hour}:{w:%M}{'am' if w.hour < 12 else 'pm'}, {w.day} {w:%b %Y}"


def render_mingcheng_en(p: Page) -> str:
    w = p.when
    body = body_html(
        p, lambda t: f"<p>{e(t)}</p>",
        lambda t: f'<figure><img src="https://static.mingcheng.hk/en/photo/{stable_int(p.copy.url):x}.jpg" alt=""><figcaption>{e(t)}</figcaption></figure>',
        lambda t: f'<div class="ad"><span>{e(t)}</span></div>', lambda: "")
    byline = f"By {e(p.byline)}" if p.copy.role == "original" else f"Source: {e(p.source)}"
    credit = f'<p class="credit">This article originally appeared in {e(p.source)}.</p>\n' if p.copy.role != "original" else ""
    comments = "\n".join(
        f'<li class="comment"><strong>{e(u)}</strong> <span>{_en_time(t)}</span><p>{e(c)}</p><button>Like ({k})</button></li>'
        for u, t, c, k in p.comments)
    kicker = {"china": "China", "hong-kong": "Hong Kong"}.get(p.story.section, "World")
    return f"""<!doctype html>
<html lang="en">
<head>
{head_meta(p, f"{p.headline} | Mingcheng News", "Mingcheng News")}<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="https://static.mingcheng.hk/en/css/site.css">
</head>
<body>
<header class="site-header"><a class="brand" href="https://english.mingcheng.hk/">Mingcheng News <small>English Edition</small></a>
<nav><a href="https://english.mingcheng.hk/hong-kong/">Hong Kong</a> <a href="https://english.mingcheng.hk/china/">China</a> <a href="https://english.mingcheng.hk/asia/">Asia</a> <a href="https://english.mingcheng.hk/world/">World</a> <a href="https://english.mingcheng.hk/business/">Business</a> <a href="https://english.mingcheng.hk/tech/">Tech</a> <a href="https://english.mingcheng.hk/sport/">Sport</a> <a href="https://english.mingcheng.hk/opinion/">Opinion</a> <a href="https://www.mingcheng.hk/">中文</a></nav>
<a class="subscribe" href="https://english.mingcheng.hk/subscribe/">Subscribe</a></header>
<main class="layout">
<article class="story">
<p class="kicker">{kicker}</p>
<h1>{e(p.headline)}</h1>
<div class="meta"><span class="byline">{byline}</span> <time datetime="{p.copy.published}">Published: {_en_time(w)}</time></div>
<div class="share"><a href="javascript:;">Facebook</a> <a href="javascript:;">X</a> <a href="javascript:;">WhatsApp</a> <a href="javascript:;">LinkedIn</a> <a href="javascript:;">Email</a></div>
<div class="article-body">
{body}
</div>
{credit}</article>
<section class="related"><h2>Related stories</h2><ul>
{link_list(p.related, with_lead=True)}
</ul></section>
<section class="comments"><h2>Comments ({len(p.comments)})</h2><ul>
{comments}
</ul><p class="policy">Comments are moderated. Please keep the conversation civil.</p></section>
<aside class="rail"><h2>Most read</h2><ol>
{link_list(p.hot)}
</ol><h2>Latest</h2><ul>
{link_list(p.latest)}
</ul></aside>
</main>
<footer class="site-footer"><p>© 2026 Mingcheng News Ltd. All rights reserved.</p>
<p><a href="https://english.mingcheng.hk/terms/">Terms of use</a> | <a href="https://english.mingcheng.hk/privacy/">Privacy policy</a> | <a href="https://english.mingcheng.hk/contact/">Contact us</a> | <a href="https://english.mingcheng.hk/advertise/">Advertise with us</a></p></footer>
</body>
</html>
"""


def render_ledger(p: Page) -> str:
    w = p.when
    zone = "EST" if w.utcoffset() == timedelta(hours=-5) else "EDT"
    stamp = f"{w:%B} {w.day}, {w.year} at {w.hour % 12 or 12}:{w:%M} {'a.m.' if w.hour < 12 else 'p.m.'} {zone}"
    body = body_html(
        p, lambda t: f"<p>{e(t)}</p>",
        lambda t: f'<figure class="wp-block-image"><img src="https://www.harbourledger.com/wp-content/uploads/2026/03/{stable_int(p.copy.url):x}.jpg" alt=""><figcaption>{e(t)}</figcaption></figure>',
        lambda t: f'<div class="ad-container"><p class="ad-label">{e(t)}</p><div id="gpt-ad-{stable_int(p.copy.url) % 97}"></div></div>',
        lambda: "")
    if p.copy.role == "original":
        byline = f'By <a href="https://www.harbourledger.com/author/{p.byline.lower().replace(" ", "-")}/">{e(p.byline)}</a>, Staff writer'
        source = ""
    else:
        byline = f"By {e(p.byline)}, {e(p.source)}"
        source = f'<p class="article-source">Source: {e(p.source)}</p>\n'
    comments = "\n".join(
        f'<div class="comment"><p class="comment-author">{e(u)}</p><p class="comment-date">{t:%b} {t.day}, {t.year}</p><p class="comment-body">{e(c)}</p><p class="comment-likes">{k} likes</p></div>'
        for u, t, c, k in p.comments)
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{head_meta(p, f"{p.headline} – The Harbour Ledger", "The Harbour Ledger")}<meta name="author" content="{e(p.byline)}">
<link rel="stylesheet" href="https://www.harbourledger.com/wp-content/themes/ledger/style.css?ver=4.2.1">
</head>
<body class="post-template-default single single-post">
<div class="alert-bar">Primary day is March 17. <a href="https://www.harbourledger.com/voter-guide/">Read our voter guide</a></div>
<header class="site-header"><div class="masthead"><a href="https://www.harbourledger.com/">The Harbour Ledger</a><span class="tagline">Port Ashby's news since 1887</span></div>
<nav class="primary-nav"><ul><li><a href="https://www.harbourledger.com/news/">News</a></li><li><a href="https://www.harbourledger.com/news/local/">Local</a></li><li><a href="https://www.harbourledger.com/politics/">Politics</a></li><li><a href="https://www.harbourledger.com/news/education/">Education</a></li><li><a href="https://www.harbourledger.com/business/">Business</a></li><li><a href="https://www.harbourledger.com/news/world/">World</a></li><li><a href="https://www.harbourledger.com/sports/">Sports</a></li><li><a href="https://www.harbourledger.com/opinion/">Opinion</a></li><li><a href="https://www.harbourledger.com/obituaries/">Obituaries</a></li></ul></nav>
<a class="button subscribe" href="https://www.harbourledger.com/subscribe/">Subscribe</a></header>
<main id="primary">
<article class="post">
<header class="entry-header"><h1 class="entry-title">{e(p.headline)}</h1>
<p class="byline">{byline}</p>
<p class="dateline"><time class="entry-date published" datetime="{p.copy.published}">{stamp}</time></p>
<div class="share-tools"><button>Share on Facebook</button> <button>Share on X</button> <button>Email</button> <button>Print</button></div></header>
<div class="entry-content">
{source}{body}
</div>
<div class="newsletter-signup"><p>Sign up for The Morning Ledger, our free daily newsletter.</p><form><input type="email" placeholder="Email address"><button>Sign up</button></form></div>
</article>
<section class="related-stories"><h2>Related stories</h2><ul>
{link_list(p.related, with_lead=True)}
</ul></section>
<section id="comments"><h2>Comments ({len(p.comments)})</h2>
{comments}
<p class="comment-policy">Comments are moderated and may take up to 24 hours to appear. See our <a href="https://www.harbourledger.com/comment-policy/">comment policy</a>.</p></section>
<aside class="sidebar"><h2>Most read</h2><ol>
{link_list(p.hot)}
</ol><h2>Latest news</h2><ul>
{link_list(p.latest)}
</ul></aside>
</main>
<footer class="site-footer"><p>© 2026 The Harbour Ledger. All rights reserved.</p>
<nav><a href="https://www.harbourledger.com/about/">About</a> | <a href="https://www.harbourledger.com/contact/">Contact</a> | <a href="https://www.harbourledger.com/advertise/">Advertise</a> | <a href="https://www.harbourledger.com/terms/">Terms of Service</a> | <a href="https://www.harbourledger.com/privacy/">Privacy Policy</a></nav></footer>
</body>
</html>
"""


def render_newspulse(p: Page) -> str:
    zh = p.story.lang == "zh"
    w = p.when
    more_text = "阅读全文" if zh else f"Read the full story at {e(p.source)}"
    body = body_html(
        p, lambda t: f"<p>{e(t)}</p>",
        lambda t: f'<div class="np-img"><img src="https://cdn.newspulse.io/i/{stable_int(p.copy.url):x}.webp" alt=""><span>{e(t)}</span></div>',
        lambda t: f'<div class="np-ad"><p>{e(t)}</p></div>',
        lambda: f'<p class="np-more"><a href="{e(original_url(p))}" rel="nofollow">{more_text}</a></p>')
    if zh:
        notice = "" if p.copy.role == "truncated" else f"<p>本文来源：{e(p.source)}，版权归原作者所有，如有侵权请联系删除。</p>\n"
        notice += f"<p>责任编辑：{e(p.editor)}</p>\n" if p.copy.role != "truncated" else ""
        labels = ("推荐", "热榜", "国内", "国际", "科技", "财经", "体育", "本地")
        rec, hot, cmts, share, app = "你可能还想看", "24小时热榜", "评论", "分享：微信 微博 复制链接", "下载APP"
        stamp, src = f"{w:%m-%d %H:%M}", f"来源：{e(p.source)}"
        foot = "© 2026 NewsPulse 新闻脉搏 | 用户协议 | 隐私政策 | 沪ICP备2021088765号"
    else:
        notice = "" if p.copy.role == "truncated" else f"<p>Source: {e(p.source)}</p>\n"
        labels = ("For you", "Trending", "World", "US", "Asia", "Tech", "Business", "Sports")
        rec, hot, cmts, share, app = "You may also like", "Trending now", "Comments", "Share: Facebook X Copy link", "Get the app"
        stamp, src = f"{w:%b} {w.day}, {w.year} {w:%H:%M}", f"Source: {e(p.source)}"
        foot = "© 2026 NewsPulse. All rights reserved. | Terms | Privacy"
    comments = "\n".join(f'<div class="np-cmt"><b>{e(u)}</b><p>{e(c)}</p><i>{k}</i></div>' for u, _, c, k in p.comments)
    nav = " ".join(f'<a href="https://newspulse.io/{p.story.lang}/c/{i}">{x}</a>' for i, x in enumerate(labels))
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if zh else 'en'}">
<head>
{head_meta(p, f"{p.headline} - {'新闻脉搏' if zh else 'NewsPulse'}", "NewsPulse")}<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
<header class="np-header"><a class="np-logo" href="https://newspulse.io/{p.story.lang}/">{'新闻脉搏 NewsPulse' if zh else 'NewsPulse'}</a><nav>{nav}</nav><a class="np-app" href="https://newspulse.io/app">{app}</a></header>
<div class="np-container">
<article class="np-article">
<h1>{e(p.headline)}</h1>
<div class="np-meta"><span class="np-src">{src}</span> <time datetime="{p.copy.published}">{stamp}</time></div>
<div class="np-content">
{body}
{notice}</div>
<div class="np-share">{share}</div>
</article>
<section class="np-rec"><h3>{rec}</h3><ul>
{link_list(p.related, with_lead=True)}
</ul></section>
<section class="np-comments"><h3>{cmts} {len(p.comments)}</h3>
{comments}
</section>
</div>
<aside class="np-side"><h3>{hot}</h3><ol>
{link_list(p.hot)}
</ol></aside>
<footer class="np-footer">{foot}</footer>
</body>
</html>
"""


SECTION_ZH = {"fazhi": "法治", "shehui": "社会", "keji": "科技"}

ZH_FILLERS = ("多地春季招聘会陆续启动 重点行业岗位需求旺盛", "新一批以旧换新补贴资金下达",
              "国内首条跨海高铁进入联调联试阶段", "中超联赛新赛季揭幕 首轮共打进21球")
OUTLETS: dict[str, Outlet] = {o.key: o for o in (
    Outlet("qhrb", "青禾日报", "zh", "https://www.qhrb.com.cn", "utf-8", "王琳",
           "广告　青禾优选｜春季家电以旧换新，至高补贴2000元，点击查看>>", "nginx", (0, 1), ZH_FILLERS, render_qhrb),
    Outlet("huaxun", "华讯网", "zh", "https://news.huaxun.com.cn", "gbk", "张一凡",
           "【广告】春季家装节 全屋定制限时直降30% 立即预约>>", "HXWS/2.1", (1, 2, 3), ZH_FILLERS, render_huaxun),
    Outlet("huaxun-zj", "华讯浙江", "zh", "https://zj.huaxun.com.cn", "gbk-undeclared", "陈佳怡",
           "广告：杭州春季房博会3月28日开幕，现场购房享专属折扣", "Apache", (0, 3), ZH_FILLERS, render_huaxun_zj),
    Outlet("mingcheng", "明澄新聞", "zh", "https://www.mingcheng.hk", "big5", "梁嘉欣",
           "廣告　明澄電子版訂戶限時優惠：首年月費半價", "Microsoft-IIS/10.0", (0, 2),
           tuple(_S2T.convert(h) for h in ZH_FILLERS[:2]) + ("港鐵東鐵線4月起加密班次", "恆指收市升312點 科技股反彈"),
           render_mingcheng, _S2T.convert),
    Outlet("mingcheng-en", "Mingcheng News", "en", "https://english.mingcheng.hk", "utf-8", "",
           "Advertisement", "Microsoft-IIS/10.0", (1, 3),
           ("MTR to add trains on East Rail line from April", "Hang Seng Index ends 312 points higher as tech rebounds"),
           render_mingcheng_en),
    Outlet("ledger", "The Harbour Ledger", "en", "https://www.harbourledger.com", "utf-8", "",
           "Advertisement", "nginx", (0, 1, 2),
           ("City council approves harbour ferry budget", "Port Ashby Pirates open season with 4-2 win",
            "Gas prices dip for third straight week"), render_ledger),
    Outlet("newspulse", "NewsPulse", "*", "https://newspulse.io", "utf-8", "刘畅",
           "", "cloudflare", (3,), (), render_newspulse),
)}
NEWSPULSE_ADS = {"zh": "广告 · 下载新闻脉搏APP，新用户领10元话费", "en": "Advertisement"}
NEWSPULSE_FILLERS = {"zh": ZH_FILLERS, "en": ("Markets: Asian stocks edge higher", "Weather: Storm to bring heavy rain to the coast")}


def outlet_for(copy: Copy, story: Story) -> Outlet:
    """NewsPulse serves both languages; give it the page's language and matching ads."""
    outlet = OUTLETS[copy.outlet]
    if outlet.key != "newspulse":
        return outlet
    return Outlet(outlet.key, outlet.name, story.lang, f"{outlet.base}/{story.lang}", outlet.encoding,
                  outlet.editor, NEWSPULSE_ADS[story.lang], outlet.server, outlet.comment_picks,
                  NEWSPULSE_FILLERS[story.lang], outlet.render)


