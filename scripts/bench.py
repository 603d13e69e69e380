"""Run citykg's benchmarks: one script per area, each writing its own page under docs/.

    python scripts/bench.py                 # every area
    python scripts/bench.py queries viz     # some areas

docs/benchmarks.md is the index of those pages with the goals of each area; the figures live in the pages.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: area → the script and the arguments that write its page.
AREAS: dict[str, list[str]] = {
    "build": ["scripts/bench_build.py", "--out", "docs/bench-build.md"],
    "queries": ["scripts/bench_queries.py", "--out", "docs/bench-queries.md"],
    "network": ["scripts/bench_network.py", "--out", "docs/bench-network.md"],
    "viz": ["scripts/bench_viz.py", "--sizes", "150", "2000", "5000"],  # prints the table of docs/bench-viz.md
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("areas", nargs="*", metavar="AREA", help=f"some of {', '.join(AREAS)} (default: all)")
    areas = parser.parse_args().areas or list(AREAS)
    unknown = sorted(set(areas) - set(AREAS))
    if unknown:
        parser.error(f"unknown area {', '.join(unknown)}; choose from {', '.join(AREAS)}")
    failed = []
    for area in areas:
        print(f"== {area}: {' '.join(AREAS[area])}", flush=True)
        if subprocess.run([sys.executable, *AREAS[area]], cwd=ROOT).returncode != 0:
            failed.append(area)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
