"""How long the two synthetic samples take to generate: the genre sample (100 tracks of 30 s)
and the emotion sample (160 clips of 12 s), as notebooks 00 and 11 generate them in a fresh clone
(tests generate smaller ones with the same code).

    python benchmarks/sample_benchmark.py             # both samples, the default sizes
    python benchmarks/sample_benchmark.py --repeat 3  # the least CPU time of three runs of each

Each sample is written into a temporary folder that is removed afterwards. CPU seconds are this
process's own (generation runs in one process), so other work on the machine changes them less
than it changes the wall-clock time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def timed(make, repeat: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of the run, of ``repeat`` runs of ``make(folder)``, that took
    the least CPU time."""
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="course-sample-benchmark-") as tmp:
            cpu, wall = time.process_time(), time.perf_counter()
            make(Path(tmp) / "sample")
            runs.append((time.process_time() - cpu, time.perf_counter() - wall))
    return min(runs)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each; the one with the least CPU time counts"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    from course.emotion_data import CLIP_SECONDS, DEFAULT_SONGS, make_emotion_sample
    from course.sample import DEFAULT_TRACKS_PER_GENRE, make_sample
    from course.settings import GENRES

    samples = {
        f"genre sample, {DEFAULT_TRACKS_PER_GENRE * len(GENRES)} tracks of 30 s": lambda d: (
            make_sample(d, progress=False)
        ),
        f"emotion sample, {DEFAULT_SONGS} clips of {CLIP_SECONDS:g} s": lambda d: (
            make_emotion_sample(d, progress=False)
        ),
    }
    print(f"Synthetic samples, {os.cpu_count()} CPU cores, least CPU of {args.repeat} run(s)\n")
    print("| sample | CPU s | wall s |\n|---|---|---|")
    for name, make in samples.items():
        cpu, wall = timed(make, args.repeat)
        print(f"| {name} | {cpu:.1f} | {wall:.1f} |")


if __name__ == "__main__":
    main()
