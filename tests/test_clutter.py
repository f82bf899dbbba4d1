"""Issue 14's clutter classes, each on lines or a page of our own making: the rule drops the
class and keeps story text that merely resembles it. Plus not-article rejects, charsets,
mis-decoded JSONL and feed hints."""
from __future__ import annotations

import pytest

from pipelines import extract as ex
from pipelines import paragraphs as para
from pipelines.decode import decode_html, repair_mojibake
from pipelines.process import process_document
from pipelines.records import Article, Location, RawDocument, Reject, RejectError

STORY = ("今天上午，市交通运输局召开新闻发布会，通报全市公共交通线网优化调整方案。"
         "根据方案，中心城区将新开十二条公交线路，"
         "调整二十三条线路的走向，并在早晚高峰增开大站快车，方便市民通勤。")
STORY2 = ("市交通运输局有关负责人介绍，此次调整综合考虑了地铁新线开通后的客流变化，"
          "以及市民通过热线和网络平台提出的一千余条"
          "意见建议，重点解决新建住宅区出行难、换乘不便等问题。")
EN = ("The city council voted 7-2 on Tuesday night to approve a long-debated plan to restore the downtown "
      "riverfront, clearing the way for construction to begin next spring on new parks and trails.")


def clean(lines: list[str]) -> list[str]:
    for rule in para.PARAGRAPH_RULES:
        lines = rule(lines)
    return lines


@pytest.mark.parametrize("clutter", [
    "分享：微信 微博 复制链接", "分享到：微信 QQ空间", "Share: Facebook X Copy link",
    "特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。",
    "Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user "
    "of NetEase Hao, which is a social media platform and only provides information storage services.",
    "免责声明：本文来自腾讯新闻客户端自媒体，不代表腾讯网的观点和立场。",
    "Copyright © 1996-2019 SINA Corporation", "All Rights Reserved 新浪公司 版权所有",
    "沪ICP备2021088765号", "违法和不良信息举报电话：010-62675637", "举报邮箱：jubao@vip.sina.com",
    "新浪新闻意见反馈留言板 400-052-0066 欢迎批评指正",
    "图为长江中游一处水质自动监测站。新华社记者 李明 摄", "市民在新开通的公交站台候车。（受访者供图）",
    "2019年10月15日，沈阳，在八一公园晨练的老年人。（视觉中国）",
    "关键词：公交 线网 优化", "2020年09月11日 18:05 来源：商讯", "2019-09-07 15:14 来源：观察者网",
    "责任编辑：张迪", "責任編輯：陳大文", "（编辑：王小明）",
    "赞(12)", "12 likes", "江城老李（03-10 10:36）：现在连视频都不能信了，以后凡是借钱一律打电话核实。",
])
def test_clutter_line_is_dropped_and_the_story_kept(clutter: str) -> None:
    assert clean([STORY, clutter, STORY2]) == [STORY, STORY2]


@pytest.mark.parametrize("story_line", [
    "来源于网络的谣言在三天内被转发上万次，记者调查发现，最早的帖子出自一个注册不到一周的账号，随后被多个营销号搬运。",
    "他说：“分享经济不是简单的共享单车，而是一整套重新分配闲置资源的办法。”这一观点在论坛上引发了热烈讨论和持续追问。",
    "Share prices rose 4% after the company said it would return more cash to shareholders this year.",
    "The photographer, who asked not to be named, said the agency had kept the copyright to every picture she took.",
])
def test_story_lines_that_resemble_clutter_are_kept(story_line: str) -> None:
    assert clean([STORY, story_line, STORY2]) == [STORY, story_line, STORY2]


def test_comment_section_is_cut_at_its_heading() -> None:
    lines = [STORY, STORY2, "网友评论（3条）", "用户7f3a21", "建议应用商店把这些换脸软件都下架。", "赞(21)"]
    assert clean(lines) == [STORY, STORY2]
    assert clean([EN, "Comments (4)", "Great piece, thanks.", "Like (3)"]) == [EN]


