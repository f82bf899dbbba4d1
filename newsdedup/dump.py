"""``newsdedup cluster``: a dump in, deduplicated stories out.

read (readers) → process each document (decode → extract → language, in a process pool) →
drop repeated URLs → assign stories → write the contract files. Everything stays in input order
or is sorted, so the same input gives byte-identical output whatever the worker count.

Memory: inputs flow through in bounded chunks (never every page at once), and each kept
article's text goes to a temporary spool file (``newsdedup.spool``), so what stays resident per
article is its small fields plus its share of the story index. ``NEWSDEDUP_PROFILE=1`` adds the
seconds per stage to the summary (``pipelines.timing``).
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from dedupe import StoryConfig
from newsdedup.config import Settings
from newsdedup.output import write_all_outputs, write_unpublished_rejects
from newsdedup.preflight import check_out_dir
from newsdedup.progress import RunProgress
from newsdedup.readers import InputError, check_not_output, check_paths, read_inputs
from newsdedup.spool import SpooledArticle, SpooledEvidence, TextSpool
from newsdedup.terminal import terminal_safe
from pipelines.assign import SketchBuffer, Sketched, assign_sketched, sketch_articles
from pipelines.cores import usable_cores
from pipelines.incidents import (
    article_evidence,
    decode_evidence,
    encode_evidence,
    load_lexicon,
    warm_up_lexicon,
)
from pipelines.language import warm_up
from pipelines.process import process_document
from pipelines.records import Article, RawDocument, Reject, Story
from pipelines.timing import STAGES, take, timed, timed_iter

# Work sent to the pool at a time: a chunk of documents (one task, one pickle each way), and a
# few chunks per worker in flight (bounds memory on a huge WARC: at most
# CHUNKS_PER_WORKER × workers × CHUNK_CHARS of pages held). CHUNK_DOCS amortises the per-task
# cost over short text records (~1 ms each); CHUNK_CHARS sends pages (~150 ms each) one or two
# at a time so the last chunks do not leave a worker idle.
CHUNK_DOCS = 16
CHUNK_CHARS = 256 * 1024
CHUNKS_PER_WORKER = 4


@dataclass
class RunSummary:
    """What a run did; printed on stderr, returned to callers and tests."""

    inputs: int = 0
    articles: int = 0
    rejected: Counter = field(default_factory=Counter)
    stories: list[Story] = field(default_factory=list)
    incidents: int = 0
    titles: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    stages: Counter = field(default_factory=Counter)  # seconds per stage, summed over processes

    def render_stages(self) -> str:
        """One line: seconds per stage (``pipelines.timing.STAGES``), summed over processes."""
        return "stages (s):       " + " ".join(f"{name}={self.stages.get(name, 0.0):.2f}"
                                               for name in STAGES)

    def render(self, biggest: int = 5) -> str:
        multi = [s for s in self.stories if s.size > 1]
        width = max((len(r) + 1 for r in self.rejected), default=0)  # reason names vary
        lines = [
            f"inputs read:      {self.inputs}",
            f"articles kept:    {self.articles}",
            f"rejected:         {sum(self.rejected.values())}"
            + "".join(f"\n  {reason + ':':<{width}} {n:>6}" for reason, n in sorted(self.rejected.items())),
            f"stories:          {len(self.stories)} ({len(multi)} with copies, "
            f"{sum(s.size for s in multi) - len(multi)} copies folded)",
            f"incidents:        {self.incidents}",
        ]
        top = sorted(multi, key=lambda s: (-s.size, s.story_id))[:biggest]
        if top:
            lines.append("biggest stories:")
            lines += [f"  {s.size:>4} × [{','.join(s.languages)}] {s.story_id}  "
                      f"{self.titles.get(s.representative_id) or ''}"[:120] for s in top]
        lines.append(f"time:             {self.seconds:.1f} s")
        if os.environ.get("NEWSDEDUP_PROFILE"):
            lines.append(self.render_stages())
        return terminal_safe("\n".join(lines))  # titles are scraped text


Result = tuple[Article | Reject, str | None, dict[str, float]]


def _process(item: RawDocument | Reject) -> Result:
    """One document's result, its incident evidence (encoded) when it is an article, and the
    stage seconds spent on it — all in whichever process runs it, so that ``--extract-processes``
    spreads the evidence regexes and dictionary lookups too."""
    evidence = None
    try:
        result = item if isinstance(item, Reject) else process_document(item)
        if isinstance(result, Article):
            with timed("evidence"):
                evidence = encode_evidence(article_evidence(result, load_lexicon()))
    except Exception as err:  # noqa: BLE001 -- one document's fault must not end the run
        # (a crawl's item pipeline does the same): the document becomes a reject saying what
        # failed, and the run goes on; Ctrl-C and SIGTERM are not Exceptions and still stop it.
        result = Reject.of_error(item.location, err, item.url)
        evidence = None
    return result, evidence, take()


Batch = tuple[list[Result], Sketched, dict[str, float]]


def _process_chunk(chunk: list[RawDocument | Reject], matching: StoryConfig) -> Batch:
    """A chunk's results (``_process``), its articles' story sketches (``sketch_articles``:
    folding and sketching are per-document work too, so they run where the article is, and
    the story stage receives ~0.5 KB of sketch instead of reading the text back), and the
    seconds the sketching took."""
    results = [_process(item) for item in chunk]
    articles = [result for result, _, _ in results if isinstance(result, Article)]
    return results, sketch_articles(articles, matching) if articles else Sketched(), take()


def _size(item: RawDocument | Reject) -> int:
    """Characters (or bytes) of content ``item`` carries to a worker."""
    if isinstance(item, Reject):
        return 0
    return len(item.html or item.body or item.text or "")


def _chunks(items: Iterable[RawDocument | Reject]) -> Iterator[list[RawDocument | Reject]]:
    """``items`` in input order, grouped into lists of at most CHUNK_DOCS documents or about
    CHUNK_CHARS characters of content (a big page travels alone)."""
    chunk: list[RawDocument | Reject] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += _size(item)
        if len(chunk) >= CHUNK_DOCS or size >= CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def process_all(items: Iterable[RawDocument | Reject], workers: int,
                matching: StoryConfig | None = None) -> Iterator[Batch]:
    """Process in input order, ``workers`` processes wide, a chunk at a time (``_chunks``);
    each chunk's results come with their evidence, stage seconds and the chunk's story
    sketches (``_process_chunk``). At most CHUNKS_PER_WORKER chunks per worker are in
    flight: a new chunk is sent as soon as the oldest one's results are taken, so no worker
    waits for a slow page of another (a batch barrier did), and memory stays bounded however
    long the input."""
    matching = matching or StoryConfig()
    if workers <= 1:
        for chunk in _chunks(items):
            yield _process_chunk(chunk, matching)
        return
    warm_up()  # langdetect's profiles loaded once here, inherited by every forked worker
    warm_up_lexicon()  # and the dictionary, for the workers' evidence extraction
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pool = context.Pool(workers)
    finished = False
    try:
        pending: deque = deque()
        for chunk in _chunks(items):
            pending.append(pool.apply_async(_process_chunk, (chunk, matching)))
            if len(pending) >= CHUNKS_PER_WORKER * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        finished = True
    finally:
        if finished:
            # Workers leave on close()'s end-of-work marker. terminate() would SIGTERM them, and
            # a worker still starting up (a busy machine; a run shorter than the pool's start)
            # can lose that signal between fork and its handler reset, leaving join() waiting
            # for ever (seen in test_stdin_jsonl_via_the_console_command).
            pool.close()
        else:  # an error, Ctrl-C / SIGTERM or the caller stopped early: stop the work now
            pool.terminate()
        pool.join()


def max_workers(requested: int) -> int:
    """``requested`` processes, at most one per usable core (``pipelines.cores``): the work is
    CPU-bound, so more only costs memory (100,000 forked for ever); never below 2 when 2 or
    more are asked, so the parallel path runs on a one-core machine too."""
    return max(1, min(requested, max(2, usable_cores())))


class EmptyInput(InputError):
    """The inputs hold no document at all (an empty folder, empty stdin): exit 3. Writing
    empty files would wipe the last good output of a scheduled job, so nothing is written."""

    exit_code = 3


class NoArticles(InputError):
    """Every input document was rejected: publishing would replace the last good output with an
    empty set, so the output set is left as it was and the rejects go to
    ``OUT/rejects.unpublished.jsonl`` (``rejects_path``), nothing lost: exit 5. ``summary``
    is the run's RunSummary."""

    exit_code = 5

    def __init__(self, message: str, summary: RunSummary, rejects_path: Path) -> None:
        super().__init__(message)
        self.summary, self.rejects_path = summary, rejects_path


