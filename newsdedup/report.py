"""``newsdedup report``: output/report.html, one static page to browse incidents.

Self-contained: CSS and the search script are inline, nothing is fetched (a Content-Security-Policy
meta tag forbids any load and lets only our own script run, by its hash). Every piece of scraped
text is escaped with ``html.escape`` as the page is rendered on the server side, and links are
kept only for http(s) URLs, so a ``<script>`` in a title stays text and a ``javascript:`` URL
is not a link.

Layout: one table of incidents (biggest first, then latest), sortable by its column headers,
filtered by a search box (title, outlet, language, id or URL; Traditional ↔ Simplified), a date
range, a language and an outlet, and downloadable as CSV (the rows shown, in the order shown).
Each incident shows its lead paragraph, the evidence that joined its stories (``explain``'s), a
timeline by language, its publications (UTC and local time, the first publisher, truncated
copies, the source each copy states, how a less sure date was found) and its stories. Local time
is a fixed IANA zone given as ``tz``, else the viewer's own (filled in by the script).
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from dedupe import IncidentConfig
from newsdedup.output import OutputSet, read_output
from newsdedup.report_assets import SCRIPT, STYLE
from newsdedup.report_data import (
    IncidentEvidence,
    attribution,
    date_note,
    lead_paragraph,
    local_time,
    truncated_copies,
    zone,
)
from pipelines.dates import sort_key
from pipelines.incidents import Incident, assign_incidents, outlet_of
from pipelines.normalise import to_simplified, to_traditional
from pipelines.records import Article, Story

REPORT_FILE = "report.html"
MAX_INCIDENTS = 5000  # a page beyond this is too heavy to open; the rest are counted, not shown
LANG_NAMES = {"zh": "中文", "en": "English"}
CSV_COLUMNS = ("incident_id", "first_published", "first_published_local", "articles", "stories",
               "languages", "outlets", "title", "url")
COLUMNS = (("first", "First published", "str"), ("size", "Articles", "num"),
           ("stories", "Stories", "num"), ("langs", "Languages", "str"),
           ("outlets", "Outlets", "num"), ("title", "Incident", "str"))


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


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 incident``, ``2 incidents``; ``many`` for irregular plurals (``stories``)."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass
class Context:
    """What every incident's rendering shares: the time zone and the page-wide computations."""

    tz: object | None  # ZoneInfo, or None for the viewer's own zone
    truncated: dict[str, float]
    evidence: IncidentEvidence


def _times(published: str | None, ctx: Context) -> str:
    """UTC as stored, the local time beside it (filled in by the script without a zone)."""
    if not published:
        return "undated"
    local = local_time(published, ctx.tz)
    utc = f'<time datetime="{esc(published)}">{esc(published)}</time>'
    if "T" not in published:
        return utc
    return utc + f'<time class="local" data-utc="{esc(published)}">{esc(local or "")}</time>'


def _date_cell(article: Article, ctx: Context) -> str:
    note = date_note(article)
    unsure = (f' <span class="unsure" title="date found in: {esc(note)}">({esc(note)}?)</span>'
              if note else "")
    return _times(article.published, ctx) + unsure


def _trunc_badge(article: Article, ctx: Context) -> str:
    share = ctx.truncated.get(article.id)
    if share is None:
        return ""
    return (f' <span class="badge trunc" title="an excerpt: it holds {share:.0%} of the story\'s '
            f'longest copy">truncated · {share:.0%}</span>')


def _first_publishers(articles: Sequence[Article]) -> set[str]:
    """Ids of the earliest dated articles (``articles`` in ``_ordered`` order): the first and
    every one its date cannot be told from — the same instant, or the same day when either says
    only its day (two date-only copies of one day: which came first is not known)."""
    dated = [a for a in articles if a.published]
    if not dated:
        return set()
    first = dated[0].published
    return {a.id for a in dated if a.published == first or (
        a.published[:10] == first[:10] and min(len(a.published), len(first)) == 10)}


