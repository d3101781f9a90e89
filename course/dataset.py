"""Datasets on disk: finding one, listing its tracks, MFCC features per segment, the feature
cache, and the train/validation/test splits.

One rule finds the data for notebooks and the command line alike (:func:`resolve_data`):
``--data PATH``, then the ``COURSE_DATA`` environment variable, then ``data/gtzan/``, then the
embedded synthetic sample. Inside the folder found, both GTZAN layouts work: the original
``genres/<genre>/*.au`` and the common ``Data/genres_original/<genre>/*.wav``. Labels are
indices into the sorted genre names. An unreadable file is skipped and reported by name with
its reason; everything else is kept.

Notebook: 00_start_here.ipynb (finding data), 10_genre_comparison.ipynb (features, splits)
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .audio import AudioError, load_audio
from .settings import (AUDIO_EXTENSIONS, DATA_DIR, PROJECT_ROOT, FeatureParams, TrainParams,
                       show_progress)

#: Where cached feature files go (git-ignored).
CACHE_DIR = DATA_DIR / "cache"
#: Bump when the feature computation changes, so old cache files are not trusted.
FEATURE_VERSION = 2

EXPECTED_LAYOUT = (
    "Expected a folder of genre folders holding audio files, for example "
    "<path>/blues/blues.00000.wav (the common GTZAN copy: Data/genres_original/<genre>/*.wav; "
    "the original: genres/<genre>/*.au). Pass that folder, or one of its parents, with "
    "--data PATH or the COURSE_DATA environment variable."
)


class DatasetError(ValueError):
    """A dataset folder that cannot be used; the message says what layout is expected."""


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

    Notebook: 00_start_here.ipynb
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

    Notebook: 00_start_here.ipynb
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

    Notebook: 10_genre_comparison.ipynb
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

    Notebook: 00_start_here.ipynb
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


@functools.lru_cache(maxsize=8)
def _mel_basis(sr: int, n_fft: int, n_mels: int) -> np.ndarray:
    import librosa

    return librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)  # built once per setting


@functools.lru_cache(maxsize=8)
def _hann(n_fft: int) -> np.ndarray:
    import scipy.signal

    return scipy.signal.get_window("hann", n_fft, fftbins=True).astype(np.float32)  # librosa's


def segment_mfcc(y: np.ndarray, params: FeatureParams = FeatureParams()) -> tuple[np.ndarray, int]:
    """MFCCs of each segment of a track: the notes' numbers, computed in one pass.

    The first ``track_duration`` seconds are cut into ``segments_per_track`` segments of
    ``params.samples_per_segment`` samples. The notes call ``librosa.feature.mfcc`` once per
    segment and keep a segment only if it gives a full segment's number of frames (so the end
    of a clip a little short of 30 s is dropped, unless it is short by less than a hop).

    This function does the same arithmetic for all segments at once: each segment is padded
    and framed as librosa centres it, windowed (Hann), transformed (FFT), squared, mapped to
    mel bands, converted to dB with the 80-dB floor taken **per segment** (librosa applies it
    relative to the loudest value of each call), and DCT'd. ``tests/test_dataset.py`` checks
    that the result equals one ``librosa.feature.mfcc`` call per segment to float32 precision.

    Args:
        y: ``(n_samples,)`` mono audio at ``params.sample_rate``.
        params: the feature parameters.

    Returns:
        ``(features, n_dropped)``: features ``(n_segments, frames_per_segment, n_mfcc)`` float32,
        time-major, and the number of segments dropped for having fewer frames.

    Notebook: 03_mfcc.ipynb
    """
    import scipy.fft

    seg, hop, frames, n_fft = (params.samples_per_segment, params.hop_length,
                               params.frames_per_segment, params.n_fft)
    y = np.asarray(y, dtype=np.float32)
    chunks = [y[s * seg:(s + 1) * seg] for s in range(params.segments_per_track)]
    kept = [c for c in chunks if len(c) and 1 + len(c) // hop == frames]
    dropped = params.segments_per_track - len(kept)
    if not kept:
        return np.zeros((0, frames, params.n_mfcc), np.float32), dropped
    # Centre the frames as librosa does: n_fft // 2 zeros before and after each segment.
    padded = np.stack([np.pad(c, (n_fft // 2, n_fft // 2 + seg - len(c))) for c in kept])
    windows = np.lib.stride_tricks.sliding_window_view(padded, n_fft, axis=-1)[:, ::hop][:, :frames]
    spectrum = scipy.fft.rfft(windows * _hann(n_fft), axis=-1)       # float32 in, complex64 out
    power = spectrum.real ** 2 + spectrum.imag ** 2                   # (segments, frames, bins)
    mel = power @ _mel_basis(params.sample_rate, n_fft, params.n_mels).T
    db = 10.0 * np.log10(np.maximum(1e-10, mel))
    db = np.maximum(db, db.max(axis=(1, 2), keepdims=True) - 80.0)   # the floor, per segment
    mfcc = scipy.fft.dct(db, axis=-1, type=2, norm="ortho")[..., :params.n_mfcc]
    return np.ascontiguousarray(mfcc, dtype=np.float32), dropped


@dataclass
class Features:
    """MFCC features of a dataset, one row per segment.

    Attributes:
        mfcc: ``(n_segments, n_frames, n_mfcc)`` float32, time-major as Keras expects.
        labels: ``(n_segments,)`` int genre indices into ``mapping``.
        mapping: ``(n_genres,)`` genre names, sorted.
        track: ``(n_segments,)`` each segment's source file, relative to the dataset root.
        params: the :class:`FeatureParams` used.
        skipped: ``[(relative file, reason), ...]`` for files that could not be used.
        dropped_segments: segments dropped for being shorter than a full segment.
        synthetic: True if computed from the embedded sample.
    """

    mfcc: np.ndarray
    labels: np.ndarray
    mapping: np.ndarray
    track: np.ndarray
    params: FeatureParams
    skipped: list[tuple[str, str]] = field(default_factory=list)
    dropped_segments: int = 0
    synthetic: bool = False

    @property
    def n_tracks(self) -> int:
        return len(np.unique(self.track))

    def summary(self) -> str:
        """A few lines on what was computed, skipped and dropped."""
        lines = [
            f"{len(self.labels)} segments of shape {self.mfcc.shape[1:]} from {self.n_tracks} "
            f"tracks in {len(self.mapping)} genres" + (" (synthetic sample)" if self.synthetic else ""),
        ]
        if self.dropped_segments:
            lines.append(f"{self.dropped_segments} short segment(s) dropped (clips shorter than "
                         f"{self.params.track_duration:g} s), as in the notes")
        if self.skipped:
            lines.append(f"{len(self.skipped)} file(s) or folder(s) skipped:")
            lines += [f"  {name}: {reason}" for name, reason in self.skipped[:20]]
            if len(self.skipped) > 20:
                lines.append(f"  ... and {len(self.skipped) - 20} more (see Features.skipped)")
        return "\n".join(lines)

    def save(self, path: str | Path) -> Path:
        """Write a compressed ``.npz`` atomically (temporary file, then rename)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {
            "mfcc": self.mfcc.astype(np.float32),
            "labels": self.labels.astype(np.int64),
            "mapping": np.asarray(self.mapping, dtype=str),
            "track": np.asarray(self.track, dtype=str),
            "params": np.asarray(json.dumps(asdict(self.params))),
            "skipped_files": np.asarray([s[0] for s in self.skipped], dtype=str),
            "skipped_reasons": np.asarray([s[1] for s in self.skipped], dtype=str),
            "dropped_segments": np.asarray(self.dropped_segments, dtype=np.int64),
            "synthetic": np.asarray(self.synthetic),
            "version": np.asarray(FEATURE_VERSION, dtype=np.int64),
        }
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".npz.part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez_compressed(f, **arrays)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path


