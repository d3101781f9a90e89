"""The figures of learning state the fact they are there to show, computed from their data: the
message a reader who cannot see the figure gets first (``course.figure_text.describe``)."""

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from figure_checks import message  # noqa: E402

from course import learning_plots, remedy_plots  # noqa: E402
from course.figure_text import alt_text  # noqa: E402

#: Every figure drawn here has all its text at WCAG AA contrast (tests/figure_checks.py).
pytestmark = pytest.mark.usefixtures("text_contrast")


def test_a_history_states_the_end_the_gap_and_the_best_validation_epoch():
    history = {
        "accuracy": [0.5, 0.7, 0.9, 0.95],
        "val_accuracy": [0.4, 0.65, 0.6, 0.55],
        "loss": [1.0, 0.8, 0.5, 0.3],
        "val_loss": [1.1, 0.9, 1.0, 1.2],
    }
    text = message(learning_plots.plot_history(history))
    assert "training accuracy is 0.950 and validation accuracy 0.550" in text
    assert "a gap of +0.400" in text and "0.650, at epoch 2" in text
    fig = learning_plots.plot_history(history)
    assert fig.axes[1].get_title() == "loss (cross-entropy)"
    fig = learning_plots.plot_history(history, loss="cross-entropy + L2 penalty")
    assert fig.axes[1].get_title() == "loss (cross-entropy + L2 penalty)"


def test_a_confusion_matrix_names_the_worst_genre_and_the_commonest_confusion():
    y_true = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    y_pred = np.array([0, 0, 0, 0, 1, 1, 1, 2, 0, 0, 0, 2])  # jazz mostly read as blues
    fig = learning_plots.plot_confusion(y_true, y_pred, ["blues", "rock", "jazz"])
    text = message(fig)
    assert "8 of 12 items right (67 %)" in text
    assert "best recognised blues (100 %), worst jazz (25 %)" in text
    assert "most common confusion jazz -> blues (3 items)" in text


def test_two_confusion_matrices_in_one_figure_keep_both_messages():
    fig, (left, right) = plt.subplots(1, 2)
    y = np.array([0, 1, 1])
    learning_plots.plot_confusion(y, y, ["a", "b"], ax=left, title="cnn", colorbar=False)
    learning_plots.plot_confusion(y, 1 - y, ["a", "b"], ax=right, title="baseline")
    text = message(fig)
    assert text.startswith("Confusion matrix 'cnn': 3 of 3 items right (100 %); every genre")
    assert "'baseline': 0 of 3 items right (0 %)" in text
    assert "most common confusion b -> a (2 items)" in text


def test_gradient_norms_compare_the_first_layer_with_the_last_hidden_one():
    # three hidden layers and the output layer: layer 1 against layer 3, not the output's 4
    norms = {
        "sigmoid": np.array([1e-6, 1e-4, 1e-2, 9.0]),
        "relu": np.array([0.5, 0.4, 0.1, 9.0]),
    }
    fig = learning_plots.plot_gradient_norms(norms)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    text = message(fig)
    assert text.startswith("The error reaching layer 1 against the one reaching layer 3, the last")
    assert ticks == ["1", "2", "3", "output"]
    assert "sigmoid's 10,000 times smaller, relu's 5 times larger" in text


def test_activations_give_each_functions_largest_slope():
    text = message(learning_plots.plot_activations())
    assert "sigmoid 0.25, tanh 1, ReLU 1" in text


def test_remedies_name_the_best_by_mean_test_accuracy_and_the_verdicts():
    rows = [
        {"name": "reference", "test_mean": 0.60, "gap_mean": 0.30, "verdict": "reference"},
        {"name": "dropout", "test_mean": 0.66, "gap_mean": 0.10, "verdict": "helped"},
        {"name": "L1", "test_mean": 0.55, "gap_mean": 0.20, "verdict": "hurt"},
    ]
    for row in rows:
        d = np.nan if row is rows[0] else row["test_mean"] - 0.60
        row.update(difference=d, low=d - 0.01, high=d + 0.01)
    runs = [
        SimpleNamespace(remedy=r["name"], seed=s, test_accuracy=r["test_mean"], gap=r["gap_mean"])
        for r in rows
        for s in (0, 1)
    ]
    text = message(remedy_plots.plot_remedies(rows, runs))
    assert "Of 2 remedies, dropout has the highest mean test accuracy, 0.660, +0.060" in text
    assert "1 helped, 1 hurt, 0 had no clear effect" in text
    assert "smallest mean overfitting gap is dropout's, +0.100" in text


def test_remedies_legend_lists_only_the_verdicts_present_and_the_reference_row_says_why():
    rows = [{"name": "reference", "test_mean": 0.6, "gap_mean": 0.3, "verdict": "reference"}]
    rows.append({"name": "L2", "test_mean": 0.61, "gap_mean": 0.28, "difference": 0.01})
    rows[1].update(low=-0.02, high=0.04, verdict="no clear effect on this data")
    rows[0].update(difference=np.nan, low=np.nan, high=np.nan)
    runs = [
        SimpleNamespace(remedy=r["name"], seed=s, test_accuracy=r["test_mean"], gap=r["gap_mean"])
        for r in rows
        for s in (0, 1)
    ]
    fig = remedy_plots.plot_remedies(rows, runs)
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["reference", "no clear effect"]
    assert "test-accuracy verdict" in legend.get_title().get_text()
    left, right = fig.axes
    assert "reference: the dashed zero line" in [t.get_text() for t in left.texts]
    for ax in (left, right):
        assert "small dots" in ax.get_title() and "mean (large dot)" in ax.get_title()
    assert "uncorrected 95 % interval" in left.get_title()


