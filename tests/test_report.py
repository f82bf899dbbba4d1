"""report.html: self-contained, ordered, escaped — and, in headless Chromium, it renders, the
search box filters and no script from the data runs."""
from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_incidents import load, singleton_stories

from newsdedup.output import OutputSet, write_outputs
from newsdedup.report import REPORT_FILE, render_report, script_hash, write_report
from pipelines.incidents import assign_incidents, load_lexicon
from pipelines.records import Article, Story

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")
# Scraped text that would run if it reached the page unescaped; each sets window.__pwned.
HOSTILE_TITLES = ('<script>window.__pwned=1;document.title="PWNED"</script>',
                  '<img src=x onerror="window.__pwned=2">',
                  '"><svg onload=window.__pwned=3>',
                  '</script><script>window.__pwned=4</script>')


def chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


needs_chromium = pytest.mark.skipif(
    chromium() is None, reason="headless Chromium not installed (Debian package `chromium`; "
                               "the Makefile/CI install it)")


def hostile_articles() -> list[Article]:
    """A story of two pages whose scraped fields try to inject markup and a javascript: link."""
    base = dict(lang="en", script=None, published="2023-06-24", story_id="sx-hostile-1")
    return [
        Article(id="x-hostile-1", url="javascript:window.__pwned=5", title=HOSTILE_TITLES[0],
                text=HOSTILE_TITLES[1] + " " + HOSTILE_TITLES[3], site="<b>Evil Outlet</b>",
                **base),
        Article(id="x-hostile-2", url="https://evil.example/a?x=\"><script>",
                title=HOSTILE_TITLES[2],
                text="A copy.", site="evil.example", **{**base, "published": "2023-06-25"}),
    ]


@pytest.fixture(scope="module")
def output() -> OutputSet:
    articles = load("dev")[0] + hostile_articles()
    stories = [s for s in singleton_stories(articles) if not s.story_id.startswith("sx-")]
    stories.append(Story(story_id="sx-hostile-1", article_ids=["x-hostile-1", "x-hostile-2"],
                         representative_id="x-hostile-1", languages=["en"],
                         first_published="2023-06-24"))
    for story in stories:
        for article in articles:
            if article.id in story.article_ids:
                article.story_id = story.story_id
    incidents = assign_incidents(articles, stories, load_lexicon())
    return OutputSet(articles, stories, [i.as_output() for i in incidents])


