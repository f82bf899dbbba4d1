"""``newsdedup report``: output/report.html, one static page to browse incidents.

Self-contained: CSS and the search script are inline, nothing is fetched (a Content-Security-Policy
meta tag forbids any load and lets only our own script run, by its hash). Every piece of scraped
text is escaped with ``html.escape`` as the page is rendered on the server side, and links are
kept only for http(s) URLs, so a ``<script>`` in a title stays text and a ``javascript:`` URL
is not a link.

Layout: incidents biggest first, then latest; each with a timeline of its publications by
language and outlet (the first publisher marked), its stories with their copies, and a search box
that filters incidents by title, outlet, language, id or URL (also Traditional ↔ Simplified).
"""
from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from newsdedup.output import OutputSet, read_output
from pipelines.dates import TRUSTED_SOURCES, sort_key
from pipelines.incidents import Incident, assign_incidents, outlet_of
from pipelines.normalise import to_simplified, to_traditional
from pipelines.records import Article, Story

REPORT_FILE = "report.html"
MAX_INCIDENTS = 5000  # a page beyond this is too heavy to open; the rest are counted, not shown
LANG_NAMES = {"zh": "中文", "en": "English"}

STYLE = """
:root{--fg:#1d2733;--mute:#5f6b7a;--line:#dde3ea;--bg:#f6f8fa;--card:#fff;--zh:#c0392b;
--en:#1f6fb2;--other:#7a5c99;--first:#e7a800}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",
"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg)}
header{position:sticky;top:0;z-index:2;background:var(--card);border-bottom:1px solid var(--line);
padding:12px 24px}h1{font-size:20px;margin:0 0 4px}.summary{color:var(--mute);margin:0 0 8px}
#q{width:min(640px,100%);padding:8px 10px;font-size:15px;border:1px solid #b8c2cc;border-radius:6px}
#count{margin-left:12px;color:var(--mute)}main{padding:16px 24px;max-width:1100px}
.incident{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 18px;
margin:0 0 14px}.incident[hidden]{display:none}.incident h2{font-size:17px;margin:0 0 4px}
.meta{color:var(--mute);margin:0 0 8px;font-size:13px}.also{margin:0 0 8px;font-size:14px}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;color:#fff;
margin-right:4px}.lang-zh{background:var(--zh)}.lang-en{background:var(--en)}
.lang-other{background:var(--other)}.size{background:#33475b}
.timeline{margin:8px 0;border-left:1px solid var(--line);border-right:1px solid var(--line)}
.track{position:relative;height:20px;border-bottom:1px dashed var(--line)}
.track .label{position:absolute;left:4px;top:1px;font-size:11px;color:var(--mute)}
.dot{position:absolute;top:5px;width:10px;height:10px;margin-left:-5px;border-radius:50%}
.dot.first{outline:2px solid var(--first)}.axis{display:flex;justify-content:space-between;
font-size:11px;color:var(--mute);padding-left:34px}
table{border-collapse:collapse;width:100%;font-size:13px}
td{padding:3px 6px;border-top:1px solid var(--line);vertical-align:top}td.when{white-space:nowrap;
color:var(--mute)}tr.first td{background:#fff8e1}.star{color:var(--first);font-weight:bold}
details{margin-top:8px}summary{cursor:pointer;color:var(--mute)}ul.copies{margin:4px 0 8px 18px;
padding:0;font-size:13px}.story{margin:6px 0 0}.rep{font-weight:600}
"""

SCRIPT = """
(function () {
  var box = document.getElementById("q");
  var count = document.getElementById("count");
  var items = Array.prototype.slice.call(document.querySelectorAll("section.incident"));
  function apply() {
    var terms = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var hay = item.getAttribute("data-search");
      var match = terms.every(function (t) { return hay.indexOf(t) !== -1; });
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    count.textContent = shown + " of " + items.length + " incidents";
  }
  box.addEventListener("input", apply);
  var m = /^#q=(.*)$/.exec(window.location.hash);
  if (m) { box.value = decodeURIComponent(m[1]); }
  apply();
})();
"""


def esc(text: object) -> str:
    """Escape for HTML text and quoted attributes alike."""
    return html.escape("" if text is None else str(text), quote=True)


def safe_href(url: str | None) -> str | None:
    """The URL if it is http(s), else None (never a javascript: or data: link)."""
    if not url or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return None
    return url.strip()


