"""dedupe.stories.grouping: syndicated copies join their story; same-topic reports and sidebars do not.

The reports below were written for these tests (fictional people and cases). Each language has
two reports from the same week on the same topic (AI deepfakes in court), which share much of
their vocabulary but are different events.
"""
from __future__ import annotations

import io
import json
import random
import unicodedata

import numpy as np
import pytest
from datasketch.storage import unordered_storage

from dedupe import StoryConfig, StoryDoc, StoryIndex, choose_representative, group_stories
from dedupe.stories.index import StorageBandStore
from dedupe.stories.pair_evidence import explain

ZH_A = [
    ('本报杭州3月12日电（记者 陈思远）3月11日，杭州互联网法院对一起利用人工智能“换脸”'
     '技术侵害他人肖像权的案件作出一审判决，认定被告某科技公司构成侵权，判令其赔礼道歉并赔偿原'
     '告经济损失及合理维权费用共计五万元。'),
    ('原告林某是一名拥有百万粉丝的短视频博主，主要发布古风服饰穿搭视频。去年八月，林某发现一款'
     '名为“秒变”的手机应用上架了大量以其视频为模板的换脸素材，用户只需上传一张自拍照，即可将'
     '自己的面部替换到林某的视频中，应用按次收取会员费用。'),
    ('被告辩称，涉案模板由用户上传，公司仅提供技术服务，且换脸后的视频中已不再显示原告的面部，'
     '因此不构成对肖像权的侵害。'),
    ('法院审理认为，被告在未经原告许可的情况下，选取原告视频制作模板并向用户有偿提供，模板中保'
     '留了原告的发型、服饰、动作和拍摄场景等具有识别性的特征，属于对原告个人信息的不当处理，同'
     '时侵害了原告的肖像权益。深度合成服务提供者应当履行审核义务，不能以技术中立为由免除责任。'),
    ('承办法官表示，随着生成式人工智能的快速普及，换脸、换声等深度合成应用门槛不断降低，此类纠'
     '纷呈上升趋势。本案明确了深度合成服务提供者对模板素材的来源负有审查义务，对于规范相关产业'
     '发展具有示范意义。'),
    ('据了解，该公司已于判决前下架涉案应用中的全部模板。截至发稿时，双方均未表示是否提起上诉。'),
]

ZH_B = [
    ('新华社北京3月13日电（记者 周明轩）北京互联网法院13日公开宣判一起人工智能生成声音人'
     '格权侵权案，认定两家被告公司未经许可使用配音演员的声音训练并销售人工智能语音产品，判令其'
     '向原告赔礼道歉并赔偿损失二十五万元。'),
    ('原告殷某是一名从业十余年的配音演员，曾为多部有声读物和广告片配音。去年，殷某的同行在一款'
     '文本转语音软件中听到了与其声音高度相似的合成语音，该软件面向企业客户按年收费，宣传称可“'
     '一键生成专业配音”。'),
    ('经查，被告之一的某文化传媒公司曾与殷某签订录音制品合作协议，随后将录音提供给另一家人工智'
     '能公司，后者以此为素材训练模型并推出商用语音产品。两被告均辩称，合成声音系算法生成，与原'
     '告本人声音存在差异，不应受到法律保护。'),
    ('法院审理认为，自然人的声音以声纹、音色、频率为区分特征，具有独特性和稳定性，声音权益及于'
     '能够被一般社会公众识别的人工智能合成声音。被告对录音制品享有的著作权等权利，并不包括授权'
     '他人以人工智能方式使用原告的声音。'),
    ('主审法官指出，生成式人工智能的发展不能以牺牲个人权益为代价。本案是全国首例人工智能生成声'
     '音人格权侵权案件，对于深度合成技术的规范使用具有重要的指导意义。'),
]

EN_A = [
    ('HARRISBURG, Pa. (AP) — A former high school student who used artificial intelligence to '
     'create sexually explicit deepfake images of 14 classmates was sentenced Tuesday to four '
     'years in state prison, a punishment prosecutors called a warning to anyone who thinks '
     'fake images cause no real harm.'),
    ('Dauphin County Judge Margaret Ellison handed down the sentence after two hours of '
     'testimony from victims and their parents, several of whom described panic attacks, '
     'missed school and the fear that the images would follow them into college and their '
     'first jobs.'),
    ('Tyler Brandt, 19, pleaded guilty in January to 28 counts, including the dissemination of'
     ' artificially generated child sexual abuse material under a state law that took effect '
     "last year. Investigators said he copied photos from the girls' social media accounts, "
     'ran them through a free app that strips away clothing, and shared the results in a group'
     ' chat with more than 40 members.'),
    ('Defense attorney Paul Okafor had asked for probation, arguing that his client was 17 '
     "when the images were made, had no prior record and had shown remorse. He said the app's "
     'developers, who remain unidentified, bear much of the blame for putting such a tool in '
     "teenagers' hands."),
    ('Ellison rejected that argument. The technology may be new, she said from the bench, but '
     'the cruelty is not, and the court cannot treat the humiliation of children as a prank.'),
    ('District Attorney Fran Chardo said after the hearing that his office has opened nine '
     'similar investigations since the law was passed and urged parents to talk with their '
     'children about what they post online. Brandt must also register as a sex offender for 15'
     ' years.'),
]

