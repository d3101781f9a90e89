"""Every figure the course shows, in one style: labelled axes with units, readable at
projector size, colour-blind-safe colours.

Functions return the matplotlib ``Figure`` so notebooks display it and the command line saves
it. Nothing here computes features or trains models.

Notebook: 10_genre_comparison.ipynb
"""

from __future__ import annotations

import matplotlib.pyplot as plt

#: Okabe-Ito colours, safe for the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")
STYLE = {
    "figure.dpi": 100,
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": plt.cycler(color=PALETTE),
    "legend.frameon": False,
}


def plot_history(history: dict[str, list[float]], title: str = ""):
    """Accuracy and loss per epoch, training and validation, side by side.

    Args:
        history: ``{"accuracy": [...], "loss": [...], "val_accuracy": [...], "val_loss": [...]}``
            as returned by :func:`course.training.fit`.
        title: the figure's title (for example the model's name).

    Returns:
        The matplotlib ``Figure``.

    Notebook: 10_genre_comparison.ipynb
    """
    if "loss" not in history or not history["loss"]:
        raise ValueError("history needs at least a non-empty 'loss' list; pass fit()'s result.")
    with plt.rc_context(STYLE):
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
        loss_ax.set_title("loss (cross-entropy)")
        if title:
            fig.suptitle(title)
    return fig
