"""Evaluation: song-level decisions (mean of probabilities, majority vote), per-genre accuracy,
McNemar's paired test, result tables, and the traditional baseline every network is measured
against.

Every function here takes predictions or results and returns numbers or tables; nothing here
trains a network.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .backprop import cross_entropy
from .errors import ParameterError, check_choice

if TYPE_CHECKING:
    from .features import Features


#: How :func:`song_predictions` combines a song's segments.
SONG_METHODS = ("mean", "vote")


def mean_std(values, fmt: str = "{:.3f}") -> str:
    """``"mean ± standard deviation"`` of a few values (sample standard deviation, ddof 1),
    or the value alone when there is one, for result tables.

    Args:
        values: numbers, for example one accuracy per seed.
        fmt: the format of each number.

    Returns:
        The formatted text.

    Notebook: 10_genre_comparison.ipynb
    """
    values = np.asarray(values, float)
    if values.size == 0:
        raise ParameterError("mean_std needs at least one value (one per seed, for example).")
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(values.mean())} ± {fmt.format(values.std(ddof=1))}"


@dataclass(frozen=True, kw_only=True)
class ModelResult:
    """One trained model's outcome on one split and seed.

    ``probabilities`` are the test segments' predicted class probabilities, in the order of
    ``test_index``; song-level accuracies combine each test track's segments (see
    :func:`song_predictions`).
    """

    model: str
    parameters: int
    test_accuracy: float
    test_loss: float
    train_seconds: float
    epochs: int
    seed: int
    history: dict[str, list[float]] = field(repr=False, default_factory=dict)
    probabilities: np.ndarray | None = field(repr=False, default=None)
    test_index: np.ndarray | None = field(repr=False, default=None)
    song_accuracy_mean: float = float("nan")
    song_accuracy_vote: float = float("nan")


def song_predictions(probabilities: np.ndarray, track: np.ndarray, method: str = "mean"):
    """Combine segment predictions into one prediction per song (track).

    Args:
        probabilities: ``(n_segments, n_classes)`` predicted class probabilities.
        track: ``(n_segments,)`` the track each segment comes from.
        method: "mean" averages the segments' probabilities, then takes the most likely class;
            "vote" lets each segment vote for its most likely class (ties go to the class with
            the higher mean probability).

    Returns:
        ``(tracks, predicted)``: the sorted track names and their predicted labels.

    Notebook: 07_cnn_on_mfcc.ipynb
    """
    probabilities, track = np.asarray(probabilities), np.asarray(track)
    if probabilities.ndim != 2 or len(probabilities) != len(track):
        raise ParameterError(
            f"probabilities {probabilities.shape} needs one row per segment of track {track.shape}."
        )
    check_choice("method", method, SONG_METHODS)
    names, mean = song_probabilities(probabilities, track)
    if method == "mean":
        return names, mean.argmax(axis=1)
    inverse = np.searchsorted(names, track)
    votes = np.zeros_like(mean)
    np.add.at(votes, (inverse, probabilities.argmax(axis=1)), 1)
    return names, _vote_winner(votes, mean)


def song_probabilities(
    probabilities: np.ndarray, track: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(tracks, mean)``: the sorted track names and each track's mean of its segments'
    probabilities, ``(n_tracks, n_classes)``.

    Args:
        probabilities: ``(n_segments, n_classes)`` predicted class probabilities.
        track: ``(n_segments,)`` the track each segment comes from.
    """
    probabilities, track = np.asarray(probabilities), np.asarray(track)
    names, inverse = np.unique(track, return_inverse=True)
    mean = np.zeros((len(names), probabilities.shape[1]))
    np.add.at(mean, inverse, probabilities)
    return names, mean / np.bincount(inverse)[:, None]