@pytest.fixture(scope="module")
def page(output, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / REPORT_FILE
    path.write_text(render_report(output, source="test"), encoding="utf-8")
    return path


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text outside <script>/<style>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(html_text: str) -> Tags:
    parser = Tags()
    parser.feed(html_text)
    return parser


# ---------------------------------------------------------------- static checks

def test_page_is_self_contained_and_escapes_scraped_text(page):
    html_text = page.read_text(encoding="utf-8")
    parsed = parse(html_text)
    names = [tag for tag, _ in parsed.tags]
    assert names.count("script") == 1 and names.count("style") == 1
    assert not {"img", "svg", "link", "iframe", "object", "embed"} & set(names)
    attributes = [(name, value) for _, attrs in parsed.tags for name, value in attrs.items()]
    assert not [n for n, _ in attributes if n == "src" or n.startswith("on")]
    hrefs = [v for n, v in attributes if n == "href"]
    assert hrefs and all(v.startswith(("http://", "https://")) for v in hrefs)
    assert "javascript:" not in " ".join(hrefs)
    text = "".join(parsed.text)
    for shown in (HOSTILE_TITLES[0], HOSTILE_TITLES[2], "<b>Evil Outlet</b>"):
        assert shown in text  # shown as text, character for character
    csp = next(a["content"] for t, a in parsed.tags if t == "meta"
               and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and f"script-src {script_hash()}" in csp


def test_incidents_biggest_then_latest_with_first_publisher(page):
    parsed = parse(page.read_text(encoding="utf-8"))
    order = [a["id"] for t, a in parsed.tags if t == "tbody" and a.get("class") == "incident"]
    # 5 write-ups; then the three-story incidents, latest first; then the pairs, latest first.
    assert order == ["ie1-court", "ie5-en", "ie3-en", "ix-hostile-1", "ie2-court", "ie4-en",
                     "ie6-en", "is3-zh-fraud-warning", "is1-weather", "is2-sports"]
    html_text = page.read_text(encoding="utf-8")
    section = html_text.split('id="ie1-court"')[1].split("</tbody></table></td></tr></tbody>")[0]
    first_row = re.search(r'<tr class="first">(.*?)</tr>', section).group(1)
    assert "上城法院" in first_row and "★ first" in first_row and "2023-06-20" in first_row


def test_write_report_reads_an_output_folder(output, tmp_path):
    stories = output.stories
    write_outputs(tmp_path, output.articles, stories, [])  # no incidents.jsonl: computed
    target = write_report(tmp_path)
    assert target == tmp_path / REPORT_FILE
    order = [a["id"] for t, a in parse(target.read_text(encoding="utf-8")).tags
             if t == "tbody" and a.get("class") == "incident"]
    assert order[0] == "ie1-court" and len(order) == 10


# ---------------------------------------------------------------- headless Chromium

class DevTools:
    """Chrome DevTools Protocol over --remote-debugging-pipe: Chromium reads NUL-separated JSON
    commands on fd 3 and writes replies on fd 4. Pure standard library, no network port."""

    def __init__(self, binary: str, profile: Path) -> None:
        cmd_read, self._cmd_write = os.pipe()
        self._reply_read, reply_write = os.pipe()

        def wire_pipes() -> None:  # runs in the child before exec
            # Copy first: a pipe end may itself be fd 3 or 4, and dup2 onto the same number
            # would leave it close-on-exec.
            commands, replies = os.dup(cmd_read), os.dup(reply_write)
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
             "about:blank"], preexec_fn=wire_pipes, close_fds=False,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_read)
        os.close(reply_write)
        self._buffer = b""
        self._id = 0

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._cmd_write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(method)
            if select.select([self._reply_read], [], [], remaining)[0]:
                chunk = os.read(self._reply_read, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk

    def open(self, url: str, width: int | None = None, timezone: str | None = None) -> str:
        """A new tab showing ``url``; ``width`` emulates a screen that wide (a phone below 640
        px), ``timezone`` the viewer's zone; both are set before the page's script runs."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"]
        if width:
            self.send("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": 844 if width < 640 else 900,
                       "deviceScaleFactor": 1, "mobile": width < 640}, session)
        if timezone:
            self.send("Emulation.setTimezoneOverride", {"timezoneId": timezone}, session)
        self.send("Page.navigate", {"url": url}, session)
        # Bounded wait until *this* page has loaded (the target starts on about:blank, which is
        # "complete" at once).
        ready = f"location.href === {json.dumps(url)} && document.readyState === 'complete'"
        for _ in range(400):
            if self.evaluate(session, ready) is True:
                return session
            time.sleep(0.05)
        raise TimeoutError(f"{url} did not load")

    def evaluate(self, session: str, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                           session)
        return result["result"].get("value")

    def type_into_search(self, session: str, text: str) -> None:
        """Select the search box's content and type over it, as a person would."""
        self.evaluate(session, "document.getElementById('q').focus(); "
                               "document.getElementById('q').select()")
        if text:
            self.send("Input.insertText", {"text": text}, session)
        else:
            for kind in ("keyDown", "keyUp"):
                self.send("Input.dispatchKeyEvent", {"type": kind, "key": "Backspace",
                                                     "code": "Backspace",
                                                     "windowsVirtualKeyCode": 8}, session)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._cmd_write)
        os.close(self._reply_read)


VISIBLE = ("JSON.stringify(Array.from(document.querySelectorAll('tbody.incident'))"
           ".filter(function (s) { return !s.hidden && s.offsetHeight > 0; })"
           ".map(function (s) { return s.id; }))")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary = chromium()
    if binary is None:
        pytest.skip("headless Chromium not installed")
    tools = DevTools(binary, tmp_path_factory.mktemp("chromium-profile"))
    yield tools
    tools.close()


@needs_chromium
def test_page_renders_and_no_script_from_the_data_runs(browser, page, output):
    session = browser.open(page.as_uri())
    assert browser.evaluate(session, "typeof window.__pwned") == "undefined"
    assert browser.evaluate(session, "document.title") == "newsdedup report"
    assert browser.evaluate(session, "document.scripts.length") == 1
    assert browser.evaluate(session, "document.querySelectorAll('img, svg, iframe').length") == 0
    incidents = len(output.incidents)
    assert len(json.loads(browser.evaluate(session, VISIBLE))) == incidents
    assert browser.evaluate(session, "document.getElementById('count').textContent") == (
        f"{incidents} of {incidents} incidents")
    heading = browser.evaluate(session, "document.querySelector('#ix-hostile-1 h2').textContent")
    assert HOSTILE_TITLES[0] in heading
    # The first publisher's row is marked and laid out (the page really rendered).
    assert browser.evaluate(
        session, "document.querySelector('#ie1-court tr.first').offsetHeight > 0") is True


