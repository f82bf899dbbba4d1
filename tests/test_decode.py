"""decode_html on real pages from ../shared (skipped when absent) and on small in-repo bytes."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pipelines.decode import decode_html, normalise_codec
from pipelines.normalise import to_simplified
from pipelines.records import RejectError

EXTRACTION = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction"
WCE = EXTRACTION / "chinese-wce-69"


def wce_page(uuid: str) -> tuple[bytes, str]:
    """Raw bytes of a chinese-wce-69 page without the dataset's wrapper line, and its gold text."""
    path = WCE / "original" / f"{uuid}.html"
    if not path.exists():
        pytest.skip(f"{path} not present")
    body = path.read_bytes()
    if body.startswith(b"<text id="):
        body = body.partition(b"\n")[2]
    return body, (WCE / "cleaned" / f"{uuid}.txt").read_text("utf-8")


# (page, method, codec, a sentence of the gold text the decoded page must contain)
REAL_PAGES = [
    # declares gb2312 in <meta>
    ("0d931936-d510-4904-a714-88bb267b62da", "meta", "gb18030", "是的，正是彩票让本文的主人公"),
    # declares gbk; trafilatura's own bytes decoding garbles this one
    ("5acac71b-e2db-4e33-8e2f-9d6844f165fd", "meta", "gb18030", "然而，有研究者指出，耐克气垫"),
    # no declaration at all, GBK bytes (plain detection calls them iso8859_13 / ptcp154)
    ("6820ebe7-83ad-4876-babc-dcc92bf7d2df", "detected", "gb18030", "现代主动找到广汽旗下的骏威客"),
    ("c38e2b2d-b578-4808-9251-3abf183ef19e", "detected", "gb18030", "苦呀！苦呀！苦呀！我们同胞辛"),
    # declares gb2312 but holds one stray lead byte: nothing decodes strictly
    ("b70f455d-50d6-4c8c-a450-07d8e5ca2e06", "replace", "gb18030", "就在此时事件进入了高速发展阶"),
]


@pytest.mark.parametrize("uuid, method, codec, sentence", REAL_PAGES)
def test_real_chinese_pages(uuid: str, method: str, codec: str, sentence: str) -> None:
    body, gold = wce_page(uuid)
    assert sentence in gold
    decoded = decode_html(body)
    assert (decoded.method, decoded.encoding) == (method, codec)
    assert sentence in decoded.html
    if method != "replace":
        assert "\ufffd" not in decoded.html


def test_utf8_page_declaring_gb2312() -> None:
    """people.com.cn (fundus) says charset=GB2312 in <meta> but is saved as UTF-8."""
    truth = EXTRACTION / "fundus-testdata" / "ground-truth.jsonl"
    if not truth.exists():
        pytest.skip(f"{truth} not present")
    row = next(json.loads(line) for line in truth.read_text("utf-8").splitlines() if "/cn/People" in line)
    body = gzip.decompress((EXTRACTION / "fundus-testdata" / row["html"]).read_bytes())
    assert b"charset=GB2312" in body[:2000]
    decoded = decode_html(body, "text/html; charset=GB2312")
    assert (decoded.method, decoded.encoding) == ("utf-8", "utf-8")
    assert row["body_paragraphs"][2][:30] in decoded.html  # 4月24日，习近平主席向首届…


def test_gne_utf8_pages_declaring_gb2312() -> None:
    folder = EXTRACTION / "gne-zh-news-pages" / "html"
    if not folder.exists():
        pytest.skip(f"{folder} not present")
    for name in ("163_9.html.gz", "people_1.html.gz", "qq_2.html.gz"):
        body = gzip.decompress((folder / name).read_bytes())
        assert b"gb2312" in body[:4096].lower()
        decoded = decode_html(body)
        assert decoded.method == "utf-8", name
        assert body.decode("utf-8") == decoded.html


# ---------------------------------------------------------------- in-repo bytes

