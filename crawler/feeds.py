"""Feeds and sitemaps as data: RSS 2.0 / RSS 1.0 / Atom, sitemap index, urlset and Google News.

Scrapy's SitemapSpider keeps only <loc>/<lastmod> and drops the Google News extension
(news:title, news:publication_date); those hints matter for undated article pages, so the XML is
read here, element by local name, with a parser that resolves no entities and fetches nothing.
"""
from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree

from pipelines.decode import http_charset

# A declared GB2312/GBK feed often contains GBK-only characters; libxml2 would stop at them.
_XML_DECL = re.compile(rb'^(\s*<\?xml[^>]*?encoding\s*=\s*["\'])([A-Za-z0-9_-]+)(["\'])', re.I)
_GB_FAMILY = {b"gb2312", b"gbk", b"gb18030", b"x-gbk", b"cp936"}
GZIP_MAGIC = b"\x1f\x8b"
# A numeric character reference: one naming a surrogate (&#xD800;) or a code point beyond
# U+10FFFF is kept by libxml2's recover mode as bytes that are not UTF-8, and reading that
# element's text then raises, which lost the whole feed; such references become U+FFFD first.
_CHAR_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


class FeedError(ValueError):
    """Not an XML feed or sitemap we can read."""


@dataclass(frozen=True)
class Link:
    """An article link found on a hub, with the hints the hub gave about it."""

    url: str
    title: str | None = None
    published: str | None = None  # ISO 8601


@dataclass(frozen=True)
class HubLinks:
    """What one feed / sitemap / listing page points to."""

    kind: str  # "feed", "sitemapindex", "urlset", "listing"
    articles: tuple[Link, ...] = ()
    hubs: tuple[str, ...] = field(default=())  # child sitemaps, further listing pages


def parse_xml_hub(body: bytes, base_url: str, max_size: int = 50 * 1024 * 1024,
                  content_type: str | None = None) -> HubLinks:
    """Read a feed or a sitemap; which one is decided by the root element, not the URL.
    ``content_type``: the HTTP header, whose charset applies when the XML declares none."""
    root = _parse(_ungzip(body, max_size), content_type)
    kind = _local(root.tag)
    if kind == "sitemapindex":
        locs = [_text(el, "loc") for el in _children(root, "sitemap")]
        return HubLinks("sitemapindex", hubs=tuple(_join(base_url, u) for u in locs
                                                   if u and _join(base_url, u)))
    if kind == "urlset":
        return HubLinks("urlset", articles=tuple(_sitemap_links(root, base_url)))
    if kind in ("rss", "RDF"):
        return HubLinks("feed", articles=tuple(_rss_links(root, base_url)))
    if kind == "feed":
        return HubLinks("feed", articles=tuple(_atom_links(root, base_url)))
    raise FeedError(f"unknown root element <{kind}>")