@needs_chromium
def test_search_box_filters_incidents(browser, page):
    session = browser.open(page.as_uri())
    browser.type_into_search(session, "deepfake")
    assert json.loads(browser.evaluate(session, VISIBLE)) == ["ie1-court"]
    browser.type_into_search(session, "換臉")  # Traditional query, Simplified titles too
    assert json.loads(browser.evaluate(session, VISIBLE)) == ["ie1-court", "ie2-court"]
    browser.type_into_search(session, "guangzhou 41")
    assert json.loads(browser.evaluate(session, VISIBLE)) == ["ie4-en"]
    browser.type_into_search(session, "no such thing anywhere")
    assert json.loads(browser.evaluate(session, VISIBLE)) == []
    assert browser.evaluate(session, "document.getElementById('count').textContent").startswith(
        "0 of ")
    browser.type_into_search(session, "")
    assert len(json.loads(browser.evaluate(session, VISIBLE))) == 10
    assert browser.evaluate(session, "typeof window.__pwned") == "undefined"


@needs_chromium
def test_dump_dom_with_query_in_the_address(page, tmp_path):
    """The plain --dump-dom route: the page takes its query from #q= and filters on load."""
    result = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path}", "--dump-dom",
         page.as_uri() + "#q=" + "上城"], capture_output=True, text=True, timeout=120)
    sections = re.findall(r'<tbody class="incident" id="([^"]+)"[^>]*?( hidden="")?>',
                          result.stdout)
    assert sections and [s for s, hidden in sections if not hidden] == ["ie1-court"]
    assert "1 of 10 incidents" in result.stdout
    assert result.stdout.count("<script") == 1


# ---------------------------------------------------------------- what an analyst works with

