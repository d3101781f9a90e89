"""Figures of signals and images, in the course's one style: labelled axes with units,
readable at projector size, colour-blind-safe colours.

Functions return the matplotlib ``Figure`` so notebooks display it and the command line saves
it, with its message for readers who cannot see it (:func:`course.figure_text.describe`),
computed from the data it draws. Nothing here computes features or trains models. Figures of
training (histories, confusion matrices, activations) are in :mod:`course.learning_plots`, in
the same style.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .errors import ParameterError
from .figure_text import alt_text, describe
from .settings import GENRES

#: Okabe-Ito colours, safe for the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


#: One colour per GTZAN genre (Paul Tol's colour-blind-safe "muted" scheme plus dark grey), so
#: a genre is drawn in the same colour in every figure.
GENRE_COLOURS = dict(
    zip(
        GENRES,
        (
            "#332288",
            "#88CCEE",
            "#44AA99",
            "#117733",
            "#999933",
            "#DDCC77",
            "#CC6677",
            "#882255",
            "#AA4499",
            "#555555",
        ),
    )
)


#: The colour map for spectrograms and MFCC images (perceptually uniform).
CMAP = "magma"

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


def figure_png(fig) -> bytes:
    """The figure as a PNG for a notebook: on white (readable on JupyterLab's dark theme too),
    at the figure's own resolution, reduced to a 256-colour palette, which keeps plots and
    colour maps looking the same at about half the bytes of full colour.

    Args:
        fig: a Matplotlib ``Figure``, rendered at its own ``dpi``.

    Returns:
        The PNG file's bytes.
    """
    import io

    from PIL import Image

    buffer = io.BytesIO()
    fig.canvas.print_figure(
        buffer, format="png", dpi=fig.dpi, bbox_inches="tight", facecolor="white", edgecolor="white"
    )
    image = Image.open(buffer).convert("RGB")
    # Maximum coverage keeps every colour within a few levels of the original (median cut
    # leaves visible bands in colour bars), and dithering would only add bytes.
    palette = image.quantize(
        colors=256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def figure_html(fig) -> str:
    """The figure as an ``<img>`` holding :func:`figure_png` and its text alternative
    (:func:`course.figure_text.alt_text`), which JupyterLab, the static site and the decks all
    show, and a screen reader reads.

    Args:
        fig: a Matplotlib ``Figure``.

    Returns:
        The HTML element, one line.
    """
    import base64
    import html

    png = base64.b64encode(figure_png(fig)).decode("ascii")
    alt = html.escape(alt_text(fig), quote=True)
    return f'<img src="data:image/png;base64,{png}" alt="{alt}">'


def show_figures_as_palette_png() -> bool:
    """Make the running IPython kernel display figures as :func:`figure_html`: a palette PNG
    with its text alternative, and that text as the plain-text form.

    Called by :func:`use_course_style`; does nothing outside IPython. Matplotlib's inline
    backend registers its own PNG formatter when it starts, so it is started first and then
    unregistered: the PNG travels inside the ``<img>``, not a second time beside it.

    Returns:
        True if a kernel was found and the formatter registered.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    from matplotlib.figure import Figure

    # Matplotlib starts its backend, and the inline backend registers its own formatter, when
    # the first figure is made; make (and close) one now so that ours comes last.
    plt.close(plt.figure())
    formatters = shell.display_formatter.formatters
    formatters["image/png"].pop(Figure, None)
    formatters["text/html"].for_type(Figure, figure_html)
    formatters["text/plain"].for_type(Figure, lambda fig, p, cycle: p.text(alt_text(fig)))
    return True


def use_course_style() -> None:
    """Give every figure from here on the course's style (:data:`STYLE`, a learner's own plots
    included) and, in a notebook, show figures as the course's compact PNGs
    (:func:`show_figures_as_palette_png`). Importing ``course.plots`` changes nothing: each
    notebook calls this once in its first cell, and the command line before it draws.

    Notebook: 00_start_here.ipynb, 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb,
        03_mfcc.ipynb, 04_neural_network_basics.ipynb, 05_overfitting.ipynb, 06_cnn.ipynb,
        07_cnn_on_mfcc.ipynb, 08_rnn.ipynb, 09_lstm_gru.ipynb, 10_genre_comparison.ipynb,
        11_music_emotion.ipynb
    """
    plt.rcParams.update(STYLE)
    show_figures_as_palette_png()


#: WCAG 2.1's minimum contrast for text (level AA, normal size) against its background.
TEXT_CONTRAST = 4.5


def contrast_ratio(foreground, background="white") -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 (the same) to 21 (black on white):
    ``(L1 + 0.05) / (L2 + 0.05)`` of their relative luminances, the lighter one on top.

    Args:
        foreground: any Matplotlib colour (``"#88CCEE"``, ``"white"``, an RGB tuple).
        background: the colour behind it.
    """
    from matplotlib.colors import to_rgb

    def luminance(colour) -> float:
        linear = [
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(colour, background="white") -> str:
    """``colour`` darkened just enough for text on ``background`` (:data:`TEXT_CONTRAST`): the
    same hue, mixed with black in steps of 5 %, so a label keeps its line's colour family.

    Args:
        colour: any Matplotlib colour.
        background: the colour the text stands on (figures are drawn on white).

    Returns:
        A ``#rrggbb`` colour.
    """
    from matplotlib.colors import to_hex, to_rgb

    rgb = np.array(to_rgb(colour))
    for step in range(21):
        shade = rgb * (1 - step / 20)
        if contrast_ratio(shade, background) >= TEXT_CONTRAST:
            break
    return to_hex(shade)


def genre_colour(genre: str, text: bool = False) -> str:
    """The genre's colour in every figure (grey for a genre outside GTZAN's ten).

    Args:
        genre: a genre name, for example ``"blues"``.
        text: the shade for text (a title, a label) on white: the same colour darkened to
            :data:`TEXT_CONTRAST` (:func:`text_colour`); pale colours such as classical's
            ``#88CCEE`` are for lines and areas only.

    Notebook: 01_waveform_and_fourier.ipynb
    """
    colour = GENRE_COLOURS.get(genre, "#777777")
    return text_colour(colour) if text else colour


def prepare_axes(ax, figsize=(10, 3.2)):
    """The figure and axes to draw on: those of ``ax``, or a new figure with one axes.

    Args:
        ax: Matplotlib axes to draw on, or None for a new figure.
        figsize: ``(width, height)`` in inches of the new figure; unused when ``ax`` is given.

    Returns:
        ``(figure, axes)``.
    """
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def plot_images(
    images: dict[str, np.ndarray],
    xlabel: str = "",
    ylabel: str = "",
    cmap: str = CMAP,
    origin: str = "upper",
    colorbar: bool = True,
    annotate: bool = False,
    extent=None,
    columns: int | None = None,
    shared=False,
    colorbar_label="",
    panel: tuple[float, float] = (4.2, 3.6),
):
    """Several 2-D arrays side by side (matrices, feature maps, spectrograms), with colour
    bars: one per panel on its own scale, one for the panels that share a scale.

    Args:
        images: ``{title: (rows, cols) array}``.
        xlabel: the x-axis label of every panel.
        ylabel: the y-axis label of every panel.
        cmap: colour map.
        origin: "upper" (row 0 at the top, like a matrix) or "lower" (like a spectrogram).
        colorbar: draw the colour bars.
        annotate: write each value in its cell (for small matrices).
        extent: ``(left, right, bottom, top)`` in axis units, shared by all panels.
        columns: panels per row (default: all in one row).
        shared: True for one colour scale for all panels (the smallest to the largest value of
            all), or the titles of the panels that share one scale (the others keep their own).
        colorbar_label: the colour bars' label (the values' unit), or ``{title: label}``.
        panel: ``(width, height)`` of one panel in inches.

    Returns:
        The ``Figure``.

    Notebook: 06_cnn.ipynb, 07_cnn_on_mfcc.ipynb
    """
    n = len(images)
    columns = columns or n
    rows = int(np.ceil(n / columns))
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(panel[0] * columns, panel[1] * rows),
        squeeze=False,
        layout="constrained",
    )
    for ax in axes.flat[n:]:
        ax.axis("off")
    together = list(images) if shared is True else [t for t in images if t in (shared or ())]
    scale = {}
    if together:
        values = [np.asarray(images[title]) for title in together]
        scale = {"vmin": min(v.min() for v in values), "vmax": max(v.max() for v in values)}
    labels = colorbar_label if isinstance(colorbar_label, dict) else {}
    for ax, (title, image) in zip(axes.flat, images.items()):
        image = np.asarray(image)
        img = ax.imshow(
            image,
            cmap=cmap,
            origin=origin,
            aspect="auto",
            interpolation="nearest",
            extent=extent,
            **(scale if title in together else {}),
        )
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(False)
        if annotate:
            _annotate(ax, image, img)
        label = labels.get(title, "") if labels else colorbar_label
        if colorbar and title not in together:
            fig.colorbar(img, ax=ax, label=label)
        elif colorbar and title == together[-1]:
            panels = [a for a, t in zip(axes.flat, images) if t in together]
            fig.colorbar(img, ax=panels, label=label, shrink=1.0 if len(panels) < 3 else 0.8)
    return describe(fig, _images_message(images, together))


def _annotate(ax, image: np.ndarray, img) -> None:
    """Each value written in its cell, in black or white, whichever stands out more from the
    cell's colour; whole-number ticks."""
    for (i, j), v in np.ndenumerate(image):
        cell = img.to_rgba(v)
        ink = max(("black", "white"), key=lambda c: contrast_ratio(c, cell[:3]))
        ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=12, color=ink)
    ax.set_xticks(range(image.shape[1]))
    ax.set_yticks(range(image.shape[0]))


