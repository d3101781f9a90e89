"""A bank of learners' mistakes: every checker rejects the wrong answers learners really write and
accepts right answers written in other ways, on fresh cases every run; it gives a verdict (never
an exception) for anything it is handed; it draws new cases on every call, so a table of earlier
cases never passes; and its messages never print the expected value.

Each wrong answer is written as a learner writes it: off by one, the wrong axis, a missing
square, the wrong units, a value hard-coded from the notebook's example, or one of the answers
that used to pass (``ceil`` frame counts, the max rule, constant splits, strings for counts).
"""

import math
import random
import re
import threading
import time
from fractions import Fraction

import numpy as np
import pytest
import soundfile as sf

from course import _references, checking
from course.audio import load_audio
from course.checking import Either, _show
from course.errors import AudioError
from course.exercises import Checks, check

CHECKERS = sorted(n for n in vars(Checks) if not n.startswith("_"))
VALUES = {"inverted_dropout_scale", "cnn_input_shape"}  # the learner writes a value, not a function
GTZAN = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"]


@pytest.fixture(autouse=True)
def short_time_limit(monkeypatch):
    """A short time limit keeps the endless loops quick; right answers here take milliseconds."""
    monkeypatch.setattr(checking, "TIME_LIMIT", 1.0)


# ---------------------------------------------------------------- 00 · start here
def _isin_split(tracks, share, seed):
    names = np.unique(tracks)
    chosen = np.random.default_rng(seed).permutation(names)[: round(share * len(names))]
    test = np.isin(tracks, chosen)
    return np.flatnonzero(~test), np.flatnonzero(test)


def _readable_list(paths):
    clips, skipped = [], []
    for p in paths:
        try:
            clips.append(load_audio(p))
        except AudioError:
            skipped.append(p)
    return clips, skipped


def _readable_pairs(paths):  # clips by name, skipped as (path, reason) pairs
    clips, skipped = {}, []
    for p in paths:
        try:
            clips[p.name] = load_audio(p)
        except AudioError as exc:
            skipped.append((p, exc.reason))
    return clips, skipped


def _readable_soundfile(paths):  # (data, rate) from soundfile, a generator, a dict of reasons
    read, failed = [], {}
    for p in paths:
        try:
            read.append(sf.read(p))
        except Exception as exc:  # noqa: BLE001
            failed[str(p)] = repr(exc)
    return (pair for pair in read), failed


def _readable_errors(paths):  # skipped as the errors themselves, clips as a tuple
    clips, errors = [], []
    for p in paths:
        try:
            clips.append(load_audio(p))
        except AudioError as exc:
            errors.append(exc)
    return tuple(clips), errors


def _stops_at_first_bad(paths):
    clips, skipped = [], []
    try:
        for p in paths:
            clips.append(load_audio(p))
    except AudioError as exc:
        skipped.append(exc.path)
    return clips, skipped


def _forgets_the_bad(paths):
    clips = []
    for p in paths:
        try:
            clips.append(load_audio(p))
        except AudioError:
            pass
    return clips, []


def _placeholder_for_bad(paths):
    clips, skipped = [], []
    for p in paths:
        try:
            clips.append(load_audio(p))
        except AudioError:
            clips.append(np.zeros(1, np.float32))
            skipped.append(p)
    return clips, skipped


def _skips_everything(paths):
    clips, skipped = [], []
    for p in paths:
        try:
            clips.append(load_audio(p))
        except AudioError:
            pass
        skipped.append(p)  # meant to be inside except
    return clips, skipped


def _reuses_the_last_clip(paths):
    clips, skipped, y = [], [], np.zeros(3000, np.float32)
    for p in paths:
        try:
            y = load_audio(p)
        except AudioError:
            skipped.append(p)
        clips.append(y)  # meant to be inside try
    return clips, skipped


def _hard_coded_bad_name(paths):
    skipped = [p for p in paths if p.name == "jazz.00054.wav"]
    return [load_audio(p) for p in paths if p not in skipped], skipped


# ---------------------------------------------------------------- 10 · genre comparison
def _holm_loop(p_values):
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    out, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, p_values[i] * (m - rank)))
        out[i] = running
    return out