def timed_output() -> OutputSet:
    """One story of a full Chinese report (dated to the minute, its 来源 stated) and an
    aggregator's excerpt of it whose date came from its URL, plus an English singleton."""
    full, _ = load("dev")
    court = next(a for a in full if a.id == "e1-court")
    text = court.text + "\n来源：上城法院"
    excerpt = court.text[: len(court.text) * 3 // 10]
    articles = [
        Article(id="t-full", url="https://court.example.cn/a/1", title="上城法院宣判AI换脸案",
                text=text, lang="zh", script="Hans", published="2026-03-09T23:45:00Z",
                site="上城法院", story_id="st-full"),
        Article(id="t-excerpt", url="https://agg.example.com/2026/03/10/x", title="AI换脸案宣判",
                text=excerpt, lang="zh", script="Hans", published="2026-03-10",
                site="聚合网", story_id="st-full"),
        Article(id="t-en", url="https://en.example.com/b", title="Weather warning",
                text="Heavy rain is expected across the south this weekend, forecasters said.",
                lang="en", script=None, published="2026-03-12T08:00:00Z", site="Example News",
                story_id="st-en"),
    ]
    articles[1].published_source = "url"  # the incidents helper's field; absent on the others
    stories = [Story(story_id="st-full", article_ids=["t-excerpt", "t-full"],
                     representative_id="t-full", languages=["zh"],
                     first_published="2026-03-09T23:45:00Z"),
               Story(story_id="st-en", article_ids=["t-en"], representative_id="t-en",
                     languages=["en"], first_published="2026-03-12T08:00:00Z")]
    incidents = assign_incidents(articles, stories, load_lexicon())
    return OutputSet(articles, stories, [i.as_output() for i in incidents])


def cells(html_text: str, incident: str) -> str:
    return html_text.split(f'id="{incident}"')[1].split('<tbody class="incident"')[0]


def test_local_time_beside_utc_with_a_zone():
    page = render_report(timed_output(), tz="Asia/Shanghai")
    row = cells(page, "it-excerpt")
    assert "2026-03-09T23:45:00Z" in row and "2026-03-10 07:45 +08:00" in row
    assert "UTC / Asia/Shanghai" in page
    with pytest.raises(ValueError, match="time zone"):
        render_report(timed_output(), tz="Mars/Olympus")


def test_lead_truncated_copy_attribution_and_date_source():
    page = render_report(timed_output())
    row = cells(page, "it-excerpt")
    court = next(a for a in load("dev")[0] if a.id == "e1-court")
    lead = re.search(r'<p class="lead">(.*?)</p>', row).group(1)
    assert lead == court.text.split("\n")[0]  # the court's first paragraph
    pubs = {m.group(1): m.group(0) for m in re.finditer(
        r'<tr class="[^"]*">.*?href="([^"]+)".*?</tr>', row)}
    excerpt, full = pubs["https://agg.example.com/2026/03/10/x"], pubs["https://court.example.cn/a/1"]
    assert "truncated ·" in excerpt and "truncated" not in full
    assert "(url?)" in excerpt and "?)" not in full  # a date from the URL is marked unsure
    assert '来源 source">上城法院</td>' in full


def test_one_incident_is_singular():
    output = timed_output()
    one = OutputSet([output.articles[2]], [output.stories[1]], [])
    text = "".join(parse(render_report(one)).text)
    assert "1 incident (" in text and "1 story ·" in text and "1 article ·" in text
    assert "1 incidents" not in text and "1 stories" not in text


def test_evidence_that_joined_the_stories_comes_from_explain(page):
    html_text = page.read_text(encoding="utf-8")
    row = cells(html_text, "ie1-court")
    summary = re.search(r'<details class="why"><summary>(.*?)</summary>', row).group(1)
    assert summary.startswith("Why these 5 stories are one incident")
    blocks = re.findall(r'<pre class="evidence">(.*?)</pre>', row, re.S)
    assert len(blocks) >= 4  # every story but the first links to an earlier one
    assert all("INCIDENT" in b and "LINKED" in b and "shared evidence" in b for b in blocks)
    # a single-story incident has nothing to explain
    assert '<details class="why">' not in cells(html_text, "is1-weather")


def test_table_has_headers_and_cjk_font_stack(page):
    html_text = page.read_text(encoding="utf-8")
    heads = re.findall(r'<th data-key="(\w+)"', html_text)
    assert heads == ["first", "size", "stories", "langs", "outlets", "title"]
    assert '"Noto Sans CJK SC"' in html_text and '"Microsoft YaHei"' in html_text


def _set(browser, session, element: str, value: str) -> None:
    browser.evaluate(session, f"var e = document.getElementById({json.dumps(element)}); "
                              f"e.value = {json.dumps(value)}; "
                              "e.dispatchEvent(new Event('change'))")


def _incidents_where(output, keep) -> set[str]:
    dates = {a.id: a.published[:10] for a in output.articles if a.published}
    return {i["incident_id"] for i in output.incidents
            if keep(i, sorted(dates[x] for x in i["article_ids"] if x in dates))}


@needs_chromium
def test_filters_by_date_language_and_outlet(browser, page, output):
    session = browser.open(page.as_uri())
    _set(browser, session, "from", "2023-06-24")
    _set(browser, session, "to", "2023-06-30")
    assert set(json.loads(browser.evaluate(session, VISIBLE))) == _incidents_where(
        output, lambda i, d: d and d[-1] >= "2023-06-24" and d[0] <= "2023-06-30")
    _set(browser, session, "from", "")
    _set(browser, session, "to", "")
    _set(browser, session, "lang", "zh")
    assert set(json.loads(browser.evaluate(session, VISIBLE))) == _incidents_where(
        output, lambda i, d: "zh" in i["languages"])
    _set(browser, session, "lang", "")
    _set(browser, session, "outlet", "Reuters")
    assert set(json.loads(browser.evaluate(session, VISIBLE))) == _incidents_where(
        output, lambda i, d: "Reuters" in i["outlets"])
    _set(browser, session, "outlet", "")
    assert len(json.loads(browser.evaluate(session, VISIBLE))) == len(output.incidents)


@needs_chromium
def test_column_headers_sort_and_csv_has_the_rows_shown(browser, page, output):
    session = browser.open(page.as_uri())
    sizes = ("JSON.stringify(Array.from(document.querySelectorAll('tbody.incident'))"
             ".map(function (t) { return Number(t.getAttribute('data-k-size')); }))")
    click = "document.querySelector('th[data-key=size] button').click()"
    browser.evaluate(session, click)
    ascending = json.loads(browser.evaluate(session, sizes))
    assert ascending == sorted(ascending) and ascending[0] < ascending[-1]
    browser.evaluate(session, click)
    assert json.loads(browser.evaluate(session, sizes)) == sorted(ascending, reverse=True)
    browser.evaluate(session, "document.querySelector('th[data-key=first] button').click()")
    firsts = json.loads(browser.evaluate(session, (
        "JSON.stringify(Array.from(document.querySelectorAll('tbody.incident'))"
        ".map(function (t) { return t.getAttribute('data-k-first'); }))")))
    assert firsts == sorted(firsts)
    _set(browser, session, "lang", "en")
    shown = json.loads(browser.evaluate(session, VISIBLE))
    browser.evaluate(session, "document.getElementById('csv').click()")
    href = browser.evaluate(session, "document.getElementById('csv-link').href")
    assert href.startswith("data:text/csv;charset=utf-8,")
    import csv as csv_module
    import io
    from urllib.parse import unquote
    rows = list(csv_module.reader(io.StringIO(unquote(href.split(",", 1)[1]).lstrip("\ufeff"))))
    assert rows[0][:4] == ["incident_id", "first_published", "first_published_local", "articles"]
    assert [r[0] for r in rows[1:]] == shown and shown
    by_id = {i["incident_id"]: i for i in output.incidents}
    assert all(r[5].split() == by_id[r[0]]["languages"] and int(r[3]) == by_id[r[0]]["size"]
               for r in rows[1:])


@needs_chromium
def test_local_time_is_the_viewers_without_a_zone(browser, tmp_path):
    path = tmp_path / REPORT_FILE
    path.write_text(render_report(timed_output()), encoding="utf-8")
    session = browser.open(path.as_uri(), timezone="Asia/Shanghai")
    local = browser.evaluate(session, "document.querySelector('#it-excerpt time.local')"
                                      ".textContent")
    assert local == "2026-03-10 07:45 +08:00"


@needs_chromium
@pytest.mark.parametrize("width", [1280, 390])
def test_layout_fits_desktop_and_phone(browser, page, tmp_path, width):
    session = browser.open(page.as_uri(), width=width)
    # everything opened: the filters, every evidence and story list
    browser.evaluate(session, "document.querySelectorAll('details').forEach("
                              "function (d) { d.open = true; })")
    assert browser.evaluate(session, "window.innerWidth") == width
    room = browser.evaluate(session, "document.documentElement.clientWidth")  # less a scrollbar
    assert browser.evaluate(session, "document.documentElement.scrollWidth") <= room
    browser.evaluate(session, "document.querySelector('.filters').open = false")
    bar = browser.evaluate(session, "document.querySelector('.bar').offsetHeight")
    assert 20 < bar <= (90 if width < 640 else 60)  # the sticky bar stays small
    widest = browser.evaluate(session, (
        "Math.max.apply(null, Array.from(document.querySelectorAll('body *'))"
        ".map(function (e) { return e.getBoundingClientRect().right; }))"))
    assert widest <= room + 0.5
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session)["data"]
    png = __import__("base64").b64decode(shot)
    (tmp_path / f"report-{width}.png").write_bytes(png)
    assert int.from_bytes(png[16:20], "big") == width  # PNG IHDR width: the page as shown


