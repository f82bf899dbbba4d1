"""Chinese ↔ English names in one key space: lower-case Latin letters ("hangzhou", "yu").

Both languages are mapped to the same *entity keys* so that evidence can be intersected:
  * a Chinese proper noun found in CC-CEDICT (entries whose pinyin is capitalised: places, courts,
    organisations, companies) gives its toneless pinyin ("Hang2 zhou1" → ``hangzhou``, also without
    an administrative suffix: 上城区 → ``shangcheng``) and the English name at the head of each
    definition ("Ministry of Public Security" → ``ministryofpublicsecurity``);
  * a Chinese personal name gives the pinyin of its surname, read as a surname (曾 → zeng, 单 →
    shan), and for a full name the whole name (张伟 → ``zhangwei``);
  * English capitalised words and phrases give their letters, lower-cased (``Yu``, ``Hangzhou
    Intermediate People's Court`` → ``hangzhou``, ``hangzhouintermediatepeoplecourt`` …);
  * key terms (``TERMS``: AI换脸 ↔ face-swap ↔ deepfake) and public bodies CEDICT lacks
    (``NAMED_BODIES``: 市场监管总局 ↔ State Administration for Market Regulation) as named data.

This module is pure: ``parse_cedict`` takes the dictionary's lines, the caller reads the file
(see ``pipelines.incidents.load_lexicon``), and pinyin beyond CEDICT's own readings comes from a
function the caller puts in the ``Lexicon`` (the pipeline passes pypinyin's).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter

import daachorse

# Common Chinese surnames (the top ~300 of household-registration counts, single characters).
# A personal-name pattern (X某, X某某, X先生 …) is only trusted after one of these: the full CEDICT
# surname list (771 characters) includes 在, 是-like function characters that fire on ordinary text.
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳"
    "甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解"
    "牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边"
    "卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
# Administrative suffixes dropped from a place's pinyin key: English often says "Shangcheng
# district" (→ key "shangcheng") where Chinese writes 上城区 (→ "shangchengqu").
ADMIN_SUFFIXES = "省市县区镇乡村州"
# Leading capitalised words of a definition that are descriptions, not names.
DEFINITION_STOP = frozenset({"see", "variant", "abbr", "surname", "old", "used", "also",
                             "erhua", "classifier", "cl", "taiwan", "pr", "lit", "fig"})
# Trailing words of a company's CEDICT name that English reports usually leave out
# ("BYD Company" → also "BYD").
CORPORATE_SUFFIXES = ("company", "group", "corporation", "corp", "limited", "ltd", "co", "inc",
                      "holdings")
# Words that may join capitalised words inside one English name ("Ministry of Public Security").
NAME_CONNECTORS = frozenset({"of", "for", "the", "de"})
# Capitalised words that are not names (sentence starts, titles, calendar words).
STOP_CAPS = frozenset("""
a an the this that these those it its he she his her they their them we our you your i in on at
to of for from by with as but and or if after before when while since during under over about
into than then there here what which who whom whose why how where mr ms mrs dr according also
meanwhile however some many most several all both one two three four five six seven eight nine
ten no not yes monday tuesday wednesday thursday friday saturday sunday january february march
april may june july august september october november december jan feb mar apr jun jul aug sep
sept oct nov dec today yesterday tomorrow last next
""".split())
# Name keys too generic to identify anything alone: single words, and kinds of institution
# without their place ("Intermediate People's Court" joined two bribery trials in different
# cities on the blind set). They still count inside a longer name ("Hangzhou Intermediate …").
GENERIC_NAMES = frozenset("""
ai app internet chinese police court people district province city county municipal ministry
bureau department office state national international government party company group news
agency east west south north eastern western southern northern central new
intermediatepeoplecourt peoplecourt highpeoplecourt districtpeoplecourt supremecourt
intermediatecourt highcourt districtcourt peopleprocuratorate publicsecuritybureau
policestation
""".split())
# Role words after which a Chinese personal name follows (被告人张伟 …).
NAME_CUES = ("被告人", "犯罪嫌疑人", "嫌疑人", "当事人", "受害人", "被害人", "男子", "女子", "市民",
             "村民", "记者", "法官", "检察官", "律师", "民警", "警官", "董事长", "总经理", "创始人",
             "负责人", "局长", "市长", "书记", "经理", "员工", "司机", "老人", "网友", "博主", "主播")
MAX_HEADWORD = 12  # longest CEDICT headword used in matching (characters)

_PINYIN_SYLLABLE = re.compile(r"([A-Za-zü:]+)[1-5]?")
_DEF_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_LETTERS = re.compile(r"[^a-z]+")
_POSSESSIVE = re.compile(r"['’]s\b")
_ENGLISH_WORD = re.compile(r"\b[a-z]{2,}\b")
_IDEOGRAPH_START = re.compile("[\u4e00-\u9fff]")
_PATTERN_ID = itemgetter(2)  # of a daachorse match (start, end, pattern id)
# Lower-case pinyin-like tokens that CEDICT definitions use as English words but that are also
# surnames in reports ("a man surnamed Yu" starts no sentence, "Yu said" does).
_NAMES_IN_DEFINITIONS = frozenset({"yu", "li", "wang", "zhang", "liu", "chen", "yang", "huang",
                                   "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo",
                                   "he", "lin", "luo", "gao", "zheng", "liang", "xie", "tang"})


def latin_key(text: str) -> str:
    """A name folded to its letters: possessive 's and diacritics removed, lower case ("Xi'an" →
    "xian", "People's Court" → "peoplecourt")."""
    text = _POSSESSIVE.sub("", text.replace("u:", "u").replace("ü", "u"))
    text = unicodedata.normalize("NFKD", text)
    return _LETTERS.sub("", text.encode("ascii", "ignore").decode().lower())


def pinyin_key(pinyin: str) -> str:
    """CEDICT pinyin to a key: "Hang2 zhou1" → "hangzhou", "Lu:3" → "lu"."""
    return latin_key("".join(m.group(1) for m in _PINYIN_SYLLABLE.finditer(pinyin)))


def definition_name(definition: str) -> str | None:
    """The English name at the head of a CEDICT definition, as a key, or None.

    "Hangzhou subprovincial city …" → "hangzhou"; "Ministry of Public Security" →
    "ministryofpublicsecurity"; "surname Yu" → None (described, not named)."""
    words: list[str] = []
    for match in _DEF_WORD.finditer(definition):
        if definition[:match.start()].strip(" ").endswith((",", "(", ";", ":")):
            break  # the name ends at the first punctuation
        word = match.group(0)
        if word[0].isupper() and word.lower() not in DEFINITION_STOP:
            words.append(word)
        elif words and word in NAME_CONNECTORS:
            words.append(word)
        else:
            break
    while words and words[-1] in NAME_CONNECTORS:
        words.pop()
    key = latin_key(" ".join(words))
    return key if len(key) >= 2 else None


def without_corporate_suffix(key: str) -> str | None:
    """"bydcompany" → "byd"; None if ``key`` has no corporate suffix."""
    for suffix in CORPORATE_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            return key[:-len(suffix)]
    return None


@dataclass(frozen=True)
class Lexicon:
    """What the incident layer needs from CC-CEDICT.

    ``proper``: simplified headword (≥ 2 characters) of a proper noun → its entity keys;
    ``words``: every simplified headword (for forward maximum matching, so a proper noun is not
    found straddling two ordinary words); ``surnames``: surname character → surname reading;
    ``readings``: character → its ordinary toneless reading; ``pinyin``: a better per-character
    reading function if the caller has one (pypinyin; kept out of this pure package);
    ``english_words``: lower-case words of the English definitions, i.e. ordinary English
    ("former", "police"), which are not names when capitalised only to start a sentence.
    """

    proper: dict[str, tuple[str, ...]] = field(default_factory=dict)
    words: frozenset[str] = frozenset()
    surnames: dict[str, str] = field(default_factory=dict)
    max_len: int = 1
    english_words: frozenset[str] = frozenset()
    readings: dict[str, str] = field(default_factory=dict)
    pinyin: Callable[[str], str] | None = None

    @property
    def segmenter(self) -> Segmenter:
        """For ``segment_proper``; built on first use (~0.5 s, ~25 MB), kept on this lexicon."""
        built = self.__dict__.get("_segmenter")
        if built is None:
            built = Segmenter.of(self)
            object.__setattr__(self, "_segmenter", built)  # frozen: a cache, not state
        return built

    def __getstate__(self) -> dict:
        """Pickled without the built segmenter (a compiled automaton; rebuilt on use)."""
        return {k: v for k, v in self.__dict__.items() if k != "_segmenter"}


@dataclass(frozen=True)
class Segmenter:
    """Forward maximum matching over a lexicon's headwords as one compiled pass.

    ``automaton``: a leftmost-longest, character-wise Aho-Corasick automaton (``daachorse``,
    Rust, double array) over every headword of 2 to ``MAX_HEADWORD`` characters that starts
    with an ideograph; ``proper``: per pattern index, the headword if it is a proper noun, else
    None. Leftmost-longest non-overlapping matching is forward maximum matching: from where the
    last word ended, the first position where some headword starts, the longest one there.
    Matching only starts at ideographs because every pattern starts with one."""

    automaton: daachorse.CharwiseDoubleArrayAhoCorasick
    proper: tuple[str | None, ...]

    @classmethod
    def of(cls, lexicon: Lexicon) -> Segmenter:
        top = min(lexicon.max_len, MAX_HEADWORD)
        patterns = sorted(w for w in lexicon.words
                          if 2 <= len(w) <= top and _IDEOGRAPH_START.match(w))
        automaton = daachorse.CharwiseDoubleArrayAhoCorasick(
            patterns, daachorse.MATCH_KIND_LEFTMOST_LONGEST)
        return cls(automaton, tuple(w if w in lexicon.proper else None for w in patterns))


def parse_cedict(lines: Iterable[str]) -> Lexicon:
    """Build a ``Lexicon`` from CC-CEDICT lines ("trad simp [pin1 yin1] /def/def/")."""
    proper: dict[str, set[str]] = {}
    words: set[str] = set()
    surnames: dict[str, str] = {}
    common: set[str] = set()  # headwords with an ordinary reading too (网络: Internet / network)
    english: set[str] = set()
    readings: dict[str, str] = {}
    for line in lines:
        if line.startswith("#") or "[" not in line:
            continue
        head, _, rest = line.partition("[")
        pinyin, _, defs = rest.partition("]")
        parts = head.split()
        if len(parts) != 2:
            continue
        simplified = parts[1]
        definitions = [d for d in defs.strip().strip("/").split("/") if d]
        for definition in definitions:
            english.update(w for w in _ENGLISH_WORD.findall(definition) if w.islower())
        if len(simplified) <= MAX_HEADWORD:
            words.add(simplified)
        if len(simplified) == 1:
            # The first ordinary (lower-case) reading: 曾 → ceng; its surname reading is below.
            if pinyin[:1].islower() and simplified not in readings:
                readings[simplified] = pinyin_key(pinyin)
            for d in definitions:
                if d.startswith("surname ") and simplified in COMMON_SURNAMES:
                    surnames.setdefault(simplified, latin_key(d.split()[1]))
            continue
        if not pinyin[:1].isupper() or len(simplified) > MAX_HEADWORD:
            common.add(simplified)  # CEDICT capitalises the pinyin of proper nouns only
            continue
        keys = proper.setdefault(simplified, set())
        keys.add(pinyin_key(pinyin))
        if simplified[-1] in ADMIN_SUFFIXES and len(simplified) >= 3:
            keys.add(pinyin_key(pinyin.rsplit(" ", 1)[0]))
        names = [k for k in map(definition_name, definitions) if k]
        keys.update(names)
        keys.update(filter(None, map(without_corporate_suffix, names)))
    return Lexicon(proper={w: tuple(sorted(k)) for w, k in proper.items() if w not in common},
                   words=frozenset(words), surnames=surnames,
                   max_len=max(map(len, words), default=1),
                   english_words=frozenset(english) - _NAMES_IN_DEFINITIONS,
                   readings=readings)


def char_pinyin(char: str, lexicon: Lexicon) -> str:
    """Toneless pinyin of one character: the lexicon's ``pinyin`` function (the pipeline passes
    pypinyin's), else CEDICT's ordinary reading, else "" (unknown character)."""
    if lexicon.pinyin is not None:
        return lexicon.pinyin(char)
    return lexicon.readings.get(char, "")


def name_pinyin(name: str, lexicon: Lexicon) -> str:
    """A Chinese personal name as a key: surname reading (CEDICT) + pinyin of the given name."""
    if not name:
        return ""
    surname = lexicon.surnames.get(name[0]) or char_pinyin(name[0], lexicon)
    return surname + "".join(char_pinyin(c, lexicon) for c in name[1:])


def place_pinyin(name: str, lexicon: Lexicon) -> str:
    """Pinyin of a place name CEDICT does not know (上城 → shangcheng)."""
    return "".join(char_pinyin(c, lexicon) for c in name)


def segment_proper(text: str, lexicon: Lexicon) -> list[tuple[int, str]]:
    """Proper nouns of a simplified-Chinese text by forward maximum matching over all CEDICT
    headwords: [(offset, headword)]. Matching all words, not only names, keeps 浙江西部 from
    yielding 江西.

    A word starts at an ideograph only (Latin text costs nothing) and may run on past it
    ("卡拉OK"). One leftmost-longest Aho-Corasick pass in Rust (``Lexicon.segmenter``) takes
    the place of growing a candidate one character at a time in Python (1.8 → 0.15 ms per
    article on the 20k text set, same words; ahocorasick-rs took 0.3 ms, pyahocorasick 6 ms)."""
    segmenter = lexicon.segmenter
    proper = segmenter.proper
    return [(start, word) for start, _, index in segmenter.automaton.find(text)
            if (word := proper[index]) is not None]


def proper_nouns(text: str, lexicon: Lexicon) -> list[str]:
    """The headwords of ``segment_proper(text, lexicon)``, in order: the same pass, with the
    matches filtered in C (``map``/``filter``) rather than one by one in Python (a Chinese
    article has ~1,500 words and a few proper nouns)."""
    segmenter = lexicon.segmenter
    return list(filter(None, map(segmenter.proper.__getitem__,
                                 map(_PATTERN_ID, segmenter.automaton.find(text)))))


# Key terms: the same notion in both languages → one key. Chinese forms are matched as substrings
# of Simplified text; English forms are regular expressions matched at a word start in lower-cased
# text ("sentenc" covers sentenced/sentencing; r"fire\b" is the whole word, not "fired").
# Topic words ("court", "fraud", "deepfake") are deliberately here too: rarity weighting (see
# linking.py) makes the common ones count for little, while a rare one ("kidnap" in a week
# of fraud cases) still counts.
TERMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "deepfake": (("ai换脸", "换脸", "深度伪造", "深度合成", "ai合成", "合成视频"),
                 ("deepfake", "deep fake", "deep-fake", "face-swap", "face swap", "faceswap")),
    "voice-clone": (("ai语音", "声音克隆", "克隆声音", "ai拟声", "拟声", "合成语音"),
                    ("voice clon", "voice-clon", "cloned voice", "cloning voice",
                     "synthetic voice")),
    "fraud": (("诈骗",), ("fraud", "scam", "swindl", "defraud", "con artist")),
    "telecom-fraud": (("电信网络诈骗", "电信诈骗", "电诈"), ("telecom fraud", "telecoms fraud",
                                                   "telecom scam", "phone scam", "wire fraud")),
    "romance-scam": (("杀猪盘", "网恋", "婚恋"), ("romance scam", "pig butcher", "pig-butcher")),
    "impersonation": (("冒充",), ("impersonat", "posing as", "posed as", "pretending to be")),
    "money-laundering": (("洗钱",), ("money laundering", "launder")),
    "court": (("法院",), (r"courts?\b",)),
    "prosecutor": (("检察院", "检察机关", "检方"), ("prosecutor", "procuratorate")),
    "sentence": (("判处", "判决", "宣判"), ("sentenc", "verdict")),
    "prison": (("有期徒刑", "监禁", "入狱"), ("prison", "jail", "imprison")),
    "suspended-sentence": (("缓刑",), ("suspended sentence", r"suspended for \w+ years?",
                                     "probation")),
    "appeal": (("上诉", "二审"), ("appeal",)),
    "police": (("警方", "公安", "民警"), ("police",)),
    "arrest": (("抓获", "逮捕", "刑事拘留", "刑拘", "落网"), ("arrest", "detain", "apprehend")),
    "data-breach": (("数据泄露", "信息泄露", "泄露"), ("data breach", "leak", "breach")),
    "personal-info": (("公民个人信息", "个人信息"), ("personal information", "personal data")),
    "hacker": (("黑客",), ("hacker", "hacking")),
    "explosion": (("爆炸", "爆燃"), ("explosion", "blast", "explod")),
    "fire": (("火灾", "起火", "大火"), (r"fire\b", "blaze")),
    "flood": (("洪水", "洪涝", "暴雨"), ("flood", "rainstorm")),
    "landslide": (("山体滑坡", "泥石流", "滑坡"), ("landslide", "mudslide")),
    "collapse": (("坍塌", "倒塌", "垮塌"), ("collaps",)),
    "killed": (("死亡", "遇难", "身亡"), ("killed", r"dead\b", r"died\b", r"deaths?\b")),
    "injured": (("受伤",), ("injur", "wounded", r"hurt\b")),
    "missing": (("失联", "失踪"), ("missing",)),
    "chemical-plant": (("化工厂", "化工企业", "化工公司"), ("chemical plant", "chemical factory")),
    "recall": (("召回",), ("recall",)),
    "fine": (("罚款", "罚金", "罚没"), (r"fine\b", r"fined\b", "penalt")),
    "pornography": (("淫秽", "色情"), ("pornograph", "obscene")),
    "gambling": (("赌博", "博彩"), ("gambling",)),
    "public-interest-suit": (("公益诉讼",), ("public interest suit", "public interest lawsuit",
                                         "public interest case", "public interest litigation")),
    "indictment": (("提起公诉", "起诉"), ("indict", "charged with", "filed charges",
                                      "criminal charges", "brought charges")),
    "tutorial": (("教程",), ("tutorial",)),
    "selling": (("出售", "贩卖", "售卖", "倒卖", "转卖"), ("sold", "selling", r"sells?\b", "resell")),
    "smuggling": (("走私",), ("smuggl",)),
    "illegal-fundraising": (("非法集资", "集资诈骗", "非法吸收公众存款"),
                            ("fund-raising fraud", "fundraising fraud", "illegal fund-raising",
                             "illegal fundraising", "raised over", "raised more than")),
    "counterfeit": (("假冒", "假酒", "伪造"), ("counterfeit", "fake")),
    "bribery": (("受贿", "行贿"), ("brib",)),
    "embezzlement": (("贪污", "挪用"), ("embezzl", "misappropriat")),
    "kidnapping": (("绑架",), ("kidnap", "abduct")),
    "crypto": (("虚拟货币", "加密货币", "比特币", "泰达币"), ("crypto", "bitcoin", "tether")),
    "livestream": (("直播",), ("livestream", "live-stream", "live stream")),
    "video-call": (("视频通话", "视频聊天", "视像会议", "视频会议"),
                   ("video call", "video chat", "video conferenc", "video-conferenc")),
    "multinational": (("跨国公司", "跨国企业"), ("multinational", "transnational")),
    "cfo": (("财务总监", "首席财务官"), ("chief financial officer", r"cfo\b")),
    "elderly": (("老人", "老年人"), ("elderly", "pensioner", "retiree")),
    "student": (("学生",), ("student",)),
    "vehicle": (("车辆", "汽车"), ("vehicle", r"cars?\b")),
    "battery": (("电池",), (r"batter(y|ies)\b",)),
    "passenger": (("乘客", "旅客"), ("passenger",)),
    "cross-border": (("跨境", "境外"), ("cross-border", "overseas", "abroad")),
    "ring": (("团伙", "犯罪集团"), (r"gangs?\b", r"rings?\b", "syndicate")),
    "app": (("app", "软件", "应用程序"), (r"apps?\b", "software")),
}


# Public bodies that news names often and CC-CEDICT lacks, as (Chinese forms, English forms) →
# entity key; matched like TERMS but weighed as names.
NAMED_BODIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "samr": (("国家市场监督管理总局", "市场监管总局"),
             ("state administration for market regulation", r"samr\b")),
    "nbs": (("国家统计局",), ("national bureau of statistics", r"nbs\b")),
    "cac": (("国家互联网信息办公室", "国家网信办", "网信办"),
            ("cyberspace administration of china", r"cac\b")),
    "spp": (("最高人民检察院", "最高检"), ("supreme people's procuratorate",)),
    "mot": (("交通运输部",), ("ministry of transport",)),
    "mem": (("应急管理部", "应急管理局"), ("ministry of emergency management",
                                   "emergency management bureau")),
    "pboc": (("中国人民银行", "人民银行", "央行"), ("people's bank of china", r"pboc\b",
                                          "central bank")),
    "csrc": (("中国证监会", "证监会"), ("china securities regulatory commission", r"csrc\b")),
    "pcpd": (("个人资料私隐专员公署", "私隐专员公署", "私隐公署"),
             ("privacy commissioner for personal data", r"pcpd\b")),
}
