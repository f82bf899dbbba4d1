"""The cheaper steps of the HTML path give what the steps they replaced gave, on real pages
(the bundled sample dump, the extraction fixtures and, when ../shared is there, shared pages):
our title/site steps vs trafilatura's whole metadata search, the Python class/id filters vs the
EXSLT-regex XPaths, the digit-anchored stamp pattern vs the plain one, trafilatura on a parsed
tree vs on the page string."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
import trafilatura
from lxml.etree import XPath

from pipelines import boilerplate as bp
from pipelines import extract as ex
from pipelines.decode import decode_html

ROOT = Path(__file__).resolve().parents[1]
LOCAL_PAGES = sorted((ROOT / "samples" / "dump").glob("*.html")) + sorted(
    (ROOT / "tests" / "fixtures" / "extract").glob("*.html"))
_NS = {"re": "http://exslt.org/regular-expressions"}
OLD_CLUTTER = XPath("//*[self::div or self::section or self::aside or self::ul or self::ol or self::form]"
                    f"[re:test(@class, '{ex.CLUTTER_BLOCK}', 'i') or re:test(@id, '{ex.CLUTTER_BLOCK}', 'i')]",
                    namespaces=_NS)
OLD_CHUNKS = XPath(f"//body//*[self::div or self::section][re:test(@class, '{ex.CHUNK_CLASS}', 'i')]"
                   "[count(p) >= $n]", namespaces=_NS)
OLD_STAMP = re.compile(
    r"(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])"
    r"|(?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?!\d)"
    r"|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日")


def _pages() -> list[tuple[str, str]]:
    """(name, decoded html): every local page, plus 25 pages of two shared sets if present."""
    pages = [(p.name, decode_html(p.read_bytes()).html) for p in LOCAL_PAGES]
    shared = ROOT.parent / "shared" / "data" / "extraction"
    for folder in ("scrapinghub-aeb", "naeb-subset"):
        for path in sorted((shared / folder / "html").glob("*.html.gz"))[:25]:
            pages.append((path.name, decode_html(gzip.decompress(path.read_bytes())).html))
    return pages


PAGES = _pages()


def _tree(html: str):
    return trafilatura.load_html(ex._declare_html(html))


@pytest.mark.parametrize("name,html", PAGES, ids=[n for n, _ in PAGES])
def test_title_and_site_are_trafilaturas(name, html):
    url = f"https://news.example.com/2024/05/01/{name}"
    tree = _tree(html)
    ours = ex.page_title_and_site(tree, url)
    theirs = trafilatura.extract_metadata(_tree(html), default_url=url)
    assert ours == (theirs.title, theirs.sitename)


@pytest.mark.parametrize("name,html", PAGES, ids=[n for n, _ in PAGES])
def test_class_filters_select_what_the_regex_xpaths_select(name, html):
    tree = _tree(html)
    assert ex.clutter_blocks(tree) == OLD_CLUTTER(tree)
    chunks = [e for e in ex.CHUNK_CANDIDATES(tree, n=2) if re.search(ex.CHUNK_CLASS, e.get("class"), re.I)]
    assert chunks == OLD_CHUNKS(tree, n=2)


def test_class_filters_fold_case_as_python_re_does():
    html = ('<html><body><div class="X-ſHARE">a</div><div id="Comments">b</div><div class="bodyshare">c'
            '</div><section class="Article-BODY"><p>x</p><p>y</p></section></body></html>')
    tree = _tree(html)
    assert [e.text_content() for e in ex.clutter_blocks(tree)] == ["a", "b"] == \
        [e.text_content() for e in OLD_CLUTTER(tree)]
    assert [e.get("class") for e in ex.CHUNK_CANDIDATES(tree, n=2)
            if re.search(ex.CHUNK_CLASS, e.get("class"), re.I)] == ["Article-BODY"]


def test_stamp_pattern_matches_as_before():
    lines = [line for _, html in PAGES for line in (trafilatura.extract(html) or "").splitlines()]
    lines += ["2019-09-07 15:05", "x12:30", "123:45", "٣:45 Arabic-Indic digit", "2005年4月3日", "24:00",
              "19.3.2005", "2005/4/3 7:05 and 23:59", "no digits here", ""]
    assert len(lines) > 500
    for line in lines:
        assert bp.STAMP_RE.findall(line) == OLD_STAMP.findall(line)
        assert bp.STAMP_RE.sub("", line) == OLD_STAMP.sub("", line)


@pytest.mark.parametrize("name,html", PAGES[:12], ids=[n for n, _ in PAGES[:12]])
def test_trafilatura_on_our_parsed_tree_equals_it_on_the_string(name, html):
    """One parse per page: handing trafilatura our tree gives the text it finds parsing the
    page itself."""
    options = dict(ex.TRAFILATURA_OPTIONS)
    from_string = trafilatura.bare_extraction(html, config=ex.DEFAULT_CONFIG, **options)
    from_tree = trafilatura.bare_extraction(trafilatura.load_html(html), config=ex.DEFAULT_CONFIG, **options)
    assert (from_tree is None) == (from_string is None)
    if from_tree is not None:
        assert from_tree.text == from_string.text


MALFORMED_JSON_LD = """<html><head><title>Page title | Site</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"Court jails deepfake fraudster","author":{"@type":"Person","name":"Jane Roe"},
"publisher":{"@type":"Organization","name":"Daily Example"},}</script></head>
<body><article><p>%s</p></article></body></html>""" % ("Some running text of the report. " * 20)


def test_title_and_site_from_malformed_json_ld_are_trafilaturas():
    """JSON-LD that does not parse (a trailing comma) goes through our fallback without the
    author regexes (``extract._json_ld_unparsed``): the title and site trafilatura's own
    fallback reads."""
    url = "https://news.example.com/2024/05/01/a.html"
    ours = ex.page_title_and_site(_tree(MALFORMED_JSON_LD), url)
    theirs = trafilatura.extract_metadata(_tree(MALFORMED_JSON_LD), default_url=url)
    assert ours == (theirs.title, theirs.sitename)
    assert ours == ("Court jails deepfake fraudster", "Daily Example")
