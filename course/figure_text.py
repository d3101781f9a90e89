"""Text alternatives for figures: what a reader who cannot see a figure is told instead.

Every figure the course shows in a notebook carries an ``alt`` text (the notebooks' figure
formatter in :mod:`course.plots` puts it on the ``<img>``, so it reaches JupyterLab, the static
site and the slide decks). It has two parts:

- the figure's **message**, set with :func:`describe` by the function that draws it, from the
  data it draws ("classical is loudest at -13 dBFS RMS, reggae quietest at -23");
- its **axes** in words, read from the figure itself by :func:`axes_text`: each panel's title,
  what is plotted against what with the ranges shown, and the legend's entries.

A figure a learner draws themselves gets the second part, so no figure is ever without one.
"""

from __future__ import annotations

import numpy as np

#: The attribute of a Matplotlib ``Figure`` that holds the message set by :func:`describe`.
ATTRIBUTE = "course_description"
#: Panels read out one by one; a grid of more (a waveform per clip) is summarised by its first.
MAX_PANELS = 6


def describe(fig, message: str):
    """Give ``fig`` its message for readers who cannot see it: what it shows and the one thing
    it is there to show, computed from the data it draws.

    Args:
        fig: a Matplotlib ``Figure``.
        message: one or two sentences; a final full stop is added if missing.

    Returns:
        ``fig``, so a plotting function can end with ``return describe(fig, ...)``.

    Notebook: 11_music_emotion.ipynb
    """
    message = " ".join(str(message).split())
    if message and not message.endswith((".", "!", "?")):
        message += "."
    setattr(fig, ATTRIBUTE, message)
    return fig


def describe_panel(fig, message: str, title: str = ""):
    """Add one panel's message to what ``fig`` already says (:func:`describe`), for a plotting
    function that can draw into a shared figure: on a figure of several panels the message
    follows the panel's title, and a message the figure already holds is not repeated.

    Args:
        fig: a Matplotlib ``Figure``.
        message: what this panel shows.
        title: the panel's title, which names the message when there are several panels.

    Returns:
        ``fig``.
    """
    if title and len([ax for ax in fig.axes if ax.get_label() != "<colorbar>"]) > 1:
        message = f"{title}: {message}"
    said = getattr(fig, ATTRIBUTE, "")
    return describe(fig, said if message in said else f"{said} {message}")


def _number(value: float) -> str:
    """A number as it is read out: whole from 1000 to 100 000, else 3 significant figures
    (``6.72e5``, ``7.5e-22``); never ``-0``."""
    text = f"{value:.0f}" if 1000 <= abs(value) < 1e5 else f"{value:.3g}"
    mantissa, _, exponent = text.partition("e")
    if exponent:
        text = f"{mantissa}e{int(exponent)}"
    return "0" if text in ("-0", "0") else text


def _span(low: float, high: float) -> str:
    """``"from LOW to HIGH"``, with as many digits as it takes to tell them apart (a 50-ms
    window from 10 s reads "from 10 to 10.05", not "from 10 to 10")."""
    span, size = high - low, max(abs(low), abs(high))
    if span > 0 and size / span > 100:  # a narrow window far from zero: more digits
        digits = int(np.ceil(np.log10(size / span))) + 2
        return f"from {low:.{digits}g} to {high:.{digits}g}"
    return f"from {_number(low)} to {_number(high)}"


def _categories(axis) -> list[str]:
    """The tick labels of an axis that names categories (genres, words: labels set by hand, or
    strings plotted), else []."""
    from matplotlib.category import StrCategoryFormatter
    from matplotlib.ticker import FixedLocator

    named = isinstance(axis.get_major_formatter(), StrCategoryFormatter)
    labels = [t.get_text().strip() for t in axis.get_ticklabels() if t.get_text().strip()]
    if isinstance(axis.get_major_locator(), FixedLocator):  # ticks placed by hand
        named = any(not t.startswith("$") and any(c.isalpha() for c in t) for t in labels)
    return labels if named else []