def cluster_dump(paths: str | os.PathLike | Sequence[str | os.PathLike], out_dir: str | os.PathLike,
                 workers: int = 1, stdin=None,
                 progress_stream: TextIO = sys.stderr, settings: Settings | None = None,
                 formats: tuple[str, ...] | None = None) -> RunSummary:
    """Run the whole ``cluster`` job over ``paths`` (one path or a list: JSONL, folders, WARC;
    "-" is ``stdin``) into ``out_dir`` (thresholds from ``settings``, default ones without;
    ``formats``: the output copies beside the JSONL, default ``settings.output.formats``).
    Raises ``InputError`` before writing anything if an input path is missing or unreadable,
    ``EmptyInput`` if the inputs hold no document, ``NoArticles`` (the output set kept, the
    rejects in OUT/rejects.unpublished.jsonl) if every document was rejected."""
    paths = [str(paths)] if isinstance(paths, (str, os.PathLike)) else [str(p) for p in paths]
    workers = max_workers(workers)
    out_dir = Path(out_dir)
    settings = settings or Settings()
    if formats is not None:
        settings = replace(settings, output=replace(settings.output, formats=formats))
    check_paths(paths)
    created = [p for p in (Path(out_dir), *Path(out_dir).absolute().parents) if not p.exists()]
    check_out_dir(out_dir)
    check_not_output(paths, out_dir)
    started = time.monotonic()
    summary = RunSummary()
    take()  # a fresh account for this run
    try:
        with TextSpool() as spool:
            _run(paths, out_dir, workers, stdin, RunProgress(progress_stream, paths), settings,
                 summary, spool)
    except EmptyInput:
        for folder in created:  # nothing written: leave no empty --out folder behind either
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    finally:  # NoArticles carries the summary too
        summary.stages.update(take())
        summary.seconds = time.monotonic() - started
    return summary


