"""Music emotion recognition: predicting a song's valence and arousal, and judging how well.

The task is regression: two numbers per song on DEAM's 1-to-9 scale. Every model sees the same
track-level split (no song on two sides), for several seeds:

- ``mean``: always predicts the training songs' mean, the floor any model must beat;
- ``ridge``: ridge regression (``RidgeCV``, its penalty chosen by leave-one-out on the training
  songs) on each song's MFCC means and standard deviations, the traditional baseline;
- ``mlp``, ``cnn``, ``lstm``: the course's networks with two linear outputs
  (:func:`course.models.regression_model`), trained on 3-s segments (at most 15 per song, spread
  over it) with a squared-error loss, inputs and targets standardised with training statistics;
  a song's prediction is the mean of its segments'.

Metrics, per dimension on the test songs, are computed here from scratch (tested against
scikit-learn): RMSE, R^2, Lin's concordance correlation coefficient (CCC), and RMSE's noise floor.
``python -m course compare --task emotion`` and notebook 11 call the same :func:`compare_emotion`.
"""

from __future__ import annotations

import csv
import io
import json
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .emotion_data import EmotionData, EmotionSong, label_standard_errors
from .errors import ParameterError, check_choice, check_defined, check_positive
from .evaluation import holm
from .features import frame_statistics, standardisation, whole_mfcc
from .models import BUILDERS, import_keras, regression_model
from .outputs import atomic_path, claim_outputs, record_outputs
from .progress import track
from .settings import FeatureParams, TrainParams, versions
from .splits import make_split
from .training import check_run, fit, set_seed

DIMENSIONS = ("valence", "arousal")
METRICS = ("rmse", "r2", "ccc")
#: How each metric is written in a table's header.
METRIC_NAMES = {"rmse": "RMSE", "r2": "R²", "ccc": "CCC"}
MAX_SEGMENTS = 15  # the most 3-s segments one song gives (a DEAM excerpt's 45 s), see below