def _holm_steps(p_values, accumulate=True, cap=True, factor=lambda m, rank: m - rank,
                sorted_output=False):
    p = np.asarray(p_values, float)
    order = np.argsort(p)
    steps = p[order] * factor(len(p), np.arange(len(p)))
    steps = np.maximum.accumulate(steps) if accumulate else steps
    steps = np.minimum(1.0, steps) if cap else steps
    if sorted_output:
        return steps
    out = np.empty_like(steps)
    out[order] = steps
    return out


def _hochberg(p_values):
    p = np.asarray(p_values, float)
    order = np.argsort(p)[::-1]
    steps = np.minimum.accumulate(p[order] * (np.arange(len(p)) + 1))
    out = np.empty_like(steps)
    out[order] = np.minimum(1.0, steps)
    return out


def _python_split(tracks, share, seed):  # plain Python, index lists in shuffled order
    names = sorted(set(tracks.tolist()))
    chosen = set(random.Random(seed).sample(names, round(share * len(names))))
    rows = list(range(len(tracks)))
    random.Random(seed).shuffle(rows)
    return [i for i in rows if tracks[i] not in chosen], [i for i in rows if tracks[i] in chosen]


def _group_shuffle_split(tracks, share, seed):
    from sklearn.model_selection import GroupShuffleSplit

    return next(GroupShuffleSplit(1, test_size=share, random_state=seed).split(tracks, groups=tracks))


def _mask_split(tracks, share, seed):
    train, test = _isin_split(tracks, share, seed)
    mask = np.zeros(len(tracks), bool)
    mask[test] = True
    return ~mask, mask


def _row_split(tracks, share, seed):
    from sklearn.model_selection import train_test_split

    return train_test_split(np.arange(len(tracks)), test_size=share, random_state=seed)


def _first_tracks(tracks, share, seed):  # never uses the seed
    names = np.unique(tracks)
    test = np.isin(tracks, names[: round(share * len(names))])
    return np.flatnonzero(~test), np.flatnonzero(test)


def _unseeded(tracks, share, seed):
    names = np.unique(tracks)
    test = np.isin(tracks, np.random.permutation(names)[: round(share * len(names))])
    return np.flatnonzero(~test), np.flatnonzero(test)


def _share_of_rows(tracks, share, seed):  # counts rows where it should count tracks
    names = np.random.default_rng(seed).permutation(np.unique(tracks))
    test = np.isin(tracks, names[: round(share * len(tracks))])
    return np.flatnonzero(~test), np.flatnonzero(test)


def _track_names(tracks, share, seed):  # returns tracks where rows are asked for
    names = np.unique(tracks)
    chosen = np.random.default_rng(seed).permutation(names)[: round(share * len(names))]
    return np.setdiff1d(names, chosen), chosen


# ---------------------------------------------------------------- 11 · music emotion
def _ccc_loop(truth, predicted):
    n = len(truth)
    mx, my = sum(truth) / n, sum(predicted) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(truth, predicted)) / n
    sx = sum((a - mx) ** 2 for a in truth) / n
    sy = sum((b - my) ** 2 for b in predicted) / n
    return 2 * sxy / (sx + sy + (mx - my) ** 2)


def _ccc(truth, predicted, ddof_cov=0, ddof_var=0, two=2, shift=True):
    x, y = np.asarray(truth, float), np.asarray(predicted, float)
    cov = np.cov(x, y, ddof=ddof_cov)[0, 1]
    return two * cov / (x.var(ddof=ddof_var) + y.var(ddof=ddof_var)
                        + shift * (x.mean() - y.mean()) ** 2)


def _r2_loop(truth, predicted):
    mean = sum(truth) / len(truth)
    return 1 - (sum((t - p) ** 2 for t, p in zip(truth, predicted))
                / sum((t - mean) ** 2 for t in truth))


def _r2(y, p):
    return 1 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2)


def _softmax_rows(z):
    z = np.asarray(z, float)
    flat = z.reshape(-1, z.shape[-1])
    out = np.empty_like(flat)
    for i, row in enumerate(flat):
        e = [math.exp(v - max(row)) for v in row]
        out[i] = [v / sum(e) for v in e]
    return out.reshape(z.shape)


def _softmax_global_max(z):
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=-1, keepdims=True)


def _cross_entropy_loop(probs, labels):
    return -sum(math.log(max(float(probs[i, y]), 1e-7)) for i, y in enumerate(labels)) / len(labels)