def feed_date(value: str | None) -> str | None:
    """RFC 822 (RSS) or W3C/ISO 8601 (Atom, sitemaps) date → ISO 8601 with the publisher's
    offset kept (a hint; ``pipelines.process.utc_iso_date`` makes it UTC for the output);
    None if unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if len(value) == 10 and value[4] == "-":  # a bare date stays a date
        return parsed.date().isoformat()
    return parsed.isoformat()  # the publisher's own offset is kept, as extraction keeps it


def _ungzip(body: bytes, max_size: int) -> bytes:
    if not body.startswith(GZIP_MAGIC):
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
        data = f.read(max_size + 1)
    if len(data) > max_size:
        raise FeedError(f"gzipped sitemap larger than {max_size} bytes")
    return data


def _valid_char_ref(match: re.Match) -> bytes:
    ref = match.group(1)
    value = int(ref[1:], 16) if ref[:1] in b"xX" else int(ref)
    return match.group(0) if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else b"&#xFFFD;"


def _parse(body: bytes, content_type: str | None = None) -> etree._Element:
    body = _CHAR_REF.sub(_valid_char_ref, body)
    match = _XML_DECL.match(body)
    if match and match.group(2).lower() in _GB_FAMILY:
        text = body.decode("gb18030", errors="replace")
        body = _XML_DECL.sub(rb"\g<1>utf-8\g<3>", text.encode("utf-8"), count=1)
    elif not match and not body.lstrip().startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        # No encoding in the XML: the HTTP charset applies (a GBK feed labelled only in the
        # header would otherwise be read as UTF-8 and give U+FFFD titles).
        codec = http_charset(content_type)
        if codec and codec != "utf-8":
            text = body.decode(codec, errors="replace")
            body = _XML_DECL_ANY.sub(b"", text.encode("utf-8"), count=1)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not XML ({exc})") from None
    if root is None:
        raise FeedError("empty document")
    _drop_cut_entry(root, body)
    return root


_ENTRIES = frozenset({"item", "entry", "url", "sitemap"})


def _qname(el: etree._Element) -> bytes:
    local = _local(el.tag).encode()
    return el.prefix.encode() + b":" + local if el.prefix else local


def _drop_cut_entry(root: etree._Element, body: bytes) -> None:
    """Remove the last item/entry/url/sitemap when the body was cut inside it (a download cut
    short, a server's size limit): recover mode closes the open elements, so the cut entry's
    partial link (``https://n.example/a/2.h``) would be followed as if it were whole. Entries
    before the cut are complete and kept. A body is cut when the root's end tag is missing."""
    if body.rfind(b"</" + _qname(root)) != -1:
        return
    last = None
    for el in root.iter():
        if _local(el.tag) in _ENTRIES:
            last = el
    if last is None or last is root:
        return
    start = None  # the last start tag of that name: the cut entry's, if it is open
    for match in re.finditer(rb"<" + re.escape(_qname(last)) + rb"[\s/>]", body):
        start = match
    if start is not None and body.find(b"</" + _qname(last), start.end()) == -1:
        last.getparent().remove(last)


_XML_DECL_ANY = re.compile(rb"^\s*<\?xml[^>]*\?>")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c.tag) == name]


def _text(el: etree._Element, name: str) -> str | None:
    """The stripped text of the first child ``name``; None if absent, empty or undecodable (one
    bad title must not lose the feed)."""
    for child in el:
        if _local(child.tag) == name:
            try:
                text = "".join(child.itertext()).strip()
            except UnicodeDecodeError:
                return None
            return text or None
    return None


def _join(base_url: str, url: str) -> str | None:
    """``url`` resolved against ``base_url``; None if it cannot be a URL (``http://[::1/x``)."""
    try:
        return urljoin(base_url, url.strip())
    except ValueError:
        return None


def _sitemap_links(root: etree._Element, base_url: str) -> list[Link]:
    links = []
    for url_el in _children(root, "url"):
        loc = _text(url_el, "loc")
        if not loc:
            continue
        title = published = None
        for news in _children(url_el, "news"):  # Google News extension
            title = _text(news, "title")
            published = feed_date(_text(news, "publication_date"))
        if _join(base_url, loc):
            links.append(Link(_join(base_url, loc), title, published))
    return links


def _rss_links(root: etree._Element, base_url: str) -> list[Link]:
    items = [el for el in root.iter() if _local(el.tag) == "item"]
    links = []
    for item in items:
        url = _text(item, "origLink") or _text(item, "link")
        if not url:
            guid = next((g for g in _children(item, "guid")
                         if g.get("isPermaLink", "true") != "false"), None)
            url = (guid.text or "").strip() if guid is not None else None
        if url and _join(base_url, url):
            date = _text(item, "pubDate") or _text(item, "date")
            links.append(Link(_join(base_url, url), _text(item, "title"), feed_date(date)))
    return links


def _atom_links(root: etree._Element, base_url: str) -> list[Link]:
    links = []
    for entry in _children(root, "entry"):
        href = None
        for link in _children(entry, "link"):
            if link.get("rel", "alternate") == "alternate" and link.get("href"):
                href = link.get("href")
                break
        if href and _join(base_url, href):
            date = _text(entry, "published") or _text(entry, "updated")
            links.append(Link(_join(base_url, href), _text(entry, "title"), feed_date(date)))
    return links