def _images_message(images: dict[str, np.ndarray], together: list[str]) -> str:
    """How many images of what size, and their values: each image's range (a few on their own
    scales), or the range of all and the image that holds the largest (one scale, or many);
    which panels share a scale when only some do."""
    arrays = {title: np.asarray(image) for title, image in images.items()}
    sizes = [f"{a.shape[0]} by {a.shape[1]}" for a in arrays.values()]
    sizes = sizes[0] if len(set(sizes)) == 1 else _listed(sizes)
    n = len(arrays)
    head = f"{n} image{'s' * (n != 1)} of {sizes} values (rows by columns)"
    everyone = len(together) == n
    if not everyone and n <= 4:
        ranges = [f"'{title}' from {a.min():.3g} to {a.max():.3g}" for title, a in arrays.items()]
        some = _listed([f"'{t}'" for t in together])
        return f"{head}; values: {_listed(ranges)}" + (
            f"; {some} share one colour scale" if len(together) > 1 else ""
        )
    top = max(arrays, key=lambda title: arrays[title].max())
    low = min(a.min() for a in arrays.values())
    scale = "one colour scale" if everyone else "a colour scale each"
    if together and not everyone:
        scale = f"colour scales of their own, but {len(together)} on one"
    return (
        f"{head} on {scale}; values run from {low:.3g} to {arrays[top].max():.3g}, "
        f"the largest in '{top}'"
    )