def _when(published: str | None) -> datetime | None:
    if not published:
        return None
    try:
        found = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    if found.tzinfo is not None:
        found = found.astimezone(timezone.utc).replace(tzinfo=None)
    return found


def _lang_class(lang: str) -> str:
    return f"lang-{lang}" if lang in ("zh", "en") else "lang-other"


@dataclass
class IncidentView:
    """One incident with its articles and stories resolved, in display order."""

    incident: Incident
    articles: list[Article]  # by publication time, undated last
    stories: list[Story]

    @property
    def latest(self) -> datetime:
        dates = [d for d in (_when(a.published) for a in self.articles) if d]
        return max(dates) if dates else datetime.min


def _ordered(articles: Sequence[Article]) -> list[Article]:
    # Same-day date-only copies after timestamped ones, longer first (pipelines.dates).
    return sorted(articles, key=lambda a: (sort_key(a.published, len(a.text)), a.id))


def _published(article: Article) -> str:
    """The date, with its source when that is a guess from the URL, markup or page text."""
    if not article.published:
        return "undated"
    unsure = article.published_source not in TRUSTED_SOURCES
    return f"{article.published} ({article.published_source or 'source unknown'})" if unsure \
        else article.published


def build_views(output: OutputSet) -> list[IncidentView]:
    """Incidents (from incidents.jsonl, or computed now if the folder has none), biggest and
    latest first."""
    if output.incidents:
        names = [f.name for f in fields(Incident) if f.init]
        incidents = [Incident(**{k: row.get(k) for k in names}) for row in output.incidents]
    else:
        incidents = assign_incidents(output.articles, output.stories)
    by_article = {a.id: a for a in output.articles}
    by_story = {s.story_id: s for s in output.stories}
    views = [IncidentView(inc, _ordered([by_article[i] for i in inc.article_ids
                                         if i in by_article]),
                          [by_story[s] for s in inc.story_ids if s in by_story])
             for inc in incidents]
    return sorted(views, key=lambda v: (-len(v.articles), -v.latest.toordinal(),
                                        v.incident.incident_id))


def _search_text(view: IncidentView) -> str:
    parts = [view.incident.incident_id, *view.incident.story_ids, *view.incident.languages]
    for article in view.articles:
        title = article.title or ""
        parts += [title, to_simplified(title), to_traditional(title), outlet_of(article),
                  article.url, article.id, LANG_NAMES.get(article.lang, article.lang)]
    return " ".join(parts).lower()


def _timeline(view: IncidentView) -> str:
    dated = [(a, _when(a.published)) for a in view.articles if _when(a.published)]
    if not dated:
        return ""
    start, end = dated[0][1], max(d for _, d in dated)
    span = (end - start).total_seconds()
    first_id = dated[0][0].id
    rows = []
    for lang in sorted({a.lang for a, _ in dated}):
        dots = []
        for article, when in dated:
            if article.lang != lang:
                continue
            share = 0.5 if span == 0 else (when - start).total_seconds() / span
            tip = f"{article.published} · {outlet_of(article)} · {article.title or ''}"
            marker = " first" if article.id == first_id else ""
            dots.append(f'<span class="dot {_lang_class(lang)}{marker}" style="left:calc(34px + '
                        f'(100% - 44px) * {share:.4f})" title="{esc(tip)}"></span>')
        rows.append(f'<div class="track"><span class="label">{esc(lang)}</span>'
                    f'{"".join(dots)}</div>')
    axis = (f'<div class="axis"><span>{esc(start.date().isoformat())}</span>'
            f'<span>{esc(end.date().isoformat())}</span></div>')
    return f'<div class="timeline">{"".join(rows)}</div>{axis}'


def _title_link(article: Article) -> str:
    href = safe_href(article.url)
    title = esc(article.title or article.url)
    return f'<a href="{esc(href)}" rel="noopener noreferrer">{title}</a>' if href else title


def _publications(view: IncidentView) -> str:
    first_id = next((a.id for a in view.articles if a.published), None)
    rows = []
    for article in view.articles:
        first = article.id == first_id
        rows.append(
            f'<tr class="{"first" if first else ""}"><td class="when">'
            f'{esc(_published(article))}</td><td><span class="badge '
            f'{_lang_class(article.lang)}">{esc(article.lang)}</span></td>'
            f'<td>{esc(outlet_of(article))}{" <span class=star>★ first</span>" if first else ""}'
            f'</td><td>{_title_link(article)}</td><td class="when">{esc(article.story_id or "")}'
            '</td></tr>')
    return f'<table class="pubs">{"".join(rows)}</table>'


