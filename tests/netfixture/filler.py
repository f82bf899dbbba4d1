"""Generated filler articles for the crawl benchmark: many distinct, plausible local reports.

Sentences come from slot templates filled by a seeded RNG, so pages differ in names, places and
figures the way unrelated local news does; they are not asserted anywhere.
"""
from __future__ import annotations

import random

from .stories import StoryText

ZH_PLACES = ["江城", "临海", "石湾", "青川", "北岭", "南浦", "云溪", "东林", "西河", "安平", "永宁", "长乐"]
ZH_SUBJECTS = ["社区卫生服务中心", "市图书馆", "农贸市场", "老旧小区改造工程", "公交线路", "中小学食堂",
               "养老服务站", "污水处理厂", "文化广场", "科技园区", "菜篮子基地", "体育公园"]
ZH_TEMPLATES = [
    "{place}市{subject}{month}月{day}日起正式投入使用，预计每天可服务居民{n}人次。",
    "据{place}区有关部门介绍，{subject}项目总投资约{m}万元，其中财政补助占{p}%。",
    "记者在现场看到，{subject}周边已设置{k}处临时停车点，工作人员正在引导车辆有序停放。",
    "{place}市民{name}告诉记者，过去办事要跑好几个地方，现在{subject}建成后方便了许多。",
    "相关负责人表示，下一步将在{place}其余{k}个街道推广这一做法，并建立定期回访机制。",
    "截至{month}月底，{place}已累计完成{subject}相关投资{m}万元，完成年度计划的{p}%。",
    "业内人士分析，{subject}的建设有助于缓解{place}城区{topic}方面的压力。",
    "{place}市{dept}将对{subject}开展为期{k}周的专项检查，重点排查{topic}问题。",
    "不少居民在座谈会上提出建议，希望{subject}能够延长开放时间，增加{topic}服务。",
    "根据规划，到{year}年{place}将新增{subject}{k}处，覆盖率提高到{p}%以上。",
]
ZH_TOPICS = ["交通出行", "食品安全", "消防安全", "停车难", "就医", "环境卫生", "噪音扰民", "便民服务"]
ZH_DEPTS = ["市场监管局", "住建局", "交通运输局", "卫健委", "生态环境局", "文旅局"]
ZH_NAMES = ["李女士", "张先生", "王阿姨", "刘师傅", "陈同学", "赵大爷", "周女士", "吴先生"]

EN_PLACES = ["Riverside", "Oak Hill", "Maple Grove", "Harbor Point", "Cedar Falls", "Brookfield",
             "Westport", "Pine Ridge", "Lakeside", "Fairview", "Granite Bay", "Summit"]
EN_SUBJECTS = ["community library", "water treatment plant", "youth soccer league", "farmers market",
               "senior center", "bus route", "elementary school", "public pool", "fire station",
               "housing project", "bridge repair", "recycling program"]
EN_TEMPLATES = [
    "Officials in {place} said the {subject} would reopen on {month_name} {day} after months of delays.",
    "The {subject} project is expected to cost about ${m} million, with the state covering {p} percent.",
    "Residents of {place} packed a meeting on {weekday} night to raise concerns about {topic}.",
    "\"We have waited a long time for this,\" said {name}, who has lived in {place} for {k} years.",
    "The {dept} plans to hold {k} more public hearings before making a final decision.",
    "By the end of {month_name}, crews had finished {p} percent of the work on the {subject}.",
    "Critics argue that the {subject} does little to address {topic} in the eastern part of {place}.",
    "A spokesperson for the {dept} said the agency would publish updated figures in {k} weeks.",
    "Supporters say the {subject} will serve roughly {n} people a day once it is fully open.",
    "Under the current plan, {place} would add {k} similar facilities by {year}.",
]
EN_TOPICS = ["traffic", "flooding", "rising rents", "school crowding", "noise", "parking", "safety"]
EN_DEPTS = ["parks department", "public works department", "county board", "school district",
            "planning commission", "transit authority"]
EN_NAMES = ["Linda Morales", "James Carter", "Aisha Khan", "Robert Nguyen", "Emily Foster",
            "Michael Brooks", "Sofia Rossi", "David Kim"]
