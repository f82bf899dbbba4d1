"""extract_article on authored portal pages (tests/fixtures/extract) and, when ../shared is
beside the repo, against plain trafilatura on the shared gold sets."""
from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from pipelines import extract as ex
from pipelines import paragraphs as para
from pipelines.records import RejectError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extract"
EXTRACTION = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction"

ZH_STORY = [
    "新华社武汉3月15日电 记者从水利部长江水利委员会获悉，湖北、湖南、江西三省日前签署协议，在长江中游干流启动今年首次"
    "跨省横向生态补偿试点，补偿资金将按照断面水质考核结果拨付。",
    "根据协议，三省将在交界断面共同设立十二个水质自动监测站，监测数据每日向社会公开。若出境断面水质优于考核目标，下游省份"
    "按约定标准向上游省份支付补偿资金；反之，则由上游省份承担相应补偿责任。",
    "图为长江中游一处水质自动监测站。新华社记者 李明 摄",
    "长江水利委员会有关负责人介绍，试点期限暂定三年，期间将重点考核化学需氧量、氨氮和总磷三项指标，并根据试点情况适时扩大"
    "覆盖范围，逐步建立全流域统一的补偿标准。",
    "专家认为，跨省横向生态补偿能够让上下游形成“保护者受益、受益者补偿”的良性机制，有助于调动沿线地区治理水污染的积极性，"
    "也为其他流域开展类似合作提供了可复制的经验。",
    "据了解，今年以来长江干流水质总体保持优良，国控断面优良水质比例持续提升。下一步，相关部门还将推动建立流域突发水污染事件"
    "联防联控机制，完善信息共享和应急会商制度。",
]

EN_STORY = [
    "City council approves plan to restore downtown riverfront",
    "The city council voted 7-2 on Tuesday night to approve a long-debated plan to restore the downtown "
    "riverfront, clearing the way for construction to begin next spring on new parks, walking trails and "
    "flood barriers along a two-mile stretch of the river.",
    "Supporters said the project would protect hundreds of homes and businesses from the seasonal flooding "
    "that has closed riverside streets several times in the past decade, while opening land that has sat "
    "empty since the old rail yards closed.",
    "The plan, estimated to cost $84 million, will be paid for with a mix of federal resilience grants, "
    "state transportation money and a local bond measure that voters approved in November by a narrow margin.",
    "Two council members who voted against it said they worried about rising construction costs and asked "
    "the city to publish quarterly reports on spending, a request the mayor's office said it would honor.",
    "Work on the first phase, a wetland park near the Main Street bridge, is expected to take about eighteen "
    "months. Officials said the trails would stay open to the public during most of the construction.",
]


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


# ---------------------------------------------------------------- authored pages

def test_chinese_portal_page() -> None:
    html = fixture("zh_portal.html")
    # the furniture is really in the page, as story-looking <p> paragraphs
    for furniture in ("来源：新华社", "责任编辑：王小明", "<p>广告</p>", "点击阅读全文", "相关阅读",
                      "最新", "多地出台政策支持新能源汽车下乡", "网友评论", "江城网友"):
        assert furniture in html
    assert html.count("图为长江中游一处水质自动监测站") == 3  # alt text + caption twice

    article = ex.extract_article(html, "https://news.example.cn/china/river.html")

    # photo captions and credits ("…新华社记者 李明 摄") are furniture too (issue 14)
    assert article.text.split("\n") == [p for p in ZH_STORY if not p.endswith(" 摄")]
    assert article.title == "长江流域启动今年首次跨省生态补偿试点"
    assert article.published == "2024-03-15"  # dateline under the headline


