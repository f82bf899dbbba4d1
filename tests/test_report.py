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
    order = [a["id"] for t, a in parsed.tags if t == "section"]
    # 5 write-ups; then the three-story incidents, latest first; then the pairs, latest first.
    assert order == ["ie1-court", "ie5-en", "ie3-en", "ix-hostile-1", "ie2-court", "ie4-en",
                     "ie6-en", "is3-zh-fraud-warning", "is1-weather", "is2-sports"]
    html_text = page.read_text(encoding="utf-8")
    section = html_text.split('id="ie1-court"')[1].split("</section>")[0]
    first_row = re.search(r'<tr class="first">(.*?)</tr>', section).group(1)
    assert "上城法院" in first_row and "★ first" in first_row and "2023-06-20" in first_row


def test_write_report_reads_an_output_folder(output, tmp_path):
    stories = output.stories
    write_outputs(tmp_path, output.articles, stories, [])  # no incidents.jsonl: computed
    target = write_report(tmp_path)
    assert target == tmp_path / REPORT_FILE
    order = [a["id"] for t, a in parse(target.read_text(encoding="utf-8")).tags if t == "section"]
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

    def open(self, url: str) -> str:
        target = self.send("Target.createTarget", {"url": url})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"]
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


VISIBLE = ("JSON.stringify(Array.from(document.querySelectorAll('section.incident'))"
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
    sections = re.findall(r'<section class="incident" id="([^"]+)"[^>]*?( hidden="")?>',
                          result.stdout)
    assert sections and [s for s, hidden in sections if not hidden] == ["ie1-court"]
    assert "1 of 10 incidents" in result.stdout
    assert result.stdout.count("<script") == 1
