"""The crawler's parts on their own: sources file, feed/sitemap parsing, watchlist, store,
middlewares and settings."""
from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.feeds import FeedError, feed_date, parse_xml_hub
from crawler.middlewares import RetryBackoffMiddleware
from crawler.run import crawl_settings
from crawler.sources import SourcesError, load_sources
from crawler.store import STORE_FILE, Store, StoreBusy, check_not_busy
from crawler.watchlist import Watchlist, load_watchlist, spellings
from pipelines.assign import assign_stories
from pipelines.normalise import normalise_for_matching
from pipelines.records import Article, Location, Reject
from pipelines.urls import article_id

REPO = Path(__file__).resolve().parents[1]


# --- sources ------------------------------------------------------------------------------------
def test_sample_sources_load_with_their_watchlist():
    sf = load_sources(REPO / "samples" / "sources.toml")
    assert len(sf.sources) >= 8
    assert {s.lang for s in sf.sources} == {"zh", "en"}
    assert sf.watchlist == REPO / "samples" / "watchlist.toml"
    assert any(s.start_urls for s in sf.sources) and any(s.feeds for s in sf.sources)


def test_source_link_rules():
    path = REPO / "samples" / "sources.toml"
    cna = next(s for s in load_sources(path).sources if s.name == "中央社 科技")
    assert cna.wants_article("https://www.cna.com.tw/news/ait/202603100123.aspx")
    assert not cna.wants_article("https://www.cna.com.tw/list/ait.aspx")
    assert not cna.wants_article("https://evil.example/news/ait/202603100123.aspx")
    assert not cna.on_domain("https://notcna.com.tw/")  # suffix match is on a dot boundary


@pytest.mark.parametrize("body, message", [
    ('[[source]]\nname = "A"\nallowed_domains = ["a.cn"]\nfeeds = ["https://a.cn/rss"]\n'
     'folow = ["x"]\n', "unknown key"),
    ('[[source]]\nname = "A"\nallowed_domains = ["a.cn"]\nstart_urls = ["https://a.cn/"]\n',
     "need follow patterns"),
    ('[[source]]\nname = "A"\nallowed_domains = ["a.cn"]\nfeeds = ["https://b.cn/rss"]\n',
     "not an http(s) URL on allowed_domains"),
    ('[[source]]\nname = "A"\nallowed_domains = ["a.cn"]\nfeeds = ["https://a.cn/rss"]\n'
     'follow = ["("]\n', "bad pattern"),
    ('[[source]]\nname = "A"\nallowed_domains = []\nfeeds = ["https://a.cn/rss"]\n',
     "allowed_domains is empty"),
    ("source = 3\n", "no [[source]] entries"),
    ("[[source\n", "not valid TOML"),
])
def test_bad_sources_files_are_refused_with_the_reason(tmp_path, body, message):
    path = tmp_path / "sources.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(SourcesError) as err:
        load_sources(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_missing_sources_file(tmp_path):
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "nope.toml")


# --- feeds and sitemaps ---------------------------------------------------------------------------
def test_rss_declared_gb2312_with_gbk_only_characters():
    xml = ('<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel>'
           "<item><title>记者王喆报道</title><link>/a/1.shtml</link>"
           "<pubDate>Mon, 09 Mar 2026 02:32:00 GMT</pubDate></item>"
           '<item><title>无链接</title><guid isPermaLink="false">x-1</guid></item>'
           "</channel></rss>").encode("gbk")
    hub = parse_xml_hub(xml, "http://news.example.cn/rss.xml")
    assert hub.kind == "feed"
    assert [(ln.url, ln.title, ln.published) for ln in hub.articles] == [
        ("http://news.example.cn/a/1.shtml", "记者王喆报道", "2026-03-09T02:32:00+00:00")]