def _publications(view: IncidentView, ctx: Context) -> str:
    firsts = _first_publishers(view.articles)
    star = " <span class=star>★ first</span>" if len(firsts) == 1 else \
        " <span class=star title=\"the same day, the time not stated\">★ first (tied)</span>"
    rows = []
    for article in view.articles:
        first = article.id in firsts
        rows.append(
            f'<tr class="{"first" if first else ""}"><td class="when" data-label="Published">'
            f'{_date_cell(article, ctx)}</td><td data-label="Language"><span class="badge '
            f'{_lang_class(article.lang)}">{esc(article.lang)}</span></td>'
            f'<td data-label="Outlet">{esc(outlet_of(article))}'
            f'{star if first else ""}</td>'
            f'<td data-label="来源 source">{esc(attribution(article) or "—")}</td>'
            f'<td data-label="Title">{_title_link(article)}{_trunc_badge(article, ctx)}</td>'
            f'<td class="when" data-label="Story">{esc(article.story_id or "")}</td></tr>')
    head = ("<thead><tr><th>Published (UTC / local)</th><th>Lang</th><th>Outlet</th>"
            "<th>来源 source</th><th>Title</th><th>Story</th></tr></thead>")
    return f'<table class="pubs">{head}<tbody>{"".join(rows)}</tbody></table>'


def _stories(view: IncidentView, ctx: Context) -> str:
    by_id = {a.id: a for a in view.articles}
    blocks = []
    for story in sorted(view.stories, key=lambda s: (-len(s.article_ids), s.story_id)):
        copies = _ordered([by_id[i] for i in story.article_ids if i in by_id])
        rep = by_id.get(story.representative_id)
        items = "".join(
            f'<li>{esc(c.published or "undated")} · <span class="badge {_lang_class(c.lang)}">'
            f'{esc(c.lang)}</span>{esc(outlet_of(c))} — {_title_link(c)}{_trunc_badge(c, ctx)}'
            f'{" <span class=star>(first copy)</span>" if i == 0 and len(copies) > 1 else ""}</li>'
            for i, c in enumerate(copies))
        blocks.append(f'<div class="story"><span class="rep">{esc(story.story_id)}</span> · '
                      f'{plural(len(copies), "copy", "copies")} · representative: '
                      f'{esc(rep.title if rep else story.representative_id)}'
                      f'<ul class="copies">{items}</ul></div>')
    return (f'<details><summary>{plural(len(view.stories), "story", "stories")} and their '
            f'copies</summary>{"".join(blocks)}</details>')


def _evidence(view: IncidentView, ctx: Context) -> str:
    if len(view.stories) < 2:
        return ""
    order = sorted(view.stories, key=lambda s: (s.first_published is None,
                                                s.first_published or "", s.story_id))
    parts = [f'<pre class="evidence">{esc(text)}</pre>'
             for _, _, text in ctx.evidence.links(order)]
    return (f'<details class="why"><summary>Why these {len(view.stories)} stories are one '
            f'incident ({plural(len(parts), "link")})</summary>{"".join(parts)}</details>')


def _row(view: IncidentView, title: str, ctx: Context) -> list[str]:
    inc = view.incident
    head = view.articles[0] if view.articles else None
    local = local_time(inc.first_published, ctx.tz) or ""
    return [inc.incident_id, inc.first_published or "", local, len(view.articles),
            len(view.stories), " ".join(inc.languages), "; ".join(inc.outlets), title,
            head.url if head else ""]


def render_incident(view: IncidentView, ctx: Context) -> str:
    inc = view.incident
    head = view.articles[0] if view.articles else None
    title = (head.title if head and head.title else inc.incident_id)
    other_titles = [t for lang, titles in sorted(inc.titles.items()) for t in titles[:1]
                    if t != title]
    badges = "".join(f'<span class="badge {_lang_class(lang)}">{esc(lang)}</span>'
                     for lang in inc.languages)
    also = "".join(f'<p class="also">{esc(t)}</p>' for t in other_titles)
    days = sorted(a.published[:10] for a in view.articles if a.published)
    keys = {"first": inc.first_published or "", "size": len(view.articles),
            "stories": len(view.stories), "langs": " ".join(inc.languages),
            "outlets": len(inc.outlets), "title": title.lower()}
    data = " ".join(f'data-k-{k}="{esc(v)}"' for k, v in keys.items())
    outlets = inc.outlets[:3] + ([f"+{len(inc.outlets) - 3}"] if len(inc.outlets) > 3 else [])
    lead = lead_paragraph(head) if head else ""
    return (
        f'<tbody class="incident" id="{esc(inc.incident_id)}" '
        f'data-search="{esc(_search_text(view))}" data-first="{esc(days[0] if days else "")}" '
        f'data-last="{esc(days[-1] if days else "")}" data-langs="{esc(" ".join(inc.languages))}" '
        f'data-outlets="{esc(chr(10).join(inc.outlets))}" '
        f'data-row="{esc(json.dumps(_row(view, title, ctx), ensure_ascii=False))}" {data}>'
        f'<tr class="row"><td class="when" data-label="First published">'
        f'{_times(inc.first_published, ctx)}</td>'
        f'<td class="num" data-label="Articles"><span class="badge size">{len(view.articles)}'
        f'</span></td><td class="num" data-label="Stories">{len(view.stories)}</td>'
        f'<td data-label="Languages">{badges}</td>'
        f'<td data-label="Outlets">{esc(", ".join(outlets))}</td>'
        f'<td class="title"><h2>{esc(title)}</h2>{also}</td></tr>'
        f'<tr class="detail"><td colspan="{len(COLUMNS)}"><p class="lead">{esc(lead)}</p>'
        f'<p class="meta">{plural(len(inc.outlets), "outlet")} · '
        f'{plural(len(view.stories), "story", "stories")} · {esc(inc.incident_id)}</p>'
        f'{_evidence(view, ctx)}{_timeline(view)}{_publications(view, ctx)}'
        f'{_stories(view, ctx)}</td></tr></tbody>')


