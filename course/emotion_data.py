"""Music emotion data: DEAM read as its archives unpack, found by the course's data rule, each
song's label noise, and a synthetic emotion sample in DEAM's layout whose valence and arousal are
set by known musical factors.

DEAM (Aljanaki, Yang and Soleymani, 2017; https://cvml.unige.ch/databases/DEAM/) ships its audio
as ``DEAM_audio/MEMD_audio/<song_id>.mp3`` (1744 excerpts of 45 s, 58 whole songs). Every CSV
under the data folder is recognised by its columns (spaces removed, case ignored): **averaged**
files (``song_id``, ``valence_mean``, ``arousal_mean``, and ``valence_std``/``arousal_std`` where
present; 1 to 9) give the labels; **per-rater** files (a rater column such as ``workerID``, or a
folder "annotations per each rater", with ``SongId``, ``Valence``/``Valence_Average`` and
``Arousal``/``Arousal_Average``) give each song's number of raters; any other file (per-second
annotations, openSMILE features, metadata) is not read, and is summarised in ``ignored``.

The synthetic emotion sample (``data/emotion-sample/``, made on first use, same seed same bytes)
has that layout. Each clip draws five musical factors, and its valence and arousal are computed
from them plus noise (the "raters' disagreement"):

- valence from the **mode** (major +1.2, minor -1.2) and the **consonance** (0 to 1: how rarely
  a clashing note, a semitone or tritone away, is added to a chord; from -1.2 to +1.2);
- arousal from the **tempo** (60 to 180 beats per minute; -1.3 to +1.3), the **loudness**
  (-32 to -12 dB RMS; -1.0 to +1.0) and the **note density** (1 to 4 notes per beat; -0.8 to
  +0.8);
- each plus 5 and Gaussian noise of standard deviation 0.5, clipped to [1, 9].

``factors.csv`` beside the annotations records every clip's factors, so a learner can check
which of them a model picked up. Results on it are synthetic, not DEAM results.
"""

from __future__ import annotations

import csv
import functools
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from .data import display_path
from .errors import DatasetError, ParameterError
from .progress import track
from .sample import build_folder, check_target
from .settings import AUDIO_EXTENSIONS, DATA_DIR, SAMPLE_RATE, how_found
from .synth import midi_to_hz

#: Bump when the synthesis changes, so an existing emotion sample is regenerated.
EMOTION_SAMPLE_VERSION = 1
EMOTION_SAMPLE_DIR = DATA_DIR / "emotion-sample"
EMOTION_MANIFEST = "EMOTION_SAMPLE.json"
AUDIO_DIR = Path("DEAM_audio") / "MEMD_audio"
ANNOTATIONS = (
    Path("DEAM_Annotations")
    / "annotations"
    / "annotations averaged per song"
    / "song_level"
    / "static_annotations_averaged_songs_1_2000.csv"
)
FACTORS = "factors.csv"
#: Songs in the default sample, and the length of each clip in seconds.
DEFAULT_SONGS = 160
CLIP_SECONDS = 12.0
#: DEAM's rating scale.
SCALE = (1.0, 9.0)
_COLUMNS = ("song_id", "valence_mean", "valence_std", "arousal_mean", "arousal_std")
#: Column names (spaces removed, lower case) by role, in order of preference.
_ID, _RATER = ("song_id", "songid"), ("workerid", "worker_id", "worker", "rater", "rater_id")
_VALENCE, _AROUSAL = (
    ("valence", "valence_average", "valence_mean"),
    ("arousal", "arousal_average", "arousal_mean"),
)
_NOT_USED = {
    "per-second annotation": "this task predicts static, per-song values",
    "openSMILE feature": "the course computes its own MFCCs from the audio",
    "metadata": "the task needs no song metadata",
    "other": "not audio named by song id",
    "unrecognised CSV": "neither averaged (song_id, valence_mean, arousal_mean) nor "
    "per-rater (a rater, SongId, Valence, Arousal) columns",
}


