"""Figures of signals, in the course's style: waveforms, spectra, spectrograms, mel
filterbanks and MFCCs, with time in s, frequency in Hz and levels in dB on labelled axes.

Functions return the matplotlib ``Figure`` so notebooks display it and the command line saves
it. The style, colours and image figures are in :mod:`course.plots`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from .plots import CMAP, PALETTE, genre_colour, prepare_axes
from .settings import SAMPLE_RATE


def plot_waveform(
    y: np.ndarray,
    sr: int = SAMPLE_RATE,
    ax=None,
    title: str = "",
    colour: str | None = None,
    start: float = 0.0,
):
    """A waveform: amplitude against time in seconds.

    Args:
        y: ``(n_samples,)`` audio.
        sr: sample rate in Hz.
        ax: draw into this matplotlib ``Axes`` (a new figure otherwise).
        title: the axes' title.
        colour: line colour (for example :func:`genre_colour`).
        start: time in seconds of the first sample.

    Returns:
        The ``Figure``.

    Notebook: 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb
    """
    fig, ax = prepare_axes(ax)
    t = start + np.arange(len(y)) / sr
    ax.plot(t, y, lw=0.6, color=colour or PALETTE[0])
    ax.set_xlabel("time (s)")
    ax.set_ylabel("amplitude")
    ax.set_xlim(t[0], t[-1] if len(t) > 1 else t[0] + 1 / sr)
    if title:
        ax.set_title(title)
    return fig


def rms_dbfs(y: np.ndarray) -> float:
    """The root-mean-square level of a clip in dB relative to full scale (a sine of amplitude 1
    is -3 dBFS): ``20 log10(sqrt(mean(y ** 2)))``, -inf for silence.

    Args:
        y: ``(n_samples,)`` audio, full scale being 1.

    Notebook: 00_start_here.ipynb
    """
    rms = float(np.sqrt(np.mean(np.square(np.asarray(y, dtype=np.float64)))))
    return 20 * np.log10(rms) if rms > 0 else -np.inf


def plot_genre_waveforms(clips: dict[str, Sequence[np.ndarray]], sr: int = SAMPLE_RATE):
    """A grid of waveforms, one row per genre, one column per clip, in the genre's colour, on
    one amplitude scale (full scale is ±1), each labelled with its RMS level in dBFS.

    Args:
        clips: ``{genre: [y, ...]}`` with the same number of clips per genre.
        sr: sample rate in Hz.

    Returns:
        The ``Figure``.

    Notebook: 00_start_here.ipynb
    """
    n_cols = max(len(v) for v in clips.values())
    fig, axes = plt.subplots(
        len(clips),
        n_cols,
        figsize=(4.6 * n_cols, 1.3 * len(clips)),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for row, (genre, ys) in enumerate(clips.items()):
        for col in range(n_cols):
            ax = axes[row, col]
            if col < len(ys):
                plot_waveform(ys[col], sr, ax=ax, colour=genre_colour(genre))
                ax.text(
                    0.99,
                    0.95,
                    f"RMS {rms_dbfs(ys[col]):.0f} dBFS",
                    transform=ax.transAxes,
                    ha="right",
                    va="top",
                    fontsize=10,
                    bbox={"facecolor": "white", "alpha": 0.8, "lw": 0},
                )
            ax.set_xlabel("time (s)" if row == len(clips) - 1 else "")
            ax.set_ylabel(genre if col == 0 else "", rotation=0, ha="right", va="center")
            ax.set(ylim=(-1.05, 1.05), yticks=[-1, 0, 1])
    fig.suptitle("amplitude (full scale is -1 to 1) against time")
    return fig


def plot_spectrum(
    freqs: np.ndarray,
    magnitudes: np.ndarray,
    ax=None,
    title: str = "",
    fmax: float | None = None,
    db: bool = False,
    colour: str | None = None,
):
    """A magnitude spectrum: magnitude against frequency in Hz.

    Args:
        freqs: ``(n_bins,)`` frequencies in Hz.
        magnitudes: ``(n_bins,)`` magnitudes (linear).
        ax: draw into this ``Axes``.
        title: the axes' title.
        fmax: upper frequency limit in Hz.
        db: plot 20 log10(magnitude) in dB relative to the largest peak.
        colour: line colour.

    Returns:
        The ``Figure``.

    Notebook: 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb
    """
    fig, ax = prepare_axes(ax)
    values = magnitudes
    if db:
        values = 20 * np.log10(np.maximum(magnitudes, 1e-10) / max(magnitudes.max(), 1e-10))
    ax.plot(freqs, values, lw=0.8, color=colour or PALETTE[0])
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("magnitude (dB)" if db else "magnitude")
    ax.set_xlim(0, fmax or freqs[-1])
    if db:
        ax.set_ylim(-90, 5)
    if title:
        ax.set_title(title)
    return fig


def plot_spectrogram(
    S_db: np.ndarray,
    sr: int = SAMPLE_RATE,
    hop_length: int = 512,
    ax=None,
    title: str = "",
    y_axis: str = "linear",
    n_fft: int | None = None,
    colorbar: bool = True,
    label: str = "dB",
):
    """A spectrogram (or mel spectrogram) in dB: time in s, frequency in Hz, colour bar in dB.

    Args:
        S_db: ``(n_bins, n_frames)`` values in dB.
        sr: sample rate in Hz.
        hop_length: samples between frames (sets the time axis).
        ax: draw into this ``Axes``.
        title: the axes' title.
        y_axis: "linear", "log" (both STFT bins) or "mel" (mel bands).
        n_fft: FFT length, for the frequency axis of an STFT with an unusual size.
        colorbar: add a colour bar.
        label: the colour bar's label.

    Returns:
        The ``Figure``.

    Notebook: 02_stft_spectrogram.ipynb, 03_mfcc.ipynb
    """
    import librosa.display

    fig, ax = prepare_axes(ax, figsize=(10, 4))
    img = librosa.display.specshow(
        S_db,
        sr=sr,
        hop_length=hop_length,
        x_axis="time",
        y_axis=y_axis,
        ax=ax,
        cmap=CMAP,
        n_fft=n_fft,
    )
    ax.set_xlabel("time (s)")
    ax.set_ylabel("frequency (Hz)")
    if title:
        ax.set_title(title)
    if colorbar:
        fig.colorbar(img, ax=ax, format="%+.0f", label=label)
    return fig


def plot_mfcc(
    mfcc: np.ndarray,
    sr: int = SAMPLE_RATE,
    hop_length: int = 512,
    ax=None,
    title: str = "",
    colorbar: bool = True,
    first: int = 0,
    vmin: float | None = None,
    vmax: float | None = None,
    label: str = "value (dB-scaled)",
):
    """MFCCs as an image: time in s across, coefficient index up (whole numbers), value as
    colour.

    Args:
        mfcc: ``(n_mfcc, n_frames)`` coefficients (librosa's orientation).
        sr: sample rate in Hz.
        hop_length: samples between frames.
        ax: draw into this ``Axes``.
        title: the axes' title.
        colorbar: add a colour bar.
        first: the index of the first row (1 when coefficient 0 is left out).
        vmin: the colour scale's lower end, to give several panels one scale (None: the
            data's minimum).
        vmax: the colour scale's upper end (None: the data's maximum).
        label: the colour bar's label.

    Returns:
        The ``Figure``.

    Notebook: 03_mfcc.ipynb, 07_cnn_on_mfcc.ipynb
    """
    fig, ax = prepare_axes(ax, figsize=(10, 3.5))
    n_mfcc, n_frames = mfcc.shape
    extent = (0, n_frames * hop_length / sr, first - 0.5, first + n_mfcc - 0.5)
    img = ax.imshow(
        mfcc,
        origin="lower",
        aspect="auto",
        cmap=CMAP,
        extent=extent,
        interpolation="nearest",
        vmin=vmin,
        vmax=vmax,
    )
    ax.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_xlabel("time (s)")
    ax.set_ylabel("MFCC coefficient")
    ax.grid(False)
    if title:
        ax.set_title(title)
    if colorbar:
        fig.colorbar(img, ax=ax, label=label)
    return fig


def plot_filterbank(
    filterbank: np.ndarray, sr: int = SAMPLE_RATE, ax=None, title: str = "", every: int = 1
):
    """Mel filters as triangles over frequency in Hz.

    Args:
        filterbank: ``(n_mels, 1 + n_fft // 2)`` weights.
        sr: sample rate in Hz.
        ax: draw into this ``Axes``.
        title: the axes' title.
        every: draw every n-th filter (for readability with many filters).

    Returns:
        The ``Figure``.

    Notebook: 03_mfcc.ipynb
    """
    fig, ax = prepare_axes(ax, figsize=(10, 3.5))
    freqs = np.linspace(0, sr / 2, filterbank.shape[1])
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.9, filterbank.shape[0]))
    for i in range(0, filterbank.shape[0], every):
        ax.plot(freqs, filterbank[i], color=colours[i], lw=1)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("weight")
    ax.set_xlim(0, sr / 2)
    if title:
        ax.set_title(title)
    return fig


def plot_sampling(
    freq_hz: float = 3.0, rates_hz: Sequence[float] = (40.0, 4.0), seconds: float = 1.0
):
    """A sine and its samples at several sample rates, one panel per rate: enough samples
    trace the wave; too few (below twice its frequency) trace a slower, aliased wave.

    Args:
        freq_hz: the sine's frequency in Hz.
        rates_hz: sample rates to show, in Hz.
        seconds: time span in seconds.

    Returns:
        The ``Figure``.

    Notebook: 01_waveform_and_fourier.ipynb
    """
    fig, axes = plt.subplots(
        1,
        len(rates_hz),
        figsize=(5 * len(rates_hz), 3.2),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    t = np.linspace(0, seconds, 2000)
    for ax, rate in zip(axes[0], rates_hz):
        ts = np.arange(0, seconds + 1e-9, 1.0 / rate)
        ax.plot(t, np.sin(2 * np.pi * freq_hz * t), color="#999999", lw=1, label="the sound")
        ax.stem(
            ts,
            np.sin(2 * np.pi * freq_hz * ts),
            linefmt=PALETTE[0],
            markerfmt="o",
            basefmt=" ",
            label="samples",
        )
        ax.plot(
            ts,
            np.sin(2 * np.pi * freq_hz * ts),
            color=PALETTE[3],
            lw=1,
            ls="--",
            label="joined samples",
        )
        ax.set_title(f"{freq_hz:g} Hz sine sampled at {rate:g} Hz")
        ax.set_xlabel("time (s)")
    axes[0, 0].set_ylabel("amplitude")
    axes[0, -1].legend(loc="lower right", fontsize=9)
    return fig
