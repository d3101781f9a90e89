"""The embedded sample: a synthetic dataset in GTZAN's shape, generated deterministically.

``data/sample/<genre>/<genre>.000NN.wav``, ten genre folders, 22050 Hz mono 16-bit WAV, 30-s
tracks (a few a little short of 30 s, as in GTZAN). Each genre has a recipe with a musical
motivation: a tempo range, drum patterns, swing, a chord progression and chord rhythm, a bass
style, instrument timbres, distortion and a noise floor. Each track draws its key, tempo,
swing, mix, brightness, distortion and noise from the recipe's ranges, so the genres overlap
and no single feature separates them.

Nothing learned on this sample is a GTZAN result: it exists so that every notebook and command
runs offline at once. The same seed gives the same bytes; a track's audio depends only on the
seed, its genre and its number, not on how many tracks are made. The music itself is made
by :mod:`course.synth` from the recipes in :mod:`course.recipes`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import soundfile as sf

from .errors import ParameterError
from .settings import DATA_DIR, GENRES, SAMPLE_RATE, show_progress
from .synth import DEFAULT_SEED, synthesize_track

#: Bump when a recipe changes, so an existing ``data/sample`` is regenerated.
SAMPLE_VERSION = 1
#: Tracks per genre in the default sample.
DEFAULT_TRACKS_PER_GENRE = 10
#: Where the default sample is written (git-ignored).
SAMPLE_DIR = DATA_DIR / "sample"
MANIFEST = "SAMPLE.json"


def _manifest(tracks_per_genre: int, seed: int, duration: float) -> dict:
    return {"version": SAMPLE_VERSION, "tracks_per_genre": tracks_per_genre, "seed": seed,
            "duration": duration, "sample_rate": SAMPLE_RATE, "genres": list(GENRES)}


def make_sample(out_dir: str | Path = SAMPLE_DIR, tracks_per_genre: int = DEFAULT_TRACKS_PER_GENRE,
                seed: int = DEFAULT_SEED, duration: float = 30.0, progress: bool = True,
                force: bool = False) -> Path:
    """Write the synthetic sample to ``out_dir`` unless an identical one is already there.

    The folder is built in a temporary sibling and renamed into place, so an interrupted run
    never leaves a half-written sample that a later run would trust.

    Args:
        out_dir: destination folder; ``<genre>/<genre>.000NN.wav`` files go inside it.
        tracks_per_genre: tracks per genre (1 to 100).
        seed: the sample's seed.
        duration: nominal track length in seconds.
        progress: show a progress bar.
        force: rebuild even when a matching sample exists.

    Returns:
        The sample folder.
    """
    from tqdm.auto import tqdm

    if not 1 <= tracks_per_genre <= 100:
        raise ParameterError(f"tracks_per_genre must be between 1 and 100, got {tracks_per_genre}.")
    out_dir = Path(out_dir)
    wanted = _manifest(tracks_per_genre, seed, duration)
    if not force and sample_matches(out_dir, wanted):
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".sample-", dir=out_dir.parent))
    try:
        jobs = [(g, i) for g in GENRES for i in range(tracks_per_genre)]
        bar = tqdm(jobs, desc="Synthesising sample", unit="track",
                   disable=not show_progress(progress))
        for genre, i in bar:
            folder = tmp / genre
            folder.mkdir(exist_ok=True)
            y = synthesize_track(genre, i, seed=seed, duration=duration)
            sf.write(folder / f"{genre}.{i:05d}.wav", y, SAMPLE_RATE, subtype="PCM_16")
        (tmp / MANIFEST).write_text(json.dumps(wanted, indent=2) + "\n")
        if out_dir.exists():
            if sample_matches(out_dir, wanted) and not force:  # another process finished first
                return out_dir
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def sample_matches(folder: str | Path, wanted: dict | None = None) -> bool:
    """True if ``folder`` holds a complete sample made with the given (default) settings."""
    folder = Path(folder)
    wanted = wanted or _manifest(DEFAULT_TRACKS_PER_GENRE, DEFAULT_SEED, 30.0)
    try:
        found = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    if found != wanted:
        return False
    return all((folder / g / f"{g}.{i:05d}.wav").is_file()
               for g in GENRES for i in range(wanted["tracks_per_genre"]))


def ensure_sample(progress: bool = True) -> Path:
    """The default sample folder, generated on first use.
    """
    return make_sample(SAMPLE_DIR, progress=progress)


