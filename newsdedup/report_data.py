"""What the report shows beyond the output files' fields: local times, lead paragraphs, which
copies are truncated, the source attribution (来源) a copy states, and why stories are one
incident (``newsdedup.explain``'s own evidence text).

Everything here is computed from the output folder alone, deterministically.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dedupe.incidents.evidence import Evidence
from dedupe.incidents.linking import IncidentConfig, IncidentIndex
from dedupe.stories.pair_evidence import explain as pair_explain
from newsdedup.explain import incident_section
from pipelines.assign import story_doc
from pipelines.incidents import load_lexicon, story_incident_doc
from pipelines.records import Article, Story

# A copy is marked truncated when it is an excerpt of its story's longest copy: at least 80% of
# its shingles are in that copy while it holds at most half of that copy's. On the bundled sample
# (samples/stories/*.toml roles) this marks the 6 aggregator excerpts and none of the other 31
# articles; the nearest full copies hold 0.59-0.65 of the longest (a portal's extra teasers).
TRUNCATED_INSIDE = 0.8
TRUNCATED_HOLDS = 0.5
LEAD_MIN_CHARS = 40  # a shorter first line is a kicker, a byline or navigation, not the lead
LEAD_MAX_CHARS = 400
MAX_EXPLAINED_STORIES = 30  # per incident: evidence for the first 30 stories' links
# Dates whose source says the page itself stated them; any other published_source (a URL's
# date, a date in the text, a capture time) is shown beside the date as less sure.
SURE_DATE_SOURCES = frozenset({"meta", "json-ld", "script", "jsonld", "feed", "sitemap", "input", "record"})

_ATTRIBUTION = (
    re.compile(r"(?:本文|文章|新闻)?(?:来源|來源|稿源)\s*[：:]\s*([^\s，,。；;）)|]{2,24})"),
    re.compile(r"^(\S{2,16}?\d{1,2}月\d{1,2}日(?:电|電|讯|訊))"),  # 新华社北京3月9日电
    re.compile(r"^((?:本报|本報)(?:讯|訊))"),
    re.compile(r"据\s*(\S{2,16}?)\s*(?:报道|報道|消息)"),
    re.compile(r"\bSource\s*:\s*([^\n.;]{2,60})"),
    re.compile(r"^[A-Z][A-Za-z .]{1,30}\((AP|AFP|Reuters|Xinhua|Bloomberg)\)"),
)


def parse_time(published: str | None) -> datetime | None:
    """An ISO 8601 date-time as an aware UTC datetime; None for a date alone or a bad value."""
    if not published or "T" not in published:
        return None
    try:
        found = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found.replace(tzinfo=found.tzinfo or timezone.utc).astimezone(timezone.utc)


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA time zone ``name`` (``Asia/Shanghai``); None for None. ValueError if unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Asia/Shanghai)") \
            from err


def local_time(published: str | None, tz: ZoneInfo | None) -> str | None:
    """``published`` in ``tz`` as ``YYYY-MM-DD HH:MM +HH:MM``; None when there is no zone or no
    time of day (a date alone is the same date everywhere it was printed)."""
    when = parse_time(published)
    if when is None or tz is None:
        return None
    local = when.astimezone(tz)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def lead_paragraph(article: Article) -> str:
    """The first paragraph of the text that is not the title and is at least
    ``LEAD_MIN_CHARS`` long (else the first non-title line), cut at ``LEAD_MAX_CHARS``."""
    title = (article.title or "").strip()
    lines = [line.strip() for line in article.text.split("\n") if line.strip()]
    lines = [line for line in lines if line != title] or lines
    lead = next((line for line in lines if len(line) >= LEAD_MIN_CHARS), lines[0] if lines else "")
    return lead if len(lead) <= LEAD_MAX_CHARS else lead[:LEAD_MAX_CHARS - 1] + "…"


def attribution(article: Article) -> str | None:
    """The source a copy states: ``来源：X``, a wire dateline (``新华社北京3月9日电``),
    ``本报讯``, ``据X报道``, ``Source: X``, ``(Reuters)``; looked for in the first and last
    lines of the text; None when it states none."""
    lines = [line.strip() for line in article.text.split("\n") if line.strip()]
    for pattern in _ATTRIBUTION:
        for line in lines[:3] + lines[-2:]:
            found = pattern.search(line)
            if found:
                return found.group(1).strip()
    return None


def date_note(article: Article) -> str | None:
    """How a date was found, when that makes it less sure (``url``, ``page-text``, ``warc``…);
    None for a date the page stated or when the output has no ``published_source``."""
    source = getattr(article, "published_source", None)
    if not article.published or not source or source in SURE_DATE_SOURCES:
        return None
    return str(source)


def truncated_copies(stories: Sequence[Story], by_id: dict[str, Article]) -> dict[str, float]:
    """Article id → the share of its story's longest copy it holds, for each copy that is an
    excerpt of that copy (see TRUNCATED_INSIDE / TRUNCATED_HOLDS). One comparison per copy."""
    out: dict[str, float] = {}
    for story in stories:
        copies = [by_id[i] for i in story.article_ids if i in by_id]
        if len(copies) < 2:
            continue
        longest = max(copies, key=lambda a: (len(a.text), a.id))
        full = story_doc(longest)
        for copy in copies:
            if copy is longest:
                continue
            ev = pair_explain(story_doc(copy), full)
            if (ev.containment_a_in_b >= TRUNCATED_INSIDE
                    and ev.containment_b_in_a <= TRUNCATED_HOLDS):
                out[copy.id] = ev.containment_b_in_a
    return out


class IncidentEvidence:
    """Why the stories of an incident are one: ``explain``'s incident evidence for each pair of
    stories that linked directly, over one index of every story (rarity as ``cluster`` weighed
    it), so a report of N stories costs one index, not one per pair."""

    def __init__(self, articles: Sequence[Article], stories: Sequence[Story],
                 config: IncidentConfig | None = None) -> None:
        self.articles, self.stories = list(articles), list(stories)
        self.config = config or IncidentConfig()
        self.lexicon = load_lexicon()
        self.by_id = {a.id: a for a in self.articles}
        self.cache: dict[str, Evidence] = {}
        self.index = IncidentIndex(self.config)
        for story in self.stories:
            members = [self.by_id[i] for i in story.article_ids if i in self.by_id]
            self.index.add(story_incident_doc(story, members, self.lexicon, self.cache))

    def links(self, stories: Sequence[Story]) -> list[tuple[Story, Story, str]]:
        """(story, an earlier story it links to directly, explain's text) for the stories of one
        incident in the given order; a story with no direct link to an earlier one is skipped
        (it joined through a later one, whose entry names it)."""
        shown = [s for s in stories if s.story_id in self.index][:MAX_EXPLAINED_STORIES]
        out = []
        for i, story in enumerate(shown):
            for earlier in shown[:i]:
                if self.index.score(earlier.story_id, story.story_id).linked:
                    out.append((story, earlier, self._explain(earlier, story)))
                    break
        return out

    def _explain(self, first: Story, second: Story) -> str:
        a = self.by_id[first.representative_id]
        b = self.by_id[second.representative_id]
        lines = incident_section(a, b, self.articles, self.stories, self.lexicon, self.config,
                                 index=self.index, cache=self.cache)
        return "\n".join(line for line in lines if line).strip("\n")