EN_B = [
    ('BALTIMORE (AP) — A former high school athletic director accused of using artificial '
     'intelligence to fake a recording of his principal making racist and antisemitic remarks '
     'pleaded guilty Thursday to disrupting school operations, in one of the first criminal '
     'cases in the country over a deepfake audio clip.'),
    ('Dazhon Reed, 32, entered an Alford plea in Baltimore County Circuit Court, meaning he '
     'did not admit guilt but acknowledged that prosecutors had enough evidence to convict '
     'him. Judge Kathleen Murphy sentenced him to four months in jail under the terms of a '
     'plea agreement.'),
    ('The clip, which spread widely on social media last spring, appeared to capture Principal'
     ' Eric Eiswert disparaging Black students and Jewish families. It led to death threats '
     'against Eiswert, a police presence at the school and his temporary removal from the '
     'building while investigators examined the recording.'),
    ('Forensic analysts with the FBI and a university lab concluded that the voice had been '
     'generated with artificial intelligence software. Prosecutors said Reed made the '
     'recording in retaliation after the principal began investigating his handling of school '
     'funds and questioned a coaching contract.'),
    ("Eiswert's lawyer said outside the courthouse that the sentence did little to repair the "
     'damage. His reputation was destroyed in a matter of hours, and a plea to a misdemeanor '
     'does not undo that, she said.'),
    ('Maryland lawmakers are weighing a bill that would make it a crime to create or share '
     'deepfake audio or video of a person without consent with the intent to harm them.'),
]

