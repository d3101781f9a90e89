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
    labels = [t.get_text() for ax in axes for t in ax.texts]
    assert labels == ["RMS -26 dBFS", "RMS -1 dBFS"]
    plt.close(fig)


def test_mfcc_panels_can_share_a_scale_and_start_at_coefficient_one():
    from course.signal_plots import plot_mfcc

    fig = plot_mfcc(np.arange(24.0).reshape(12, 2), first=1, vmin=-3, vmax=3, colorbar=False)
    ax = fig.axes[0]
    assert ax.images[0].get_clim() == (-3, 3)
    assert ax.get_ylim() == (0.5, 12.5)
    assert all(float(t).is_integer() for t in ax.get_yticks())
    plt.close(fig)
