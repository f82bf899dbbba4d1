"""Publication dates: nothing invented (a test page per invented-date class), the source kept,
dates compared at the precision both have."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import trafilatura
from htmldate import find_date

from pipelines import dates
from pipelines.assign import assign_stories
from pipelines.dates import Dated, robust_first, same_day, sort_key
from pipelines.process import process_document
from pipelines.records import Article, Location, RawDocument

BODY_EN = ("<p>The procuratorate in the city filed charges against the company's former "
           "manager, accusing him of taking bribes from suppliers over several years.</p>"
           "<p>{line}</p><p>Investigators said the money had been moved through relatives' "
           "accounts and that the case was still open while they traced the rest.</p>")
BODY_ZH = ("<p>{line}该市检察院对该公司原经理提起公诉，指控其多年来收受供应商贿赂。</p>"
           "<p>办案人员表示，相关款项通过亲属账户转移，案件仍在进一步侦办中，检察机关将依法"
           "追缴违法所得。</p><p>该公司表示将全力配合调查，并已对内部采购制度进行整改。</p>")


def page(title: str, body: str, head: str = "", footer: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>"
            f"<article><h1>{title}</h1>{body}</article><div class='footer'>{footer}</div>"
            "</body></html>")


def run(html: str, url: str = "https://news.example.com/a/manager-charged.html",
        published: str | None = None) -> Article:
    found = process_document(RawDocument(url=url, location=Location("t"), html=html,
                                         published=published))
    assert isinstance(found, Article), found
    return found


@pytest.mark.parametrize("html", [
    # a copyright footer's year is not 1 January of that year
    page("Former manager charged with bribery", BODY_EN.format(line="More to follow."),
         footer="© 2023 Example News. All Rights Reserved."),
    # a date told in the body is the event's, not the page's
    page("Former manager charged with bribery",
         BODY_EN.format(line="On April 14, 2023, the procuratorate approved his arrest.")),
    # a month without a day is no publication date
    page("原经理涉嫌受贿被提起公诉", BODY_ZH.format(line="2025年8月，")),
    # a dated sentence under a Chinese headline, with no label, is the event's date
    page("原经理涉嫌受贿被提起公诉", BODY_ZH.format(line="2023年4月14日，")),
    # htmldate fills a missing day (or month) with 1: none of these states a day
    page("Manager charged", BODY_EN.format(line="x"), head='<meta itemprop="copyrightYear" content="2023">'),
    page("Manager charged", BODY_EN.format(line="x"), head='<meta name="date" content="2024-02">'),
    page("Manager charged", '<time datetime="2024-03">March 2024</time>' + BODY_EN.format(line="x")),
    page("Manager charged", '<span class="published">2024/02</span>' + BODY_EN.format(line="x")),
    # an impossible day is no day (htmldate read its year-month)
    page("Manager charged", BODY_EN.format(line="x"), head='<meta name="date" content="2024-02-30">'),
    page("Manager charged", BODY_EN.format(line="x"),
         head='<meta property="article:published_time" content="2024-02-30T10:00:00Z">'),
    page("Manager charged", '<span class="date">30.02.2024</span>' + BODY_EN.format(line="x")),
    # an impossible time is no evidence, not even of its day (htmldate read the same tag)
    page("Manager charged", BODY_EN.format(line="x"),
         head='<meta property="article:published_time" content="2024-03-10T25:00:00Z">'),
    page("Manager charged", '<time itemprop="datePublished" datetime="2024-03-10T25:61:00Z">x</time>'
         + BODY_EN.format(line="x")),
    # dates of other pages or of readers: a related-news sidebar, a "more stories" list, a
    # reader's comment; and when the page was last modified (not published)
    page("原经理涉嫌受贿被提起公诉", BODY_ZH.format(line="") + "<aside><h3>相关新闻</h3><ul><li>"
         "<a href='/x'>另一条新闻</a> <span class='date'>2021-05-06</span></li><li><a href='/y'>"
         "再一条</a> <time datetime='2020-01-02'>2020-01-02</time></li></ul></aside>"),
    page("Manager charged", BODY_EN.format(line="x") + "<div class='related-stories'><a href='/o'>"
         "Other story</a> <time datetime='2021-05-06T08:00:00Z'>May 6, 2021</time></div>"),
    page("原经理涉嫌受贿被提起公诉", BODY_ZH.format(line="") + "<div class='comments'><div class="
         "'comment'><span class='time'>2023-07-08 12:00</span> 网友评论：好</div></div>"),
    page("Manager charged", BODY_EN.format(line="x"),
         head="<meta property='article:modified_time' content='2024-01-02T00:00:00Z'>"),
    page("Manager charged", BODY_EN.format(line="x"),
         head="<meta http-equiv='Last-Modified' content='2019-01-01'>"),
    page("Manager charged", "<span itemprop='dateModified'>2024-01-02</span>" + BODY_EN.format(line="x")),
    # a WordPress comment list: a reader's comment dates itself, not the post
    page("Manager charged", BODY_EN.format(line="x") + "<ol class='commentlist'><li><cite>Reader</cite>"
         " says:<br><small class='commentmetadata'><a href='#c1'>September 19th, 2005 at 7:32 pm"
         "</a></small><p>Nice post</p></li></ol>"),
    # ISO dates and timestamps in the text name events (htmldate's text searches are not run)
    page("Manager charged", BODY_EN.format(line="Under the law of 2021-01-01 the fine applies.")),
    page("Manager charged", BODY_EN.format(line="Event time: 2023-05-12 10:00:00.")),
    page("Manager charged", BODY_EN.format(line="Updated 2024-06-01")),
    page("原经理涉嫌受贿被提起公诉", BODY_ZH.format(line="该案于2023-05-12开庭审理。")),
    page("Manager charged", "<h1>2021-03-05: the day the ring was caught</h1>" + BODY_EN.format(line="x")),
    # a labelled time under a Chinese headline that is not the publication's
    page("原经理涉嫌受贿被提起公诉", "<div>更新时间：2024-03-10 10:00</div>" + BODY_ZH.format(line="")),
    page("原经理涉嫌受贿被提起公诉", BODY_ZH.format(line="判决日期：2021年3月5日。")),
    page("原经理涉嫌受贿被提起公诉", BODY_ZH.format(line="案发时间：2021年3月5日 14:30，")),
], ids=["copyright-year", "body-date-en", "year-month-zh", "body-date-zh", "copyright-year-meta",
        "year-month-meta", "year-month-time", "year-month-span", "impossible-day-meta",
        "impossible-day-published-time", "impossible-day-dmy", "impossible-time-meta",
        "impossible-time-itemprop", "sidebar-aside", "related-list", "reader-comment",
        "modified-time-meta", "last-modified-http-equiv", "date-modified-itemprop",
        "comment-list", "iso-date-in-text", "timestamp-in-text", "updated-in-text", "iso-date-in-text-zh",
        "date-in-headline", "update-time-label", "verdict-date-label", "incident-time-label"])
def test_no_invented_date(html: str) -> None:
    article = run(html)
    assert article.published is None
    assert article.published_source is None


def test_a_date_in_the_text_does_not_override_the_records_own() -> None:
    html = page("Manager charged", BODY_EN.format(line="Under the law of 2021-01-01 the fine applies."))
    article = run(html, published="2024-02-15")
    assert (article.published, article.published_source) == ("2024-02-15", "record")


@pytest.mark.parametrize(("value", "filled"), [
    ("2024-02", {"2024-02-01"}), ("2024/03", {"2024-03-01"}),
    ("2024", {None, "2024-01-01"}),  # a year alone: never this month's today
])
def test_what_htmldate_fills_in_does_not_depend_on_the_day_it_runs(value, filled) -> None:
    """dateutil filled a missing day or month from today (2024-02 → 2024-02-02 on December
    2nd): the same page was dated one day and not the next. The fill-in is now fixed, the 1st,
    which ``markup_date`` refuses unless the page states it. (Without the fix this fails on
    every day of the month but the 1st.)"""
    tree = trafilatura.load_html(f'<html><head><meta name="date" content="{value}"></head>'
                                 '<body><p>x</p></body></html>')
    found = find_date(tree, extensive_search=False, original_date=True,  # htmldate's own
                      outputformat="%Y-%m-%d", min_date="1995-01-01", max_date="2026-01-01")
    assert found in filled
    assert dates.markup_date(tree, None) == Dated()


@pytest.mark.parametrize("markup", [
    '<meta name="date" content="2024-03-01">', '<time datetime="2024-03-01T08:00:00+08:00">x</time>',
    '<span class="date">1 March 2024</span>', '<span class="date">March 1st, 2024</span>',
    '<span class="date">01.03.2024</span>', '<meta name="date" content="20240301">',
    '<span class="date">2024/3/1 10:00</span>'])
def test_a_stated_first_of_the_month_is_kept(markup: str) -> None:
    head, body = (markup, "") if markup.startswith("<meta") else ("", markup)
    article = run(page("Manager charged", body + BODY_EN.format(line="x"), head=head))
    assert (article.published, article.published_source) == ("2024-03-01", "markup")


def test_year_only_record_field_is_not_a_date() -> None:
    article = run(page("Former manager charged", BODY_EN.format(line="x")), published="2023")
    assert (article.published, article.published_source) == (None, None)


@pytest.mark.parametrize("html,url,published,expected,source", [
    (page("Manager charged", BODY_EN.format(line="x"),
          head='<meta property="article:published_time" content="2024-03-05T09:30:00+08:00">'),
     "https://news.example.com/a/x.html", None, "2024-03-05T01:30:00Z", "meta"),
    (page("Manager charged", BODY_EN.format(line="x"),
          head='<script type="application/ld+json">{"@type": "NewsArticle", '
               '"datePublished": "2024-03-06"}</script>'),
     "https://news.example.com/a/x.html", None, "2024-03-06", "json-ld"),
    (page("Manager charged", BODY_EN.format(line="x")),
     "https://news.example.com/2024/03/07/manager-charged.html", None, "2024-03-07", "url"),
    (page("原经理涉嫌受贿被提起公诉", "<div class='info'>发布时间：2024-03-08 10:12 来源：本报</div>"
          + BODY_ZH.format(line="")),
     "https://news.example.cn/a/x.html", None, "2024-03-08", "page-text"),
    (page("Manager charged", BODY_EN.format(line="x")),
     "https://news.example.com/a/x.html", "2024-03-09T08:00:00Z", "2024-03-09T08:00:00Z",
     "record"),
    (page("Manager charged", '<p>By A. Writer, <time itemprop="datePublished" '
          'datetime="2024-03-04T08:00:00Z">March 4</time></p>' + BODY_EN.format(line="x")),
     "https://news.example.com/a/x.html", None, "2024-03-04T08:00:00Z", "meta"),
], ids=["meta", "json-ld", "url", "labelled-dateline", "record", "itemprop-datetime"])
def test_stated_date_and_source(html, url, published, expected, source) -> None:
    article = run(html, url, published)
    assert (article.published, article.published_source) == (expected, source)


def test_precision_both_have() -> None:
    assert same_day("2026-04-01", "2026-04-01T18:00:00Z")
    assert not same_day("2026-04-01", None)
    # the timestamped copy is first within its day, then the longer date-only copy
    order = sorted([("2026-04-01", 10), ("2026-04-01", 900), ("2026-04-01T18:00:00Z", 100)],
                   key=lambda v: sort_key(*v))
    assert order == [("2026-04-01T18:00:00Z", 100), ("2026-04-01", 900), ("2026-04-01", 10)]
    assert sort_key("2026-03-31T23:00:00Z") < sort_key("2026-04-01")


def test_story_date_robust_to_one_outlier() -> None:
    assert robust_first(["2026-04-02", "2025-10-01", "2026-04-01T18:00:00Z"]) == \
        "2026-04-01T18:00:00Z"
    assert robust_first(["2026-04-01", "2026-04-01T18:00:00Z"]) == "2026-04-01T18:00:00Z"
    assert robust_first([None, None]) is None


def test_story_first_published_and_representative() -> None:
    text = ("The procuratorate filed charges against the company's former manager, accusing "
            "him of taking bribes from suppliers over several years. ") * 3
    articles = [Article(id="a1", url="https://a.example/1", title="t", text=text[:-40],
                        lang="en", script=None, published="2026-04-01", site="a"),
                Article(id="b2", url="https://b.example/2", title="t", text=text, lang="en",
                        script=None, published="2026-04-01T18:00:00Z", site="b")]
    [story] = assign_stories(articles)
    assert story.first_published == "2026-04-01T18:00:00Z"
    assert story.representative_id == "b2"


def test_report_shows_the_source_of_an_unsure_date() -> None:
    from newsdedup.report_data import date_note

    def art(published, source):
        return Article(id="a", url="https://a.example/1", title="t", text="x", lang="en",
                       script=None, published=published, site="a", published_source=source)

    assert date_note(art("2024-03-07", "url")) == "url"
    assert date_note(art("2024-03-07", "page-text")) == "page-text"
    assert date_note(art("2024-03-07", "markup")) == "markup"
    for sure in ("meta", "json-ld", "record"):
        assert date_note(art("2024-03-05T01:30:00Z", sure)) is None


@pytest.mark.parametrize("published", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+01:00"])
def test_out_of_range_record_date_is_null_not_a_crash(published: str) -> None:
    # A record's date whose UTC conversion leaves datetime's range used to crash the whole run.
    raw = RawDocument(url="https://x.example/p", location=Location("dump.jsonl", line=1),
                      text="The court heard the case on Tuesday. " * 10, published=published,
                      fetched_at=published)
    article = process_document(raw)
    assert isinstance(article, Article)
    assert article.published is None and article.fetched_at is None


def test_unparseable_fetched_at_is_null() -> None:
    raw = RawDocument(url="https://x.example/q", location=Location("dump.jsonl", line=2),
                      text="The court heard the case on Tuesday. " * 10, fetched_at="garbage")
    article = process_document(raw)
    assert isinstance(article, Article) and article.fetched_at is None

@pytest.mark.parametrize("url, day", [
    ("http://auto.sohu.com/20050513/n225551143.shtml", "2005-05-13"),
    ("http://bj.house.sina.com.cn/p/2005-03-31/031868306.html", "2005-03-31"),
    ("https://www.politico.com/news/2023/12/21/north-korea", "2023-12-21"),
    ("http://cn.news.yahoo.com/050404/346/2al02.html", None),  # 6 digits: ambiguous
    ("https://example.com/item/20051399", None),  # month 13
    ("http://www.20050513.com/a.html", None),  # host, not path
    (None, None),
])
def test_url_date(url: str | None, day: str | None) -> None:
    assert dates.url_date(url) == day


def test_dateline_under_headline() -> None:
    html = ("<html><body><div>导航 2003年1月1日</div><h1>长江流域启动生态补偿试点</h1>"
            "<div>2024年03月15日 10:32 来源：新华社</div><p>正文 1975年1月28日</p></body></html>")
    tree = trafilatura.load_html(html)
    assert dates.dateline(tree, "长江流域启动生态补偿试点_新闻中心") == "2024-03-15"
    assert dates.dateline(tree, "不在页面上的标题") is None


def test_the_pages_own_markup_date_stands_beside_dropped_blocks() -> None:
    """Dropping sidebars, comments and modified times leaves the page's own dated markup."""
    html = page("Manager charged", "<time datetime='2024-03-05T08:00:00Z'>March 5, 2024</time>"
                + BODY_EN.format(line="x") + "<aside><time datetime='2021-05-06'>x</time></aside>",
                head="<meta property='article:modified_time' content='2024-06-02T00:00:00Z'>")
    article = run(html)
    assert (article.published[:10], article.published_source) == ("2024-03-05", "markup")


