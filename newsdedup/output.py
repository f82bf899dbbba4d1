"""Output files (the contract scripts read): articles.jsonl, stories.jsonl, rejects.jsonl,
incidents.jsonl — written and read back here, and only here — and their CSV / SQLite copies
(``newsdedup.formats``), which are part of the same set.

An output set is published all-or-nothing. The files of a run are written into a fresh folder
``OUT/.sets/<generation>/`` (flushed to disk), then one ``rename`` of the symlink ``OUT/.current``
switches readers from the old set to the new one. ``OUT/articles.jsonl`` and the other names are
symlinks to ``.current/<name>``, so the paths scripts read stay valid and always resolve into one
complete set: a run killed at any point (kill -9, SIGINT, a full disk) leaves the previous set
whole. Older generations are deleted after the switch; a folder left by a killed run is deleted by
the next run. Files are created with the usual mode (0644 under umask 022), not mkstemp's 0600.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dedupe import IncidentConfig
from pipelines.assign import story_id_for, story_record
from pipelines.incidents import Incident, Lexicon, assign_incidents
from pipelines.records import Article, Reject, Story
from pipelines.timing import timed

from .readers import InputError

ARTICLES_FILE = "articles.jsonl"
STORIES_FILE = "stories.jsonl"
REJECTS_FILE = "rejects.jsonl"
INCIDENTS_FILE = "incidents.jsonl"
# The rejects of a run that published nothing (every input rejected), beside the set it kept;
# removed when a later run publishes a set.
UNPUBLISHED_REJECTS_FILE = "rejects.unpublished.jsonl"
SETS_DIR = ".sets"
CURRENT_LINK = ".current"
# Test hook: the name of a step (``staged:<file>``, ``switch``, ``linked``) at which the process
# kills itself with SIGKILL (``<step>@TERM``: sends itself SIGTERM), so a test can check every
# interruption point on a real run.
KILL_AT_ENV = "NEWSDEDUP_OUTPUT_KILL_AT"
# Output folders whose new set was switched in by this process (the CLI's interrupt message).
PUBLISHED: list[Path] = []


def dumps(record: dict[str, Any]) -> str:
    """One JSON line: UTF-8 as is (readable Chinese), field order as given."""
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


def _step(name: str) -> None:
    wanted = os.environ.get(KILL_AT_ENV, "")
    if wanted == name:
        os.kill(os.getpid(), signal.SIGKILL)
    elif wanted == name + "@TERM":  # the same point, as a polite SIGTERM (the CLI's exit 130)
        os.kill(os.getpid(), signal.SIGTERM)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write ``records`` as JSON lines to a new file ``path``, flushed to disk; the count."""
    count = 0
    with open(path, "x", encoding="utf-8", newline="\n") as fh:
        for record in records:
            fh.write(dumps(record) + "\n")
            count += 1
        fh.flush()
        os.fsync(fh.fileno())
    return count


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _relink(link: Path, target: str) -> None:
    """Point the symlink ``link`` at ``target`` in one rename (replacing a file or a link)."""
    if os.path.islink(link) and os.readlink(link) == target:
        return
    tmp = link.with_name(f"{link.name}.{os.getpid()}.link")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _adopt_plain_files(out_dir: Path, sets: Path, names: Iterable[str]) -> None:
    """An output folder from before output sets (plain files): make its files a generation of
    their own (hard links) and the names symlinks into it, so the switch below is atomic too."""
    plain = [n for n in names if (out_dir / n).is_file() and not (out_dir / n).is_symlink()]
    if not plain or os.path.islink(out_dir / CURRENT_LINK):
        return
    old = sets / f"{time.time_ns():x}-{os.getpid()}-adopted"
    old.mkdir(mode=0o777 & ~_umask())
    for name in plain:
        os.link(out_dir / name, old / name)
    _relink(out_dir / CURRENT_LINK, f"{SETS_DIR}/{old.name}")
    for name in plain:
        _relink(out_dir / name, f"{CURRENT_LINK}/{name}")


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def write_set(out_dir: Path, files: dict[str, Iterable[dict[str, Any]]],
              derived: Callable[[Path], Sequence[Path]] | None = None) -> dict[str, int]:
    """Publish ``files`` (name -> records) as the output set of ``out_dir``, all or nothing;
    returns the line count of each file. ``derived(folder)`` writes more files of the set from
    the JSONL files in ``folder`` (the CSV / SQLite copies) and returns their paths: they are
    switched in with the rest, never beside it. Raises OSError (e.g. a full disk) with the
    previous set left in place."""
    out_dir = Path(out_dir)
    sets = out_dir / SETS_DIR
    sets.mkdir(parents=True, exist_ok=True)
    copied = out_dir / CURRENT_LINK
    if copied.exists() and not copied.is_symlink():  # a copy that followed the links (cp -rL)
        shutil.rmtree(copied) if copied.is_dir() else copied.unlink()
    current = os.readlink(out_dir / CURRENT_LINK) if os.path.islink(out_dir / CURRENT_LINK) else None
    for stale in sets.iterdir():  # left by a killed run
        if f"{SETS_DIR}/{stale.name}" != current:
            shutil.rmtree(stale, ignore_errors=True)
    # the CSV / SQLite copies an older version wrote beside its JSONL are adopted too: kept
    # if this set has them again, gone with the old set if it does not
    from newsdedup.formats import FORMATS, files_for  # formats imports this module

    _adopt_plain_files(out_dir, sets, [*files, *files_for(FORMATS)])
    current = os.readlink(out_dir / CURRENT_LINK) if os.path.islink(out_dir / CURRENT_LINK) else None
    staging = sets / f"{time.time_ns():x}-{os.getpid()}"
    staging.mkdir(mode=0o777 & ~_umask())
    counts = {}
    try:
        names = list(files)
        for name, records in files.items():
            counts[name] = _write_jsonl(staging / name, records)
            _step(f"staged:{name}")
        for path in derived(staging) if derived is not None else ():
            _fsync_file(path)
            names.append(path.name)
            _step(f"staged:{path.name}")
        _fsync_dir(staging)
        _step("switch")
        _relink(out_dir / CURRENT_LINK, f"{SETS_DIR}/{staging.name}")  # the one atomic switch
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    PUBLISHED.append(out_dir)
    _step("linked")
    for name in names:
        _relink(out_dir / name, f"{CURRENT_LINK}/{name}")
    for name in os.listdir(out_dir):  # a name the new set no longer has
        link = out_dir / name
        if link.is_symlink() and os.readlink(link).startswith(f"{CURRENT_LINK}/") \
                and not link.exists():
            link.unlink()
    (out_dir / UNPUBLISHED_REJECTS_FILE).unlink(missing_ok=True)  # about an older run
    _fsync_dir(out_dir)
    if current and current != f"{SETS_DIR}/{staging.name}":
        shutil.rmtree(out_dir / current, ignore_errors=True)
    return counts


