"""Viral-story benchmark: one story copied thousands of times clusters in linear memory.

Runs ``dedupe.group_stories`` on N copies of one 80-word text (verbatim, and in 7 variants: a
different source line each) in a fresh child process and reports peak RSS (ru_maxrss) and time.
Before the run cap of issue 12, 1,000 verbatim copies took 1.8 GB and 3,000 a MemoryError.

    python -m bench.viral [--copies 10000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

CHILD = """
import json, resource, sys, time
from dedupe import StoryDoc, group_stories
n, kind = int(sys.argv[1]), sys.argv[2]
text = ("the minister said on tuesday that the new rail line would open next spring after years "
        "of delay and a budget that doubled while engineers fought flooding in two tunnels under "
        "the river and residents of the northern suburbs waited for a faster way into the city "
        "centre where most of them work and shop every day of the week said officials")
docs = [StoryDoc(f"d{i:06d}", text + (f" source {i % 7}" if kind == "variants" else ""), None,
                 len(text)) for i in range(n)]
start = time.perf_counter()
clusters = group_stories(docs)
print(json.dumps({"seconds": time.perf_counter() - start, "stories": len(clusters),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(copies: int, kind: str) -> dict:
    """Peak RSS (MB, the whole child process incl. the interpreter) and seconds of clustering."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(copies), kind], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def to_markdown(copies: int) -> str:
    rows = ["## Viral story (one text, many copies)", "",
            f"`python -m bench.viral --copies {copies}`: `group_stories` in a fresh process.", "",
            "| copies | kind | stories | peak RSS (MB) | seconds |", "|---|---|---|---|---|"]
    for kind in ("verbatim", "variants"):
        r = measure(copies, kind)
        rows.append(f"| {copies:,} | {kind} | {r['stories']} | {r['maxrss_mb']:.0f} | "
                    f"{r['seconds']:.2f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10_000)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    print(to_markdown(args.copies))
    print(f"\n_Viral section: {time.perf_counter() - t0:.0f} s._")
    return 0


if __name__ == "__main__":
    sys.exit(main())
