"""Preparation under faults and load, at GTZAN's size, and long files read in part.

1. A collection of 1,000 tracks in ten genre folders, 100 of them unreadable (text, empty or
   truncated files named .wav): ``prepare`` is interrupted with Ctrl-C (SIGINT) part way, and no
   cache file exists afterwards; it is run again and finishes, and its skipped files are the
   same as those of an uninterrupted run.
2. Two ``prepare`` processes started at once on the same collection and cache: both finish, and
   the one cache file they leave loads and equals a fresh computation.
3. A 20-minute stereo file at 44.1 kHz (WAV and FLAC): the time and peak memory to read its first
   30 s (what features use) against reading all of it, each in a fresh process.

Run it from the repository root:

    python benchmarks/faults_benchmark.py

It works in a temporary folder (about 2.5 GB at most) and removes it at the end; the numbers it
prints are the figures quoted in the README.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

PREPARE = """
import json, os, signal, sys, time
from pathlib import Path
import course.features as f
f.CACHE_DIR = Path(sys.argv[1])
stop_at = int(sys.argv[3])
if stop_at:
    real, seen = f.track_features, []
    def counting(*a, **k):
        seen.append(1)
        if len(seen) == stop_at:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, part way through
        return real(*a, **k)
    f.track_features = counting
start = time.perf_counter()
feats = f.prepare(sys.argv[2], progress=False)
print(json.dumps({"seconds": time.perf_counter() - start, "segments": len(feats.labels),
                  "skipped": sorted(name for name, _ in feats.skipped)}))
"""

READ = """
import json, resource, sys, time
from course.audio import load_audio
start = time.perf_counter()
y = load_audio(sys.argv[1], duration=None if sys.argv[2] == "all" else float(sys.argv[2]))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "samples": len(y)}))
"""

BASELINE = """
import json, resource, sys
import course.audio, librosa, soundfile, numpy  # what READ imports, before any reading
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def python(code: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "TQDM_DISABLE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )
    if check and proc.returncode != 0:
        raise SystemExit(f"a measured step failed:\n{proc.stderr[-2000:]}")
    return proc


def collection(root: Path, sample: Path, n_tracks: int, n_bad: int) -> None:
    """``n_tracks`` tracks in the sample's genre folders, made by linking the sample's clips under
    new names, then ``n_bad`` of them replaced by unreadable files."""
    clips = sorted(sample.rglob("*.wav"))
    rng = np.random.default_rng(0)
    bad = set(rng.choice(n_tracks, size=n_bad, replace=False).tolist())
    for i in range(n_tracks):
        src = clips[i % len(clips)]
        genre = src.parent.name
        dst = root / genre / f"{genre}.{i:05d}.wav"
        dst.parent.mkdir(parents=True, exist_ok=True)
        if i in bad:
            kind = i % 3
            if kind == 0:
                dst.write_bytes(b"not audio, only text in a .wav file\n" * 20)
            elif kind == 1:
                dst.write_bytes(b"")
            else:
                dst.write_bytes(src.read_bytes()[:2000])  # a header and a few samples
        else:
            os.link(src, dst)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tracks", type=int, default=1000)
    ap.add_argument("--bad", type=int, default=100)
    ap.add_argument("--interrupt-at", type=int, default=400, help="Ctrl-C after this many tracks")
    ap.add_argument("--minutes", type=float, default=20.0, help="length of the long file")
    args = ap.parse_args(argv)

    from course.sample import ensure_sample

    sample = ensure_sample(progress=False)
    work = Path(tempfile.mkdtemp(prefix="course-faults-"))
    try:
        root = work / "music"
        collection(root, sample, args.tracks, args.bad)
        cache = work / "cache"
        print(
            f"Collection: {args.tracks} tracks in {len(list(root.iterdir()))} genre folders, "
            f"{args.bad} unreadable"
        )

        clean = json.loads(python(PREPARE, str(work / "clean-cache"), str(root), "0").stdout)
        print(
            f"uninterrupted prepare: {clean['seconds']:.1f} s, {clean['segments']} segments, "
            f"{len(clean['skipped'])} skipped"
        )

        start = time.perf_counter()
        stopped = python(PREPARE, str(cache), str(root), str(args.interrupt_at), check=False)
        interrupted_s = time.perf_counter() - start
        left = sorted(p.name for p in cache.iterdir()) if cache.exists() else []
        print(
            f"interrupted at track {args.interrupt_at}: exit status {stopped.returncode} after "
            f"{interrupted_s:.1f} s, KeyboardInterrupt: {'KeyboardInterrupt' in stopped.stderr}; "
            f"files in the cache afterwards: {left or 'none'}"
        )
        again = json.loads(python(PREPARE, str(cache), str(root), "0").stdout)
        print(
            f"run again: finished in {again['seconds']:.1f} s, {again['segments']} segments; "
            f"same skipped files as the uninterrupted run: {again['skipped'] == clean['skipped']}"
        )

        both = work / "both-cache"
        env = {**os.environ, "TQDM_DISABLE": "1"}
        start = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", PREPARE, str(both), str(root), "0"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(2)
        ]
        outs = [p.communicate() for p in procs]
        wall = time.perf_counter() - start
        from course.features import load_features

        files = sorted(both.iterdir())
        loaded = load_features(files[0]) if len(files) == 1 else None
        same = loaded is not None and len(loaded.labels) == clean["segments"]
        print(
            f"two prepares at once: exit statuses {[p.returncode for p in procs]}, "
            f"{wall:.1f} s wall; cache files left: {[f.name for f in files]}; it loads and "
            f"holds the same {clean['segments']} segments: {same}"
        )
        if any(p.returncode for p in procs):
            print(outs[0][1][-1000:], outs[1][1][-1000:])

        sr, seconds = 44100, int(args.minutes * 60)
        long_wav, long_flac = work / "long.wav", work / "long.flac"
        rng = np.random.default_rng(0)
        for path in (long_wav, long_flac):
            with sf.SoundFile(path, "w", samplerate=sr, channels=2, subtype="PCM_16") as f:
                for _ in range(seconds // 10):
                    t = np.arange(10 * sr) / sr
                    y = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(len(t))
                    f.write(np.stack([y, y], axis=1).astype(np.float32))
        base = json.loads(python(BASELINE).stdout)["peak_mb"]
        print(
            f"\nA {args.minutes:g}-minute stereo file at 44.1 kHz "
            f"(WAV {long_wav.stat().st_size / 1e6:.0f} MB, "
            f"FLAC {long_flac.stat().st_size / 1e6:.0f} MB); "
            f"a fresh Python with the course's audio libraries imported peaks at {base:.0f} MB"
        )
        print("| file | read | seconds | peak memory (MB) | samples at 22050 Hz |")
        print("| --- | --- | ---: | ---: | ---: |")
        for path in (long_wav, long_flac):
            for what in ("30", "all"):
                r = json.loads(python(READ, str(path), what).stdout)
                label = "first 30 s" if what == "30" else "all of it"
                print(
                    f"| {path.suffix[1:].upper()} | {label} | {r['seconds']:.2f} | "
                    f"{r['peak_mb']:.0f} | {r['samples']:,} |"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nRepeat with: python benchmarks/faults_benchmark.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
