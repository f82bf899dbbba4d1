"""newsdedup: Chinese + English news pages in, stories (copies) and incidents (events) out.

The public face of the project: the command line (``newsdedup.cli``), the readers of dumps, the
output-folder contract and the report. The stages live in ``pipelines`` (per document), the
algorithms in ``dedupe`` (pure) and the Scrapy crawler in ``crawler``.
"""