def publications(page: str, incident: str) -> list[str]:
    table = re.search(r'<table class="pubs">.*?</table>', cells(page, incident)).group(0)
    return re.findall(r'<tr class="[^"]*"><td class="when".*?</tr>', table)


def test_two_copies_dated_the_same_day_are_both_first_not_one_by_chance():
    """Two outlets dated 2026-03-10, no time: which one published first is not known. The report
    starred the one that sorts first by length and id as the first publisher."""
    output = timed_output()
    late = [a for a in output.articles if a.id == "t-excerpt"]
    early = Article(id="t-same-day", url="https://hk.example.com/a/1", title="上城法院宣判AI換臉案",
                    text=output.articles[0].text, lang="zh", script="Hant",
                    published="2026-03-10", site="港聞", story_id="st-day")
    stories = [Story(story_id="st-full", article_ids=["t-excerpt"], representative_id="t-excerpt",
                     languages=["zh"], first_published="2026-03-10"),
               Story(story_id="st-day", article_ids=["t-same-day"],
                     representative_id="t-same-day", languages=["zh"],
                     first_published="2026-03-10")]
    articles = [*late, early]
    incidents = assign_incidents(articles, stories, load_lexicon())
    page = render_report(OutputSet(articles, stories, [i.as_output() for i in incidents]))
    [incident] = incidents
    rows = publications(page, incident.incident_id)
    assert len(rows) == 2 and all("★ first (tied)" in row for row in rows), rows
    # a copy a day earlier is the first alone
    early.published = "2026-03-09"
    page = render_report(OutputSet(articles, stories, [i.as_output() for i in incidents]))
    rows = publications(page, incident.incident_id)
    assert ["★ first" in row for row in rows] == [True, False] and "tied" not in rows[0]
