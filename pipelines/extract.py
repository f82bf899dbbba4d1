"""HTML → article text and metadata: trafilatura, site profiles, then the paragraph rules
(pipelines.paragraphs) over its lines.

Every rule was measured with ``python -m bench.extraction`` (4-gram shingle F1, mean over
documents) on the shared sets; the number next to a rule is what removing it alone costs the
full pipeline (wce = chinese-wce-69, gne = gne-zh-news-pages vs GNE silver, sh =
scrapinghub-aeb, naeb = naeb-subset, evaldata = trafilatura-evaldata-en-zh segment F).
Sets not named moved by less than 0.0001.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape

import trafilatura
import trafilatura.utils
from lxml import etree
from lxml.etree import XPath
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura.json_metadata import (
    JSON_OGTYPE_SCHEMA,
    JSON_PUBLISHER,
    JSON_SEQ,
    JSON_TYPE,
    JSON_UNICODE_REPLACE,
    extract_json,
    is_plausible_sitename,
    normalize_json,
)
from trafilatura.metadata import META_URL, examine_meta, extract_sitename, extract_title, extract_url
from trafilatura.settings import DEFAULT_CONFIG, Document
from trafilatura.utils import HTML_STRIP_TAGS, trim

from pipelines import dates
from pipelines.paragraphs import PARAGRAPH_RULES, is_listing
from pipelines.records import RejectError
from pipelines.sites import article_container, drop_element, find_profile

# Below this many characters an extraction is a failure, not an article (a headline alone).
MIN_EXTRACTED_CHARS = 25

# trafilatura options, passed on every call (no global config). Alternatives measured:
# favor_precision: sh +0.002, naeb +0.004, fundus-cjk +0.015 but gne -0.088, evaldata -0.007,
# fundus-en -0.006 → off. favor_recall: -0.002..-0.008 everywhere but gne (+0.002) → off.
# include_tables=False: naeb +0.002 but sh -0.004, wce -0.003, evaldata -0.006 → tables stay;
# layout tables are unwrapped instead (below).
# Its metadata search is not run (with_metadata=False): the title and site name come from
# page_title_and_site, the date from pipelines.dates (markup only).
TRAFILATURA_OPTIONS = dict(
    with_metadata=False,
    include_comments=False,
    include_tables=True,
    output_format="python",
)

# A <table> is page layout, not data, when it nests another table or one of its cells holds
# running text. Unwrapped to <div>s, trafilatura scores its cells as blocks instead of keeping
# the whole grid (2005-era portals): wce +0.028, sh +0.0012, evaldata -0.0001. Cell threshold
# 300 chars: 150 gave wce +0.003 more but evaldata -0.001; 600 lost most of the wce gain.
LAYOUT_CELL_CHARS = 300
# ...unless most rows (DATA_ROWS_MIN+) are grids of short cells: a data table with a footnote.
DATA_CELL_CHARS = 60
DATA_ROWS_MIN = 3

# Body chunks (join_body_chunks): see the measurement there.
CHUNK_MIN_PARAGRAPHS = 2
CHUNK_MIN_CHARS = 200
CHUNK_CLASS = r"(^|[\s_-])body([\s_-]|$)"
# Candidates by XPath without the regex, the regex in Python: EXSLT re:test calls back into
# Python for every element (~2 ms a page), a Python loop over the few candidates does not.
CHUNK_CANDIDATES = XPath("//body//*[self::div or self::section][@class][count(p) >= $n]")
_CHUNK_CLASS = re.compile(CHUNK_CLASS, re.I)

# Blocks that are readers' comments or share bars, by a class/id token.
CLUTTER_MAX_SHARE = 0.2
CLUTTER_BLOCK = r"(^|[\s_-])(comments?|cmt|cmt-item|comment-list|share|share-bar|sharebar|bdshare)([\s_-]|$)"
CLUTTER_TAGS = ("div", "section", "aside", "ul", "ol", "form")
_CLUTTER_BLOCK = re.compile(CLUTTER_BLOCK, re.I)

_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|title|meta|p|div|br|table|span|article)\b", re.I)
_COMMENT_OR_DECL = re.compile(r"<!--.*?-->|<\?xml[^>]*>", re.S)
# How a JavaScript, CSS or JSON file opens (after whitespace); an HTML page opens with "<".
_NOT_HTML_START = re.compile(
    r"\s*(?:[{\[]|\(function|!function|(?:var|let|const|function|import|export|window\.|document\.)[\s.(]"
    r"|['\"]use strict|/[/*]|@(?:charset|import|media|font-face)|[.#]?[\w-]+(?:[\s,>+~]+[.#]?[\w-]+)*\s*\{)")
_FEED_ROOT = re.compile(r"\s*<(?:rss|feed|rdf:RDF)\b")
_TABLE_PARTS = "./tbody|./thead|./tfoot|./tr|./*/tr|./tr/td|./tr/th|./*/tr/td|./*/tr/th"

# libxml2 stops building the tree at 256 nested elements and drops the rest of the page: a
# broken page with a few hundred unclosed <div>/<font> tags lost its whole article (an
# "empty-extraction"). Its huge option raises the limit to 2,048; trafilatura's own parser
# (the one load_html uses), with that option added. Deeper still is a ``too-deep`` reject.
def _html_parser() -> etree.HTMLParser:
    """trafilatura's HTML parser options plus ``huge_tree``, its elements ``HtmlElement`` looked up
    in C. lxml.html's own lookup is a Python method run for every element object made (3.7 M on
    the 791 shared pages), to give <form>/<input>/<select>/<textarea>/<label> their form classes,
    which neither trafilatura, htmldate nor we use: the same text on every shared page, ~3 % of
    trafilatura's time (``tests/test_extract.py`` compares the two)."""
    parser = etree.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                              remove_comments=True, remove_pis=True, huge_tree=True)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))
    return parser