def test_a_genre_timeline_names_the_leading_genre_and_where_the_lead_changes():
    p = np.array([[0.7, 0.2, 0.1]] * 6 + [[0.2, 0.7, 0.1]] * 4)
    fig = learning_plots.plot_genre_timeline(p, ["rock", "jazz", "pop"], 3.0)
    text = message(fig)
    assert "rock has the highest mean probability, 0.50" in text
    assert "most probable genre in 6 of 10 segments" in text
    assert "changes at 18 s from rock to jazz" in text


def test_a_genre_timeline_marks_each_join_with_one_dashed_line_and_one_legend_entry():
    p = np.full((10, 3), 1 / 3)
    fig = learning_plots.plot_genre_timeline(p, ["rock", "jazz", "pop"], 3.0, joins=(14.5, 21.0))
    ax = fig.axes[0]
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert sorted(line.get_xdata()[0] for line in dashed) == [14.5, 21.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()].count("join") == 1
    assert "A dashed line marks where one recording joins the next: 14.50 s and 21.00 s." in (
        message(fig)
    )


def test_the_valence_arousal_plane_counts_the_songs_and_finds_a_hedging_model():
    truth = np.array([[2.0, 2.0], [8.0, 8.0], [2.0, 8.0], [8.0, 2.0]])
    hedging = 5 + 0.2 * (truth - 5)
    fig = learning_plots.plot_va_plane(truth, {"mean-ish": hedging, "exact": truth})
    text = message(fig)
    assert text.startswith("4 test songs, annotated around valence 5.0 and arousal 5.0")
    assert (
        "mean-ish's lie 3.39 rating points from their annotations and spread 20 % as wide in "
        "valence, 20 % in arousal (drawn towards the middle in valence and arousal)"
    ) in text
    assert "exact's lie 0.00 rating points from their annotations and spread 100 % as wide" in text
    one_axis = np.column_stack([np.full(4, 5.0), truth[:, 1]])  # hedges on valence only
    text = message(learning_plots.plot_va_plane(truth, {"lstm": one_axis}))
    assert "0 % as wide in valence, 100 % in arousal (drawn towards the middle in valence)" in text


def test_batch_sizes_compare_the_mean_over_runs_at_equal_updates_and_at_equal_time():
    records = {
        "stochastic (1)": [
            np.array([[1, 0.01, 0.2], [4, 0.02, 0.5], [8, 0.8, 0.6], [900, 1.0, 0.6]]),
            np.array([[1, 0.01, 0.2], [4, 0.03, 0.3], [8, 0.9, 0.7], [700, 1.0, 0.8]]),
        ],
        "full batch (100)": [np.array([[1, 0.5, 0.2], [4, 0.7, 0.55], [6, 1.0, 0.56]])] * 2,
    }
    fig = learning_plots.plot_batch_sizes(records, seconds=1.0)
    lines, legend = fig.axes[0].get_lines(), fig.axes[0].get_legend().get_texts()
    text = message(fig)
    # after 4 updates (the largest power of two every run reached): (0.5 + 0.3) / 2 and 0.55;
    # over the last quarter, from 0.75 s: (0.6 + 0.6) / 2 = 0.6 and (0.7 + 0.8) / 2 = 0.75,
    # mean 0.675; (0.56) for full batch. No winner is named from the means.
    assert "the mean of 2 run(s) each, after 4 updates: stochastic (1) 0.400, full batch" in text
    assert (
        "(100) 0.550; over the last quarter of 1 s of training: stochastic (1) 0.675, full" in text
    )
    assert "highest" not in text and "ahead" not in text
    # one line per run on each panel, one legend entry per batch size
    assert len(lines) == 4 + 1  # and the dotted line at 4 updates
    assert [t.get_text() for t in legend] == list(records)


def test_the_message_comes_before_the_axes_in_the_alt_text():
    fig = learning_plots.plot_ai_ml_dl()
    text = alt_text(fig)
    plt.close(fig)
    assert text.startswith("A diagram of three nested ovals: artificial intelligence")


def test_gradient_descent_names_the_shaded_network_and_labels_its_log_axis_in_numbers():
    losses = {"η = 0.1": np.array([0.8, 0.6, 0.5, 0.45]), "η = 9": np.array([0.8, 3.0, 6.0, 2.5])}
    x = np.array([[-1.0, 0.0], [1.0, 0.0], [-2.0, 1.0], [2.0, -1.0]])
    y = np.array([0, 1, 0, 1])
    fig = learning_plots.plot_gradient_descent(
        losses,
        lambda pts: (pts[:, 0] > 0).astype(int),
        x,
        y,
        ["rock", "metal"],
        ["feature 1", "feature 2"],
        chosen="η = 0.1",
    )
    left, right = fig.axes
    ticks = [t.get_text() for t in left.get_yticklabels()]
    text = message(fig)
    assert right.get_title().startswith("network η = 0.1")
    assert {"0.5", "1", "2", "5"} <= set(ticks)  # values between powers of ten can be read
    assert left.get_lines()[0].get_xdata()[0] == 0  # the loss before any update
    assert text.startswith("Training loss after the last of 3 updates: η = 0.1: 0.45, η = 9: 2.5")
    assert "The network η = 0.1, shaded on the right, puts 100 % of the 4 dots" in text


def test_activations_share_one_y_axis_that_names_both_lines():
    fig = learning_plots.plot_activations()
    assert fig.axes[0].get_ylabel() == "activation (solid),\nderivative (dashed)"
    assert all(ax.get_ylim() == fig.axes[0].get_ylim() for ax in fig.axes)