def test_atom_feed_alternate_links():
    xml = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title>
      <link rel="self" href="http://x.cn/self"/><link rel="alternate" href="http://x.cn/a"/>
      <published>2026-03-09T10:32:00+08:00</published></entry>
      <entry><title>B</title><link href="http://x.cn/b"/><updated>2026-03-10</updated></entry></feed>"""
    hub = parse_xml_hub(xml, "http://x.cn/atom.xml")
    assert [(ln.url, ln.title, ln.published) for ln in hub.articles] == [
        ("http://x.cn/a", "A", "2026-03-09T10:32:00+08:00"), ("http://x.cn/b", "B", "2026-03-10")]


def test_google_news_sitemap_keeps_title_and_publication_date():
    xml = """<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc>https://tw.example/news/1</loc><news:news><news:publication><news:name>寶島</news:name>
      <news:language>zh-tw</news:language></news:publication>
      <news:publication_date>2026-03-08T14:20:00+08:00</news:publication_date>
      <news:title>深偽影片冒用名人</news:title></news:news></url>
    <url><loc>https://tw.example/news/2</loc><lastmod>2026-03-01</lastmod></url></urlset>"""
    hub = parse_xml_hub(xml.encode(), "https://tw.example/sitemap.xml")
    assert hub.kind == "urlset"
    assert [(ln.url, ln.title, ln.published) for ln in hub.articles] == [
        ("https://tw.example/news/1", "深偽影片冒用名人", "2026-03-08T14:20:00+08:00"),
        ("https://tw.example/news/2", None, None)]


def test_gzipped_sitemap_index():
    xml = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           b"<sitemap><loc>https://x.cn/s1.xml</loc></sitemap>"
           b"<sitemap><loc>/s2.xml.gz</loc></sitemap></sitemapindex>")
    hub = parse_xml_hub(gzip.compress(xml), "https://x.cn/sitemap.xml.gz")
    assert hub.kind == "sitemapindex"
    assert hub.hubs == ("https://x.cn/s1.xml", "https://x.cn/s2.xml.gz")
    with pytest.raises(FeedError, match="larger than"):
        parse_xml_hub(gzip.compress(xml), "https://x.cn/sitemap.xml.gz", max_size=100)


def test_entities_are_not_expanded_and_html_is_not_a_feed():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<rss><channel><item><title>&b;</title><link>http://x.cn/1</link></item></channel></rss>")
    (link,) = parse_xml_hub(bomb, "http://x.cn/").articles
    assert "aaaaaaaaaa" not in (link.title or "")
    with pytest.raises(FeedError):
        parse_xml_hub(b"<html><body>hello</body></html>", "http://x.cn/")


def test_feed_date_forms():
    assert feed_date("Thu, 12 Mar 2026 01:05:00 GMT") == "2026-03-12T01:05:00+00:00"
    assert feed_date("2026-03-12") == "2026-03-12"
    assert feed_date("2026-03-12T09:05:00Z") == "2026-03-12T09:05:00+00:00"
    assert feed_date("yesterday") is None and feed_date("") is None


# --- watchlist ----------------------------------------------------------------------------------
def test_watchlist_matches_traditional_and_taiwan_spellings():
    watch = Watchlist.from_keywords(["虚假视频", "AI换脸", "deepfake", "AI"])
    assert "虚假影片" in spellings("虚假视频")  # Taiwan phrasing, not reachable by t2s alone
    text = normalise_for_matching("網路流傳虛假影片，警方說是ＡＩ換臉做的")
    assert watch.hits(text) == ["虚假视频", "AI换脸", "AI"]  # CJK next to "ai" is a boundary
    assert watch.hits(normalise_for_matching("Deepfakes spread; she said aid came")) == ["deepfake"]
    assert watch.hits(normalise_for_matching("An AI model")) == ["AI"]


def test_sample_watchlist_covers_the_issue_terms():
    watch = load_watchlist(REPO / "samples" / "watchlist.toml")
    for term in ("deepfake", "AI换脸", "深度合成", "一键脱衣"):
        assert term in watch.keywords
    assert watch.hits(normalise_for_matching("某App提供「一鍵脫衣」功能")) == ["一键脱衣"]



