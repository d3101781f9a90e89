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

    Notebook: 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb, 03_mfcc.ipynb,
        06_cnn.ipynb, 08_rnn.ipynb, 09_lstm_gru.ipynb
    """
    from IPython.display import Code

    return Code(inspect.getsource(obj), language="python")


def front_end_attached() -> bool:
    """True when a Jupyter front end (JupyterLab, Notebook) started this kernel, so widgets
    can be shown; False under nbval, nbconvert or plain Python.

    Jupyter's server sets ``JPY_SESSION_NAME`` for the kernels it starts; set
    ``COURSE_INTERACTIVE=1`` to force widgets elsewhere (for example in VS Code), or ``0`` to
    force the static figures.
    """
    import os

    forced = os.environ.get("COURSE_INTERACTIVE", "").strip()
    if forced in {"0", "1"}:
        return forced == "1"
    return bool(os.environ.get("JPY_SESSION_NAME"))


def explore(draw, static: list[dict], **controls):
    """Sliders and menus that redraw a figure, or a few fixed settings without a front end.

    Args:
        draw: a function of keyword arguments that draws one figure.
        static: two or three settings (keyword dicts) to draw when no front end is attached,
            so an executed notebook still shows the idea.
        **controls: ``ipywidgets.interact`` abbreviations, for example ``n_fft=[256, 1024, 4096]``
            or ``hop_length=(64, 1024, 64)``.

    Notebook: 02_stft_spectrogram.ipynb, 03_mfcc.ipynb, 06_cnn.ipynb
    """
    if front_end_attached():
        import ipywidgets

        ipywidgets.interact(draw, **controls)
        return
    import matplotlib.pyplot as plt
    from IPython.display import display

    for setting in static:
        display(draw(**setting))
        plt.close("all")
