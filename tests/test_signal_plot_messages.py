"""The messages the figures of signals and images compute from what they draw: for inputs with a
known answer (a 440 Hz sine, a 3 Hz sine sampled at 4 Hz, ...) the message states it."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from figure_checks import message  # noqa: E402

from course import dsp  # noqa: E402
from course.plots import plot_images, plot_kernels, plot_series  # noqa: E402
from course.signal_plots import (  # noqa: E402
    plot_filterbank,
    plot_genre_waveforms,
    plot_mfcc,
    plot_sampling,
    plot_spectrogram,
    plot_spectrum,
    plot_waveform,
)

SR = 22050
T = np.arange(SR) / SR  # one second: spectrum bins 1 Hz apart

#: Every figure drawn here has all its text at WCAG AA contrast (tests/figure_checks.py).
pytestmark = pytest.mark.usefixtures("text_contrast")


def test_a_sine_spectrum_names_its_frequency_and_magnitude():
    freqs, mags = dsp.magnitude_spectrum(0.5 * np.sin(2 * np.pi * 440 * T), SR)
    text = message(plot_spectrum(freqs, mags, fmax=1000))
    assert text.startswith("The largest peak is at 440 Hz (magnitude 0.5); no other peak")


def test_a_mix_spectrum_lists_its_peaks_strongest_first():
    mix = sum(a * np.sin(2 * np.pi * f * T) for f, a in [(220, 1.0), (440, 0.5), (660, 0.25)])
    freqs, mags = dsp.magnitude_spectrum(mix, SR)
    text = message(plot_spectrum(freqs, mags, fmax=1000))
    assert "at 220 Hz (magnitude 1); 2 more" in text
    assert text.endswith(": 440 Hz (0.5) and 660 Hz (0.25).")
    in_db = message(plot_spectrum(freqs, mags, fmax=1000, db=True))
    assert "440 Hz (-6 dB) and 660 Hz (-12 dB)" in in_db


def test_in_db_a_window_lowers_the_level_between_peaks_and_each_spectrum_is_described():
    n, f = 2048, 93.5 * SR / 2048  # half a bin off: the most leakage
    tone = np.sin(2 * np.pi * f * np.arange(n) / SR)
    fig, ax = plt.subplots()
    for window in (np.ones(n), dsp.get_window("hann", n)):
        plot_spectrum(*dsp.magnitude_spectrum(tone * window, SR), ax=ax, db=True, fmax=3000)
    text = message(fig)
    # rectangular first: leakage keeps half its bins above -90 dB; Hann's fall below the axis
    medians = [int(m) for m in re.findall(r"Half the bins shown lie below (-\d+) dB", text)]
    assert len(medians) == 1 and -60 < medians[0] < -30
    assert text.endswith("Half the bins shown lie below the -90 dB the axis shows.")


@pytest.mark.parametrize(
    "rate, expected",
    [
        (40.0, "at 40 Hz, over twice 3 Hz, the samples trace the sine"),
        (
            4.0,
            "at 4 Hz, not over twice 3 Hz, they trace a 1 Hz sine turned upside down (dashed) "
            "instead: aliasing",
        ),
        (5.0, "they trace a 2 Hz sine turned upside down"),  # 3 - 5 = -2
        (3.0, "they trace a flat line"),
    ],
)
def test_sampling_says_whether_and_to_what_a_sine_aliases(rate, expected):
    text = message(plot_sampling(3.0, (rate,)))
    assert text.startswith("A 3 Hz sine and its samples over 1 s: ") and expected in text


def test_waveform_level_and_peak_and_each_panel_under_its_title():
    y = 0.5 * np.sin(2 * np.pi * 5 * np.arange(2 * SR) / SR)  # RMS 0.5 / sqrt(2): -9 dBFS
    y[SR] = -0.9
    assert message(plot_waveform(y, SR)) == (
        "2 s of audio at an RMS level of -9 dBFS; it is furthest from zero (-0.9) at 1 s."
    )
    fig, (top, bottom) = plt.subplots(2, 1)
    plot_waveform(y, SR, ax=top, title="whole")
    plot_waveform(y[:1102], SR, ax=bottom, title="zoom")
    text = message(fig)
    assert text.startswith("whole: 2 s of audio") and ". zoom: 50 ms of audio" in text


def test_genre_waveforms_name_the_loudest_and_quietest_genre():
    clips = {"classical": [0.05 * np.ones(SR)], "metal": [0.9 * np.ones(SR)], "jazz": [0.3 * T]}
    text = message(plot_genre_waveforms(clips))
    assert "3 clips of up to 1 s, 1 per genre" in text
    assert "metal is loudest at -1 dBFS, classical quietest at -26" in text


def test_spectrogram_of_a_tone_puts_its_energy_at_the_tone():
    sr, n_fft, hop = 8000, 800, 200  # bins 10 Hz apart: 1000 Hz is bin 100
    y = np.sin(2 * np.pi * 1000 * np.arange(2 * sr) / sr)
    S_db = dsp.power_to_db(np.abs(dsp.stft(y, n_fft=n_fft, hop_length=hop)) ** 2, ref=np.max)
    text = message(plot_spectrogram(S_db, sr, hop_length=hop, n_fft=n_fft))
    assert S_db.shape[1] == 81 and text.startswith("2 s in 81 frames")  # 80 hops of 200 samples
    assert "the loudest band is at 1000 Hz and half the energy lies below 1000 Hz" in text


def test_mfcc_names_the_coefficient_that_varies_most():
    mfcc = np.zeros((13, 50))
    mfcc[0] = np.linspace(-300, -100, 50)  # the overall level rises
    mfcc[3] = 40.0
    text = message(plot_mfcc(mfcc, sr=22050, hop_length=441))  # 50 frames of 20 ms: 1 s
    assert text == (
        "13 coefficients (0 to 12) in 50 frames (980 ms); coefficient 0 (the mean log-mel "
        "level, scaled) is furthest "
        "from zero on average (-200) and it varies most over time (standard deviation 58.9)."
    )


def test_mel_filters_widen_with_frequency_and_linear_ones_do_not():
    mel = message(plot_filterbank(dsp.mel_filterbank(SR, n_fft=2048, n_mels=40), SR))
    assert mel.startswith("40 triangular filters peaking from") and "They widen with" in mel
    linear = np.zeros((4, 9))
    for i in range(4):
        linear[i, i : i + 3] = (0.5, 1.0, 0.5)
    assert "They keep their width" in message(plot_filterbank(linear, sr=16))


def test_image_figures_state_sizes_ranges_and_ends():
    images = {"a": np.zeros((2, 3)), "b": np.full((2, 3), 5.0)}
    assert message(plot_images(images, shared=True)) == (
        "2 images of 2 by 3 values (rows by columns) on one colour scale; values run from 0 "
        "to 5, the largest in 'b'."
    )
    assert "'a' from 0 to 0 and 'b' from 5 to 5" in message(plot_images(images))
    kernel = np.zeros((3, 2, 1, 4))
    kernel[..., 2] = -0.5
    assert message(plot_kernels(kernel)).startswith("4 kernels of 3 frames by 2 coefficients")
    assert "kernel 2 has the largest weights" in message(plot_kernels(kernel))
    series = {"tanh": [0.5, 0.9, 0.99], "relu": [0.5, 5.0, 50.0]}
    assert message(plot_series(series, "time step", "largest |state|")) == (
        "2 lines of largest |state| over 3 points; first to last: 'tanh' from 0.5 to 0.99 and "
        "'relu' from 0.5 to 50."
    )
