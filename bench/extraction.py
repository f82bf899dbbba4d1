"""Extraction benchmark: ours (decode_html + extract_article) vs plain trafilatura, same pages, same run.

Text sets are scored the Scrapinghub way: token 4-gram shingles, per-document TP/FP/FN normalised
to sum 1, mean precision over documents with output, mean recall over documents with gold text,
F1 from the two means. Tokens: one per CJK character, else ``\\w+`` (the upstream ``\\w+`` alone
would lump a Chinese clause into one token). trafilatura-evaldata is scored as upstream: each
"with" segment found is a TP else FN, each "without" segment found is an FP, summed over pages.

Plain trafilatura gets what a naive user would give it: the raw bytes, ``trafilatura.extract``
with defaults (it decodes them itself). Dates: same calendar day as the gold date; plain is
``trafilatura.extract_metadata``. Pages are the same for both: chinese-wce-69's dataset
wrapper line (``<text id="URL" ... encoding="gb2312">``) is stripped and its URL used; the
shared README's baseline (F1 0.748) kept that line in the bytes (0.735 without it).
gne-zh-news-pages is scored against GNE's own output (silver), the 20 pages that have it.

    python -m bench.extraction [--workers 2] [--shared ../shared] [--sets chinese-wce-69 ...] [--per-page]
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from statistics import mean

import trafilatura

from pipelines.decode import decode_html
from pipelines.extract import extract_article
from pipelines.records import RejectError

NGRAM = 4
SETS = ("scrapinghub-aeb", "naeb-subset", "fundus-en", "fundus-cjk", "chinese-wce-69",
        "gne-zh-news-pages", "gne-modern", "trafilatura-evaldata-en-zh")
# The modern portals of gne-zh-news-pages (issue 14). Reference: GNE's upstream silver where it
# exists, else GNE 0.4.3 run here on the page (the same tool; `pip install gne`, bench only) —
# upstream has no silver for wechat/people/xinhuanet/huanqiu/thepaper/baijiahao.
MODERN_SITES = ("163", "sina", "qq", "ifeng", "people", "xinhuanet", "huanqiu", "guancha",
                "thepaper", "toutiao", "baijiahao", "wechat")
MIN_REFERENCE_CHARS = 300
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{CJK}]|[^\W{CJK}]+")
_DATE = re.compile(r"(\d{4})\D(\d{1,2})\D(\d{1,2})")
# chinese-wce-69 prefixes each page with a dataset wrapper line that is not part of the page.
_WCE_WRAPPER = re.compile(rb'^<text id="([^"]*)"[^\n]*\n')


@dataclass(frozen=True)
class Page:
    set: str
    key: str
    body: bytes
    url: str | None = None
    gold: str | None = None  # full main text
    with_: tuple[str, ...] = ()  # segments that must appear (evaldata)
    without: tuple[str, ...] = ()  # segments that must not appear
    date: str | None = None  # gold "YYYY-MM-DD"


@dataclass
class Output:
    text: str
    date: str | None = None
    error: str | None = None


# ---------------------------------------------------------------- loading

def data_dir(shared_dir: Path) -> Path:
    """Accept /work/shared or /work/shared/data/extraction."""
    nested = shared_dir / "data" / "extraction"
    return nested if nested.is_dir() else shared_dir


def iso_day(value: str | None) -> str | None:
    match = _DATE.search(value or "")
    if not match:
        return None
    y, m, d = (int(g) for g in match.groups())
    return f"{y:04d}-{m:02d}-{d:02d}"


def _gunzip(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def load_scrapinghub(root: Path) -> list[Page]:
    base = root / "scrapinghub-aeb"
    gold = json.loads((base / "ground-truth.json").read_text("utf-8"))
    return [Page("scrapinghub-aeb", k, _gunzip(base / "html" / f"{k}.html.gz"), v.get("url"),
                 v["articleBody"]) for k, v in sorted(gold.items())]


def load_naeb(root: Path) -> list[Page]:
    base = root / "naeb-subset"
    gold = json.loads((base / "ground-truth.json").read_text("utf-8"))
    return [Page("naeb-subset", k, _gunzip(base / "html" / f"{k}.html.gz"), v.get("url"),
                 v["articleBody"], date=iso_day(v.get("date"))) for k, v in sorted(gold.items())]


def load_fundus(root: Path) -> list[Page]:
    base = root / "fundus-testdata"
    pages = []
    for line in (base / "ground-truth.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        name = "fundus-en" if row["lang_detected"] == "en" else "fundus-cjk"
        pages.append(Page(name, row["html"], _gunzip(base / row["html"]), row.get("url"),
                          row["articleBody"], date=iso_day(row.get("publishing_date"))))
    return sorted(pages, key=lambda p: p.key)


def load_wce(root: Path) -> list[Page]:
    base = root / "chinese-wce-69"
    pages = []
    for path in sorted((base / "original").glob("*.html")):
        body, url = path.read_bytes(), None
        wrapper = _WCE_WRAPPER.match(body)
        if wrapper:
            body, url = body[wrapper.end():], wrapper.group(1).decode("utf-8", "replace")
        gold = (base / "cleaned" / f"{path.stem}.txt").read_text("utf-8")
        date = (base / "date" / f"{path.stem}.txt").read_text("utf-8")
        pages.append(Page("chinese-wce-69", path.stem, body, url, gold, date=iso_day(date)))
    return pages


def load_gne(root: Path) -> list[Page]:
    """Only the 20 pages with GNE's (silver) output."""
    base = root / "gne-zh-news-pages"
    silver = json.loads((base / "gne-silver-output.json").read_text("utf-8"))
    return [Page("gne-zh-news-pages", k, _gunzip(base / "html" / k), None, v["content"],
                 date=iso_day(v.get("publish_time"))) for k, v in sorted(silver.items())]