def test_chinese_portal_page_without_our_rules_keeps_furniture(monkeypatch: pytest.MonkeyPatch) -> None:
    """What trafilatura alone leaves: the lines our rules exist for."""
    monkeypatch.setattr(ex, "PARAGRAPH_RULES", ())
    lines = ex.extract_article(fixture("zh_portal.html")).text.split("\n")
    assert lines.count("图为长江中游一处水质自动监测站。新华社记者 李明 摄") == 2
    assert {"来源：新华社", "（责任编辑：王小明）", "广告", "相关阅读："} <= set(lines)


def test_english_page() -> None:
    html = fixture("en_news.html")
    for furniture in ("Advertisement", "ADVERTISEMENT", "Source: Example Herald reporting",
                      "Read the full story", "Related stories", "Most read"):
        assert furniture in html

    article = ex.extract_article(html, "https://herald.example.com/local/riverfront")

    assert article.text.split("\n") == EN_STORY
    assert article.title == "City council approves plan to restore downtown riverfront"
    assert article.published == "2024-05-02T08:15:00+00:00"  # the stated instant, not just the day
    assert article.site == "Example Herald"


@pytest.mark.parametrize("text", [
    "Just a plain sentence, no markup at all.",
    '{"title": "not a page", "body": "json"}',
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><item><title>x</title></item></channel></rss>',
])
def test_not_html(text: str) -> None:
    with pytest.raises(RejectError) as err:
        ex.extract_article(text)
    assert err.value.reason == "not-html"


def test_page_without_story_is_empty_extraction() -> None:
    html = ("<html><head><title>Home</title></head><body><nav><a href='/'>Home</a> "
            "<a href='/a'>News</a></nav></body></html>")
    with pytest.raises(RejectError) as err:
        ex.extract_article(html)
    assert err.value.reason == "empty-extraction"


def test_page_opening_with_script_is_not_discarded() -> None:
    """2005-era portals (sohu) start with blank lines and a <script> before <html>, and put CMS
    tags in <head>; libxml2 then folds the page into <head> and trafilatura drops it."""
    story = "。".join(["上海车展今天闭幕，多家跨国汽车公司展示了最新车型和技术"] * 6)
    html = ("\n\n<script>\nfunction zoom(size) { document.getElementById('z').style.fontSize = size; }\n"
            "</script>\n<html>\n<head>\n<title>车展</title>\n<cms_include:style><link href=/a.css rel=stylesheet>\n"
            f"</head>\n<body><p>{story}</p></body></html>")
    assert trafilatura.extract(html) is None  # trafilatura alone
    assert ex.extract_article(html).text == story


def test_layout_table_is_unwrapped_data_table_kept() -> None:
    story = "。".join(["记者从市交通委获悉，新建的地铁三号线将于年底试运行"] * 12)
    html = ("<html><body><table><tr><td><a href='/'>首页</a> | <a href='/n'>新闻</a></td></tr>"
            f"<tr><td><table><tr><td><p>{story}</p></td></tr></table></td></tr></table>"
            "<table><tr><th>站名</th><th>开通</th></tr><tr><td>人民广场</td><td>2024</td></tr></table>"
            "</body></html>")
    tree = trafilatura.load_html(html)
    ex.unwrap_layout_tables(tree)
    assert [t.xpath("string(.)") for t in tree.iter("table")] == ["站名开通人民广场2024"]
    assert story in ex.extract_article(html).text


# ---------------------------------------------------------------- paragraph rules

def test_drop_repeated() -> None:
    lines = ["第一段正文内容", "图为现场照片 新华社记者 摄", "第二段正文内容", "图为现场照片 新华社记者 摄",
             "问：你怎么看？", "答甲", "问：你怎么看？", "答乙", "问：你怎么看？", "答丙",
             "- 参数一", "- 参数一"]
    assert para.drop_repeated(lines) == [
        "第一段正文内容", "图为现场照片 新华社记者 摄", "第二段正文内容",
        "问：你怎么看？", "答甲", "问：你怎么看？", "答乙", "问：你怎么看？", "答丙",  # 3 copies: structure
        "- 参数一", "- 参数一"]  # list items: structure