def rmse(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Root-mean-square error, in the scale's units: sqrt(mean((y_hat - y)^2)).

    Args:
        truth: the true values, one per song.
        predicted: the predicted values, in the same order.

    Notebook: 11_music_emotion.ipynb
    """
    return float(np.sqrt(np.mean((np.asarray(predicted) - np.asarray(truth)) ** 2)))


def r2(truth: np.ndarray, predicted: np.ndarray) -> float:
    """R^2 = 1 - sum((y - y_hat)^2) / sum((y - mean(y))^2): 0 for the test mean, below for worse.

    Args:
        truth: the true values, one per song; they must not all be equal.
        predicted: the predicted values, in the same order.

    Notebook: 11_music_emotion.ipynb
    """
    y, p = np.asarray(truth, float), np.asarray(predicted, float)
    spread = np.sum((y - y.mean()) ** 2)
    check_defined(spread, "R^2 needs true values that differ")
    return float(1 - np.sum((y - p) ** 2) / spread)


def ccc(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Lin's concordance correlation coefficient: 2 s_xy / (s_x^2 + s_y^2 + (mean_x - mean_y)^2)
    with population (1/n) moments; 1 only when predictions equal the truth, and lowered by any
    shift or scaling, which Pearson's correlation ignores.

    Args:
        truth: the true values, one per song.
        predicted: the predicted values, in the same order.

    Notebook: 11_music_emotion.ipynb
    """
    x, y = np.asarray(truth, float), np.asarray(predicted, float)
    cov = np.mean((x - x.mean()) * (y - y.mean()))
    scale = x.var() + y.var() + (x.mean() - y.mean()) ** 2
    check_defined(scale, "The CCC needs values that vary (truth and predictions are one constant)")
    return float(2 * cov / scale)


def noise_floor(songs: list[EmotionSong]) -> dict[str, tuple[float, int]]:
    """The RMSE of a model that predicted each song's true value (the mean of infinitely many
    raters): ``sqrt(mean(se^2))`` over the songs whose standard error is known (NaN if none;
    :func:`course.emotion_data.label_standard_errors`), as ``{dimension: (floor, n_songs)}``.

    Args:
        songs: the songs to pool, for example the test songs; a song counts where its label's
            standard deviation and number of raters are known.

    Notebook: 11_music_emotion.ipynb
    """
    se = label_standard_errors(songs)
    known = [se[~np.isnan(se[:, d]), d] for d in range(2)]
    return {
        dim: (float(np.sqrt(np.mean(k**2))) if len(k) else float("nan"), len(k))
        for dim, k in zip(DIMENSIONS, known)
    }


def spread_segments(available: int, max_segments: int = MAX_SEGMENTS) -> np.ndarray:
    """Indices ``(n_used,)`` of the whole segments to use out of a recording's ``available``:
    all if at most ``max_segments``, else ``max_segments`` spread evenly from the first to the
    last (a 4-minute song's 80: 0, 6, 11, ..., 79); segment ``i`` starts at ``i`` x 3 s.

    Args:
        available: number of whole segments in the recording.
        max_segments: the most segments to keep (ParameterError below 1).
    """
    check_positive(integer=True, max_segments=max_segments)
    return (
        np.arange(available)
        if available <= max_segments
        else np.round(np.linspace(0, available - 1, max_segments)).astype(int)
    )


@dataclass(frozen=True, kw_only=True)
class EmotionFeatures:
    """3-s MFCC segments of every song, and each song's valence and arousal.

    Attributes:
        mfcc: ``(n_segments, frames, n_mfcc)`` float32.
        song: ``(n_segments,)`` the index of each segment's song.
        targets: ``(n_songs, 2)`` valence and arousal per song.
        song_ids: ``(n_songs,)`` the dataset's song ids.
        synthetic: True for the synthetic emotion sample.
        params: the feature parameters.
        skipped: ``[(file, reason), ...]`` songs left out: unreadable, or shorter than a segment.
        start: ``(n_segments,)`` each segment's start in its recording, in seconds.
        max_segments, longer: the most segments per song; how many songs had more.
    """

    mfcc: np.ndarray
    song: np.ndarray
    targets: np.ndarray
    song_ids: np.ndarray
    synthetic: bool
    params: FeatureParams = field(default_factory=FeatureParams)
    skipped: list = field(default_factory=list)
    start: np.ndarray | None = None
    max_segments: int = MAX_SEGMENTS
    longer: int = 0

    def weighting(self) -> str:
        """One sentence: how many songs had more than ``max_segments``, how songs are weighed."""
        seg = self.params.samples_per_segment / self.params.sample_rate
        n = {0: "No song is", 1: "1 song is"}.get(self.longer, f"{self.longer} songs are")
        return (
            f"{n} {(self.max_segments + 1) * seg:g} s or longer; each song is represented by "
            f"at most {self.max_segments} segments of {seg:g} s spread evenly over it, in "
            "training and testing alike."
        )

    def song_statistics(self) -> np.ndarray:
        """``(n_songs, 2 * n_mfcc)``: each song's MFCC means and standard deviations over all
        its frames (:func:`course.features.frame_statistics`), the baseline's input."""
        return frame_statistics(self.mfcc, self.song)


def emotion_features(
    data: EmotionData,
    params: FeatureParams = FeatureParams(),
    songs: int | None = None,
    progress: bool = True,
    *,
    max_segments: int = MAX_SEGMENTS,
) -> EmotionFeatures:
    """Whole 3-s segments of each song: all of a 45-s excerpt's 15, at most ``max_segments``
    spread evenly over a longer one (:func:`spread_segments`), so that a 10-minute song weighs
    no more than an excerpt, in training and evaluation alike.

    Args:
        data: the dataset (:func:`course.emotion_data.resolve_emotion_data`).
        params: feature parameters (segments of ``params.samples_per_segment`` samples).
        songs: use only the first ``songs`` songs (by id).
        progress: show a progress bar.
        max_segments: the most segments one song contributes (ParameterError below 1).

    Notebook: 11_music_emotion.ipynb
    """
    from .audio import load_audio
    from .errors import AudioError

    check_positive(integer=True, max_segments=max_segments)
    chosen, seg = (data.songs[:songs] if songs else data.songs), params.samples_per_segment
    mfcc, song, start, targets, ids, skipped, longer = [], [], [], [], [], [], 0
    for s in track(chosen, desc="MFCCs per song", unit="song", progress=progress):
        try:
            y = load_audio(s.path, sr=params.sample_rate)
        except AudioError as exc:
            skipped.append((s.path.name, exc.reason))
            continue
        keep = spread_segments(len(y) // seg, max_segments)
        longer += len(y) // seg > max_segments
        m = whole_mfcc(y[(keep[:, None] * seg + np.arange(seg)).ravel()], params)
        if len(m) == 0:
            skipped.append((s.path.name, "shorter than one segment"))
            continue
        song += [len(targets)] * len(m)
        start += list(keep * seg / params.sample_rate)
        mfcc.append(m)
        targets.append((s.valence, s.arousal))
        ids.append(s.song_id)
    if len(targets) < 8:
        raise ParameterError(
            f"Only {len(targets)} songs gave a whole segment; the models need at least 8."
        )
    return EmotionFeatures(
        mfcc=np.concatenate(mfcc),
        song=np.asarray(song),
        targets=np.asarray(targets, float),
        song_ids=np.asarray(ids),
        synthetic=data.synthetic,
        params=params,
        skipped=skipped,
        start=np.asarray(start),
        max_segments=max_segments,
        longer=int(longer),
    )


def song_split(features: EmotionFeatures, seed: int = 0):
    """A track-level split of the songs (no song on two sides), stratified by quadrant of the
    valence-arousal plane where there are songs enough: ``(train, validation, test)`` indices.

    Args:
        features: the songs' features; their ``targets`` (valence and arousal, split at 5) give
            the quadrants.
        seed: draws the split.

    Notebook: 11_music_emotion.ipynb
    """
    quadrant = (features.targets[:, 0] > 5).astype(int) * 2 + (features.targets[:, 1] > 5)
    with warnings.catch_warnings():
        # A quadrant with fewer songs than folds is spread as evenly as it can be; scikit-learn
        # warns of it, and that is the "where there are songs enough" above, not a fault.
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        try:
            split = make_split(np.arange(len(quadrant)), quadrant, protocol="track", seed=seed)
        except (
            ValueError
        ):  # scikit-learn: "n_splits=5 cannot be greater than the number of members"
            split = make_split(np.arange(len(quadrant)), 0 * quadrant, protocol="track", seed=seed)
    return split.train, split.validation, split.test


def _network(
    name, features, train, validation, test, seed, epochs, batch_size, learning_rate, progress
):
    keras = import_keras()
    seg = {
        k: np.flatnonzero(np.isin(features.song, idx))
        for k, idx in (("train", train), ("validation", validation), ("test", test))
    }
    mean, std = standardisation(features.mfcc[seg["train"]])
    x = ((features.mfcc - mean) / std).astype(np.float32)
    t_mean, t_std = features.targets[train].mean(axis=0), features.targets[train].std(axis=0)
    y = ((features.targets[features.song] - t_mean) / t_std).astype(np.float32)
    set_seed(seed)
    model = regression_model(name, input_shape=x.shape[1:])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="mse",
        metrics=[keras.metrics.MeanAbsoluteError(name="mae")],  # an object: see compile_model
    )
    history = fit(
        model,
        x[seg["train"]],
        y[seg["train"]],
        x[seg["validation"]],
        y[seg["validation"]],
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=None,
        progress=f"{name} (seed {seed})" if progress else False,
    )
    per_segment = model.predict(x[seg["test"]], verbose=0, batch_size=256) * t_std + t_mean
    songs = features.song[seg["test"]]
    return np.stack([per_segment[songs == i].mean(axis=0) for i in test]), history


def _predict(name, features, train, validation, test, seed, **train_args):
    if name == "mean":
        return np.tile(features.targets[train].mean(axis=0), (len(test), 1)), {}
    if name == "ridge":
        from sklearn.linear_model import RidgeCV
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        stats = features.song_statistics()
        model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-2, 4, 13)))
        model.fit(stats[train], features.targets[train])
        return model.predict(stats[test]), {}
    return _network(name, features, train, validation, test, seed, **train_args)