@dataclass(frozen=True, kw_only=True)
class EmotionSong:
    """One annotated recording: its id, audio file, mean valence and arousal (1 to 9), their
    standard deviations over the raters (NaN when not given) and the number of per-rater
    ratings found for it (0 when unknown)."""

    song_id: int
    path: Path
    valence: float
    arousal: float
    valence_std: float = float("nan")
    arousal_std: float = float("nan")
    raters: int = 0


@dataclass(frozen=True, kw_only=True)
class EmotionData:
    """An emotion dataset as found: where, by which rule, its songs, the songs left out
    (``skipped``: ``[(song or file, why), ...]``) and the files not read (``ignored``)."""

    root: Path
    origin: str
    synthetic: bool
    songs: list[EmotionSong] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        """One line: what the data is and where it was found."""
        kind = "the synthetic emotion sample" if self.synthetic else "emotion data"
        return (
            f"{kind} in {display_path(self.root)} ({how_found(self.origin)}): "
            f"{len(self.songs)} songs" + (f", {len(self.skipped)} left out" if self.skipped else "")
        )


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    return next((header.index(n) for n in names if n in header), None)


def _number(
    path: Path, line: int, names: list[str], row: list[str], at: int, whole: bool = False
) -> float:
    text = row[at].strip() if at < len(row) else ""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if np.isfinite(value) and (value.is_integer() or not whole):
        return value
    raise DatasetError(
        f"{display_path(path)}, line {line}, column '{names[at].strip()}': "
        f"{text!r} is not a {'song id' if whole else 'number'}; correct it, or "
        "unpack the file again from DEAM's archive."
    )


def _kind(rel: Path, header: list[str]) -> str:
    if any("dynamic" in p.lower() for p in rel.parts[:-1]) or any(
        h.startswith("sample_") for h in header
    ):
        return "per-second annotation"
    if header and header[0].startswith("frametime"):
        return "openSMILE feature"
    return "metadata" if "metadata" in rel.as_posix().lower() else "unrecognised CSV"


def _summary(counts: Counter) -> list[tuple[str, str]]:
    return [
        (f"{n} {kind} file{'s' if n > 1 else ''} in '{folder}'", f"not used ({_NOT_USED[kind]})")
        for (folder, kind), n in sorted(counts.items())
    ]


def read_annotations(root: str | Path) -> tuple[dict, dict, list]:
    """Every annotation CSV under ``root``, recognised by its columns (module docstring).

    Args:
        root: the dataset folder, searched recursively for ``.csv`` files (``factors.csv`` is
            not read).

    Returns:
        ``(averaged, ratings, ignored)``: ``{song_id: (valence, valence_std, arousal,
        arousal_std)}`` (a std NaN where not given); ``{song_id: [(valence, arousal), ...]}``,
        a pair per per-rater row; the CSVs not read, a ``(count and folder, why)`` per folder.

    Raises:
        DatasetError: no averaged file; a song in two averaged files (the annotations were
            unpacked twice); a non-numeric id or rating (naming the file, line and column).
    """
    root, averaged, ratings, where, not_read = Path(root), {}, {}, {}, Counter()
    for path in sorted(
        p
        for p in root.rglob("*")
        if p.suffix.lower() == ".csv" and p.name != FACTORS and p.is_file()
    ):
        rel = path.relative_to(root)
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            names = next(csv.reader([fh.readline(1 << 16)]), [])
        header = [h.replace(" ", "").lower() for h in names]
        song, valence, arousal = (_column(header, c) for c in (_ID, _VALENCE, _AROUSAL))
        per_rater = _column(header, _RATER) is not None or any(
            "per each rater" in p.lower() for p in rel.parts[:-1]
        )
        is_mean = not per_rater and {"song_id", "valence_mean", "arousal_mean"} <= set(header)
        if not is_mean and not (per_rater and None not in (song, valence, arousal)):
            not_read[(rel.parent.as_posix(), _kind(rel, header))] += 1
            continue
        if is_mean:
            valence, arousal = header.index("valence_mean"), header.index("arousal_mean")
        stds = [_column(header, (c,)) for c in ("valence_std", "arousal_std")]
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            rows = csv.reader(fh)
            for row in rows:
                if rows.line_num == 1 or song >= len(row) or not row[song].strip():
                    continue  # the header, or a blank line
                at = (path, rows.line_num, names, row)
                i = int(_number(*at, song, whole=True))
                v, a = _number(*at, valence), _number(*at, arousal)
                if not is_mean:
                    ratings.setdefault(i, []).append((v, a))
                    continue
                if i in where:
                    raise DatasetError(
                        f"Song {i} is in {display_path(where[i])} and in "
                        f"{display_path(path)}: DEAM lists each song once, so the "
                        "annotations were unpacked twice; keep one copy."
                    )
                where[i] = path
                sd = [
                    _number(*at, c)
                    if c is not None and c < len(row) and row[c].strip()
                    else float("nan")
                    for c in stds
                ]
                averaged[i] = (v, sd[0], a, sd[1])
    if not averaged:
        raise DatasetError(
            f"No averaged annotations under {root}: an emotion dataset needs "
            "DEAM's static_annotations_averaged_songs_*.csv (columns song_id, "
            "valence_mean, arousal_mean); unpack DEAM_Annotations.zip there."
        )
    return averaged, ratings, _summary(not_read)