def load_features(path: str | Path) -> Features:
    """Read a features file written by :meth:`Features.save` (``allow_pickle=False``).

    Raises:
        FileNotFoundError: no such file.
        DatasetError: the file is not a complete course features file.

    Notebook: 10_genre_comparison.ipynb
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No features file at {path}: run `python -m course prepare` first.")
    try:
        with np.load(path, allow_pickle=False) as z:
            if int(z["version"]) != FEATURE_VERSION:
                raise DatasetError(f"{path} was written by another feature version; prepare it again.")
            feats = Features(
                mfcc=z["mfcc"], labels=z["labels"], mapping=z["mapping"], track=z["track"],
                params=FeatureParams(**json.loads(str(z["params"]))),
                skipped=list(zip(z["skipped_files"].tolist(), z["skipped_reasons"].tolist())),
                dropped_segments=int(z["dropped_segments"]), synthetic=bool(z["synthetic"]),
            )
    except (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        if isinstance(exc, DatasetError):
            raise
        raise DatasetError(f"{path} is not a readable course features file ({exc}); "
                           "delete it and prepare the features again.") from exc
    n = len(feats.labels)
    if feats.mfcc.shape[0] != n or len(feats.track) != n:
        raise DatasetError(f"{path} is inconsistent (arrays of different lengths); prepare it again.")
    return feats


def cache_key(tracks: list[Track], params: FeatureParams) -> str:
    """A hash of every feature parameter and the file list with sizes and modification times."""
    files = []
    for t in tracks:
        st = t.path.stat()
        files.append((t.relpath, t.label, st.st_size, st.st_mtime_ns))
    blob = json.dumps({"version": FEATURE_VERSION, "params": asdict(params), "files": files},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def prepare(
    data: str | Path | DataSource | None = None,
    params: FeatureParams = FeatureParams(),
    out: str | Path | None = None,
    tracks_per_genre: int | None = None,
    cache: bool = True,
    progress: bool = True,
    jobs: int | None = None,
) -> Features:
    """Compute (or load from the cache) the MFCC features of a dataset.

    Args:
        data: a dataset folder, a :class:`DataSource`, or None for :func:`resolve_data`'s rule.
        params: feature parameters; the defaults are the notes' (3-s segments, 13 MFCCs,
            n_fft 2048, hop 512, so 130 x 13 per segment).
        out: also write the features to this ``.npz`` file.
        tracks_per_genre: use only the first N tracks of each genre.
        cache: reuse ``data/cache/mfcc-<key>.npz`` if its key (parameters and files with sizes
            and modification times) matches, and write it otherwise.
        progress: show a progress bar (files per second).
        jobs: worker processes across files (default: the cores available; 1 for none).

    Returns:
        The :class:`Features`; ``skipped`` names every file that could not be read, and why.

    Raises:
        DatasetError: no data folder, or nothing usable in it.

    Notebook: 10_genre_comparison.ipynb
    """
    from tqdm.auto import tqdm

    source = data if isinstance(data, DataSource) else resolve_data(data, progress=progress)
    tracks, genres, ignored = scan_dataset(source.root, tracks_per_genre=tracks_per_genre)
    cache_file = CACHE_DIR / f"mfcc-{cache_key(tracks, params)}.npz"
    if cache and cache_file.is_file():
        try:
            feats = load_features(cache_file)
        except DatasetError:
            feats = None
        if feats is not None:
            feats.skipped = list(ignored) + [s for s in feats.skipped if s not in ignored]
            if out is not None:
                feats.save(out)
            return feats

    mfccs, labels, names, skipped, dropped = [], [], [], list(ignored), 0
    outcomes = _map_tracks([t.path for t in tracks], params, jobs)
    bar = tqdm(outcomes, total=len(tracks), desc="MFCC features", unit="file",
               disable=not show_progress(progress))
    for t, (m, d, reason) in zip(tracks, bar):
        if reason:
            skipped.append((t.relpath, reason))
            continue
        dropped += d
        mfccs.append(m)
        labels.append(np.full(len(m), t.label, dtype=np.int64))
        names.extend([t.relpath] * len(m))
    if not mfccs:
        raise DatasetError(f"No usable audio in {source.root}: every file was skipped "
                           f"({len(skipped)} skipped). {EXPECTED_LAYOUT}")
    feats = Features(
        mfcc=np.concatenate(mfccs), labels=np.concatenate(labels), mapping=np.asarray(genres),
        track=np.asarray(names), params=params, skipped=skipped, dropped_segments=dropped,
        synthetic=source.synthetic,
    )
    if cache:
        feats.save(cache_file)
    if out is not None:
        feats.save(out)
    return feats


def available_cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def track_features(path: str | Path, params: FeatureParams) -> tuple[np.ndarray | None, int, str]:
    """Load one track and compute its segments' MFCCs; never raises for a bad file.

    Returns:
        ``(mfcc, n_dropped, reason)``: reason is "" on success, else why the file is skipped
        (mfcc is then None).

    Notebook: 10_genre_comparison.ipynb
    """
    try:
        y = load_audio(path, sr=params.sample_rate, duration=params.track_duration)
    except (AudioError, FileNotFoundError) as exc:
        return None, 0, getattr(exc, "reason", str(exc))
    m, dropped = segment_mfcc(y, params)
    if len(m) == 0:
        return None, dropped, (f"shorter than one {params.samples_per_segment / params.sample_rate:g}"
                               "-s segment")
    return m, dropped, ""


def _map_tracks(paths: list[Path], params: FeatureParams, jobs: int | None):
    """:func:`track_features` for every path, in order, on ``jobs`` threads.

    Threads suffice: reading (libsndfile), the FFTs and the matrix products release the GIL.
    Each library's own thread pool is held to one thread meanwhile, so the threads do not
    compete for the same cores.
    """
    jobs = available_cores() if jobs is None else int(jobs)
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}.")
    if jobs == 1 or len(paths) < 2:
        yield from (track_features(p, params) for p in paths)
        return
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), ThreadPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(track_features, paths, [params] * len(paths))


@dataclass(frozen=True)
class Split:
    """Indices of the training, validation and test rows of a :class:`Features`."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray

    def leaked_test_segments(self, track: np.ndarray) -> int:
        """Test segments whose track also has a segment in training."""
        train_tracks = set(np.asarray(track)[self.train].tolist())
        return int(sum(t in train_tracks for t in np.asarray(track)[self.test].tolist()))