@dataclass(frozen=True, kw_only=True)
class EmotionComparison:
    """The outcome of :func:`compare_emotion`.

    Attributes:
        models: model names in order ("mean", "ridge", then the networks).
        seeds: the seeds run.
        truth: ``{seed: (n_test_songs, 2)}`` the test songs' valence and arousal.
        predictions: ``{(model, seed): (n_test_songs, 2)}``.
        test_songs: ``{seed: song indices}``.
        histories: ``{(model, seed): training history}`` of the networks.
        synthetic: whether the data is the synthetic emotion sample.
        settings: epochs, batch size, learning rate, songs, segments and their weighting.
    """

    models: list[str]
    seeds: list[int]
    truth: dict
    predictions: dict
    test_songs: dict
    histories: dict
    synthetic: bool
    settings: dict = field(default_factory=dict)

    def scores(self) -> list[dict]:
        """One row per model, seed and dimension: RMSE, R^2 and CCC on the test songs."""
        rows = []
        for (name, seed), p in self.predictions.items():
            for d, dim in enumerate(DIMENSIONS):
                t = self.truth[seed][:, d]
                rows.append(
                    {
                        "model": name,
                        "seed": seed,
                        "dimension": dim,
                        "rmse": rmse(t, p[:, d]),
                        "r2": r2(t, p[:, d]),
                        "ccc": ccc(t, p[:, d]),
                    }
                )
        return rows

    def mean_score(self, name: str, dimension: str, metric: str) -> tuple[float, float]:
        """Mean and sample standard deviation over seeds of one metric.

        Args:
            name: the model, one of ``models``.
            dimension: "valence" or "arousal".
            metric: "rmse", "r2" or "ccc".
        """
        check_choice("model", name, self.models)
        check_choice("dimension", dimension, DIMENSIONS)
        check_choice("metric", metric, METRICS)
        values = [
            r[metric] for r in self.scores() if r["model"] == name and r["dimension"] == dimension
        ]
        return float(np.mean(values)), float(np.std(values, ddof=1)) if len(values) > 1 else 0.0

    def table(self) -> str:
        """Markdown: every model's RMSE, R^2 and CCC per dimension, mean ± sd over seeds."""
        head = " | ".join(f"{d} {METRIC_NAMES[m]}" for d in DIMENSIONS for m in METRICS)
        head = f"| model | {head} |"
        lines = [head, "| --- |" + " ---: |" * (len(DIMENSIONS) * len(METRICS))]
        for name in self.models:
            cells = []
            for d in DIMENSIONS:
                for m in METRICS:
                    # rounded first, so that -0.001 shows as 0.00, not -0.00
                    mean, sd = (round(x, 2) + 0.0 for x in self.mean_score(name, d, m))
                    cells.append(f"{mean:.2f} ± {sd:.2f}" if len(self.seeds) > 1 else f"{mean:.2f}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def tests(self) -> list[dict]:
        """Per dimension, the model with the lowest mean RMSE against every other, on the same
        test songs: for each song, the difference of squared errors (other minus best) is
        averaged over the seeds in which the song was tested, so each song counts once; then
        Wilcoxon's signed-rank test, with Holm's correction over all these tests. ``mean_diff``
        is the mean of those differences (positive: the other model's errors are larger);
        ``rank_sums`` is ``(W+, W-)``, the signed-rank sums the test compares (zeros dropped, as
        the test drops them): W+ larger means the other model's errors are the larger ones."""
        from scipy.stats import rankdata, wilcoxon

        rows = []
        for d, dim in enumerate(DIMENSIONS):
            best = min(self.models, key=lambda m: self.mean_score(m, dim, "rmse")[0])
            for other in (m for m in self.models if m != best):
                per_song: dict[int, list[float]] = {}
                for s in self.seeds:
                    t = self.truth[s][:, d]
                    diff = (self.predictions[(other, s)][:, d] - t) ** 2 - (
                        self.predictions[(best, s)][:, d] - t
                    ) ** 2
                    for song, value in zip(self.test_songs[s], diff):
                        per_song.setdefault(int(song), []).append(float(value))
                diff = np.array([np.mean(v) for v in per_song.values()])
                p = float(wilcoxon(diff).pvalue) if np.any(diff != 0) else 1.0
                ranks = rankdata(np.abs(diff[diff != 0]))
                signs = np.sign(diff[diff != 0])
                rows.append(
                    {
                        "dimension": dim,
                        "best": best,
                        "other": other,
                        "songs": len(diff),
                        "mean_diff": float(diff.mean()),
                        "rank_sums": (float(ranks[signs > 0].sum()), float(ranks[signs < 0].sum())),
                        "p_value": p,
                    }
                )
        for row, p in zip(rows, holm([r["p_value"] for r in rows])):
            row["p_holm"] = float(p)
        return rows

    def conclusion(self, alpha: float = 0.05) -> str:
        """The verdict per dimension, computed from :meth:`tests`: which model has the lowest
        mean RMSE (chosen on the same test songs), and which others it is shown better than as
        trained here (Holm-corrected p below ``alpha``, and the other model's squared errors
        the larger by the signed-rank sums the test compares, ``W+ > W-``).

        Args:
            alpha: the significance level the Holm-corrected p-values are compared with.
        """
        tests = self.tests()
        out = []
        for dim in DIMENSIONS:
            rows = [r for r in tests if r["dimension"] == dim]
            best = rows[0]["best"] if rows else self.models[0]
            value = self.mean_score(best, dim, "rmse")[0]
            signif = [r for r in rows if r["p_holm"] < alpha]
            shown = [r for r in signif if r["rank_sums"][0] > r["rank_sums"][1]]
            turned = [r for r in signif if r["rank_sums"][0] < r["rank_sums"][1]]
            rest = [r for r in rows if r not in shown and r not in turned]
            text = f"{dim.capitalize()}: {best} has the lowest mean RMSE ({value:.2f})."
            if shown:
                text += f" As trained here, it is shown better than {_listed(shown)}."
            if turned:
                text += f" Yet by the signed ranks the test compares, {_listed(turned)} err less."
            if rest:
                text += f" Its lead over {_listed(rest)} is not shown on {rows[0]['songs']} songs."
            out.append(text)
        epochs = self.settings.get("epochs", "the set number of")
        out.append(
            f"As trained here: the notes' settings, {epochs} epochs, each network tested after "
            "its last epoch, nothing tuned. The lowest-RMSE model is picked on the songs it is "
            "tested on, which flatters its lead a little; the direction of the two-sided "
            "signed-rank test is read from its rank sums."
        )
        if self.synthetic:
            out.append("These are results on the synthetic emotion sample, not DEAM results.")
        return " ".join(out)

    def write(self, out_dir: str | Path, command: str = "", data: str = "") -> list[Path]:
        """Write ``results.md``, ``results.csv``, ``settings.json`` and ``va_plane.png``; a
        file the course did not write is refused (:func:`course.outputs.claim_outputs`).

        Args:
            out_dir: the folder to write into, created if needed.
            command: the command that made the results, recorded in ``settings.json``.
            data: a description of the data, the first line of ``results.md`` and recorded in
                ``settings.json``.
        """
        from matplotlib import pyplot as plt

        from .learning_plots import plot_va_plane

        names = ["results.md", "results.csv", "settings.json", "va_plane.png"]
        out = claim_outputs(out_dir, names)
        out.mkdir(parents=True, exist_ok=True)
        seed = self.seeds[0]
        fig = plot_va_plane(
            self.truth[seed],
            {m: self.predictions[(m, seed)] for m in self.models if m != "mean"},
            title=f"test songs, seed {seed}",
        )
        with atomic_path(out / "va_plane.png") as tmp:
            fig.savefig(tmp, format="png")
        plt.close(fig)
        rows = io.StringIO()
        writer = csv.DictWriter(rows, ["model", "seed", "dimension", *METRICS], lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in r.items()}
            for r in self.scores()
        )
        report = (
            f"Music emotion recognition: {data}\n\nTest songs per seed: "
            f"{len(self.truth[seed])}; seeds {self.seeds}; song-level predictions (the mean "
            f"of a song's 3-s segments for the networks). "
            f"{self.settings.get('segment_weighting', '')}\n\n{self.table()}\n\n"
            f"{self.conclusion()}\n"
        )
        settings = {
            "command": command,
            "models": self.models,
            "seeds": self.seeds,
            **self.settings,
            "data": data,
            "synthetic": self.synthetic,
            "versions": versions(),
        }
        for name, text in (
            ("results.md", report),
            ("results.csv", rows.getvalue()),
            ("settings.json", json.dumps(settings, indent=2) + "\n"),
        ):
            with atomic_path(out / name) as tmp:
                tmp.write_text(text, encoding="utf-8")
        record_outputs(out, names)
        return [out / n for n in names]