def read_static_annotations(root: str | Path) -> dict[int, tuple[float, float]]:
    """The averaged labels under ``root`` (:func:`read_annotations`): ``{song_id: (valence,
    arousal)}``, 1 to 9.

    Args:
        root: the dataset folder, searched recursively for annotation CSVs.
    """
    return {i: (v, a) for i, (v, _, a, _) in read_annotations(root)[0].items()}


def find_emotion_songs(root: str | Path) -> tuple[list[EmotionSong], list, list]:
    """Pair each annotated song id with its audio file (``<song_id>.<ext>`` anywhere under
    ``root``). Returns ``(songs by id, skipped, ignored)``: the songs; ``[(what, why it was
    left out), ...]``; one ``(count and folder, why)`` line per folder of files not read.

    Args:
        root: the dataset folder, searched recursively for annotations and audio files.
    """
    root = Path(root)
    labels, ratings, ignored = read_annotations(root)
    audio, other = {}, Counter()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix.lower() in AUDIO_EXTENSIONS and path.stem.isdigit():
            audio.setdefault(int(path.stem), path)
        elif path.suffix.lower() != ".csv" and path.name != EMOTION_MANIFEST:
            other[(path.parent.relative_to(root).as_posix(), "other")] += 1
    songs = [
        EmotionSong(
            song_id=i,
            path=audio[i],
            valence=labels[i][0],
            arousal=labels[i][2],
            valence_std=labels[i][1],
            arousal_std=labels[i][3],
            raters=len(ratings.get(i, ())),
        )
        for i in sorted(labels)
        if i in audio
    ]
    skipped = [
        (f"song {i}", "annotated, but no audio file") for i in sorted(labels) if i not in audio
    ]
    skipped += [
        (display_path(audio[i]), "audio without an annotation")
        for i in sorted(audio)
        if i not in labels
    ]
    unrated = len(set(ratings) - set(labels))
    extra = [(f"per-rater ratings of {unrated} songs", "not used (no averaged annotation)")]
    return songs, skipped, ignored + _summary(other) + (extra if unrated else [])


