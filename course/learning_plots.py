"""Figures of learning, in the course's one style (see :mod:`course.plots`): training
histories, activation functions, gradient norms, the AI/ML/DL diagram and
confusion matrices.

Each ``plot_*`` function gives its figure a message (:func:`course.figure_text.describe`) computed
from the data it draws: the one thing the figure is there to show, for readers who cannot see it.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from .backprop import race_scores
from .errors import ParameterError
from .figure_text import describe, describe_panel
from .plots import GENRE_COLOURS, PALETTE, label_log_axis, plot_series, prepare_axes


def _listed(names) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    names = [str(n) for n in names]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _tied(names, values, best) -> str:
    """The names whose value equals ``best`` (all of them when several tie)."""
    return _listed(n for n, v in zip(names, values) if np.isclose(v, best))


def _times(ratio: float) -> str:
    """A ratio in words: ``"40,000 times smaller"``, ``"2.5 times larger"``."""
    factor = 1 / ratio if ratio < 1 else ratio
    size = f"{factor:,.0f}" if factor >= 10 else f"{factor:.2g}"
    return f"{size} times {'smaller' if ratio < 1 else 'larger'}"


def _history_message(history: dict[str, list[float]]) -> str:
    """The end of training, the gap between training and validation, and the best epoch."""
    n = len(history["loss"])
    key = "accuracy" if history.get("accuracy") else "loss"
    train, val = history[key], history.get(f"val_{key}")
    if not val:
        return f"After {n} epochs training {key} is {train[-1]:.3f}; no validation was recorded."
    best = int(np.argmax(val) if key == "accuracy" else np.argmin(val))
    return (
        f"After {n} epochs training {key} is {train[-1]:.3f} and validation {key} "
        f"{val[-1]:.3f}, a gap of {train[-1] - val[-1]:+.3f}; validation {key} was best, "
        f"{val[best]:.3f}, at epoch {best + 1}."
    )


def plot_history(history: dict[str, list[float]], title: str = "", loss: str = "cross-entropy"):
    """Accuracy and loss per epoch, training and validation, side by side.

    Args:
        history: ``{"accuracy": [...], "loss": [...], "val_accuracy": [...], "val_loss": [...]}``
            as returned by :func:`course.training.fit`.
        title: the figure's title (for example the model's name).
        loss: what the loss is, for its panel's title ("cross-entropy + L2 penalty" for a
            network whose layers add a penalty: Keras adds it to both losses).

    Returns:
        The matplotlib ``Figure``.

    Notebook: 04_neural_network_basics.ipynb, 05_overfitting.ipynb, 07_cnn_on_mfcc.ipynb,
        09_lstm_gru.ipynb, 10_genre_comparison.ipynb
    """
    if "loss" not in history or not history["loss"]:
        raise ParameterError("history needs at least a non-empty 'loss' list; pass fit()'s result.")
    fig, (acc_ax, loss_ax) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    epochs = range(1, len(history["loss"]) + 1)
    for ax, key, label in ((acc_ax, "accuracy", "accuracy"), (loss_ax, "loss", "loss")):
        if key in history:
            ax.plot(epochs, history[key], marker="o", ms=3, label="training")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], marker="o", ms=3, label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.legend()
    acc_ax.set_ylim(0, 1)
    acc_ax.set_title("accuracy")
    loss_ax.set_title(f"loss ({loss})")
    if title:
        fig.suptitle(title)
    return describe(fig, _history_message(history))


def plot_activations():
    """Sigmoid, tanh and ReLU with their derivatives, one panel each.

    Returns:
        The ``Figure``.

    Notebook: 04_neural_network_basics.ipynb
    """
    z = np.linspace(-6, 6, 601)
    sig = 1 / (1 + np.exp(-z))
    funcs = {
        "sigmoid": (sig, sig * (1 - sig)),
        "tanh": (np.tanh(z), 1 - np.tanh(z) ** 2),
        "ReLU": (np.maximum(z, 0), (z > 0).astype(float)),
    }
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharey=True, layout="constrained")
    for ax, (name, (f, d)) in zip(axes, funcs.items()):
        ax.plot(z, f, label=name, lw=2)
        ax.plot(z, d, label="derivative", lw=2, ls="--")
        ax.set_title(f"{name}: largest slope {d.max():.2f}")
        ax.set_xlabel("input z")
        ax.set_ylim(-1.2, 2.2)
        ax.legend(loc="upper left")
    axes[0].set_ylabel("activation (solid),\nderivative (dashed)")
    slopes = ", ".join(f"{name} {d.max():.2g}" for name, (_, d) in funcs.items())
    return describe(
        fig,
        f"Sigmoid, tanh and ReLU (solid) and their derivatives (dashed), which backpropagation "
        f"multiplies by. Largest slope: {slopes}; at z = {z[-1]:.0f} the sigmoid's has fallen "
        f"to {funcs['sigmoid'][1][-1]:.2g} and tanh's to {funcs['tanh'][1][-1]:.2g}, while "
        f"ReLU's stays {funcs['ReLU'][1][-1]:.0f} for every positive input.",
    )


def plot_gradient_norms(norms: dict[str, np.ndarray], title: str = ""):
    """Gradient norm per layer (first layer on the left) on a log scale, one line per network.

    Args:
        norms: ``{name: (n_layers,) norms}`` from :func:`course.probes.gradient_norms`: every
            Dense layer, the output layer last.
        title: the axes' title.

    Returns:
        The ``Figure``.

    Notebook: 04_neural_network_basics.ipynb
    """
    fig = plot_series(
        norms,
        xlabel="layer (1 = nearest the input)",
        ylabel="size of the error ‖∂L/∂z‖ (log scale)",
        title=title,
        logy=True,
        marker="o",
    )
    # the first layer against the last hidden one (the output layer, drawn last, is not hidden)
    last = min(map(len, norms.values())) - 1
    fig.axes[0].set_xticks(range(1, last + 2), [*map(str, range(1, last + 1)), "output"])
    last -= last > 1
    ratios = ", ".join(f"{name}'s {_times(v[0] / v[last])}" for name, v in norms.items())
    return describe(
        fig,
        f"The error reaching layer 1 against the one reaching layer {last + 1}, the last "
        f"hidden layer (the last point is the output layer): {ratios}.",
    )


def plot_ai_ml_dl():
    """Artificial intelligence contains machine learning, which contains deep learning.

    Returns:
        The ``Figure``.

    Notebook: 04_neural_network_basics.ipynb
    """
    from matplotlib.patches import Ellipse

    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    rings = [
        ("artificial intelligence: agents acting toward goals", 8.0, 4.6, PALETTE[5]),
        ("machine learning: learning from data", 5.8, 3.2, PALETTE[1]),
        ("deep learning:\nneural networks\nwith many layers", 3.4, 1.8, PALETTE[3]),
    ]
    for label, w, h, colour in rings:
        ax.add_patch(Ellipse((0, h / 2), w, h, color=colour, alpha=0.35))
        inner = label.startswith("deep")
        ax.text(0, h / 2 if inner else h - 0.45, label, ha="center", va="center", fontsize=12)
    ax.set_xlim(-4.2, 4.2)
    ax.set_ylim(-0.1, 4.7)
    ax.set_aspect("equal")
    ax.axis("off")
    return describe(
        fig,
        "A diagram of three nested ovals: artificial intelligence (agents acting toward goals) "
        "contains machine learning (learning from data), which contains deep learning "
        "(neural networks with many layers).",
    )


def plot_confusion(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    labels: Sequence[str],
    ax=None,
    title: str = "",
    colorbar: bool = True,
):
    """A confusion matrix: true genre down, predicted genre across, each row as percentages.

    Args:
        y_true: ``(n,)`` true labels (indices into ``labels``).
        y_pred: ``(n,)`` predicted labels (indices into ``labels``).
        labels: the class names.
        ax: draw into this ``Axes``.
        title: the axes' title.
        colorbar: add a colour bar.

    Returns:
        The ``Figure``.

    Notebook: 10_genre_comparison.ipynb
    """
    from sklearn.metrics import confusion_matrix

    n = len(labels)
    counts = confusion_matrix(y_true, y_pred, labels=np.arange(n))
    rows = counts.sum(axis=1, keepdims=True)
    percent = np.divide(100 * counts, rows, out=np.zeros(counts.shape), where=rows > 0)
    fig, ax = prepare_axes(ax, figsize=(7, 6))
    img = ax.imshow(percent, cmap="Blues", vmin=0, vmax=100)
    for i in range(n):
        for j in range(n):
            if counts[i, j]:
                ax.text(
                    j,
                    i,
                    counts[i, j],
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white" if percent[i, j] > 60 else "black",
                )
    ax.set_xticks(range(n), labels, rotation=45, ha="right")
    ax.set_yticks(range(n), labels)
    ax.set_xlabel("predicted genre")
    ax.set_ylabel("true genre")
    ax.grid(False)
    if title:
        ax.set_title(title)
    if colorbar:
        fig.colorbar(img, ax=ax, label="% of the true genre's items")
    seen = rows[:, 0] > 0
    recall, names = np.diag(percent)[seen], np.asarray(labels)[seen]
    off = counts - np.diag(np.diag(counts))
    i, j = np.unravel_index(np.argmax(off), off.shape)
    confusion = (
        f"most common confusion {labels[i]} -> {labels[j]} ({off[i, j]} items)"
        if off[i, j]
        else "no confusions"
    )
    classes = (
        f"best recognised {_tied(names, recall, recall.max())} ({recall.max():.0f} %), worst "
        f"{_tied(names, recall, recall.min())} ({recall.min():.0f} %)"
        if recall.max() > recall.min()
        else f"every genre {recall.max():.0f} % right"
    )
    message = (
        f"Confusion matrix{f' {title!r}' if title else ''}: {np.trace(counts)} of "
        f"{counts.sum()} items right ({100 * np.trace(counts) / max(counts.sum(), 1):.0f} %); "
        f"{classes}; {confusion}."
    )
    # Drawn into a shared figure: the message joins those of the figure's other panels.
    return describe_panel(fig, message) if ax is not None else describe(fig, message)


def plot_gradient_descent(
    losses: dict[str, np.ndarray],
    predict,
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    features: Sequence[str],
    chosen: str,
):
    """Gradient descent on a two-feature problem: the training loss after every update for
    several learning rates, and the classes the chosen network predicts over the feature plane.

    Args:
        losses: ``{label: (n_updates + 1,) training losses}`` after 0, 1, ..., n_updates
            updates, one line each (log scale).
        predict: a function from ``(n, 2)`` points to ``(n,)`` classes (the chosen network).
        x: ``(n, 2)`` points to scatter.
        y: ``(n,)`` their classes (0 or 1).
        names: the two class names.
        features: the two axis labels, x first.
        chosen: the label in ``losses`` of the network ``predict`` uses.

    Returns:
        The ``Figure``.

    Notebook: 04_neural_network_basics.ipynb
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), layout="constrained")
    for (label, values), colour in zip(losses.items(), PALETTE):
        left.plot(np.arange(len(values)), values, color=colour, lw=1.8, label=label)
    left.set(
        yscale="log",
        xlabel="updates made",
        ylabel="training loss (log scale)",
        title=f"training loss, {len(losses)} learning rates",
    )
    label_log_axis(left)
    left.legend(ncols=len(losses), loc="upper center", bbox_to_anchor=(0.5, -0.16))
    pad = 0.5
    gx, gy = np.meshgrid(
        np.linspace(x[:, 0].min() - pad, x[:, 0].max() + pad, 200),
        np.linspace(x[:, 1].min() - pad, x[:, 1].max() + pad, 200),
    )
    regions = predict(np.c_[gx.ravel(), gy.ravel()]).reshape(gx.shape)
    colours = [GENRE_COLOURS.get(n, PALETTE[i]) for i, n in enumerate(names)]
    right.contourf(gx, gy, regions, levels=[-0.5, 0.5, 1.5], colors=colours, alpha=0.18)
    for k, (name, colour) in enumerate(zip(names, colours)):
        right.scatter(*x[y == k].T, s=18, color=colour, label=name, edgecolor="white", lw=0.4)
    right.set(
        xlabel=features[0],
        ylabel=features[1],
        title=f"network {chosen}: its predictions (shaded), the data (dots)",
    )
    right.legend()
    ends = ", ".join(
        f"{label}: {v[-1]:.3g}" + (f" (above its start, {v[0]:.3g})" if v[-1] > v[0] else "")
        for label, v in losses.items()
    )
    best = min(losses, key=lambda k: losses[k][-1])
    share = 100 * np.mean(np.asarray(predict(x)) == np.asarray(y))
    return describe(
        fig,
        f"Training loss after the last of {len(losses[best]) - 1} updates: {ends}; the lowest is "
        f"{best}. The network {chosen}, shaded on the right, puts {share:.0f} % of the {len(y)} "
        "dots in their class's region.",
    )


