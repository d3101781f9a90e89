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
    """
    message = " ".join(str(message).split())
    if message and not message.endswith((".", "!", "?")):
        message += "."
    setattr(fig, ATTRIBUTE, message)
    return fig


def _number(value: float) -> str:
    """A tick-sized number: whole from 1000 up, else 3 significant figures; never ``-0``."""
    text = f"{value:.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return "0" if text in ("-0", "0") else text


def _axis(label: str, low: float, high: float, scale: str) -> str:
    name = label.strip() or "an unlabelled axis"
    where = f"from {_number(min(low, high))} to {_number(max(low, high))}"
    return f"{name} {where}{' on a log scale' if scale == 'log' else ''}"


def _panel(ax) -> str:
    """One panel in words: its title, its axes and their ranges, its legend."""
    parts = []
    title = " ".join(t for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t)
    if ax.axison and (ax.get_xlabel() or ax.get_ylabel()):
        y = _axis(ax.get_ylabel(), *ax.get_ylim(), ax.get_yscale())
        x = _axis(ax.get_xlabel(), *ax.get_xlim(), ax.get_xscale())
        parts.append(f"{y} against {x}")
    legend = ax.get_legend()
    if legend is not None:
        labels = [t.get_text() for t in legend.get_texts() if t.get_text()]
        if labels:
            parts.append("legend: " + ", ".join(labels))
    body = "; ".join(parts)
    title = f"'{title.strip()}'" if title.strip() else ""
    return f"{title}: {body}" if title and body else title or body


def axes_text(fig) -> str:
    """The figure's panels in words, read from the figure: titles, axis labels with the ranges
    shown, log scales and legends. Colour bars and empty panels are left out.

    Args:
        fig: a Matplotlib ``Figure``.

    Returns:
        For example ``"Figure: 'blues': amplitude from -1 to 1 against time (s) from 0 to 30."``
    """
    panels = []
    for ax in fig.get_axes():
        if ax.get_label() == "<colorbar>" or not ax.get_visible():
            continue
        text = _panel(ax)
        if text:
            panels.append(text)
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