trafilatura.utils.HTML_PARSER = _html_parser()
MAX_DEPTH = 2048


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    published: str | None  # ISO 8601: the stated date-time if the page has one, else "YYYY-MM-DD"
    site: str | None
    published_source: str | None = None  # pipelines.dates.SOURCES


def extract_article(html: str, url: str | None = None) -> Extracted:
    """Main text and metadata of one page; RejectError("not-html"/"empty-extraction")."""
    if not _HTML_TAG.search(html):
        raise RejectError("not-html", "no HTML tags")
    not_html = _NOT_HTML_START.match(html)
    if not_html and not html.lstrip().startswith("<"):
        # app.js / style.css / data.json saved beside a page: tags inside strings are not a page
        raise RejectError("not-article", f"starts like JavaScript/CSS/JSON: {not_html.group(0).strip()[:20]!r}")
    if _is_feed(html):
        raise RejectError("not-html", "RSS/Atom feed")
    tree = trafilatura.load_html(_declare_html(html))
    if tree is None:
        raise RejectError("not-html", "unparseable")
    if any("Excessive depth" in error.message for error in trafilatura.utils.HTML_PARSER.error_log):
        raise RejectError("too-deep", f"elements nested over {MAX_DEPTH:,} deep: the HTML parser "
                                      "stops there and loses the rest of the page")
    drop_clutter_blocks(tree)
    join_body_chunks(tree)  # before tables become <div>s: a forum's reply cells are not chunks
    unwrap_layout_tables(tree)
    profile = find_profile(tree, url)
    container = article_container(profile, tree) if profile is not None else None  # a copy
    title, site = page_title_and_site(tree, url)
    dated = dates.publication_date(tree, title, url)  # htmldate reads scripts too: before they go
    if profile is not None and profile.published_epoch and dated.source not in ("meta", "json-ld"):
        # the layout prints its date by script: the script's own value beats a guess from markup
        stamped = dates.script_timestamp(tree, profile.published_epoch, profile.epoch_offset)
        dated = stamped if stamped.value else dated
    # One trafilatura pass: over the site profile's article container when it yields text,
    # else over the page
    lines = _container_lines(container, url) if container is not None else None
    if lines is None:
        drop_scripts(tree)
        doc = trafilatura.bare_extraction(tree, url=url, config=DEFAULT_CONFIG, **TRAFILATURA_OPTIONS)
        if doc is None:
            raise RejectError("empty-extraction", "trafilatura found no content")
        lines = (doc.text or "").splitlines()
    if is_listing(lines):
        raise RejectError("not-article", "listing page: dated headlines, no running text")
    for rule in PARAGRAPH_RULES:
        lines = rule(lines)
    text = "\n".join(lines).strip()
    if len(text) < MIN_EXTRACTED_CHARS:
        raise RejectError("empty-extraction", f"{len(text)} chars")
    return Extracted(text=text, title=title, published=dated.value, site=site,
                     published_source=dated.source)


def _container_lines(container: HtmlElement, url: str | None) -> list[str] | None:
    """trafilatura's lines from a site profile's article container (``article_container``),
    or None when it finds no text there (the page is read as a whole instead)."""
    drop_scripts(container)
    body = trafilatura.bare_extraction(container, url=url, config=DEFAULT_CONFIG, **TRAFILATURA_OPTIONS)
    return body.text.splitlines() if body is not None and body.text else None