def _check_sizes(test_size: float, validation_size: float) -> None:
    for name, v in (("test_size", test_size), ("validation_size", validation_size)):
        if not 0.0 < v < 1.0:
            raise ValueError(f"{name} must be a fraction between 0 and 1, got {v}.")


def split_segments(labels: np.ndarray, seed: int = 0, test_size: float = TrainParams.test_size,
                   validation_size: float = TrainParams.validation_size) -> Split:
    """The notes' split: segments at random, test 25 %, then validation 20 % of the rest.

    Segments of one track land on both sides; :meth:`Split.leaked_test_segments` counts how
    often. Reproduced as the notes did it (no stratification).

    Args:
        labels: ``(n_segments,)`` labels (only the count is used).
        seed: the random seed.
        test_size, validation_size: fractions, as in the notes.

    Returns:
        A :class:`Split` of segment indices.

    Notebook: 10_genre_comparison.ipynb
    """
    from sklearn.model_selection import train_test_split

    _check_sizes(test_size, validation_size)
    idx = np.arange(len(labels))
    rest, test = train_test_split(idx, test_size=test_size, random_state=seed)
    train, val = train_test_split(rest, test_size=validation_size, random_state=seed)
    return Split(np.sort(train), np.sort(val), np.sort(test))


def split_tracks(track: np.ndarray, labels: np.ndarray, seed: int = 0,
                 test_size: float = TrainParams.test_size,
                 validation_size: float = TrainParams.validation_size) -> Split:
    """A track-level split: every segment of a track lands on the same side.

    Tracks (not segments) are split, stratified by genre where every genre has enough tracks:
    test ``test_size`` of the tracks, then validation ``validation_size`` of the rest.

    Args:
        track: ``(n_segments,)`` the track each segment comes from.
        labels: ``(n_segments,)`` genre labels.
        seed: the random seed.
        test_size, validation_size: fractions of tracks.

    Returns:
        A :class:`Split` of segment indices with no track on two sides.

    Notebook: 10_genre_comparison.ipynb
    """
    from sklearn.model_selection import train_test_split

    _check_sizes(test_size, validation_size)
    track, labels = np.asarray(track), np.asarray(labels)
    if track.shape != labels.shape:
        raise ValueError(f"track {track.shape} and labels {labels.shape} must have the same shape.")
    names, first = np.unique(track, return_index=True)
    track_labels = labels[first]

    def _split(items, item_labels, size):
        counts = np.unique(item_labels, return_counts=True)[1]
        n_out = int(np.ceil(size * len(items)))
        stratify = item_labels if counts.min() >= 2 and n_out >= len(counts) else None
        return train_test_split(items, item_labels, test_size=size, random_state=seed,
                                stratify=stratify)

    rest, test, rest_labels, _ = _split(names, track_labels, test_size)
    train, val, _, _ = _split(rest, rest_labels, validation_size)
    side = {name: i for i, group in enumerate((train, val, test)) for name in group}
    where = np.array([side[t] for t in track])
    return Split(*(np.flatnonzero(where == i) for i in range(3)))


