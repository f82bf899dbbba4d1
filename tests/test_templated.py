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


DISCLAIMER = ("特别声明：本文转载仅仅是出于传播信息的需要，并不意味着代表本网站观点或证实其内容的真实性；"
              "如其他媒体、网站或个人从本网站转载使用，须保留本网站注明的“来源”，并自负版权等法律责任；"
              "作者如果不希望被转载或者联系转载稿费等事宜，请与我们接洽。")
BRIEFS = ["合约销售金额1056.2亿元，同比增长8.8%；营业额385.7亿元，同比增长42.2%。",
          "比如C罗在比赛第七十分钟打进关键一球，帮助球队逆转取胜，赛后他接受了记者采访。",
          "一名女童眼睛被烟花炸伤，医生提醒家长春节期间看护好孩子，远离燃放现场。",
          "集成电路产业投资基金二期完成募资，将重点投向设备、材料等产业链上游环节。"]


def test_a_shared_disclaimer_does_not_make_short_texts_copies():
    """Briefs of four unrelated reports, each under the portal's 119-character reprint
    disclaimer (a dump's own ``text``, no extraction ran): the disclaimer was most of each
    text (Jaccard 0.55) and made them one story. They are matched without their boilerplate
    lines; the text itself keeps it; real copies (the same brief) still group."""
    docs = [article(f"b{i}", f"{brief}\n{DISCLAIMER}") for i, brief in enumerate(BRIEFS)]
    docs.append(article("copy", f"{BRIEFS[0]}\n{DISCLAIMER}"))
    english = ("Disclaimer: the views expressed in this article are those of the author and do not "
               "necessarily reflect the official policy or position of this website or its owners.")
    docs += [article("en0", f"A court jailed a man for 11 years over face-swap video calls.\n{english}"),
             article("en1", f"A cold wave will bring snow to the northern plains this weekend.\n{english}")]
    stories = assign_stories(docs)
    assert sorted(s.article_ids for s in stories) == [
        ["b0", "copy"], ["b1"], ["b2"], ["b3"], ["en0"], ["en1"]]
    assert DISCLAIMER in docs[0].text
