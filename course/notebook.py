"""Helpers that only notebooks need: showing the package's own source, and an interactive
control that falls back to a static figure when no front end is attached.

Notebook: 01_waveform_and_fourier.ipynb
"""

from __future__ import annotations

import inspect


def teaching_source(obj, full: bool = False) -> str:
    """The source of a ``course`` function as a notebook shows it: its signature and the lines
    that teach, without the docstring and the input checks (``check_*`` calls and ``if`` blocks
    that only raise), which are replaced by one comment.

    Args:
        obj: a function or class.
        full: keep everything, docstring and checks included.

    Returns:
        The source text, dedented.
    """
    import ast
    import textwrap

    source = textwrap.dedent(inspect.getsource(obj))
    if full:
        return source
    lines = source.splitlines()
    drop: set[int] = set()
    checks: set[int] = set()

    def only_raises(node) -> bool:
        return (
            isinstance(node, ast.If)
            and not node.orelse
            and all(isinstance(n, ast.Raise) for n in node.body)
        )

    def is_check(node) -> bool:
        call = getattr(node, "value", None)
        return (
            isinstance(node, (ast.Expr, ast.Assign))
            and isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id.startswith("check_")
        )

    def visit(body) -> None:
        for node in body:
            first = node.lineno - 1
            if (
                isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                and node is body[0]
            ):
                drop.update(range(first, node.end_lineno))  # a docstring
            elif is_check(node) or only_raises(node):
                drop.update(range(first, node.end_lineno))
                checks.add(first)
            for field in ("body", "orelse"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and not isinstance(node, ast.Module):
                    visit(inner)

    visit(ast.parse(source).body)
    kept, noted = [], False
    for i, line in enumerate(lines):
        if i in checks and not noted:
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(f"{indent}# (input checks omitted)")
            noted = True
        if i not in drop:
            kept.append(line)
    return "\n".join(kept) + "\n"


def show_source(obj, full: bool = False):
    """Show a ``course`` function's teaching lines as highlighted code, so a notebook shows the
    code that actually runs instead of a copy that could drift (see :func:`teaching_source`).

    Args:
        obj: a function or class.
        full: show everything, docstring and input checks included.

    Returns:
        An ``IPython.display.Markdown`` code block (displayed when it is a cell's last value;
        rendered as code in JupyterLab and in HTML exports).

    Notebook: 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb, 03_mfcc.ipynb,
        04_neural_network_basics.ipynb, 06_cnn.ipynb, 08_rnn.ipynb, 09_lstm_gru.ipynb,
        11_music_emotion.ipynb
    """
    from IPython.display import Markdown

    return Markdown(f"```python\n{teaching_source(obj, full=full)}```")


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
