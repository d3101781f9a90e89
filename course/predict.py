"""A trained genre model on its own: saved with everything it needs, and used on any audio file
of any length.

A saved model is two files side by side: ``NAME.keras`` (Keras's own format) and ``NAME.json``,
which records what the model cannot: the feature parameters it was trained on, the course's
feature version, the genre of each output, the input standardisation (training means and
standard deviations) if it used one, and the course's version. ``python -m course compare``
saves every model it trains; ``python -m course predict`` and :func:`load_classifier` read them.

A song is classified by cutting the whole track, however long, into the model's segments
(3 s in the notes' setting), classifying each, and averaging the segments' probabilities; how
many segments agree with that song-level answer says how sure the model is across the song.
TensorFlow is imported only when a model is loaded.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .audio import load_audio
from .errors import AudioError, ModelError, PathNotFoundError
from .features import FEATURE_VERSION, whole_mfcc
from .models import import_keras
from .outputs import atomic_path
from .settings import AUDIO_EXTENSIONS, COURSE_VERSION, RESULTS_DIR, FeatureParams

#: Where ``compare`` saves its models unless told otherwise, and where ``predict`` looks.
DEFAULT_MODELS_DIR = RESULTS_DIR / "compare" / "models"


@dataclass(frozen=True, kw_only=True)
class Prediction:
    """What a classifier says about one recording.

    Attributes:
        source: the file (or a label for audio given as an array).
        genres: the genre of each output, in the model's order.
        probabilities: ``(n_segments, n_genres)``, one row per segment, in time order.
        segment_seconds: the length of a segment in seconds.
        seconds: the length of the recording in seconds.
    """

    source: str
    genres: list[str]
    probabilities: np.ndarray
    segment_seconds: float
    seconds: float

    @property
    def song(self) -> np.ndarray:
        """``(n_genres,)``: the song's probabilities, the mean of its segments'."""
        return self.probabilities.mean(axis=0)

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most probable genres for the song, most probable first.

        Args:
            k: how many genres to return.
        """
        order = np.argsort(-self.song)[:k]
        return [(self.genres[i], float(self.song[i])) for i in order]

    @property
    def agreement(self) -> float:
        """The share of segments whose own top genre is the song's top genre."""
        best = int(np.argmax(self.song))
        return float(np.mean(np.argmax(self.probabilities, axis=1) == best))

    def summary(self, k: int = 3) -> str:
        """One line: the file, its length and segments, the top genres and the agreement.

        Args:
            k: how many of the top genres to list, with their probabilities.
        """
        minutes, secs = divmod(round(self.seconds), 60)
        tops = ", ".join(f"{g} {p:.2f}" for g, p in self.top(k))
        n = len(self.probabilities)
        return (
            f"{self.source} ({minutes}:{secs:02d}, {n} segment{'s' * (n != 1)} of "
            f"{self.segment_seconds:g} s): {tops}; {self.agreement:.0%} of segments pick "
            f"{self.top(1)[0][0]}"
        )


