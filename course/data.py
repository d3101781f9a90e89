"""Finding a dataset and listing its tracks.

One rule finds the data for notebooks and the command line alike (:func:`resolve_data`):
``--data PATH``, then the ``COURSE_DATA`` environment variable, then ``data/gtzan/``, then the
embedded synthetic sample. Inside the folder found, both GTZAN layouts work: the original
``genres/<genre>/*.au`` and the common ``Data/genres_original/<genre>/*.wav``. Labels are
indices into the sorted genre names, never the order folders are listed in. Files that are not
audio, hidden files and empty genre folders are reported by :func:`scan_dataset`, never
silently dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DatasetError
from .settings import AUDIO_EXTENSIONS, DATA_DIR, PROJECT_ROOT

EXPECTED_LAYOUT = (
    "Expected a folder of genre folders holding audio files, for example "
    "<path>/blues/blues.00000.wav (the common GTZAN copy: Data/genres_original/<genre>/*.wav; "
    "the original: genres/<genre>/*.au). Pass that folder, or one of its parents, with "
    "--data PATH or the COURSE_DATA environment variable."
)


@dataclass(frozen=True)
class DataSource:
    """Where the data came from.

    Attributes:
        root: the folder whose sub-folders are the genres.
        origin: which rule found it: "--data", "COURSE_DATA", "data/gtzan" or "sample".
        synthetic: True for a synthetic sample (its folder holds the sample's manifest);
            results on it are not GTZAN results.
    """

    root: Path
    origin: str
    synthetic: bool

    def describe(self) -> str:
        """One line for printing: the folder (relative to the repository when inside it)."""
        kind = "the synthetic sample" if self.synthetic else "audio"
        return f"{kind} in {display_path(self.root)} (found via {self.origin})"


@dataclass(frozen=True)
class Track:
    """One audio file of a dataset: its path, its path relative to the root, genre and label."""

    path: Path
    relpath: str
    genre: str
    label: int


def display_path(path: str | Path) -> str:
    """A path relative to the repository when it is inside it, else as given."""
    path = Path(path)
    try:
        return path.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def _is_audio(p: Path) -> bool:
    return p.is_file() and not p.name.startswith(".") and p.suffix.lower() in AUDIO_EXTENSIONS


def _audio_files(folder: Path) -> list[Path]:
    """Audio files anywhere below ``folder``, hidden files and folders excluded, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / f for f in filenames if _is_audio(Path(dirpath) / f))
    return sorted(found)


def _has_genre_folders(folder: Path) -> bool:
    return any(
        d.is_dir() and not d.name.startswith(".") and any(_is_audio(f) for f in d.iterdir())
        for d in folder.iterdir()
    )