def _run(paths: list[str], out_dir: Path, workers: int, stdin, progress: RunProgress,
         settings: Settings, summary: RunSummary, spool: TextSpool) -> None:
    """Read, process and keep each result (texts in ``spool``), then stories, incidents and
    the output files."""
    articles: list[Article] = []
    rejects: list[Reject] = []
    items = timed_iter("read", read_inputs(paths, stdin=stdin, skip=Path(out_dir)))
    evidence = SpooledEvidence(spool, encode_evidence, decode_evidence)
    sketches = SketchBuffer(settings.matching)
    # The same URL twice is one article: the first record of a URL that *became* an article
    # is kept, a later one is a ``duplicate-url`` reject naming it. Decided on results, not on
    # the raw records: a first record rejected (too short, not HTML) must not cost a later
    # good copy its article.
    kept: dict[str, str] = {}  # article id → where that article came from
    for results, sketched, sketch_seconds in process_all(items, workers, settings.matching):
        summary.stages.update(sketch_seconds)
        rows = []  # per article of the chunk (``sketched``'s rows): kept or a repeat
        for result, found, seconds in results:
            summary.stages.update(seconds)
            summary.inputs += 1
            if isinstance(result, Article):
                rows.append(result.id not in kept)
                if rows[-1]:
                    kept[result.id] = str(result.location)
                else:
                    result = Reject(result.location, "duplicate-url",
                                    f"same URL as {kept[result.id]}", result.url)
            if isinstance(result, Article):
                articles.append(SpooledArticle.of(result, spool))
                evidence.put_encoded(result.id, found)
            else:
                rejects.append(result)
                summary.rejected[result.reason] += 1
            progress.update(summary.inputs, len(articles), len(rejects))
        sketches.add(sketched, rows)
    del kept  # ~150 bytes an article (id, where it came from), never read again
    if not summary.inputs:
        progress.close()
        raise EmptyInput(f"no input documents in {' '.join(paths)}: nothing written "
                         "(an earlier output stays as it was)")
    if not articles:
        progress.close()
        path = write_unpublished_rejects(out_dir, rejects)
        raise NoArticles(f"all {summary.inputs} input documents were rejected: no output set "
                         f"published (an earlier output stays as it was); the rejects, with "
                         f"where and why, are in {path}", summary, path)
    summary.articles = len(articles)
    progress.phase("grouping stories")
    summary.stories = assign_sketched(articles, sketches)  # sketched in the pool, as extracted
    del sketches
    progress.phase("incidents, writing")
    summary.incidents = len(write_all_outputs(out_dir, articles, summary.stories, rejects,
                                              config=settings.incidents, evidence=evidence,
                                              processes=workers, formats=settings.output.formats))
    progress.close()
    summary.titles = {a.id: a.title or "" for a in articles}