def _vote_winner(votes: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The class with most votes per row; ties broken by the higher mean probability."""
    top = votes == votes.max(axis=1, keepdims=True)
    return np.where(top, mean, -np.inf).argmax(axis=1)


def track_labels(labels: np.ndarray, track: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(tracks, labels)``: each track's label, tracks sorted as in :func:`song_predictions`.

    Args:
        labels: ``(n_segments,)`` the label of each segment; a track's first segment gives its
            label.
        track: ``(n_segments,)`` the track each segment comes from.

    Notebook: 07_cnn_on_mfcc.ipynb
    """
    names, first = np.unique(np.asarray(track), return_index=True)
    return names, np.asarray(labels)[first]


def song_correct(result: ModelResult, features: Features, method: str = "mean"):
    """``(tracks, labels, predicted)`` per test track of a result, for voting and tests.

    Args:
        result: a model's result; its ``probabilities`` and ``test_index`` are used.
        features: the features the result's ``test_index`` indexes into (tracks and labels).
        method: how segments become a song's prediction ("mean" or "vote", see
            :func:`song_predictions`).
    """
    track = features.track[result.test_index]
    names, predicted = song_predictions(result.probabilities, track, method=method)
    _, labels = track_labels(features.labels[result.test_index], track)
    return names, labels, predicted


def pooled_songs(results: list[ModelResult], features: Features, method: str = "mean"):
    """One model's test songs over all its seeds, each song counted once.

    With several seeds a song can be tested more than once: always, when every seed uses the
    same split (published lists), and often when each seed draws its own. Counting each
    seed's songs as further items would stack the same songs and overstate the evidence. Here
    each song gets one prediction: the genre most of the seeds that tested it predicted (by
    ``method``, per seed), a tie going to the genre with the higher mean probability over
    those seeds. A deterministic model that gives the same answer on every seed therefore
    counts each song once.

    Args:
        results: one model's :class:`ModelResult` per seed.
        features: the features the results index into.
        method: how each seed turns segments into a song ("mean" or "vote").

    Returns:
        ``(tracks, labels, predicted, times)``: the distinct test songs (sorted), their labels,
        their pooled predictions and how many seeds tested each.
    """
    results = list(results)
    if not results:
        raise ParameterError("pooled_songs needs at least one result.")
    n_classes = len(features.mapping)
    votes: dict[str, np.ndarray] = {}
    probs: dict[str, np.ndarray] = {}
    label: dict[str, int] = {}
    for r in results:
        names, labels, predicted = song_correct(r, features, method)
        _, mean = song_probabilities(r.probabilities, features.track[r.test_index])
        for name, y, p, m in zip(names.tolist(), labels.tolist(), predicted.tolist(), mean):
            votes.setdefault(name, np.zeros(n_classes))[p] += 1
            probs[name] = probs.get(name, 0) + m
            label[name] = int(y)
    tracks = np.array(sorted(votes))
    v = np.array([votes[t] for t in tracks])
    m = np.array([probs[t] for t in tracks]) / v.sum(axis=1, keepdims=True)
    return (
        tracks,
        np.array([label[t] for t in tracks]),
        _vote_winner(v, m),
        v.sum(axis=1).astype(int),
    )


def per_genre_accuracy(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """``(n_classes,)`` accuracy within each true class (NaN for a class with no items).

    Args:
        y_true: ``(n_items,)`` the true class of each item.
        y_pred: ``(n_items,)`` the predicted class of each item.
        n_classes: number of classes, the length of the result.

    Notebook: 10_genre_comparison.ipynb
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    out = np.full(n_classes, np.nan)
    for k in range(n_classes):
        mask = y_true == k
        if mask.any():
            out[k] = np.mean(y_pred[mask] == k)
    return out


@dataclass(frozen=True, kw_only=True)
class McNemar:
    """McNemar's test of two classifiers: the items only A got right, only B, and the p-value."""

    only_a: int
    only_b: int
    p_value: float


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> McNemar:
    """McNemar's exact test: do two classifiers differ on the same test items?

    Only the items where exactly one classifier is right count: ``b`` (only A right) and ``c``
    (only B right). Under the null hypothesis that both are equally good, each such item is a
    fair coin, so the two-sided p-value is ``2 * P(X <= min(b, c))`` for X ~ Binomial(b + c,
    1/2), capped at 1.

    Args:
        correct_a: ``(n_items,)`` booleans, whether classifier A got each item right.
        correct_b: ``(n_items,)`` booleans, whether classifier B got each item right (the same
            items in the same order as ``correct_a``).

    Returns:
        A :class:`McNemar` with ``only_a`` = b, ``only_b`` = c and ``p_value``.

    Notebook: 09_lstm_gru.ipynb
    """
    from scipy.stats import binom

    a, b_ = np.asarray(correct_a, bool), np.asarray(correct_b, bool)
    if a.shape != b_.shape or a.ndim != 1:
        raise ParameterError(
            f"correct_a {a.shape} and correct_b {b_.shape} must be 1-D and the same length."
        )
    only_a, only_b = int(np.sum(a & ~b_)), int(np.sum(~a & b_))
    n = only_a + only_b
    p = 1.0 if n == 0 else float(min(1.0, 2 * binom.cdf(min(only_a, only_b), n, 0.5)))
    return McNemar(only_a=only_a, only_b=only_b, p_value=p)


def paired_tests(
    results: list[ModelResult], features: Features, method: str = "mean"
) -> list[dict]:
    """McNemar's test for every pair of models on the same seed's test songs.

    Args:
        results: the models' results; results with the same seed are paired.
        features: the features the results' ``test_index`` indexes into.
        method: how each result turns segments into a song ("mean" or "vote").

    Returns:
        One dict per (seed, model A, model B): ``seed``, ``a``, ``b``, ``accuracy_a``,
        ``accuracy_b``, ``only_a``, ``only_b`` and ``p_value``.
    """
    rows = []
    for seed in sorted({r.seed for r in results}):
        rs = [r for r in results if r.seed == seed]
        for i, ra in enumerate(rs):
            for rb in rs[i + 1 :]:
                names_a, labels, pred_a = song_correct(ra, features, method)
                names_b, _, pred_b = song_correct(rb, features, method)
                if not np.array_equal(names_a, names_b):
                    raise ParameterError("Paired tests need both models tested on the same songs.")
                test = mcnemar(pred_a == labels, pred_b == labels)
                rows.append(
                    {
                        "seed": seed,
                        "a": ra.model,
                        "b": rb.model,
                        "accuracy_a": float(np.mean(pred_a == labels)),
                        "accuracy_b": float(np.mean(pred_b == labels)),
                        **asdict(test),
                    }
                )
    return rows


def p_text(p: float) -> str:
    """A p-value as a table shows it: three decimals, or ``<0.001`` (a p-value is never 0).

    Args:
        p: the p-value.

    Notebook: 10_genre_comparison.ipynb, 11_music_emotion.ipynb
    """
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def paired_table(rows: list[dict]) -> str:
    """McNemar results as a Markdown table.

    Args:
        rows: the dicts :func:`paired_tests` returns, one table row each.
    """
    out = [
        "| seed | A | B | song accuracy A | song accuracy B | only A right | only B right "
        "| p-value |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    out += [
        f"| {r['seed']} | {r['a']} | {r['b']} | {r['accuracy_a']:.3f} | {r['accuracy_b']:.3f} | "
        f"{r['only_a']} | {r['only_b']} | {p_text(r['p_value'])} |"
        for r in rows
    ]
    return "\n".join(out)


def results_table(results: list[ModelResult]) -> str:
    """A Markdown table, one row per model: parameters, then test accuracy per segment and per
    song (mean of probabilities, and majority vote), and training seconds. With several seeds
    each figure is the mean ± the standard deviation over seeds.

    Args:
        results: the results of every model and seed; a model's seeds share its row, in the
            order the models first appear.
    """
    seeds = sorted({r.seed for r in results})
    rows = [
        "| model | parameters | segment accuracy | song accuracy (mean) | song accuracy (vote) "
        "| training seconds |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in dict.fromkeys(r.model for r in results):
        rs = [r for r in results if r.model == name]
        rows.append(
            f"| {name} | {rs[0].parameters:,} | {mean_std([r.test_accuracy for r in rs])} | "
            f"{mean_std([r.song_accuracy_mean for r in rs])} | "
            f"{mean_std([r.song_accuracy_vote for r in rs])} | "
            f"{mean_std([r.train_seconds for r in rs], '{:.1f}')} |"
        )
    if len(seeds) > 1:
        rows.append("")
        rows.append(
            f"Mean ± standard deviation over {len(seeds)} seeds ({', '.join(map(str, seeds))})."
        )
    return "\n".join(rows)


def baseline_accuracy(features: Features, seed: int = 0, folds: int = 5) -> tuple[float, float]:
    """The traditional pipeline's score: per-track MFCC means and standard deviations,
    standardised, into a logistic regression, scored by stratified k-fold cross-validation
    over tracks (a track is one row, so no track is on both sides). A per-track score: it is
    not comparable with a network's per-segment accuracy on one split without saying so.

    Args:
        features: segment features; they are summarised per track.
        seed: shuffles the folds.
        folds: number of folds (reduced to the smallest genre's track count if needed).

    Returns:
        ``(mean, std)`` of the test accuracy over the folds.

    Notebook: 03_mfcc.ipynb
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .features import track_statistics

    x, y, _ = track_statistics(features)
    k = min(folds, int(np.bincount(y).min()))
    if k < 2:
        raise ParameterError("The baseline needs at least two tracks of every genre.")
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000))
    scores = cross_val_score(clf, x, y, cv=StratifiedKFold(k, shuffle=True, random_state=seed))
    return float(scores.mean()), float(scores.std())


def baseline_result(features: Features, split, seed: int = 0) -> ModelResult:
    """The traditional baseline on a given split, as a :class:`ModelResult` that tables and
    paired tests treat like a network's: a logistic regression on per-track MFCC means and
    standard deviations, trained on the tracks of ``split.train``; each test segment gets its
    track's predicted probabilities, so its song-level decisions are the track's.

    Args:
        features: the segment features.
        split: the split the networks used (its validation rows are not used).
        seed: recorded with the result (the regression itself is deterministic).

    Returns:
        A :class:`ModelResult` named "baseline".

    Notebook: 07_cnn_on_mfcc.ipynb
    """
    import time

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .features import track_statistics

    x, y, names = track_statistics(features)
    row = {name: i for i, name in enumerate(names)}
    train = sorted({row[t] for t in features.track[split.train].tolist()})
    start = time.perf_counter()
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000)).fit(x[train], y[train])
    seconds = time.perf_counter() - start
    n_classes = len(features.mapping)
    track_probs = np.zeros((len(names), n_classes))
    track_probs[:, clf.classes_] = clf.predict_proba(x)
    test_rows = np.array([row[t] for t in features.track[split.test].tolist()])
    probabilities = track_probs[test_rows]
    truth = features.labels[split.test]
    linear = clf[-1]
    return ModelResult(
        model="baseline",
        parameters=int(linear.coef_.size + linear.intercept_.size),
        test_accuracy=float(np.mean(probabilities.argmax(axis=1) == truth)),
        test_loss=cross_entropy(probabilities, truth),
        train_seconds=seconds,
        epochs=0,
        seed=seed,
        probabilities=probabilities,
        test_index=np.asarray(split.test),
    )


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval for a proportion (for example an accuracy over ``n`` songs):

    ``(p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` with ``p = successes / n``
    and ``z`` the normal quantile of the confidence level.

    Args:
        successes: number of successes, for example songs classified correctly.
        n: number of trials, for example songs tested; must be positive.
        confidence: the confidence level of the interval (0.95 for a 95 % interval).

    Returns:
        ``(low, high)``.

    Notebook: 09_lstm_gru.ipynb
    """
    from scipy.stats import norm

    if n <= 0 or not 0 <= successes <= n:
        raise ParameterError(f"Need 0 <= successes <= n and n > 0, got {successes} of {n}.")
    z = norm.ppf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def paired_interval(a, b, confidence: float = 0.95) -> tuple[float, float, float]:
    """The mean paired difference ``d = a - b`` over runs that share a seed, and its Student t
    interval ``mean(d) -/+ t * std(d) / sqrt(n)``, ``t`` the quantile of ``n - 1`` degrees of
    freedom (notebook 05 explains it). An interval above zero says ``a`` is ahead beyond the
    spread of the runs; one that contains zero says the runs cannot tell the two apart.

    Args:
        a: one score per run (seed), for example a validation accuracy.
        b: the other's score on the same runs, in the same order.
        confidence: the confidence level of the interval (0.95 for a 95 % interval).

    Returns:
        ``(mean difference, low, high)``.

    Notebook: 04_neural_network_basics.ipynb
    """
    from scipy.stats import t

    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ParameterError(
            f"An interval needs two runs or more of each, paired; got shapes "
            f"{a.shape} and {b.shape}."
        )
    d = a - b
    half = t.ppf(0.5 + confidence / 2, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


def holm(p_values) -> np.ndarray:
    """Holm's step-down correction for several tests: sort the m p-values, multiply the k-th
    smallest by ``m - k + 1`` (k from 1), keep the sequence from decreasing, cap at 1. A
    corrected p-value below 0.05 keeps the chance of any false "significant" below 5 %.

    Args:
        p_values: the raw p-values, any order.

    Returns:
        The corrected p-values, in the same order.
    """
    p = np.asarray(p_values, float)
    order = np.argsort(p)
    scaled = np.minimum(1.0, np.maximum.accumulate(p[order] * (len(p) - np.arange(len(p)))))
    out = np.empty_like(scaled)
    out[order] = scaled
    return out


def pooled_tests(
    results: list[ModelResult], features: Features, method: str = "mean"
) -> list[dict]:
    """McNemar's test for every pair of models on their distinct test songs, each song counted
    once with its prediction pooled over the seeds that tested it (:func:`pooled_songs`), then
    Holm's correction over the pairs.

    The test compares these trained models on these songs: it does not cover how much the
    models would vary if they were trained again on other data.

    Args:
        results: every model's results over its seeds; results are grouped by ``model``.
        features: the features the results' ``test_index`` indexes into.
        method: how each seed turns segments into a song ("mean" or "vote").

    Returns:
        One dict per pair: ``a``, ``b``, ``songs`` (distinct songs), ``accuracy_a``,
        ``accuracy_b``, ``only_a``, ``only_b``, ``p_value`` and ``p_holm``.
    """
    models = list(dict.fromkeys(r.model for r in results))
    correct, songs = {}, {}
    for name in models:
        tracks, labels, predicted, _ = pooled_songs(
            [r for r in results if r.model == name], features, method
        )
        correct[name], songs[name] = predicted == labels, tracks
    rows = []
    for i, a in enumerate(models):
        for b in models[i + 1 :]:
            if not np.array_equal(songs[a], songs[b]):
                raise ParameterError(
                    f"{a} and {b} were not tested on the same songs; a paired "
                    "test needs the same splits for both."
                )
            test = mcnemar(correct[a], correct[b])
            rows.append(
                {
                    "a": a,
                    "b": b,
                    "songs": len(correct[a]),
                    "accuracy_a": float(correct[a].mean()),
                    "accuracy_b": float(correct[b].mean()),
                    **asdict(test),
                }
            )
    for row, corrected in zip(rows, holm([r["p_value"] for r in rows])):
        row["p_holm"] = float(corrected)
    return rows
