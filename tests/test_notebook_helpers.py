"""Notebook helpers: the package's own source, and widgets or static figures."""

import matplotlib

matplotlib.use("Agg")

from course import (
    dsp,  # noqa: E402
    notebook,  # noqa: E402
)


def test_show_source_is_the_running_code():
    code = notebook.show_source(dsp.stft)
    assert "def stft(" in code.data and "np.fft.rfft" in code.data


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