def test_url_and_dateline_correct_the_markup_date() -> None:
    html = ("<html><body><h1>{title}</h1><div>2005年05月13日14:15 来源：搜狐汽车</div>"
            "<p>正文</p><div class='post-date'>2005-01-28</div></body></html>")
    zh = trafilatura.load_html(html.format(title="从上海车展看在华布局"))
    ja = trafilatura.load_html(html.format(title="上海モーターショーで見た戦略"))
    sohu = "http://auto.sohu.com/20050513/n225551143.shtml"
    # htmldate's markup guess (a date element) stands when nothing better is known
    assert dates.publication_date(zh, None, None) == Dated("2005-01-28", "markup")
    # a URL date over a month away from it wins
    assert dates.publication_date(ja, "上海モーターショーで見た戦略", sohu) == Dated("2005-05-13", "url")
    # a Chinese headline's dateline wins; not for Japanese headlines
    assert dates.publication_date(zh, "从上海车展看在华布局-搜狐汽车", None) == \
        Dated("2005-05-13", "page-text")
    assert dates.publication_date(ja, "上海モーターショーで見た戦略", None) == Dated("2005-01-28", "markup")


@pytest.mark.parametrize("value, expected", [
    ("Tue, 10 Mar 2026 08:00:00 GMT", "2026-03-10T08:00:00Z"),
    ("10 Mar 2026 08:00:00 +0800", "2026-03-10T00:00:00Z"),
    ("Tue, 10 Mar 2026 08:00 EST", "2026-03-10T13:00:00Z"),
    ("Tue, 10 Mar 2026 08:00:00 -0000", None),  # RFC 2822: no known zone
    ("Tue, 10 Mar 2026 25:00:00 GMT", None),
    ("Mar 2026", None)])