def test_drop_boilerplate_lines() -> None:
    lines = ["来源：新华社", "本文来源：新京报", "（责任编辑：王小明）", "编辑：李楠", "点击阅读全文", "广告",
             "Source: Reuters", "SOURCE: Al Jazeera News", "Advertisement", "Read the full story",
             "来源：当地媒体报道称，这次事故造成了严重的交通堵塞，相关部门已经开始调查事故发生的具体原因和责任人",
             "Source: officials familiar with the talks said on Monday that negotiators had reached a tentative "
             "agreement on the budget, though several details remained unresolved.",
             "广告公司负责人表示将配合调查。"]
    assert para.drop_boilerplate_lines(lines) == lines[-3:]


def test_wechat_subscription_prompts_are_dropped_and_sentences_kept() -> None:
    prompts = ["点击上方蓝字关注我们", "▲点击上方“科技日报”关注我们", "长按识别二维码关注", "扫码关注我们",
               "欢迎关注我们", "关注我们，获取更多资讯", "喜欢就点个在看吧", "长按二维码，关注公众号",
               "點擊上方藍字關注我們", "点击上方蓝字，关注我们！", "欢迎关注我们！", "喜欢就点个“在看”吧！",
               "觉得不错，请点个在看。", "戳蓝字关注我们", "分享、点赞、在看，三连走起", "点个在看你最好看"]
    # lines that go on after the prompt's words are sentences, subheadings or list items
    story = ["点击率高的视频关注度也高。", "关注我们的孩子。", "他正在看电视",
             "警方提醒，扫码关注不明账号可能泄露个人信息。",
             "欢迎关注我们明天的直播报道，届时记者将从法庭现场带来庭审的最新进展和各方的回应。",
             "扫码关注领礼品 警惕新型诈骗", "关注公众号后领取优惠券", "点击“关注”后，受害人被拉入一个投资群",
             "关注我们身边的AI诈骗", "扫描二维码关注的用户被骗走了5万元", "受害人点个在看就能领红包的说法是假的"]
    assert para.drop_boilerplate_lines(prompts + story) == story


def test_drop_heading_lists() -> None:
    lines = ["正文第一段，内容足够长，讲述了事情的来龙去脉，也包括了记者在现场看到的情况和采访到的说法。",
             "相关阅读：", "- 黄河流域生态保护规划发布", "- 三峡库区水质连续五年保持稳定",
             "Related stories", "Voters narrowly approve riverfront bond",
             "This paragraph is long enough to be story text again, so the list that came before it has "
             "ended and nothing after this point is dropped by the heading rule at all."]
    assert para.drop_heading_lists(lines) == [lines[0], lines[-1]]


def test_drop_dated_lists() -> None:
    story = "华为9月6日在柏林发布了新一代芯片，公司高管在发布会上回答了记者关于供应链和海外市场的提问。"
    lines = [story,
             "- 麒麟990系列为何要分4G/5G版本？华为一一解答 2019-09-07 15:05 华为",
             "- OPPO将首发高通骁龙5G SoC 2019-09-07 13:05 手机",
             "- 质疑三星反遭网友科普：华为高管再回应 2019-09-07 12:55 华为",
             story,
             "小编最近文章 标题一2015-09-22标题二2015-08-11标题三2015-08-08",
             story,
             "- 只有一条带日期的链接 2019-09-05 11:23",
             "发布会定于2019年9月19日举行。"]
    assert para.drop_dated_lists(lines) == [story, story, story, lines[-2], lines[-1]]


# ---------------------------------------------------------------- dates

def test_sohu_page_date_from_url_and_dateline() -> None:
    """htmldate alone dates this 2005-05-13 sohu article 2005-01-28 (a sidebar date)."""
    from bench.extraction import load_wce
    from pipelines.decode import decode_html

    _shared_or_skip("chinese-wce-69")
    page = next(p for p in load_wce(EXTRACTION) if p.key.startswith("8baa71e3"))
    assert page.date == "2005-05-13"
    assert ex.extract_article(decode_html(page.body).html, page.url).published == "2005-05-13"