def track_statistics(features: Features) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-track summary features: the mean and standard deviation of each MFCC coefficient
    over all frames of all the track's segments (the traditional ML pipeline's input).

    Returns:
        ``(x, labels, tracks)``: x ``(n_tracks, 2 * n_mfcc)`` (means, then standard
        deviations), labels ``(n_tracks,)`` and the track names, sorted.

    Notebook: 03_mfcc.ipynb
    """
    names, inverse = np.unique(features.track, return_inverse=True)
    n_mfcc = features.mfcc.shape[-1]
    x = np.zeros((len(names), 2 * n_mfcc), dtype=np.float64)
    labels = np.zeros(len(names), dtype=np.int64)
    for i in range(len(names)):
        frames = features.mfcc[inverse == i].reshape(-1, n_mfcc)
        x[i] = np.concatenate([frames.mean(axis=0), frames.std(axis=0)])
        labels[i] = features.labels[inverse == i][0]
    return x, labels, names


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


SPLIT_SIDES = ("train", "validation", "test")
_SIDE_FILES = {"train": "train", "validation": "valid", "test": "test"}


def _track_key(name: str) -> str:
    """``genre/stem`` in lower case, so ``blues/blues.00012.au`` matches ``blues.00012.wav``."""
    parts = Path(name).parts
    return f"{parts[0]}/{Path(name).stem}".lower() if len(parts) > 1 else Path(name).stem.lower()


def read_split_lists(path: str | Path) -> dict[str, list[str]]:
    """Read a published train/validation/test split.

    Two forms are accepted:

    - a folder holding three lists, one track per line, named ``train*.txt``, ``valid*.txt``
      and ``test*.txt`` (as the GTZAN fault-filtered split in ``data/splits/`` is);
    - one text file whose lines are ``<side> <track>``, with side ``train``, ``validation``
      or ``test``.

    Tracks are paths like ``blues/blues.00012.wav``; blank lines and ``#`` comments are ignored.

    Returns:
        ``{"train": [...], "validation": [...], "test": [...]}``.

    Raises:
        FileNotFoundError: no such file or folder.
        DatasetError: the lists are malformed, or a track is listed on two sides.

    Notebook: 10_genre_comparison.ipynb
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No split file or folder at {path}; give a folder with train*.txt, "
                                "valid*.txt and test*.txt, or a file of '<side> <track>' lines.")

    def lines(f: Path) -> list[str]:
        return [l.split("#", 1)[0].strip() for l in f.read_text(encoding="utf-8").splitlines()
                if l.split("#", 1)[0].strip()]

    lists: dict[str, list[str]] = {side: [] for side in SPLIT_SIDES}
    if path.is_dir():
        for side, prefix in _SIDE_FILES.items():
            found = sorted(path.glob(f"{prefix}*.txt"))
            if len(found) != 1:
                raise DatasetError(f"{path} needs exactly one {prefix}*.txt list, found {len(found)}.")
            lists[side] = lines(found[0])
    else:
        for number, line in enumerate(lines(path), 1):
            side, _, name = line.partition(" ")
            side = {"valid": "validation", "val": "validation"}.get(side, side)
            if side not in lists or not name.strip():
                raise DatasetError(f"{path}, line {number}: expected '<side> <track>' with side "
                                   f"train, validation or test, got {line!r}.")
            lists[side].append(name.strip())
    seen: dict[str, str] = {}
    for side, names in lists.items():
        for name in names:
            key = _track_key(name)
            if key in seen and seen[key] != side:
                raise DatasetError(f"{path}: {name} is listed in both {seen[key]} and {side}.")
            seen[key] = side
    if not all(lists.values()):
        empty = [side for side, names in lists.items() if not names]
        raise DatasetError(f"{path}: the {', '.join(empty)} list(s) are empty.")
    return lists


