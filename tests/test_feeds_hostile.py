"""Hostile feeds: one bad character reference or link loses that field or link, never the feed."""
from __future__ import annotations

import pytest

from crawler.feeds import parse_xml_hub

RSS = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{ch}</title>'
       '<item><title>{t}</title><link>https://n.example/a</link></item>'
       '<item><title>B</title><link>{link}</link></item>'
       '<item><title>C</title><link>/c</link></item></channel></rss>')
ATOM = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{ch}</title>'
        '<entry><title>{t}</title><link href="https://n.example/a"/></entry>'
        '<entry><title>B</title><link href="{link}"/></entry>'
        '<entry><title>C</title><link href="/c"/></entry></feed>')


@pytest.mark.parametrize("template", [RSS, ATOM])
@pytest.mark.parametrize("ref", ["&#xD800;", "&#55296;", "&#xDFFF;", "&#x110000;", "&#x0000D800;"])
def test_surrogate_reference_in_titles_keeps_every_link(template, ref):
    body = template.format(ch=f"Feed {ref}", t=f"A {ref} b", link="https://n.example/b").encode()
    links = parse_xml_hub(body, "https://n.example/feed.xml").articles
    assert [ln.url for ln in links] == ["https://n.example/a", "https://n.example/b",
                                       "https://n.example/c"]
    assert links[0].title == "A \ufffd b"


@pytest.mark.parametrize("template", [RSS, ATOM])
def test_unparseable_link_is_dropped_alone(template):
    body = template.format(ch="Feed", t="A", link="http://[::1/x").encode()
    links = parse_xml_hub(body, "https://n.example/feed.xml").articles
    assert [ln.url for ln in links] == ["https://n.example/a", "https://n.example/c"]


def test_valid_references_are_untouched():
    body = RSS.format(ch="x", t="caf&#xE9; &#8212; &#x1F600; &amp;", link="/b").encode()
    assert parse_xml_hub(body, "https://n.example/").articles[0].title == "café — 😀 &"


SITEMAP = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           '<url><loc>https://n.example/a</loc></url><url><loc>{link}</loc></url>'
           '<url><loc>https://n.example/c</loc></url></urlset>')


@pytest.mark.parametrize("template", [RSS, ATOM, SITEMAP])
def test_a_body_cut_inside_an_entry_loses_that_entry_not_a_made_up_link(template):
    """A feed cut short (a dropped connection, a size limit) mid-link: recover mode closed the
    open elements and the partial URL https://n.example/b-longer-na was followed as a link."""
    body = template.format(ch="Feed", t="A", link="https://n.example/b-longer-name").encode()
    cut = body[:body.index(b"b-longer-name") + len(b"b-longer-na")]
    assert [ln.url for ln in parse_xml_hub(cut, "https://n.example/feed.xml").articles] == [
        "https://n.example/a"]
    # cut between two entries: every entry before the cut is whole and kept
    end = {RSS: b"</item>", ATOM: b"</entry>", SITEMAP: b"</url>"}[template]
    between = body[:body.index(end, body.index(b"b-longer-name")) + len(end)]
    assert [ln.url for ln in parse_xml_hub(between, "https://n.example/feed.xml").articles] == [
        "https://n.example/a", "https://n.example/b-longer-name"]
