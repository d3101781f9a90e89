"""Signal processing from scratch, in numpy only: the magnitude spectrum, framing, windows,
the STFT, decibels, the mel scale and filterbank, the DCT and MFCCs.

Each function is short enough to read in a notebook, and gives the same numbers as librosa
with the same arguments (``tests/test_dsp.py`` checks this over a grid of settings). The
defaults follow librosa's: a periodic Hann window, centred frames padded with zeros, a power
spectrogram, dB with an 80-dB floor, the Slaney mel scale with Slaney normalisation, and the
orthonormal DCT-II.

Notebook: 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb, 03_mfcc.ipynb
"""

from __future__ import annotations

import numpy as np

from .errors import ParameterError, check_positive, check_signal


def magnitude_spectrum(y: np.ndarray, sr: float) -> tuple[np.ndarray, np.ndarray]:
    """The magnitude spectrum of a whole signal, scaled to the amplitudes of its sinusoids.

    ``np.fft.rfft`` gives one complex number per frequency bin ``k * sr / n``. A sine of
    amplitude ``A`` that completes a whole number of cycles in the signal puts ``A * n / 2``
    into its bin, so magnitudes are scaled by ``2 / n`` (and the 0-Hz and Nyquist bins, which
    have no mirror image, by ``1 / n``): each peak then reads as its sine's amplitude.

    Args:
        y: ``(n_samples,)`` signal.
        sr: sample rate in Hz.

    Returns:
        ``(freqs_hz, magnitudes)``, both ``(n_samples // 2 + 1,)``.

    Notebook: 01_waveform_and_fourier.ipynb, 02_stft_spectrogram.ipynb
    """
    y = check_signal(y)
    if not sr > 0:
        raise ParameterError(f"sr must be a positive sample rate in Hz, got {sr!r}.")
    n = len(y)
    magnitudes = np.abs(np.fft.rfft(y)) * 2.0 / n
    magnitudes[0] /= 2.0
    if n % 2 == 0:
        magnitudes[-1] /= 2.0  # the Nyquist bin exists only for an even length
    freqs = np.arange(len(magnitudes)) * sr / n
    return freqs, magnitudes


def frame(y: np.ndarray, frame_length: int, hop_length: int) -> np.ndarray:
    """Cut a signal into overlapping frames (views, no copy), as ``librosa.util.frame``.

    Args:
        y: ``(n_samples,)`` signal.
        frame_length: samples per frame.
        hop_length: samples from the start of one frame to the start of the next.

    Returns:
        ``(frame_length, n_frames)``: column ``k`` is ``y[k * hop_length:][:frame_length]``,
        with ``n_frames = 1 + (n_samples - frame_length) // hop_length``.

    Notebook: 02_stft_spectrogram.ipynb
    """
    y = check_signal(y)
    check_positive(integer=True, unit="samples", frame_length=frame_length, hop_length=hop_length)
    if len(y) < frame_length:
        raise ParameterError(
            f"A signal of {len(y)} samples is shorter than one frame of "
            f"{frame_length}: use a shorter frame_length or pad the signal."
        )
    windows = np.lib.stride_tricks.sliding_window_view(y, frame_length)  # every start
    return windows[::hop_length].T


def get_window(name: str, n: int) -> np.ndarray:
    """A periodic window of ``n`` samples (the form spectral analysis uses).

    Args:
        name: "hann", "hamming", or "rectangular" (also "boxcar" or "ones": no window).
        n: length in samples.

    Returns:
        ``(n,)`` float64 weights.

    Notebook: 02_stft_spectrogram.ipynb
    """
    check_positive(integer=True, unit="samples", n=n)
    phase = 2 * np.pi * np.arange(n) / n  # periodic: the cycle would close at sample n
    if name == "hann":
        return 0.5 - 0.5 * np.cos(phase)
    if name == "hamming":
        return 0.54 - 0.46 * np.cos(phase)
    if name in ("rectangular", "boxcar", "ones"):
        return np.ones(n)
    raise ParameterError(f"Unknown window {name!r}; choose 'hann', 'hamming' or 'rectangular'.")


