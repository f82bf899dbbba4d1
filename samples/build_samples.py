"""Build the bundled sample dump from the story texts in samples/stories/.

Each story file holds one base report (its text, a photo caption, reader comments) and the list
of its copies: which outlet published it, under which headline and URL, when, and how the page
is encoded. This script renders every copy through its outlet's template — nav, sidebars that
list *other* stories' headlines and leads, comments, share buttons, footer — and writes:

  samples/dump/*.html[.gz]       one file per page, bytes in the page's own encoding
  samples/dump.jsonl             the same pages as {url, html, fetched_at}, plus one text-only record
  samples/dump.warc.gz           the same pages as WARC response records (HTTP Content-Type set)
  samples/expected_stories.json  the ground truth: which URLs are copies of the same report

Everything is derived from the story files and fixed constants, so two runs give byte-identical
files. Run:  .venv/bin/python samples/build_samples.py
"""
from __future__ import annotations

import gzip
import io
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus import (CRAWL_START, CRAWL_STEP, DUMP_DIR, ENCODINGS, HERE, WARC_NAMESPACE, Page, Story,
                    load_stories)
from outlets import build_page

# ---------------------------------------------------------------- outputs

@dataclass(frozen=True)
class Rendered:
    page: Page
    filename: str
    html: str
    body: bytes  # as served, before any .gz of the saved file
    content_type: str
    fetched_at: datetime


def file_name(page: Page) -> str:
    return f"{page.copy.outlet}--{page.story.key}.html" + (".gz" if page.copy.gzip else "")


def render_all(stories: list[Story]) -> list[Rendered]:
    pages = sorted((build_page(s, c, stories) for s in stories for c in s.copies), key=file_name)
    out = []
    for i, page in enumerate(pages):
        html = page.outlet.render(page)
        codec, declared = ENCODINGS[page.copy.encoding or page.outlet.encoding]
        body = html.encode(codec)  # strict: a character the charset lacks must fail here, not in a test
        content_type = f"text/html; charset={declared}" if declared else "text/html"
        out.append(Rendered(page, file_name(page), html, body, content_type, CRAWL_START + i * CRAWL_STEP))
    return out


def iso_z(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_folder(rendered: list[Rendered]) -> None:
    DUMP_DIR.mkdir(exist_ok=True)
    for old in sorted(DUMP_DIR.iterdir()):
        if old.name.endswith((".html", ".html.gz")):
            old.unlink()
    for r in rendered:
        data = gzip.compress(r.body, mtime=0) if r.filename.endswith(".gz") else r.body
        (DUMP_DIR / r.filename).write_bytes(data)


def text_only_records(stories: list[Story], after: datetime) -> list[dict]:
    """A feed export that already carries extracted text (no HTML) — the JSONL reader's other shape."""
    records = []
    for story in stories:
        if story.text_only_url:
            records.append({"url": story.text_only_url, "title": story.headline,
                            "text": "\n\n".join(story.paragraphs), "published": story.text_only_published,
                            "lang": story.lang, "fetched_at": iso_z(after + CRAWL_STEP * (len(records) + 1))})
    return records


def write_jsonl(rendered: list[Rendered], extra: list[dict], path: Path) -> None:
    lines = [json.dumps({"url": r.page.copy.url, "html": r.html, "fetched_at": iso_z(r.fetched_at)},
                        ensure_ascii=False) for r in rendered]
    lines += [json.dumps(rec, ensure_ascii=False) for rec in extra]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def warc_id(name: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(WARC_NAMESPACE, name)}>"


def write_warc(rendered: list[Rendered], path: Path) -> None:
    """Response records with fixed dates and ids, so the archive is byte-identical run to run."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.0")
    info = writer.create_warcinfo_record(path.name, {
        "software": "newsdedup samples/build_samples.py", "format": "WARC File Format 1.0",
        "description": "Fictional sample pages for newsdedup; see samples/README.md"})
    info.rec_headers.replace_header("WARC-Date", iso_z(CRAWL_START))
    info.rec_headers.replace_header("WARC-Record-ID", warc_id("warcinfo"))
    writer.write_record(info)
    for r in rendered:
        http = StatusAndHeaders("200 OK", [
            ("Content-Type", r.content_type), ("Content-Length", str(len(r.body))),
            ("Date", r.fetched_at.strftime("%a, %d %b %Y %H:%M:%S GMT")), ("Server", r.page.outlet.server),
        ], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            r.page.copy.url, "response", payload=io.BytesIO(r.body), length=len(r.body), http_headers=http,
            warc_headers_dict={"WARC-Date": iso_z(r.fetched_at), "WARC-Record-ID": warc_id(r.page.copy.url)})
        writer.write_record(record)
    path.write_bytes(buf.getvalue())


def expected(stories: list[Story], rendered: list[Rendered]) -> dict:
    """Ground truth: every URL in exactly one story; stories of one event grouped as incidents."""
    by_story: dict[str, list[str]] = {}
    for s in stories:
        by_story[s.key] = sorted([c.url for c in s.copies] + ([s.text_only_url] if s.text_only_url else []))
    by_incident: dict[str, list[str]] = {}
    for s in stories:
        by_incident.setdefault(s.incident, []).extend(by_story[s.key])
    pages = {}
    for r in rendered:
        c = r.page.copy
        pages[c.url] = {"file": f"dump/{r.filename}", "story": c.story, "incident": r.page.story.incident,
                        "outlet": c.outlet, "role": c.role, "lang": r.page.story.lang,
                        "script": ("Hant" if c.outlet == "mingcheng" else "Hans") if r.page.story.lang == "zh" else None,
                        "encoding": c.encoding or r.page.outlet.encoding, "published": c.published,
                        "title": r.page.headline}
    return {
        "about": "Ground truth for samples/dump, dump.jsonl and dump.warc.gz (fictional pages). "
                 "'stories' lists copies of one base report; 'incidents' groups stories of one event "
                 "(e.g. a report and a separate English write-up). URLs in 'jsonl_only' exist only in dump.jsonl.",
        "stories": sorted(by_story.values()),
        "incidents": sorted(sorted(v) for v in by_incident.values()),
        "story_keys": dict(sorted(by_story.items())),
        "jsonl_only": sorted(s.text_only_url for s in stories if s.text_only_url),
        "pages": dict(sorted(pages.items())),
    }


def check(stories: list[Story]) -> None:
    urls = [c.url for s in stories for c in s.copies] + [s.text_only_url for s in stories if s.text_only_url]
    if len(urls) != len(set(urls)):
        raise SystemExit("duplicate URL in samples/stories")
    for s in stories:
        if [c.role for c in s.copies].count("original") != 1:
            raise SystemExit(f"{s.key}: needs exactly one original copy")
        if len({c.outlet for c in s.copies}) != len(s.copies):
            raise SystemExit(f"{s.key}: one copy per outlet (file names are outlet--story)")


def main() -> None:
    stories = load_stories()
    check(stories)
    rendered = render_all(stories)
    write_folder(rendered)
    extra = text_only_records(stories, rendered[-1].fetched_at)
    write_jsonl(rendered, extra, HERE / "dump.jsonl")
    write_warc(rendered, HERE / "dump.warc.gz")
    truth = expected(stories, rendered)
    (HERE / "expected_stories.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(rendered)} pages, {len(extra)} text-only record(s), {len(truth['stories'])} stories, "
          f"{len(truth['incidents'])} incidents")


if __name__ == "__main__":
    main()