def plot_batch_sizes(records: dict[str, list[np.ndarray]], seconds: float):
    """Validation accuracy of several batch sizes against the number of updates and against
    seconds of training, side by side, one line per run (seed); dotted, the number of updates
    every run reached; shaded, the last quarter of the time.

    Args:
        records: ``{label: [one (checkpoints, 3) array of (updates, seconds, accuracy) per
            run]}``, as from :func:`course.backprop.timed_sgd`.
        seconds: the training time every run was given.

    Returns:
        The ``Figure``.

    Notebook: 04_neural_network_basics.ipynb
    """
    common, at_updates, at_time = race_scores(records, seconds)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), sharey=True, layout="constrained")
    for (label, runs), colour in zip(records.items(), PALETTE):
        for i, rec in enumerate(runs):
            for ax, column in zip(axes, (0, 1)):
                ax.plot(rec[:, column], rec[:, 2], color=colour, lw=1.4, label="_" * i + label)
    axes[0].set(xscale="log", xlabel="updates (log scale)", ylabel="validation accuracy")
    axes[0].set_title("at equal numbers of updates")
    axes[1].set(xlabel="processor time of training (s)", title="at equal time")
    axes[0].axvline(common, color="black", ls=":", lw=1.5)
    axes[1].axvspan(0.75 * seconds, seconds, color="#00000014", lw=0)
    axes[0].legend()
    # the means only: no winner is named here (the notebook's verdict weighs the spread)
    runs = max(len(rs) for rs in records.values())
    return describe(
        fig,
        f"Validation accuracy, the mean of {runs} run(s) each, after {common:,} updates: "
        f"{_means(at_updates)}; over the last quarter of {seconds:g} s of training: "
        f"{_means(at_time)}.",
    )