@dataclass(frozen=True, kw_only=True)
class GenreClassifier:
    """A Keras genre model with what it needs to classify audio on its own.

    Attributes:
        model: the Keras model; its input is one segment's MFCCs.
        params: the feature parameters it was trained on.
        genres: the genre of each output.
        mean, std: per-coefficient training statistics if its inputs were standardised.
        info: what else was recorded (name, seed, accuracy, data, versions).
    """

    model: object
    params: FeatureParams
    genres: list[str]
    mean: np.ndarray | None = None
    std: np.ndarray | None = None
    info: dict = field(default_factory=dict)

    @property
    def segment_seconds(self) -> float:
        """The length of one segment in seconds (3 in the notes' setting)."""
        return self.params.samples_per_segment / self.params.sample_rate

    def features(self, y: np.ndarray) -> np.ndarray:
        """``(n_segments, frames, n_mfcc)``: MFCCs of every whole segment of ``y``, start to end,
        standardised as in training. A remainder shorter than a segment is left out.

        Args:
            y: mono audio at ``params.sample_rate``.
        """
        x = whole_mfcc(y, self.params)
        if self.mean is not None:
            x = ((x - self.mean) / self.std).astype(np.float32)
        return x

    def predict_audio(self, y: np.ndarray, source: str = "audio") -> Prediction:
        """Classify mono audio at ``params.sample_rate``.

        Args:
            y: the audio, at ``params.sample_rate``.
            source: the name the prediction and any error give the audio.

        Raises:
            AudioError: the audio is shorter than one segment.
        """
        x = self.features(y)
        if len(x) == 0:
            raise AudioError(
                source,
                f"shorter than one {self.segment_seconds:g}-s segment, "
                "the least this model can classify",
            )
        probabilities = np.asarray(self.model.predict(x, verbose=0, batch_size=64), dtype=float)
        return Prediction(
            source=str(source),
            genres=list(self.genres),
            probabilities=probabilities,
            segment_seconds=self.segment_seconds,
            seconds=len(y) / self.params.sample_rate,
        )

    def predict_file(self, path: str | Path) -> Prediction:
        """Classify a whole audio file (any format :func:`course.audio.load_audio` reads).

        Args:
            path: the audio file; it is read at ``params.sample_rate``.

        Notebook: 10_genre_comparison.ipynb
        """
        y = load_audio(path, sr=self.params.sample_rate)
        return self.predict_audio(y, source=str(path))

    def save(self, stem: str | Path) -> tuple[Path, Path]:
        """Write ``STEM.keras`` and ``STEM.json``; returns both paths.

        Args:
            stem: the path of both files without their suffix (a suffix it has is replaced);
                its folder is created if needed.
        """
        stem = Path(stem)
        stem.parent.mkdir(parents=True, exist_ok=True)
        keras_path, info_path = stem.with_suffix(".keras"), stem.with_suffix(".json")
        # Written beside the target and renamed into place, as every course output is.
        part = keras_path.with_name(f".{keras_path.stem}-part.keras")
        try:
            self.model.save(part)
            os.replace(part, keras_path)
        finally:
            part.unlink(missing_ok=True)
        info = {
            **self.info,
            "course_version": COURSE_VERSION,
            "feature_version": FEATURE_VERSION,
            "features": asdict(self.params),
            "genres": list(self.genres),
            "standardisation": None
            if self.mean is None
            else {"mean": np.asarray(self.mean).tolist(), "std": np.asarray(self.std).tolist()},
        }
        with atomic_path(info_path) as tmp:
            tmp.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
        return keras_path, info_path


def _choose(folder: Path) -> Path:
    """The saved model in ``folder`` with the best recorded validation song accuracy (never
    the test accuracy: choosing the best of several test scores would flatter the choice).
    Models saved without one (by an older course) come last; ties go to the first name."""
    found = sorted(folder.glob("*.keras"))
    if not found:
        raise PathNotFoundError(
            f"No saved model in {folder}: train one with `python -m course compare` (it saves "
            "every model it trains there), or give --model PATH."
        )

    def score(path: Path) -> float:
        try:
            info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            return float(info.get("validation_song_accuracy", -1.0))
        except (OSError, ValueError):
            return -1.0

    return max(found, key=score)


def load_classifier(path: str | Path | None = None) -> GenreClassifier:
    """Load a model saved by :meth:`GenreClassifier.save` (``compare`` saves every model).

    Args:
        path: a ``.keras`` file (its ``.json`` beside it), or a folder of saved models, of
            which the one with the best recorded validation song accuracy is taken. Default: the
            folder ``compare`` saves to, ``results/compare/models/``.

    Raises:
        PathNotFoundError: nothing there, or no saved model in the folder.
        ModelError: the ``.json`` is missing or unreadable, or the model does not fit the
            feature parameters it was saved with.

    Notebook: 10_genre_comparison.ipynb
    """
    path = Path(path).expanduser() if path is not None else DEFAULT_MODELS_DIR
    if path.is_dir():
        path = _choose(path)
    elif not path.exists():
        raise PathNotFoundError(
            f"No saved model at {path}: train one with `python -m course compare`, which saves "
            f"its models in {DEFAULT_MODELS_DIR.relative_to(RESULTS_DIR.parent)}/."
        )
    keras_path, info_path = path.with_suffix(".keras"), path.with_suffix(".json")
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        params = FeatureParams(**info["features"])
        genres = list(info["genres"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"{info_path} is missing or not a course model's settings ({exc}); "
            "save models with `python -m course compare`."
        ) from None
    if info.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"{keras_path} was trained on features of version "
            f"{info.get('feature_version')}, and the course now computes version "
            f"{FEATURE_VERSION}; train it again with `python -m course compare`."
        )
    model = import_keras().models.load_model(keras_path)
    expected = (params.frames_per_segment, params.n_mfcc)
    got = tuple(model.input_shape[1:3])
    if got != expected or model.output_shape[-1] != len(genres):
        raise ModelError(
            f"{keras_path} takes inputs of {got} and gives {model.output_shape[-1]} genres, but "
            f"its settings ({info_path.name}) describe {expected} MFCC segments and "
            f"{len(genres)} genres: the two files do not belong together."
        )
    scale = info.get("standardisation")
    mean = None if scale is None else np.asarray(scale["mean"], dtype=np.float32)
    std = None if scale is None else np.asarray(scale["std"], dtype=np.float32)
    return GenreClassifier(model=model, params=params, genres=genres, mean=mean, std=std, info=info)