def load_evaldata(root: Path) -> list[Page]:
    base = root / "trafilatura-evaldata-en-zh"
    gold = json.loads((base / "evaldata-en-zh.json").read_text("utf-8"))
    return [Page("trafilatura-evaldata-en-zh", v["file"], _gunzip(base / "html" / f"{v['file']}.gz"),
                 url, with_=tuple(v["with"]), without=tuple(v["without"]), date=iso_day(v.get("date")))
            for url, v in sorted(gold.items())]


def load_gne_modern(root: Path) -> list[Page]:
    """Every page of MODERN_SITES; key suffix "*" marks a reference made by GNE here."""
    base = root / "gne-zh-news-pages"
    silver = json.loads((base / "gne-silver-output.json").read_text("utf-8"))
    pages = []
    for path in sorted((base / "html").glob("*.html.gz")):
        if path.name.split("_")[0] not in MODERN_SITES:
            continue
        body = _gunzip(path)
        if path.name in silver:
            ref = silver[path.name]
            pages.append(Page("gne-modern", path.name, body, None, ref["content"],
                              date=iso_day(ref.get("publish_time"))))
            continue
        live = gne_reference(body)
        # Below MIN_REFERENCE_CHARS GNE itself failed (it returned a platform notice, a
        # dateline or a video blurb: 163_9, ifeng_3, people_1, sina_4), so the page is unscored.
        if live is not None and len(live) >= MIN_REFERENCE_CHARS:
            pages.append(Page("gne-modern", path.name + "*", body, None, live))
    return pages


def gne_reference(body: bytes) -> str | None:
    """GNE 0.4.3's content for a page (decoded UTF-8 else GB18030), None without gne."""
    try:
        from gne import GeneralNewsExtractor
    except ImportError:
        return None
    try:
        html = body.decode("utf-8")
    except UnicodeDecodeError:
        html = body.decode("gb18030", "replace")
    return GeneralNewsExtractor().extract(html).get("content") or None


LOADERS = (load_scrapinghub, load_naeb, load_fundus, load_wce, load_gne, load_gne_modern, load_evaldata)


def load_pages(shared_dir: Path, sets: tuple[str, ...] = SETS) -> list[Page]:
    root = data_dir(shared_dir)
    return [p for loader in LOADERS for p in loader(root) if p.set in sets]


# ---------------------------------------------------------------- extracting

def run_ours(page: Page) -> Output:
    try:
        article = extract_article(decode_html(page.body).html, page.url)
    except RejectError as err:
        return Output("", None, err.reason)
    return Output(article.text, iso_day(article.published))


def run_plain(page: Page) -> Output:
    """trafilatura as a naive user calls it: raw bytes, default options. The URL is given to
    extract_metadata, as ours gets it, so the date comparison is about the extraction."""
    text = trafilatura.extract(page.body) or ""
    date = None
    if page.date:
        meta = trafilatura.extract_metadata(page.body, default_url=page.url)
        date = iso_day(meta.date) if meta is not None else None
    return Output(text, date)


def run_both(page: Page) -> tuple[Output, Output]:
    return run_ours(page), run_plain(page)


# ---------------------------------------------------------------- scoring