MONTHS = ["January", "February", "March", "April", "May", "June"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday"]


def _slots(rng: random.Random, lang: str) -> dict[str, object]:
    zh = lang == "zh"
    return {
        "place": rng.choice(ZH_PLACES if zh else EN_PLACES),
        "subject": rng.choice(ZH_SUBJECTS if zh else EN_SUBJECTS),
        "topic": rng.choice(ZH_TOPICS if zh else EN_TOPICS),
        "dept": rng.choice(ZH_DEPTS if zh else EN_DEPTS),
        "name": rng.choice(ZH_NAMES if zh else EN_NAMES),
        "month": rng.randint(1, 12), "day": rng.randint(1, 28), "n": rng.randint(200, 9000),
        "m": rng.randint(2, 900), "p": rng.randint(10, 95), "k": rng.randint(2, 30),
        "year": rng.randint(2027, 2035), "month_name": rng.choice(MONTHS),
        "weekday": rng.choice(WEEKDAYS),
    }


def _sentence(rng: random.Random, lang: str) -> str:
    """A template sentence, or (one time in two) a sentence glued from clause fragments, so two
    filler articles share little text beyond the template words."""
    slots = _slots(rng, lang)
    if rng.random() < 0.5:
        return rng.choice(ZH_TEMPLATES if lang == "zh" else EN_TEMPLATES).format(**slots)
    if lang == "zh":
        return (f"{rng.choice(ZH_OPENERS).format(**slots)}，{rng.choice(ZH_CLAUSES).format(**slots)}，"
                f"{rng.choice(ZH_CLOSERS).format(**slots)}。")
    return (f"{rng.choice(EN_OPENERS).format(**slots)}, {rng.choice(EN_CLAUSES).format(**slots)}, "
            f"{rng.choice(EN_CLOSERS).format(**slots)}.")


ZH_OPENERS = ["{month}月{day}日上午", "据{place}{dept}消息", "记者从{place}获悉", "今年以来", "截至目前",
              "在{place}{subject}现场", "{name}回忆说", "针对群众反映的{topic}问题", "按照工作安排",
              "{place}第{k}次协调会上"]
ZH_CLAUSES = ["工作人员逐户走访了{n}户居民", "相关部门投入资金{m}万元", "{subject}新增岗位{k}个",
              "{place}启动了{topic}专项整治", "第三方机构完成了{p}%的评估工作", "{dept}抽调{k}名骨干",
              "施工方调整了{subject}的设计方案", "志愿者累计服务{n}小时", "{place}出台{k}条具体措施",
              "{subject}的日均客流达到{n}人次"]
ZH_CLOSERS = ["下一步还将继续跟踪", "群众满意度明显提升", "预计{year}年全面完成", "问题整改率达到{p}%",
              "受到周边居民普遍欢迎", "后续情况将及时公布", "相关经验将在全市推广", "仍需解决资金缺口{m}万元",
              "计划在{month}月底前验收", "{name}对此表示认可"]
EN_OPENERS = ["On {weekday} morning", "According to the {dept}", "In a statement on {month_name} {day}",
              "Since last spring", "At a packed meeting in {place}", "{name} said that",
              "After {k} weeks of debate", "Despite concerns about {topic}", "Earlier this year",
              "In the {subject} budget"]
EN_CLAUSES = ["crews inspected {n} homes on the east side", "the county set aside ${m} million",
              "the {subject} added {k} new staff positions", "{place} launched a review of {topic}",
              "contractors finished {p} percent of the work", "the {dept} reassigned {k} inspectors",
              "engineers redrew the plans for the {subject}", "volunteers logged {n} hours",
              "{place} adopted {k} new rules", "the {subject} drew {n} visitors a day"]
EN_CLOSERS = ["officials promised further updates", "residents largely welcomed the change",
              "the work should be finished by {year}", "{p} percent of complaints were resolved",
              "the plan still faces a ${m} million gap", "a final vote is expected in {month_name}",
              "{name} called the result encouraging", "critics said more oversight was needed",
              "the figures will be published online", "similar programs may follow in {place}"]


def filler_stories(lang: str, count: int, seed: str) -> list[StoryText]:
    rng = random.Random(f"{seed}:{lang}")
    joiner = "" if lang == "zh" else " "
    stories = []
    for i in range(count):
        paragraphs = [joiner.join(_sentence(rng, lang) for _ in range(3)) for _ in range(5)]
        s = _slots(rng, lang)
        title = (f"{s['place']}{s['subject']}建设进展情况通报（第{i + 1}期）" if lang == "zh"
                 else f"{s['place']} update: what's next for the {s['subject']} (No. {i + 1})")
        day = 1 + i % 28
        stories.append(StoryText(f"filler-{seed}-{i}", lang, title,
                                 f"2026-02-{day:02d}T08:00:00+00:00", "", tuple(paragraphs)))
    return stories