def test_watchlist_keywords_match_their_english_inflections():
    """An article about "a face-swapping app", "undress apps" or "nudified photos" mentions
    watched keywords; it was an off-watchlist reject (consonant doubling, a 3-letter word's
    plural and -ies/-ied were not read)."""
    watch = load_watchlist(REPO / "samples" / "watchlist.toml")
    for text, keyword in (("Police shut a face-swapping app", "face swap"),
                          ("images were face swapped", "face swap"),
                          ("ads for undress apps", "undress app"),
                          ("nudified photos of pupils", "nudify"),
                          ("a pensioner was AI scammed", "AI scam")):
        assert keyword in watch.hits(normalise_for_matching(text)), text
    short = Watchlist.from_keywords(["AI", "app"])
    assert short.hits(normalise_for_matching("said aid, an apple, an appeal")) == []


# --- store --------------------------------------------------------------------------------------
ZH_TEXTS = [
    "警方破获一起利用人工智能换脸技术实施电信网络诈骗的案件，抓获犯罪嫌疑人六名，涉案金额达四百三十余万元。"
    "犯罪团伙事先通过社交平台收集受害企业负责人的公开视频和语音资料，利用深度合成软件生成数字人。",
    "江城至临海高速铁路正式开通运营，这条线路全长一百八十六公里，设计时速三百五十公里，沿途设置八座车站。"
    "铁路部门介绍，开通初期每天安排开行动车组列车四十二对，高峰时段将增开临时列车。",
]


def make_article(url: str, text: str, published: str = "2026-03-09") -> Article:
    return Article(id=article_id(url), url=url, title="t", text=text, lang="zh", script="Hans",
                   published=published, site="x", fetched_at="2026-03-12T00:00:00+00:00")


def test_store_uncommitted_writes_vanish_and_committed_ones_stay(tmp_path):
    store = Store(tmp_path / STORE_FILE)
    first = make_article("http://a.cn/1", ZH_TEXTS[0])
    store.add_article(first, "A", ["http://a.cn/1"], body=b"<html>1</html>")
    store.commit()
    store.add_article(make_article("http://a.cn/2", ZH_TEXTS[1]), "A", ["http://a.cn/2"])
    store.add_reject(Reject(Location("A"), "not-html", "pdf", "http://a.cn/r.pdf"), "A",
                     ["http://a.cn/r.pdf"])
    store.abort()  # like kill -9: the open transaction is never committed
    again = Store(tmp_path / STORE_FILE)
    assert [a.url for a in again.articles()] == ["http://a.cn/1"]
    assert again.rejects() == [] and not again.frontier.is_seen("http://a.cn/2")
    assert again.frontier.is_seen("http://a.cn/1")
    assert again.raw(first.id) == (b"<html>1</html>", None)
    assert [s.article_ids for s in again.stories()] == [[first.id]]
    again.close()


def test_store_index_snapshot_and_replay_equal_a_batch(tmp_path):
    copy = ZH_TEXTS[0][:60] + "。" + ZH_TEXTS[0][60:]  # a re-punctuated copy
    docs = [("http://a.cn/1", ZH_TEXTS[0], "2026-03-09"), ("http://b.cn/9", ZH_TEXTS[1], None),
            ("http://c.cn/3", copy, "2026-03-08")]
    store = Store(tmp_path / STORE_FILE)
    store.add_article(make_article(*docs[0]), "A", [docs[0][0]])
    store.add_article(make_article(*docs[1]), "B", [docs[1][0]])
    store.finish()  # snapshot covers the first two
    store.close()
    store = Store(tmp_path / STORE_FILE)
    store.add_article(make_article(*docs[2]), "C", [docs[2][0]])
    store.commit()
    store.abort()  # killed before the next snapshot: the third is replayed on open
    store = Store(tmp_path / STORE_FILE)
    stories = store.stories()
    batch = assign_stories([make_article(*d) for d in docs])
    assert [s.as_output() for s in stories] == [s.as_output() for s in batch]
    merged = next(s for s in stories if s.size == 2)
    assert merged.article_ids == sorted([article_id(docs[0][0]), article_id(docs[2][0])])
    assert merged.representative_id == article_id(docs[2][0])  # earliest published
    assert {a.id: a.story_id for a in store.articles()} == \
        {i: s.story_id for s in stories for i in s.article_ids}
    store.close()


