"""The pool of ``cluster``: chunks of bounded size, results in input order whatever the worker
count, work in flight bounded."""
from __future__ import annotations

from pathlib import Path

from newsdedup import dump
from pipelines.decode import decode_html
from pipelines.records import Location, RawDocument, Reject

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "dump"


def _docs() -> list[RawDocument | Reject]:
    """Real sample pages (big) between short text records and rejects, in a known order."""
    docs: list[RawDocument | Reject] = []
    for i, path in enumerate(sorted(SAMPLES.glob("*.html"))):
        html = decode_html(path.read_bytes()).html * (1 + i % 3)  # some pages several times as long
        docs.append(RawDocument(url=f"https://a.example/{i}", location=Location("p", i), html=html))
        docs.append(RawDocument(url=f"https://b.example/{i}", location=Location("t", i),
                                text=f"Record {i}: a short pre-extracted article about river flood barriers "
                                     f"number {i}, long enough to be kept as an article."))
        if i % 4 == 0:
            docs.append(Reject(Location("r", i), "bad-json", "line is not JSON"))
    return docs


def test_chunks_keep_order_and_bound_documents_and_characters():
    docs = _docs()
    chunks = list(dump._chunks(docs))
    assert [d for chunk in chunks for d in chunk] == docs
    for chunk in chunks:
        assert 1 <= len(chunk) <= dump.CHUNK_DOCS
        # only the last document may take a chunk past CHUNK_CHARS
        assert sum(map(dump._size, chunk[:-1])) < dump.CHUNK_CHARS


def test_two_workers_give_one_workers_results_in_input_order(monkeypatch):
    monkeypatch.setattr(dump, "CHUNK_CHARS", 20_000)  # several chunks even on this small input
    monkeypatch.setattr(dump, "CHUNKS_PER_WORKER", 1)
    docs = _docs()
    one = [(result, evidence) for results, _, _ in dump.process_all(docs, workers=1)
           for result, evidence, _ in results]
    batches = list(dump.process_all(iter(docs), workers=2))
    two = [(result, evidence) for results, _, _ in batches for result, evidence, _ in results]
    assert len(one) == len(docs) and two == one
    assert [r.location for r, _ in two] == [d.location for d in docs]
    # each chunk's sketches are of exactly its articles, in its order
    for results, sketched, _ in batches:
        assert sketched.ids == [r.id for r, _, _ in results if not isinstance(r, Reject)]


def test_input_is_read_only_as_far_as_the_work_in_flight(monkeypatch):
    """A long input is not drained into the pool: when the first result comes back, at most
    CHUNKS_PER_WORKER × workers chunks (+ one being formed) have been read."""
    monkeypatch.setattr(dump, "CHUNK_DOCS", 2)
    monkeypatch.setattr(dump, "CHUNKS_PER_WORKER", 2)
    read = 0

    def endless():
        nonlocal read
        while True:
            read += 1
            yield Reject(Location("r", read), "bad-json", "line is not JSON")

    results = dump.process_all(endless(), workers=2)
    next(results)
    assert read <= (2 * 2 + 1) * 2
    results.close()
