"""Figures of signals, in the course's style: waveforms, spectra, spectrograms, mel
filterbanks and MFCCs, with time in s, frequency in Hz and levels in dB on labelled axes.

Functions return the matplotlib ``Figure`` so notebooks display it and the command line saves
it, with its message for readers who cannot see it (:func:`course.figure_text.describe`),
computed from the data it draws. The style, colours and image figures are in
:mod:`course.plots`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from .figure_text import describe, describe_panel
from .plots import CMAP, PALETTE, genre_colour, prepare_axes
from .settings import SAMPLE_RATE


def _seconds(duration: float) -> str:
    """A duration in words: ``"50 ms"`` below a second, ``"30 s"`` from one up."""
    return f"{duration * 1000:.3g} ms" if duration < 1 else f"{duration:.3g} s"


def _hz(frequency: float) -> str:
    """A frequency in whole Hz from 100 Hz up, else to 3 significant figures."""
    return f"{frequency:.0f} Hz" if frequency >= 100 else f"{frequency:.3g} Hz"


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
    peak = int(np.abs(y).argmax())
    message = (
        f"{_seconds(len(y) / sr)} of audio at an RMS level of {rms_dbfs(y):.0f} dBFS; it is "
        f"furthest from zero ({y[peak]:.2g}) at {t[peak]:.4g} s"
    )
    return describe_panel(fig, message, title)


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
    one amplitude scale (full scale is ±1), each labelled above it with its RMS level in dBFS.

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
        figsize=(4.6 * n_cols, 1.5 * len(clips)),
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
                # Above the panel, not on it, so that no peak is hidden behind the label.
                ax.set_title(f"RMS {rms_dbfs(ys[col]):.0f} dBFS", loc="right", fontsize=11, pad=2)
            ax.set_xlabel("time (s)" if row == len(clips) - 1 else "")
            ax.set_ylabel(genre if col == 0 else "", rotation=0, ha="right", va="center")
            ax.set(ylim=(-1.05, 1.05), yticks=[-1, 0, 1])
    fig.suptitle("amplitude (full scale is -1 to 1) against time")
    levels = {genre: np.mean([rms_dbfs(y) for y in ys]) for genre, ys in clips.items()}
    loud, quiet = max(levels, key=levels.get), min(levels, key=levels.get)
    longest = max(len(y) for ys in clips.values() for y in ys) / sr
    return describe(
        fig,
        f"Waveforms of {sum(map(len, clips.values()))} clips of up to {_seconds(longest)}, "
        f"{n_cols} per genre, on one amplitude scale; by mean RMS level {loud} is loudest at "
        f"{levels[loud]:.0f} dBFS, {quiet} quietest at {levels[quiet]:.0f}.",
    )


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
    ax.set_ylabel("magnitude (dB; 0 dB = largest peak)" if db else "magnitude")
    ax.set_xlim(0, fmax or freqs[-1])
    if db:
        ax.set_ylim(-90, 5)
    if title:
        ax.set_title(title)
    return describe_panel(fig, _peaks_message(freqs, values, fmax, db), title)


def _peaks_message(freqs: np.ndarray, values: np.ndarray, fmax: float | None, db: bool) -> str:
    """The largest peak of a spectrum up to ``fmax`` and the next three that reach a tenth of
    its magnitude (20 dB below it); in dB also the median level, which leakage raises."""
    shown = np.asarray(freqs) <= (fmax or freqs[-1])
    freqs, values = np.asarray(freqs)[shown], np.asarray(values, dtype=float)[shown]
    floor = values.max() - 20 if db else values.max() / 10
    # A peak is the largest value within 5 Hz either side (the first of equal ones).
    w = max(1, round(5 / (freqs[1] - freqs[0])))
    padded = np.r_[np.full(w, -np.inf), values, np.full(w, -np.inf)]
    windows = np.lib.stride_tricks.sliding_window_view(padded, w).max(axis=1)
    before, after = windows[: len(values)], windows[w + 1 :]
    is_peak = (values > before) & (values >= after) & (values >= floor)
    peaks = sorted(np.flatnonzero(is_peak), key=lambda i: -values[i])
    level = (lambda i: f"{values[i]:.0f} dB") if db else (lambda i: f"{values[i]:.2g}")
    named = [f"{_hz(freqs[i])} ({level(i)})" for i in peaks[:4]]
    top = f"{_hz(freqs[peaks[0]])} ({'' if db else 'magnitude '}{level(peaks[0])})"
    message = f"The largest peak is at {top}"
    near = "within 20 dB of it" if db else "at a tenth of its magnitude or more"
    if len(peaks) == 1:
        message += f"; no other peak is {near}"
    else:
        largest = ", the three largest:" if len(peaks) > 4 else ":"
        message += f"; {len(peaks) - 1} more are {near}{largest} {_and(named[1:])}"
    if db:
        median = np.median(values)  # the axis stops at -90 dB
        message += (
            f". Half the bins shown lie below {median:.0f} dB"
            if median > -90
            else ". Half the bins shown lie below the -90 dB the axis shows"
        )
    return message


def _and(items: list[str]) -> str:
    """``"a, b and c"``."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


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
        y_axis: "linear", "log" (both STFT bins) or "mel" (mel bands). librosa's "log" axis
            is linear below 65.4 Hz (the note C2, so that 0 Hz can be drawn), in one
            octave's height, and logarithmic above; "mel" is linear below 1000 Hz.
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
    ax.set_ylim(0, sr / 2)  # no half bin below 0 Hz or above Nyquist
    if title:
        ax.set_title(title)
    if colorbar:
        fig.colorbar(img, ax=ax, format="%+.0f", label=label)
    n_bins, n_frames = S_db.shape
    if y_axis == "mel":
        freqs = librosa.mel_frequencies(n_mels=n_bins + 2, fmax=sr / 2)[1:-1]  # the bands' centres
    else:
        freqs = librosa.fft_frequencies(sr=sr, n_fft=n_fft or 2 * (n_bins - 1))
    power = 10 ** ((S_db - S_db.max()) / 10)  # relative power, from dB
    band = power.mean(axis=1)
    half = freqs[np.searchsorted(np.cumsum(band), band.sum() / 2)]
    message = (
        f"{_seconds((n_frames - 1) * hop_length / sr)} in {n_frames} frames, loudest at "
        f"{power.sum(axis=0).argmax() * hop_length / sr:.3g} s; on average the loudest band is "
        f"at {_hz(freqs[band.argmax()])} and half the energy lies below {_hz(half)}"
    )
    return describe_panel(fig, message, title)


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
    means, spread = mfcc.mean(axis=1), mfcc.std(axis=1)
    far, varied = int(np.abs(means).argmax()), int(spread.argmax())
    message = (
        f"{n_mfcc} coefficients ({first} to {first + n_mfcc - 1}) in {n_frames} frames "
        f"({_seconds((n_frames - 1) * hop_length / sr)}); {_coefficient(first + far)} is furthest "
        f"from zero on average ({means[far]:+.3g}) and "
        f"{_coefficient(first + varied) if varied != far else 'it'} varies most over time "
        f"(standard deviation {spread[varied]:.3g})"
    )
    return describe_panel(fig, message, title)


