"""course.dsp, from scratch in numpy, gives librosa's numbers over a grid of settings."""

import contextlib
import warnings

import librosa
import numpy as np
import pytest
import scipy.fft
import scipy.signal

from course import dsp
from course.errors import ParameterError


def signal(kind, sr, seconds=1.0, seed=0):
    """White noise, or a tone that is quiet in places (where dB floors go wrong)."""
    n = int(sr * seconds)
    if kind == "noise":
        return (0.1 * np.random.default_rng(seed).standard_normal(n)).astype(np.float32)
    t = np.arange(n) / sr
    y = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1250 * t)
    y[n // 4 : n // 2] *= 1e-6  # nearly silent
    y[3 * n // 4 :] = 0.0  # silent
    return y.astype(np.float32)


# Odd FFT lengths too: their last bin lies below sr / 2, which a filterbank must respect.
GRID = [
    (sr, n_fft, hop)
    for sr in (8000, 22050, 44100)
    for n_fft, hop in ((256, 64), (512, 128), (1024, 512), (2048, 512), (1023, 256))
]
WINDOWS = {"hann": "hann", "hamming": "hamming", "rectangular": "boxcar"}  # ours: librosa's


@contextlib.contextmanager
def no_user_warnings():
    """librosa warns about empty mel filters (many bands, few bins); the numbers still count."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


@pytest.mark.parametrize("sr", [22050, 8001])  # an even and an odd number of samples
def test_magnitude_spectrum_recovers_frequencies_and_amplitudes(sr):
    t = np.arange(sr) / sr  # one second: bin k is k Hz
    parts = [(220.0, 1.0), (440.0, 0.5), (3000.0, 0.25)]
    y = sum(a * np.sin(2 * np.pi * f * t + 0.3) for f, a in parts) + 0.1
    freqs, mags = dsp.magnitude_spectrum(y, sr)
    assert freqs.shape == mags.shape == (sr // 2 + 1,)
    np.testing.assert_allclose(freqs, np.fft.rfftfreq(sr, 1 / sr))
    peaks = np.sort(np.argsort(mags)[-4:])
    np.testing.assert_allclose(freqs[peaks], [0.0, 220.0, 440.0, 3000.0])
    np.testing.assert_allclose(mags[peaks], [0.1, 1.0, 0.5, 0.25], atol=1e-9)  # 0.1: the offset
    assert np.delete(mags, peaks).max() < 1e-9


def test_magnitude_spectrum_nyquist_bin_is_not_doubled():
    y = 0.3 * np.cos(np.pi * np.arange(64))  # +0.3, -0.3, ...: exactly at sr / 2
    freqs, mags = dsp.magnitude_spectrum(y, 16)
    assert freqs[-1] == 8 and mags[-1] == pytest.approx(0.3)


def test_magnitude_spectrum_matches_a_one_frame_librosa_stft():
    y = signal("noise", 8000, 0.5)
    _, mags = dsp.magnitude_spectrum(y, 8000)
    ref = np.abs(librosa.stft(y, n_fft=len(y), hop_length=len(y), window="ones", center=False))[
        :, 0
    ]
    ref = ref * 2 / len(y)
    ref[[0, -1]] /= 2
    np.testing.assert_allclose(mags, ref, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("frame_length,hop", [(2048, 512), (512, 128), (100, 100), (7, 3)])
def test_frame_matches_librosa(frame_length, hop):
    y = signal("noise", 22050, 0.3)
    ours = dsp.frame(y, frame_length, hop)
    np.testing.assert_array_equal(
        ours, librosa.util.frame(y, frame_length=frame_length, hop_length=hop)
    )
    assert ours.shape == (frame_length, 1 + (len(y) - frame_length) // hop)


@pytest.mark.parametrize("name", ["hann", "hamming", "rectangular"])
@pytest.mark.parametrize("n", [16, 255, 2048])
def test_windows_are_scipys_periodic_windows(name, n):
    ref = scipy.signal.get_window("boxcar" if name == "rectangular" else name, n, fftbins=True)
    np.testing.assert_allclose(dsp.get_window(name, n), ref, atol=1e-12)


@pytest.mark.parametrize("sr,n_fft,hop", GRID)
@pytest.mark.parametrize("kind", ["noise", "tone"])
@pytest.mark.parametrize("center", [True, False])
@pytest.mark.parametrize("window", list(WINDOWS))
def test_stft_matches_librosa(sr, n_fft, hop, kind, center, window):
    y = signal(kind, sr)
    ours = dsp.stft(y, n_fft=n_fft, hop_length=hop, window=window, center=center)
    ref = librosa.stft(y, n_fft=n_fft, hop_length=hop, window=WINDOWS[window], center=center)
    assert ours.shape == ref.shape == (1 + n_fft // 2, ours.shape[1]) and ours.dtype == np.complex64
    expected_frames = 1 + len(y) // hop if center else 1 + (len(y) - n_fft) // hop
    assert ours.shape[1] == expected_frames
    # float32 results: a few float32 steps of the largest magnitude.
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-6 * np.abs(ref).max())


def test_stft_keeps_float64():
    y = signal("noise", 8000).astype(np.float64)
    ours = dsp.stft(y, 256, 64)
    assert ours.dtype == librosa.stft(y, n_fft=256, hop_length=64).dtype == np.complex128


@pytest.mark.parametrize("kind", ["noise", "tone"])
@pytest.mark.parametrize("ref", [1.0, np.max])
@pytest.mark.parametrize("top_db", [80.0, 40.0, None])
@pytest.mark.parametrize("amin", [1e-10, 1e-5])
def test_power_to_db_matches_librosa(kind, ref, top_db, amin):
    power = np.abs(librosa.stft(signal(kind, 22050))) ** 2
    ours = dsp.power_to_db(power, ref=ref, amin=amin, top_db=top_db)
    np.testing.assert_allclose(
        ours, librosa.power_to_db(power, ref=ref, amin=amin, top_db=top_db), rtol=0, atol=1e-4
    )
    assert ours.dtype == np.float32


def test_power_to_db_floor_is_set_by_the_whole_array():
    loud_and_quiet = np.array([[1.0, 1e-12], [1e-3, 0.0]])  # the quiet column's own max is 1e-3
    db = dsp.power_to_db(loud_and_quiet, top_db=80.0)
    np.testing.assert_allclose(db, [[0.0, -80.0], [-30.0, -80.0]])
    np.testing.assert_allclose(db, librosa.power_to_db(loud_and_quiet, top_db=80.0))


@pytest.mark.parametrize("htk", [False, True])
def test_mel_scale_matches_librosa_and_inverts(htk):
    hz = np.array([0.0, 50.0, 440.0, 999.0, 1000.0, 1001.0, 4000.0, 11025.0, 22050.0])
    np.testing.assert_allclose(
        dsp.hz_to_mel(hz, htk=htk), librosa.hz_to_mel(hz, htk=htk), rtol=1e-12
    )
    np.testing.assert_allclose(dsp.mel_to_hz(dsp.hz_to_mel(hz, htk=htk), htk=htk), hz, atol=1e-9)
    mels = np.linspace(0, 60, 13)
    np.testing.assert_allclose(
        dsp.mel_to_hz(mels, htk=htk), librosa.mel_to_hz(mels, htk=htk), rtol=1e-12
    )


@pytest.mark.parametrize(
    "sr,n_fft",
    [(8000, 256), (22050, 512), (22050, 2048), (44100, 1024), (22050, 1023), (16000, 401)],
)
@pytest.mark.parametrize("n_mels", [20, 40, 128])
@pytest.mark.parametrize("fmin,fmax", [(0.0, None), (60.0, 4000.0), (300.0, 3999.0)])
def test_mel_filterbank_matches_librosa(sr, n_fft, n_mels, fmin, fmax):
    ours = dsp.mel_filterbank(sr, n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    with no_user_warnings():
        ref = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    assert ours.shape == ref.shape == (n_mels, 1 + n_fft // 2) and ours.dtype == np.float32
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-6 * ref.max())


@pytest.mark.parametrize("sr,n_fft,hop", GRID[::2])
@pytest.mark.parametrize("n_mels", [20, 128])
def test_mel_spectrogram_matches_librosa(sr, n_fft, hop, n_mels):
    y = signal("tone", sr)
    with no_user_warnings():
        ref = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=n_fft, hop_length=hop, n_mels=n_mels)
    ours = dsp.mel_spectrogram(y, sr, n_fft=n_fft, hop_length=hop, n_mels=n_mels)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-6 * ref.max())


@pytest.mark.parametrize(
    "shape,axis,n_out", [((128, 10), 0, 13), ((5, 40), 1, 40), ((3, 16, 4), 1, 7)]
)
def test_dct_matches_scipy(shape, axis, n_out):
    x = np.random.default_rng(1).standard_normal(shape)
    ref = np.take(scipy.fft.dct(x, type=2, norm="ortho", axis=axis), range(n_out), axis=axis)
    np.testing.assert_allclose(dsp.dct_ii(x, n_out, axis=axis), ref, atol=1e-10)


def test_mfcc_is_the_dct_of_log_mel_in_db_re_1_floored_80_db_below_the_segments_top():
    # What notebook 03 writes: E = max(10 log10 P_mel, E_top - 80), reference 1, M = 128
    # bands by default (as librosa's), then the orthonormal DCT-II (scipy's), first n kept;
    # so the first 13 of 40 coefficients are the 13.
    sr = 22050
    y = signal("tone", sr)
    power = np.abs(librosa.stft(y, n_fft=2048, hop_length=512)) ** 2
    p_mel = librosa.filters.mel(sr=sr, n_fft=2048, n_mels=128) @ power
    e = 10 * np.log10(np.maximum(p_mel, 1e-10))
    e = np.maximum(e, e.max() - 80)
    ref = scipy.fft.dct(e, type=2, norm="ortho", axis=0)
    m40, m13 = dsp.mfcc(y, sr, n_mfcc=40), dsp.mfcc(y, sr)
    np.testing.assert_allclose(m40, ref[:40], rtol=0, atol=5e-4)
    np.testing.assert_array_equal(m40[:13], m13)
    # twice the amplitude: every log-mel value 20 log10 2 = 6.02 dB up, so c0 up sqrt(128) x that
    louder = dsp.mfcc(2 * y, sr)
    np.testing.assert_allclose(louder[0] - m13[0], np.sqrt(128) * 20 * np.log10(2), atol=1e-3)
    np.testing.assert_allclose(louder[1:], m13[1:], atol=1e-3)


@pytest.mark.parametrize("sr,n_fft,hop", GRID)
@pytest.mark.parametrize("kind", ["noise", "tone"])
@pytest.mark.parametrize("n_mels,n_mfcc", [(20, 13), (40, 13), (128, 20), (128, 40)])
def test_mfcc_matches_librosa(sr, n_fft, hop, kind, n_mels, n_mfcc):
    y = signal(kind, sr)
    with no_user_warnings():
        ref = librosa.feature.mfcc(
            y=y, sr=sr, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop, n_mels=n_mels
        )
    ours = dsp.mfcc(y, sr, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop, n_mels=n_mels)
    assert ours.shape == ref.shape == (n_mfcc, 1 + len(y) // hop)
    # MFCCs reach about 800 (c0 of a silent stretch), where float32 values are 6e-5 apart:
    # 5e-4 allows a few such steps, through librosa's float32 DCT.
    np.testing.assert_allclose(ours, ref, rtol=0, atol=5e-4)


BAD_CALLS = {
    "n_fft zero": (lambda y: dsp.stft(y, n_fft=0), "n_fft must be a positive"),
    "n_fft negative": (lambda y: dsp.mfcc(y, 8000, n_fft=-512), "n_fft must be a positive"),
    "hop zero": (lambda y: dsp.stft(y, hop_length=0), "hop_length must be a positive"),
    "frame hop zero": (lambda y: dsp.frame(y, 256, 0), "hop_length must be a positive"),
    "signal shorter than a frame": (lambda y: dsp.frame(y[:10], 256, 64), "shorter than one frame"),
    "uncentred signal shorter than n_fft": (
        lambda y: dsp.stft(y[:100], 256, center=False),
        "smaller n_fft, or center=True",
    ),
    "unknown window": (lambda y: dsp.get_window("kaiser", 256), "Unknown window 'kaiser'; choose"),
    "unknown stft window": (lambda y: dsp.stft(y, 256, window="blackman"), "Unknown window"),
    "n_mfcc > n_mels": (
        lambda y: dsp.mfcc(y, 8000, n_mfcc=50, n_mels=40),
        "lower n_mfcc or raise n_mels",
    ),
    "stereo signal": (lambda y: dsp.stft(np.zeros((2, 100))), "mono signal"),
    "fmax above Nyquist": (lambda y: dsp.mel_filterbank(8000, 256, fmax=6000), "fmax <= sr / 2"),
    "fmin above fmax": (
        lambda y: dsp.mel_filterbank(8000, 256, fmin=3000, fmax=2000),
        "fmin < fmax",
    ),
    "sample rate zero": (lambda y: dsp.magnitude_spectrum(y, 0), "sr must be a positive"),
    "complex power": (lambda y: dsp.power_to_db(dsp.stft(y, 256)), r"np.abs\(S\) \*\* 2"),
    "amin zero": (lambda y: dsp.power_to_db(np.ones(3), amin=0), "amin must be positive"),
    "dct n_out too big": (
        lambda y: dsp.dct_ii(np.ones((8, 2)), 9),
        "n_out must be between 1 and 8",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_arguments_name_the_problem(case):
    call, message = BAD_CALLS[case]
    with pytest.raises(ParameterError, match=message):
        call(signal("noise", 8000))
