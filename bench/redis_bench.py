"""Redis mode: crawl wall time and CPU with 1, 2 and 4 workers against one plain process, global
politeness per outlet, many outlets, the shared index's insert rate and Redis memory per article.

    python -m bench.redis_bench [--scale 500] [--docs 100000] [--sections fixture,outlets,index]
                                [--repeat N]

Starts its own redis-server on a free loopback port (no persistence), stopped by PID. Every
configuration crawls into a fresh out dir and Redis namespace; wall = the whole command (the
workers' merged export included); CPU = user + system seconds of the command's whole process
tree (workers, extraction pools), per stored article; the Redis server's own CPU is shown apart.
The machine may be shared: compare ratios within one run, not across runs.
(a) fixture: the loopback fixture network (tests/netfixture, ``scale`` generated articles per
    outlet, bench.crawl_bench's settings: politeness delays off, 8 per outlet) with the server
    answering at once, after 200 ms and after 1,000 ms per page;
(b) outlets (bench/outlets.py): 4 outlets on 127.0.0.1-4, 60 pages each, 200 ms per page, the
    shipped politeness settings (AutoThrottle, 2 per outlet): wall time and the most requests
    any outlet had in flight at once, as seen by the server; then 64 outlets on 127.0.0.1-64,
    10 pages each, 1,000 ms per page, AutoThrottle off and 16 requests at once per process (the
    shipped global limit), so one process is capped by its concurrency;
(c) index: the scaled syndicated texts of bench.syndicate (needs ../shared) added in batches to
    dedupe.StoryIndex (in memory) and to the shared index in Redis; Redis ``used_memory`` before
    and after gives bytes per article.
"""
from __future__ import annotations

import argparse
import json
import resource
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
from bench.outlets import OutletServer, max_concurrency  # noqa: E402
from bench.outlets import write_sources as outlet_sources  # noqa: E402
from netfixture.harness import FixtureServer, crawl_command, write_sources  # noqa: E402

CRAWL_BATCH = 50  # a crawl commits (and publishes to the shared index) ~50 articles at a time
WORKERS = (1, 2, 4)
FIXTURE_DELAYS = (0.0, 0.2, 1.0)
SHIPPED = {"LOG_LEVEL": "WARNING"}  # crawler/settings.py as shipped: politeness on
MANY_OUTLETS = {"LOG_LEVEL": "WARNING", "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}


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


def redis_cpu(url: str) -> float:
    import redis

    info = redis.Redis.from_url(url).info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def run_command(cmd: list[str], out: Path, url: str) -> dict:
    """Wall, process-tree CPU and Redis CPU of one crawl command; its output line counts."""
    before, redis_before = resource.getrusage(resource.RUSAGE_CHILDREN), redis_cpu(url)
    started = time.time()
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=3600)
    wall = time.time() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"crawl failed: {done.stderr[-2000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    articles = (out / "articles.jsonl").read_text(encoding="utf-8").count("\n")
    return {"wall": wall, "cpu": cpu, "cpu_per_article": cpu / max(articles, 1),
            "redis_cpu": redis_cpu(url) - redis_before, "articles": articles,
            "stories": (out / "stories.jsonl").read_text(encoding="utf-8").count("\n")}


def redis_args(url: str, tag: str, workers: int) -> list[str]:
    return ["--redis-url", url, "--run-id", tag, "--workers", str(workers),
            "--set", f'NEWSDEDUP_REDIS_NAMESPACE="{tag}"']


def configurations(url: str, tag: str) -> list[tuple[str, int, list[str]]]:
    """(label, workers, extra arguments): the plain process, then 1, 2 and 4 Redis workers."""
    return [("one process (no Redis)", 0, [])] + [
        (f"Redis, {n} worker{'s' if n > 1 else ''}", n, redis_args(url, f"{tag}-{n}", n))
        for n in WORKERS]


def fixture_section(url: str, scale: int, delay: float) -> list[tuple[str, dict]]:
    with tempfile.TemporaryDirectory(prefix="redis-bench-") as tmp:
        tmp = Path(tmp)
        sources = write_sources(tmp / "sources.toml", scale=scale, failing=False)
        server = FixtureServer.start(tmp / "requests.jsonl", scale=scale, delay=delay)
        paths = article_paths(scale)
        rows = []
        try:
            for label, n, extra in configurations(url, f"fx{delay}"):
                first = len(server.requests())
                out = tmp / f"out{n}"
                row = run_command(crawl_command(sources, out, server.proxy, **BENCH_SETTINGS)
                                  + extra, out, url)
                pages = [r for r in server.requests()[first:]
                         if r["status"] == 200 and (r["host"], r["path"]) in paths]
                row.update(pages=len(pages), pages_per_s=len(pages) / row["wall"],
                           fetched_twice=len(pages) - len({(r["host"], r["path"]) for r in pages}))
                rows.append((f"{delay * 1000:.0f} ms/page: {label}", row))
        finally:
            server.stop()
    return rows