def test_store_hub_links_survive_a_304(tmp_path):
    store = Store(tmp_path / STORE_FILE)
    links = [("article", "http://a.cn/1", "T", "2026-03-09"), ("hub", "http://a.cn/s2.xml", None, None)]
    store.add_hub("http://a.cn/s.xml", "sitemap", "A", 200, "t0", '"e1"', None, links)
    store.add_hub("http://a.cn/s.xml", "sitemap", "A", 304, "t1", None, None, None)
    store.commit()
    assert store.frontier.validators("http://a.cn/s.xml") == ('"e1"', None)
    assert store.frontier.hub_links("http://a.cn/s.xml") == links
    store.close()


def test_one_writer_per_out_dir(tmp_path):
    store = Store(tmp_path / STORE_FILE)
    with pytest.raises(StoreBusy):
        check_not_busy(tmp_path)
    with pytest.raises(StoreBusy):
        Store(tmp_path / STORE_FILE)
    reader = Store(tmp_path / STORE_FILE, writable=False)  # export may read meanwhile
    assert reader.counts()["articles"] == 0
    reader.db.close()
    store.close()
    check_not_busy(tmp_path)  # released
    Store(tmp_path / STORE_FILE).close()


# --- middlewares, settings, scrapy project --------------------------------------------------------
def test_retry_backoff_doubles_up_to_the_cap():
    mw = RetryBackoffMiddleware(base=2.0, cap=5.0)
    assert [mw.delay(n) for n in range(5)] == [0.0, 2.0, 4.0, 5.0, 5.0]


def test_settings_keep_the_crawler_polite_and_closed():
    settings = crawl_settings()
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")  # Scrapy 2.19's code-execution server
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert settings.getint("DOWNLOAD_MAXSIZE") == 4 * 1024 * 1024
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 4
    assert crawl_settings({"DOWNLOAD_DELAY": 0}).getfloat("DOWNLOAD_DELAY") == 0


def test_the_store_and_its_path_come_from_the_settings(tmp_path):
    from crawler.sqlite_parts import LocalStoryIndex, SqliteFrontier
    from crawler.storage import open_backend, store_path

    plain = crawl_settings({"NEWSDEDUP_REDIS_URL": None})
    assert store_path(plain, tmp_path) == tmp_path / STORE_FILE
    backend = open_backend(plain, tmp_path)
    try:
        assert backend.run is None and backend.store.path == tmp_path / STORE_FILE
        assert isinstance(backend.store.frontier, SqliteFrontier)
        assert isinstance(backend.store.stories_part, LocalStoryIndex)
    finally:
        backend.store.close()
    redis = {"NEWSDEDUP_REDIS_URL": "redis://127.0.0.1:1/0", "NEWSDEDUP_WORKER_ID": "w7"}
    assert store_path(crawl_settings({**redis, "NEWSDEDUP_RUN_ID": "r1"}), tmp_path) == \
        tmp_path / "workers" / "w7" / STORE_FILE
    with pytest.raises(ValueError, match="run id"):
        store_path(crawl_settings({**redis, "NEWSDEDUP_RUN_ID": None}), tmp_path)


def test_scrapy_list_shows_the_spiders():
    done = subprocess.run([str(Path(sys.executable).parent / "scrapy"), "list"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["feeds", "listings", "news", "sitemaps"]