def _means(scores: dict[str, np.ndarray]) -> str:
    return ", ".join(f"{k} {np.mean(v):.3f}" for k, v in scores.items())


def plot_genre_timeline(
    probabilities: np.ndarray,
    genres: list[str],
    segment_seconds: float,
    title: str = "",
    show: int = 5,
    include: Sequence[str] = (),
    joins: Sequence[float] = (),
):
    """A classifier's genre probabilities along a recording, one band per genre, stacked.

    Args:
        probabilities: ``(n_segments, n_genres)``, one row per consecutive segment.
        genres: the genre of each column.
        segment_seconds: the length of a segment in seconds.
        title: the figure's title (for example the file's name).
        show: the genres with the highest mean probability drawn on their own; the others
            are summed into one grey band, "other genres".
        include: genres always drawn on their own (for example the true genres of the parts
            of a recording), besides the ``show`` most probable.
        joins: times in seconds where one recording ends and the next begins in a file made
            of several, each drawn as a dashed black line.

    Returns:
        The ``Figure``.

    Notebook: 10_genre_comparison.ipynb
    """
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 2 or p.shape[1] != len(genres) or len(p) == 0:
        raise ParameterError(
            f"probabilities must be (segments, {len(genres)} genres) with at "
            f"least one segment, got {p.shape}."
        )
    order = list(np.argsort(-p.mean(axis=0)))
    forced = [genres.index(g) for g in include if g in genres]
    kept = [i for i in order if i in forced or order.index(i) < show]
    rest = [i for i in order if i not in kept]
    bands = [p[:, i] for i in kept] + ([p[:, rest].sum(axis=1)] if len(rest) else [])
    labels = [genres[i] for i in kept] + (["other genres"] if len(rest) else [])
    colours = [
        GENRE_COLOURS.get(genres[i], PALETTE[j % len(PALETTE)]) for j, i in enumerate(kept)
    ] + (["#DDDDDD"] if len(rest) else [])
    edges = np.arange(len(p) + 1) * segment_seconds
    # Each segment's probabilities hold for its whole span: a step drawn from edge to edge.
    t = np.repeat(edges, 2)[1:-1]
    fig, ax = prepare_axes(None, figsize=(10, 3.6))
    ax.stackplot(
        t,
        [np.repeat(b, 2) for b in bands],
        labels=labels,
        colors=colours,
        edgecolor="white",
        linewidth=0.3,
    )
    ax.set_xlim(0, edges[-1])
    ax.set_ylim(0, 1)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("probability")
    for i, x in enumerate(joins):  # one legend entry for all the joins
        ax.axvline(x, color="black", linestyle="--", linewidth=2.5, label="_" if i else "join")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), reverse=True)
    if title:
        ax.set_title(title)
    where = _listed(f"{x:.2f} s" for x in joins)
    marked = f" A dashed line marks where one recording joins the next: {where}." if where else ""
    return describe(fig, _timeline_message(p, genres, segment_seconds) + marked)


