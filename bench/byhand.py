"""The by-hand anchors of the whole-process benchmark, as a user writes them in an afternoon.

    python -m bench.byhand text IN.jsonl OUT.jsonl   # MinHash + LSH + union-find over "text"
    python -m bench.byhand html IN.jsonl OUT.jsonl   # plain trafilatura.extract over "html"

``text``: each record's text case-folded, token shingles (a token is one CJK character or one
word; ``SHINGLE`` tokens each), one datasketch ``MinHash(num_perm=128)`` per text, a
``MinHashLSH`` at ``THRESHOLD``, union-find over every candidate (bench.baseline); one process.
Writes one ``{"url": …, "cluster": n}`` line per record. ``html``: ``trafilatura.extract`` with
default options per page; writes ``{"url": …, "text": …}``.
"""
from __future__ import annotations

import json
import sys

from bench.baseline import baseline_clusters, baseline_minhashes

SHINGLE = ("token", 3)  # word/character 3-grams: the usual by-hand choice for mixed zh/en
THRESHOLD = 0.5  # datasketch's example threshold; what a user picks without tuning


def _records(path: str):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def text_main(src: str, dst: str) -> None:
    urls, texts = [], []
    for rec in _records(src):
        urls.append(rec["url"])
        texts.append(rec["text"].casefold())
    clusters = baseline_clusters(urls, baseline_minhashes(texts, *SHINGLE), THRESHOLD)
    with open(dst, "w", encoding="utf-8") as out:
        for n, cluster in enumerate(clusters):
            for url in cluster:
                out.write(json.dumps({"url": url, "cluster": n}) + "\n")


def html_main(src: str, dst: str) -> None:
    import trafilatura

    with open(dst, "w", encoding="utf-8") as out:
        for rec in _records(src):
            text = trafilatura.extract(rec["html"]) or ""
            out.write(json.dumps({"url": rec["url"], "text": text}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    mode, src, dst = sys.argv[1:4]
    {"text": text_main, "html": html_main}[mode](src, dst)