def script_hash(script: str = SCRIPT) -> str:
    """CSP source expression allowing exactly our inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def _select(name: str, label: str, values: Sequence[str], every: str) -> str:
    options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return (f'<label>{esc(label)} <select id="{name}"><option value="">{esc(every)}</option>'
            f'{options}</select></label>')


def _table_head(tz_name: str | None) -> str:
    cells = "".join(
        f'<th data-key="{key}" data-type="{kind}" aria-sort="none"><button type="button">'
        f'{esc(label + (" (UTC / " + (tz_name or "local") + ")" if key == "first" else ""))}'
        '</button></th>' for key, label, kind in COLUMNS)
    return f"<thead><tr>{cells}</tr></thead>"


def render_report(output: OutputSet, source: str = "", tz: str | None = None,
                  config: IncidentConfig | None = None) -> str:
    """The whole page as a string. ``tz``: an IANA zone for the local times (default: the
    viewer's); ValueError if unknown. ``config``: the incident link rule the evidence shows."""
    views = build_views(output)
    shown = views[:MAX_INCIDENTS]
    by_id = {a.id: a for a in output.articles}
    ctx = Context(zone(tz), truncated_copies(output.stories, by_id),
                  IncidentEvidence(output.articles, output.stories, config))
    langs = sorted({a.lang for a in output.articles})
    outlets = sorted({outlet_of(a) for a in output.articles})
    multi = sum(1 for v in views if len(v.stories) > 1)
    more = (f'<p class="summary">{len(views) - len(shown)} smaller incidents not shown.</p>'
            if len(views) > len(shown) else "")
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src {script_hash()}; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    filters = (
        '<details class="filters"><summary>Filters · CSV</summary><div class="row">'
        '<label>From <input id="from" type="date"></label>'
        '<label>to <input id="to" type="date"></label>'
        f'{_select("lang", "Language", langs, "all")}{_select("outlet", "Outlet", outlets, "all")}'
        '<button id="csv" type="button">Download CSV (rows shown)</button>'
        '<a id="csv-link" download="incidents.csv" hidden></a></div>'
        '</details>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>newsdedup report</title><style>{STYLE}</style></head><body>'
        '<div class="top"><h1>newsdedup — incidents</h1>'
        f'<p class="summary">{plural(len(views), "incident")} ({multi} joining several stories) · '
        f'{plural(len(output.stories), "story", "stories")} · '
        f'{plural(len(output.articles), "article")} · languages '
        f'{esc(", ".join(langs))}{" · from " + esc(source) if source else ""}</p></div>'
        '<div class="bar"><input id="q" type="search" placeholder="Filter: title, outlet, '
        'language, id, URL" autocomplete="off" aria-label="Filter incidents">'
        f'<span id="count"></span>{filters}</div>'
        f'<main><table id="incidents" data-columns="{esc(json.dumps(CSV_COLUMNS))}">'
        f'{_table_head(tz)}{"".join(render_incident(v, ctx) for v in shown)}</table>{more}</main>'
        f'<script>{SCRIPT}</script></body></html>\n')


def write_report(out_dir: str | Path, path: str | Path | None = None,
                 tz: str | None = None, config: IncidentConfig | None = None) -> Path:
    """Read ``out_dir`` (articles.jsonl, stories.jsonl, incidents.jsonl) and write the page to
    ``path`` (default ``out_dir``/report.html) atomically; return its path. ``tz`` and
    ``config`` as in ``render_report``."""
    out_dir = Path(out_dir)
    target = Path(path) if path else out_dir / REPORT_FILE
    page = render_report(read_output(out_dir), source=str(out_dir), tz=tz, config=config)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target