# ---------------------------------------------------------------- shared gold sets

def _shared_or_skip(*parts: str) -> Path:
    path = EXTRACTION.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


def _ours_vs_plain(pages: list) -> tuple[float, float]:
    from bench.extraction import run_ours, text_scores

    golds = [page.gold for page in pages]
    ours = text_scores(golds, [run_ours(page).text for page in pages])
    plain = text_scores(golds, [trafilatura.extract(page.body) or "" for page in pages])
    return ours["F1"], plain["F1"]


def test_chinese_wce_not_worse_than_plain_trafilatura() -> None:
    from bench.extraction import load_wce

    pages = load_wce(_shared_or_skip("chinese-wce-69").parent)
    assert len(pages) == 69
    ours, plain = _ours_vs_plain(pages)
    assert ours >= plain


def test_scrapinghub_subset_not_worse_than_plain_trafilatura() -> None:
    from bench.extraction import load_scrapinghub

    pages = load_scrapinghub(_shared_or_skip("scrapinghub-aeb").parent)[::4]  # 46 of 181, fixed
    ours, plain = _ours_vs_plain(pages)
    assert ours >= plain - 0.005


def test_stated_timestamp_beats_a_date_quoted_under_the_headline():
    body = ("<p>国家互联网信息办公室16日发布征求意见稿，意见反馈截止时间为2026年4月15日。"
            + "征求意见稿要求服务提供者对生成内容添加显著标识。" * 6 + "</p>")
    page = ("<html><head><title>深度合成新规征求意见</title>{meta}</head><body>"
            "<h1>深度合成新规征求意见</h1>" + body + "</body></html>")
    stated = page.format(meta='<meta property="article:published_time" '
                              'content="2026-03-16T17:30:00+08:00">')
    assert ex.extract_article(stated).published == "2026-03-16T17:30:00+08:00"
    # without it, a deadline told in the body is no publication date (pipelines.dates)
    assert ex.extract_article(page.format(meta="")).published is None


def test_json_ld_minify_and_normalise_are_trafilaturas():
    """``minified_json`` / ``normalized_json`` return what trafilatura's ``JSON_MINIFY.sub`` and
    ``normalize_json`` return, on every JSON-LD block of the shared pages and on edge cases
    (unterminated strings, escapes, surrogates, entities, tags, Unicode white space)."""
    import gzip
    import re as regex_module

    from conftest import EXTRACTION_DATA
    from trafilatura.json_metadata import normalize_json
    from trafilatura.metadata import JSON_MINIFY

    blocks = ['{"a": "b c",\n "d" : [1, 2]}', '{"x": "unterminated \\" here, "y":\t1}', '"',
              '{"t": "\\u00e9\\ud800\\udc00 &amp; <b>bold</b>\\n\\t x"}', "  \u3000\x1c{ }\u2028 ",
              '{"a":"\\\\"}  {"b": "c\\\\\\"d"}', '{"s": "a\ud800b"}', ""]
    for path in sorted(EXTRACTION_DATA.glob("**/*.htm*"))[::4]:  # ~200 blocks: enough forms
        raw = path.read_bytes()
        html = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", "replace")
        blocks += regex_module.findall(r"<script[^>]*ld\+json[^>]*>(.*?)</script>", html, regex_module.S)
    assert len(blocks) > 8
    for block in blocks:
        minified = JSON_MINIFY.sub(r"\1", block)
        assert ex.minified_json(block) == minified, block[:80]
        assert ex.normalized_json(minified) == normalize_json(minified), block[:80]


FORM_PAGE = ("<html><head><title>Council vote</title></head><body><form action='/s'><label for='q'>"
             "Search</label><input id='q' name='q' value='deepfake'><select name='s'><option>All"
             "</option></select><textarea name='t'>Write to us</textarea></form><article>"
             + "".join(f"<p>{line}</p>" for line in EN_STORY) + "</article></body></html>")


