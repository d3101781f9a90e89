"""Notebook helpers: the package's own source, and widgets or static figures."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course import (
    dsp,  # noqa: E402
    notebook,  # noqa: E402
)


def test_show_source_is_the_running_code_as_a_python_block():
    code = notebook.show_source(dsp.stft)
    assert code.data.startswith("```python\n") and code.data.endswith("```")
    assert "def stft(" in code.data and "np.fft.rfft" in code.data


TAUGHT = [(dsp.magnitude_spectrum, (np.sin(np.arange(400) / 3.0), 8000)),
          (dsp.frame, (np.arange(50.0), 8, 3)),
          (dsp.stft, (np.sin(np.arange(3000) / 5.0).astype(np.float32),)),
          (dsp.power_to_db, (np.linspace(0.0, 4.0, 30),)),
          (dsp.mel_filterbank, (22050, 512, 20)),
          (dsp.mfcc, (np.sin(np.arange(6000) / 7.0).astype(np.float32), 22050))]


@pytest.mark.parametrize("func, args", TAUGHT, ids=lambda f: getattr(f, "__name__", ""))
def test_the_teaching_lines_alone_compute_the_same_numbers(func, args):
    shown = notebook.teaching_source(func)
    assert '"""' not in shown and "check_" not in shown and "raise " not in shown
    assert "# (input checks omitted)" in shown or "check_" not in notebook.teaching_source(
        func, full=True)
    namespace = dict(vars(dsp))
    exec(shown, namespace)  # the shown lines, without docstring or checks, still work
    np.testing.assert_array_equal(np.asarray(namespace[func.__name__](*args)[0]),
                                  np.asarray(func(*args)[0]))


def test_full_source_keeps_docstring_and_checks():
    full = notebook.teaching_source(dsp.frame, full=True)
    assert '"""' in full and "check_positive" in full and "raise ParameterError" in full


def test_front_end_detection(monkeypatch):
    monkeypatch.delenv("COURSE_INTERACTIVE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert not notebook.front_end_attached()
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/02_stft_spectrogram.ipynb")
    assert notebook.front_end_attached()
    monkeypatch.setenv("COURSE_INTERACTIVE", "0")
    assert not notebook.front_end_attached()


def test_explore_draws_each_static_setting_without_a_front_end(monkeypatch):
    monkeypatch.setenv("COURSE_INTERACTIVE", "0")
    drawn, shown = [], []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))

    def draw(n_fft=2048):
        import matplotlib.pyplot as plt

        drawn.append(n_fft)
        return plt.figure()

    notebook.explore(draw, static=[{"n_fft": 256}, {"n_fft": 4096}], n_fft=[256, 1024, 4096])
    assert drawn == [256, 4096] and len(shown) == 2


def test_explore_builds_widgets_with_a_front_end(monkeypatch):
    monkeypatch.setenv("COURSE_INTERACTIVE", "1")
    calls = []
    monkeypatch.setattr("ipywidgets.interact", lambda f, **c: calls.append(sorted(c)))
    notebook.explore(lambda n_fft=1: None, static=[{"n_fft": 1}], n_fft=[1, 2])
    assert calls == [["n_fft"]]


def test_players_wrap_in_a_grid_with_every_label_escaped():
    from course.audio import players

    html = players({"<a>": np.zeros(2205), "b": np.zeros(2205), "c": np.zeros(2205)},
                   columns=2).data
    assert html.count("<audio ") == 3 and "&lt;a&gt;" in html
    assert "auto-fill" in html and "max-width:560px" in html and "<table" not in html
