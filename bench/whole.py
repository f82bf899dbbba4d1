"""Whole-process benchmark: ``newsdedup cluster`` end to end, as a user runs it, beside by-hand
anchors measured in the same run.

(a) pre-extracted text (JSONL with ``text``): the labelled scaled stream of bench.syndicate
    (real gold-text fragments, copies truncated / trimmed / with ads and source lines; original
    case and script kept, a title and a date per copy) at 20k and 200k articles, beside the
    by-hand datasketch script (bench.byhand text) — wall time, docs/s per core, peak RSS, story
    pairwise F1;
(b) HTML (JSONL with ``html``): every page of ../shared/data/extraction (decoded once here),
    repeated under distinct URLs to reach ``--pages``, beside plain ``trafilatura.extract``
    (bench.byhand html), with ``--workers 1`` and ``--workers 2``.

Every command is a fresh subprocess; peak RSS is that child's (and its pool's) own ``ru_maxrss``
from ``wait4``. The per-stage seconds are the run's own accounting (``NEWSDEDUP_PROFILE=1``),
summed over processes.

    python -m bench.whole [--quick] [--scale N ...] [--pages N] [--workdir DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from bench import metrics, syndicate

REPO = Path(__file__).resolve().parents[1]
SCALES = (20_000, 200_000)
QUICK_SCALES = (1_000, 5_000)
BYHAND_MAX = 20_000  # the by-hand script runs ~1 ms/doc; above this it is not run
PAGES = 2_000
QUICK_PAGES = 300
RUN_LIMIT = 1500  # seconds per command (full); a stopped run is reported as such
QUICK_RUN_LIMIT = 600
TINY = 200  # a run this small gives the process's fixed RSS (interpreter, libraries, lexicon)
SITES = ("news.alpha.example", "www.beta.example", "m.gamma.example", "wire.delta.example")
_STAGES = re.compile(r"^stages \(s\):\s+(.*)$", re.M)


@dataclass
class Run:
    """One command's whole-process figures."""

    name: str
    docs: int
    cores: int
    seconds: float
    peak_bytes: int
    stages: dict[str, float] = field(default_factory=dict)
    f1: float | None = None
    stopped: bool = False  # killed at its time limit: the figures are not a finished run
    cpu: float = 0.0  # user + system seconds of the command and its pool (wait4)

    @property
    def per_core(self) -> float:
        return self.docs / self.seconds / self.cores


# Runs the command as ITS child and writes that child's ru_maxrss (KiB) and CPU seconds (user +
# system), its pool included, as wait4 counts waited-for descendants. Linux carries a process's
# peak across fork + exec, so a command started straight from this (big) bench process would
# report this process's RSS.
_LAUNCHER = """
import os, sys
out, cmd = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
_, status, usage = os.wait4(pid, 0)
with open(out, "w") as fh:
    fh.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_command(cmd: list[str], env: dict[str, str] | None = None,
                limit: float | None = None) -> tuple[float, int, str, bool, float]:
    """Wall seconds, peak RSS bytes (the child and its waited-for children), stderr, whether it
    was stopped at ``limit`` seconds (its process group killed), and CPU seconds (user +
    system, the child and its waited-for children: on a shared machine the figure that does
    not depend on what else runs)."""
    peak_file = tempfile.NamedTemporaryFile(prefix="whole-peak-", delete=False)
    peak_file.close()
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _LAUNCHER, peak_file.name, *cmd], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env={**os.environ, **(env or {})}, start_new_session=True)
    stopped = threading.Event()

    def stop() -> None:
        stopped.set()
        os.killpg(child.pid, signal.SIGKILL)  # the group we started: the child and its pool

    timer = threading.Timer(limit, stop) if limit else None
    if timer:
        timer.start()
    err = child.stderr.read().decode("utf-8", "replace")
    child.wait()
    if timer:
        timer.cancel()
    seconds = time.perf_counter() - start
    peak, _, cpu = Path(peak_file.name).read_text().strip().partition(" ")
    os.unlink(peak_file.name)
    if child.returncode and not stopped.is_set():
        raise RuntimeError(f"{' '.join(cmd)} exited {child.returncode}:\n{err[-2000:]}")
    return seconds, int(peak or 0) * 1024, err, stopped.is_set(), float(cpu or 0)


# ---------------------------------------------------------------- inputs

def _published(label: str, doc_id: str) -> str:
    """A story's day (from its label) plus 0-2 days for a copy: dates as a dump carries them."""
    day = date(2024, 1, 1) + timedelta(days=int(label[1:]) % 365 + int(doc_id[1:]) % 3)
    return day.isoformat()