def outlets_section(url: str, outlets: int, pages: int, delay: float, settings: dict,
                    workers: tuple[int, ...], repeat: int = 1) -> list[tuple[str, dict]]:
    """One row per configuration; with ``repeat`` > 1 the configurations run in turn that many
    times (so a burst of load on a shared machine hits all of them) and each row shows the
    median run by wall time, with the fastest and slowest wall."""
    runs: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="redis-outlets-") as tmp:
        tmp = Path(tmp)
        server = OutletServer.start(tmp / "requests.jsonl", outlets, pages, delay)
        try:
            sources = outlet_sources(tmp / "sources.toml", outlets, server.port)
            for attempt in range(repeat):  # a fresh run id and namespace every time
                for label, n, extra in configurations(url, f"ol{outlets}r{attempt}"):
                    if not n or n in workers:
                        runs.setdefault(label, []).append(
                            outlet_run(url, server, sources, tmp / f"out{n}-{attempt}",
                                       settings, extra))
        finally:
            server.stop()
    rows = []
    plain = runs.get(configurations(url, "")[0][0], [])
    for label, done in runs.items():
        # speed-up against the plain process of the same round, whose load was the same
        paired = sorted(p["wall"] / r["wall"] for p, r in zip(plain, done))
        done = sorted(done, key=lambda r: r["wall"])
        row = dict(done[(len(done) - 1) // 2])  # the median run (the lower one of two)
        row.update(runs=len(done), wall_min=round(done[0]["wall"], 1),
                   wall_max=round(done[-1]["wall"], 1),
                   paired_min=f"{paired[0]:.2f}" if paired else "",
                   paired_median=f"{paired[(len(paired) - 1) // 2]:.2f}" if paired else "")
        rows.append((f"{outlets} outlets, {delay * 1000:.0f} ms/page: {label}", row))
    return rows


def outlet_run(url: str, server: OutletServer, sources: Path, out: Path, settings: dict,
               extra: list[str]) -> dict:
    """One crawl of the outlets: the run_command figures plus what the outlets' server saw."""
    first = len(server.requests())
    cmd = [sys.executable, "-m", "newsdedup", "crawl", "--sources", str(sources),
           "--out", str(out), "--quiet"]
    for key, value in settings.items():
        cmd += ["--set", f"{key}={json.dumps(value)}"]
    row = run_command(cmd + extra, out, url)
    served = [r for r in server.requests()[first:] if r["path"].startswith("/a/")]
    ok = [r for r in served if r["status"] == 200]
    peak = max_concurrency(served)
    fetch = max((r["end"] for r in ok), default=0) - min((r["start"] for r in served), default=0)
    row.update(pages=len(ok), pages_per_s=len(ok) / row["wall"],
               fetched_twice=len(ok) - len({(r["host"], r["path"]) for r in ok}),
               max_per_outlet=max(peak.values(), default=0), outlets_seen=len(peak),
               fetch_s=round(fetch, 1), fetch_pages_per_s=round(len(ok) / fetch, 1) if fetch else 0)
    return row


def index_section(url: str, n_docs: int) -> dict:
    import redis

    from bench.throughput import scaled as _scaled
    from crawler.redis_backend import shared_story_index
    from dedupe import StoryDoc, StoryIndex

    docs = [StoryDoc(d.id, d.text, None, len(d.text)) for d in _scaled(n_docs, 0)]
    client = redis.Redis.from_url(url)
    client.flushdb()
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
        result[f"same_{batch}"] = shared.clusters() == memory.clusters()
        client.flushdb()
    before = client.info("memory")["used_memory"]
    shared = shared_story_index(url, namespace="memory")
    for i in range(0, n_docs, 1000):
        shared.add_many(docs[i:i + 1000])
    result["bytes_per_article"] = (client.info("memory")["used_memory"] - before) / n_docs
    result["keys"] = client.dbsize()
    client.flushdb()
    return result


def run(scale: int = 500, n_docs: int = 100_000, sections: tuple[str, ...] = ("fixture",
        "outlets", "index"), repeat: int = 1) -> dict:
    data = {"scale": scale, "network_pages": len(article_paths(scale)), "crawl": []}
    with tempfile.TemporaryDirectory(prefix="redis-server-") as workdir:
        proc, url = start_redis(Path(workdir))
        try:
            if "outlets" in sections:
                data["repeat"] = repeat
                data["outlets"] = (
                    outlets_section(url, 4, 60, 0.2, SHIPPED, (1, 2), repeat)
                    + outlets_section(url, 64, 10, 1.0, MANY_OUTLETS, (2,), repeat))
            if "fixture" in sections:
                for delay in FIXTURE_DELAYS:
                    data["crawl"] += fixture_section(url, scale, delay)
            if "index" in sections:
                data["index"] = index_section(url, n_docs)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return data


def _table(rows: list[tuple[str, dict]], extra: tuple[str, ...] = ()) -> list[str]:
    plain = {}
    lines = ["| configuration | article pages | wall s | × one process | CPU s | CPU ms per "
             "article | × one process | Redis CPU s | articles | stories | fetched twice |"
             + "".join(f" {e} |" for e in extra),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(extra)]
    for label, r in rows:
        group = label.split(":")[0]
        if "one process" in label:
            plain[group] = r
        base = plain.get(group, r)
        lines.append(
            f"| {label} | {r['pages']} | {r['wall']:.1f} | {base['wall'] / r['wall']:.2f} | "
            f"{r['cpu']:.1f} | {r['cpu_per_article'] * 1000:.0f} | "
            f"{r['cpu_per_article'] / base['cpu_per_article']:.2f} | {r['redis_cpu']:.1f} | "
            f"{r['articles']} | {r['stories']} | {r['fetched_twice']} |"
            + "".join(f" {r[e]} |" for e in extra))
    return lines


def to_markdown(data: dict) -> str:
    lines = ["## Redis mode (several workers)", "",
             f"Command: `python -m bench.redis_bench --scale {data['scale']}`; a private "
             "redis-server on loopback. Wall and CPU of the whole command (process tree, merged "
             "export included); \"× one process\" = the plain process's wall ÷ this wall (speed-up) "
             "and this CPU per article ÷ the plain one's; measured in one run on a shared machine, "
             "so compare within a table.", ""]
    if data["crawl"]:
        lines += [f"Loopback fixture network ({data['network_pages']} article URLs, "
                  "bench.crawl_bench settings: politeness delays off, 8 requests per outlet). At "
                  "0 ms the crawl is CPU-bound (extraction); with slow pages the per-outlet "
                  "limit caps it — shared by all workers, so more workers cannot go faster:", ""]
        lines += _table(data["crawl"])
    if data.get("outlets"):
        lines += ["", "Outlets on their own loopback addresses (bench/outlets.py): 4 outlets "
                  "x 60 pages at 200 ms/page with the shipped politeness settings; 64 outlets "
                  "x 10 pages at 1,000 ms/page, AutoThrottle off, 16 requests at once per "
                  "process. \"max per outlet\" = the most requests one outlet had in flight at "
                  "once, seen by its server:", ""]
        lines += _table(data["outlets"], ("max_per_outlet", "outlets_seen", "fetch_s",
                                          "fetch_pages_per_s", "runs", "wall_min", "wall_max",
                                          "paired_min", "paired_median"))
        lines += ["", "fetch_s: from the first article request to the last article answer, at the "
                  "server (the crawl without process start-up and the final export); "
                  "fetch_pages_per_s: article pages over that span. With `--repeat "
                  f"{data.get('repeat', 1)}` the configurations ran in turn that many times: "
                  "each row is the median run by wall (its figures), wall_min / wall_max the "
                  "fastest and slowest; paired_min / paired_median: the plain process's wall ÷ "
                  "this one's within each round (the same load on both), lowest and median."]
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
                  f"{per * 1_000_000 / 2**30:,.2f} GiB per million (crawler/redis_index.py: "
                  "band entries packed 6 bytes each in 65,536 buckets, sketches ~456 B, ids)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=500, help="filler articles per outlet")
    ap.add_argument("--docs", type=int, default=100_000, help="articles for the memory figure")
    ap.add_argument("--sections", default="fixture,outlets,index",
                    help="comma-separated: fixture, outlets, index (index needs ../shared)")
    ap.add_argument("--no-index", action="store_true", help="leave out the index section")
    ap.add_argument("--repeat", type=int, default=1,
                    help="outlets section: run every configuration this many times, in turn")
    args = ap.parse_args(argv)
    sections = tuple(s for s in args.sections.split(",") if s and
                     not (args.no_index and s == "index"))
    print(to_markdown(run(args.scale, args.docs, sections, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
