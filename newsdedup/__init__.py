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
from newsdedup.crawl import crawl
from newsdedup.dump import RunSummary, cluster_dump
from newsdedup.explain import explain
from newsdedup.output import OutputSet, read_output
from newsdedup.report import write_report
from pipelines.assign import assign_stories
from pipelines.incidents import Incident, assign_incidents
from pipelines.process import process_document
from pipelines.records import Article, Location, RawDocument, Reject, Story

__all__ = [
    "Article", "Incident", "Location", "OutputSet", "RawDocument", "Reject", "RunSummary",
    "Story", "assign_incidents", "assign_stories", "cluster_dump", "crawl", "explain",
    "process_document", "read_output", "write_report",
]
