"""Figures of signals: what the start-here figure measures and shows."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.signal_plots import plot_genre_waveforms, rms_dbfs  # noqa: E402

#: Every figure drawn here has all its text at WCAG AA contrast (tests/figure_checks.py).
pytestmark = pytest.mark.usefixtures("text_contrast")


def test_rms_level_of_known_signals():
    t = np.arange(22050) / 22050
    assert abs(rms_dbfs(np.sin(2 * np.pi * 100 * t)) - 20 * np.log10(1 / np.sqrt(2))) < 1e-3
    assert abs(rms_dbfs(0.1 * np.ones(100)) + 20.0) < 1e-9
    assert rms_dbfs(np.zeros(10)) == -np.inf


def test_genre_waveforms_share_one_labelled_amplitude_scale():
    quiet, loud = 0.05 * np.ones(2205), 0.9 * np.ones(2205)
    fig = plot_genre_waveforms({"classical": [quiet], "metal": [loud]})
    axes = fig.axes
    assert all(ax.get_ylim() == (-1.05, 1.05) for ax in axes)
    assert list(axes[0].get_yticks()) == [-1, 0, 1]
    labels = [ax.get_title(loc="right") for ax in axes]
    assert labels == ["RMS -26 dBFS", "RMS -1 dBFS"]  # 20 log10(0.05) and 20 log10(0.9)
    fig.canvas.draw()  # each label sits above its panel, so it hides none of the waveform
    for ax in axes:
        label = ax.title if ax.title.get_text() else ax._right_title
        assert label.get_window_extent().y0 >= ax.get_window_extent().y1 - 1
    plt.close(fig)


def test_mfcc_panels_can_share_a_scale_and_start_at_coefficient_one():
    from course.signal_plots import plot_mfcc

    fig = plot_mfcc(np.arange(24.0).reshape(12, 2), first=1, vmin=-3, vmax=3, colorbar=False)
    ax = fig.axes[0]
    assert ax.images[0].get_clim() == (-3, 3)
    assert ax.get_ylim() == (0.5, 12.5)
    assert all(float(t).is_integer() for t in ax.get_yticks())
    plt.close(fig)


def test_sampling_draws_the_alias_upside_down_through_the_samples():
    from course.signal_plots import plot_sampling

    fig = plot_sampling(3.0, (40.0, 4.0))
    fast, slow = fig.axes
    assert "--" not in [line.get_linestyle() for line in fast.lines]  # no alias at 40 Hz
    alias = next(line for line in slow.lines if line.get_linestyle() == "--")
    t, drawn = alias.get_data()
    # 3 Hz at 4 Hz: 3 - 1 x 4 = -1 Hz, and sin(2 pi (-1) t) = -sin(2 pi t), by hand
    assert np.allclose(drawn, -np.sin(2 * np.pi * t))
    n = np.arange(5)  # the samples at 0, 0.25, ..., 1 s lie on it
    assert np.allclose(np.sin(2 * np.pi * 3 * n / 4), -np.sin(2 * np.pi * n / 4))
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert labels == ["the sound", "samples", "its alias: 1 Hz, upside down"]
    plt.close(fig)


@pytest.mark.parametrize("y_axis", ["linear", "log", "mel"])
def test_spectrogram_axes_start_at_0_hz_and_end_at_nyquist(y_axis):
    import librosa

    from course.signal_plots import plot_spectrogram

    fig = plot_spectrogram(np.zeros((129, 20)), 8000, hop_length=64, y_axis=y_axis)
    ax = fig.axes[0]
    assert ax.get_ylim() == (0, 4000)  # no tick at or below 0 Hz floats under the image
    if y_axis == "log":  # what notebook 02 says of librosa's log axis
        scale = ax.yaxis.get_transform()
        assert ax.get_yscale() == "symlog" and scale.base == 2
        assert abs(scale.linthresh - librosa.note_to_hz("C2")) < 1e-9
        assert abs(scale.linthresh - 65.4) < 0.05 and scale.linscale == 0.5
        # the linear strip from 0 Hz to C2 is drawn as tall as one octave above it
        y = scale.transform(np.array([0.0, scale.linthresh, 2 * scale.linthresh]))
        assert abs((y[1] - y[0]) - (y[2] - y[1])) < 1e-9
    plt.close(fig)


def test_mfcc_rows_standardise_each_coefficient_and_mark_the_kept_ones():
    from figure_checks import message

    from course.signal_plots import plot_mfcc_rows

    rng = np.random.default_rng(0)
    mfcc = rng.normal(size=(40, 30)) * np.linspace(50, 1, 40)[:, None] + 100
    fig = plot_mfcc_rows(mfcc, sr=22050, hop_length=512, kept=13)
    ax = fig.axes[0]
    shown = ax.images[0].get_array()
    assert shown.shape == (39, 30) and ax.images[0].get_clim() == (-3, 3)
    expected = (mfcc[1:] - mfcc[1:].mean(axis=1, keepdims=True)) / mfcc[1:].std(axis=1)[:, None]
    assert np.allclose(shown, expected)
    assert ax.get_ylim() == (0.5, 39.5)
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_ydata()[0] == 12.5  # between 12 and 13
    low, high = mfcc[1:13].std(axis=1).mean(), mfcc[13:].std(axis=1).mean()
    text = message(fig)
    assert text.startswith("Coefficients 1 to 39 in 30 frames")
    assert f"coefficients 1 to 12 vary over time by {low:.3g}" in text
    assert f"and 13 to 39 by {high:.3g}." in text
    plt.close(fig)


def test_a_short_frames_first_bins_are_drawn_as_tall_blocks_on_the_log_axis():
    from course.signal_plots import plot_spectrogram

    # notebook 02: with n_fft 256 at 22050 Hz bins are 86.1 Hz apart; bin 1 is drawn from
    # 43 to 129 Hz (halfway to its neighbours), more than an octave, and bin 0 below it
    fig = plot_spectrogram(np.zeros((129, 10)), 22050, hop_length=64, y_axis="log", n_fft=256)
    edges = fig.axes[0].collections[0].get_coordinates()[:3, 0, 1]
    assert np.allclose(edges, [-0.5 * 22050 / 256, 0.5 * 22050 / 256, 1.5 * 22050 / 256])
    assert round(edges[1]) == 43 and round(edges[2]) == 129 and edges[2] / edges[1] > 2
    plt.close(fig)
