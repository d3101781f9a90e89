"""The embedded sample: a synthetic dataset in GTZAN's shape, generated deterministically.

``data/sample/<genre>/<genre>.000NN.wav``, ten genre folders, 22050 Hz mono 16-bit WAV, 30-s
tracks (each, with probability 1/5, 10 to 80 ms short: far more often than in GTZAN, so that
the handling of a short track shows in every run). Each genre has a recipe with a musical
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
import re
import shutil
import tempfile
from pathlib import Path

import soundfile as sf

from .errors import OutputError, ParameterError
from .progress import track
from .settings import DATA_DIR, GENRES, SAMPLE_RATE
from .synth import DEFAULT_SEED, synthesize_track

#: Bump when a recipe changes, so an existing ``data/sample`` is regenerated.
SAMPLE_VERSION = 1
#: Tracks per genre in the default sample.
DEFAULT_TRACKS_PER_GENRE = 10
#: Where the default sample is written (git-ignored).
SAMPLE_DIR = DATA_DIR / "sample"
MANIFEST = "SAMPLE.json"


def _manifest(tracks_per_genre: int, seed: int, duration: float) -> dict:
    return {
        "version": SAMPLE_VERSION,
        "tracks_per_genre": tracks_per_genre,
        "seed": seed,
        "duration": duration,
        "sample_rate": SAMPLE_RATE,
        "genres": list(GENRES),
    }


def foreign_files(folder: str | Path) -> list[str]:
    """Paths under ``folder`` (relative, sorted) that a synthetic sample does not hold: anything
    but its manifest, genre folders and ``<genre>/<genre>.NNNNN.wav`` files.

    Args:
        folder: the folder to list, sub-folders included.
    """
    folder, extra = Path(folder), []
    for p in sorted(folder.rglob("*")):
        parts = p.relative_to(folder).parts
        ours = (parts == (MANIFEST,) and p.is_file()) or (
            parts[0] in GENRES
            and (
                (len(parts) == 1 and p.is_dir())
                or (
                    len(parts) == 2
                    and p.is_file()
                    and re.fullmatch(rf"{parts[0]}\.\d{{5}}\.wav", parts[1]) is not None
                )
            )
        )
        if not ours:
            extra.append(p.relative_to(folder).as_posix())
    return extra


def check_target(
    out_dir: Path, manifest: str = MANIFEST, foreign=None, what: str = "synthetic sample"
) -> None:
    """Refuse a target that holds anything the course did not write (see :func:`make_sample`).

    Args:
        out_dir: the folder a generated dataset is to replace.
        manifest: the file name that marks a dataset the course generated.
        foreign: a function listing a folder's files that such a dataset does not hold
            (default: :func:`foreign_files`).
        what: what the dataset is called in messages.
    """
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise OutputError(
            f"{out_dir} is a file, not a folder: give --out-dir a new or empty folder."
        )
    if not any(out_dir.iterdir()):
        return
    if not (out_dir / manifest).is_file():
        raise OutputError(
            f"{out_dir} is not empty and holds no {what} (no {manifest}); "
            "nothing in it was touched. Give --out-dir a new or empty folder."
        )
    extra = (foreign or foreign_files)(out_dir)
    if extra:
        more = f" and {len(extra) - 1} more" if len(extra) > 1 else ""
        raise OutputError(
            f"{out_dir} holds a {what} but also {extra[0]}{more}, which the "
            "course did not write; nothing in it was touched. Move those away or "
            "choose another folder."
        )


def build_folder(out_dir: Path, write, ready, check) -> Path:
    """Build a generated dataset in a temporary folder beside ``out_dir``, then rename it into
    place, replacing only a folder that is empty or the course's own.

    Args:
        out_dir: the destination.
        write: ``write(folder)`` fills the temporary folder.
        ready: ``ready(out_dir)`` is True when an identical dataset is already there (another
            process may have finished first).
        check: ``check(out_dir)`` raises :class:`OutputError` if the folder is not replaceable;
            called before and after the work.

    Returns:
        ``out_dir``.
    """
    check(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-building-", dir=out_dir.parent))
    # mkdtemp makes the folder private (0700); the dataset gets what the user's umask gives a
    # folder they make (0755 by default), so a shared drive or a web server can read it.
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)
    old = None
    try:
        write(tmp)
        if ready(out_dir):
            return out_dir
        check(out_dir)  # again: the folder may have changed while we worked
        if out_dir.exists() and not any(out_dir.iterdir()):
            out_dir.rmdir()
        elif out_dir.exists():  # a dataset of the course's own: set it aside, then drop it
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.parent))
            os.replace(out_dir, old / "previous")
        try:
            os.replace(tmp, out_dir)
        except OSError:
            if old is not None:
                os.replace(old / "previous", out_dir)  # put the earlier one back
            raise
    finally:
        for leftover in (tmp, old):
            if leftover is not None and leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)
    return out_dir


def make_sample(
    out_dir: str | Path = SAMPLE_DIR,
    tracks_per_genre: int = DEFAULT_TRACKS_PER_GENRE,
    seed: int = DEFAULT_SEED,
    duration: float = 30.0,
    progress: bool = True,
    force: bool = False,
) -> Path:
    """Write the synthetic sample to ``out_dir`` unless an identical one is already there.

    Nothing the course did not write is ever removed or overwritten. ``out_dir`` may be new,
    empty, or a sample the course wrote earlier (it holds the sample's manifest and nothing
    else); anything else is refused before any work, with or without ``force``. The sample is
    built in a temporary folder beside ``out_dir`` and renamed into place at the end, so an
    interrupted run leaves the old folder as it was and no half-written sample.

    Args:
        out_dir: destination folder; ``<genre>/<genre>.000NN.wav`` files go inside it.
        tracks_per_genre: tracks per genre (1 to 100).
        seed: the sample's seed.
        duration: nominal track length in seconds.
        progress: show progress.
        force: rebuild even when a matching sample exists (still only over a sample).

    Returns:
        The sample folder.

    Raises:
        ParameterError: ``tracks_per_genre`` out of range.
        OutputError: ``out_dir`` holds files the course did not write.
    """
    if not 1 <= tracks_per_genre <= 100:
        raise ParameterError(f"tracks_per_genre must be between 1 and 100, got {tracks_per_genre}.")
    out_dir = Path(out_dir).expanduser()
    wanted = _manifest(tracks_per_genre, seed, duration)
    if not force and sample_matches(out_dir, wanted):
        return out_dir

    def write(folder: Path) -> None:
        jobs = [(g, i) for g in GENRES for i in range(tracks_per_genre)]
        for genre, i in track(jobs, desc="Synthesising sample", unit="track", progress=progress):
            (folder / genre).mkdir(exist_ok=True)
            y = synthesize_track(genre, i, seed=seed, duration=duration)
            sf.write(folder / genre / f"{genre}.{i:05d}.wav", y, SAMPLE_RATE, subtype="PCM_16")
        (folder / MANIFEST).write_text(json.dumps(wanted, indent=2) + "\n")

    return build_folder(
        out_dir, write, ready=lambda d: not force and sample_matches(d, wanted), check=check_target
    )


def sample_matches(folder: str | Path, wanted: dict | None = None) -> bool:
    """True if ``folder`` holds a complete sample made with the given (default) settings.

    Args:
        folder: the folder to look in.
        wanted: the manifest the sample must have (its settings); None for the default
            sample's (10 tracks per genre, the default seed, 30 s).
    """
    folder = Path(folder)
    wanted = wanted or _manifest(DEFAULT_TRACKS_PER_GENRE, DEFAULT_SEED, 30.0)
    try:
        found = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    if found != wanted:
        return False
    return all(
        (folder / g / f"{g}.{i:05d}.wav").is_file()
        for g in GENRES
        for i in range(wanted["tracks_per_genre"])
    )


def ensure_sample(progress: bool = True) -> Path:
    """The default sample folder, generated on first use.

    Args:
        progress: show progress if the sample has to be generated.
    """
    return make_sample(SAMPLE_DIR, progress=progress)