def write_unpublished_rejects(out_dir: Path, rejects: Iterable[Reject]) -> Path:
    """Write ``rejects`` to OUT/rejects.unpublished.jsonl (the rejects.jsonl schema) without
    touching the output set: what a run that kept no article leaves. Replaced in one rename."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / UNPUBLISHED_REJECTS_FILE
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        _write_jsonl(tmp, (r.as_output() for r in rejects))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_outputs(out_dir: Path, articles: Iterable[Article], stories: Iterable[Story],
                  rejects: Iterable[Reject], extra: dict[str, Iterable[dict]] | None = None,
                  formats: Sequence[str] | None = None) -> None:
    """Write the contract files as one output set (sorted, so equal input gives equal bytes),
    with the copies in ``formats`` (``newsdedup.formats.FORMATS``; None: the formats the
    current set holds, so a crawl's refresh keeps what the last ``export --format`` wrote)."""
    from newsdedup.formats import published_formats, write_formats  # formats imports this module

    if formats is None:
        formats = published_formats(out_dir)
    files: dict[str, Iterable[dict[str, Any]]] = {
        ARTICLES_FILE: (a.as_output() for a in sorted(articles, key=lambda a: a.id)),
        STORIES_FILE: (s.as_output() for s in sorted(stories, key=lambda s: s.story_id)),
        REJECTS_FILE: (r.as_output() for r in rejects),
    }
    files.update(extra or {})
    write_set(Path(out_dir), files, derived=lambda folder: write_formats(folder, formats))


# ---------------------------------------------------------------- reading an output folder back
@dataclass
class OutputSet:
    """What ``cluster`` wrote: articles, stories and (if present) incidents."""

    articles: list[Article]
    stories: list[Story]
    incidents: list[dict[str, Any]]


class CorruptOutput(InputError):
    """An output file that is not what newsdedup writes (hand-edited, cut, another tool's):
    which file, which line, what is wrong (exit 2 from the command line)."""


# What each record of an output file must hold for read_output: field → type.
REQUIRED_FIELDS = {
    ARTICLES_FILE: {"id": str, "url": str, "text": str},
    STORIES_FILE: {"story_id": str, "article_ids": list, "representative_id": str, "languages": list},
    INCIDENTS_FILE: {"incident_id": str, "article_ids": list},
}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of an output file ([] when it does not exist); CorruptOutput for a line
    that is not a JSON object holding ``REQUIRED_FIELDS``."""
    if not path.exists():
        return []
    required = REQUIRED_FIELDS.get(path.name, {})
    records = []
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as err:
                raise CorruptOutput(f"{path} line {number}: not UTF-8 at byte {err.start}") from err
            except ValueError as err:
                raise CorruptOutput(f"{path} line {number}: not JSON ({err})") from err
            if not isinstance(record, dict):
                raise CorruptOutput(f"{path} line {number}: a JSON {type(record).__name__}, "
                                    "not an object")
            for name, kind in required.items():
                if not isinstance(record.get(name), kind):
                    raise CorruptOutput(f"{path} line {number}: '{name}' is missing or not a "
                                        f"{kind.__name__} (not an output of newsdedup cluster?)")
            records.append(record)
    return records


def article_from_record(row: dict[str, Any]) -> Article:
    article = Article(**{name: row.get(name) for name in Article.OUTPUT_FIELDS})
    article.incident_id = row.get("incident_id")
    return article


def stories_from_articles(articles: Sequence[Article]) -> list[Story]:
    """Stories rebuilt from the articles' ``story_id`` (each article alone if it has none)."""
    groups: dict[str, list[Article]] = {}
    for article in articles:
        groups.setdefault(article.story_id or story_id_for([article.id]), []).append(article)
    return [story_record(story_id, members) for story_id, members in sorted(groups.items())]


def read_output(out_dir: str | Path) -> OutputSet:
    """Read articles.jsonl, stories.jsonl and incidents.jsonl from ``out_dir``. Raises
    FileNotFoundError when there is no articles.jsonl, CorruptOutput when a file holds a line
    newsdedup did not write."""
    out_dir = Path(out_dir)
    if not (out_dir / ARTICLES_FILE).exists():
        raise FileNotFoundError(f"{out_dir / ARTICLES_FILE} not found (run `newsdedup cluster`)")
    articles = [article_from_record(r) for r in _read_jsonl(out_dir / ARTICLES_FILE)]
    known = {a.id for a in articles}
    stories = [Story(story_id=r["story_id"], article_ids=r["article_ids"],
                     representative_id=r["representative_id"], languages=r["languages"],
                     first_published=r.get("first_published"))
               for r in _read_jsonl(out_dir / STORIES_FILE)]
    if not stories or any(i not in known for s in stories for i in s.article_ids):
        stories = stories_from_articles(articles)
    return OutputSet(articles, stories, _read_jsonl(out_dir / INCIDENTS_FILE))


def read_rejects(out_dir: str | Path) -> list[dict[str, Any]]:
    """The records of OUT/rejects.jsonl ([] when absent); CorruptOutput as ``read_output``."""
    return _read_jsonl(Path(out_dir) / REJECTS_FILE)


def write_all_outputs(out_dir: Path, articles: Sequence[Article], stories: Sequence[Story],
                      rejects: Sequence, lexicon: Lexicon | None = None,
                      config: IncidentConfig | None = None,
                      evidence: MutableMapping | None = None,
                      processes: int = 1, formats: Sequence[str] | None = None) -> list[Incident]:
    """Assign incidents (``config``: the link rule, default IncidentConfig(); ``evidence``:
    articles' incident evidence already extracted, by id; ``processes``: scoring incident
    candidates), then write the contract files plus incidents.jsonl and the copies in
    ``formats`` (see write_outputs) as one set: the one way a dump and a crawl store publish
    results."""
    with timed("incidents"):
        incidents = assign_incidents(articles, stories, lexicon=lexicon, config=config,
                                     evidence=evidence, processes=processes)
    with timed("write"):
        write_outputs(Path(out_dir), articles, stories, rejects,
                      # one record at a time: a list of them (asdict copies) was ~40 MB at 200k
                      extra={INCIDENTS_FILE: (i.as_output() for i in incidents)}, formats=formats)
    return incidents