def test_digest_and_channel_teaser_runs_are_dropped_a_single_truncated_paragraph_kept() -> None:
    digests = ["只需上传一张生活照，几秒钟后便能生成一张“脱衣”图片——这款小程序背后，是一个分工明确的犯罪团伙……",
               "国家互联网信息办公室16日发布《深度合成服务安全管理办法（征求意见稿）》，向社会公开征求意见……"]
    assert clean([STORY, STORY2, *digests]) == [STORY, STORY2]
    channels = ["【 军事 】 出鞘：国庆阅兵坦克真的“简配”了？", "【 财经 】 绿地员工不买房将被除名？",
                "【 体育 】 欧冠-阿扎尔助攻克罗斯进球 皇马夺首..."]
    assert clean([STORY, *channels, STORY2]) == [STORY, STORY2]
    truncated = STORY2[:40] + "……"  # an aggregator's excerpt ends its own text this way
    assert clean([STORY, truncated]) == [STORY, truncated]


def test_comment_and_share_blocks_are_removed_from_the_page() -> None:
    html = ("<html><head><title>公交线网优化</title></head><body><article><h1>公交线网优化</h1>"
            f"<p>{STORY}</p><p>{STORY2}</p></article>"
            "<div class='share-bar'>分享到：<a>微信</a><a>微博</a></div>"
            "<section class='np-comments'><div class='np-cmt'><b>江城老李</b>"
            "<p>现在连视频都不能信了，以后凡是借钱一律打电话核实，大家都要提高警惕啊。</p><i>97</i></div></section>"
            "</body></html>")
    text = ex.extract_article(html).text
    assert STORY in text and STORY2 in text
    assert "江城老李" not in text and "借钱" not in text and "微博" not in text and "97" not in text


# ---------------------------------------------------------------- not an article

def test_listing_page_is_not_an_article() -> None:
    items = "".join(f"<li><a href='/a/{i}.html'>某地举行第{i}届文化节活动 吸引众多市民游客参与</a>"
                    f"<span>2024-03-{i + 1:02d} 10:{i:02d}</span></li>" for i in range(10))
    html = f"<html><head><title>国内新闻</title></head><body><h1>国内新闻</h1><ul>{items}</ul></body></html>"
    with pytest.raises(RejectError) as err:
        ex.extract_article(html, "https://news.example.cn/china/")
    assert err.value.reason == "not-article"


@pytest.mark.parametrize("source", [
    "(function(){var t='<div class=\"article\"><p>" + STORY + "</p></div>';document.body.innerHTML=t;})();",
    "!function(e){e.tpl='<html><body><p>" + STORY + "</p></body></html>'}(window);",
    "var config = {tpl: '<div><p>" + STORY + "</p></div>'};",
    ".article p { color: #333 } /* <div><p>" + STORY + "</p></div> */",
    '{"html": "<html><body><p>' + STORY + '</p></body></html>"}',
])
def test_javascript_css_and_json_are_not_articles_whatever_tags_they_hold(source: str) -> None:
    with pytest.raises(RejectError) as err:
        ex.extract_article(source)
    assert err.value.reason == "not-article"


def test_data_table_with_a_long_footnote_cell_stays_a_table() -> None:
    rows = "".join(f"<tr><td>{city}</td><td>{n}</td><td>{n * 3}</td></tr>"
                   for city, n in (("北京", 120), ("上海", 98), ("广州", 75), ("深圳", 66)))
    note = "注：" + "数据来源于各市统计局公开发布的年度统计公报，其中部分城市口径包含下辖县市，" * 12
    assert len(note) > ex.LAYOUT_CELL_CHARS
    html = (f"<html><body><article><h1>四城公交线路统计</h1><p>{STORY}</p>"
            f"<table><tr><th>城市</th><th>线路</th><th>站点</th></tr>{rows}"
            f"<tr><td colspan='3'>{note}</td></tr></table><p>{STORY2}</p></article></body></html>")
    text = ex.extract_article(html).text
    assert "| 北京 | 120 | 360 |" in text
    assert "| 城市 | 线路 | 站点 |" in text
    assert "| 注：数据来源" in text  # the footnote is a row of the table too


# ---------------------------------------------------------------- charsets and hints