def test_rss_dates_in_a_record_field(value, expected) -> None:
    """A feed's RFC 2822 date in a JSONL ``published`` field (it was dropped as unreadable)."""
    from pipelines.process import utc_iso_date

    assert utc_iso_date(value, datetime(2026, 6, 1, tzinfo=timezone.utc)) == expected


def test_a_page_with_nothing_elsewhere_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """No sidebar, navigation or modified time: the whole page is its own markup, so the second
    htmldate pass (``own_markup``) would read the same tree and is skipped."""
    plain = trafilatura.load_html(page("Manager charged", "<time datetime='2024-03-05T08:00:00Z'>"
                                       "March 5, 2024</time>" + BODY_EN.format(line="x")))
    with dates.own_markup(plain) as own:
        assert own is None
    calls = []
    real = dates.markup_date
    monkeypatch.setattr(dates, "markup_date", lambda tree, url: calls.append(tree) or real(tree, url))
    assert dates.publication_date(plain, None, None) == Dated("2024-03-05", "markup")
    assert len(calls) == 1
    sidebar = trafilatura.load_html(page("Manager charged", "<time datetime='2024-03-05T08:00:00Z'>"
                                         "March 5, 2024</time>" + BODY_EN.format(line="x")
                                         + "<aside><time datetime='2021-05-06'>x</time></aside>"))
    assert dates.publication_date(sidebar, None, None) == Dated("2024-03-05", "markup")
    assert len(calls) == 3