def _with_lxml_html_lookup(monkeypatch: pytest.MonkeyPatch, html: str, url: str | None = None):
    """extract_article with lxml.html's own parser (its Python class lookup), same options."""
    from lxml.html import HTMLParser

    slow = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                      remove_comments=True, remove_pis=True, huge_tree=True)
    with monkeypatch.context() as patch:
        patch.setattr(trafilatura.utils, "HTML_PARSER", slow)
        return ex.extract_article(html, url)


def test_parser_class_lookup_in_c_gives_lxml_htmls_result(monkeypatch: pytest.MonkeyPatch) -> None:
    tree = trafilatura.load_html(FORM_PAGE)
    assert {type(e).__name__ for e in tree.iter("form", "input", "p")} == {"HtmlElement"}
    assert ex.extract_article(FORM_PAGE) == _with_lxml_html_lookup(monkeypatch, FORM_PAGE)
    assert "Search" not in ex.extract_article(FORM_PAGE).text


def test_parser_class_lookup_on_shared_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.extraction import load_wce
    from pipelines.decode import decode_html

    pages = load_wce(_shared_or_skip("chinese-wce-69").parent)[::3]
    for page in pages:
        html = decode_html(page.body).html
        try:
            ours = ex.extract_article(html, page.url)
        except RejectError as err:
            ours = err.reason
        try:
            theirs = _with_lxml_html_lookup(monkeypatch, html, page.url)
        except RejectError as err:
            theirs = err.reason
        assert ours == theirs, page.key


SCRIPTED_PAGE = (
    "<html><head><title>Deepfake fraud trial</title><script>var a = '<div><p>not text';</script>"
    "<style>p { color: red }</style><script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
    "\"headline\": \"Deepfake fraud trial\", \"datePublished\": \"2024-03-05\"}</script></head><body>"
    "<div class='wrap'><p><script>document.write('<div>ad')</script>Lead paragraph tail text that "
    "follows a script and belongs to the article, <span>inline<script>x()</script> after</span>.</p>"
    + "".join(f"<p>{line}<script type='module'>f()</script> tail</p>" for line in EN_STORY)
    + "<script type='text/template'><p>template text</script></div></body></html>")
# libxml2 ends a script at its first "</" + name, so the code above holds no closing tags


def _without_drop_scripts(monkeypatch: pytest.MonkeyPatch, html: str, url: str | None = None):
    with monkeypatch.context() as patch:
        patch.setattr(ex, "drop_scripts", lambda tree: None)
        try:
            return ex.extract_article(html, url)
        except RejectError as err:
            return err.reason


def _with_drop_scripts(html: str, url: str | None = None):
    try:
        return ex.extract_article(html, url)
    except RejectError as err:
        return err.reason


def test_dropping_scripts_first_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    tree = trafilatura.load_html(SCRIPTED_PAGE)
    ex.drop_scripts(tree)
    assert [s.get("type") for s in tree.iter("script", "style")] == ["application/ld+json", "text/template"]
    assert "follows a script" in tree.find(".//p").text  # the tail stays in the flow
    ours = _with_drop_scripts(SCRIPTED_PAGE)
    assert ours == _without_drop_scripts(monkeypatch, SCRIPTED_PAGE)
    assert "document.write" not in ours.text and "follows a script" in ours.text


def test_dropping_scripts_first_changes_nothing_on_shared_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.extraction import load_pages
    from pipelines.decode import decode_html

    _shared_or_skip()
    pages = load_pages(EXTRACTION.parents[1])[::6]  # 132 of 791, every set, fixed
    for page in pages:
        html = decode_html(page.body).html
        assert _with_drop_scripts(html, page.url) == _without_drop_scripts(monkeypatch, html, page.url), page.key