def _listed(items) -> str:
    """``"a, b and c"``."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def plot_kernels(kernel: np.ndarray, title: str = "", columns: int = 8, limit: float | None = None):
    """The kernels of a Conv2D layer with one input channel, one small image each, oriented as
    the MFCC images: frame across, coefficient up (the first panel carries the axis labels).

    Args:
        kernel: ``(kh, kw, 1, F)`` weights (``layer.get_weights()[0]``), ``kh`` along frames and
            ``kw`` along coefficients.
        title: the figure's title.
        columns: kernels per row.
        limit: the colour scale runs from ``-limit`` to ``limit`` (default: the largest weight),
            to put two sets of kernels on one scale.

    Returns:
        The ``Figure``.

    Notebook: 07_cnn_on_mfcc.ipynb
    """
    kernel = np.asarray(kernel)
    kh, kw, _, n = kernel.shape
    rows = int(np.ceil(n / columns))
    limit = float(np.abs(kernel).max()) if limit is None else limit
    fig, axes = plt.subplots(
        rows,
        columns,
        figsize=(1.45 * columns, 1.55 * rows + 0.8),
        squeeze=False,
        layout="constrained",
    )
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.axis("off")
            continue
        img = ax.imshow(
            kernel[:, :, 0, i].T,
            cmap="RdBu_r",
            vmin=-limit,
            vmax=limit,
            origin="lower",
            extent=(-0.5, kh - 0.5, -0.5, kw - 0.5),
        )
        ax.set_title(str(i), fontsize=12, pad=3)
        if i == 0:
            ax.set_xlabel("frame", fontsize=12, labelpad=2)
            ax.set_ylabel("coefficient", fontsize=12, labelpad=2)
    fig.colorbar(img, ax=axes, shrink=0.8).set_label("weight", fontsize=13)
    if title:
        fig.suptitle(title)
    strongest = int(np.abs(kernel).mean(axis=(0, 1, 2)).argmax())
    return describe(
        fig,
        f"{n} kernels of {kh} frames by {kw} coefficients, weights from {kernel.min():.2g} to "
        f"{kernel.max():.2g} on a colour scale of plus or minus {limit:.2g}; kernel {strongest} "
        "has the largest weights on average.",
    )


def plot_series(
    series: dict[str, np.ndarray],
    xlabel: str,
    ylabel: str,
    title: str = "",
    logy: bool = False,
    marker: str | None = None,
    dashed: list[str] | tuple[str, ...] = (),
):
    """Lines against their index (time step, layer, ...), one per entry.

    Args:
        series: ``{label: (n,) values}``.
        xlabel: the x-axis label, with units.
        ylabel: the y-axis label, with units.
        title: the axes' title.
        logy: logarithmic y axis.
        marker: a marker for every point (for example "o" for a few points).
        dashed: the labels of the lines drawn dashed (the others are solid), so that lines of
            near colours stay apart where they overlap.

    Returns:
        The ``Figure``.

    Notebook: 08_rnn.ipynb
    """
    unknown = [label for label in dashed if label not in series]
    if unknown:
        raise ParameterError(f"dashed names lines that are not in the series: {unknown}")
    fig, ax = prepare_axes(None, figsize=(10, 4))
    for label, values in series.items():
        style = "--" if label in dashed else "-"
        x = np.arange(1, len(values) + 1)
        ax.plot(x, values, lw=1.8, ls=style, marker=marker, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    if title:
        ax.set_title(title)
    ends = [
        f"'{label}'{' (dashed)' * (label in dashed)} from {v[0]:.3g} to {v[-1]:.3g}"
        for label, v in series.items()
        if len(v)
    ]
    lengths = sorted({len(v) for v in series.values()})
    points = f"{lengths[0]}" if len(lengths) == 1 else f"up to {lengths[-1]}"
    lines = f"{len(series)} line{'s' * (len(series) != 1)} of {ylabel}"
    return describe(fig, f"{lines} over {points} points; first to last: {_listed(ends)}")


def label_log_axis(ax, axis: str = "y") -> None:
    """Label a logarithmic axis at 1, 2 and 5 times powers of ten (also 3, 4 and 7 times when
    it spans less than a hundredfold), in plain numbers, so values between the powers of ten
    can be read.

    Args:
        ax: the ``Axes``, already drawn and set to a log scale.
        axis: "x" or "y".
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    low, high = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
    steps = (1, 2, 3, 4, 5, 7) if high / low < 100 else (1, 2, 5)
    which = ax.xaxis if axis == "x" else ax.yaxis
    which.set_major_locator(LogLocator(base=10, subs=steps, numticks=99))
    which.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.3g}"))
    which.set_minor_formatter(NullFormatter())


