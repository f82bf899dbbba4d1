"""Site profiles (pipelines.sites): each on a small page of our own making, in the portal's
layout, with the portal's clutter inside the container; plus the profile engine's fallbacks."""
from __future__ import annotations

import gzip
import re

import pytest
import trafilatura

from pipelines.extract import extract_article
from pipelines.sites import SiteProfile, article_container, find_profile
from pipelines.sites.profiles import PROFILES

BODY = [
    "今天上午，市交通运输局召开新闻发布会，通报全市公共交通线网优化调整方案。根据方案，中心城区将新开十二条公交线路，"
    "调整二十三条线路的走向，并在早晚高峰增开大站快车，方便市民通勤。",
    "市交通运输局有关负责人介绍，此次调整综合考虑了地铁新线开通后的客流变化，以及市民通过热线和网络平台提出的一千余条意见建议，"
    "重点解决新建住宅区出行难、换乘不便等问题。",
    "据了解，调整后的线网将于下月一日起试运行，试运行期间，相关部门将持续收集乘客反馈，并根据客流监测数据进一步优化发车间隔。",
]


def wechat_page(hidden: bool = True, script: str = "", head: str = "") -> str:
    style = "visibility: hidden;" if hidden else "visibility: visible;"
    paragraphs = "".join(f"<section><span>{p}</span></section>" for p in BODY)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta property="og:site_name" content="微信公众平台">{head}<title>公交线网优化调整方案公布</title></head>
<body id="activity-detail"><div id="js_article" class="rich_media">
<h1 class="rich_media_title">公交线网优化调整方案公布</h1>
<div id="js_profile_qrcode" class="profile_container"><div class="profile_inner">
<p class="profile_meta">微信号 CityTraffic</p>
<p class="profile_meta">功能介绍 发布本市交通出行资讯，提供便民服务信息，欢迎关注。</p></div></div>
<div class="rich_media_content" id="js_content" style="{style}">{paragraphs}</div>
<div class="qr_code_pc"><p>微信扫一扫<br>关注该公众号</p></div>
</div><script>var biz = "MzI2MzEwNTY3OQ==";{script}</script></body></html>"""


def test_wechat_hidden_body_is_extracted_on_a_rehosted_page() -> None:
    html = wechat_page(hidden=True)
    # a re-hosted copy: no mp.weixin.qq.com in the URL, the page markers identify it
    article = extract_article(html, "https://mirror.example.org/s/abc123")
    for paragraph in BODY:
        assert paragraph in article.text
    assert "微信号" not in article.text and "关注该公众号" not in article.text


# WeChat prints its date (<em id="publish_time">) by script, from ``var ct`` (Unix seconds)
@pytest.mark.parametrize(("script", "head", "published", "source"), [
    ('var ct = "1581517074";', "", "2020-02-12T22:17:54+08:00", "script"),  # Beijing time
    ("var ct=1581418070;", "", "2020-02-11T18:47:50+08:00", "script"),
    # a placeholder, a time after today, none at all: no date is invented
    ('var ct = "0";', "", None, None),
    ('var ct = "9999999999";', "", None, None),
    ('var ct = "";', "", None, None),
    ('var act = "1581517074";', "", None, None),  # another variable
    # the page's own stated date stays first
    ('var ct = "1581517074";', '<meta property="article:published_time" content="2020-02-10T08:00:00+08:00">',
     "2020-02-10T08:00:00+08:00", "meta"),
])
def test_wechat_publication_time_is_read_from_its_script(script, head, published, source) -> None:
    article = extract_article(wechat_page(script=script, head=head), "https://mp.weixin.qq.com/s/abc")
    assert (article.published, article.published_source) == (published, source)


def test_a_script_timestamp_is_read_only_where_a_profile_says_so() -> None:
    page = ("<html><head><title>t</title></head><body><article>" + "".join(f"<p>{p}</p>" for p in BODY)
            + '</article><script>var ct = "1581517074";</script></body></html>')
    assert extract_article(page, "https://news.example.org/a").published is None


def test_wechat_profile_matches_by_domain_and_by_markers() -> None:
    tree = trafilatura.load_html(wechat_page())
    assert find_profile(tree, "https://mirror.example.org/x").name == "wechat"
    bare = trafilatura.load_html("<html><body><p>x</p></body></html>")
    assert find_profile(bare, "https://mp.weixin.qq.com/s/abc").name == "wechat"
    assert find_profile(bare, "https://news.example.org/a") is None


def test_missing_container_falls_back_to_generic_extraction() -> None:
    profile = SiteProfile("demo", 1, ("example.org",), (), ('//div[@id="gone"]',))
    tree = trafilatura.load_html("<html><body><article>" + "".join(f"<p>{p}</p>" for p in BODY)
                                 + "</article></body></html>")
    assert article_container(profile, tree) is None
    article = extract_article("<html><body><article>" + "".join(f"<p>{p}</p>" for p in BODY)
                              + "</article></body></html>", "https://example.org/a")
    assert BODY[1] in article.text


def test_a_profiled_page_is_read_by_trafilatura_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The container is the article: trafilatura reads it alone, not the whole page as well;
    a container without text falls back to the one pass over the page."""
    import pipelines.extract as ex

    calls = []
    real = trafilatura.bare_extraction

    def counting(tree, **kwargs):
        calls.append(tree.findtext(".//title"))
        return real(tree, **kwargs)

    monkeypatch.setattr(trafilatura, "bare_extraction", counting)
    article = extract_article(wechat_page(), "https://mp.weixin.qq.com/s/abc")
    assert BODY[1] in article.text and calls == [None]  # the container's document has no <title>
    calls.clear()
    monkeypatch.setattr(ex, "_container_lines", lambda container, url: None)
    article = extract_article(wechat_page(hidden=False), "https://mp.weixin.qq.com/s/abc")
    assert BODY[1] in article.text and calls == ["公交线网优化调整方案公布"]


