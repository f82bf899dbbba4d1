"""Fuzz tests (hypothesis) of the readers and the feed parser.

Bounded and deterministic: ``derandomize=True`` (the same examples on every run, so CI cannot
flake), a fixed ``max_examples``, no per-example deadline (the machine is shared). Properties:
no exception escapes; every JSONL line is accounted for exactly once (an article or a reject,
never both, never neither); any WARC or arbitrary file yields only articles and rejects; the
feed parser returns links or raises its own FeedError.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from conftest import warc_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.feeds import FeedError, HubLinks, parse_xml_hub
from newsdedup.readers import read_inputs
from pipelines.records import RawDocument, Reject

FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Any code point, lone surrogates included (JSON can carry them as \ud800 escapes).
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
urls = st.one_of(st.sampled_from(["https://n.example/a", "http://[::1/x", "http://n.example:99999/",
                                  "", " ", "file:x", "https://n.example/\x1b]0;x\x07"]), any_text)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), any_text),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(any_text, inner, max_size=3)), max_leaves=10)
records = st.fixed_dictionaries(
    {"url": urls}, optional={"text": st.one_of(any_text, json_values), "html": any_text,
                             "title": st.one_of(any_text, json_values), "published": any_text})


def _line(kind, value) -> bytes:
    if kind == "record":
        return json.dumps(value).encode()
    if kind == "value":
        return json.dumps(value).encode()
    if kind == "deep":
        return b"[" * value + b"]" * value
    return value  # raw bytes


lines = st.one_of(
    st.tuples(st.just("record"), records),
    st.tuples(st.just("value"), json_values),
    st.tuples(st.just("deep"), st.integers(1, 3000)),
    st.tuples(st.just("raw"), st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" "))),
)


def _read(data: bytes, name: str) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        items = list(read_inputs([str(path)]))
    assert all(isinstance(i, (RawDocument, Reject)) for i in items)
    return items


@FUZZ
@given(st.lists(lines, max_size=12), st.integers(0, 12))
def test_jsonl_every_line_exactly_one_article_or_reject(parts, anchor_at):
    body = [_line(k, v) for k, v in parts]
    # one plain record makes the file JSONL whatever the other lines hold
    body.insert(min(anchor_at, len(body)), b'{"url": "https://n.example/anchor", "text": "t"}')
    items = _read(b"\n".join(body) + b"\n", "in.jsonl")
    expected = [n for n, line in enumerate(body, 1) if line.strip()]
    assert sorted(i.location.line for i in items) == expected  # each line once: never both/neither


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data):
    _read(data, "x.bin")


PAGES = [(f"https://w.example/{i}", f"<html><body><p>page {i} {'word ' * 30}</p></body></html>"
          .encode(), "text/html") for i in range(3)]
WARCS = {gz: warc_bytes(PAGES, gzip=gz) for gz in (False, True)}


@FUZZ
@given(st.booleans(), st.lists(st.tuples(st.sampled_from(["cut", "flip", "insert", "delete"]),
                                         st.floats(0, 1), st.binary(min_size=1, max_size=8)),
                               min_size=1, max_size=3))
def test_mutated_warc_never_crashes_and_never_invents_pages(gz, edits):
    data = bytearray(WARCS[gz])
    for op, at, junk in edits:
        pos = int(at * len(data))
        if op == "cut":
            del data[pos:]
        elif op == "flip" and pos < len(data):
            data[pos] ^= junk[0] or 1
        elif op == "insert":
            data[pos:pos] = junk
        else:
            del data[pos:pos + len(junk)]
    items = _read(bytes(data), "x.warc.gz" if gz else "x.warc")
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert len(docs) <= 3
    if all(op == "cut" for op, _, _ in edits):  # a cut file: every page kept is kept whole
        assert all(d.body == dict((u, b) for u, b, _ in PAGES)[d.url] for d in docs)


FEED_PIECES = st.one_of(any_text.map(lambda t: t.replace("<", "&lt;").replace("&", "&amp;")),
                        st.sampled_from(["&#xD800;", "&#55296;", "&#x110000;", "&#0;", "&bogus;",
                                         "<![CDATA[x]]>", "</title>", "<item>", "&#x1F600;"]))


@FUZZ
@given(st.sampled_from(["rss", "atom", "urlset", "sitemapindex"]), st.lists(FEED_PIECES, max_size=6),
       urls)
def test_feed_parser_returns_links_or_feed_error(kind, pieces, url):
    text = "".join(pieces)
    safe_url = url.replace("&", "&amp;").replace("<", "&lt;")
    body = {
        "rss": f"<rss><channel><title>{text}</title><item><title>{text}</title>"
               f"<link>{safe_url}</link></item></channel></rss>",
        "atom": f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>{text}</title>'
                f'<link href="{safe_url}"/></entry></feed>',
        "urlset": f"<urlset><url><loc>{safe_url}</loc><news><title>{text}</title></news></url></urlset>",
        "sitemapindex": f"<sitemapindex><sitemap><loc>{safe_url}</loc></sitemap></sitemapindex>",
    }[kind]
    data = body.encode("utf-8", "surrogatepass")
    try:
        hub = parse_xml_hub(data, "https://n.example/feed")
    except FeedError:
        return
    assert isinstance(hub, HubLinks)
    for link in hub.articles:
        link.url.encode("utf-8")
        if link.title is not None:
            link.title.encode("utf-8")


@FUZZ
@given(st.booleans(), st.integers(0, 10_000))
def test_warc_cut_anywhere_keeps_whole_pages_and_rejects_the_cut_one(gz, at):
    data = WARCS[gz]
    cut = at % len(data)
    items = _read(data[:cut], "x.warc.gz" if gz else "x.warc")
    originals = {u: b for u, b, _ in PAGES}
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert all(d.body == originals[d.url] for d in docs)
    starts = [i for i in range(len(data)) if data.startswith(b"\x1f\x8b\x08" if gz else b"WARC/1.", i)]
    following = min([i for i in starts if i >= cut] + [len(data)])
    # unless the cut fell between records (only separators lost), the cut record is reported
    if cut and (gz and cut not in starts or not gz and data[cut:following].strip()):
        assert any(isinstance(i, Reject) for i in items)  # "truncated" (or not a WARC at all)


@FUZZ
@given(lines, st.booleans())
def test_orjson_fast_path_reads_every_line_as_json_does(part, ascii_only):
    """``parse_jsonl_line`` with orjson's fast path gives what json alone gives (the article
    fields, or the same reject with the same detail), for records, bare values, deep nesting,
    raw bytes; escaped or raw non-ASCII."""
    from newsdedup import readers
    from pipelines.records import Location

    kind, value = part
    line = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass") \
        if kind in ("record", "value") else _line(kind, value)
    where = Location("in.jsonl", line=1)
    fast = readers.parse_jsonl_line(line, where)
    plain = readers._fast_record
    try:
        readers._fast_record = lambda _line: None
        assert readers.parse_jsonl_line(line, where) == fast
    finally:
        readers._fast_record = plain


def test_orjson_fast_path_is_taken_for_plain_records_only():
    """The fast path answers for an object of strings/ints/booleans/nulls, and leaves to json
    an integer too long for orjson (read as a float), NaN, a BOM, nested values."""
    from newsdedup.readers import _fast_record

    assert _fast_record(b'{"url": "https://n.example/a", "text": "t", "n": 3, "b": true, "x": null}')
    for line in (b'{"n": 123456789012345678901234567890}', b'{"n": NaN}', b'\xef\xbb\xbf{"a": "b"}',
                 b'{"a": {"b": 1}}', b'{"a": [1]}', b'{"a": 1.5}', b'[1]', b'{"a": "\\ud800"}'):
        assert _fast_record(line) is None, line


def test_lone_surrogate_escapes_are_rejected_whichever_parser_reads_them() -> None:
    """orjson refuses a lone surrogate escape and json reads it: either way the record is a
    ``bad-unicode`` reject, and a surrogate pair (an emoji) is text."""
    from newsdedup.readers import parse_jsonl_line
    from pipelines.records import Location, RawDocument, Reject

    where = Location("x.jsonl", line=1)
    lone = parse_jsonl_line(b'{"url": "https://a.example/1", "text": "abc \\ud800 def"}', where)
    assert isinstance(lone, Reject) and lone.reason == "bad-unicode"
    pair = parse_jsonl_line(b'{"url": "https://a.example/1", "text": "abc \\ud83d\\ude00 def"}', where)
    assert isinstance(pair, RawDocument) and pair.text == "abc \U0001f600 def"