def plot_mfcc_rows(
    mfcc: np.ndarray,
    sr: int = SAMPLE_RATE,
    hop_length: int = 512,
    kept: int = 13,
    ax=None,
    title: str = "",
):
    """MFCCs without coefficient 0, each row in standard deviations from its own mean over
    time, on one colour scale from -3 to 3, so that a row of small values shows its changes as
    clearly as one of large values; a line marks where the first ``kept`` coefficients end.

    Args:
        mfcc: ``(n_mfcc, n_frames)`` coefficients, coefficient 0 first (librosa's orientation).
        sr: sample rate in Hz.
        hop_length: samples between frames.
        kept: the line goes above coefficient ``kept - 1`` (13: the notes' choice).
        ax: draw into this ``Axes``.
        title: the axes' title.

    Returns:
        The ``Figure``.

    Notebook: 03_mfcc.ipynb
    """
    rows = np.asarray(mfcc, dtype=float)[1:]
    spread = rows.std(axis=1, keepdims=True)
    scaled = (rows - rows.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1.0)
    fig, ax = prepare_axes(ax, figsize=(10, 4.6))
    label = "standard deviations from the row's mean"
    plot_mfcc(scaled, sr, hop_length, ax, title, first=1, vmin=-3, vmax=3, label=label)
    ax.axhline(kept - 0.5, color="white", lw=2.5, ls="--")
    low, high = spread[: kept - 1].mean(), spread[kept - 1 :].mean()
    message = (
        f"Coefficients 1 to {len(mfcc) - 1} in {rows.shape[1]} frames, each in standard "
        f"deviations from its own mean over time, on one scale from -3 to 3; a dashed line "
        f"marks where the first {kept} end. Before scaling, coefficients 1 to {kept - 1} vary "
        f"over time by {low:.3g} on average (standard deviation) and {kept} to "
        f"{len(mfcc) - 1} by {high:.3g}"
    )
    return describe(fig, message)


