"""Time ``prepare`` on the audio the real downloads ship: 30-s MP3s at 44.1 kHz in stereo
(FMA's clips; DEAM's 45-s excerpts are the same kind), so a learner can expect how long
``python -m course prepare`` takes on FMA before downloading 7 GiB.

The files are generated (tones and noise, then MP3 through soundfile), laid out as genre
folders; reading, resampling and the MFCCs do not depend on the layout. Printed: files per
second with 1 and with all cores, and the time that rate gives for fma_small's 8,000 tracks
and fma_medium's 25,000 (an extrapolation: real music decodes at about the same cost per
second of audio, but disks and processors differ).

    python benchmarks/mp3_prepare_benchmark.py            # 40 files
    python benchmarks/mp3_prepare_benchmark.py --files 200
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf


def make_folder(root: Path, files: int, seconds: float = 30.0, sr: int = 44100) -> None:
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * sr)) / sr
    for i in range(files):
        genre = ("a", "b", "c", "d")[i % 4]
        (root / genre).mkdir(parents=True, exist_ok=True)
        f0 = 110 * (1 + i % 7)
        left = 0.3 * np.sin(2 * np.pi * f0 * t) + 0.05 * rng.standard_normal(len(t))
        stereo = np.stack([left, 0.8 * left], axis=1)
        sf.write(root / genre / f"{genre}.{i:05d}.mp3", stereo, sr, format="MP3")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=40)
    args = ap.parse_args()
    from course.features import available_cores, prepare

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "mp3s"
        make_folder(root, args.files)
        prepare(root, cache=False, progress=False)  # warm-up: imports, filterbank, decoder
        for jobs in sorted({1, available_cores()}):
            start = time.perf_counter()
            feats = prepare(root, cache=False, progress=False, jobs=jobs)
            seconds = time.perf_counter() - start
            rate = args.files / seconds
            print(
                f"{jobs} job(s): {args.files} files in {seconds:.1f} s, {rate:.1f} files/s "
                f"({len(feats.labels)} segments); at that rate fma_small (8,000) takes "
                f"{8000 / rate / 60:.0f} min, fma_medium (25,000) {25000 / rate / 60:.0f} min"
            )


if __name__ == "__main__":
    main()
