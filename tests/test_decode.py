"""decode_html on real pages from ../shared (skipped when absent) and on small in-repo bytes."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pipelines.decode import decode_html, normalise_codec
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