def text_set(n: int, workdir: Path, seed: int = 0) -> tuple[Path, dict[str, str]]:
    """``n`` labelled pre-extracted articles as JSONL (cached in ``workdir``); url → label."""
    path = workdir / f"text-{n}-{seed}.jsonl"
    truth_path = path.with_suffix(".truth.json")
    if path.exists() and truth_path.exists():
        return path, json.loads(truth_path.read_text())
    truth = {}
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for doc in syndicate.scaled_docs(n, syndicate.load_base_stories(), str.strip, seed):
            url = f"https://{SITES[int(doc.id[1:]) % len(SITES)]}/a/{doc.id}.html"
            words = doc.text.split()
            title = " ".join(words[:12]) if len(words) > 30 else doc.text[:30]
            out.write(json.dumps({"url": url, "title": title, "text": doc.text,
                                  "published": _published(doc.label, doc.id)},
                                 ensure_ascii=False) + "\n")
            truth[url] = doc.label
    truth_path.write_text(json.dumps(truth))
    os.replace(tmp, path)
    return path, truth


def html_set(pages: int, workdir: Path) -> tuple[Path, int]:
    """JSONL with ``html`` (decoded by pipelines.decode): ``pages`` records cycling through
    every shared page, each round under distinct URLs; path and record count."""
    from bench.extraction import load_pages
    from pipelines.decode import decode_html

    path = workdir / f"html-{pages}.jsonl"
    if not path.exists():
        real = load_pages(syndicate.SHARED)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for i in range(pages):
                page = real[i % len(real)]
                url = f"https://mirror{i // len(real)}.example/{page.set}/{page.key}"
                out.write(json.dumps({"url": url, "html": decode_html(page.body).html},
                                     ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    return path, pages


# ---------------------------------------------------------------- runs

def _f1(truth: dict[str, str], pred: dict[str, object]) -> float:
    return metrics.pairwise_scores(truth, {u: pred[u] for u in truth}).f1


def cluster(name: str, src: Path, docs: int, workers: int, workdir: Path,
            truth: dict[str, str] | None = None, limit: float | None = None) -> Run:
    out = workdir / f"out-{name}"
    seconds, peak, err, stopped, cpu = run_command(
        [str(Path(sys.executable).parent / "newsdedup"), "cluster", str(src), "--out", str(out),
         "--extract-processes", str(workers)], env={"NEWSDEDUP_PROFILE": "1"}, limit=limit)
    stages = {}
    if match := _STAGES.search(err):
        stages = {k: float(v) for k, v in (kv.split("=") for kv in match.group(1).split())}
    f1 = None
    if truth is not None and not stopped:
        with (out / "articles.jsonl").open(encoding="utf-8") as fh:
            pred = {(r := json.loads(line))["url"]: r["story_id"] for line in fh}
        f1 = _f1(truth, pred)
    return Run(name, docs, workers, seconds, peak, stages, f1, stopped, cpu)


def byhand(mode: str, name: str, src: Path, docs: int, workdir: Path,
           truth: dict[str, str] | None = None, limit: float | None = None) -> Run:
    out = workdir / f"out-{name}.jsonl"
    seconds, peak, _, stopped, cpu = run_command(
        [sys.executable, "-m", "bench.byhand", mode, str(src), str(out)], limit=limit)
    f1 = None
    if truth is not None and not stopped:
        with out.open(encoding="utf-8") as fh:
            f1 = _f1(truth, {(r := json.loads(line))["url"]: r["cluster"] for line in fh})
    return Run(name, docs, 1, seconds, peak, f1=f1, stopped=stopped, cpu=cpu)


def index_bytes_per_article(src: Path, limit: int) -> float:
    """``StoryIndex.memory()`` per article (sketches, band table, union-find; ids excluded) over
    the first ``limit`` records of ``src``: the index the issue's RSS target excludes."""
    from dedupe import StoryConfig, StoryDoc, StoryIndex
    from pipelines.normalise import normalise_for_matching

    docs = []
    with src.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            docs.append(StoryDoc(rec["url"], normalise_for_matching(rec["text"]), None,
                                 len(rec["text"])))
            if len(docs) >= limit:
                break
    index = StoryIndex(StoryConfig())
    index.add_many(docs)
    mem = index.memory()
    return (mem["sketches"] + mem["band_table"] + mem["union_find"]) / len(docs)


def language_agreement(src: Path, limit: int = 2_000) -> dict:
    """How often ``detect_language`` (script first, langdetect on a bounded sample) gives the
    verdict of langdetect over the whole 4,000-character sample: every shared gold body plus
    the first ``limit`` texts of ``src``; texts the script decides (zh, ja, ko) count as they
    never reach langdetect."""
    from pipelines.language import SAMPLE_CHARS, _langdetect, detect_language

    texts = [body for _, _, body, _ in syndicate._read_sets(syndicate.EXTRACTION)]
    with src.open(encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for line, _ in zip(fh, range(limit))]
    asked = differ = 0
    flips: dict[str, int] = {}
    for text in texts:
        ours = detect_language(text)[0]
        if ours in ("zh", "ja", "ko") or len(text) < 40:
            continue
        asked += 1
        whole = _langdetect(text[:SAMPLE_CHARS]) or "und"
        if whole != ours:
            differ += 1
            flips[f"{whole}→{ours}"] = flips.get(f"{whole}→{ours}", 0) + 1
    return {"texts": len(texts), "asked": asked, "differ": differ, "flips": flips}


def html(pages: int, workdir: Path, workers: int, limit: float) -> list[Run]:
    """Plain trafilatura, then cluster with 1 and ``workers`` processes, on ``pages`` pages."""
    src, n_pages = html_set(pages, workdir)
    return [byhand("html", "trafilatura", src, n_pages, workdir, limit=limit),
            *(cluster(f"html-w{w}", src, n_pages, w, workdir, limit=limit)
              for w in sorted({1, workers}))]


def run(quick: bool = False, scales: tuple[int, ...] | None = None, pages: int | None = None,
        workdir: Path | None = None, workers: int = 2, limit: float | None = None) -> dict:
    """All runs of the section (call from a ``__main__`` guard). The largest text scale runs
    last and only with ``workers``; each command is stopped after ``limit`` seconds."""
    scales = tuple(sorted(scales or (QUICK_SCALES if quick else SCALES)))
    pages = pages or (QUICK_PAGES if quick else PAGES)
    limit = limit or (QUICK_RUN_LIMIT if quick else RUN_LIMIT)
    workdir = workdir or Path(os.environ.get("TMPDIR", "/tmp")) / "newsdedup-bench-whole"
    workdir.mkdir(parents=True, exist_ok=True)
    tiny_src, _ = text_set(TINY, workdir)
    tiny = cluster(f"text-{TINY}", tiny_src, TINY, 1, workdir)
    text_runs, html_runs = [], []
    src, truth = text_set(scales[0], workdir)
    agreement = language_agreement(src)
    index_per_article = None
    for n in scales:
        if n == scales[-1] and len(scales) > 1:  # the HTML runs before the longest one
            html_runs = html(pages, workdir, workers, limit)
        src, truth = text_set(n, workdir)
        if n <= BYHAND_MAX:
            text_runs.append(byhand("text", f"byhand-{n}", src, n, workdir, truth, limit))
        for w in sorted({1, workers}) if n < scales[-1] or len(scales) == 1 else (workers,):
            text_runs.append(cluster(f"text-{n}-w{w}", src, n, w, workdir, truth, limit))
        if n == scales[-1]:
            index_per_article = index_bytes_per_article(src, min(n, 20_000))
    html_runs = html_runs or html(pages, workdir, workers, limit)
    return {"text": text_runs, "html": html_runs, "tiny": tiny, "index": index_per_article,
            "scales": scales, "pages": pages, "quick": quick, "language": agreement,
            "limit": limit}


# ---------------------------------------------------------------- report

def _label(r: Run) -> str:
    if r.name.startswith("byhand"):
        return "by-hand datasketch script (1 process)"
    if r.name == "trafilatura":
        return "plain `trafilatura.extract` (1 process)"
    return f"`newsdedup cluster --workers {r.cores}`"


def _table(runs: list[Run], anchor_of) -> list[str]:
    from pipelines.timing import STAGES
    lines = ["| docs | command | wall s | docs/s | docs/s per core | ÷ anchor (docs/s) | CPU s "
             "| ÷ anchor (CPU) | peak RSS | story F1 | " + " | ".join(STAGES) + " |",
             "|---" * (10 + len(STAGES)) + "|"]
    for r in runs:
        anchor = anchor_of(r)
        ratio = f"{anchor.seconds / r.seconds:.2f}×" if anchor and anchor is not r else ""
        cpu_ratio = f"{anchor.cpu / r.cpu:.2f}×" if anchor and anchor is not r and r.cpu else ""
        f1 = "—" if r.f1 is None else f"{r.f1:.4f}"
        if r.stopped:
            lines.append(f"| {r.docs:,} | {_label(r)} | stopped at {r.seconds:.0f} s (time limit)"
                         " |" * (9 + len(STAGES)))
            continue
        stages = " | ".join(f"{r.stages[s]:.1f}" if s in r.stages else "" for s in STAGES)
        lines.append(f"| {r.docs:,} | {_label(r)} | {r.seconds:.1f} | {r.docs / r.seconds:,.0f} | "
                     f"{r.per_core:,.0f} | {ratio} | {r.cpu:.1f} | {cpu_ratio} | "
                     f"{r.peak_bytes / 2**20:,.0f} MiB | {f1} | "
                     f"{stages} |")
    return lines


def _real_pages() -> str:
    from bench.extraction import load_pages
    return f"{len(load_pages(syndicate.SHARED)):,}"


def _memory_line(res: dict) -> str:
    """Peak RSS per article of the biggest finished cluster run, beyond the fixed part and the
    story index."""
    finished = [r for r in res["text"] if not r.name.startswith("byhand") and not r.stopped]
    if not finished:
        return "No cluster run finished: no memory figure."
    big = max(finished, key=lambda r: (r.docs, -r.cores))
    fixed = res["tiny"].peak_bytes
    per_article = (big.peak_bytes - fixed) / big.docs
    return (f"Peak RSS per article at {big.docs:,} (`--workers {big.cores}`): "
            f"({big.peak_bytes / 2**20:,.0f} MiB − {fixed / 2**20:,.0f} MiB fixed, the peak of a "
            f"{TINY}-article run) ÷ {big.docs:,} = **{per_article:,.0f} B**, of which the story "
            f"index is {res['index']:,.0f} B (`StoryIndex.memory()`), so **"
            f"{per_article - res['index']:,.0f} B per article beyond the index**.")


def _agreement_line(a: dict) -> str:
    flips = ", ".join(f"{k} ×{v}" for k, v in sorted(a["flips"].items())) or "none"
    return (f"Language: of {a['texts']:,} texts (every shared gold body and 2,000 of the text "
            f"set), {a['asked']:,} reach langdetect; its verdict on the bounded sample equals its "
            f"verdict on the whole 4,000-character sample for "
            f"**{1 - a['differ'] / max(a['asked'], 1):.2%}** (differences: {flips}).")


def to_markdown(res: dict) -> str:
    text, html = res["text"], res["html"]
    byhand_at = {r.docs: r for r in text if r.name.startswith("byhand")}
    lines = ["## Whole process (`newsdedup cluster` end to end)", "",
             "Each command a fresh subprocess on the same input file, in this run. Stage columns: "
             "seconds inside each stage, summed over processes (with 2 workers they overlap "
             "and exceed the wall time); `÷ anchor` is the anchor's wall time over this "
             "command's (> 1 = faster); `÷ anchor (CPU)` the same with CPU seconds (user + system, "
             "the command and its pool: what the work costs, whatever else shares the machine). "
             f"Each command is stopped after {res['limit']:.0f} s.", "",
             "### Pre-extracted text (JSONL with `text`)", "",
             *_table(text, lambda r: byhand_at.get(r.docs)), ""]
    lines += [_memory_line(res), "",
              _agreement_line(res["language"]), "",
              f"### HTML (JSONL with `html`, {res['pages']:,} pages cycling through the "
              f"{_real_pages()} pages of the shared extraction sets under distinct URLs)", "",
              *_table(html, lambda r: html[0]), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"scales {QUICK_SCALES}, "
                        f"{QUICK_PAGES} pages")
    parser.add_argument("--scale", type=int, nargs="+", help="text set sizes (default "
                        f"{SCALES})")
    parser.add_argument("--pages", type=int, help=f"HTML pages (default {PAGES})")
    parser.add_argument("--limit", type=float, help="seconds per command (default "
                        f"{RUN_LIMIT}, {QUICK_RUN_LIMIT} with --quick)")
    parser.add_argument("--workdir", type=Path, help="where inputs and outputs go (default "
                        "$TMPDIR/newsdedup-bench-whole; inputs are reused)")
    args = parser.parse_args()
    print(to_markdown(run(args.quick, tuple(args.scale) if args.scale else None, args.pages,
                          args.workdir, limit=args.limit)))


if __name__ == "__main__":
    main()
