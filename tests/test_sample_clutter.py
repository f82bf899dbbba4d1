"""The bundled sample (samples/dump) carries other stories' teasers, reader comments and share
bars on every page; none of them may reach an extracted article. The markers come from the
sample's own generator (samples/outlets.py: sidebars, comments, share bars), not from outputs."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipelines.decode import decode_html
from pipelines.extract import extract_article

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SHARE_WORDS = ("分享到", "分享：", "复制链接", "複製連結", "QQ空间")


def rendered_pages():
    sys.path.insert(0, str(SAMPLES))
    try:
        import build_samples
        from corpus import load_stories
        from outlets import build_page  # noqa: F401  (the generator whose sidebars we read)
        return build_samples.render_all(load_stories())
    finally:
        sys.path.remove(str(SAMPLES))


PAGES = rendered_pages()


def test_rendered_pages_are_the_bundled_dump() -> None:
    names = {p.name for p in (SAMPLES / "dump").iterdir() if ".html" in p.name}
    assert {r.filename for r in PAGES} == names and len(names) == 37


@pytest.mark.parametrize("rendered", PAGES, ids=lambda r: r.filename)
def test_no_teaser_comment_or_share_text_in_the_article(rendered) -> None:
    page = rendered.page
    text = extract_article(decode_html(rendered.body, rendered.content_type).html, page.copy.url).text
    own = {page.headline}
    teasers = {link.headline for links in (page.latest, page.hot, page.related) for link in links} - own
    leaked = [t for t in teasers if t and t in text]
    leaked += [link.lead for links in (page.latest, page.hot, page.related) for link in links
               if link.lead and link.lead in text and link.headline not in own]
    leaked += [comment for _, _, comment, _ in page.comments if comment in text]
    leaked += [word for word in SHARE_WORDS if word in text]
    assert leaked == []
