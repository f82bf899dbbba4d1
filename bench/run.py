"""Run every benchmark and write BENCHMARKS.md at the repo root.

    python -m bench.run            # full: < 30 min on 2 cores
    python -m bench.run --quick    # a few minutes: smaller sets and scales

Needs ../shared (the evaluation data beside the checkout); exits with status 2 without it.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
OUTPUT = REPO / "BENCHMARKS.md"
PACKAGES = ("numpy", "datasketch", "trafilatura", "OpenCC", "lxml", "charset-normalizer",
            "langdetect", "Scrapy")
# --quick extracts only the Chinese sets: the ones the project cares most about, and small.
QUICK_EXTRACTION_SETS = ("chinese-wce-69", "fundus-cjk")
# Seconds allowed for the extraction section ({quick: limit}); it took 111 s (full, 2 workers)
# and 36 s (--quick) when measured, so these leave room for a noisy machine.
EXTRACTION_TIMEOUT = {False: 480, True: 150}
CRAWL_SCALE = {False: 500, True: 100}  # filler articles per outlet: 500 gives > 2,000 pages
CRAWL_TIMEOUT = 900


def machine() -> list[str]:
    """Lines describing where the numbers were measured."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        memory = f"{mem_kb / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        memory = "unknown"
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return [f"- Machine: {len(os.sched_getaffinity(0))} CPUs usable (nproc), {memory} RAM, "
            f"CPU {cpu}, {platform.system()} {platform.release()}",
            f"- Python {platform.python_version()}; " + ", ".join(versions)]


def extraction_section(quick: bool) -> str:
    """bench.extraction's tables (all sets; the Chinese ones with --quick)."""
    from bench import extraction

    sets = QUICK_EXTRACTION_SETS if quick else extraction.SETS
    note = f"Sets: {', '.join(sets)} (--quick).\n\n" if quick else ""
    return note + extraction.to_markdown(extraction.run(SHARED, workers=2, sets=sets))


def section_in_subprocess(module_args: list[str], limit: int, name: str) -> str:
    """A section's markdown from ``python -m …`` in its own process group, killed after
    ``limit`` s: a hung stage cannot eat the time budget, and a Scrapy crawl gets the fresh
    process its reactor needs."""
    cmd = [sys.executable, "-m", *module_args]
    child = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    try:
        out, err = child.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the group we started: the child and its pool
        child.communicate()
        return f"_{name} benchmark stopped after {limit} s (time limit of this run)._"
    if child.returncode:
        return f"_{name} benchmark failed (exit {child.returncode}):_\n\n```\n{err[-2000:]}```"
    return out.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks and write BENCHMARKS.md.")
    parser.add_argument("--quick", action="store_true", help="smaller sets and scales")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--extraction-only", action="store_true",
                        help="print the extraction section's markdown and exit (used internally)")
    args = parser.parse_args(argv)
    if args.extraction_only:
        print(extraction_section(args.quick))
        return 0
    if not (SHARED / "data" / "extraction").is_dir():
        print(f"bench.run: evaluation data not found at {SHARED}/data/extraction — the benchmarks "
              "need the ../shared folder beside the repo checkout.", file=sys.stderr)
        return 2
    from bench import clustering

    command = "python -m bench.run" + (" --quick" if args.quick else "") + \
        (f" --seed {args.seed}" if args.seed else "")
    started = time.perf_counter()
    sections = []
    t0 = time.perf_counter()
    sections += ["## Extraction", "",
                 section_in_subprocess(["bench.run", "--extraction-only"] + ["--quick"] * args.quick,
                                       EXTRACTION_TIMEOUT[args.quick], "Extraction"), "",
                 f"_Extraction section: {time.perf_counter() - t0:.0f} s._", ""]
    t0 = time.perf_counter()
    sections += [clustering.to_markdown(clustering.run(args.quick, args.seed)),
                 f"_Clustering sections: {time.perf_counter() - t0:.0f} s._", ""]
    sections += [section_in_subprocess(["bench.viral"], 600, "Viral story"), ""]
    t0 = time.perf_counter()
    from bench import incidents
    sections += [incidents.to_markdown(incidents.run()), "",
                 f"_Incidents section: {time.perf_counter() - t0:.0f} s._", ""]
    t0 = time.perf_counter()
    scale = CRAWL_SCALE[args.quick]
    sections += [f"Command: `python -m bench.crawl_bench --scale {scale}`.", "",
                 section_in_subprocess(["bench.crawl_bench", "--scale", str(scale)],
                                       CRAWL_TIMEOUT, "Crawl"), "",
                 f"_Crawl section: {time.perf_counter() - t0:.0f} s._", ""]
    t0 = time.perf_counter()
    if shutil.which("redis-server"):
        redis_args = ["bench.redis_bench", "--scale", str(scale)] + \
            (["--docs", "10000"] if args.quick else [])
        sections += [section_in_subprocess(redis_args, CRAWL_TIMEOUT, "Redis mode"), "",
                     f"_Redis section: {time.perf_counter() - t0:.0f} s._", ""]
    else:
        sections += ["## Redis mode (several workers)", "",
                     "_Skipped: redis-server is not installed (`make test` installs it as root)._",
                     ""]
    head = ["# Benchmarks", "", f"Command: `{command}` (from the repo root; total "
            f"{(time.perf_counter() - started) / 60:.1f} min).", "", *machine(), "",
            "Times are wall-clock on a shared, noisy machine: compare ratios within one run, not "
            "absolute times across runs.", ""]
    tmp = OUTPUT.with_suffix(".md.tmp")
    tmp.write_text("\n".join(head + sections).rstrip() + "\n", encoding="utf-8")
    os.replace(tmp, OUTPUT)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