def audio_files(paths) -> list[Path]:
    """The audio files named, with each folder replaced by the audio files inside it (sorted,
    sub-folders included). A name that does not exist is kept, so it is reported.

    Args:
        paths: files and folders; hidden files and files of other extensions inside a folder
            are left out.
    """
    files = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and not f.name.startswith(".")
                and f.suffix.lower() in AUDIO_EXTENSIONS
            )
        else:
            files.append(p)
    return files


def saved_names(models, seeds) -> list[str]:
    """The files :func:`course.experiments.compare` saves for these models and seeds.

    Args:
        models: the model names.
        seeds: the seeds each model was trained with.
    """
    return [f"{m}_seed{s}{ext}" for s in seeds for m in models for ext in (".keras", ".json")]


def classify_files(load, files, top: int = 3, figures_dir: str | Path | None = None) -> int:
    """What ``python -m course predict`` does: check the figures' folder, load the model, then
    print one line per file (:meth:`Prediction.summary`) and, with ``figures_dir``, save a
    figure of its genres over time; a file that cannot be classified is reported on stderr
    and the rest go on.

    Args:
        load: a function of no arguments returning the :class:`GenreClassifier` (called once
            the files and the folder are checked, so mistakes there cost no TensorFlow import).
        files: audio files (see :func:`audio_files`).
        top: genres per line.
        figures_dir: where to write ``<file>_genres.png`` figures, or None for none.

    Returns:
        How many files could not be classified.

    Raises:
        PathNotFoundError: no files were given.
        OutputError: a figure's name exists in ``figures_dir`` and the course did not write it.
    """
    import sys

    from .data import display_path
    from .outputs import claim_outputs, record_outputs

    if not files:
        raise PathNotFoundError(
            f"No audio files found; the course reads {', '.join(AUDIO_EXTENSIONS)} files."
        )
    missing = [f for f in files if not f.is_file()]
    if len(missing) == len(files):  # before TensorFlow and the model are loaded
        raise PathNotFoundError(
            f"No such file: {', '.join(map(str, missing[:5]))}"
            f"{' ...' * (len(missing) > 5)}; give audio files or folders."
        )
    names = {}
    for i, f in enumerate(files):
        names[f] = (
            f"{f.stem}_genres.png"
            if f"{f.stem}_genres.png" not in names.values()
            else f"{f.stem}_{i}_genres.png"
        )
    out = claim_outputs(figures_dir, names.values()) if figures_dir is not None else None
    classifier = load()
    print(model_line(classifier.info))
    if classifier.info.get("synthetic"):
        print(
            "Note: this model learned the synthetic sample's made-up genres, not real music; "
            "its answers for real recordings mean little until you train it on a real "
            "dataset (python -m course compare --data DATASET)."
        )
    failed = 0
    for f in files:
        try:
            prediction = classifier.predict_file(f)
        except (AudioError, PathNotFoundError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(prediction.summary(top), flush=True)
        if out is not None:
            _save_timeline(prediction, out / names[f], title=f.name)
            record_outputs(out, [names[f]])
            print(f"  figure: {display_path(out / names[f])}")
    return failed


def model_line(info: dict) -> str:
    """One line on a saved model: what it is, what it was trained on, and its recorded song
    accuracies, each named for what it is (validation: what chose it; test: leaky when the
    protocol let test songs into training).

    Args:
        info: a saved model's recorded settings (its ``.json``, :attr:`GenreClassifier.info`).
    """
    parts = [
        f"Model: {info.get('model', '?')} (seed {info.get('seed', '?')}), trained on "
        + ("the synthetic sample" if info.get("synthetic") else "real data")
        + (f", protocol {info['protocol']}" if info.get("protocol") else "")
    ]
    if info.get("validation_song_accuracy") is not None:
        parts.append(f"validation song accuracy {info['validation_song_accuracy']:.3f}")
    if info.get("test_song_accuracy") is not None:
        leaky = info.get("test_accuracy_leaky")
        parts.append(
            f"test song accuracy {info['test_song_accuracy']:.3f}"
            + (
                " (leaky: its test songs had segments in training)"
                if leaky
                else ""
                if leaky is False
                else " (leak not recorded)"
            )
        )
    return "; ".join(parts)


def _save_timeline(prediction: Prediction, path: Path, title: str) -> None:
    from matplotlib import pyplot as plt

    from .learning_plots import plot_genre_timeline

    fig = plot_genre_timeline(
        prediction.probabilities, prediction.genres, prediction.segment_seconds, title=title
    )
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png")
    plt.close(fig)
