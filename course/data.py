"""Finding a dataset and listing its tracks.

One rule finds the data for notebooks and the command line alike (:func:`resolve_data`):
``--data PATH``, then the ``COURSE_DATA`` environment variable, then ``data/gtzan/``, then
``data/fma/``, then the embedded synthetic sample. Two layouts are read:

- genre folders: both GTZAN layouts (the original ``genres/<genre>/*.au`` and the common
  ``Data/genres_original/<genre>/*.wav``), the synthetic sample, or any folder of genre folders;
- FMA: ``fma_small/`` (or ``fma_medium/`` ...) beside ``fma_metadata/tracks.csv``, whose
  genres and split come from ``tracks.csv`` (:mod:`course.fma`), never from folder names.

A folder that is neither is refused with one line saying what was found and what to do: FMA's
numbered folders without ``tracks.csv``, folders named only by numbers, a single genre, or an
emotion dataset (DEAM). Labels index the sorted genre names, never the listing order.
:func:`scan_source` lists any source's tracks and reports what it left out (non-audio or hidden
files, empty folders, FMA tracks without a label or audio), never silently dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DatasetError
from .fma import FmaLayout, find_fma, list_fma, looks_like_fma_audio, missing_metadata_message
from .settings import AUDIO_EXTENSIONS, DATA_DIR, PROJECT_ROOT, how_found

EXPECTED_LAYOUT = (
    "Expected a folder of genre folders holding audio files, for example "
    "<path>/blues/blues.00000.wav (the common GTZAN copy: Data/genres_original/<genre>/*.wav; "
    "the original: genres/<genre>/*.au), or FMA's fma_small/ beside fma_metadata/tracks.csv. "
    "Pass that folder, or one of its parents, with --data PATH or the COURSE_DATA environment "
    "variable."
)


@dataclass(frozen=True, kw_only=True)
class DataSource:
    """Where the data came from.

    Attributes:
        root: the folder tracks are relative to: the one whose sub-folders are the genres, or
            FMA's audio folder (``fma_small`` ...).
        origin: which rule found it: "--data", "COURSE_DATA", "data/gtzan", "data/fma" or
            "sample".
        synthetic: True for a synthetic sample (its folder holds the sample's manifest);
            results on it are not GTZAN results.
        layout: "genre-folders" (labels from folder names) or "fma" (from ``tracks.csv``).
        metadata: FMA's ``tracks.csv`` (None for genre folders).
        subset: FMA's subset: "small", "medium", "large" or "full" ("" for genre folders).
    """

    root: Path
    origin: str
    synthetic: bool
    layout: str = "genre-folders"
    metadata: Path | None = None
    subset: str = ""

    @property
    def dataset(self) -> str:
        """What the data is where folder names do not say it: "FMA fma_small" ("" otherwise)."""
        return f"FMA {self.root.name}" if self.layout == "fma" else ""

    def describe(self) -> str:
        """One line for printing: the folder (relative to the repository when inside it)."""
        if self.layout == "fma":
            return (
                f"FMA's {self.root.name} audio in {display_path(self.root)}, genres and split "
                f"from {display_path(self.metadata)} ({how_found(self.origin)})"
            )
        kind = "the synthetic sample" if self.synthetic else "audio"
        return f"{kind} in {display_path(self.root)} ({how_found(self.origin)})"


@dataclass(frozen=True, kw_only=True)
class Track:
    """One audio file of a dataset: its path, its path relative to the root, genre and label.

    ``split`` is the side of the split that ships with the dataset ("train", "validation" or
    "test"; "" where the dataset ships none) and ``group`` what must stay on one side of any
    split beyond the track itself (FMA: the artist; "" where unknown).
    """

    path: Path
    relpath: str
    genre: str
    label: int
    split: str = ""
    group: str = ""


def display_path(path: str | Path) -> str:
    """A path relative to the repository when it is inside it, else as given.

    Args:
        path: the path to show.
    """
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


def _genre_files(root: Path) -> dict[str, list[Path]]:
    """``{genre folder name: its audio files}`` for the sub-folders of ``root`` holding audio."""
    found = {}
    for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = _audio_files(d)
        if files:
            found[d.name] = files
    return found


def _deam_marker(path: Path) -> Path | None:
    """What makes ``path`` look like DEAM, an emotion dataset: a ``MEMD_audio`` folder or a
    ``static_annotations*.csv`` file, up to six levels down (None if nothing does)."""
    if path.name == "MEMD_audio":
        return path
    level = [path]
    for _ in range(6):
        deeper = []
        for folder in level:
            for p in sorted(folder.iterdir()):
                if (p.name == "MEMD_audio" and p.is_dir()) or (
                    p.name.startswith("static_annotations") and p.suffix.lower() == ".csv"
                ):
                    return p
                if p.is_dir() and not p.name.startswith("."):
                    deeper.append(p)
        level = deeper
    return None


def _refusal(path: Path, root: Path | None, genres: list[str]) -> DatasetError | None:
    """The error for what was found under ``path`` unless ``root`` holds two or more genre
    folders named like genres (then None); it says what was found instead."""
    if root is not None and len(genres) >= 2 and not all(g.isdigit() for g in genres):
        return None
    marker = _deam_marker(path)
    if marker is not None:
        return DatasetError(
            f"{path} is an emotion dataset (DEAM's layout: {marker.name}), not "
            "genre folders: use it with --task emotion (python -m course compare "
            "--task emotion --data PATH; see data/README.md)."
        )
    if looks_like_fma_audio(root or path):
        return DatasetError(missing_metadata_message(root or path))
    if root is None:
        return DatasetError(
            f"No genre folders with audio files were found in {path}. {EXPECTED_LAYOUT}"
        )
    if genres and all(g.isdigit() for g in genres):
        return DatasetError(
            f"{root} has folders named only by numbers ({', '.join(genres[:3])}"
            f"{', ...' if len(genres) > 3 else ''}), which the course will not "
            "take for genre names: name each folder after its genre, or see "
            "data/README.md for the layouts the course reads (GTZAN, FMA)."
        )
    return DatasetError(
        f"{root} holds only one genre folder ({genres[0]}/), and genre "
        "classification needs at least two: pass the folder that holds all the "
        "genre folders (see data/README.md)."
    )


def find_genre_root(path: str | Path) -> Path:
    """The folder under ``path`` whose sub-folders are genres holding audio files.

    ``path`` itself qualifies if any sub-folder holds audio; otherwise the shallowest such
    folder up to three levels down is used, which covers ``genres/`` and
    ``Data/genres_original/``. What is found must have at least two genre folders, not all
    named by numbers.

    Args:
        path: the dataset folder to search (``~`` is expanded).

    Raises:
        DatasetError: the path does not exist, is not a folder, or holds no genre folders; or
            what it holds is FMA audio without ``tracks.csv``, folders named by numbers, a
            single genre, or an emotion dataset (DEAM).
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
                refused = _refusal(path, folder, list(_genre_files(folder)))
                if refused:
                    raise refused
                return folder
        level = sorted(
            d
            for folder in level
            for d in folder.iterdir()
            if d.is_dir() and not d.name.startswith(".")
        )
    raise _refusal(path, None, [])


def resolve_data(
    data: str | Path | None = None, progress: bool = True, make_sample: bool = True
) -> DataSource:
    """Find the dataset by the course's one rule.

    1. ``data`` (the command line's ``--data PATH``), if given;
    2. the ``COURSE_DATA`` environment variable, if set;
    3. ``data/gtzan/`` in the repository, if it exists;
    4. ``data/fma/`` in the repository, if it exists;
    5. the embedded synthetic sample, generated on first use.

    A folder found by 1 to 4 is FMA if it holds ``fma_metadata/tracks.csv`` beside one of
    ``fma_small``, ``fma_medium``, ``fma_large`` or ``fma_full``, or is such a folder with
    ``../fma_metadata/tracks.csv``; otherwise it must hold genre folders
    (:func:`find_genre_root`).

    Args:
        data: an explicit dataset folder, or None.
        progress: show a progress bar if the sample has to be generated.
        make_sample: generate the sample if it is needed and missing (False only reports it).

    Returns:
        The :class:`DataSource` found.

    Raises:
        DatasetError: a folder found by 1 to 4 is missing, holds neither genre folders nor FMA,
            holds two FMA subsets, or is refused by :func:`find_genre_root`.

    Notebook: 00_start_here.ipynb, 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb,
        03_mfcc.ipynb, 04_neural_network_basics.ipynb, 05_overfitting.ipynb, 06_cnn.ipynb,
        07_cnn_on_mfcc.ipynb, 09_lstm_gru.ipynb, 10_genre_comparison.ipynb
    """
    from .sample import MANIFEST

    def found(path, origin):
        fma = find_fma(path)
        if fma is not None:
            return DataSource(
                root=fma.audio,
                origin=origin,
                synthetic=False,
                layout="fma",
                metadata=fma.tracks_csv,
                subset=fma.subset,
            )
        root = find_genre_root(path)
        return DataSource(root=root, origin=origin, synthetic=(root / MANIFEST).is_file())

    if data is not None and str(data) != "":
        return found(data, "--data")
    env = os.environ.get("COURSE_DATA", "").strip()
    if env:
        return found(env, "COURSE_DATA")
    for name in ("gtzan", "fma"):
        if (DATA_DIR / name).is_dir():
            return found(DATA_DIR / name, f"data/{name}")
    from .sample import SAMPLE_DIR, ensure_sample

    root = ensure_sample(progress=progress) if make_sample else SAMPLE_DIR
    return DataSource(root=root, origin="sample", synthetic=True)


def scan_source(
    source: DataSource, tracks_per_genre: int | None = None
) -> tuple[list[Track], list[str], list[tuple[str, str]]]:
    """The tracks of any source, whatever its layout, with its genres and what was left out.

    Genre folders are listed by :func:`scan_dataset`; FMA by ``tracks.csv``
    (:func:`course.fma.list_fma`), labelled by ``genre_top``, with each track's ``split`` (the
    shipped side) and ``group`` (the artist id).

    Args:
        source: what :func:`resolve_data` found.
        tracks_per_genre: keep only the first N tracks of each genre (by name; FMA: by id).

    Returns:
        ``(tracks, genres, left_out)``: tracks by label, then name; the sorted genre names; and
        ``[(path relative to the root, reason), ...]``.

    Raises:
        DatasetError: no usable tracks, or fewer than two genres.
    """
    if source.layout == "fma":
        return _fma_tracks(FmaLayout(source.root, source.metadata, source.subset), tracks_per_genre)
    return scan_dataset(source.root, tracks_per_genre)


def _fma_tracks(layout: FmaLayout, tracks_per_genre: int | None):
    found, genres, left_out = list_fma(layout, tracks_per_genre)
    return (
        [
            Track(
                path=layout.audio / t.relpath,
                relpath=t.relpath,
                genre=t.genre,
                label=t.label,
                split=t.split,
                group=t.artist,
            )
            for t in found
        ],
        genres,
        left_out,
    )


def scan_dataset(
    root: str | Path, tracks_per_genre: int | None = None
) -> tuple[list[Track], list[str], list[tuple[str, str]]]:
    """:func:`list_tracks`, plus what was left out and why: files that are not audio (by
    extension), hidden files, and genre folders without audio. An FMA audio folder (with
    ``../fma_metadata/tracks.csv``) is listed as :func:`scan_source` lists FMA.

    Args:
        root: a folder of genre folders, or FMA's audio folder.
        tracks_per_genre: keep only the first N tracks of each genre (None: all); the files
            left out for not being audio are reported either way.

    Returns:
        ``(tracks, genres, ignored)`` with ignored ``[(path relative to root, reason), ...]``.
    """
    root = Path(root)
    fma = find_fma(root)
    if fma is not None:
        return _fma_tracks(fma, tracks_per_genre)
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
                    reason = (
                        "a hidden file; ignored"
                        if name.startswith(".")
                        else f"not an audio file ({f.suffix or 'no extension'}); ignored"
                    )
                    ignored.append((f.relative_to(root).as_posix(), reason))
    tracks, genres = list_tracks(root, tracks_per_genre)
    return tracks, genres, ignored


def list_tracks(
    root: str | Path, tracks_per_genre: int | None = None
) -> tuple[list[Track], list[str]]:
    """The tracks of a dataset and its genre names.

    Genres are the sorted names of the sub-folders that hold audio (anywhere below them), and a
    track's label is its genre's index in that sorted list, never the directory-walk order.
    An FMA audio folder (``fma_small`` with ``../fma_metadata/tracks.csv``) is listed by
    ``tracks.csv`` instead (see :func:`scan_source`).

    Args:
        root: a folder of genre folders (see :func:`find_genre_root`), or FMA's audio folder.
        tracks_per_genre: keep only the first N tracks of each genre (sorted by name).

    Returns:
        ``(tracks, genres)``.

    Raises:
        DatasetError: no genre folders, or ones the course refuses (see
            :func:`find_genre_root`).

    Notebook: 00_start_here.ipynb, 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb,
        03_mfcc.ipynb, 06_cnn.ipynb
    """
    root = Path(root)
    fma = find_fma(root)
    if fma is not None:
        return _fma_tracks(fma, tracks_per_genre)[:2]
    genre_files = _genre_files(root)
    refused = _refusal(root, root if genre_files else None, list(genre_files))
    if refused:
        raise refused
    genres = sorted(genre_files)
    tracks = []
    for label, genre in enumerate(genres):
        files = genre_files[genre][:tracks_per_genre] if tracks_per_genre else genre_files[genre]
        tracks.extend(
            Track(path=f, relpath=f.relative_to(root).as_posix(), genre=genre, label=label)
            for f in files
        )
    return tracks, genres


def summarise_left_out(
    left_out: list[tuple[str, str]], examples: int = 3, reasons: int = 12
) -> list[str]:
    """What was left out, by reason, in a few lines however many there are: a reason given
    once reads ``"  name: reason"``, one given more often ``"  reason: N, e.g. a, b, c"``.

    Args:
        left_out: ``[(what, reason), ...]`` as :func:`scan_source` and ``prepare`` report it.
        examples: names shown per reason.
        reasons: reasons shown; the rest are counted in a last line.

    Returns:
        The lines, each indented by two spaces (none if nothing was left out).
    """
    by_reason: dict[str, list[str]] = {}
    for what, reason in left_out:
        by_reason.setdefault(reason, []).append(what)
    lines = []
    for reason, names in list(by_reason.items())[:reasons]:
        if len(names) == 1:
            lines.append(f"  {names[0]}: {reason}")
        else:
            more = ", ..." if len(names) > examples else ""
            lines.append(f"  {reason}: {len(names):,}, e.g. {', '.join(names[:examples])}{more}")
    if len(by_reason) > reasons:
        rest = sum(len(n) for n in list(by_reason.values())[reasons:])
        lines.append(f"  ... and {rest:,} more for {len(by_reason) - reasons} other reason(s)")
    return lines


def track_durations(tracks: list[Track]) -> dict[str, float]:
    """Each readable track's duration in seconds, read from its file header (quick); files
    that cannot be read are left out, as :func:`genre_table` counts them.

    Args:
        tracks: the tracks, as from :func:`list_tracks`.

    Returns:
        ``{relpath: seconds}`` in the order of ``tracks``.

    Notebook: 00_start_here.ipynb
    """
    import soundfile as sf

    durations = {}
    for t in tracks:
        try:
            durations[t.relpath] = sf.info(t.path).duration
        except (sf.LibsndfileError, RuntimeError):
            continue
    return durations


def genre_table(tracks: list[Track]) -> str:
    """A Markdown table per genre: number of tracks, shortest, mean and longest duration in
    seconds, and the sample rates found (read from the file headers, so it is quick).

    Args:
        tracks: the tracks to summarise, as from :func:`list_tracks`; unreadable files are
            counted per genre.

    Notebook: 00_start_here.ipynb
    """
    import soundfile as sf

    rows = [
        "| genre | tracks | shortest (s) | mean (s) | longest (s) | sample rate (Hz) |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
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
        rows.append(
            f"| {genre} | {len(found)}{bad} | {d.min():.2f} | {d.mean():.2f} | "
            f"{d.max():.2f} | {rates} |"
        )
    return "\n".join(rows)
