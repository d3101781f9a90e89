"""How long the test suite takes, part by part: each marker on its own, then the whole suite.

    python benchmarks/suite_times.py                  # every marker, then everything, on all cores
    python benchmarks/suite_times.py --workers 2      # as on a 2-core CI machine
    python benchmarks/suite_times.py --workers 0      # serial, in one process
    python benchmarks/suite_times.py unit notebooks   # only these parts (``all`` is everything)

Each part is one ``python -m pytest -m MARKER`` run in a fresh process, with pytest-xdist's
``--dist loadscope`` (every notebook and test module stays whole on one worker), exactly as the
README's test command runs the full suite. The table gives the wall-clock seconds, the tests
run and pytest's own summary line; the parts overlap nothing, so their times add up to roughly
the full run's plus one start-up per part. Markers are set in ./conftest.py; docs/MAINTAINING.md
says what each holds. Nothing is written but the table on stdout.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("unit", "slow", "notebooks", "browser", "all")


def run_part(part: str, workers: str) -> dict:
    """Run one part of the suite and time it."""
    command = [sys.executable, "-m", "pytest", "-q"]
    if workers != "0":
        command += ["-n", workers, "--dist", "loadscope"]
    if part != "all":
        command += ["-m", part]
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    summary = lines[-1].strip("= ") if lines else "(no output)"
    passed = re.search(r"(\d+) passed", summary)
    return {
        "part": part,
        "seconds": seconds,
        "tests": int(passed.group(1)) if passed else 0,
        "summary": summary,
        "ok": proc.returncode == 0,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("parts", nargs="*", metavar="PART", help=f"any of {', '.join(PARTS)}")
    parser.add_argument(
        "--workers", default="auto", help="pytest-xdist workers: a number, auto, or 0 for serial"
    )
    args = parser.parse_args(argv)
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}; choose from {', '.join(PARTS)}")
    print(f"workers: {args.workers}; command per part: python -m pytest -m PART", flush=True)
    print("| part | seconds | tests | pytest says |\n| --- | ---: | ---: | --- |", flush=True)
    failed = False
    for part in args.parts or PARTS:
        row = run_part(part, args.workers)
        failed |= not row["ok"]
        print(
            f"| {row['part']} | {row['seconds']:.0f} | {row['tests']} | {row['summary']} |",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