def _listed(rows: list[dict]) -> str:
    """``mlp (p = 0.012), cnn (p < 0.001)``: the other models of some tests, each with its
    Holm-corrected p-value to three decimals (a p-value is never 0)."""
    ps = ("< 0.001" if r["p_holm"] < 0.001 else f"= {r['p_holm']:.3f}" for r in rows)
    return ", ".join(f"{r['other']} (p {p})" for r, p in zip(rows, ps))


def compare_emotion(
    features: EmotionFeatures,
    models=("mlp", "cnn", "lstm"),
    *,
    seeds=(0,),
    baseline: bool = True,
    epochs: int = TrainParams.epochs,
    batch_size: int = TrainParams.batch_size,
    learning_rate: float = TrainParams.learning_rate,
    progress: bool = True,
) -> EmotionComparison:
    """Every model on the same track-level split per seed: the mean predictor, the ridge
    baseline (unless ``baseline`` is False) and the named networks.

    Args:
        features: the songs' features (:func:`emotion_features`).
        models: the networks to train, names of :data:`course.models.BUILDERS`.
        seeds: one split, and one training of every network, per seed.
        baseline: also run the ridge regression on each song's MFCC statistics.
        epochs: training epochs of each network.
        batch_size: segments per training batch.
        learning_rate: Adam's learning rate for the networks.
        progress: show the networks' training progress.

    Notebook: 11_music_emotion.ipynb
    """
    models = list(models)
    for name in models:
        check_choice("model", name, BUILDERS)
    seeds = check_run(seeds, epochs, batch_size, learning_rate)
    names = ["mean", *(["ridge"] if baseline else []), *models]
    start = time.perf_counter()
    truth, predictions, tests, histories = {}, {}, {}, {}
    for seed in seeds:
        train, validation, test = song_split(features, seed)
        truth[seed], tests[seed] = features.targets[test], test
        for name in names:
            p, history = _predict(
                name,
                features,
                train,
                validation,
                test,
                seed,
                epochs=epochs,
                batch_size=batch_size,
                learning_rate=learning_rate,
                progress=progress,
            )
            predictions[(name, seed)] = p
            if history:
                histories[(name, seed)] = history
    settings = {
        "epochs": epochs,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "songs": len(features.targets),
        "segments": len(features.mfcc),
        "max_segments": features.max_segments,
        "longer_songs": features.longer,
        "segment_weighting": features.weighting(),
        "seconds": round(time.perf_counter() - start, 1),
    }
    return EmotionComparison(
        models=names,
        seeds=seeds,
        truth=truth,
        predictions=predictions,
        test_songs=tests,
        histories=histories,
        synthetic=features.synthetic,
        settings=settings,
    )