# <script> types that are program code. Any other (JSON-LD, templates) stays: trafilatura's
# fallback reads JSON-LD.
SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "application/x-javascript",
                          "text/ecmascript", "application/ecmascript", "module"})


def drop_scripts(tree: HtmlElement) -> None:
    """Delete the page's JavaScript and style sheets, tail text kept. trafilatura deletes them
    the same way (``tree_cleaning``: every <script> and <style>, tails kept; readability first
    thing; its fallback after reading JSON-LD), and such splices commute, so its text is the
    same — while its 3-4 copies of the tree no longer carry inline code: trafilatura ~8% faster
    on the 791 shared pages, every text the same (``tests/test_extract.py``)."""
    for element in list(tree.iter("script", "style")):
        if element.tag == "style" or (element.get("type") or "").strip().lower() in SCRIPT_TYPES:
            drop_element(element)


def page_title_and_site(tree: HtmlElement, url: str | None) -> tuple[str | None, str | None]:
    """The title and site name ``trafilatura.extract_metadata`` gives (its steps for these two,
    in its order: Open Graph/meta, JSON-LD, title heuristics, canonical URL, then its clean-up),
    without its author, date, category, tag and licence searches: unused here (dates come from
    pipelines.dates), they were ~35 ms of a page's ~150 ms (the author search alone copies the
    whole tree). Read-only on ``tree``."""
    metadata = examine_meta(tree)
    try:
        metadata = _json_ld(tree, metadata)
    except Exception:  # as trafilatura: a bug in its JSON-LD reader leaves the meta tags' values
        pass
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")  # a Twitter handle
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url and (match := META_URL.match(metadata.url)):
        metadata.sitename = match[1]
    metadata.clean_and_trim()
    return metadata.title, metadata.sitename


_JSON_LD = XPath('.//script[@type="application/ld+json" or @type="application/settings+json"]')


def _json_ld(tree: HtmlElement, metadata: Document) -> Document:
    """trafilatura's ``extract_meta_json`` (2.x) for the fields read here: the same blocks, the
    same parse and the same title, site name and page type. Only its fallback for JSON that does
    not parse differs: it skips that fallback's author regexes, whose backtracking on a big
    malformed block cost ~0.3 s a block (1.1 s of the 400 shared pages' 17 s of plain
    trafilatura, in 4 blocks) for an author we never read."""
    for elem in _JSON_LD(tree):
        if not elem.text:
            continue
        element_text = normalized_json(minified_json(elem.text))
        try:
            metadata = extract_json(json.loads(element_text, strict=False), metadata)
        except json.JSONDecodeError:
            _json_ld_unparsed(element_text, metadata)
    return metadata


_JSON_STRING = re.compile(r'("(?:\\.|[^"\\])*")')  # JSON_MINIFY's string literal
_SURROGATE = re.compile("[\ud800-\udfff]")


def minified_json(text: str) -> str:
    """``JSON_MINIFY.sub(r"\\1", text)`` (white space out of string literals), without a
    template expansion per literal: the literals are found the same way, left to right, and
    the white space between them goes by ``str.split``."""
    parts = _JSON_STRING.split(text)
    parts[::2] = ["".join(part.split()) for part in parts[::2]]
    return "".join(parts)


def normalized_json(string: str) -> str:
    """trafilatura's ``normalize_json``, its surrogate filter one regex instead of a Python
    loop over every character (most of a JSON-LD block's cost)."""
    if "\\" in string:
        string = string.replace("\\n", "").replace("\\r", "").replace("\\t", "")
        string = JSON_UNICODE_REPLACE.sub(lambda match: chr(int(match[1], 16)), string)
        string = _SURROGATE.sub("", string)
        string = unescape(string)
    return trim(HTML_STRIP_TAGS.sub("", string))


def _json_ld_unparsed(elem: str, metadata: Document) -> None:
    """trafilatura's ``extract_json_parse_error`` without the author: page type, publisher and
    title read with its own patterns, in its order."""
    if "@type" in elem and (match := JSON_TYPE.search(elem)):
        candidate = normalize_json(match[1].lower())
        if candidate in JSON_OGTYPE_SCHEMA:
            metadata.pagetype = candidate
    if '"publisher"' in elem and (match := JSON_PUBLISHER.search(elem)) and "," not in match[1]:
        candidate = normalize_json(match[1])
        if is_plausible_sitename(metadata, candidate):
            metadata.sitename = candidate
    for key, regex in JSON_SEQ:
        if key in elem and not metadata.title and (match := regex.search(elem)):
            metadata.title = normalize_json(match[1])
            break