def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingle_counts(gold: str, pred: str, n: int = NGRAM) -> tuple[float, float, float]:
    """Per-document TP/FP/FN over token n-gram shingles, normalised to sum 1 (upstream rule)."""
    def shingles(text: str) -> Counter:
        toks = tokens(text)
        return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])
    g, p = shingles(gold), shingles(pred)
    tp = sum((g & p).values())
    fp, fn = sum((p - g).values()), sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def text_scores(golds: list[str], preds: list[str]) -> dict[str, float]:
    """Mean P over documents with output, mean R over documents with gold, F1 of the means."""
    counts = [shingle_counts(g, p) for g, p in zip(golds, preds)]
    precisions = [1.0 if fp == fn == 0 else tp / (tp + fp) for tp, fp, fn in counts if tp + fp > 0]
    recalls = [1.0 if fp == fn == 0 else tp / (tp + fn) for tp, fp, fn in counts if tp + fn > 0]
    p = mean(precisions) if precisions else 0.0
    r = mean(recalls) if recalls else 0.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0,
            "empty": sum(1 for x in preds if not x.strip())}


def segment_scores(pages: list[Page], preds: list[str]) -> dict[str, float]:
    """trafilatura's own evaluation: segments present / absent, counts summed over pages."""
    tp = fn = fp = 0
    for page, pred in zip(pages, preds):
        if not pred:
            fn += len(page.with_)
            continue
        tp += sum(seg in pred for seg in page.with_)
        fn += sum(seg not in pred for seg in page.with_)
        fp += sum(seg in pred for seg in page.without)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0,
            "empty": sum(1 for x in preds if not x.strip())}


def score(pages: list[Page], outputs: list[Output]) -> dict[str, float]:
    preds = [o.text for o in outputs]
    if pages and pages[0].gold is None:
        result = segment_scores(pages, preds)
    else:
        result = text_scores([p.gold or "" for p in pages], preds)
    dated = [(p.date, o.date) for p, o in zip(pages, outputs) if p.date]
    result["dates"] = len(dated)
    result["date_ok"] = sum(gold == got for gold, got in dated)
    return result


# ---------------------------------------------------------------- running

def run(shared_dir: Path, workers: int = 1, sets: tuple[str, ...] = SETS,
        per_page: bool = False) -> dict[str, dict]:
    """Extract every page both ways and score each set.

    Returns ``{set: {"n": pages, "ours": scores, "plain": scores}}`` in ``SETS`` order, scores
    being ``{"P", "R", "F1", "empty", "dates", "date_ok"}`` (dates: pages with a gold date,
    date_ok: same calendar day). With ``per_page``, each set also has ``"pages"``:
    ``[(key, ours F1, plain F1, ours reject reason or None)]``."""
    pages = load_pages(shared_dir, sets)
    if workers > 1:
        with Pool(workers) as pool:
            outputs = pool.map(run_both, pages, chunksize=4)
    else:
        outputs = [run_both(p) for p in pages]
    results: dict[str, dict] = {}
    for name in sets:
        idx = [i for i, p in enumerate(pages) if p.set == name]
        if not idx:
            continue
        subset = [pages[i] for i in idx]
        results[name] = {"n": len(idx),
                         "ours": score(subset, [outputs[i][0] for i in idx]),
                         "plain": score(subset, [outputs[i][1] for i in idx])}
        if per_page:
            results[name]["pages"] = [
                (pages[i].key, score([pages[i]], [outputs[i][0]])["F1"],
                 score([pages[i]], [outputs[i][1]])["F1"], outputs[i][0].error) for i in idx]
    return results


def to_markdown(results: dict[str, dict]) -> str:
    head = ("| set | n | ours P | ours R | ours F1 | plain P | plain R | plain F1 | ΔF1 "
            "| empty ours/plain | date ours | date plain |")
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for name, res in results.items():
        o, p = res["ours"], res["plain"]
        dates = (f"{o['date_ok']}/{o['dates']}", f"{p['date_ok']}/{p['dates']}") if o["dates"] else ("–", "–")
        lines.append(
            f"| {name} | {res['n']} | {o['P']:.3f} | {o['R']:.3f} | {o['F1']:.3f} "
            f"| {p['P']:.3f} | {p['R']:.3f} | {p['F1']:.3f} | {o['F1'] - p['F1']:+.3f} "
            f"| {o['empty']}/{p['empty']} | {dates[0]} | {dates[1]} |")
    for name, res in results.items():
        if "pages" in res:
            lines += ["", f"{name} per page (ours F1 / plain F1):", ""]
            lines += [f"- {key}: {o:.3f} / {p:.3f}" + (f" [{err}]" if err else "")
                      for key, o, p, err in res["pages"]]
    lines.append("")
    lines.append("trafilatura-evaldata-en-zh: segment P/R/F over all pages (upstream scoring); "
                 "other sets: 4-gram shingle P/R/F1, mean over documents.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=SETS)
    parser.add_argument("--per-page", action="store_true", help="also list each page's F1")
    args = parser.parse_args()
    print(to_markdown(run(args.shared, args.workers, tuple(args.sets), args.per_page)))


if __name__ == "__main__":
    main()