def _axis(label: str, axis, shown: tuple, data: tuple, scale: str) -> str:
    """One axis in words: its label, and the range its data covers within the view (not the
    padded limits, which would give a loss below 0 or an epoch before the first), or its
    categories."""
    name = " ".join(label.split()) or "an unlabelled axis"  # a label over two lines reads as one
    categories = _categories(axis)
    if len(categories) > 1:
        return f"{name}, {len(categories)} categories from {categories[0]} to {categories[-1]}"
    low, high = sorted(shown)
    # A range of one value (reference lines such as axhline(5), text placed by hand) tells
    # nothing of the axis: then the view's limits are its range.
    if all(map(np.isfinite, data)) and data[0] < data[1]:
        low, high = max(low, data[0]), min(high, data[1])
    if low < 0 < high and -low < 0.01 * (high - low):
        low = 0.0  # half a pixel or bin of padding below zero, not data
    where = _span(low, high)
    log = scale == "log" and "log" not in name.lower()  # not twice: "loss (log scale)"
    return f"{name} {where}{' on a log scale' if log else ''}"


def _label(ax, which: str) -> str:
    """An axis's label, or the label of a panel it shares that axis with (a row of panels
    labels only its first y axis)."""
    label = getattr(ax, f"get_{which}label")()
    if label:
        return label
    shared = getattr(ax, f"get_shared_{which}_axes")().get_siblings(ax)
    return next((s for s in (getattr(o, f"get_{which}label")() for o in shared) if s), "")


def _panel(ax) -> str:
    """One panel in words: its title, its axes and their data's ranges, its legend."""
    parts = []
    title = " ".join(t for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t)
    xlabel, ylabel = _label(ax, "x"), _label(ax, "y")
    if ax.axison and (xlabel or ylabel):
        data = ax.dataLim
        y = _axis(ylabel, ax.yaxis, ax.get_ylim(), (data.y0, data.y1), ax.get_yscale())
        x = _axis(xlabel, ax.xaxis, ax.get_xlim(), (data.x0, data.x1), ax.get_xscale())
        parts.append(f"{y} against {x}")
    legend = ax.get_legend()
    if legend is not None:
        labels = [t.get_text() for t in legend.get_texts() if t.get_text()]
        if labels:  # semicolons: a label may hold commas ("LSTM, forget bias 1")
            parts.append("legend: " + "; ".join(labels))
    body = "; ".join(parts)
    title = f"'{title.strip()}'" if title.strip() else ""
    return f"{title}: {body}" if title and body else title or body


def _written(ax) -> str:
    """The words written on a panel (a diagram's labels), each on one line, or "" if none."""
    words = (" ".join(t.get_text().split()) for t in ax.texts if t.get_visible())
    words = "; ".join(w for w in words if w)
    return f"text on it: {words}" if words else ""


def axes_text(fig) -> str:
    """The figure's panels in words, read from the figure: titles, axis labels with the ranges
    shown, log scales and legends; a panel with none of those, the text written on it. Colour
    bars and empty panels are left out.

    Args:
        fig: a Matplotlib ``Figure``.

    Returns:
        For example ``"Figure: 'blues': amplitude from -1 to 1 against time (s) from 0 to 30."``
    """
    panels = []
    for ax in fig.get_axes():
        if ax.get_label() == "<colorbar>" or not ax.get_visible():
            continue
        text = _panel(ax) or _written(ax)
        drawn = ax.lines or ax.images or ax.collections or ax.patches or ax.texts
        if text or drawn:
            panels.append(text or "drawn without labels")
    suptitle = fig.get_suptitle()
    head = f"Figure '{suptitle}'" if suptitle else "Figure"
    if not panels:
        return f"{head}."
    if len(panels) == 1:
        return f"{head}: {panels[0]}."
    shown = panels if len(panels) <= MAX_PANELS else panels[:1]
    listed = " ".join(f"Panel {i}: {text}." for i, text in enumerate(shown, start=1))
    rest = f" Panels 2 to {len(panels)} are drawn likewise." if len(panels) > len(shown) else ""
    return f"{head} with {len(panels)} panels. {listed}{rest}"


def alt_text(fig) -> str:
    """What the ``alt`` of ``fig``'s image says: its message (:func:`describe`), then its axes
    in words (:func:`axes_text`).

    Args:
        fig: a Matplotlib ``Figure``.
    """
    message = getattr(fig, ATTRIBUTE, "")
    return f"{message} {axes_text(fig)}".strip()
