"""MFCC features per segment: the batched computation, threads across tracks, and the cache.

:func:`prepare` turns a dataset into :class:`Features`, one row per 3-s segment (the notes'
setting), reusing a cached ``.npz`` when every parameter and file is unchanged. The
per-segment arithmetic is :func:`segment_mfcc`; the traditional pipeline's per-track summary is
:func:`track_statistics`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import zipfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .audio import load_audio
from .data import EXPECTED_LAYOUT, DataSource, Track, resolve_data, scan_source, summarise_left_out
from .errors import AudioError, CourseError, DatasetError, PathNotFoundError, check_positive
from .outputs import atomic_path, check_replaceable_file
from .progress import track
from .settings import DATA_DIR, FeatureParams

#: Where cached feature files go (git-ignored).
CACHE_DIR = DATA_DIR / "cache"

#: Bump when the feature computation changes, so old cache files are not trusted.
FEATURE_VERSION = 3
_TEXT = ("mapping", "track", "published", "group")  # the fields of Features saved as text


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
    """
    import scipy.fft

    seg, hop, frames, n_fft = (
        params.samples_per_segment,
        params.hop_length,
        params.frames_per_segment,
        params.n_fft,
    )
    y = np.asarray(y, dtype=np.float32)
    chunks = [y[s * seg : (s + 1) * seg] for s in range(params.segments_per_track)]
    kept = [c for c in chunks if len(c) and 1 + len(c) // hop == frames]
    dropped = params.segments_per_track - len(kept)
    if not kept:
        return np.zeros((0, frames, params.n_mfcc), np.float32), dropped
    # Centre the frames as librosa does: n_fft // 2 zeros before and after each segment.
    padded = np.stack([np.pad(c, (n_fft // 2, n_fft // 2 + seg - len(c))) for c in kept])
    windows = np.lib.stride_tricks.sliding_window_view(padded, n_fft, axis=-1)[:, ::hop][:, :frames]
    spectrum = scipy.fft.rfft(windows * _hann(n_fft), axis=-1)  # float32 in, complex64 out
    power = spectrum.real**2 + spectrum.imag**2  # (segments, frames, bins)
    mel = power @ _mel_basis(params.sample_rate, n_fft, params.n_mels).T
    db = 10.0 * np.log10(np.maximum(1e-10, mel))
    db = np.maximum(db, db.max(axis=(1, 2), keepdims=True) - 80.0)  # the floor, per segment
    mfcc = scipy.fft.dct(db, axis=-1, type=2, norm="ortho")[..., : params.n_mfcc]
    return np.ascontiguousarray(mfcc, dtype=np.float32), dropped


def segments_kept(n_samples: int, params: FeatureParams = FeatureParams()) -> int:
    """How many segments :func:`segment_mfcc` keeps from a track of ``n_samples`` samples: a
    segment of ``L`` samples gives ``1 + L // hop_length`` frames (librosa centres them), so
    segment ``k`` is kept while ``n_samples - k * samples_per_segment`` is at least
    ``(frames_per_segment - 1) * hop_length``: 66048 of its 66150 samples in the notes' setting.

    Args:
        n_samples: the track's length in samples at ``params.sample_rate``.
        params: the feature parameters.

    Notebook: 00_start_here.ipynb
    """
    need = (params.frames_per_segment - 1) * params.hop_length
    if n_samples < max(need, 1):
        return 0
    return min(params.segments_per_track, (n_samples - need) // params.samples_per_segment + 1)


def whole_mfcc(y: np.ndarray, params: FeatureParams = FeatureParams()) -> np.ndarray:
    """MFCCs of every whole segment of a recording of any length, start to end: a song of 4
    minutes gives 80 segments of 3 s in the notes' setting. A remainder shorter than a segment
    is left out. Each segment is computed exactly as :func:`segment_mfcc` computes a track's.

    Args:
        y: ``(n_samples,)`` mono audio at ``params.sample_rate``.
        params: the feature settings (segment length, MFCC and STFT parameters).

    Returns:
        ``(n_segments, frames_per_segment, n_mfcc)`` float32 (no rows if ``y`` is shorter than
        one segment).
    """
    seg = params.samples_per_segment
    whole = np.asarray(y, dtype=np.float32)[: len(y) // seg * seg]
    block = seg * params.segments_per_track  # segment_mfcc cuts one track's worth at a time
    parts = [segment_mfcc(whole[s : s + block], params)[0] for s in range(0, len(whole), block)]
    if not parts:
        return np.zeros((0, params.frames_per_segment, params.n_mfcc), np.float32)
    return np.concatenate(parts)


@dataclass(frozen=True, kw_only=True)
class Features:
    """MFCC features of a dataset, one row per segment.

    Attributes:
        mfcc: ``(n_segments, n_frames, n_mfcc)`` float32, time-major as Keras expects.
        labels: ``(n_segments,)`` int genre indices into ``mapping``.
        mapping: ``(n_genres,)`` genre names, sorted.
        track: ``(n_segments,)`` each segment's source file, relative to the dataset root.
        params: the :class:`FeatureParams` used.
        skipped: ``[(relative file, reason), ...]`` for files (or tracks) that were not used.
        dropped_segments: segments dropped for being shorter than a full segment.
        synthetic: True if computed from the embedded sample.
        published: ``(n_segments,)`` str, the side of the split shipped with the dataset
            ("train", "validation", "test"; FMA's from tracks.csv; "" if none, as for GTZAN).
        group: ``(n_segments,)`` str, what must stay on one side of a split (FMA: the artist
            id; "" if unknown). Both default to "" for every segment.
        dataset: what the data is where folder names do not say it ("FMA fma_small"), else "".
    """

    mfcc: np.ndarray
    labels: np.ndarray
    mapping: np.ndarray
    track: np.ndarray
    params: FeatureParams
    skipped: list[tuple[str, str]] = field(default_factory=list)
    dropped_segments: int = 0
    synthetic: bool = False
    published: np.ndarray | None = None
    group: np.ndarray | None = None
    dataset: str = ""

    def __post_init__(self) -> None:
        for name in ("published", "group"):
            given = getattr(self, name)
            given = [""] * len(self.labels) if given is None or len(given) == 0 else given
            object.__setattr__(self, name, np.asarray(given, dtype=str))  # frozen: normalise once

    @property
    def n_tracks(self) -> int:
        return len(np.unique(self.track))

    def summary(self) -> str:
        """A few lines: what was computed, what was dropped, and what was left out, by reason
        with a count and a few names (all of them are in :attr:`skipped`)."""
        kind = "synthetic sample" if self.synthetic else self.dataset
        lines = [
            f"{len(self.labels)} segments of shape {self.mfcc.shape[1:]} from {self.n_tracks} "
            f"tracks in {len(self.mapping)} genres" + (f" ({kind})" if kind else "")
        ]
        if np.any(self.published != ""):
            lines.append(
                "the dataset's own split, in tracks: "
                + ", ".join(
                    f"{side} {len(np.unique(self.track[self.published == side]))}"
                    for side in ("train", "validation", "test")
                )
            )
        if self.dropped_segments:
            lines.append(
                f"{self.dropped_segments} short segment(s) dropped (clips shorter than "
                f"{self.params.track_duration:g} s), as in the notes"
            )
        if self.skipped:
            lines.append(f"{len(self.skipped):,} file(s), folder(s) or track(s) left out:")
            lines += summarise_left_out(self.skipped)
        return "\n".join(lines)

    def save(self, path: str | Path) -> Path:
        """Write a compressed ``.npz`` atomically (temporary file, then rename).

        Args:
            path: the file to write; returned as a ``Path``.
        """
        arrays = {
            "mfcc": self.mfcc.astype(np.float32),
            "labels": self.labels.astype(np.int64),
            **{name: np.asarray(getattr(self, name), dtype=str) for name in _TEXT},
            "params": np.asarray(json.dumps(asdict(self.params))),
            "skipped_files": np.asarray([s[0] for s in self.skipped], dtype=str),
            "skipped_reasons": np.asarray([s[1] for s in self.skipped], dtype=str),
            "dropped_segments": np.asarray(self.dropped_segments, dtype=np.int64),
            "synthetic": np.asarray(self.synthetic),
            "dataset": np.asarray(self.dataset, dtype=str),
            "version": np.asarray(FEATURE_VERSION, dtype=np.int64),
        }
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            np.savez_compressed(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        return Path(path)


def load_features(path: str | Path) -> Features:
    """Read a features file written by :meth:`Features.save` (``allow_pickle=False``).

    Args:
        path: the ``.npz`` file.

    Raises:
        PathNotFoundError: no such file.
        DatasetError: the file is not a complete course features file.
    """
    path = Path(path)
    if not path.is_file():
        raise PathNotFoundError(
            f"No features file at {path}: run `python -m course prepare` first."
        )
    try:
        with np.load(path, allow_pickle=False) as z:
            if int(z["version"]) != FEATURE_VERSION:
                raise DatasetError(
                    f"{path} was written by another feature version; prepare it again."
                )
            feats = Features(
                mfcc=z["mfcc"],
                labels=z["labels"],
                **{name: z[name] for name in _TEXT},
                dataset=str(z["dataset"]),
                params=FeatureParams(**json.loads(str(z["params"]))),
                skipped=list(zip(z["skipped_files"].tolist(), z["skipped_reasons"].tolist())),
                dropped_segments=int(z["dropped_segments"]),
                synthetic=bool(z["synthetic"]),
            )
    except (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise DatasetError(
            f"{path} is not a readable course features file ({exc}); "
            "delete it and prepare the features again."
        ) from exc
    lengths = {
        len(a) for a in (feats.labels, feats.mfcc, feats.track, feats.published, feats.group)
    }
    if len(lengths) > 1:
        raise DatasetError(
            f"{path} is inconsistent (arrays of different lengths); prepare it again."
        )
    return feats


def computing_libraries() -> dict[str, str]:
    """Versions of the libraries the features' arithmetic depends on: reading (soundfile,
    libsndfile), resampling and mel filters (librosa), FFT and DCT (scipy), the rest (numpy)."""
    import librosa
    import scipy
    import soundfile

    return {
        "librosa": librosa.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "soundfile": soundfile.__version__,
        "libsndfile": soundfile.__libsndfile_version__,
    }


def cache_key(tracks: list[Track], params: FeatureParams) -> str:
    """A hash of all that shapes the features and their labels: the feature version, every
    parameter, the computing libraries' versions, and each file's name, genre, label, split
    side, group, size and modification time. Change any and the cache is not used.

    Args:
        tracks: the dataset's tracks; each file is ``stat``-ed for its size and time.
        params: the feature settings.
    """
    files = [
        (t.relpath, t.genre, t.label, t.split, t.group, st.st_size, st.st_mtime_ns)
        for t, st in ((t, t.path.stat()) for t in tracks)
    ]
    blob = json.dumps(
        {
            "version": FEATURE_VERSION,
            "params": asdict(params),
            "files": files,
            "libraries": computing_libraries(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _cached(path: Path) -> Features | None:
    """The features file at ``path`` if the course wrote it and can read it, else None."""
    try:
        return load_features(path)
    except CourseError:
        return None


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
        data: a dataset folder (genre folders or FMA), a :class:`DataSource`, or None for
            :func:`resolve_data`'s rule.
        params: feature parameters; the defaults are the notes' (3-s segments, 13 MFCCs,
            n_fft 2048, hop 512, so 130 x 13 per segment).
        out: also write the features to this ``.npz`` file (new, or one the course wrote;
            anything else is refused before any work).
        tracks_per_genre: use only the first N tracks of each genre (FMA: by track id).
        cache: reuse ``data/cache/mfcc-<key>.npz`` if its :func:`cache_key` matches, and write
            it otherwise.
        progress: show progress (files per second).
        jobs: threads across files (default: the cores available). The features are the
            same, bit for bit, for every number of threads.

    Returns:
        The :class:`Features`; ``skipped`` names every file (or FMA track) not used, and why.

    Raises:
        DatasetError: no data folder, or nothing usable in it.
        OutputError: ``out`` exists and is not a features file the course wrote.

    Notebook: 03_mfcc.ipynb, 04_neural_network_basics.ipynb, 05_overfitting.ipynb,
        07_cnn_on_mfcc.ipynb, 09_lstm_gru.ipynb, 10_genre_comparison.ipynb
    """
    if out is not None:
        out = check_replaceable_file(
            out, lambda p: _cached(p) is not None, "a features file", suffix=".npz"
        )
    source = data if isinstance(data, DataSource) else resolve_data(data, progress=progress)
    tracks, genres, ignored = scan_source(source, tracks_per_genre=tracks_per_genre)
    cache_file = CACHE_DIR / f"mfcc-{cache_key(tracks, params)}.npz"
    feats = _cached(cache_file) if cache else None
    if feats is not None:
        feats = replace(
            feats, skipped=list(dict.fromkeys([*ignored, *feats.skipped])), dataset=source.dataset
        )  # the listing's skipped files first
        if out is not None:
            feats.save(out)
        return feats

    kept, skipped, dropped = [], list(ignored), 0
    outcomes = _map_tracks([t.path for t in tracks], params, jobs)
    for t, (m, d, reason) in track(
        zip(tracks, outcomes),
        total=len(tracks),
        desc="MFCC features",
        unit="file",
        progress=progress,
    ):
        if reason:
            skipped.append((t.relpath, reason))
            continue
        dropped += d
        kept.append((t, m))
    if not kept:
        raise DatasetError(
            f"No usable audio in {source.root}: every file was skipped "
            f"({len(skipped)} skipped). {EXPECTED_LAYOUT}"
        )
    per_track = {
        k: np.repeat([getattr(t, k) for t, _ in kept], [len(m) for _, m in kept])
        for k in ("label", "relpath", "split", "group")
    }  # one value per segment
    feats = Features(
        mfcc=np.concatenate([m for _, m in kept]),
        labels=per_track["label"].astype(np.int64),
        mapping=np.asarray(genres),
        track=per_track["relpath"],
        params=params,
        skipped=skipped,
        dropped_segments=dropped,
        synthetic=source.synthetic,
        published=per_track["split"],
        group=per_track["group"],
        dataset=source.dataset,
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

    Args:
        path: the audio file.
        params: the feature settings; the first ``params.track_duration`` seconds are read at
            ``params.sample_rate``.

    Returns:
        ``(mfcc, n_dropped, reason)``: reason is "" on success, else why the file is skipped
        (mfcc is then None).
    """
    try:
        y = load_audio(path, sr=params.sample_rate, duration=params.track_duration)
    except (AudioError, PathNotFoundError) as exc:
        return None, 0, getattr(exc, "reason", str(exc))
    m, dropped = segment_mfcc(y, params)
    if len(m) == 0:
        return (
            None,
            dropped,
            (f"shorter than one {params.samples_per_segment / params.sample_rate:g}-s segment"),
        )
    return m, dropped, ""


def _map_tracks(paths: list[Path], params: FeatureParams, jobs: int | None):
    """:func:`track_features` for every path, in order, on ``jobs`` threads.

    Threads suffice: reading (libsndfile), the FFTs and the matrix products release the GIL.
    The numerical libraries' own thread pools are held to one thread throughout, whatever
    ``jobs`` is: a matrix product split over several threads adds its terms in another order,
    so its last bits would depend on the thread count. Held to one, every track's features
    are the same bit for bit with 1 job or 8.
    """
    from threadpoolctl import threadpool_limits

    jobs = available_cores() if jobs is None else jobs
    check_positive(integer=True, jobs=jobs)
    with threadpool_limits(limits=1):
        if jobs == 1 or len(paths) < 2:
            yield from (track_features(p, params) for p in paths)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(track_features, paths, [params] * len(paths))


def frame_statistics(mfcc: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each group's (track's, song's) per-coefficient mean and standard deviation over all its
    frames: ``(n_groups, 2 * n_mfcc)``; ``groups`` numbers each segment's group from 0.

    Args:
        mfcc: ``(n_segments, frames, n_mfcc)`` segment MFCCs.
        groups: ``(n_segments,)`` each segment's group number, from 0 with none left out.
    """
    from .errors import check_groups

    groups = check_groups(groups, len(mfcc))
    frames = [mfcc[groups == i].reshape(-1, mfcc.shape[-1]) for i in range(int(groups.max()) + 1)]
    return np.asarray([np.concatenate([f.mean(axis=0), f.std(axis=0)]) for f in frames], np.float64)


def track_statistics(features: Features) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-track summary features (:func:`frame_statistics`), the traditional pipeline's input.

    Args:
        features: segment MFCCs; segments are grouped by ``features.track``, and each track
            takes the label of its first segment.

    Returns:
        ``(x, labels, tracks)``: x ``(n_tracks, 2 * n_mfcc)`` (means, then standard
        deviations), labels ``(n_tracks,)`` and the track names, sorted.
    """
    names, inverse = np.unique(features.track, return_inverse=True)
    first = np.array([np.flatnonzero(inverse == i)[0] for i in range(len(names))])
    return frame_statistics(features.mfcc, inverse), features.labels[first].astype(np.int64), names


def standardise(train: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    """Scale each coefficient (the last axis) to mean 0 and standard deviation 1, using the
    statistics of the training set only, so nothing about the validation or test data leaks
    into training.

    Args:
        train: ``(n, ..., n_coefficients)`` training inputs.
        *others: validation or test inputs, scaled with the training statistics.

    Returns:
        The scaled arrays, float32, ``train`` first.

    Notebook: 04_neural_network_basics.ipynb
    """
    mean, std = standardisation(train)
    return tuple(((np.asarray(a) - mean) / std).astype(np.float32) for a in (train, *others))


def standardisation(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The per-coefficient mean and standard deviation :func:`standardise` scales with (1 for a
    coefficient that never varies).

    Args:
        train: ``(..., n_coefficients)`` training data; statistics are taken over every axis
            but the last.

    Returns:
        ``(mean, std)``, each ``(n_coefficients,)``.
    """
    axes = tuple(range(train.ndim - 1))
    mean, std = train.mean(axis=axes), train.std(axis=axes)
    return mean, np.where(std > 0, std, 1.0)
