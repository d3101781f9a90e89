"""load_audio: any rate and channel count into mono float32 at 22050 Hz; clear errors."""

import numpy as np
import pytest
import soundfile as sf

from course.audio import load_audio
from course.errors import AudioError


def test_mono_wav_at_the_course_rate_is_read_as_is(tmp_path, make_tone):
    path = make_tone(tmp_path / "a.wav", seconds=1.0)
    y = load_audio(path)
    ref, sr = sf.read(path, dtype="float32")
    assert y.dtype == np.float32 and y.shape == (22050,) and sr == 22050
    np.testing.assert_array_equal(y, ref)


@pytest.mark.parametrize("sr", [8000, 16000, 44100, 48000])
def test_other_rates_and_stereo_become_mono_22050(tmp_path, make_tone, sr):
    import librosa

    path = make_tone(tmp_path / f"s{sr}.wav", seconds=1.0, sr=sr, channels=2, subtype="PCM_24")
    y = load_audio(path)
    assert y.ndim == 1 and abs(len(y) - 22050) <= 1
    expected, _ = librosa.load(path, sr=22050, mono=True)
    np.testing.assert_allclose(y, expected, atol=1e-6)


def test_au_files_like_the_original_gtzan(tmp_path, make_tone):
    path = make_tone(tmp_path / "blues.00000.au", seconds=1.0, fmt="AU", subtype="PCM_16")
    assert load_audio(path).shape == (22050,)


def test_duration_reads_only_the_start(tmp_path, make_tone):
    path = make_tone(tmp_path / "long.wav", seconds=5.0)
    assert load_audio(path, duration=2.0).shape == (44100,)


def test_a_corrupt_file_names_the_file_and_the_reason(tmp_path):
    bad = tmp_path / "jazz.00054.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(100))
    with pytest.raises(AudioError) as info:
        load_audio(bad)
    assert "jazz.00054.wav" in str(info.value) and "not readable as audio" in info.value.reason


def test_an_empty_file_and_a_missing_file(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioError, match="empty.wav"):
        load_audio(empty)
    with pytest.raises(FileNotFoundError, match="nothere.wav"):
        load_audio(tmp_path / "nothere.wav")
