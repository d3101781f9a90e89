"""Figures of images: one colour scale when asked, kernels oriented like the MFCC images."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from figure_checks import message  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from course.errors import ParameterError  # noqa: E402
from course.plots import plot_images, plot_kernels, plot_runs, plot_series  # noqa: E402

#: Every figure drawn here has all its text at WCAG AA contrast (tests/figure_checks.py).
pytestmark = pytest.mark.usefixtures("text_contrast")


def test_images_share_one_colour_scale_only_when_asked():
    images = {"a": np.zeros((2, 2)), "b": np.full((2, 2), 5.0)}
    own = plot_images(images)
    shared = plot_images(images, shared=True)
    assert [ax.images[0].get_clim() for ax in shared.axes if ax.images] == [(0.0, 5.0)] * 2
    assert [ax.images[0].get_clim() for ax in own.axes if ax.images][1] != (0.0, 5.0)
    plt.close("all")


def test_panels_on_one_scale_get_one_colour_bar_the_others_their_own():
    images = {
        "input": np.arange(4.0).reshape(2, 2) + 6,
        "valid": np.zeros((2, 2)),
        "same": np.ones((2, 2)),
    }
    fig = plot_images(images, shared=["valid", "same"], colorbar_label="value")
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert [ax.images[0].get_clim() for ax in panels[1:]] == [(0.0, 1.0)] * 2
    assert panels[0].images[0].get_clim() == (6.0, 9.0)
    assert len(bars) == 2 and {bar.get_ylabel() for bar in bars} == {"value"}
    every = plot_images(images, shared=True)
    assert sum(ax.get_label() == "<colorbar>" for ax in every.axes) == 1
    plt.close("all")


def test_annotations_pick_the_ink_that_stands_out_from_each_cell():
    fig = plot_images({"a": np.array([[0.0, 1.0]])}, annotate=True, cmap="gray")
    inks = [text.get_color() for text in fig.axes[0].texts]
    assert inks == ["white", "black"]  # white on the black cell, black on the white one
    plt.close(fig)


def test_kernels_are_drawn_frame_across_coefficient_up():
    kernel = np.zeros((3, 2, 1, 1))  # 3 frames, 2 coefficients
    kernel[2, 0, 0, 0] = 1.0  # last frame, first coefficient
    fig = plot_kernels(kernel, limit=2.0)
    image = fig.axes[0].images[0]
    data = image.get_array()
    assert data.shape == (2, 3) and data[0, 2] == 1.0  # row = coefficient, column = frame
    assert image.origin == "lower" and image.get_clim() == (-2.0, 2.0)
    assert fig.axes[0].get_xlabel() == "frame" and fig.axes[0].get_ylabel() == "coefficient"
    plt.close(fig)


def test_notebook_figures_are_opaque_palette_pngs_of_the_same_size():
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from course.plots import figure_png

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.imshow(np.random.default_rng(0).standard_normal((64, 64)), cmap="magma")
    ax.set_xlabel("time (s)")
    full = io.BytesIO()
    fig.savefig(full, format="png", dpi=fig.dpi, bbox_inches="tight")
    png = figure_png(fig)
    plt.close(fig)
    image, reference = Image.open(io.BytesIO(png)), Image.open(full)
    assert image.mode == "P" and "transparency" not in image.info
    assert image.size == reference.size
    assert len(png) < len(full.getvalue())
    # The palette keeps the picture: no colour moves by more than a few of its 256 levels.
    diff = np.abs(
        np.asarray(image.convert("RGB"), dtype=int)
        - np.asarray(reference.convert("RGB"), dtype=int)
    )
    assert diff.max() <= 16


def test_outside_ipython_figures_are_left_to_matplotlib():
    from course.plots import show_figures_as_palette_png

    assert show_figures_as_palette_png() is False


def test_genre_timeline_draws_the_top_genres_and_the_rest_as_one_band():
    from course.learning_plots import plot_genre_timeline

    p = np.random.default_rng(0).dirichlet(np.ones(10), size=12)
    fig = plot_genre_timeline(p, [f"g{i}" for i in range(10)], 3.0, show=4)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 5 and "other genres" in labels
    assert ax.get_xlim() == (0.0, 36.0) and ax.get_xlabel() == "time (s)"
    plt.close(fig)
    with pytest.raises(ParameterError, match="segments, 3 genres"):
        plot_genre_timeline(np.ones((4, 2)), ["a", "b", "c"], 3.0)


def test_the_valence_arousal_plane_has_one_panel_per_model_on_the_rating_scale():
    from course.learning_plots import plot_va_plane

    truth = np.array([[2.0, 3.0], [7.0, 8.0]])
    fig = plot_va_plane(truth, {"ridge": truth + 0.5, "cnn": truth - 0.5})
    assert [ax.get_title() for ax in fig.axes] == ["ridge", "cnn"]
    assert fig.axes[0].get_xlim() == (1.0, 9.0) and "arousal" in fig.axes[0].get_ylabel()
    plt.close(fig)
    with pytest.raises(ParameterError):
        plot_va_plane(np.ones(3), {"a": np.ones(3)})


def test_runs_are_drawn_apart_with_their_intervals_and_said_per_condition():
    values = {("20 steps", "A"): [1.0, 1.0, 0.9], ("20 steps", "B"): [1.0, 1.0, 1.0]}
    values[("100 steps", "A")] = [0.5, 0.52, 0.48]
    values[("100 steps", "B")] = [1.0, 0.8, 1.0]
    intervals = {
        key: [(v - 0.05, min(v + 0.05, 1.0)) for v in runs] for key, runs in values.items()
    }
    fig = plot_runs(values, intervals, "test accuracy (fraction)", reference=("chance", 0.5))
    ax = fig.axes[0]
    dots = np.concatenate([line.get_xydata() for line in ax.lines if line.get_marker() == "o"])
    assert len(dots) == 12 and len({tuple(d) for d in dots}) == 12  # no dot hides another
    assert ax.get_ylim()[1] < 1.1  # the intervals stop at 1
    assert [t.get_text() for t in ax.get_xticklabels()] == ["20 steps", "100 steps"]
    assert message(fig) == (
        "test accuracy (fraction) of up to 3 runs each (lowest to highest); 20 steps: 'A' 0.9 "
        "to 1 and 'B' 1 to 1; 100 steps: 'A' 0.48 to 0.52 and 'B' 0.8 to 1."
    )
    # the mean lines are drawn in the colour the legend shows for "mean of the runs"
    entry = ax.get_legend_handles_labels()
    mean_colour = to_rgba(entry[0][entry[1].index("mean of the runs")].get_color())
    horizontal = [c for c in ax.collections if all(s[0, 1] == s[-1, 1] for s in c.get_segments())]
    means = [c for c in horizontal if c.get_segments()]  # the error bars are vertical
    assert len(means) == 4
    assert all(tuple(rgba) == mean_colour for c in means for rgba in c.get_colors())
    plt.close(fig)


def test_series_named_dashed_are_drawn_dashed_and_said_so():
    series = {"a": [1.0, 2.0], "b": [1.0, 4.0]}
    fig = plot_series(series, "time step", "size", dashed=["b"])
    assert [line.get_linestyle() for line in fig.axes[0].lines] == ["-", "--"]
    assert message(fig) == (
        "2 lines of size over 2 points; first to last: 'a' from 1 to 2 and 'b' (dashed) "
        "from 1 to 4."
    )
    plt.close(fig)
    with pytest.raises(ParameterError):
        plot_series(series, "time step", "size", dashed=["c"])