def split_from_lists(track: np.ndarray, lists: dict[str, list[str]]) -> tuple[Split, dict]:
    """The :class:`Split` that published lists define for these features' segments.

    A listed track that is not among the features (its file is missing, or was skipped as
    unreadable) is reported, not an error; a track of the data that no list names is left out
    and counted.

    Args:
        track: ``(n_segments,)`` each segment's track, relative to the dataset root.
        lists: from :func:`read_split_lists`.

    Returns:
        ``(split, report)`` with report ``{"missing": [listed tracks not found], "unlisted":
        number of tracks in the data but in no list}``.

    Notebook: 10_genre_comparison.ipynb
    """
    track = np.asarray(track)
    side_of = {_track_key(n): i for i, side in enumerate(SPLIT_SIDES) for n in lists[side]}
    keys = np.array([_track_key(t) for t in track])
    where = np.array([side_of.get(k, -1) for k in keys])
    present = set(keys.tolist())
    missing = [n for side in SPLIT_SIDES for n in lists[side] if _track_key(n) not in present]
    unlisted = len(set(keys[where == -1].tolist()))
    split = Split(*(np.flatnonzero(where == i) for i in range(3)))
    if not all(len(idx) for idx in (split.train, split.validation, split.test)):
        raise DatasetError("The split lists leave the training, validation or test side empty for "
                           "this data; do they name this dataset's tracks?")
    return split, {"missing": missing, "unlisted": unlisted}