def _coefficient(index: int) -> str:
    """An MFCC's name in words; coefficient 0 is an overall level (the mean of the frame's
    log-mel values, scaled), not perceived loudness."""
    return f"coefficient {index}" + (" (the mean log-mel level, scaled)" if index == 0 else "")


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
    drawn = filterbank[::every]
    peaks, heights = freqs[drawn.argmax(axis=1)], drawn.max(axis=1)
    widths = ((drawn > 0).sum(axis=1) + 1) * freqs[1]  # from zero to zero, in bins
    count = f"{len(drawn)} of {len(filterbank)}" if every > 1 else f"{len(filterbank)}"
    shape = "widen" if widths[-1] > 1.5 * widths[0] else "keep their width"
    message = (
        f"{count} triangular filters peaking from {_hz(peaks[0])} to {_hz(peaks[-1])}. They "
        f"{shape} with frequency, from about {_hz(widths[0])} across at the bottom to "
        f"{_hz(widths[-1])} at the top, and their heights go from {heights[0]:.2g} to "
        f"{heights[-1]:.2g}."
    )
    return describe_panel(fig, message, title)


def plot_sampling(
    freq_hz: float = 3.0, rates_hz: Sequence[float] = (40.0, 4.0), seconds: float = 1.0
):
    """A sine and its samples at several sample rates, one panel per rate: enough samples
    trace the wave; too few (not over twice its frequency) also fit a slower sine, the alias,
    drawn dashed (upside down when ``f - j f_s`` is negative).

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
        ax.plot(t, np.sin(2 * np.pi * freq_hz * t), color="#999999", lw=1.5, label="the sound")
        signed = _signed_alias(freq_hz, rate)
        if abs(signed) >= rate / 2:  # at exactly twice the frequency every sample is 0
            signed = 0.0
        if rate <= 2 * freq_hz:  # the slower sine the samples also fit
            ax.plot(
                t,
                np.sin(2 * np.pi * signed * t),
                color=PALETTE[3],
                lw=2,
                ls="--",
                label=f"its alias: {abs(signed):g} Hz" + (", upside down" if signed < 0 else ""),
            )
        ax.stem(
            ts,
            np.sin(2 * np.pi * freq_hz * ts),
            linefmt=PALETTE[0],
            markerfmt="o",
            basefmt=" ",
            label="samples",
        )
        ax.set_title(f"{freq_hz:g} Hz sine sampled at {rate:g} Hz")
        ax.set_xlabel("time (s)")
    axes[0, 0].set_ylabel("amplitude")
    legend = {}  # every label once, from whichever panel draws it
    for ax in axes[0]:
        legend.update(zip(*reversed(ax.get_legend_handles_labels())))
    fig.legend(legend.values(), legend.keys(), loc="outside lower center", ncols=len(legend))
    what = "; ".join(_sampled(freq_hz, rate) for rate in rates_hz)
    return describe(fig, f"A {freq_hz:g} Hz sine and its samples over {seconds:g} s: {what}.")


def _signed_alias(freq_hz: float, rate_hz: float) -> float:
    """``f - j f_s`` with ``j = round(f / f_s)``: the frequency, between ``-f_s / 2`` and
    ``f_s / 2``, of the slowest sine through the same samples; negative when that sine is
    upside down (``sin(-x) = -sin(x)``)."""
    return freq_hz - rate_hz * round(freq_hz / rate_hz)


def _sampled(freq_hz: float, rate_hz: float) -> str:
    """What the samples of a sine (starting at phase 0) at ``rate_hz`` trace, in words."""
    if rate_hz > 2 * freq_hz:
        return f"at {rate_hz:g} Hz, over twice {freq_hz:g} Hz, the samples trace the sine"
    signed = _signed_alias(freq_hz, rate_hz)
    alias = abs(signed)
    if 0 < alias < rate_hz / 2:
        turned = " turned upside down" if signed < 0 else ""
        wave = f"a {alias:g} Hz sine{turned} (dashed)"
    else:
        wave = "a flat line"
    return f"at {rate_hz:g} Hz, not over twice {freq_hz:g} Hz, they trace {wave} instead: aliasing"
