"""course.dsp, from scratch in numpy, gives librosa's numbers over a grid of settings."""

import warnings

import librosa
import numpy as np
import pytest
import scipy.fft
import scipy.signal

from course import dsp


def signal(kind, sr, seconds=1.0, seed=0):
    """White noise, or a tone that is quiet in places (where dB floors go wrong)."""
    n = int(sr * seconds)
    if kind == "noise":
        return (0.1 * np.random.default_rng(seed).standard_normal(n)).astype(np.float32)
    t = np.arange(n) / sr
    y = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1250 * t)
    y[n // 4: n // 2] *= 1e-6   # nearly silent
    y[3 * n // 4:] = 0.0        # silent
    return y.astype(np.float32)


GRID = [(sr, n_fft, hop) for sr in (8000, 22050, 44100) for n_fft, hop in
        ((256, 64), (512, 128), (1024, 512), (2048, 512))]


def test_magnitude_spectrum_recovers_frequencies_and_amplitudes():
    sr = 22050
    t = np.arange(sr) / sr
    parts = [(220.0, 1.0), (440.0, 0.5), (3000.0, 0.25)]
    y = sum(a * np.sin(2 * np.pi * f * t + 0.3) for f, a in parts) + 0.1
    freqs, mags = dsp.magnitude_spectrum(y, sr)
    assert freqs.shape == mags.shape == (sr // 2 + 1,)
    assert freqs[1] == pytest.approx(1.0) and freqs[-1] == pytest.approx(sr / 2)
    for f, a in parts:
        assert mags[int(f)] == pytest.approx(a, abs=1e-9)
    assert mags[0] == pytest.approx(0.1)  # the constant offset
    others = np.delete(mags, [0, 220, 440, 3000])
    assert others.max() < 1e-9


def test_magnitude_spectrum_matches_a_one_frame_librosa_stft():
    y = signal("noise", 8000, 0.5)
    _, mags = dsp.magnitude_spectrum(y, 8000)
    ref = np.abs(librosa.stft(y, n_fft=len(y), hop_length=len(y), window="ones", center=False))[:, 0]
    ref = ref * 2 / len(y)
    ref[[0, -1]] /= 2
    np.testing.assert_allclose(mags, ref, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("frame_length,hop", [(2048, 512), (512, 128), (100, 100), (7, 3)])
def test_frame_matches_librosa(frame_length, hop):
    y = signal("noise", 22050, 0.3)
    ours = dsp.frame(y, frame_length, hop)
    np.testing.assert_array_equal(ours, librosa.util.frame(y, frame_length=frame_length, hop_length=hop))
    assert ours.shape == (frame_length, 1 + (len(y) - frame_length) // hop)


@pytest.mark.parametrize("name", ["hann", "hamming", "rectangular"])
@pytest.mark.parametrize("n", [16, 255, 2048])
def test_windows_are_scipys_periodic_windows(name, n):
    ref = scipy.signal.get_window("boxcar" if name == "rectangular" else name, n, fftbins=True)
    np.testing.assert_allclose(dsp.get_window(name, n), ref, atol=1e-12)


@pytest.mark.parametrize("sr,n_fft,hop", GRID)
@pytest.mark.parametrize("kind", ["noise", "tone"])
@pytest.mark.parametrize("center", [True, False])
def test_stft_matches_librosa(sr, n_fft, hop, kind, center):
    y = signal(kind, sr)
    ours = dsp.stft(y, n_fft=n_fft, hop_length=hop, center=center)
    ref = librosa.stft(y, n_fft=n_fft, hop_length=hop, center=center)
    assert ours.shape == ref.shape == (1 + n_fft // 2, ours.shape[1]) and ours.dtype == np.complex64
    if center:
        assert ours.shape[1] == 1 + len(y) // hop
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-5 * np.abs(ref).max())


@pytest.mark.parametrize("window", ["hamming", "rectangular"])
def test_stft_other_windows(window):
    y = signal("noise", 22050)
    ref = librosa.stft(y, n_fft=1024, hop_length=256, window="boxcar" if window == "rectangular" else window)
    np.testing.assert_allclose(dsp.stft(y, 1024, 256, window=window), ref, rtol=0,
                               atol=1e-5 * np.abs(ref).max())


@pytest.mark.parametrize("kind", ["noise", "tone"])
@pytest.mark.parametrize("ref", [1.0, np.max])
@pytest.mark.parametrize("top_db", [80.0, 40.0, None])
def test_power_to_db_matches_librosa(kind, ref, top_db):
    power = np.abs(librosa.stft(signal(kind, 22050))) ** 2
    np.testing.assert_allclose(dsp.power_to_db(power, ref=ref, top_db=top_db),
                               librosa.power_to_db(power, ref=ref, top_db=top_db), rtol=0, atol=1e-4)


@pytest.mark.parametrize("htk", [False, True])
def test_mel_scale_matches_librosa_and_inverts(htk):
    hz = np.array([0.0, 50.0, 440.0, 999.0, 1000.0, 1001.0, 4000.0, 11025.0, 22050.0])
    np.testing.assert_allclose(dsp.hz_to_mel(hz, htk=htk), librosa.hz_to_mel(hz, htk=htk), rtol=1e-12)
    np.testing.assert_allclose(dsp.mel_to_hz(dsp.hz_to_mel(hz, htk=htk), htk=htk), hz, atol=1e-9)
    mels = np.linspace(0, 60, 13)
    np.testing.assert_allclose(dsp.mel_to_hz(mels, htk=htk), librosa.mel_to_hz(mels, htk=htk), rtol=1e-12)


@pytest.mark.parametrize("sr,n_fft", [(8000, 256), (22050, 512), (22050, 2048), (44100, 1024)])
@pytest.mark.parametrize("n_mels", [20, 40, 128])
@pytest.mark.parametrize("fmin,fmax", [(0.0, None), (60.0, 4000.0)])
def test_mel_filterbank_matches_librosa(sr, n_fft, n_mels, fmin, fmax):
    ours = dsp.mel_filterbank(sr, n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # librosa warns about empty filters
        ref = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    assert ours.shape == ref.shape == (n_mels, 1 + n_fft // 2) and ours.dtype == np.float32
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("shape,axis,n_out", [((128, 10), 0, 13), ((5, 40), 1, 40), ((3, 16, 4), 1, 7)])
def test_dct_matches_scipy(shape, axis, n_out):
    x = np.random.default_rng(1).standard_normal(shape)
    ref = np.take(scipy.fft.dct(x, type=2, norm="ortho", axis=axis), range(n_out), axis=axis)
    np.testing.assert_allclose(dsp.dct_ii(x, n_out, axis=axis), ref, atol=1e-10)


@pytest.mark.parametrize("sr,n_fft,hop", GRID)
@pytest.mark.parametrize("kind", ["noise", "tone"])
@pytest.mark.parametrize("n_mels,n_mfcc", [(40, 13), (128, 20), (128, 40)])
def test_mfcc_matches_librosa(sr, n_fft, hop, kind, n_mels, n_mfcc):
    y = signal(kind, sr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ref = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop, n_mels=n_mels)
    ours = dsp.mfcc(y, sr, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop, n_mels=n_mels)
    assert ours.shape == ref.shape == (n_mfcc, 1 + len(y) // hop)
    # MFCCs span hundreds of units; float32 spectra agree to a few parts in a million of that.
    np.testing.assert_allclose(ours, ref, rtol=0, atol=5e-4)


def test_bad_arguments_name_the_problem():
    y = signal("noise", 8000)
    with pytest.raises(ValueError, match="n_fft must be a positive"):
        dsp.stft(y, n_fft=0)
    with pytest.raises(ValueError, match="hop_length"):
        dsp.frame(y, 256, 0)
    with pytest.raises(ValueError, match="shorter than one frame"):
        dsp.frame(y[:10], 256, 64)
    with pytest.raises(ValueError, match="Unknown window 'kaiser'"):
        dsp.get_window("kaiser", 256)
    with pytest.raises(ValueError, match="n_mfcc must be between 1 and n_mels"):
        dsp.mfcc(y, 8000, n_mfcc=50, n_mels=40)
    with pytest.raises(ValueError, match="mono signal"):
        dsp.stft(np.zeros((2, 100)))
    with pytest.raises(ValueError, match="fmax"):
        dsp.mel_filterbank(8000, 256, fmax=6000)