def _is_feed(html: str) -> bool:
    return _FEED_ROOT.match(_COMMENT_OR_DECL.sub("", html[:4096])) is not None


def _declare_html(html: str) -> str:
    """trafilatura discards a page whose first 50 chars lack "html" and whose tree looks
    small: 2005-era portals open with blank lines and a <script>, which libxml2 then folds
    into <head>. A doctype line keeps them. wce: 2 empty outputs → 0, F1 +0.015.
    (chinese-wce-69's wrapper line `<text id=...>` is the benchmark's, stripped there.)"""
    html = html.lstrip()
    return html if "html" in html[:50].lower() else "<!DOCTYPE html>\n" + html


def unwrap_layout_tables(tree: HtmlElement) -> None:
    """Rename layout tables (and their rows and cells) to <div>, in place."""
    layout = [t for t in tree.iter("table") if _is_layout_table(t)]
    for table in layout:
        for part in table.xpath(_TABLE_PARTS):
            part.tag = "div"
        table.tag = "div"


def drop_clutter_blocks(tree: HtmlElement) -> None:
    """Remove comment sections and share bars by their class/id (``CLUTTER_BLOCK``), unless the
    block holds over CLUTTER_MAX_SHARE of the page's <p> text (a theme that wraps the article
    in "share-wrapper": fundus OccupyDemocrats 0.971 → 0.0, evaldata 4 pages, when measured by
    all text, scripts included).
    trafilatura's own comment XPaths miss "np-comments", "cmt-item", "bdshare"; sample: 5 pages
    with reader comments → 0."""
    blocks = clutter_blocks(tree)
    total = _paragraph_chars(tree) if blocks else 0  # of the page before any block goes
    for element in blocks:
        if _paragraph_chars(element) <= CLUTTER_MAX_SHARE * total:
            drop_element(element)


def clutter_blocks(tree: HtmlElement) -> list[HtmlElement]:
    """The CLUTTER_TAGS elements whose class or id holds a CLUTTER_BLOCK token, in document
    order (what ``//div[re:test(@class, …, 'i') or re:test(@id, …, 'i')]`` etc. selects)."""
    return [element for element in tree.getroottree().getroot().iter(*CLUTTER_TAGS)
            if _CLUTTER_BLOCK.search(element.get("class") or "") or _CLUTTER_BLOCK.search(element.get("id") or "")]


def join_body_chunks(tree: HtmlElement) -> None:
    """An article body split into same-class chunks between ad slots (Wired's article__body
    ×N): trafilatura keeps the first chunk only. Chunks — elements sharing one class string,
    each holding CHUNK_MIN_PARAGRAPHS+ <p> children with CHUNK_MIN_CHARS+ of text — are moved
    into the first, in document order. sh 0.962 → 0.965 (Wired: 0.521 → 0.946, 0.619 → 0.962).
    Only <div>/<section> named a body (CHUNK_CLASS): any class at all also joined a forum's
    reply cells (wce 59562291 1.0 → 0.0), "nextstory" teasers and gallery captions (evaldata);
    "content|text" too joined a live blog's entries away from their headings (fundus Express
    0.976 → 0.931)."""
    groups: dict[str, list[HtmlElement]] = {}
    for element in CHUNK_CANDIDATES(tree, n=CHUNK_MIN_PARAGRAPHS):
        if not _CHUNK_CLASS.search(element.get("class")):
            continue
        text = sum(len(p.text_content().strip()) for p in element.findall("p"))
        if text >= CHUNK_MIN_CHARS:
            groups.setdefault(element.get("class"), []).append(element)
    for chunks in groups.values():
        if len(chunks) < 2 or any(a in b.iterancestors() for a in chunks for b in chunks):
            continue
        first = chunks[0]
        for chunk in chunks[1:]:
            for child in list(chunk):
                first.append(child)
            if chunk.getparent() is not None:
                chunk.getparent().remove(chunk)


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(p.text_content().strip()) for p in element.iter("p"))


def _is_layout_table(table: HtmlElement) -> bool:
    if table.find(".//table") is not None:
        return True
    if not any(len(cell.text_content().strip()) > LAYOUT_CELL_CHARS for cell in table.iter("td", "th")):
        return False
    # A long cell in a grid of short ones is a footnote of a data table, which stays a table.
    rows = table.xpath("./tr|./*/tr")
    grid = [r for r in rows if len(r.xpath("./td|./th")) >= 2
            and all(len(c.text_content().strip()) <= DATA_CELL_CHARS for c in r.xpath("./td|./th"))]
    return not (len(grid) >= DATA_ROWS_MIN and 2 * len(grid) >= len(rows))