BIG5_PAGE = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5">'
             "<title>港鐵新線通車</title></head><body><p>港鐵新線今日通車，沿線居民不用再轉乘巴士，"
             "新車站設有𨋢（升降機）方便長者。</p></body></html>")


def test_big5_declared_decodes_as_hkscs() -> None:
    body = BIG5_PAGE.encode("big5hkscs")  # 𨋢 exists only in HKSCS, not in plain Big5
    with pytest.raises(UnicodeDecodeError):
        body.decode("big5")
    decoded = decode_html(body)
    assert (decoded.method, decoded.encoding) == ("meta", "big5hkscs")
    assert "新車站設有𨋢（升降機）" in decoded.html


def test_utf8_bom_beats_a_lying_meta() -> None:
    page = '<html><head><meta charset="gb2312"></head><body><p>北京今日晴</p></body></html>'
    decoded = decode_html(b"\xef\xbb\xbf" + page.encode("utf-8"))
    assert (decoded.method, decoded.encoding) == ("bom", "utf-8")
    assert decoded.html == page  # BOM removed, nothing else touched


def test_utf16_bom() -> None:
    page = "<html><body><p>上海今日多云</p></body></html>"
    decoded = decode_html(b"\xff\xfe" + page.encode("utf-16-le"))
    assert (decoded.method, decoded.encoding, decoded.html) == ("bom", "utf-16-le", page)


GBK_PAGE = ('<html><head><meta charset="big5"></head><body><p>国家统计局发布数据显示，'
            "一季度国内生产总值同比增长百分之五点三。</p></body></html>")


def test_http_header_beats_meta() -> None:
    body = GBK_PAGE.encode("gbk")
    decoded = decode_html(body, "text/html; charset=GBK")
    assert (decoded.method, decoded.encoding) == ("http", "gb18030")
    assert "一季度国内生产总值同比增长" in decoded.html


def test_wrong_http_header_falls_through_to_meta() -> None:
    page = GBK_PAGE.replace("big5", "gb2312")
    decoded = decode_html(page.encode("gbk"), "text/html; charset=utf-8")
    assert (decoded.method, decoded.encoding) == ("meta", "gb18030")
    assert decoded.html == page


def test_gbk_page_declaring_utf8_is_detected() -> None:
    page = GBK_PAGE.replace("big5", "utf-8")
    decoded = decode_html(page.encode("gbk"), "text/html; charset=UTF-8")
    assert (decoded.method, decoded.encoding) == ("detected", "gb18030")
    assert decoded.html == page


def test_seven_bit_iso2022_follows_declaration() -> None:
    page = '<html><head><meta charset="iso-2022-jp"></head><body><p>東京で桜が満開になりました。</p></body></html>'
    body = page.encode("iso-2022-jp")
    body.decode("utf-8")  # valid UTF-8 too: only the declaration tells
    decoded = decode_html(body)
    assert (decoded.method, decoded.encoding, decoded.html) == ("meta", "iso2022_jp", page)


def test_ascii_declaring_anything_is_utf8() -> None:
    decoded = decode_html(b"<html><body><p>Plain ASCII</p></body></html>", "text/html; charset=gb2312")
    assert (decoded.method, decoded.encoding) == ("utf-8", "utf-8")


@pytest.mark.parametrize("body, kind", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
    (b"PK\x03\x04\x14\x00\x06\x00", "zip"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
])
def test_binary_magic_rejected(body: bytes, kind: str) -> None:
    with pytest.raises(RejectError) as err:
        decode_html(body, "text/html")
    assert (err.value.reason, err.value.detail) == ("binary-content", kind)


def test_nul_heavy_body_rejected() -> None:
    body = bytes(range(256)) * 8  # no magic number, but full of control bytes
    with pytest.raises(RejectError) as err:
        decode_html(body)
    assert err.value.reason == "binary-content"