def _timeline_message(p: np.ndarray, genres: list[str], segment_seconds: float) -> str:
    """The genre of highest mean probability, where it leads, and where the lead changes."""
    top, leader = int(np.argmax(p.mean(axis=0))), np.argmax(p, axis=1)
    changes = np.flatnonzero(leader[1:] != leader[:-1]) + 1
    where = _listed(
        f"at {c * segment_seconds:g} s from {genres[leader[c - 1]]} to {genres[leader[c]]}"
        for c in changes
    )
    lead = (
        "The most probable genre never changes"
        if not len(changes)
        else f"The most probable genre changes {where}"
        if len(changes) <= 3
        else f"The most probable genre changes {len(changes)} times"
    )
    return (
        f"Genre probabilities of {len(p)} segments of {segment_seconds:g} s: {genres[top]} has "
        f"the highest mean probability, {p[:, top].mean():.2f}, and is the most probable genre "
        f"in {np.sum(leader == top)} of {len(p)} segments. {lead}."
    )


def plot_va_plane(truth: np.ndarray, predictions: dict[str, np.ndarray], title: str = ""):
    """Predictions against the truth in the valence-arousal plane, one panel per model: each
    test song is a grey dot at its annotated place, joined by a line to the model's prediction.

    Args:
        truth: ``(n_songs, 2)`` valence and arousal (1 to 9).
        predictions: ``{model: (n_songs, 2)}``.
        title: the figure's title.

    Returns:
        The ``Figure``.

    Notebook: 11_music_emotion.ipynb
    """
    truth = np.asarray(truth, float)
    if truth.ndim != 2 or truth.shape[1] != 2 or not predictions:
        raise ParameterError(
            f"truth must be (songs, 2) and at least one model's predictions "
            f"given, got {truth.shape} and {len(predictions)} models."
        )
    fig, axes = plt.subplots(
        1,
        len(predictions),
        figsize=(3.3 * len(predictions) + 0.6, 3.8),
        layout="constrained",
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    for ax, (name, p), colour in zip(axes[0], predictions.items(), PALETTE):
        p = np.asarray(p, float)
        for (v, a), (pv, pa) in zip(truth, p):
            ax.plot([v, pv], [a, pa], color=colour, lw=0.8, alpha=0.6)
        ax.scatter(truth[:, 0], truth[:, 1], s=14, color="#777777", label="annotated", zorder=3)
        ax.scatter(p[:, 0], p[:, 1], s=14, color=colour, label="predicted", zorder=4)
        ax.axhline(5, color="black", lw=0.6)
        ax.axvline(5, color="black", lw=0.6)
        ax.set(xlim=(1, 9), ylim=(1, 9), xlabel="valence (1 to 9)", title=name, aspect="equal")
    axes[0][0].set_ylabel("arousal (1 to 9)")
    axes[0][0].legend(loc="lower right", fontsize=9)
    if title:
        fig.suptitle(title)
    return describe(fig, _va_message(truth, predictions))


def _va_message(truth: np.ndarray, predictions: dict[str, np.ndarray]) -> str:
    """Where the songs lie, and per model how far its predictions are from the annotations and
    how widely they spread along each axis (a model that hedges on one axis spreads little
    along it)."""
    centre = truth.mean(axis=0)
    spread = np.linalg.norm(truth - centre, axis=1).mean()
    models = []
    for name, p in predictions.items():
        p = np.asarray(p, float)
        off = np.linalg.norm(p - truth, axis=1).mean()
        wide = p.std(axis=0) / np.maximum(truth.std(axis=0), 1e-12)
        hedged = [axis for axis, w in zip(("valence", "arousal"), wide) if w < 0.5]
        hedge = f" (drawn towards the middle in {' and '.join(hedged)})" if hedged else ""
        models.append(
            f"{name}'s lie {off:.2f} rating points from their annotations and spread "
            f"{100 * wide[0]:.0f} % as wide in valence, {100 * wide[1]:.0f} % in arousal{hedge}"
        )
    return (
        f"{len(truth)} test songs, annotated around valence {centre[0]:.1f} and arousal "
        f"{centre[1]:.1f}, on average {spread:.2f} rating points from that centre. The "
        f"predictions, on average: {'; '.join(models)}."
    )
