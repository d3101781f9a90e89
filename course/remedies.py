"""Overfitting remedies as a controlled study: each remedy is one change to a reference
network, repeated over several seeds, each seed with its own track split, and judged on test
tracks that no run used to choose anything.

A verdict is given only when the evidence carries it: a remedy "helped" (or "hurt") when the
95 % confidence interval of its paired difference from the reference (same seed, same split)
lies wholly above (or below) zero; otherwise there is "no clear effect on this data".

Notebook: 05_overfitting.ipynb
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import ParameterError, check_at_least
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
            updates as the reference (the augmented set is several times larger per epoch).
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
    patience: int | None = None


@dataclass(frozen=True, kw_only=True)
class RemedyRun:
    """One remedy trained with one seed: accuracies of the model it ended with (the restored
    one under early stopping), measured without dropout, and the share of its first layer's
    weights that are near zero (below 0.001 in size)."""

    remedy: str
    seed: int
    train_accuracy: float
    validation_accuracy: float
    test_accuracy: float
    epochs: int
    updates: int
    parameters: int
    near_zero: float
    history: dict = field(repr=False)

    @property
    def gap(self) -> float:
        """Training minus validation accuracy of the final model: the overfitting gap."""
        return self.train_accuracy - self.validation_accuracy


def _accuracy(model, x, y) -> float:
    return float(np.mean(np.argmax(model.predict(x, verbose=0, batch_size=256), axis=1) == y))


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
    from .augment import augmented_features
    from .models import build_mlp, import_keras
    from .training import run_experiment

    check_at_least(1, seeds=len(seeds), remedies=len(remedies))
    keras = import_keras()
    runs = []
    jobs = [(seed, remedy) for seed in seeds for remedy in remedies]
    extra, last_seed = None, None
    for seed, remedy in track(jobs, desc="remedy runs", unit="run", progress=progress):
        if seed != last_seed:
            split = split_tracks(features.track, features.labels, seed=seed)
            y = {
                part: features.labels[getattr(split, part)]
                for part in ("train", "validation", "test")
            }
            extra, last_seed = None, seed
        if remedy.augmented and extra is None:
            extra = augmented_features(features, split, source, seed=seed, progress=False)
        train_x = features.mfcc[split.train]
        train_y = y["train"]
        if remedy.augmented:
            train_x = np.concatenate([train_x, extra.mfcc])
            train_y = np.concatenate([train_y, extra.labels])
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
        exp = run_experiment(
            remedy.name,
            lambda r=remedy: build_mlp(hidden=r.hidden, dropout=r.dropout, l1=r.l1, l2=r.l2),
            (x_train, train_y),
            (x_val, y["validation"]),
            seed=seed,
            epochs=n_epochs,
            callbacks=callbacks,
            progress=False,
        )
        batches_per_epoch = -(-len(x_train) // TrainParams.batch_size)
        first = next(w for w in exp.model.weights if len(w.shape) == 2).numpy()
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
                near_zero=float(np.mean(np.abs(first) < 1e-3)),
                history=exp.history,
            )
        )
    return runs


def verdicts(
    runs: Sequence[RemedyRun], reference: str | None = None, confidence: float = 0.95
) -> list[dict]:
    """Each remedy's test accuracy over seeds, and its paired difference from the reference.

    Args:
        runs: from :func:`run_remedies`.
        reference: the remedy the others are compared with (default: the first run's).
        confidence: of the t interval of the mean paired difference.

    Returns:
        One dict per remedy, in order: ``name``, ``parameters``, ``updates``, ``test_mean``,
        ``test_std``, ``gap_mean``, ``difference`` (mean paired difference), ``low``, ``high``
        (its interval; NaN for the reference) and ``verdict``.

    Notebook: 05_overfitting.ipynb
    """
    from scipy import stats

    names = list(dict.fromkeys(r.remedy for r in runs))
    reference = reference or names[0]
    by = {(r.remedy, r.seed): r for r in runs}
    seeds = sorted({r.seed for r in runs if r.remedy == reference})
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
            "gap_mean": float(np.mean([r.gap for r in mine])),
            "difference": np.nan,
            "low": np.nan,
            "high": np.nan,
            "verdict": "reference",
        }
        if name != reference:
            diff = acc - np.array([by[(reference, s)].test_accuracy for s in seeds])
            t = stats.t.ppf(0.5 + confidence / 2, len(diff) - 1)
            half = t * diff.std(ddof=1) / np.sqrt(len(diff))
            low, high = diff.mean() - half, diff.mean() + half
            row.update(
                difference=float(diff.mean()),
                low=float(low),
                high=float(high),
                verdict="helped"
                if low > 0
                else "hurt"
                if high < 0
                else "no clear effect on this data",
            )
        rows.append(row)
    return rows


def verdict_table(rows: Sequence[dict]) -> str:
    """:func:`verdicts` as a Markdown table.

    Args:
        rows: the dicts :func:`verdicts` returns, one table row each.

    Notebook: 05_overfitting.ipynb
    """
    lines = [
        "| remedy | parameters | updates | test accuracy, mean ± sd over seeds | "
        "train − validation gap | difference from reference (95 % interval) | verdict |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        diff = (
            ""
            if np.isnan(r["difference"])
            else f"{r['difference']:+.3f} ({r['low']:+.3f} to {r['high']:+.3f})"
        )
        lines.append(
            f"| {r['name']} | {r['parameters']:,} | {r['updates']:,.0f} | "
            f"{r['test_mean']:.3f} ± {r['test_std']:.3f} | {r['gap_mean']:+.3f} | {diff} | "
            f"{r['verdict']} |"
        )
    return "\n".join(lines)
