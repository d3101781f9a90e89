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


def _dft_amplitudes(y, sr):
    """The one-sided amplitude spectrum from the DFT's definition, sum_n y[n] e^(-2 pi i k n / N),
    with no FFT: 2|X_k| / N, and |X_k| / N for the 0-Hz and (even N) Nyquist bins."""
    n = len(y)
    k = np.arange(n // 2 + 1)
    amplitudes = np.abs(np.exp(-2j * np.pi * np.outer(k, np.arange(n)) / n) @ y) * 2 / n
    amplitudes[0] /= 2
    if n % 2 == 0:
        amplitudes[-1] /= 2
    return k * sr / n, amplitudes


def _librosa(name):
    """librosa's function of that name, with the course's defaults."""

    def reference(*args):
        import librosa

        if name == "frame":
            return librosa.util.frame(args[0], frame_length=args[1], hop_length=args[2])
        if name == "stft":
            return librosa.stft(args[0])
        if name == "power_to_db":
            return librosa.power_to_db(args[0])
        if name == "mel_filterbank":
            return librosa.filters.mel(sr=args[0], n_fft=args[1], n_mels=args[2])
        return librosa.feature.mfcc(y=args[0], sr=args[1], n_mfcc=13)  # dsp.mfcc's default

    return reference


# (function, arguments, an independent reference, absolute tolerance against it)
TAUGHT = [
    (dsp.magnitude_spectrum, (np.sin(np.arange(400) / 3.0), 8000), _dft_amplitudes, 1e-9),
    (dsp.frame, (np.arange(50.0), 8, 3), _librosa("frame"), 0.0),
    (dsp.stft, (np.sin(np.arange(3000) / 5.0).astype(np.float32),), _librosa("stft"), 1e-4),
    (dsp.power_to_db, (np.linspace(0.0, 4.0, 30),), _librosa("power_to_db"), 1e-9),
    (dsp.mel_filterbank, (22050, 512, 20), _librosa("mel_filterbank"), 1e-7),
    (dsp.mfcc, (np.sin(np.arange(6000) / 7.0).astype(np.float32), 22050), _librosa("mfcc"), 5e-4),
]


@pytest.mark.parametrize(
    "func, args, reference, atol", TAUGHT, ids=[f.__name__ for f, *_ in TAUGHT]
)
def test_the_teaching_lines_alone_compute_the_same_numbers(func, args, reference, atol):
    shown = notebook.teaching_source(func)
    assert '"""' not in shown and "check_" not in shown and "raise " not in shown
    assert "# (input checks omitted)" in shown or "check_" not in notebook.teaching_source(
        func, full=True
    )
    namespace = dict(vars(dsp))
    exec(shown, namespace)  # the shown lines, without docstring or checks, still work
    ours, theirs = namespace[func.__name__](*args), func(*args)
    expected = reference(*args)
    # every output whole (magnitude_spectrum's frequencies and magnitudes both), not a first row
    ours, theirs, expected = (
        (x if isinstance(x, tuple) else (x,)) for x in (ours, theirs, expected)
    )
    assert len(ours) == len(theirs) == len(expected)
    for shown_out, func_out, ref_out in zip(ours, theirs, expected):
        np.testing.assert_array_equal(np.asarray(shown_out), np.asarray(func_out))
        assert np.shape(func_out) == np.shape(ref_out)
        np.testing.assert_allclose(func_out, ref_out, rtol=0, atol=atol)


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

    html = players(
        {"<a>": np.zeros(2205), "b": np.zeros(2205), "c": np.zeros(2205)}, columns=2
    ).data
    assert html.count("<audio ") == 3 and "&lt;a&gt;" in html
    # each player is named for a screen reader: its label and its length (2205 / 22050 s)
    assert 'aria-label="&lt;a&gt;: audio, 0.1 s" title="&lt;a&gt;: audio, 0.1 s"' in html
    assert 'aria-label="b: audio, 0.1 s"' in html
    assert "auto-fill" in html and "max-width:560px" in html and "<table" not in html
