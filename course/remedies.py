"""Overfitting remedies as a controlled study: each remedy is one change to a reference
network, repeated over several seeds, each seed with its own track split, and judged on test
tracks that no run used to choose anything.

A verdict is given only when the evidence carries it: each remedy's paired differences from
the reference (same seed, same split) get a paired t-test, the p-values of all the remedies are
corrected with Holm's method (:func:`course.evaluation.holm`, as in notebook 10), and a remedy
"helped" (or "hurt") when its corrected p-value is below 0.05 and its mean difference is
positive (or negative); otherwise there is "no clear effect on this data". Each difference's
95 % confidence interval is reported beside it, uncorrected.

Notebook: 05_overfitting.ipynb
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import ParameterError, check_at_least, check_choice
from .evaluation import holm, p_text, paired_interval
from .features import Features, standardise
from .progress import track
from .settings import TrainParams
from .splits import split_tracks


@dataclass(frozen=True)
class Remedy:
    """One variant of the reference network.

    Attributes:
        name: its label in tables and figures.
        hidden: hidden-layer widths of the feed-forward network.
        dropout, l1, l2: regularisation, as in :func:`course.models.build_mlp`.
        augmented: train on the training tracks plus their augmented copies.
        same_updates: with ``augmented``, shorten training so that it makes as many weight
            updates as the reference (the augmented set is larger per epoch: one copy of each
            training segment per transform).
        transforms: with ``augmented``, the transforms that make the copies, names from
            :data:`course.augment.TRANSFORMS` (all three by default: one copy of each training
            track per transform).
        patience: early stopping on the validation loss with this patience, restoring the best
            epoch's weights (None: no early stopping).

    Notebook: 05_overfitting.ipynb
    """

    name: str
    hidden: tuple[int, ...] = (512, 256, 64)
    dropout: float = 0.0
    l1: float = 0.0
    l2: float = 0.0
    augmented: bool = False
    same_updates: bool = False
    transforms: tuple[str, ...] = ("pitch", "stretch", "noise")
    patience: int | None = None


@dataclass(frozen=True, kw_only=True)
class RemedyRun:
    """One remedy trained with one seed: accuracies of the model it returned (restored to its
    best epoch under early stopping), measured without dropout, the training accuracy on the
    real training segments only (no augmented copies); the share of its first layer's kernel
    weights that are near zero (below 0.001 in size) and their mean size ``mean_abs``.
    ``segments`` counts the segments it trained on (augmented copies included); ``start`` is a
    hash of its initial weights, equal for two runs exactly when they started from the same
    weights."""

    remedy: str
    seed: int
    train_accuracy: float
    validation_accuracy: float
    test_accuracy: float
    epochs: int
    updates: int
    parameters: int
    near_zero: float
    mean_abs: float
    segments: int
    start: str
    history: dict = field(repr=False)

    @property
    def gap(self) -> float:
        """Training minus validation accuracy of the returned model: the overfitting gap."""
        return self.train_accuracy - self.validation_accuracy


def _fingerprint(model) -> str:
    """A short hash of a model's weights: two models with equal weights get the same one."""
    digest = hashlib.sha1(usedforsecurity=False)
    for weight in model.weights:
        digest.update(np.ascontiguousarray(weight.numpy()).tobytes())
    return digest.hexdigest()[:16]


def _recording(build, starts: list):
    """``build``, which also appends the fingerprint of the model it builds to ``starts``."""

    def built():
        model = build()
        starts.append(_fingerprint(model))
        return model

    return built


def _first_kernel(model) -> tuple[float, float]:
    """The share of the first layer's kernel weights below 0.001 in size, and their mean size
    (biases left out)."""
    kernel = np.abs(next(w for w in model.weights if len(w.shape) == 2).numpy())
    return float(np.mean(kernel < 1e-3)), float(np.mean(kernel))


def _transforms(remedy: Remedy) -> tuple[str, ...]:
    """The remedy's transforms as a tuple (one name on its own is one transform)."""
    given = remedy.transforms
    return (given,) if isinstance(given, str) else tuple(given)


def _accuracy(model, x, y) -> float:
    """The share of rows of ``x`` whose most probable class is ``y``'s. The model is called on
    256 rows at a time, as Keras advises for data this small: ``model.predict`` would first
    build a graph for every model scored (27 models, three sets each, in notebook 05's full
    run), about 0.1 s each."""
    scores = [np.asarray(model(x[i : i + 256], training=False)) for i in range(0, len(x), 256)]
    return float(np.mean(np.argmax(np.concatenate(scores), axis=1) == y))


