"""Feature preparation: the notes' per-segment JSON approach against the course's ``prepare``.

Both run, in one go, on the same generated folder of 30-s tracks (the course's synthetic
recipes, GTZAN's layout), each in a fresh process so its peak memory is its own. Printed for
both: throughput, wall time, peak memory, output size and the time to load the output back
into arrays, then the ratios and the largest difference between the two sets of features.

    python benchmarks/prepare_benchmark.py               # 300 tracks
    python benchmarks/prepare_benchmark.py --tracks 1000 # GTZAN's size

Targets on two CPU cores, from 300 tracks up: at least 3x the baseline's throughput, output at
least 8x smaller, loading at least 10x faster, features identical to float32 precision.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SR, DURATION, SEGMENTS, N_MFCC, N_FFT, HOP = 22050, 30, 10, 13, 2048, 512


def notes_baseline(dataset: Path, json_path: Path) -> None:
    """The notes' way, written out: load each file, loop over its ten segments with one
    librosa.feature.mfcc call each, append nested lists, json.dump with indent=4."""
    import math

    import librosa

    data = {"mapping": [], "labels": [], "mfcc": []}
    samples_per_segment = int(SR * DURATION / SEGMENTS)
    vectors_per_segment = math.ceil(samples_per_segment / HOP)
    label = -1
    # sorted() only so that both approaches list segments in the same order for the comparison
    for dirpath, dirnames, filenames in sorted(os.walk(dataset)):
        dirnames.sort()
        if Path(dirpath) == dataset:
            continue
        data["mapping"].append(Path(dirpath).name)
        label += 1
        for name in sorted(filenames):
            signal, _ = librosa.load(Path(dirpath) / name, sr=SR)
            for d in range(SEGMENTS):
                start = samples_per_segment * d
                mfcc = librosa.feature.mfcc(
                    y=signal[start : start + samples_per_segment],
                    sr=SR,
                    n_mfcc=N_MFCC,
                    n_fft=N_FFT,
                    hop_length=HOP,
                ).T
                if len(mfcc) == vectors_per_segment:
                    data["mfcc"].append(mfcc.tolist())
                    data["labels"].append(label)
    with open(json_path, "w") as fp:
        json.dump(data, fp, indent=4)


def notes_load(json_path: Path):
    import numpy as np

    with open(json_path) as fp:
        data = json.load(fp)
    return np.array(data["mfcc"]), np.array(data["labels"])


def course_prepare(dataset: Path, npz_path: Path) -> None:
    from course.features import prepare

    prepare(str(dataset), out=npz_path, cache=False, progress=False)


def course_load(npz_path: Path):
    from course.features import load_features

    f = load_features(npz_path)
    return f.mfcc, f.labels


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports kilobytes


def run_phase(phase: str, dataset: Path, out: Path) -> None:
    """One measured step, in this (fresh) process; prints a JSON line of its figures. Library
    imports happen before the clock starts, for both approaches."""
    import librosa  # noqa: F401
    import numpy  # noqa: F401

    import course.features  # noqa: F401

    start = time.perf_counter()
    if phase == "notes":
        notes_baseline(dataset, out)
    elif phase == "course":
        course_prepare(dataset, out)
    elif phase == "notes-load":
        notes_load(out)
    elif phase == "course-load":
        course_load(out)
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}))


def measure(phase: str, dataset: Path, out: Path) -> dict:
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            phase,
            "--dataset",
            str(dataset),
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TQDM_DISABLE": "1"},
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--tracks", type=int, default=300, help="tracks in all (a multiple of 10)")
    ap.add_argument("--dir", default=None, help="working folder (default: a temporary one)")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--dataset", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase:
        run_phase(args.phase, Path(args.dataset), Path(args.output))
        return 0

    import numpy as np

    from course.sample import make_sample

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="course-prepare-bench-"))
    dataset = work / "tracks"
    try:
        make_sample(dataset, tracks_per_genre=max(1, args.tracks // 10), progress=False)
        (dataset / "SAMPLE.json").unlink()  # a plain folder of genre folders, as a learner has
        n = len(list(dataset.rglob("*.wav")))
        json_path, npz_path = work / "data.json", work / "data.npz"
        figures = {}
        for name, phase, out in (
            ("notes' JSON", "notes", json_path),
            ("course prepare", "course", npz_path),
        ):
            made = measure(phase, dataset, out)
            loaded = measure(phase + "-load", dataset, out)
            figures[name] = {
                "tracks/s": n / made["seconds"],
                "wall s": made["seconds"],
                "peak MB": made["peak_mb"],
                "output MB": out.stat().st_size / 1e6,
                "load s": loaded["seconds"],
            }
        a, la = notes_load(json_path)
        b, lb = course_load(npz_path)
        same_shape = a.shape == b.shape and np.array_equal(la, lb)
        diff = float(np.abs(a.astype(np.float32) - b).max()) if same_shape else float("nan")
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)

    print(f"Feature preparation, {n} synthetic 30-s tracks, {os.cpu_count()} CPU cores\n")
    cols = ["tracks/s", "wall s", "peak MB", "output MB", "load s"]
    print("| approach | " + " | ".join(cols) + " |")
    print("| --- |" + " ---: |" * len(cols))
    for name, f in figures.items():
        print(
            f"| {name} | "
            + " | ".join(f"{f[c]:.2f}" if f[c] < 10 else f"{f[c]:.1f}" for c in cols)
            + " |"
        )
    base, ours = figures["notes' JSON"], figures["course prepare"]
    print()
    print(f"throughput: {ours['tracks/s'] / base['tracks/s']:.1f}x (target >= 3x)")
    print(f"output:     {base['output MB'] / ours['output MB']:.1f}x smaller (target >= 8x)")
    print(f"loading:    {base['load s'] / ours['load s']:.1f}x faster (target >= 10x)")
    print(
        f"features:   same segments and labels: {same_shape}; "
        f"largest absolute difference {diff:.2e}"
        " (target: float32 precision)"
    )
    print(f"\nRepeat with: python benchmarks/prepare_benchmark.py --tracks {args.tracks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
