"""Redis mode: crawl pages/s with 1 vs 2 workers, LSH insert rate Redis vs in-memory, and Redis
memory per 100k indexed articles.

    python -m bench.redis_bench [--scale 500] [--docs 100000]

Starts its own redis-server on a free loopback port (no persistence), stopped by PID.
(a) crawl: the loopback fixture network (tests/netfixture, ``scale`` generated articles per
    outlet), one process without Redis, then 1 and 2 Redis-mode workers (``--workers N``), each
    into a fresh out dir and a fresh Redis namespace; pages/s = article pages served / wall time
    of the whole command (the workers' merged export included); once with pages served at once,
    once with the server taking 200 ms per page.
(b) index: the scaled syndicated texts of bench.syndicate (needs ../shared) added in batches to
    dedupe.StoryIndex (in memory) and to the shared index in Redis; Redis ``used_memory`` before
    and after gives bytes per article.
"""
from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from bench.crawl_bench import BENCH_SETTINGS, article_paths  # noqa: E402
from netfixture.harness import FixtureServer, crawl_command, write_sources  # noqa: E402

CRAWL_BATCH = 50  # a crawl commits (and publishes to the shared index) ~50 articles at a time


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (make test installs it as root)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            return proc, f"redis://127.0.0.1:{port}/0"
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def crawl(server: FixtureServer, sources: Path, out: Path, paths: set, extra: list[str],
          **settings) -> dict:
    before = len(server.requests())
    started = time.time()
    cmd = crawl_command(sources, out, server.proxy, **BENCH_SETTINGS, **settings) + extra
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=3600)
    wall = time.time() - started
    if done.returncode != 0:
        raise RuntimeError(f"crawl failed: {done.stderr[-2000:]}")
    requests = server.requests()[before:]
    pages = [r for r in requests if r["status"] == 200 and (r["host"], r["path"]) in paths]
    stories = (out / "stories.jsonl").read_text(encoding="utf-8").count("\n")
    articles = (out / "articles.jsonl").read_text(encoding="utf-8").count("\n")
    return {"wall": wall, "pages": len(pages), "pages_per_s": len(pages) / wall,
            "articles": articles, "stories": stories,
            "fetched_twice": len(pages) - len({(r["host"], r["path"]) for r in pages})}


def crawl_section(url: str, scale: int, delay: float) -> list[tuple[str, dict]]:
    """One process, then 1 and 2 Redis workers; ``delay``: seconds the server takes per page."""
    with tempfile.TemporaryDirectory(prefix="redis-bench-") as tmp:
        tmp = Path(tmp)
        sources = write_sources(tmp / "sources.toml", scale=scale, failing=False)
        server = FixtureServer.start(tmp / "requests.jsonl", scale=scale, delay=delay)
        paths = article_paths(scale)
        tag = f"server {delay * 1000:.0f} ms/page"
        try:
            rows = [(f"{tag}: one process, SQLite store (no Redis)",
                     crawl(server, sources, tmp / "single", paths, []))]
            for n in (1, 2):
                extra = ["--redis-url", url, "--run-id", f"bench-{delay}-{n}", "--workers", str(n)]
                rows.append((f"{tag}: Redis mode, {n} worker{'s' if n > 1 else ''}",
                             crawl(server, sources, tmp / f"redis{n}", paths, extra,
                                   NEWSDEDUP_REDIS_NAMESPACE=f"bench-{delay}-{n}")))
        finally:
            server.stop()
    return rows


