"""Data augmentation for audio: pitch shifting, time stretching and background noise, and an
augmented training set built from the training tracks only.

Augmentation artificially enlarges the training set. It is applied to training audio only:
validation and test data must stay real, or the scores would measure how well the model
recognises its own transformations. :func:`augmented_features` enforces that by taking the
split and using nothing but ``split.train``'s tracks.

Notebook: 05_overfitting.ipynb
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .audio import load_audio
from .data import DataSource
from .errors import (
    AudioError,
    ParameterError,
    PathNotFoundError,
    check_choice,
    check_signal,
)
from .features import Features, segment_mfcc
from .progress import track
from .splits import Split


def pitch_shift(y: np.ndarray, sr: int, n_steps: float) -> np.ndarray:
    """Shift the pitch by ``n_steps`` semitones, keeping the duration.

    Args:
        y: ``(n_samples,)`` mono audio.
        sr: sample rate in Hz.
        n_steps: semitones, positive up, negative down (fractions allowed).

    Returns:
        ``(n_samples,)`` float32, the same length as ``y``.

    Notebook: 05_overfitting.ipynb
    """
    import librosa

    check_signal(y)
    return librosa.effects.pitch_shift(
        y=np.asarray(y, np.float32), sr=sr, n_steps=float(n_steps)
    ).astype(np.float32)


def time_stretch(y: np.ndarray, rate: float) -> np.ndarray:
    """Play faster (``rate > 1``) or slower (``rate < 1``) without changing the pitch.

    Args:
        y: ``(n_samples,)`` mono audio.
        rate: speed factor, for example 1.1 for 10 % faster.

    Returns:
        ``(round(n_samples / rate),)`` float32.

    Notebook: 05_overfitting.ipynb
    """
    import librosa

    check_signal(y)
    if not rate > 0:
        raise ParameterError(f"rate must be positive (1.0 keeps the speed), got {rate}.")
    return librosa.effects.time_stretch(y=np.asarray(y, np.float32), rate=float(rate)).astype(
        np.float32
    )


def add_noise(
    y: np.ndarray, snr_db: float, seed: int | None = None, noise: np.ndarray | None = None
) -> np.ndarray:
    """Add background noise at a given signal-to-noise ratio.

    The noise is scaled so that ``10 log10(mean(y**2) / mean(noise**2))`` equals ``snr_db``
    exactly.

    Args:
        y: ``(n_samples,)`` mono audio.
        snr_db: signal-to-noise ratio in dB (lower is noisier; 0 dB is as loud as the signal).
        seed: seeds the random noise, or the random offset into ``noise``.
        noise: a background recording to use instead of white noise; it is looped if shorter
            than ``y`` and read from a random offset.

    Returns:
        ``(n_samples,)`` float32.

    Notebook: 05_overfitting.ipynb
    """
    check_signal(y)
    y = np.asarray(y, np.float64)
    rng = np.random.default_rng(seed)
    if noise is None:
        n = rng.standard_normal(len(y))
    else:
        noise = np.asarray(noise, np.float64)
        if noise.ndim != 1 or len(noise) == 0 or not np.any(noise):
            raise ParameterError("noise must be a non-silent 1-D array of samples.")
        start = int(rng.integers(len(noise)))
        n = np.resize(np.roll(noise, -start), len(y))
    signal_power = np.mean(y**2)
    if signal_power == 0:
        raise ParameterError("y is silent: a signal-to-noise ratio is undefined for silence.")
    n *= np.sqrt(signal_power / np.mean(n**2) / 10 ** (snr_db / 10))
    return (y + n).astype(np.float32)


def snr_db(clean: np.ndarray, noisy: np.ndarray) -> float:
    """The signal-to-noise ratio in dB of ``noisy`` against ``clean``.

    Args:
        clean: ``(n_samples,)`` the original audio.
        noisy: ``(n_samples,)`` the same audio with noise added; the noise is ``noisy - clean``.

    Notebook: 05_overfitting.ipynb
    """
    clean = np.asarray(clean, np.float64)
    noise = np.asarray(noisy, np.float64) - clean
    return float(10 * np.log10(np.mean(clean**2) / np.mean(noise**2)))


#: The interval each transform draws its setting from, uniformly: semitones for "pitch", the
#: speed factor for "stretch", the signal-to-noise ratio in dB for "noise".
RANGES = {"pitch": (-2.0, 2.0), "stretch": (0.85, 1.15), "noise": (10.0, 30.0)}

#: The transforms :func:`augmented_features` knows, with the ranges each draws from.
TRANSFORMS = {
    "pitch": "pitch shift by {:+g} to {:+g} semitones".format(*RANGES["pitch"]),
    "stretch": "time stretch by a rate of {:g} to {:g}".format(*RANGES["stretch"]),
    "noise": "white noise at {:g} to {:g} dB SNR".format(*RANGES["noise"]),
}


def augment(
    y: np.ndarray, sr: int, transform: str, rng: np.random.Generator
) -> tuple[np.ndarray, str]:
    """Apply one named transform with parameters drawn from ``rng``.

    Args:
        y: ``(n_samples,)`` mono audio.
        sr: its sample rate in Hz (used by the pitch shift).
        transform: a name from :data:`TRANSFORMS`: ``"pitch"``, ``"stretch"`` or ``"noise"``.
        rng: the generator the transform's parameter (and the noise's seed) is drawn from.

    Returns:
        ``(augmented audio, description)``, for example ``(y2, "pitch +1.3 st")``.
    """
    check_choice("transform", transform, TRANSFORMS)
    if transform == "pitch":
        steps = float(rng.uniform(*RANGES["pitch"]))
        return pitch_shift(y, sr, steps), f"pitch {steps:+.1f} st"
    if transform == "stretch":
        rate = float(rng.uniform(*RANGES["stretch"]))
        return time_stretch(y, rate), f"stretch x{rate:.2f}"
    snr = float(rng.uniform(*RANGES["noise"]))  # "noise"
    return add_noise(y, snr, seed=int(rng.integers(2**31))), f"noise {snr:.0f} dB"


def augmented_features(
    features: Features,
    split: Split,
    source: DataSource | str | Path,
    transforms: Sequence[str] = ("pitch", "stretch", "noise"),
    seed: int = 0,
    progress: bool = True,
) -> Features:
    """MFCC features of augmented copies of the **training tracks only**.

    Each training track is loaded once and each transform is applied to it with parameters
    drawn from a generator seeded by ``seed``; the copies are cut into segments exactly like
    the originals. Every augmented segment keeps its source track's name, so a track-level
    split still groups it with its original.

    Args:
        features: the original features (for parameters, labels and track names).
        split: the split; only ``split.train``'s tracks are augmented.
        source: the dataset the tracks were read from (a :class:`DataSource` or its root).
        transforms: names from :data:`TRANSFORMS`.
        seed: seeds every random choice.
        progress: show a progress bar.

    Returns:
        :class:`Features` of the augmented segments only; concatenate them with the training
        rows of ``features`` to train on both.
    """
    for transform in transforms:
        check_choice("transform", transform, TRANSFORMS)
    root = Path(source.root if isinstance(source, DataSource) else source)
    params = features.params
    train_tracks = sorted(set(features.track[split.train].tolist()))
    held_out = set(features.track[split.validation].tolist()) | set(
        features.track[split.test].tolist()
    )
    if held_out & set(train_tracks):
        raise ParameterError(
            "The split puts tracks on both sides; augment only with a track-level split."
        )
    label_of = dict(zip(features.track.tolist(), features.labels.tolist()))
    rng = np.random.default_rng(seed)
    mfccs, labels, names, skipped = [], [], [], []
    for name in track(train_tracks, desc="Augmenting", unit="track", progress=progress):
        try:
            y = load_audio(root / name, sr=params.sample_rate, duration=params.track_duration)
        except (AudioError, PathNotFoundError) as exc:
            skipped.append((name, str(exc)))
            continue
        for transform in transforms:
            y_aug, _ = augment(y, params.sample_rate, transform, rng)
            m, _ = segment_mfcc(y_aug, params)
            mfccs.append(m)
            labels.append(np.full(len(m), label_of[name], dtype=np.int64))
            names.extend([name] * len(m))
    shape = (0, params.frames_per_segment, params.n_mfcc)
    return Features(
        mfcc=np.concatenate(mfccs) if mfccs else np.zeros(shape, np.float32),
        labels=np.concatenate(labels) if labels else np.zeros(0, np.int64),
        mapping=features.mapping,
        track=np.asarray(names, dtype=str),
        params=params,
        skipped=skipped,
        synthetic=features.synthetic,
    )