def test_garbage_bytes_are_undecodable() -> None:
    with pytest.raises(RejectError) as err:
        decode_html(b"<html><body>" + b"\x80\xff" * 500 + b"</body></html>")
    assert err.value.reason == "undecodable"


@pytest.mark.parametrize("label, codec", [
    ("GB2312", "gb18030"), ("x-gbk", "gb18030"), ("gbk", "gb18030"), ("Big5", "big5hkscs"),
    ("ISO-8859-1", "cp1252"), ("UTF8", "utf-8"), ("shift_jis", "shift_jis"), ("no-such", None),
])
def test_normalise_codec(label: str, codec: str | None) -> None:
    assert normalise_codec(label) == codec


# ------------------------------------------------------------ mojibake test, read in pieces

def test_badness_width_read_from_the_installed_ftfy():
    from pipelines.decode import BADNESS_WIDTH
    assert BADNESS_WIDTH is not None and 2 <= BADNESS_WIDTH <= 12


@pytest.mark.parametrize("text", [
    "plain ASCII only",
    "Ã© at the very start",  # ftfy's ^[ÃÂ] branch
    "x" * 50 + "Ã© after ASCII",
    "café naïve — “quoted” text with real accents",
    "caf\u00c3\u00a9 read as cp1252" + " " * 30 + "and â€™ later",
    "â€",  # a match that is the whole text
    "ab" + "Â " + "c" * 7 + "Ã",  # non-ASCII characters exactly one window apart
    "x" * 7 + "\u00c3" + "x" * 15 + "\u00a9",
    "lone surrogate \ud800 in JSON-escaped text, then Ã©",
    "中文 text with 引号 and Ã©",
])
def test_is_mojibake_is_ftfys_is_bad(text):
    from ftfy.badness import is_bad

    from pipelines.decode import is_mojibake
    assert is_mojibake(text) == is_bad(text)


def test_is_mojibake_is_ftfys_is_bad_at_every_offset():
    """Each bad pair of ftfy's pattern, at every position of a window of ASCII and real accents:
    pieces joined by NUL never create or break a match."""
    from ftfy.badness import is_bad

    from pipelines.decode import is_mojibake
    filler = "ab é cd – ef"
    for bad in ("Ã©", "â€™", "Â ", "Ã", "ÂÃ", "\x80", "×²"):
        for cut in range(len(filler) + 1):
            for gap in (0, 1, 6, 7, 8, 15, 16, 17):
                text = filler[:cut] + " " * gap + bad + " " * gap + filler[cut:]
                assert is_mojibake(text) == is_bad(text), text


def test_looks_mis_decoded_on_real_pages_matches_the_whole_page_test():
    """The piece-wise test agrees with ftfy over the whole page on shared pages (decoded as the
    pipeline decodes them): three naeb pages that carry mojibake, and 30 others."""
    from conftest import shared_or_skip
    from ftfy.badness import is_bad

    from pipelines.decode import _CJK_CHAR, looks_mis_decoded
    root = shared_or_skip("naeb-subset", "html")
    mis_decoded = ["4f7bf7b9cfd49b73e8b372c567fac25b", "ab5eb1ea16977523ed7975858e6c2e4c",
                   "5cfbbc7b7062f95c1b25889eba185f1b"]
    pages = [root / f"{key}.html.gz" for key in mis_decoded] + sorted(root.glob("*.html.gz"))[:30]
    verdicts = []
    for path in pages:
        html = decode_html(gzip.decompress(path.read_bytes())).html
        whole = not _CJK_CHAR.search(html) and is_bad(html)
        assert looks_mis_decoded(html) == whole, path
        verdicts.append(whole)
    assert verdicts[:3] == [True] * 3 and not all(verdicts)