def index_section(url: str, n_docs: int) -> dict:
    import redis

    from bench.throughput import scaled as _scaled
    from crawler.redis_backend import shared_story_index
    from dedupe import StoryDoc, StoryIndex

    docs = [StoryDoc(d.id, d.text, None, len(d.text)) for d in _scaled(n_docs, 0)]
    client = redis.Redis.from_url(url)
    result = {"docs": n_docs}
    sample = docs[:min(10_000, n_docs)]
    for batch in (CRAWL_BATCH, 1000):
        memory = StoryIndex()
        started = time.perf_counter()
        for i in range(0, len(sample), batch):
            memory.add_many(sample[i:i + batch])
        result[f"memory_rate_{batch}"] = len(sample) / (time.perf_counter() - started)
        shared = shared_story_index(url, namespace=f"rate{batch}")
        started = time.perf_counter()
        for i in range(0, len(sample), batch):
            shared.add_many(sample[i:i + batch])
        result[f"redis_rate_{batch}"] = len(sample) / (time.perf_counter() - started)
        same = shared.clusters() == memory.clusters()
        result[f"same_{batch}"] = same
        client.flushdb()
    before = client.info("memory")["used_memory"]
    shared = shared_story_index(url, namespace="memory")
    for i in range(0, n_docs, 1000):
        shared.add_many(docs[i:i + 1000])
    result["bytes_per_article"] = (client.info("memory")["used_memory"] - before) / n_docs
    result["keys"] = client.dbsize()
    client.flushdb()
    return result


def run(scale: int = 500, n_docs: int = 100_000, with_index: bool = True) -> dict:
    with tempfile.TemporaryDirectory(prefix="redis-server-") as workdir:
        proc, url = start_redis(Path(workdir))
        try:
            data = {"scale": scale, "network_pages": len(article_paths(scale)),
                    "crawl": crawl_section(url, scale, 0.0) + crawl_section(url, scale, 0.2)}
            if with_index:
                data["index"] = index_section(url, n_docs)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return data


def to_markdown(data: dict) -> str:
    lines = ["## Redis mode (several workers)", "",
             f"Command: `python -m bench.redis_bench --scale {data['scale']}`; a private "
             "redis-server on loopback.", "",
             f"Crawl of the loopback fixture network ({data['network_pages']} article URLs, "
             "politeness delays off); wall time of the whole command, merged export included. "
             "At 0 ms the crawl is CPU-bound (extraction); 200 ms per page plays slow outlets, "
             "where a worker's per-domain concurrency caps it:", "",
             "| configuration | article pages | wall s | pages/s | articles | stories | "
             "pages fetched twice |", "|---|---:|---:|---:|---:|---:|---:|"]
    for label, r in data["crawl"]:
        lines.append(f"| {label} | {r['pages']} | {r['wall']:.1f} | {r['pages_per_s']:.0f} | "
                     f"{r['articles']} | {r['stories']} | {r['fetched_twice']} |")
    if "index" in data:
        ix = data["index"]
        lines += ["", "Story index (sketch + LSH insert + verification), scaled syndicated texts "
                  "(first 10,000 docs), docs/s:", "",
                  "| batch | in memory (StoryIndex) | Redis (SharedStoryIndex) | memory ÷ Redis | "
                  "same clusters |", "|---:|---:|---:|---:|---|"]
        for batch in (CRAWL_BATCH, 1000):
            mem, red = ix[f"memory_rate_{batch}"], ix[f"redis_rate_{batch}"]
            lines.append(f"| {batch} | {mem:,.0f} | {red:,.0f} | {mem / red:.1f}× | "
                         f"{ix[f'same_{batch}']} |")
        per = ix["bytes_per_article"]
        lines += ["", f"Redis memory: {per:,.0f} bytes per indexed article measured over "
                  f"{ix['docs']:,} articles (`used_memory` growth; {ix['keys']:,} keys) = "
                  f"{per * 100_000 / 2**20:,.0f} MiB per 100k articles, "
                  f"{per * 1_000_000 / 2**30:,.1f} GiB per million. Most of it is the band table "
                  "in datasketch's Redis layout (one Redis set plus one hash field per band key)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=500, help="filler articles per outlet")
    ap.add_argument("--docs", type=int, default=100_000, help="articles for the memory figure")
    ap.add_argument("--no-index", action="store_true", help="crawl section only (no ../shared)")
    args = ap.parse_args(argv)
    print(to_markdown(run(args.scale, args.docs, not args.no_index)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