def label_standard_errors(songs: list[EmotionSong]) -> np.ndarray:
    """Each song's standard error of its label, ``std / sqrt(raters)`` per dimension: how far its
    raters' mean is expected to lie from the mean of infinitely many raters. DEAM's std is used
    as given: whether it divides by n or n - 1 is not documented (10 raters: 5 % apart).

    Args:
        songs: the songs, with their labels' standard deviations and numbers of raters.

    Returns:
        ``(n_songs, 2)`` valence and arousal, in points of the 1-to-9 scale; NaN where the std
        or the number of raters is unknown.
    """
    std = np.array([(s.valence_std, s.arousal_std) for s in songs], float).reshape(-1, 2)
    raters = np.array([s.raters for s in songs], float).reshape(-1, 1)
    return std / np.sqrt(np.where(raters > 0, raters, np.nan))


def resolve_emotion_data(data: str | Path | None = None, progress: bool = True) -> EmotionData:
    """Find the emotion dataset by the course's one rule, as :func:`course.data.resolve_data`
    finds genres: ``data`` (``--data``), then ``COURSE_EMOTION_DATA``, then ``data/deam/``, then
    the synthetic emotion sample, made on first use.

    Args:
        data: the dataset folder; None or "" to go on to the next places of the rule.
        progress: show a progress bar if the synthetic sample has to be made.

    Raises:
        DatasetError: an explicitly given folder is missing or holds no annotated audio.

    Notebook: 11_music_emotion.ipynb
    """

    def found(path, origin):
        root = Path(path).expanduser()
        if not root.is_dir():
            raise DatasetError(f"The emotion dataset folder {root} does not exist.")
        songs, skipped, ignored = find_emotion_songs(root)
        if len(songs) < 8:
            raise DatasetError(
                f"{root} holds {len(songs)} annotated songs with audio; the "
                "course needs at least 8 (see DEAM's layout in data/README.md)."
            )
        return EmotionData(
            root=root,
            origin=origin,
            synthetic=(root / EMOTION_MANIFEST).is_file(),
            songs=songs,
            skipped=skipped,
            ignored=ignored,
        )

    if data is not None and str(data) != "":
        return found(data, "--data")
    env = os.environ.get("COURSE_EMOTION_DATA", "").strip()
    if env:
        return found(env, "COURSE_EMOTION_DATA")
    if (DATA_DIR / "deam").is_dir():
        return found(DATA_DIR / "deam", "data/deam")
    return found(make_emotion_sample(progress=progress), "sample")


def emotion_factors(song_id: int, seed: int = 0) -> dict:
    """A synthetic clip's musical factors and the valence and arousal they give (see the
    module's docstring for the formulas). Depends only on ``song_id`` and ``seed``.

    Args:
        song_id: the clip's song id.
        seed: the sample's seed; with ``song_id`` it seeds the random generator.
    """
    rng = np.random.default_rng([seed, song_id, 11])
    major = bool(rng.random() < 0.5)
    consonance, tempo = float(rng.random()), float(rng.uniform(60, 180))
    loudness, density = float(rng.uniform(-32, -12)), int(rng.integers(1, 5))
    valence = 5 + (1.2 if major else -1.2) + 2.4 * (consonance - 0.5) + rng.normal(0, 0.5)
    arousal = (
        5
        + 1.3 * (tempo - 120) / 60
        + 1.0 * (loudness + 22) / 10
        + 0.8 * (density - 2.5) / 1.5
        + rng.normal(0, 0.5)
    )
    return {
        "song_id": song_id,
        "mode": "major" if major else "minor",
        "consonance": round(consonance, 3),
        "tempo_bpm": round(tempo, 1),
        "loudness_db": round(loudness, 1),
        "density": density,
        "valence": round(float(np.clip(valence, *SCALE)), 2),
        "arousal": round(float(np.clip(arousal, *SCALE)), 2),
        "valence_std": round(float(rng.uniform(0.8, 1.8)), 2),
        "arousal_std": round(float(rng.uniform(0.8, 1.8)), 2),
        "key": int(rng.integers(45, 57)),
        "rng": rng,
    }