def test_repair_with_piecewise_badness_is_ftfys_repair():
    """ftfy's own fix_encoding, run with the piece-wise test swapped in, gives its result."""
    import ftfy

    from pipelines.decode import _ftfy_is_mojibake
    text = "<p>The caf\u00c3\u00a9 opened at 8 â€” \u00e2\u0080\u009cgreat\u00e2\u0080\u009d</p>" * 40
    expected = ftfy.fix_encoding(text)
    with _ftfy_is_mojibake():
        assert ftfy.fix_encoding(text) == expected
    assert ftfy.is_bad is not None and ftfy.is_bad.__module__ == "ftfy.badness"  # put back


REPORT_ZH = ("溫州一男子用AI換臉冒充親友視頻借錢，7人被騙186萬元。警方表示，嫌疑人通過網絡獲取受害人親友的照片和聲音，"
             "合成視頻後與受害人通話，以生病住院、急需周轉為由借款。目前，案件正在進一步偵辦中。")


@pytest.mark.parametrize("declared, header", [
    ('<meta charset="gb2312">', None), ('<meta charset="iso-8859-1">', None),
    ("", "text/html; charset=gb2312"), ("", "text/html; charset=ISO-8859-1")])
def test_big5_page_under_a_gbk_or_latin1_label_is_read_as_big5(declared, header) -> None:
    """Big5's byte ranges are GBK's, and any bytes are cp1252: such a label "decodes" a Big5
    page strictly into kana and rare characters. Detection between the codecs that decode it
    decides (found by the newcomer pass: a mojibake article tagged ``ja``)."""
    page = f"<html><head>{declared}<title>換臉</title></head><body><p>{REPORT_ZH}</p></body></html>"
    decoded = decode_html(page.encode("big5hkscs"), header)
    assert decoded.encoding == "big5hkscs"
    assert REPORT_ZH in decoded.html


def test_gbk_page_served_as_latin1_is_read_as_gbk() -> None:
    """A WARC record's ``Content-Type: text/html; charset=iso-8859-1`` on a GBK page without a
    meta charset (servers default to Latin-1)."""
    simplified = to_simplified(REPORT_ZH)
    page = f"<html><head><title>换脸</title></head><body><p>{simplified}</p></body></html>"
    decoded = decode_html(page.encode("gbk"), "text/html; charset=ISO-8859-1")
    assert decoded.encoding == "gb18030"
    assert simplified in decoded.html


@pytest.mark.parametrize("text", [
    "Die Bürgermeisterin äußerte sich zur Lage. Übermorgen gibt es Gespräche über Änderungen.",
    "Ärger über Öl: Bürger prüfen Tür und Tor."])
def test_latin1_page_that_gbk_also_decodes_stays_latin1(text) -> None:
    """German whose bytes happen to be valid GBK and Big5 pairs keeps its Latin-1 label."""
    body = f"<html><head><meta charset=iso-8859-1><title>x</title></head><body><p>{text}</p></body></html>"
    for header in (None, "text/html; charset=ISO-8859-1"):
        decoded = decode_html(body.encode("latin-1"), header)
        assert decoded.encoding == "cp1252" and text in decoded.html


def test_text_already_lost_to_replacement_characters_is_mojibake() -> None:
    """A JSONL ``html``/``text`` decoded with a wrong codec before it reached us (Big5 read as
    GBK, bytes replaced by U+FFFD): a ``mojibake`` reject, not an article of noise."""
    from pipelines.process import process_document
    from pipelines.records import Location, RawDocument, Reject

    lost = REPORT_ZH.encode("big5hkscs").decode("gbk", errors="replace")
    assert lost.count("\ufffd") > 5
    for fields in ({"html": f"<html><body><p>{lost}</p></body></html>"}, {"text": lost}):
        result = process_document(RawDocument(url="https://a.example/x", location=Location("t"),
                                              **fields))
        assert isinstance(result, Reject) and result.reason == "mojibake", result
    for text in (REPORT_ZH * 3 + "\ufffd", "A short teaser of seventy characters, cut \ufffd\ufffd mid-way"):
        kept = process_document(RawDocument(url="https://a.example/y", location=Location("t"), text=text))
        assert not isinstance(kept, Reject), text  # a stray replacement or two is a real copy
