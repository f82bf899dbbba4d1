"""Site profiles: where a known portal keeps its article body, and what clutter sits inside it.

The Fundus idea kept small: a profile is data (``pipelines.sites.profiles.PROFILES``), matched
by the page's host *or* by markers in the page (a WeChat article saved and re-hosted elsewhere
still carries ``#js_content`` and ``var biz``). A matched profile's container is extracted on its
own (trafilatura over just that element); when the container is absent or nearly empty — the
site changed its layout — the generic extraction stands. Each profile records the measurement
that let it ship (``bench.extraction --per-page``, set gne-modern).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache

from lxml.etree import XPath
from lxml.html import HtmlElement, document_fromstring

# A container with less text than this is a layout change or an empty shell, not the article
# (the shortest real body among the gne-modern pages is ~300 chars).
MIN_CONTAINER_CHARS = 80

_HIDDEN_STYLE = re.compile(r"(?:visibility\s*:\s*hidden|display\s*:\s*none|opacity\s*:\s*0(?![.\d]))\s*;?", re.I)


@dataclass(frozen=True)
class SiteProfile:
    """One portal layout. ``version`` grows when a layout changes (a new profile row, Fundus-style).

    domains: host suffixes ("163.com" matches "news.163.com"); markers: XPath expressions any of
    which, when it finds something, identifies the layout without the host; container: XPath
    expressions tried in order, the first element with text is the article body; clutter: XPath
    expressions (relative to the container) of elements to drop before extraction; gain: the
    measured F1 change on the shared pages that justified shipping the profile;
    published_epoch: a regular expression over the page's inline scripts whose group 1 is the
    publication time in Unix seconds, for a layout that prints its date only by script
    (WeChat's ``var ct = "1581517074"``; ``pipelines.dates.script_timestamp``), read where the
    page states no ``meta``/``json-ld`` date; epoch_offset: the site's UTC offset, minutes (the
    extracted value keeps the site's local time; articles.jsonl shows it in UTC, as every
    date-time)."""
    name: str
    version: int
    domains: tuple[str, ...]
    markers: tuple[str, ...]
    container: tuple[str, ...]
    clutter: tuple[str, ...] = ()
    gain: str = ""
    published_epoch: str = ""
    epoch_offset: int = 0


def host_of(url: str | None) -> str:
    match = re.match(r"^[a-z][a-z0-9+.-]*://([^/:?#]+)", url or "", re.I)
    return match.group(1).lower() if match else ""


# A marker's head: the element it selects first and one attribute test that element must pass
# (``//div[@id="js_content" and …]``, ``//div[contains(@class, "all-txt")]…``,
# ``//meta[@property="og:site_name" …]``). A page without such an element cannot match it.
_MARKER_HEAD = re.compile(r'^//(div|meta)\[(?:@(id|class|property)="([^"]+)"|contains\(@(class), "([^"]+)"\))')


@lru_cache(maxsize=None)
def marker_head(marker: str) -> tuple[str, str, str, bool] | None:
    """(tag, attribute, value, substring?) of ``marker``'s head test, or None if it has none
    that ``_MARKER_HEAD`` reads (then it is always evaluated)."""
    head = _MARKER_HEAD.match(marker)
    if head is None:
        return None
    if head[2]:
        return head[1], head[2], head[3], False
    return head[1], head[4], head[5], True


_ATTRIBUTE_VALUES = {(tag, attribute): XPath(f"descendant-or-self::{tag}/@{attribute}", smart_strings=False)
                     for tag, attribute in (("div", "id"), ("div", "class"), ("meta", "property"))}


class PageAttributes:
    """The id, class and property values of a page's <div> and <meta> elements, read by three
    attribute XPaths: which markers can match at all (a marker's XPath walks the whole tree; 13
    of them were ~1.5 ms of a page, a Python pass over the elements ~1 ms, these ~0.7 ms)."""

    def __init__(self, tree: HtmlElement) -> None:
        # attribute values as plain strings, by XPath in C: no Python object per element
        self.values: dict[tuple[str, str], set[str]] = {
            key: set(found) for key, read in _ATTRIBUTE_VALUES.items() if (found := read(tree))}
        self._joined: dict[tuple[str, str], str] = {}

    def may_match(self, marker: str) -> bool:
        head = marker_head(marker)
        if head is None:
            return True
        tag, attribute, value, substring = head
        values = self.values.get((tag, attribute), set())
        if not substring:
            return value in values
        if (tag, attribute) not in self._joined:
            self._joined[tag, attribute] = "\0".join(values)
        return value in self._joined[tag, attribute]


def matches(profile: SiteProfile, tree: HtmlElement, url: str | None,
            attributes: PageAttributes | None = None) -> bool:
    host = host_of(url)
    if any(host == d or host.endswith("." + d) for d in profile.domains):
        return True
    return any(compiled(marker)(tree) for marker in profile.markers
               if attributes is None or attributes.may_match(marker))


@lru_cache(maxsize=None)
def compiled(xpath: str) -> XPath:
    """``xpath`` compiled once per process (``tree.xpath(str)`` compiles on every call)."""
    return XPath(xpath)


def find_profile(tree: HtmlElement, url: str | None,
                 profiles: tuple[SiteProfile, ...] | None = None) -> SiteProfile | None:
    """The first profile matching ``tree``/``url``, or None."""
    if profiles is None:
        from pipelines.sites.profiles import PROFILES
        profiles = PROFILES
    attributes = PageAttributes(tree)
    return next((p for p in profiles if matches(p, tree, url, attributes)), None)


def article_container(profile: SiteProfile, tree: HtmlElement) -> HtmlElement | None:
    """A cleaned, un-hidden copy of the profile's container as a small standalone document
    (``<html><body><article>…``), or None when the page lacks it (fall back to generic)."""
    for xpath in profile.container:
        for element in compiled(xpath)(tree):
            if len(element.text_content().strip()) < MIN_CONTAINER_CHARS:
                continue
            body = copy.deepcopy(element)
            body.tail = None
            for selector in profile.clutter:
                for junk in compiled(selector)(body):
                    drop_element(junk)
            # The page hides the body until a script shows it (WeChat: visibility: hidden on
            # #js_content); trafilatura drops hidden nodes, so the container is shown here.
            if body.get("style"):
                body.set("style", _HIDDEN_STYLE.sub("", body.get("style")))
            body.tag = "article"
            doc = document_fromstring("<html><head></head><body></body></html>")
            doc.find("body").append(body)
            return doc
    return None


def drop_element(element: HtmlElement) -> None:
    """Remove ``element`` from its tree, keeping its tail text in the flow."""
    parent = element.getparent()
    if parent is None:
        return
    # keep the tail text (it belongs to the parent's flow, not to the dropped element)
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