GB_PAGE = (f"<html><head><meta charset=gb2312><title>公交线网优化调整方案公布</title></head>"
           f"<body><article><h1>公交线网优化调整方案公布</h1><p>{STORY}</p><p>{STORY2}</p></article></body></html>")


def test_single_byte_http_label_yields_to_a_cjk_meta_that_decodes() -> None:
    body = GB_PAGE.encode("gb2312")
    for label in ("ISO-8859-1", "windows-1252", "us-ascii"):
        decoded = decode_html(body, f"text/html; charset={label}")
        assert decoded.encoding == "gb18030" and STORY in decoded.html


def test_jsonl_html_mis_decoded_as_latin1_is_repaired() -> None:
    assert STORY in repair_mojibake(GB_PAGE.encode("gb2312").decode("latin-1"))
    utf8 = GB_PAGE.replace("gb2312", "utf-8")
    assert STORY in repair_mojibake(utf8.encode("utf-8").decode("latin-1"))
    # what cannot be repaired is rejected, never kept
    assert repair_mojibake(GB_PAGE) == GB_PAGE  # clean text untouched
    real_latin = "<p>São Paulo é a maior cidade do Brasil, com população de mais de 12 milhões. Ação!</p>"
    assert repair_mojibake(real_latin) == real_latin
    lossy = utf8.encode("utf-8").decode("cp1252", errors="replace")  # 5 bytes cp1252 lacks: lost
    with pytest.raises(RejectError) as err:
        repair_mojibake(lossy)
    assert err.value.reason == "mojibake"


def raw(**fields) -> RawDocument:
    return RawDocument(url="https://news.example.cn/a.html", location=Location("t.jsonl", line=1), **fields)


def test_feed_hints_only_fill_gaps_and_broken_hints_are_dropped() -> None:
    page = GB_PAGE.replace("<meta charset=gb2312>",
                           "<meta charset=utf-8><meta property='article:published_time' "
                           "content='2024-03-15T08:00:00+08:00'>")
    art = process_document(raw(html=page, title="\ufffd\ufffd\ufffd", published="2024-03-18"))
    assert isinstance(art, Article)
    assert art.title == "公交线网优化调整方案公布" and art.published == "2024-03-15T00:00:00Z"
    bare = f"<html><body><article><p>{STORY}</p><p>{STORY2}</p></article></body></html>"
    art = process_document(raw(html=bare, title="从订阅源来的标题", published="2024-03-18"))
    assert art.title == "从订阅源来的标题" and art.published == "2024-03-18"
    art = process_document(raw(html=bare, title="坏\ufffd标题"))
    assert art.title is None


def test_js_file_in_a_dump_is_a_not_article_reject() -> None:
    out = process_document(raw(html="(function(){document.write('<div><p>" + STORY + "</p></div>')})();"))
    assert isinstance(out, Reject) and out.reason == "not-article"


def test_feed_without_xml_encoding_is_read_with_the_http_charset() -> None:
    from crawler.feeds import parse_xml_hub
    rss = ("<rss version='2.0'><channel><title>要闻</title><item><title>公交线网优化调整方案公布</title>"
           "<link>https://news.example.cn/a.html</link><pubDate>Fri, 15 Mar 2024 08:00:00 +0800</pubDate>"
           "</item></channel></rss>").encode("gbk")
    (link,) = parse_xml_hub(rss, "https://news.example.cn/rss.xml", content_type="text/xml; charset=GBK").articles
    assert link.title == "公交线网优化调整方案公布"


def test_table_row_of_toolbar_cells_is_dropped_a_data_row_kept() -> None:
    toolbar = "| 2005-04-05 06:40更新 来源：转载文章 | 第1页/共1页 << 上一页 \\| 下一页 >> |"
    buttons = "|  | 发送给朋友 |  | 发表评论 |  | 打印本文 |"
    data = "| 北京 | 120 | 360 |"
    assert clean([STORY, toolbar, buttons, data, STORY2]) == [STORY, data, STORY2]


def test_date_source_line_with_a_byline_is_kept() -> None:
    line = "2026年03月11日 16:48 来源：华夏日报 作者：记者 王喆"
    assert clean([STORY, line, STORY2]) == [STORY, line, STORY2]
