"""Helpers that only notebooks need: showing the package's own source, and an interactive
control that falls back to a static figure when no front end is attached.

Notebook: 01_waveform_and_fourier.ipynb
"""

from __future__ import annotations

import inspect


def show_source(obj):
    """The source of a ``course`` function or class, syntax-highlighted, so a notebook shows
    the code that actually runs instead of a copy that could drift.

    Args:
        obj: a function, class or module.

    Returns:
        An ``IPython.display.Code`` object (displayed when it is a cell's last value).

    Notebook: 01_waveform_and_fourier.ipynb
    """
    from IPython.display import Code

    return Code(inspect.getsource(obj), language="python")