def _cross_entropy_one_hot(probs, labels):
    one_hot = np.eye(probs.shape[1])[labels]
    return -np.sum(one_hot * np.log(np.clip(probs, 1e-7, 1 - 1e-7))) / len(labels)


def _picked(p, y):
    return p[np.arange(len(y)), y]


def _rnn_loop(x, h, w, u, b):
    return np.array([np.tanh(x[i] @ w + h[i] @ u + b) for i in range(len(x))]).reshape(len(x), -1)


# checker: (wrong answers that must fail, right answers written differently that must pass)
BANK = {
    "label_mapping": (
        [lambda folders: {name: i for i, name in enumerate(folders)},  # listing order
         lambda folders: {g: i for i, g in enumerate(set(folders))},  # a set's order
         lambda folders: {g: i + 1 for i, g in enumerate(sorted(folders))},  # from 1
         lambda folders: {i: g for i, g in enumerate(sorted(folders))},  # turned round
         lambda folders: {g: i for i, g in enumerate(sorted(folders, key=len))},  # ties kept
         lambda folders: {g: i for i, g in enumerate(GTZAN)},  # GTZAN's ten, hard-coded
         lambda folders: {g: str(i) for i, g in enumerate(sorted(folders))},  # text labels
         lambda folders: {g: i for i, g in enumerate(reversed(folders))}],
        [lambda folders: {g: i for i, g in enumerate(sorted(folders))},
         lambda folders: dict(zip(sorted(folders), range(len(folders)))),
         lambda folders: {g: i for i, g in enumerate(sorted(folders, reverse=True))},
         lambda folders: {str(g): np.int64(i) for i, g in enumerate(np.unique(folders))},
         lambda folders: [(g, i) for i, g in enumerate(sorted(folders, key=lambda s: (len(s), s)))]]),
    "readable_clips": (
        [lambda paths: ([load_audio(p) for p in paths], []), _stops_at_first_bad, _forgets_the_bad,
         lambda paths: ([p for p in paths if p.stat().st_size > 0], []),  # never reads audio
         _placeholder_for_bad, _skips_everything, _reuses_the_last_clip, _hard_coded_bad_name],
        [_readable_list, _readable_pairs, _readable_soundfile, _readable_errors]),
    "alias_frequency": (
        [lambda f, sr: f % sr, lambda f, sr: abs(f - sr), lambda f, sr: min(f, sr - f),
         lambda f, sr: f if f <= sr / 2 else sr - f, lambda f, sr: abs(f - sr / 2),
         lambda f, sr: f % (sr / 2), lambda f, sr: 6050.0],
        [lambda f, sr: abs(f - round(f / sr) * sr),
         lambda f, sr: min(f % sr, sr - f % sr),
         lambda f, sr: float(np.abs((f + sr / 2) % sr - sr / 2))]),
    "bin_frequency": (
        [lambda k, sr, n: k * sr / (n - 1), lambda k, sr, n: k * sr // n, lambda k, sr, n: k * n / sr,
         lambda k, sr, n: k / n, lambda k, sr, n: (k + 1) * sr / n, lambda k, sr, n: k * sr / (2 * n)],
        [lambda k, sr, n: k * sr / n, lambda k, sr, n: np.fft.rfftfreq(n, d=1 / sr)[k],
         lambda k, sr, n: np.linspace(0, sr, n, endpoint=False)[k]]),
    "frame_count": (
        [lambda n, n_fft, hop: math.ceil(n / hop), lambda n, n_fft, hop: n // hop,
         lambda n, n_fft, hop: 1 + (n - n_fft) // hop, lambda n, n_fft, hop: 1 + n / hop,
         lambda n, n_fft, hop: str(1 + n // hop), lambda n, n_fft, hop: 1 + (n + n_fft) // hop,
         lambda n, n_fft, hop: round(n / hop) + 1, lambda n, n_fft, hop: 1 + n // hop > 0],
        [lambda n, n_fft, hop: 1 + n // hop, lambda n, n_fft, hop: (n + hop) // hop,
         lambda n, n_fft, hop: len(range(0, n + 1, hop)), lambda n, n_fft, hop: np.int64(n) // hop + 1]),
    "hann_window": (
        [np.hanning, lambda n: 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / (n - 1)),
         lambda n: 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(n) / n),
         lambda n: np.hanning(n)[:-1], lambda n: 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n),
         lambda n: 0.5 + 0.5 * np.cos(2 * np.pi * np.arange(n) / n),
         lambda n: np.hanning(n + 1)],
        [lambda n: 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n),
         lambda n: np.hanning(n + 1)[:-1],
         lambda n: __import__("scipy.signal", fromlist=["get_window"]).get_window("hann", n),
         lambda n: np.sin(np.pi * np.arange(n) / n) ** 2,
         lambda n: [0.5 - 0.5 * math.cos(2 * math.pi * k / n) for k in range(n)]]),
    "hz_to_mel_htk": (
        [lambda f: 2595 * np.log(1 + np.asarray(f) / 700), lambda f: 1127 * np.log10(1 + np.asarray(f) / 700),
         lambda f: 2595 * np.log10(np.asarray(f) / 700), lambda f: 2595 * np.log10(1 + np.asarray(f) / 1000),
         lambda f: __import__("librosa").hz_to_mel(f),  # Slaney's scale, librosa's default
         lambda f: 2595 * np.log10(1 + np.asarray(f) / 0.7),  # f taken in kHz
         lambda f: 2595 * math.log10(1 + f / 700)],  # numbers only, not arrays
        [lambda f: 2595 * np.log10(1 + np.asarray(f, float) / 700),
         lambda f: 1127 * np.log(1 + np.asarray(f) / 700),  # the HTK Book's own form
         lambda f: 1127 * np.log1p(np.asarray(f) / 700),
         lambda f: __import__("librosa").hz_to_mel(f, htk=True)]),
    "mfcc_frames": (
        [lambda s, sr, hop: math.ceil(s * sr / hop), lambda s, sr, hop: int(s * sr) // hop,
         lambda s, sr, hop: 1 + s * sr / hop, lambda s, sr, hop: round(s * sr / hop),
         lambda s, sr, hop: 1 + (int(s * sr) - 2048) // hop, lambda s, sr, hop: 130,
         lambda s, sr, hop: 1 + int(s * 22050) // hop],
        [lambda s, sr, hop: 1 + int(sr * s) // hop,
         lambda s, sr, hop: len(range(0, int(round(s * sr)) + 1, hop)),
         lambda s, sr, hop: int(1 + np.floor(s * sr / hop))]),
    "softmax": (
        [lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True), _softmax_global_max,
         lambda z: np.exp(z - z.max(axis=0, keepdims=True)) / np.exp(z - z.max(axis=0, keepdims=True)).sum(axis=0, keepdims=True),
         lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
         lambda z: 1 / (1 + np.exp(-z)),
         lambda z: (z - z.min(-1, keepdims=True)) / (z - z.min(-1, keepdims=True)).sum(-1, keepdims=True)],
        [lambda z: __import__("scipy.special", fromlist=["softmax"]).softmax(z, axis=-1), _softmax_rows,
         lambda z: np.exp(z - __import__("scipy.special", fromlist=["logsumexp"]).logsumexp(z, axis=-1, keepdims=True))]),
    "cross_entropy": (
        [lambda p, y: -np.mean(np.log(_picked(p, y))), lambda p, y: -np.sum(np.log(np.clip(_picked(p, y), 1e-7, 1))),
         lambda p, y: -np.mean(np.log10(np.clip(_picked(p, y), 1e-7, 1))),
         lambda p, y: -np.mean(np.log(np.clip(_picked(p, y), 1e-15, 1))),
         lambda p, y: -np.mean(np.log(np.clip(p[:, y], 1e-7, 1))),
         lambda p, y: -np.mean(np.log(np.clip(p, 1e-7, 1))),
         lambda p, y: np.mean(np.log(np.clip(_picked(p, y), 1e-7, 1))),
         lambda p, y: -np.mean(np.log(np.clip(p.max(axis=1), 1e-7, 1)))],
        [lambda p, y: -np.mean(np.log(np.clip(_picked(p, y), 1e-7, 1))), _cross_entropy_loop,
         _cross_entropy_one_hot, lambda p, y: -np.mean(np.log(_picked(p, y) + 1e-7)),
         lambda p, y: -np.mean(np.log(np.maximum(np.take_along_axis(p, y[:, None], 1), 1e-7)))]),
    "l2_penalty": (
        [lambda ws, lam: lam * sum(np.sum(np.abs(w)) for w in ws),
         lambda ws, lam: 0.5 * lam * sum(np.sum(w ** 2) for w in ws),  # tf.nn.l2_loss's half
         lambda ws, lam: sum(np.sum(w ** 2) for w in ws),
         lambda ws, lam: lam * math.sqrt(sum(np.sum(w ** 2) for w in ws)),
         lambda ws, lam: lam * np.sum(ws[0] ** 2), lambda ws, lam: lam * sum(np.mean(w ** 2) for w in ws),
         lambda ws, lam: lam * sum(np.sum(w) ** 2 for w in ws)],
        [lambda ws, lam: lam * sum(float(np.sum(w ** 2)) for w in ws),
         lambda ws, lam: lam * sum(np.vdot(w, w) for w in ws),
         lambda ws, lam: lam * sum(np.linalg.norm(w) ** 2 for w in ws),
         lambda ws, lam: lam * np.sum(np.concatenate([w.ravel() for w in ws]) ** 2)]),
    "inverted_dropout_scale": (
        [0.7, 0.3, 1 / 0.3, 1 - 0.3, 1.3, "1/0.7", True, [1 / 0.7, 1 / 0.7], 0.7 ** -2],
        [1 / 0.7, 1 / (1 - 0.3), np.float32(1 / 0.7), np.array([1 / 0.7]), 10 / 7, 1.4286,
         Fraction(10, 7)]),
    "conv_output_size": (
        [lambda n, k, s, p: (n - k) // s + 1, lambda n, k, s, p: (n - k) / s + 1 if p == "valid" else n / s,
         lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else n // s,
         lambda n, k, s, p: (n - k + 1) // s if p == "valid" else math.ceil(n / s),
         lambda n, k, s, p: math.ceil((n - k) / s) if p == "valid" else math.ceil(n / s),
         lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else n,
         lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else (n + 2 * (k // 2) - k) // s + 1],
        [lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else math.ceil(n / s),
         lambda n, k, s, p: math.ceil((n - k + 1) / s) if p == "valid" else -(-n // s),
         lambda n, k, s, p: len(range(0, n - k + 1, s)) if p == "valid" else len(range(0, n, s))]),
    "conv_parameters": (
        [lambda kh, kw, c, f: kh * kw * c * f, lambda kh, kw, c, f: kh * kw * c * f + c,
         lambda kh, kw, c, f: (kh * kw + 1) * f, lambda kh, kw, c, f: (kh * kw + 1) * c * f,
         lambda kh, kw, c, f: kh * kw * c * f + 1, lambda kh, kw, c, f: str((kh * kw * c + 1) * f),
         lambda kh, kw, c, f: (kh * kw * c + 1) * f * 1.0],
        [lambda kh, kw, c, f: (kh * kw * c + 1) * f, lambda kh, kw, c, f: kh * kw * c * f + f,
         lambda kh, kw, c, f: sum(kh * kw * c + 1 for _ in range(f))]),
    "cnn_input_shape": (
        [(130, 13), (13, 130, 1), (1, 130, 13), (None, 130, 13, 1), (130, 13, 1, 1), (129, 13, 1),
         (1293, 13, 1), "130, 13, 1", (130.0, 13.0, 1.0)],
        [(130, 13, 1), [130, 13, 1], np.array([130, 13, 1]), (np.int64(130), 13, 1)]),
    "add_channel": (
        [lambda x: x, lambda x: x.reshape(len(x), 13, -1, 1), lambda x: x[np.newaxis],
         lambda x: np.expand_dims(x, 1), lambda x: x.transpose(0, 2, 1)[..., None],
         lambda x: x.reshape(x.shape[0], x.shape[2], x.shape[1], 1),
         lambda x: x.reshape(len(x), 130, 13, 1)],
        [lambda x: x[..., np.newaxis], lambda x: np.expand_dims(x, -1),
         lambda x: x.reshape(*x.shape, 1), lambda x: np.stack([x], axis=-1)]),
    "rnn_step": (
        [lambda x, h, w, u, b: np.tanh(x @ w + b), lambda x, h, w, u, b: 1 / (1 + np.exp(-(x @ w + h @ u + b))),
         lambda x, h, w, u, b: x @ w + h @ u + b, lambda x, h, w, u, b: np.tanh(x @ w + h @ u) + b,
         lambda x, h, w, u, b: np.tanh(x @ w.T + h @ u.T + b),
         lambda x, h, w, u, b: np.maximum(0, x @ w + h @ u + b),
         lambda x, h, w, u, b: np.tanh(h @ w + x @ u + b)],
        [lambda x, h, w, u, b: np.tanh(np.dot(x, w) + np.dot(h, u) + b), _rnn_loop,
         lambda x, h, w, u, b: np.tanh(np.einsum("nd,du->nu", x, w) + np.einsum("nv,vu->nu", h, u) + b)]),
    "rnn_parameters": (
        [lambda d, u: u * (d + 1), lambda d, u: u * (d + u), lambda d, u: d + u + 1,
         lambda d, u: u * d + u * u + 1, lambda d, u: 4 * u * (d + u + 1), lambda d, u: u * (d + u + 2),
         lambda d, u: str(u * (d + u + 1))],
        [lambda d, u: u * (d + u + 1), lambda d, u: d * u + u * u + u,
         lambda d, u: sum(d + u + 1 for _ in range(u))]),
    "cell_update": (
        [lambda c, f, i, g: c + i * g, lambda c, f, i, g: f * c + g, lambda c, f, i, g: np.tanh(f * c + i * g),
         lambda c, f, i, g: f * c + (1 - f) * g, lambda c, f, i, g: i * c + f * g,
         lambda c, f, i, g: f * c * i * g, lambda c, f, i, g: f + i * g],
        [lambda c, f, i, g: f * c + i * g, lambda c, f, i, g: np.add(np.multiply(c, f), np.multiply(g, i)),
         lambda c, f, i, g: np.array([a * b + d * e for a, b, d, e in zip(f.ravel(), c.ravel(), i.ravel(), g.ravel())]).reshape(c.shape)]),
    "lstm_parameters": (
        [lambda d, u: u * (d + u + 1), lambda d, u: 3 * u * (d + u + 1), lambda d, u: 4 * u * (d + u),
         lambda d, u: 4 * (u * d + u * u) + u, lambda d, u: 4 * u * (d + 1), lambda d, u: 4 * u * (d + u + 1) + 1],
        [lambda d, u: 4 * u * (d + u + 1), lambda d, u: 4 * (d * u + u * u + u)]),
    "holm": (
        [lambda p: np.minimum(1, np.asarray(p) * len(p)),  # Bonferroni
         lambda p: _holm_steps(p, cap=False), lambda p: _holm_steps(p, accumulate=False),
         lambda p: _holm_steps(p, sorted_output=True), _hochberg,
         lambda p: _holm_steps(p, factor=lambda m, rank: rank + 1),
         lambda p: _holm_steps(p, factor=lambda m, rank: m - rank - 1)],
        [_holm_steps, _holm_loop]),
    "song_decision": (
        [lambda p: int(np.unravel_index(np.argmax(p), p.shape)[1]),  # the max rule
         lambda p: int(np.argmax(p)),  # argmax of the flattened matrix
         lambda p: int(np.bincount(np.argmax(p, axis=1)).argmax()),  # the vote
         lambda p: int(np.argmax(p.mean(axis=1))), lambda p: int(np.argmax(np.log(p).sum(axis=0))),
         lambda p: int(np.argmax(p[0])), lambda p: int(np.argmax(np.median(p, axis=0))),
         lambda p: float(np.argmax(p.mean(axis=0))), lambda p: np.argmax(p, axis=1)],
        [lambda p: int(np.argmax(p.mean(axis=0))), lambda p: np.argmax(np.sum(p, axis=0)),
         lambda p: max(range(p.shape[1]), key=lambda j: sum(row[j] for row in p))]),
    "track_split": (
        [_row_split, lambda t, share, seed: (np.arange(0, len(t), 2), np.arange(1, len(t), 2)),
         _first_tracks, _unseeded, lambda t, share, seed: _isin_split(t, share, seed)[::-1],
         _share_of_rows, _track_names],
        [_isin_split, _mask_split, _group_shuffle_split, _python_split]),
    "ccc": (
        [lambda a, b: np.corrcoef(a, b)[0, 1], lambda a, b: _ccc(a, b, ddof_cov=1),
         lambda a, b: _ccc(a, b, ddof_cov=1, ddof_var=1), lambda a, b: _ccc(a, b, two=1),
         lambda a, b: _ccc(a, b, shift=False),
         lambda a, b: 2 * np.cov(a, b, ddof=0)[0, 1] / (a.std() + b.std() + (a.mean() - b.mean()) ** 2)],
        [lambda a, b: _ccc(a, b), _ccc_loop,
         lambda a, b: 2 * np.mean((a - a.mean()) * (b - b.mean())) / (np.var(a) + np.var(b) + (a.mean() - b.mean()) ** 2)]),
    "r2": (
        [lambda y, p: np.corrcoef(y, p)[0, 1] ** 2, lambda y, p: 1 - np.sum((y - p) ** 2) / np.sum((y - p.mean()) ** 2),
         lambda y, p: np.mean((y - p) ** 2), lambda y, p: max(0.0, _r2(y, p)),
         lambda y, p: 1 - np.mean((y - p) ** 2) / np.var(p),
         lambda y, p: __import__("sklearn.metrics", fromlist=["r2_score"]).r2_score(p, y),  # swapped
         lambda y, p: 1 - np.var(y - p) / np.var(y)],  # explained variance
        [_r2, _r2_loop, lambda y, p: __import__("sklearn.metrics", fromlist=["r2_score"]).r2_score(y, p)]),
}


def test_every_checker_has_a_bank_entry_with_five_mistakes_and_two_right_answers():
    assert set(BANK) == set(CHECKERS), "add the checker's mistakes and right answers to BANK"
    for name, (wrong, right) in BANK.items():
        assert len(wrong) >= 5 and len(right) >= 2, name


WRONG = [(n, i) for n in CHECKERS for i in range(len(BANK.get(n, ([], []))[0]))]
RIGHT = [(n, i) for n in CHECKERS for i in range(len(BANK.get(n, ([], []))[1]))]


@pytest.mark.parametrize("name, index", WRONG, ids=[f"{n}-{i}" for n, i in WRONG])
def test_a_learners_mistake_fails(name, index, capsys):
    verdict = getattr(check, name)(BANK[name][0][index])
    out = capsys.readouterr().out
    assert not verdict and out.startswith(f"✘ {name}:"), out
    assert "not answered yet" not in out and "should be" not in out, out


@pytest.mark.parametrize("name, index", RIGHT, ids=[f"{n}-{i}" for n, i in RIGHT])
def test_a_right_answer_written_another_way_passes(name, index, capsys):
    verdict = getattr(check, name)(BANK[name][1][index])
    out = capsys.readouterr().out
    assert verdict and out.startswith(f"✔ {name}:"), out


def _stub(*args):
    """The notebook's stub."""
    return None  # your answer


def _raises(*args):
    raise ValueError("something in my code")


def _loops(*args):
    n = 0
    while True:
        n += 1


def _sometimes_none(name):
    right, calls = BANK[name][1][0], []

    def answer(*args):
        calls.append(1)
        if len(calls) % 2 == 0:
            print("the answer is", right(*args))  # a print where a return belongs
            return None
        return right(*args)
    return answer


ODD = {"a number": lambda: 42, "text": lambda: "42", "a dict": lambda: {"a": 1},
       "an object": lambda: object(), "a ragged list": lambda: [[1], [1, 2]],
       "NaN": lambda: float("nan"), "a generator": lambda: (x for x in [1]),
       "text array": lambda: np.array(["a"]), "complex": lambda: 1j, "None": lambda: None}


@pytest.mark.parametrize("name", sorted(set(CHECKERS) - VALUES))
def test_every_answer_gets_a_verdict_and_never_an_exception(name, capsys):
    checker = getattr(check, name)
    assert not checker(42) and "give a function" in capsys.readouterr().out
    assert not checker(_raises) and "ValueError: something in my code" in capsys.readouterr().out
    assert not checker(_stub)
    assert "not answered yet" in capsys.readouterr().out
    assert not checker(_sometimes_none(name))
    out = capsys.readouterr().out
    assert "returned None" in out and "forget a return" in out, out
    for label, odd in ODD.items():
        assert not checker(lambda *args, odd=odd: odd()), label
        out = capsys.readouterr().out
        assert out.startswith(f"✘ {name}:") and "not answered yet" not in out, (label, out)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_every_value_gets_a_verdict(name, capsys):
    checker = getattr(check, name)
    assert not checker(None) and "not answered yet" in capsys.readouterr().out
    for odd in [*(make() for make in ODD.values() if make() is not None), _stub, np.zeros((2, 2)),
                [1, [2, 3]], float("inf"), (130, 13, "1")]:
        assert not checker(odd)
        assert capsys.readouterr().out.startswith(f"✘ {name}:")


def test_an_endless_loop_times_out_within_the_limit_and_is_stopped(monkeypatch, capsys):
    monkeypatch.setattr(checking, "TIME_LIMIT", 0.2)
    for name in sorted(set(CHECKERS) - VALUES):
        start = time.perf_counter()
        assert not getattr(check, name)(_loops)
        assert time.perf_counter() - start < 2.0, name
        out = capsys.readouterr().out
        assert "took longer than 0.2 s" in out and "endless loop" in out, out
    deadline = time.perf_counter() + 5
    while any(t.name == "course-check" for t in threading.enumerate()):
        assert time.perf_counter() < deadline, "the looping answers were not stopped"
        time.sleep(0.05)


def _recorder(name):
    right, seen = BANK[name][1][0], []

    def answer(*args):
        seen.append(repr([a.tolist() if isinstance(a, np.ndarray) else
                          [p.name for p in a] if name == "readable_clips" else a for a in args]))
        return right(*args)
    return answer, seen


@pytest.mark.parametrize("name", sorted(set(CHECKERS) - VALUES))
def test_two_calls_draw_different_cases(name, capsys):
    first, seen_first = _recorder(name)
    second, seen_second = _recorder(name)
    assert getattr(check, name)(first) and getattr(check, name)(second)
    assert seen_first != seen_second


def _key(x):
    if isinstance(x, np.ndarray):
        return ("array", x.shape, x.dtype.str, x.tobytes())
    if isinstance(x, (list, tuple)):
        return tuple(_key(v) for v in x)
    return repr(x)


@pytest.mark.parametrize("name", sorted(_references.REFERENCES))
def test_a_table_of_the_cases_seen_never_passes(name, capsys):
    """Even if every failure had printed the right value of its case, a table of them would not
    pass: the cases are new on every call."""
    reference, table = _references.REFERENCES[name], {}
    checker = getattr(check, name)

    def table_answer(*args):
        return table.get(_key(args), 0)
    for _ in range(50):
        verdict = checker(table_answer)
        assert not verdict, f"a lookup table passed {name}"
        table[_key(verdict.case)] = reference(*verdict.case)
        table[_key(verdict.case)] = _first(table[_key(verdict.case)])
    capsys.readouterr()


def _first(expected):
    return expected[0] if isinstance(expected, Either) else expected


def _texts(value) -> set[str]:
    """How a message could print a value."""
    options = list(value) if isinstance(value, Either) else [value]
    texts = set()
    for v in options:
        texts.add(_show(v))
        if np.ndim(v) == 0:
            x = float(v)
            texts |= {f"{x:g}", f"{x:.4g}", f"{x:.6g}", repr(round(x, 2)), repr(round(x, 4))}
    return {t for t in texts if len(t.strip("-0.")) >= 2}


@pytest.mark.parametrize("name", sorted(_references.REFERENCES))
def test_no_message_prints_the_expected_value_of_its_case(name, capsys):
    for wrong in BANK[name][0]:
        verdict = getattr(check, name)(wrong)
        capsys.readouterr()
        if verdict.case is None:
            continue
        rest = verdict.message.replace(verdict.shown, "", 1).replace(verdict.got, "", 1)
        for text in _texts(_references.REFERENCES[name](*verdict.case)):
            assert not re.search(rf"(?<![\w.]){re.escape(text)}(?![\w])", rest), (text, verdict.message)


@pytest.mark.parametrize("name", sorted(_references.REFERENCES))
def test_the_checker_code_does_not_show_the_reference(name):
    import inspect

    shown = inspect.getsource(getattr(Checks, name))
    for line in inspect.getsource(_references.REFERENCES[name]).splitlines():
        if line.strip().startswith("return") and len(line.strip()) > 12:
            assert line.strip() not in shown
