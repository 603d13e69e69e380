"""Run citykg's benchmarks: one script per area, each writing its own page under docs/.

    python scripts/bench.py                 # every area
    python scripts/bench.py queries viz     # some areas
    python scripts/bench.py --store S pages # measure the full store S (default: the project's, `make run`)

docs/benchmarks.md is the index of those pages with the goals of each area; the figures live in the pages.
Areas that compare the full graph with the seed graph get a seed store built for the run in a temporary
folder.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: area → the script and the arguments that write its page; {store} is the full store, {seed} a seed store.
AREAS: dict[str, list[str]] = {
    "build": ["scripts/bench_build.py", "--ratios", "--out", "docs/bench-build.md"],
    "queries": ["scripts/bench_queries.py", "--store", "{store}", "--seed-store", "{seed}", "--before",
                "--out", "docs/bench-queries.md"],
    "network": ["scripts/bench_network.py", "--store", "{store}", "--seed-store", "{seed}",
                "--out", "docs/bench-network.md"],
    "viz": ["scripts/bench_viz.py", "--sizes", "150", "2000", "5000"],  # prints the table of docs/bench-viz.md
    "server": ["scripts/bench_server.py", "--store", "{store}", "--out", "docs/bench-server.md"],
    "pages": ["scripts/bench_pages.py", "--full-store", "{store}", "--seed-store", "{seed}",
              "--out", "docs/bench-pages.md"],
    "curation": ["scripts/bench_curation.py", "--out", "docs/curation.md"],
    "world": ["scripts/bench_world.py"],  # prints the sample judged in docs/import.md
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("areas", nargs="*", metavar="AREA", help=f"some of {', '.join(AREAS)} (default: all)")
    parser.add_argument("--store", type=Path, default=ROOT / ".citykg" / "store",
                        help="the full store to measure (default: the project's, built by `make run`)")
    arguments = parser.parse_args()
    areas = arguments.areas or list(AREAS)
    unknown = sorted(set(areas) - set(AREAS))
    if unknown:
        parser.error(f"unknown area {', '.join(unknown)}; choose from {', '.join(AREAS)}")
    if not arguments.store.exists():
        parser.error(f"there is no store at {arguments.store}: run `make run` (or pass --store)")
    failed = []
    with tempfile.TemporaryDirectory(prefix="citykg-bench-") as folder:
        seed = Path(folder) / "seed-store"
        if any("{seed}" in AREAS[area] for area in areas):
            subprocess.run([sys.executable, "-m", "citykg", "--store", str(seed), "build", "--seeds-only", "-q"],
                           cwd=ROOT, check=True)
        for area in areas:
            command = [part.format(store=arguments.store, seed=seed) for part in AREAS[area]]
            print(f"== {area}: {' '.join(command)}", flush=True)
            if subprocess.run([sys.executable, *command], cwd=ROOT).returncode != 0:
                failed.append(area)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