def plot_runs(
    values: dict[tuple[str, str], list[float]],
    intervals: dict[tuple[str, str], list[tuple[float, float]]],
    ylabel: str,
    xlabel: str = "",
    reference: tuple[str, float] | None = None,
    title: str = "",
):
    """Repeated runs of several models in several conditions: one dot per run (seed) with its
    interval, the runs of a model side by side so that none hides another, a short black line at
    their mean (black for every model, as in the legend), and the conditions along the x axis.

    Args:
        values: ``{(condition, model): [one value per run]}``; conditions and models are drawn
            in the order they first appear.
        intervals: the same keys, ``[(low, high) per run]``, for example 95 % Wilson intervals
            of a test accuracy, which stay within [0, 1].
        ylabel: the y-axis label, with units.
        xlabel: the x-axis label, what the conditions are.
        reference: ``(label, level)`` drawn as a dotted line (for example chance), or None.
        title: the axes' title.

    Returns:
        The ``Figure``.

    Notebook: 09_lstm_gru.ipynb
    """
    conditions = list(dict.fromkeys(c for c, _ in values))
    models = list(dict.fromkeys(m for _, m in values))
    fig, ax = prepare_axes(None, figsize=(11, 4.2))
    width = len(models) + 1
    for j, model in enumerate(models):
        for k, condition in enumerate(conditions):
            runs = np.asarray(values.get((condition, model), []), float)
            if not len(runs):
                continue
            centre = k * width + j
            xs = centre + np.linspace(-0.25, 0.25, len(runs)) * (len(runs) > 1)
            low, high = np.asarray(intervals[(condition, model)], float).T
            ax.errorbar(
                xs,
                runs,
                yerr=[runs - low, high - runs],
                fmt="o",
                ms=6,
                capsize=3,
                color=PALETTE[j],
                label=model if k == 0 else None,
                zorder=3,
            )
            ax.hlines(runs.mean(), centre - 0.4, centre + 0.4, color="black", lw=2, zorder=2)
    ax.plot([], [], color="black", lw=2, label="mean of the runs")  # as drawn, for every model
    if reference is not None:
        ax.axhline(reference[1], color="#555555", ls=":", lw=1.5, label=reference[0])
    ax.set_xticks([k * width + (len(models) - 1) / 2 for k in range(len(conditions))])
    ax.set_xticklabels(conditions)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if title:
        ax.set_title(title)
    parts = []
    for condition in conditions:
        ranges = []
        for model in models:
            runs = np.asarray(values.get((condition, model), []), float)
            if len(runs):
                ranges.append(f"'{model}' {runs.min():.3g} to {runs.max():.3g}")
        parts.append(f"{condition}: {_listed(ranges)}")
    n = max(len(v) for v in values.values())
    return describe(
        fig, f"{ylabel} of up to {n} runs each (lowest to highest); " + "; ".join(parts)
    )
