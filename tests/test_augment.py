"""Augmentation: length contracts, the SNR asked for, seeds, and training tracks only."""

import numpy as np
import pytest

from course import augment
from course.errors import ParameterError
from course.settings import SAMPLE_RATE
from course.splits import split_tracks

SR = SAMPLE_RATE


def _tone(seconds=2.0, f=330.0):
    t = np.arange(int(seconds * SR)) / SR
    return (0.4 * np.sin(2 * np.pi * f * t)).astype(np.float32)


def _peak_hz(y):
    spec = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    return np.fft.rfftfreq(len(y), 1 / SR)[np.argmax(spec)]


@pytest.mark.parametrize("steps", [-2, 1, 3.5])
@pytest.mark.slow
def test_pitch_shift_keeps_length_and_moves_the_pitch(steps):
    y = _tone()
    shifted = augment.pitch_shift(y, SR, steps)
    assert shifted.shape == y.shape and shifted.dtype == np.float32
    assert _peak_hz(shifted) == pytest.approx(330.0 * 2 ** (steps / 12), rel=0.01)


@pytest.mark.parametrize("rate", [0.8, 1.0, 1.25])
def test_time_stretch_length_is_n_over_rate_and_pitch_stays(rate):
    y = _tone()
    stretched = augment.time_stretch(y, rate)
    assert len(stretched) == round(len(y) / rate)
    assert _peak_hz(stretched) == pytest.approx(330.0, rel=0.01)


@pytest.mark.parametrize("snr", [0.0, 10.0, 25.0])
def test_add_noise_gives_the_snr_asked_for(snr):
    y = _tone()
    noisy = augment.add_noise(y, snr, seed=1)
    assert noisy.shape == y.shape
    assert augment.snr_db(y, noisy) == pytest.approx(snr, abs=0.01)
    background = np.random.default_rng(5).standard_normal(SR // 3)  # shorter than y: looped
    assert augment.snr_db(y, augment.add_noise(y, snr, seed=2, noise=background)) == pytest.approx(
        snr, abs=0.01
    )


def test_seeds_repeat_and_differ():
    y = _tone()
    a, b, c = (augment.add_noise(y, 10, seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_bad_input_is_refused():
    with pytest.raises(ParameterError, match="mono signal"):
        augment.pitch_shift(np.zeros((2, 100), np.float32), SR, 1)
    with pytest.raises(ParameterError, match="rate must be positive"):
        augment.time_stretch(_tone(), 0)
    with pytest.raises(ParameterError, match="silent"):
        augment.add_noise(np.zeros(100, np.float32), 10)
    with pytest.raises(ParameterError, match="Unknown transform"):
        augment.augment(_tone(), SR, "reverb", np.random.default_rng(0))


@pytest.mark.slow
def test_augmented_set_uses_training_tracks_only(tiny_sample, tiny_features):
    f = tiny_features
    split = split_tracks(f.track, f.labels, seed=0)
    aug = augment.augmented_features(
        f, split, tiny_sample, transforms=("noise", "pitch"), seed=0, progress=False
    )
    train = set(f.track[split.train])
    held_out = set(f.track[split.validation]) | set(f.track[split.test])
    assert set(aug.track) == train
    assert not set(aug.track) & held_out
    assert aug.mfcc.shape[1:] == f.mfcc.shape[1:]
    # Two transforms per training track, each giving that track's segments, with its label.
    assert len(aug.labels) == 2 * len(split.train)
    label_of = dict(zip(f.track, f.labels))
    assert all(label_of[t] == lab for t, lab in zip(aug.track, aug.labels))
    again = augment.augmented_features(
        f, split, tiny_sample, transforms=("noise", "pitch"), seed=0, progress=False
    )
    np.testing.assert_array_equal(aug.mfcc, again.mfcc)


def test_a_leaky_split_is_refused(tiny_sample, tiny_features):
    from course.splits import split_segments

    split = split_segments(tiny_features.labels, seed=0)
    with pytest.raises(ParameterError, match="track-level split"):
        augment.augmented_features(tiny_features, split, tiny_sample, progress=False)


def test_training_draws_stay_in_the_ranges_the_notebook_states():
    # 05 states these ranges and plays its examples at their ends: pitch -2 to +2 semitones,
    # speed factor 0.85 to 1.15, SNR 10 to 30 dB. Rate and SNR are measured from the audio.
    assert augment.RANGES == {"pitch": (-2, 2), "stretch": (0.85, 1.15), "noise": (10, 30)}
    y = _tone(seconds=0.5)
    rng = np.random.default_rng(0)
    for _ in range(20):
        shifted, text = augment.augment(y, SR, "pitch", rng)
        assert shifted.shape == y.shape and -2 <= float(text.split()[1]) <= 2
        stretched, _ = augment.augment(y, SR, "stretch", rng)
        assert round(len(y) / 1.15) <= len(stretched) <= round(len(y) / 0.85)
        noisy, _ = augment.augment(y, SR, "noise", rng)
        assert 10 - 1e-6 <= augment.snr_db(y, noisy) <= 30 + 1e-6
    assert "-2 to +2 semitones" in augment.TRANSFORMS["pitch"]
    assert "0.85 to 1.15" in augment.TRANSFORMS["stretch"]
    assert "10 to 30 dB" in augment.TRANSFORMS["noise"]


def test_a_faster_stretch_loses_the_segments_past_the_clips_new_end():
    # What 05 says of the augmented copies: a stretch at rate r makes a 30-s clip last 30 / r s,
    # so at 1.15 (26.1 s) only 8 whole 3-s segments remain; a slower one keeps the first 30 s
    # (10 segments), and so do pitch shift and noise, which keep the length.
    from course.features import segment_mfcc
    from course.settings import FeatureParams

    params = FeatureParams()
    y = _tone(seconds=30.0)
    assert len(segment_mfcc(y, params)[0]) == 10
    assert len(segment_mfcc(augment.time_stretch(y, 1.15), params)[0]) == 8  # floor(26.09 / 3)
    assert len(segment_mfcc(augment.time_stretch(y, 0.85), params)[0]) == 10
    assert len(segment_mfcc(augment.add_noise(y, 20.0, seed=0), params)[0]) == 10