def _stories(view: IncidentView) -> str:
    by_id = {a.id: a for a in view.articles}
    blocks = []
    for story in sorted(view.stories, key=lambda s: (-len(s.article_ids), s.story_id)):
        copies = _ordered([by_id[i] for i in story.article_ids if i in by_id])
        rep = by_id.get(story.representative_id)
        items = "".join(
            f'<li>{esc(_published(c))} · <span class="badge {_lang_class(c.lang)}">'
            f'{esc(c.lang)}</span>{esc(outlet_of(c))} — {_title_link(c)}'
            f'{" <span class=star>(first copy)</span>" if i == 0 and len(copies) > 1 else ""}</li>'
            for i, c in enumerate(copies))
        blocks.append(f'<div class="story"><span class="rep">{esc(story.story_id)}</span> · '
                      f'{len(copies)} cop{"y" if len(copies) == 1 else "ies"} · representative: '
                      f'{esc(rep.title if rep else story.representative_id)}'
                      f'<ul class="copies">{items}</ul></div>')
    return (f'<details><summary>{len(view.stories)} stor{"y" if len(view.stories) == 1 else "ies"}'
            f' and their copies</summary>{"".join(blocks)}</details>')


def render_incident(view: IncidentView) -> str:
    inc = view.incident
    head = view.articles[0] if view.articles else None
    title = (head.title if head and head.title else inc.incident_id)
    other_titles = [t for lang, titles in sorted(inc.titles.items()) for t in titles[:1]
                    if t != title]
    badges = "".join(f'<span class="badge {_lang_class(lang)}">{esc(lang)}</span>'
                     for lang in inc.languages)
    also = "".join(f'<p class="also">{esc(t)}</p>' for t in other_titles)
    return (
        f'<section class="incident" id="{esc(inc.incident_id)}" '
        f'data-search="{esc(_search_text(view))}">'
        f'<h2><span class="badge size">{len(view.articles)}</span> {esc(title)}</h2>{also}'
        f'<p class="meta">{badges} first published {esc(inc.first_published or "unknown")} · '
        f'{len(inc.outlets)} outlet{"s" if len(inc.outlets) != 1 else ""} · {len(view.stories)} '
        f'stor{"y" if len(view.stories) == 1 else "ies"} · {esc(inc.incident_id)}</p>'
        f'{_timeline(view)}{_publications(view)}{_stories(view)}</section>')


def script_hash(script: str = SCRIPT) -> str:
    """CSP source expression allowing exactly our inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def render_report(output: OutputSet, source: str = "") -> str:
    """The whole page as a string."""
    views = build_views(output)
    shown = views[:MAX_INCIDENTS]
    langs = sorted({a.lang for a in output.articles})
    multi = sum(1 for v in views if len(v.stories) > 1)
    more = (f'<p class="summary">{len(views) - len(shown)} smaller incidents not shown.</p>'
            if len(views) > len(shown) else "")
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src {script_hash()}; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>newsdedup report</title><style>{STYLE}</style></head><body>'
        '<header><h1>newsdedup — incidents</h1>'
        f'<p class="summary">{len(views)} incidents ({multi} joining several stories) · '
        f'{len(output.stories)} stories · {len(output.articles)} articles · languages '
        f'{esc(", ".join(langs))}{" · from " + esc(source) if source else ""}</p>'
        '<input id="q" type="search" placeholder="Filter: title, outlet, language, id, URL"'
        ' autocomplete="off" aria-label="Filter incidents"><span id="count"></span></header>'
        f'<main>{"".join(render_incident(v) for v in shown)}{more}</main>'
        f'<script>{SCRIPT}</script></body></html>\n')


def write_report(out_dir: str | Path, path: str | Path | None = None) -> Path:
    """Read ``out_dir`` (articles.jsonl, stories.jsonl, incidents.jsonl) and write the page to
    ``path`` (default ``out_dir``/report.html) atomically; return its path."""
    out_dir = Path(out_dir)
    target = Path(path) if path else out_dir / REPORT_FILE
    page = render_report(read_output(out_dir), source=str(out_dir))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target
