"""Short templated texts: three county warnings are three stories; copies of one still group."""
from __future__ import annotations

from dedupe.stories.templates import clash, facts, split_templated
from pipelines.assign import assign_stories
from pipelines.records import Article

WARNING = ("{county}气象台{day}日{hour}时发布暴雨橙色预警信号：预计未来{hours}小时内，{county}大部分"
           "乡镇将出现{rain}毫米以上强降雨，局地伴有雷电、短时大风等强对流天气，山区可能发生山洪、"
           "泥石流等地质灾害，城市低洼地带可能出现积水。请注意防范，及时转移危险地带人员，"
           "减少不必要的外出，驾驶人员注意道路积水和交通阻断。")
COUNTIES = [("临安区", "14", "16", "3", "80"), ("桐庐县", "14", "17", "6", "100"),
            ("淳安县", "14", "15", "2", "60")]


def article(doc_id: str, text: str) -> Article:
    return Article(id=doc_id, url=f"https://example.cn/{doc_id}", title=None, text=text,
                   lang="zh", script="Hans", published="2024-06-14", site="example.cn")


def warnings() -> list[Article]:
    return [article(f"w{i}", WARNING.format(county=c, day=d, hour=h, hours=n, rain=r))
            for i, (c, d, h, n, r) in enumerate(COUNTIES)]


def test_three_county_warnings_are_three_stories():
    docs = warnings()
    stories = assign_stories(docs)
    assert sorted(s.article_ids for s in stories) == [["w0"], ["w1"], ["w2"]]
    assert clash(facts(docs[0].text), facts(docs[1].text))


def test_copies_of_a_short_text_still_group():
    docs = warnings()
    original = docs[0].text
    copies = [article("c1", original), article("c2", "来源：新华社\n" + original),
              article("c3", original + "\n广告：下载客户端领取新人红包199元")]
    stories = assign_stories(docs + copies)
    assert sorted(s.article_ids for s in stories) == [["c1", "c2", "c3", "w0"], ["w1"], ["w2"]]


def test_long_texts_are_never_split():
    long_a = WARNING.format(county="临安区", day=14, hour=16, hours=3, rain=80) * 3
    long_b = WARNING.format(county="桐庐县", day=14, hour=17, hours=6, rain=100) * 3
    assert split_templated([["a", "b"]], {"a": long_a, "b": long_b}) == [["a", "b"]]