def stft(
    y: np.ndarray,
    n_fft: int = 2048,
    hop_length: int = 512,
    window: str = "hann",
    center: bool = True,
) -> np.ndarray:
    """The short-time Fourier transform: frame, window, FFT.

    With ``center=True`` the signal is padded with ``n_fft // 2`` zeros at both ends, so frame
    ``k`` is centred on sample ``k * hop_length`` (librosa's default, ``pad_mode="constant"``).

    Args:
        y: ``(n_samples,)`` signal.
        n_fft: samples per frame (the FFT length).
        hop_length: samples between frame starts.
        window: window name, see :func:`get_window`.
        center: pad so that frames are centred on their hop positions.

    Returns:
        ``(1 + n_fft // 2, n_frames)`` complex (complex64 for float32 input); with centring,
        ``n_frames = 1 + n_samples // hop_length``.

    Notebook: 02_stft_spectrogram.ipynb, 03_mfcc.ipynb, 06_cnn.ipynb
    """
    y = check_signal(y)
    check_positive(integer=True, unit="samples", n_fft=n_fft, hop_length=hop_length)
    if center:
        y = np.pad(y, n_fft // 2)
    elif len(y) < n_fft:
        raise ParameterError(
            f"A signal of {len(y)} samples is shorter than n_fft={n_fft}: "
            "use a smaller n_fft, or center=True to pad it."
        )
    frames = frame(y, n_fft, hop_length) * get_window(window, n_fft)[:, None]
    spectrum = np.fft.rfft(frames, axis=0)
    return spectrum.astype(np.complex64 if y.dtype == np.float32 else np.complex128)


def power_to_db(
    S: np.ndarray, ref=1.0, amin: float = 1e-10, top_db: float | None = 80.0
) -> np.ndarray:
    """Power in decibels: ``10 log10(S / ref)``, floored ``top_db`` below the loudest value.

    Args:
        S: power values (for example ``abs(stft) ** 2``; not complex), any shape.
        ref: the 0-dB reference: a number, or a function of ``S`` such as ``np.max``.
        amin: smallest power considered, to avoid ``log10(0)``.
        top_db: the floor, in dB below the maximum of the whole array (None: no floor).

    Returns:
        dB values, the shape of ``S``.

    Notebook: 02_stft_spectrogram.ipynb, 03_mfcc.ipynb, 06_cnn.ipynb
    """
    S = np.asarray(S)
    if np.iscomplexobj(S):
        raise ParameterError("power_to_db expects power, got complex values: pass np.abs(S) ** 2.")
    if amin <= 0:
        raise ParameterError(f"amin must be positive, got {amin}.")
    reference = ref(S) if callable(ref) else ref
    db = 10.0 * np.log10(np.maximum(amin, S))
    db -= 10.0 * np.log10(np.maximum(amin, reference))  # in place: float32 power stays float32
    if top_db is not None:
        if top_db < 0:
            raise ParameterError(f"top_db must be 0 or more, got {top_db}.")
        db = np.maximum(db, db.max() - top_db)
    return db


# The Slaney mel scale: linear up to 1000 Hz (200/3 Hz per mel), logarithmic above.
_F_SP = 200.0 / 3
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOG_STEP = np.log(6.4) / 27.0


def hz_to_mel(f, htk: bool = False):
    """Frequencies in Hz to mels.

    Args:
        f: frequency or array of frequencies in Hz.
        htk: use the HTK formula ``2595 log10(1 + f / 700)`` instead of Slaney's scale.

    Returns:
        Mels, the shape of ``f``.

    Notebook: 03_mfcc.ipynb
    """
    f = np.asarray(f, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    linear = f / _F_SP
    logarithmic = _MIN_LOG_MEL + np.log(np.maximum(f, _MIN_LOG_HZ) / _MIN_LOG_HZ) / _LOG_STEP
    return np.where(f >= _MIN_LOG_HZ, logarithmic, linear)


def mel_to_hz(m, htk: bool = False):
    """Mels to frequencies in Hz (the inverse of :func:`hz_to_mel`).

    Args:
        m: mel value or array of mel values.
        htk: use the HTK formula's inverse ``700 (10 ** (m / 2595) - 1)``.

    Returns:
        Frequencies in Hz, the shape of ``m``.
    """
    m = np.asarray(m, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    linear = _F_SP * m
    logarithmic = _MIN_LOG_HZ * np.exp(_LOG_STEP * (m - _MIN_LOG_MEL))
    return np.where(m >= _MIN_LOG_MEL, logarithmic, linear)


def mel_filterbank(
    sr: float, n_fft: int, n_mels: int = 128, fmin: float = 0.0, fmax: float | None = None
) -> np.ndarray:
    """Triangular mel filters over the STFT's frequency bins, with Slaney normalisation.

    ``n_mels + 2`` points equally spaced in mel between ``fmin`` and ``fmax`` give each filter
    its left edge, peak and right edge. Each triangle is scaled by ``2 / (right - left)`` in Hz,
    so that every filter has the same area.

    Args:
        sr: sample rate in Hz.
        n_fft: FFT length of the STFT the filters apply to.
        n_mels: number of filters.
        fmin: lowest edge in Hz.
        fmax: highest edge in Hz (default: ``sr / 2``).

    Returns:
        ``(n_mels, 1 + n_fft // 2)`` float32 weights.

    Notebook: 03_mfcc.ipynb
    """
    check_positive(integer=True, unit="samples", n_fft=n_fft)
    check_positive(integer=True, n_mels=n_mels)
    fmax = sr / 2.0 if fmax is None else fmax
    if not 0 <= fmin < fmax <= sr / 2.0:
        raise ParameterError(
            f"Need 0 <= fmin < fmax <= sr / 2, got fmin={fmin}, fmax={fmax}, sr={sr}."
        )
    bins_hz = np.fft.rfftfreq(n_fft, d=1.0 / sr)  # k * sr / n_fft: below sr / 2 for an odd n_fft
    edges_hz = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    left, peak, right = edges_hz[:-2, None], edges_hz[1:-1, None], edges_hz[2:, None]
    rising = (bins_hz - left) / (peak - left)
    falling = (right - bins_hz) / (right - peak)
    triangles = np.maximum(0.0, np.minimum(rising, falling))
    return (triangles * 2.0 / (right - left)).astype(np.float32)


def dct_ii(x: np.ndarray, n_out: int | None = None, axis: int = 0) -> np.ndarray:
    """The orthonormal DCT-II along ``axis``, keeping the first ``n_out`` coefficients.

    Coefficient ``k`` of ``N`` inputs is ``sum_n x[n] cos(pi k (2n + 1) / (2N))``, scaled by
    ``sqrt(1 / N)`` for ``k = 0`` and ``sqrt(2 / N)`` otherwise (as ``scipy.fft.dct(x, type=2,
    norm="ortho")``).

    Args:
        x: input array.
        n_out: coefficients to keep (default: all ``N``).
        axis: the axis to transform.

    Returns:
        The transformed array, with ``n_out`` entries along ``axis``.

    Notebook: 03_mfcc.ipynb
    """
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0)
    n = x.shape[0]
    n_out = n if n_out is None else n_out
    if not 1 <= n_out <= n:
        raise ParameterError(f"n_out must be between 1 and {n}, got {n_out}.")
    k = np.arange(n_out)[:, None]
    basis = np.cos(np.pi * k * (2 * np.arange(n)[None, :] + 1) / (2 * n))
    basis *= np.where(k == 0, np.sqrt(1.0 / n), np.sqrt(2.0 / n))
    return np.moveaxis(np.tensordot(basis, x, axes=1), 0, axis)


def mel_spectrogram(
    y: np.ndarray, sr: float, n_fft: int = 2048, hop_length: int = 512, n_mels: int = 128
) -> np.ndarray:
    """The mel power spectrogram: the filterbank applied to ``abs(stft) ** 2``.

    Frames are Hann-windowed and centred, as in :func:`stft`'s defaults and
    ``librosa.feature.melspectrogram``.

    Args:
        y: ``(n_samples,)`` signal.
        sr: sample rate in Hz.
        n_fft: FFT length in samples.
        hop_length: samples between frames.
        n_mels: mel bands, see :func:`mel_filterbank`.

    Returns:
        ``(n_mels, n_frames)`` power: each band's weighted sum of the bins' squared magnitudes.
    """
    power = np.abs(stft(y, n_fft=n_fft, hop_length=hop_length)) ** 2
    return mel_filterbank(sr, n_fft, n_mels=n_mels) @ power


def mfcc(
    y: np.ndarray,
    sr: float,
    n_mfcc: int = 13,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = 128,
) -> np.ndarray:
    """Mel-frequency cepstral coefficients: mel power spectrogram, dB (80-dB floor), DCT.

    Args:
        y: ``(n_samples,)`` signal.
        sr: sample rate in Hz.
        n_mfcc: coefficients to keep per frame (13 to 40 is usual).
        n_fft: FFT length in samples.
        hop_length: samples between frames.
        n_mels: mel bands before the DCT.

    Returns:
        ``(n_mfcc, n_frames)``, as ``librosa.feature.mfcc``; transpose for time-major features.

    Notebook: 03_mfcc.ipynb, 07_cnn_on_mfcc.ipynb
    """
    if not 1 <= n_mfcc <= n_mels:
        raise ParameterError(
            f"n_mfcc must be between 1 and n_mels ({n_mels}), got {n_mfcc}: "
            "lower n_mfcc or raise n_mels."
        )
    log_mel = power_to_db(mel_spectrogram(y, sr, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels))
    return dct_ii(log_mel, n_out=n_mfcc, axis=0)
