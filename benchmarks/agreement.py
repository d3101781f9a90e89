"""How closely the from-scratch code agrees with the libraries: the largest absolute
difference per function over the same grids the tests use.

    python benchmarks/agreement.py

course.dsp against librosa (and scipy for windows and the DCT); course.scratch against Keras
layers whose weights it copies.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def dsp_differences() -> dict[str, float]:
    import librosa
    import scipy.fft
    from test_dsp import GRID, signal

    from course import dsp

    worst = {
        "stft (relative to max |STFT|)": 0.0,
        "power_to_db (dB)": 0.0,
        "mel_filterbank": 0.0,
        "mfcc": 0.0,
        "dct_ii": 0.0,
    }
    warnings.simplefilter("ignore", UserWarning)
    for sr, n_fft, hop in GRID:
        for kind in ("noise", "tone"):
            y = signal(kind, sr)
            ref = librosa.stft(y, n_fft=n_fft, hop_length=hop)
            d = np.abs(dsp.stft(y, n_fft, hop) - ref).max() / np.abs(ref).max()
            worst["stft (relative to max |STFT|)"] = max(worst["stft (relative to max |STFT|)"], d)
            power = np.abs(ref) ** 2
            d = np.abs(
                dsp.power_to_db(power, ref=np.max) - librosa.power_to_db(power, ref=np.max)
            ).max()
            worst["power_to_db (dB)"] = max(worst["power_to_db (dB)"], d)
            for n_mels, n_mfcc in ((40, 13), (128, 20), (128, 40)):
                fb = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)
                worst["mel_filterbank"] = max(
                    worst["mel_filterbank"],
                    np.abs(dsp.mel_filterbank(sr, n_fft, n_mels) - fb).max(),
                )
                m = librosa.feature.mfcc(
                    y=y, sr=sr, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop, n_mels=n_mels
                )
                worst["mfcc"] = max(
                    worst["mfcc"], np.abs(dsp.mfcc(y, sr, n_mfcc, n_fft, hop, n_mels) - m).max()
                )
                x = librosa.power_to_db(power[:n_mels])
                worst["dct_ii"] = max(
                    worst["dct_ii"],
                    np.abs(
                        dsp.dct_ii(x, n_mfcc)
                        - scipy.fft.dct(x, type=2, norm="ortho", axis=0)[:n_mfcc]
                    ).max(),
                )
    return worst


def scratch_differences() -> dict[str, float]:
    from test_scratch import CONV_GRID, SEQ_GRID

    from course import scratch
    from course.models import import_keras

    keras = import_keras()
    rng = np.random.default_rng(0)
    worst: dict[str, float] = {}

    def note(name, a, b):
        worst[name] = max(worst.get(name, 0.0), float(np.abs(np.asarray(a) - np.asarray(b)).max()))

    def biased(layer):
        w = layer.get_weights()
        w[-1] = rng.normal(0, 0.5, w[-1].shape).astype(np.float32)
        layer.set_weights(w)
        return w

    for shape, k, f, s in CONV_GRID:
        for padding in ("valid", "same"):
            layer = keras.layers.Conv2D(f, k, strides=s, padding=padding)
            x = rng.standard_normal((3,) + shape).astype(np.float32)
            layer(x)
            note("conv2d", scratch.conv2d(x, *biased(layer), strides=s, padding=padding), layer(x))
            for mode, cls in (
                ("max", keras.layers.MaxPooling2D),
                ("avg", keras.layers.AveragePooling2D),
            ):
                for pool, stride in ((2, None), (3, 2)):
                    p = cls(pool, strides=stride, padding=padding)
                    note(f"pool2d {mode}", scratch.pool2d(x, pool, stride, padding, mode), p(x))
    for n, t, d, u in SEQ_GRID:
        x = rng.standard_normal((n, t, d)).astype(np.float32)
        for seq in (False, True):
            for act in ("tanh", "relu"):
                layer = keras.layers.SimpleRNN(u, activation=act, return_sequences=seq)
                layer(x)
                note(
                    "rnn_forward",
                    scratch.rnn_forward(x, *biased(layer), activation=act, return_sequences=seq),
                    layer(x),
                )
            layer = keras.layers.LSTM(u, return_sequences=seq)
            layer(x)
            note(
                "lstm_forward",
                scratch.lstm_forward(x, *biased(layer), return_sequences=seq),
                layer(x),
            )
            for ra in (True, False):
                layer = keras.layers.GRU(u, reset_after=ra, return_sequences=seq)
                layer(x)
                note(
                    f"gru_forward reset_after={ra}",
                    scratch.gru_forward(x, *biased(layer), reset_after=ra, return_sequences=seq),
                    layer(x),
                )
    return worst


if __name__ == "__main__":
    print("Largest absolute difference, course.dsp vs librosa / scipy:")
    for name, value in dsp_differences().items():
        print(f"  {name:32s} {value:.2e}")
    print("Largest absolute difference, course.scratch vs Keras:")
    for name, value in scratch_differences().items():
        print(f"  {name:32s} {value:.2e}")
