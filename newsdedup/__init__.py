"""newsdedup: Chinese + English news pages in, stories (copies) and incidents (events) out.

The Python API (the ``newsdedup`` command is a thin layer over it; README, "Python API")::

    import newsdedup

    summary = newsdedup.cluster_dump(["samples/dump"], "output")   # files -> output folder
    result = newsdedup.read_output("output")                       # OutputSet: the files back
    print(newsdedup.explain("output", id_a, id_b))                 # why (not) one story / incident
    newsdedup.write_report("output")                               # output/report.html
    newsdedup.crawl("sources.toml", "output")                      # one crawl (once per process)

One document at a time: ``process_document(RawDocument) -> Article | Reject``, then
``assign_stories(articles) -> [Story]`` and ``assign_incidents(articles, stories) ->
[Incident]`` (both set ``story_id`` / ``incident_id`` on what they are given).

Layers (imports only go down): ``newsdedup`` (this API, the command, readers, output files,
report) -> ``crawler`` (Scrapy) -> ``pipelines`` (per-document stages) -> ``dedupe`` (pure
algorithms).
"""
import importlib
from typing import TYPE_CHECKING

# Loaded on first use (PEP 562): ``newsdedup --version`` and a Ctrl-C at start-up do not wait
# for the pipeline's imports (~0.5 s: trafilatura, Scrapy, numpy).
_HOMES = {
    "crawl": "newsdedup.crawl", "RunSummary": "newsdedup.dump", "cluster_dump": "newsdedup.dump",
    "explain": "newsdedup.explain", "OutputSet": "newsdedup.output",
    "read_output": "newsdedup.output", "write_report": "newsdedup.report",
    "assign_stories": "pipelines.assign", "Incident": "pipelines.incidents",
    "assign_incidents": "pipelines.incidents", "process_document": "pipelines.process",
    "Article": "pipelines.records", "Location": "pipelines.records",
    "RawDocument": "pipelines.records", "Reject": "pipelines.records", "Story": "pipelines.records",
}

if TYPE_CHECKING:
    from newsdedup.crawl import crawl
    from newsdedup.dump import RunSummary, cluster_dump
    from newsdedup.explain import explain
    from newsdedup.output import OutputSet, read_output
    from newsdedup.report import write_report
    from pipelines.assign import assign_stories
    from pipelines.incidents import Incident, assign_incidents
    from pipelines.process import process_document
    from pipelines.records import Article, Location, RawDocument, Reject, Story


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'newsdedup' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value  # once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "Article", "Incident", "Location", "OutputSet", "RawDocument", "Reject", "RunSummary",
    "Story", "assign_incidents", "assign_stories", "cluster_dump", "crawl", "explain",
    "process_document", "read_output", "write_report",
]
