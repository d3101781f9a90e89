"""The figure of the overfitting study of notebook 05, in the course's one style (see
:mod:`course.plots`): each remedy's paired difference in test accuracy from the reference and
its overfitting gap, seed by seed, coloured by its verdict.

Its message (:func:`course.figure_text.describe`) is computed from the rows it draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from .figure_text import describe
from .plots import PALETTE


def plot_remedies(rows: Sequence[dict], runs: Sequence):
    """Each remedy on its own row, coloured in both panels by its test-accuracy verdict
    (Holm-corrected, see :func:`course.remedies.verdicts`); the legend lists only the verdicts
    present. Left: its paired difference in test accuracy from the reference (every seed a small
    dot, the mean a large dot, the bar its uncorrected 95 % interval, zero dashed); the
    reference's own row is the dashed zero line and says so. Right: the train - validation gap
    of every seed (small dots) and their mean (large dot), the reference's mean dashed.

    Args:
        rows: from :func:`course.remedies.verdicts` (the first is the reference).
        runs: the :class:`course.remedies.RemedyRun` list they summarise.

    Returns:
        The ``Figure``.

    Notebook: 05_overfitting.ipynb
    """
    colour = {"reference": "#000000", "helped": PALETTE[2], "hurt": PALETTE[3]}
    colour["no clear effect on this data"] = PALETTE[0]
    reference = {r.seed: r for r in runs if r.remedy == rows[0]["name"]}
    fig, (diff, gap) = plt.subplots(
        1, 2, figsize=(13, 0.45 * len(rows) + 1.9), sharey=True, layout="constrained"
    )
    for i, row in enumerate(rows):
        mine = [r for r in runs if r.remedy == row["name"]]
        c = colour[row["verdict"]]
        if i > 0:
            d = [r.test_accuracy - reference[r.seed].test_accuracy for r in mine]
            diff.errorbar(
                row["difference"],
                i,
                xerr=[[row["difference"] - row["low"]], [row["high"] - row["difference"]]],
                fmt="o",
                color=c,
                ms=8,
                capsize=4,
            )
            diff.scatter(d, [i] * len(d), color=c, s=16, alpha=0.5, zorder=3)
        g = [r.gap for r in mine]
        gap.plot([np.mean(g)], [i], "o", color=c, ms=8)
        gap.scatter(g, [i] * len(g), color=c, s=16, alpha=0.5, zorder=3)
    diff.axvline(0, color="#000000", ls="--", lw=1)
    box = {"facecolor": "white", "edgecolor": "none"}  # the reference against itself: zero
    diff.text(
        0.5,
        0,
        "reference: the dashed zero line",
        ha="center",
        va="center",
        bbox=box,
        transform=diff.get_yaxis_transform(),
    )
    gap.axvline(np.mean([r.gap for r in reference.values()]), color="#000000", ls="--", lw=1)
    diff.set(
        yticks=range(len(rows)),
        yticklabels=[r["name"] for r in rows],
        xlabel="test accuracy minus the reference's (same seed)",
        title="difference from the reference: seeds (small dots),\nmean (large dot), "
        "uncorrected 95 % interval (bar)",
    )
    diff.invert_yaxis()
    gap.set(
        xlabel="training minus validation accuracy",
        title="overfitting gap: seeds (small dots),\nmean (large dot), the reference's mean "
        "(dashed)",
    )
    present = {r["verdict"] for r in rows}
    handles = [
        plt.Line2D([], [], color=c, marker="o", ls="", label=v.removesuffix(" on this data"))
        for v, c in colour.items()
        if v in present
    ]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=4,
        title="colour, in both panels: the test-accuracy verdict (Holm-corrected)",
    )
    return describe(fig, _remedies_message(rows))


def _remedies_message(rows: Sequence[dict]) -> str:
    """The best remedy by mean test accuracy, the verdicts counted, the smallest gap."""
    ref, others = rows[0], rows[1:]
    head = f"{ref['name']} has mean test accuracy {ref['test_mean']:.3f}"
    if not others:
        return head + " and no remedy is compared with it."
    top = max(others, key=lambda r: r["test_mean"])
    low = min(rows, key=lambda r: r["gap_mean"])
    verdicts = [r["verdict"] for r in others]
    return (
        f"Of {len(others)} remedies, {top['name']} has the highest mean test accuracy, "
        f"{top['test_mean']:.3f}, {top['difference']:+.3f} from the reference "
        f"({top['verdict']}); after Holm's correction {verdicts.count('helped')} helped, "
        f"{verdicts.count('hurt')} hurt, "
        f"{len(verdicts) - verdicts.count('helped') - verdicts.count('hurt')} had no clear "
        f"effect. The smallest mean overfitting gap is {low['name']}'s, {low['gap_mean']:+.3f}, "
        f"against the reference's {ref['gap_mean']:+.3f}."
    )