def run_remedies(
    remedies: Sequence[Remedy],
    features: Features,
    source,
    seeds: Sequence[int],
    epochs: int = TrainParams.epochs,
    progress: bool = True,
) -> list[RemedyRun]:
    """Train every remedy with every seed; each seed draws its own track split, and inputs are
    standardised with that split's training statistics.

    Args:
        remedies: the variants; the first is the reference the others are compared with.
        features: MFCC features of the dataset.
        source: the dataset (its audio is needed to augment training tracks).
        seeds: one run of every remedy per seed.
        epochs: training epochs of the reference.
        progress: one progress line per run.

    Returns:
        One :class:`RemedyRun` per remedy and seed.

    Notebook: 05_overfitting.ipynb
    """
    from .augment import TRANSFORMS, augmented_features
    from .models import build_mlp, import_keras
    from .training import run_experiment

    check_at_least(1, seeds=len(seeds), remedies=len(remedies))
    chosen = {}  # each augmented remedy's transforms, read once and checked before any training
    for remedy in remedies:
        if remedy.augmented:
            chosen[id(remedy)] = _transforms(remedy)
            check_at_least(1, transforms=len(chosen[id(remedy)]))
            for transform in chosen[id(remedy)]:
                check_choice("transform", transform, TRANSFORMS)
    keras = import_keras()
    runs = []
    jobs = [(seed, remedy) for seed in seeds for remedy in remedies]
    extra, last_seed = {}, None
    for seed, remedy in track(jobs, desc="remedy runs", unit="run", progress=progress):
        if seed != last_seed:
            split = split_tracks(features.track, features.labels, seed=seed)
            y = {
                part: features.labels[getattr(split, part)]
                for part in ("train", "validation", "test")
            }
            extra, last_seed = {}, seed  # this seed's augmented copies, by their transforms
        train_x = features.mfcc[split.train]
        train_y = y["train"]
        if remedy.augmented:
            transforms = chosen[id(remedy)]
            if transforms not in extra:
                extra[transforms] = augmented_features(
                    features, split, source, transforms, seed=seed, progress=False
                )
            copies = extra[transforms]
            train_x = np.concatenate([train_x, copies.mfcc])
            train_y = np.concatenate([train_y, copies.labels])
        # statistics from the real training tracks only, for every remedy alike
        _, x_train, x_val, x_test, x_real = standardise(
            features.mfcc[split.train],
            train_x,
            features.mfcc[split.validation],
            features.mfcc[split.test],
            features.mfcc[split.train],
        )
        n_epochs = epochs
        if remedy.same_updates:
            n_epochs = max(1, round(epochs * len(split.train) / len(train_x)))
        callbacks = []
        if remedy.patience is not None:
            callbacks = [
                keras.callbacks.EarlyStopping(
                    monitor="val_loss", patience=remedy.patience, restore_best_weights=True
                )
            ]
        starts = []
        exp = run_experiment(
            remedy.name,
            _recording(
                lambda r=remedy: build_mlp(hidden=r.hidden, dropout=r.dropout, l1=r.l1, l2=r.l2),
                starts,
            ),
            (x_train, train_y),
            (x_val, y["validation"]),
            seed=seed,
            epochs=n_epochs,
            callbacks=callbacks,
            progress=False,
        )
        batches_per_epoch = -(-len(x_train) // TrainParams.batch_size)
        near_zero, mean_abs = _first_kernel(exp.model)
        runs.append(
            RemedyRun(
                remedy=remedy.name,
                seed=seed,
                train_accuracy=_accuracy(exp.model, x_real, y["train"]),
                validation_accuracy=_accuracy(exp.model, x_val, y["validation"]),
                test_accuracy=_accuracy(exp.model, x_test, y["test"]),
                epochs=exp.epochs,
                updates=exp.epochs * batches_per_epoch,
                parameters=exp.parameters,
                near_zero=near_zero,
                mean_abs=mean_abs,
                segments=len(x_train),
                start=starts[0],
                history=exp.history,
            )
        )
    return runs


def _paired_t(diff: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """The t interval of the mean of ``diff`` (:func:`course.evaluation.paired_interval`) and
    the two-sided p-value of a zero mean (scipy's one-sample t-test)."""
    from scipy import stats

    mean, low, high = paired_interval(diff, np.zeros_like(diff), confidence)
    if low == high:  # every seed gave the same difference: no spread to test against
        return low, high, float(mean == 0)
    return low, high, float(stats.ttest_1samp(diff, 0.0).pvalue)


def _by_seed(runs: Sequence[RemedyRun], reference: str | None):
    """``(names, reference, by, seeds)``: the remedies in order, the reference (default: the
    first), ``{(remedy, seed): run}`` and the reference's seeds, sorted."""
    names = list(dict.fromkeys(r.remedy for r in runs))
    reference = reference or names[0]
    by = {(r.remedy, r.seed): r for r in runs}
    return names, reference, by, sorted({r.seed for r in runs if r.remedy == reference})


def verdicts(
    runs: Sequence[RemedyRun], reference: str | None = None, confidence: float = 0.95
) -> list[dict]:
    """Each remedy's test accuracy over seeds, and its paired difference from the reference.

    For each remedy the differences ``d_s`` from the reference, seed by seed, give a t interval
    ``mean(d) +/- t * sd(d) / sqrt(S)`` and a paired t-test's two-sided p-value; the p-values
    of all the remedies are then corrected with Holm's method (:func:`course.evaluation.holm`).
    A remedy "helped" (or "hurt") when its corrected p-value is below ``1 - confidence`` and its
    mean difference is positive (or negative); otherwise there is "no clear effect on this
    data". The interval is not corrected: it excludes zero exactly when the uncorrected p-value
    is below ``1 - confidence``.

    Args:
        runs: from :func:`run_remedies`.
        reference: the remedy the others are compared with (default: the first run's).
        confidence: of each t interval; ``1 - confidence`` is the level the corrected p-values
            are compared with.

    Returns:
        One dict per remedy, in order: ``name``, ``parameters``, ``updates``, ``test_mean``,
        ``test_std``, ``train_mean``, ``validation_mean``, ``gap_mean``, ``difference`` (mean
        paired difference), ``low``, ``high`` (its interval), ``p_value``, ``p_holm`` (NaN for
        the reference) and ``verdict``.

    Notebook: 05_overfitting.ipynb
    """
    names, reference, by, seeds = _by_seed(runs, reference)
    if len(seeds) < 2:
        raise ParameterError("A verdict needs at least two seeds: pass more seeds.")
    rows = []
    for name in names:
        mine = [by[(name, s)] for s in seeds]
        acc = np.array([r.test_accuracy for r in mine])
        row = {
            "name": name,
            "parameters": mine[0].parameters,
            "updates": float(np.mean([r.updates for r in mine])),
            "test_mean": float(acc.mean()),
            "test_std": float(acc.std(ddof=1)),
            "train_mean": float(np.mean([r.train_accuracy for r in mine])),
            "validation_mean": float(np.mean([r.validation_accuracy for r in mine])),
            "gap_mean": float(np.mean([r.gap for r in mine])),
            "difference": np.nan,
            "low": np.nan,
            "high": np.nan,
            "p_value": np.nan,
            "p_holm": np.nan,
            "verdict": "reference",
        }
        if name != reference:
            diff = acc - np.array([by[(reference, s)].test_accuracy for s in seeds])
            low, high, p = _paired_t(diff, confidence)
            row.update(difference=float(diff.mean()), low=float(low), high=float(high), p_value=p)
        rows.append(row)
    compared = [r for r in rows if r["name"] != reference]
    for row, corrected in zip(compared, holm([r["p_value"] for r in compared])):
        shown = corrected < 1 - confidence
        row["p_holm"] = float(corrected)
        row["verdict"] = (
            "helped"
            if shown and row["difference"] > 0
            else "hurt"
            if shown and row["difference"] < 0
            else "no clear effect on this data"
        )
    return rows


def verdict_table(rows: Sequence[dict]) -> str:
    """:func:`verdicts` as a Markdown table.

    Args:
        rows: the dicts :func:`verdicts` returns, one table row each.

    Notebook: 05_overfitting.ipynb
    """
    lines = [
        "| remedy | parameters | updates | test accuracy, mean ± sd over seeds | "
        "train − validation gap | difference from reference (95 % interval) | p (Holm) | "
        "verdict |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        reference = np.isnan(r["difference"])
        diff = "" if reference else f"{r['difference']:+.3f} ({r['low']:+.3f} to {r['high']:+.3f})"
        p = "" if reference else p_text(r["p_holm"])
        lines.append(
            f"| {r['name']} | {r['parameters']:,} | {r['updates']:,.0f} | "
            f"{r['test_mean']:.3f} ± {r['test_std']:.3f} | {r['gap_mean']:+.3f} | {diff} | "
            f"{p} | {r['verdict']} |"
        )
    return "\n".join(lines)


def per_seed_table(runs: Sequence[RemedyRun], reference: str | None = None) -> str:
    """The numbers behind :func:`course.remedy_plots.plot_remedies`, seed by seed, as a
    Markdown table: each remedy's test accuracy, its difference from the reference's (same
    seed) and its training minus validation gap, each listed in the order of the seeds.

    Args:
        runs: from :func:`run_remedies`.
        reference: the remedy the differences are taken from (default: the first run's).

    Returns:
        The table, one row per remedy, in the order of ``runs``.

    Notebook: 05_overfitting.ipynb
    """
    names, reference, by, seeds = _by_seed(runs, reference)
    listed = ", ".join(str(s) for s in seeds)
    lines = [
        f"| remedy | test accuracy (seeds {listed}) | difference from reference | "
        "train − validation gap |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name in names:
        mine = [by[(name, s)] for s in seeds]
        diff = [r.test_accuracy - by[(reference, r.seed)].test_accuracy for r in mine]
        lines.append(
            f"| {name} | {', '.join(f'{r.test_accuracy:.3f}' for r in mine)} | "
            + ("" if name == reference else ", ".join(f"{d:+.3f}" for d in diff))
            + f" | {', '.join(f'{r.gap:+.3f}' for r in mine)} |"
        )
    return "\n".join(lines)
