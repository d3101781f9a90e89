"""load_audio: any rate and channel count into mono float32 at 22050 Hz; clear errors."""

import io

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


def _decode(data: bytes):
    return sf.read(io.BytesIO(data), dtype="float32")


def test_players_hold_mp3_at_about_64_kbps_that_decodes_to_the_clip():
    from course.audio import encode_audio

    sr = 22050
    t = np.arange(3 * sr) / sr
    y = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    data, mime = encode_audio(y, sr)
    assert mime == "audio/mpeg" and sf.info(io.BytesIO(data)).format == "MP3"
    assert 55 <= len(data) * 8 / 3 / 1000 <= 75  # kbit/s
    decoded, rate = _decode(data)
    assert rate == sr and abs(len(decoded) - len(y)) < 0.1 * sr
    # A clip in [-1, 1] keeps its level (MP3 changes a sine's peak by a few per cent at most).
    assert abs(np.abs(decoded).max() - 0.5) < 0.05


def test_a_clip_louder_than_full_scale_is_scaled_to_a_peak_of_one():
    from course.audio import encode_audio

    y = 4.0 * np.sin(2 * np.pi * 220 * np.arange(22050) / 22050)
    decoded, _ = _decode(encode_audio(y)[0])
    assert 0.9 < np.abs(decoded).max() < 1.1


def test_without_mp3_support_players_fall_back_to_wav(monkeypatch):
    from course import audio

    formats = {k: v for k, v in sf.available_formats().items() if k != "MP3"}
    monkeypatch.setattr(audio.sf, "available_formats", lambda: formats)
    y = np.linspace(-0.5, 0.5, 2205, dtype=np.float32)
    data, mime = audio.encode_audio(y)
    assert mime == "audio/wav"
    np.testing.assert_allclose(_decode(data)[0], y, atol=1 / 32768)


@pytest.mark.parametrize(
    "clip, message", [(np.zeros(0), "empty"), (np.array([0.0, np.nan]), "NaN")]
)
def test_a_clip_that_cannot_be_played_is_named(clip, message):
    from course.audio import encode_audio
    from course.errors import ParameterError

    with pytest.raises(ParameterError, match=message):
        encode_audio(clip)