def _tone(midi: float, seconds: float, sr: int, partials: int = 6) -> np.ndarray:
    """A plucked tone: decaying harmonics with amplitude 1/k, a 5-ms attack."""
    t = np.arange(int(seconds * sr)) / sr
    f0 = midi_to_hz(midi)
    k = np.arange(1, partials + 1)[:, None]
    k = k[(k[:, 0] * f0) < 0.45 * sr]
    wave = (np.sin(2 * np.pi * f0 * k * t) / k).sum(axis=0)
    return wave * np.minimum(t / 0.005, 1.0) * np.exp(-t / max(0.15, seconds / 2.5))


def synthesize_emotion_clip(
    song_id: int, seed: int = 0, sr: int = SAMPLE_RATE, seconds: float = CLIP_SECONDS
) -> tuple[np.ndarray, dict]:
    """One synthetic clip: chords in the clip's mode, a kick on every beat, notes at its density,
    clashing notes as rare as its consonance says, scaled to its loudness.

    Args:
        song_id: the clip's song id, which with ``seed`` draws its factors.
        seed: the sample's seed.
        sr: sample rate of the audio, in Hz.
        seconds: length of the clip, in seconds.

    Returns:
        ``(y, factors)``: ``(n_samples,)`` float32 audio in [-1, 1], and the factors of
        :func:`emotion_factors` (without the random generator).
    """
    f = emotion_factors(song_id, seed)
    rng = f.pop("rng")
    n = int(seconds * sr)
    y = np.zeros(n + sr, dtype=np.float64)
    scale = [0, 2, 4, 5, 7, 9, 11] if f["mode"] == "major" else [0, 2, 3, 5, 7, 8, 10]
    beat = 60.0 / f["tempo_bpm"]

    def add(start: float, sound: np.ndarray, gain: float) -> None:
        i = int(start * sr)
        if i < n:
            y[i : i + len(sound)] += gain * sound[: len(y) - i]

    # The chords come back every four bars and the notes are drawn from them, so a clip asks for
    # few distinct tones many times: each is rendered once and then reused (only ever read).
    @functools.cache
    def tone(midi: int, seconds: float, partials: int) -> np.ndarray:
        return _tone(midi, seconds, sr, partials)

    kick = np.sin(2 * np.pi * 55 * np.arange(int(0.15 * sr)) / sr) * np.exp(
        -np.arange(int(0.15 * sr)) / (0.04 * sr)
    )
    for b in range(int(seconds / beat) + 1):
        add(b * beat, kick, 0.6)
        degree = (0, 5, 3, 4)[(b // 4) % 4]  # I-vi-IV-V (i-VI-iv-v in minor), a bar each
        chord = [f["key"] + scale[(degree + s) % 7] + 12 * ((degree + s) // 7) for s in (0, 2, 4)]
        if b % 4 == 0:
            for midi in chord:
                add(b * beat, tone(midi, 4 * beat, 4), 0.25)
            if rng.random() > f["consonance"]:  # a clash: a semitone or a tritone off the root
                add(b * beat, tone(chord[0] + rng.choice([1, 6]), 4 * beat, 4), 0.3)
        for step in range(f["density"]):
            midi = rng.choice(chord) + 12
            add((b + step / f["density"]) * beat, tone(midi, beat / f["density"], 6), 0.3)
    y = y[:n]
    y *= 10 ** (f["loudness_db"] / 20) / max(np.sqrt(np.mean(y**2)), 1e-9)
    y = np.tanh(y) + rng.normal(0, 1e-3, n)  # soft limiting, and a faint noise floor
    return np.clip(y, -1, 1).astype(np.float32), f


def _foreign(folder: Path) -> list[str]:
    ours = {EMOTION_MANIFEST, FACTORS}
    extra = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_dir() or rel.as_posix() in ours or rel == ANNOTATIONS:
            continue
        if rel.parent == AUDIO_DIR and rel.suffix == ".wav" and rel.stem.isdigit():
            continue
        extra.append(rel.as_posix())
    return extra


def _matches(folder: Path, wanted: dict) -> bool:
    try:
        return json.loads((folder / EMOTION_MANIFEST).read_text()) == wanted and all(
            (folder / AUDIO_DIR / f"{i}.wav").is_file() for i in range(2, 2 + wanted["songs"])
        )
    except (OSError, ValueError):
        return False


def make_emotion_sample(
    out_dir: str | Path = EMOTION_SAMPLE_DIR,
    songs: int = DEFAULT_SONGS,
    seed: int = 0,
    progress: bool = True,
    force: bool = False,
) -> Path:
    """Write the synthetic emotion sample in DEAM's layout, unless an identical one is there.

    Song ids run from 2, as DEAM's do. Like :func:`course.sample.make_sample`, it replaces
    only an empty folder or a sample of its own, builds beside the target and renames into
    place.

    Args:
        out_dir: the folder to write the sample into.
        songs: number of clips (8 to 2000).
        seed: seeds every clip's factors and audio.
        progress: show a progress bar while the clips are synthesised.
        force: write the sample again even if an identical one is there.

    Returns:
        The sample's folder.

    Raises:
        ParameterError: ``songs`` out of range (8 to 2000).
        OutputError: ``out_dir`` holds files the course did not write.
    """
    if not 8 <= songs <= 2000:
        raise ParameterError(f"songs must be between 8 and 2000, got {songs}.")
    out_dir = Path(out_dir).expanduser()
    wanted = {
        "version": EMOTION_SAMPLE_VERSION,
        "songs": songs,
        "seed": seed,
        "seconds": CLIP_SECONDS,
        "sample_rate": SAMPLE_RATE,
    }
    if not force and _matches(out_dir, wanted):
        return out_dir

    def write(folder: Path) -> None:
        (folder / AUDIO_DIR).mkdir(parents=True)
        rows = []
        for song_id in track(
            range(2, 2 + songs),
            desc="Synthesising the emotion sample",
            unit="clip",
            progress=progress,
        ):
            y, factors = synthesize_emotion_clip(song_id, seed)
            sf.write(folder / AUDIO_DIR / f"{song_id}.wav", y, SAMPLE_RATE, subtype="PCM_16")
            rows.append(factors)
        (folder / ANNOTATIONS).parent.mkdir(parents=True)
        lines = [", ".join(_COLUMNS)] + [
            f"{r['song_id']}, {r['valence']:.2f}, {r['valence_std']:.2f}, {r['arousal']:.2f}, "
            f"{r['arousal_std']:.2f}"
            for r in rows
        ]
        (folder / ANNOTATIONS).write_text("\n".join(lines) + "\n", encoding="utf-8")
        keys = [
            "song_id",
            "mode",
            "consonance",
            "tempo_bpm",
            "loudness_db",
            "density",
            "valence",
            "arousal",
        ]
        table = [",".join(keys)] + [",".join(str(r[k]) for k in keys) for r in rows]
        (folder / FACTORS).write_text("\n".join(table) + "\n", encoding="utf-8")
        (folder / EMOTION_MANIFEST).write_text(json.dumps(wanted, indent=2) + "\n")

    def check(target: Path) -> None:
        check_target(target, EMOTION_MANIFEST, _foreign, what="synthetic emotion sample")

    return build_folder(
        out_dir, write, ready=lambda d: not force and _matches(d, wanted), check=check
    )


def read_factors(root: str | Path) -> dict[int, dict]:
    """The synthetic sample's ``factors.csv``: ``{song_id: {factor: value}}``.

    Args:
        root: the sample's folder, which holds ``factors.csv``.

    Notebook: 11_music_emotion.ipynb
    """
    with open(Path(root) / FACTORS, encoding="utf-8") as fh:
        return {
            int(r["song_id"]): {k: (v if k == "mode" else float(v)) for k, v in r.items()}
            for r in csv.DictReader(fh)
        }