def find_genre_root(path: str | Path) -> Path:
    """The folder under ``path`` whose sub-folders are genres holding audio files.

    ``path`` itself qualifies if any sub-folder holds audio; otherwise the shallowest such
    folder up to three levels down is used, which covers ``genres/`` and
    ``Data/genres_original/``.

    Raises:
        DatasetError: the path does not exist, is not a folder, or holds no genre folders.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise DatasetError(f"The data path {path} does not exist. {EXPECTED_LAYOUT}")
    if not path.is_dir():
        raise DatasetError(f"The data path {path} is not a folder. {EXPECTED_LAYOUT}")
    level = [path]
    for _ in range(4):
        for folder in level:
            if _has_genre_folders(folder):
                return folder
        level = sorted(
            d for folder in level for d in folder.iterdir()
            if d.is_dir() and not d.name.startswith(".")
        )
    raise DatasetError(f"No genre folders with audio files were found in {path}. {EXPECTED_LAYOUT}")


def resolve_data(data: str | Path | None = None, progress: bool = True,
                 make_sample: bool = True) -> DataSource:
    """Find the dataset by the course's one rule.

    1. ``data`` (the command line's ``--data PATH``), if given;
    2. the ``COURSE_DATA`` environment variable, if set;
    3. ``data/gtzan/`` in the repository, if it exists;
    4. the embedded synthetic sample, generated on first use.

    Args:
        data: an explicit dataset folder, or None.
        progress: show a progress bar if the sample has to be generated.
        make_sample: generate the sample if it is needed and missing (False only reports it).

    Returns:
        The :class:`DataSource` found.

    Raises:
        DatasetError: an explicitly given folder (1 or 2) is missing or has no genre folders.

    Notebook: 00_start_here.ipynb, 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb,
        03_mfcc.ipynb, 04_neural_network_basics.ipynb, 05_overfitting.ipynb, 06_cnn.ipynb,
        07_cnn_on_mfcc.ipynb, 09_lstm_gru.ipynb, 10_genre_comparison.ipynb
    """
    from .sample import MANIFEST

    def found(path, origin):
        root = find_genre_root(path)
        return DataSource(root, origin, synthetic=(root / MANIFEST).is_file())

    if data is not None and str(data) != "":
        return found(data, "--data")
    env = os.environ.get("COURSE_DATA", "").strip()
    if env:
        return found(env, "COURSE_DATA")
    gtzan = DATA_DIR / "gtzan"
    if gtzan.is_dir():
        return found(gtzan, "data/gtzan")
    from .sample import SAMPLE_DIR, ensure_sample

    root = ensure_sample(progress=progress) if make_sample else SAMPLE_DIR
    return DataSource(root, "sample", synthetic=True)


def scan_dataset(root: str | Path, tracks_per_genre: int | None = None
                 ) -> tuple[list[Track], list[str], list[tuple[str, str]]]:
    """:func:`list_tracks`, plus what was left out and why: files that are not audio (by
    extension), hidden files, and genre folders without audio.

    Returns:
        ``(tracks, genres, ignored)`` with ignored ``[(path relative to root, reason), ...]``.
    """
    root = Path(root)
    ignored = []
    for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not _audio_files(d):
            ignored.append((d.name + "/", "a folder with no audio files; not used as a genre"))
            continue
        for dirpath, dirnames, filenames in os.walk(d):
            dirnames[:] = [n for n in dirnames if not n.startswith(".")]
            for name in sorted(filenames):
                f = Path(dirpath) / name
                if not _is_audio(f):
                    reason = ("a hidden file; ignored" if name.startswith(".")
                              else f"not an audio file ({f.suffix or 'no extension'}); ignored")
                    ignored.append((f.relative_to(root).as_posix(), reason))
    tracks, genres = list_tracks(root, tracks_per_genre)
    return tracks, genres, ignored


def list_tracks(root: str | Path, tracks_per_genre: int | None = None) -> tuple[list[Track], list[str]]:
    """The tracks of a dataset and its genre names.

    Genres are the sorted names of the sub-folders that hold audio (anywhere below them), and a
    track's label is its genre's index in that sorted list, never the directory-walk order.

    Args:
        root: a folder of genre folders (see :func:`find_genre_root`).
        tracks_per_genre: keep only the first N tracks of each genre (sorted by name).

    Returns:
        ``(tracks, genres)``.

    Notebook: 00_start_here.ipynb, 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb,
        03_mfcc.ipynb, 06_cnn.ipynb
    """
    root = Path(root)
    genre_files = {}
    for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = _audio_files(d)
        if files:
            genre_files[d.name] = files
    if not genre_files:
        raise DatasetError(f"No genre folders with audio files were found in {root}. {EXPECTED_LAYOUT}")
    genres = sorted(genre_files)
    tracks = []
    for label, genre in enumerate(genres):
        files = genre_files[genre][:tracks_per_genre] if tracks_per_genre else genre_files[genre]
        tracks.extend(Track(f, f.relative_to(root).as_posix(), genre, label) for f in files)
    return tracks, genres


def genre_table(tracks: list[Track]) -> str:
    """A Markdown table per genre: number of tracks, shortest, mean and longest duration in
    seconds, and the sample rates found (read from the file headers, so it is quick).

    Notebook: 00_start_here.ipynb
    """
    import soundfile as sf

    rows = ["| genre | tracks | shortest (s) | mean (s) | longest (s) | sample rate (Hz) |",
            "| --- | ---: | ---: | ---: | ---: | --- |"]
    by_genre: dict[str, list[tuple[float, int]]] = {}
    unreadable: dict[str, int] = {}
    for t in tracks:
        try:
            info = sf.info(t.path)
        except (sf.LibsndfileError, RuntimeError):
            unreadable[t.genre] = unreadable.get(t.genre, 0) + 1
            continue
        by_genre.setdefault(t.genre, []).append((info.duration, info.samplerate))
    for genre in sorted(set(by_genre) | set(unreadable)):
        found = by_genre.get(genre, [])
        d = np.array([x[0] for x in found]) if found else np.zeros(1)
        rates = ", ".join(str(r) for r in sorted({x[1] for x in found})) or "-"
        bad = f" (+{unreadable[genre]} unreadable)" if genre in unreadable else ""
        rows.append(f"| {genre} | {len(found)}{bad} | {d.min():.2f} | {d.mean():.2f} | "
                    f"{d.max():.2f} | {rates} |")
    return "\n".join(rows)