def test_every_profile_is_versioned_and_measured() -> None:
    names = [p.name for p in PROFILES]
    assert len(names) == len(set(names))
    for profile in PROFILES:
        assert profile.version >= 1 and profile.container and profile.gain


# Each shipped profile on a page of its own making: the portal's container markup, a clutter
# block the profile drops from inside the container, and a sidebar of other stories outside.
CLUTTER = "分享到：微信 微博 QQ空间 纠错 点赞 推荐阅读 本文来源 热线电话 客户端下载"
LAYOUTS = {
    "163": ('<div class="post_body"><div id="endText" class="post_text">{body}'
            '<div class="ep-source cDGray">{clutter}</div></div></div>'),
    "sina": ('<div id="article_content" class="article-content"><div id="artibody" class="article">'
             '{body}<p class="show_author">{clutter}</p></div></div>'),
    "qq": ('<div class="qq_conent"><div class="LEFT"><div class="content-article">{body}'
           '<div class="article-status">{clutter}</div></div></div></div>'),
    "guancha": ('<ul class="two-coloum"><li class="left left-main"><div class="content all-txt">{body}'
                '</div><div class="comment">{clutter}</div></li></ul>'),
    "xinhuanet": '<div id="p-detail">{body}<div class="p-tags">{clutter}</div></div>',
    "thepaper": '<div class="newscontent"><div class="news_txt">{body}</div><div>{clutter}</div></div>',
    "people": '<div class="rm_txt_con">{body}<div class="edit">{clutter}</div></div>',
    "toutiao-gallery": ('<div class="bui-right info-box"><div class="info-box-inner"><div class="abstract">'
                        '<span class="abstract-index"><em>1</em>/10</span>{body}</div></div></div>'
                        '<div class="snsBox"><div class="report">{clutter}</div></div>'),
}


def portal_page(layout: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in BODY)
    sidebar = "".join(f"<li><a href='/n{i}'>其他新闻标题第{i}条：某地举行活动吸引众多市民参加</a></li>"
                      for i in range(12))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>公交线网优化</title></head><body>"
            f"<div class='nav'>首页 新闻 财经 体育</div>{layout.format(body=body, clutter=CLUTTER)}"
            f"<ul class='side'>{sidebar}</ul><div class='footer'>{CLUTTER}</div></body></html>")


@pytest.mark.parametrize("profile", [p for p in PROFILES if p.name != "wechat"], ids=lambda p: p.name)
def test_profile_takes_its_container_and_drops_its_clutter(profile: SiteProfile) -> None:
    assert profile.name in LAYOUTS, "every shipped profile has a test page"
    html = portal_page(LAYOUTS[profile.name])
    tree = trafilatura.load_html(html)
    # matched by the page's markers alone (re-hosted copy), and by its own domain
    assert find_profile(tree, "https://copy.example.net/a.html").name == profile.name
    assert find_profile(trafilatura.load_html("<html><body></body></html>"),
                        f"https://news.{profile.domains[0]}/a.html").name == profile.name
    text = extract_article(html, "https://copy.example.net/a.html").text
    # a gallery's picture index ("1/10") is the page's own text, not clutter
    story = [line for line in text.splitlines() if not re.fullmatch(r"\d+\s*/\s*\d+", line.strip())]
    assert story == BODY


def _markers_one_by_one(tree, url):
    """``find_profile`` as first written: every marker's XPath evaluated, profile by profile."""
    from pipelines.sites import compiled, host_of

    host = host_of(url)
    for profile in PROFILES:
        if any(host == d or host.endswith("." + d) for d in profile.domains) or \
                any(compiled(marker)(tree) for marker in profile.markers):
            return profile
    return None


def test_marker_prefilter_finds_what_every_xpath_finds():
    """Every shipped marker has a head test the one-pass prefilter reads (else it would always
    run), and the prefilter changes no profile: on pages made to match each marker, on near
    misses (the class a substring elsewhere, the id on a <span>), and on the shared pages."""
    from conftest import EXTRACTION_DATA

    from pipelines.sites import marker_head

    assert all(marker_head(m) for p in PROFILES for m in p.markers)
    pages = [wechat_page(), "<html><body><p>x</p></body></html>"]
    for profile in PROFILES:
        for marker in profile.markers:
            tag, attribute, value, _ = marker_head(marker)
            pages.append(f'<html><head><meta {attribute}="{value}"></head><body><div {attribute}="{value}">'
                         f'<div class="abstract"><span class="abstract-index">1</span></div></div></body></html>')
            pages.append(f'<html><body><span {attribute}="{value}">x</span>'
                         f'<div {attribute}="pre-{value[:-1]}"><p>x</p></div></body></html>')
    pages += [gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
              for p in sorted(EXTRACTION_DATA.glob("*/html/*.html.gz"))]
    found = 0
    for html in pages:
        tree = trafilatura.load_html(html)
        if tree is None:
            continue
        expected = _markers_one_by_one(tree, "https://mirror.example.org/a")
        assert find_profile(tree, "https://mirror.example.org/a") == expected, html[:200]
        found += expected is not None
    assert found >= 5  # pages of the sketch above, and the shared sets' portal pages
