"""Scale benchmark: how long the course's main job takes at GTZAN's size.

Generates a synthetic set the size of GTZAN (10 genres x 100 tracks of 30 s, the course's own
sample recipes), then times, in one run on this machine:

1. ``prepare``: MFCC features of all 1000 tracks (no cache);
2. a one-seed, three-model ``compare`` with the notes' setting (30 epochs).

It prints the figures and the command that repeats them. This is a benchmark, not a test: run
it by hand, on an otherwise idle machine.

    python benchmarks/scale_benchmark.py                 # the full benchmark
    python benchmarks/scale_benchmark.py --tracks 20 --epochs 2   # a quick look
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--tracks", type=int, default=100, help="tracks per genre (GTZAN: 100)")
    ap.add_argument("--epochs", type=int, default=30, help="epochs per model (the notes: 30)")
    ap.add_argument("--models", default="mlp,cnn,lstm")
    ap.add_argument(
        "--dir", default=None, help="where to generate the data (default: a temporary folder)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the generated data")
    args = ap.parse_args(argv)

    os.environ.setdefault("TQDM_DISABLE", "1")
    from course.experiments import compare
    from course.features import prepare
    from course.sample import make_sample

    workdir = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="course-bench-"))
    data = workdir / "gtzan_size_sample"
    figures = {}
    try:
        start = time.perf_counter()
        make_sample(data, tracks_per_genre=args.tracks, progress=False)
        figures["generate the data"] = time.perf_counter() - start

        start = time.perf_counter()
        features = prepare(str(data), cache=False, progress=False)
        figures["prepare (MFCC features)"] = time.perf_counter() - start

        models = [m for m in args.models.split(",") if m]
        start = time.perf_counter()
        comparison = compare(
            features, models, protocol="notes", seeds=[0], epochs=args.epochs, progress=False
        )
        split = comparison.splits[0]
        figures[f"compare ({', '.join(models)}; {args.epochs} epochs, one seed)"] = (
            time.perf_counter() - start
        )
    finally:
        if not args.keep and not args.dir:
            shutil.rmtree(workdir, ignore_errors=True)

    n_tracks = 10 * args.tracks
    print(
        f"Scale benchmark: {n_tracks} synthetic tracks of 30 s, {len(features.labels)} segments "
        f"({len(split.train)} training)"
    )
    print(
        f"Machine: {os.cpu_count()} CPU cores, Python {platform.python_version()}, no GPU used"
        if not _gpu()
        else f"Machine: {os.cpu_count()} CPU cores, GPU available"
    )
    print()
    print("| step | seconds |")
    print("| --- | ---: |")
    for step, seconds in figures.items():
        print(f"| {step} | {seconds:.0f} |")
    print(f"| prepare throughput | {n_tracks / figures['prepare (MFCC features)']:.1f} tracks/s |")
    print()
    print(comparison.table())
    print()
    print("Synthetic data: the accuracies are not GTZAN results; the times are the point.")
    print("Repeat with: python benchmarks/scale_benchmark.py " + " ".join(sys.argv[1:]))
    return 0


def _gpu() -> bool:
    from course.models import import_keras

    import_keras()
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


if __name__ == "__main__":
    sys.exit(main())