def norm(text: str) -> str:
    """What pipelines.normalise does, minus Traditional->Simplified (the texts are Simplified)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in text)
    return " ".join(text.split())


def doc(doc_id: str, paras: list[str], published: str | None = None) -> StoryDoc:
    raw = "\n".join(paras)
    return StoryDoc(doc_id, norm(raw), published, len(raw))


def truncated(paras: list[str], fraction: float) -> list[str]:
    raw = "\n".join(paras)
    return [raw[:int(len(raw) * fraction)]]


SOURCE = {"zh": "来源：新华社 责任编辑：王磊", "en": "Source: The Associated Press"}
AD = {"zh": "【广告】春季家装节 全屋定制限时直降30% 立即预约",
      "en": "Advertisement: Subscribe today for unlimited access to award-winning journalism."}
MORE = {"zh": "阅读全文", "en": "Read the full story"}
RELATED = {"zh": "相关阅读", "en": "Related stories"}
HEADLINE = {"ZH_A": "女博主视频被做成换脸模板 法院判了", "ZH_B": "全国首例AI声音侵权案宣判",
            "EN_A": "Teen who made deepfake nudes of classmates gets prison",
            "EN_B": "Ex-athletic director pleads in AI audio hoax case"}
STORIES = {"ZH_A": ZH_A, "ZH_B": ZH_B, "EN_A": EN_A, "EN_B": EN_B}


def copies(name: str) -> dict[str, list[str]]:
    """The ways a portal or aggregator republishes a report."""
    paras = STORIES[name]
    lang = name[:2].lower()
    return {
        "orig": paras,
        "reheadline": [HEADLINE[name]] + paras + [SOURCE[lang]],
        "dropped": paras[:2] + paras[3:] + [AD[lang]],
        "trunc30": truncated(paras, 0.3),
        "aggregator": [HEADLINE[name]] + truncated(paras, 0.35) + [MORE[lang]],
    }


def story_docs(*names: str) -> list[StoryDoc]:
    return [doc(f"{name}-{kind}", paras) for name in names for kind, paras in copies(name).items()]


def expected(*names: str) -> list[list[str]]:
    return sorted(sorted(f"{name}-{kind}" for kind in copies(name)) for name in names)


@pytest.mark.parametrize("lang", ["ZH", "EN"])
def test_copies_join_and_same_topic_reports_stay_apart(lang):
    names = (f"{lang}_A", f"{lang}_B")
    assert group_stories(story_docs(*names)) == expected(*names)


@pytest.mark.parametrize("name", ["ZH_A", "EN_A"])
def test_truncated_and_dropped_paragraph_copies_are_lsh_candidates(name):
    c = copies(name)
    orig = doc("o", c["orig"])
    trunc = explain(doc("t", c["trunc30"]), orig)
    assert trunc.candidate and trunc.linked and trunc.reason == "truncated-copy"
    assert trunc.containment_a_in_b > 0.95 and trunc.jaccard < 0.45  # low Jaccard, contained
    dropped = explain(doc("d", c["dropped"]), orig)
    assert dropped.candidate and dropped.linked and dropped.reason == "jaccard"


@pytest.mark.parametrize("lang", ["ZH", "EN"])
def test_same_topic_pair_evidence(lang):
    ev = explain(doc("a", STORIES[f"{lang}_A"]), doc("b", STORIES[f"{lang}_B"]))
    assert not ev.linked and ev.reason == "no-link"
    assert ev.jaccard < 0.05 and ev.estimated_jaccard < 0.1


@pytest.mark.parametrize("lang", ["ZH", "EN"])
def test_sidebar_lead_of_another_story_does_not_merge_stories(lang):
    a, b = STORIES[f"{lang}_A"], STORIES[f"{lang}_B"]
    b_lead = b[0][:90] if lang == "ZH" else " ".join(b[0].split()[:40])
    docs = [
        doc("a", a),
        doc("a-sidebar", a + [RELATED[lang.lower()], b_lead]),
        # an aggregator's cut copy of A followed by its related-stories list (B's lead)
        doc("a-agg", [HEADLINE[f"{lang}_A"]] + truncated(a, 0.3) + [MORE[lang.lower()],
                                                                     RELATED[lang.lower()], b_lead]),
        doc("b", b),
        doc("b-lead", [b_lead]),  # B's lead alone: contained in both copies of A above
        doc("b-trunc", truncated(b, 0.3)),
    ]
    assert group_stories(docs) == [["a", "a-agg", "a-sidebar"], ["b", "b-lead", "b-trunc"]]
    side = explain(docs[4], docs[1])
    assert side.containment_a_in_b > 0.9 and not side.linked  # contained, yet not linked


def all_docs() -> list[StoryDoc]:
    docs = story_docs("ZH_A", "ZH_B", "EN_A", "EN_B")
    docs.append(doc("empty", [""]))
    docs.append(doc("short", ["法院"]))
    return docs


def test_incremental_equals_batch_whatever_the_order():
    docs = all_docs()
    batch = group_stories(docs)
    assert len(batch) == 6
    rng = random.Random(4)
    for _ in range(5):
        order = docs[:]
        rng.shuffle(order)
        one_by_one = StoryIndex()
        for d in order:
            one_by_one.add(d)
        assert one_by_one.clusters() == batch
        chunked = StoryIndex()
        for i in range(0, len(order), 7):
            chunked.add_many(order[i:i + 7])
        assert chunked.clusters() == batch


def test_datasketch_storage_backend_gives_the_same_clusters():
    docs = all_docs()
    index = StoryIndex(store=StorageBandStore(unordered_storage({"type": "dict"})))
    for d in docs:
        index.add(d)
    assert index.clusters() == group_stories(docs)


def persist(state: dict) -> dict:
    """Write the state the way a store would (arrays in npz, the rest as JSON) and read it back."""
    arrays = {k: v for k, v in state.items() if isinstance(v, np.ndarray)}
    plain = {k: v for k, v in state.items() if not isinstance(v, np.ndarray)}
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    buf.seek(0)
    loaded = dict(np.load(buf))
    loaded.update(json.loads(json.dumps(plain)))
    return loaded


def test_state_round_trip_continues_identically():
    docs = all_docs()
    random.Random(9).shuffle(docs)
    first, rest = docs[:11], docs[11:]
    index = StoryIndex()
    index.add_many(first)
    state = index.to_state()
    assert all(isinstance(v, (np.ndarray, list, dict, int, str)) for v in state.values())
    resumed = StoryIndex.from_state(persist(state))
    assert resumed.clusters() == index.clusters()
    for d in rest:
        resumed.add(d)
    index.add_many(rest)
    assert resumed.clusters() == index.clusters() == group_stories(docs)
    again = StoryIndex.from_state(persist(resumed.to_state()))
    assert again.clusters() == resumed.clusters()
    for key in ("sigs", "leads", "lead_pos", "sizes", "lead_sizes", "parent"):
        assert np.array_equal(again.to_state()[key], resumed.to_state()[key])


def test_version_1_state_loads_with_its_links_and_16_bit_sketches():
    """A store saved by newsdedup <= 0.x (32-bit sketch values, published/lengths) still opens."""
    docs = all_docs()
    index = StoryIndex()
    index.add_many(docs[:15])
    state = index.to_state()
    rng = np.random.default_rng(0)
    v1 = dict(state, version=1, published=[None] * 15, lengths=np.arange(15))
    for f in ("sigs", "leads"):  # what version 1 stored: the same low 16 bits under random high ones
        high = rng.integers(0, 2**16, state[f].shape).astype(np.uint32) << np.uint32(16)
        v1[f] = high | state[f].astype(np.uint32)
    resumed = StoryIndex.from_state(persist(v1))
    for f in ("sigs", "leads", "lead_pos", "sizes", "lead_sizes", "parent"):
        assert np.array_equal(resumed.to_state()[f], state[f])
    resumed.add_many(docs[15:])
    assert resumed.clusters() == group_stories(docs)


def test_index_layout_is_456_bytes_of_sketches_and_48_band_entries_per_doc():
    index = StoryIndex()
    index.add_many([StoryDoc(f"{d.id}-{k}", d.text, None, d.length)
                    for k in range(5) for d in all_docs()])  # > 64, the smallest capacity
    n = len(index)
    assert index.features.nbytes == 456 * n  # 128 + 64 16-bit values, 64 positions, 2 sizes
    live = int((index.features.sizes > 0).sum())  # empty texts are not indexed
    live //= 5  # and verbatim copies only once (the 5 copies of each doc)
    assert len(index.lsh.store) == 48 * live and index.lsh.store.nbytes == 8 * 48 * live
    parts = index.memory()  # one big batch into an empty index: no spare capacity
    assert parts["band_table"] == index.lsh.store.nbytes
    assert parts["sketches"] == 456 * n and parts["union_find"] == 4 * n
    index.add(StoryDoc("one-more", "a short text", None, 12))  # then x1.5 growth, amortised
    assert 456 * (n + 1) < index.memory()["sketches"] <= 456 * (3 * n // 2 + 1)


def test_unrelated_texts_agree_in_almost_no_16_bit_bins():
    rng = random.Random(4)
    words = [f"w{i}" for i in range(5000)]
    docs = [StoryDoc(str(i), " ".join(rng.choices(words, k=300)), None, 0) for i in range(60)]
    index = StoryIndex()
    index.add_many(docs)
    sigs = index.features.sigs
    agree = (sigs[:, None, :] == sigs[None, :, :]).sum(axis=-1)
    np.fill_diagonal(agree, 0)
    # true Jaccard ~0: 128 bins x (J + 2**-16) ~ 0.002 chance agreements per pair
    assert agree.max() <= 2 and len(group_stories(docs)) == 60


def test_big_batches_in_chunks_give_the_same_clusters(monkeypatch):
    import dedupe.stories.grouping as stories
    docs = all_docs()
    random.Random(2).shuffle(docs)
    whole = group_stories(docs)
    monkeypatch.setattr(stories, "_ADD_CHUNK_DOCS", 4)
    index = StoryIndex()
    index.add_many(docs)
    assert index.clusters() == whole and len(index) == len(docs)


def test_state_with_another_version_is_refused():
    state = StoryIndex().to_state()
    state["version"] = 99
    with pytest.raises(ValueError):
        StoryIndex.from_state(state)


def test_config_round_trips_through_plain_data():
    config = StoryConfig(jaccard_threshold=0.6)
    assert StoryConfig.from_dict(json.loads(json.dumps(config.as_dict()))) == config


def test_duplicate_ids_are_rejected_and_empty_text_is_a_singleton():
    index = StoryIndex()
    index.add(doc("x", ZH_A))
    with pytest.raises(ValueError):
        index.add(doc("x", ZH_B))
    with pytest.raises(ValueError):
        group_stories([doc("y", EN_A), doc("y", EN_A)])
    assert group_stories([doc("e1", [""]), doc("e2", [""])]) == [["e1"], ["e2"]]


def test_choose_representative_prefers_earliest_then_longest_then_smallest_id():
    docs = [StoryDoc("c", "", None, 900), StoryDoc("b", "", "2026-03-11", 300),
            StoryDoc("a", "", "2026-03-11", 300), StoryDoc("d", "", "2026-03-11", 500)]
    assert choose_representative(docs) == "d"
    assert choose_representative(docs[:3]) == "a"
    assert choose_representative([docs[0], StoryDoc("z", "", None, 901)]) == "z"
    assert choose_representative([docs[0], StoryDoc("e", "", "2026-03-12", 1)]) == "e"


def test_worker_processes_give_identical_features_and_clusters(monkeypatch):
    from dedupe.stories import features as stories
    monkeypatch.setattr(stories, "_PARALLEL_MIN_DOCS", 2)
    docs = all_docs()
    serial, parallel = StoryConfig(), StoryConfig(workers=2)
    assert serial == parallel and "workers" not in parallel.as_dict()
    a = stories.featurise([d.text for d in docs], serial)
    b = stories.featurise([d.text for d in docs], parallel)
    for name in stories.Features.FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert group_stories(docs, parallel) == group_stories(docs, serial)
