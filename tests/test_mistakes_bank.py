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
from course.checking import Either, show_value
from course.errors import AudioError
from course.exercises import Checks, check
from course.settings import GENRES

CHECKERS = sorted(n for n in dir(Checks) if not n.startswith("_"))
GTZAN = list(GENRES)


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


def _holm_steps(
    p_values, accumulate=True, cap=True, factor=lambda m, rank: m - rank, sorted_output=False
):
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

    return next(
        GroupShuffleSplit(1, test_size=share, random_state=seed).split(tracks, groups=tracks)
    )


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


# ---------------------------------------------------------------- 01-03 · signals
def _heard_as(heard, sr, highest, signs=(-1, 1), strict=False, unique=True, step=1):
    found = [
        abs(k * sr + sign * heard) for k in range(0, int(highest // sr) + 2, step) for sign in signs
    ]
    found = sorted(f for f in found if f < highest or (f == highest and not strict))
    return np.array(sorted(set(found)) if unique else found, dtype=float)


def _heard_as_loop(heard, sr, highest):  # walks up the frequency axis fold by fold
    out, k = [], 0
    while k * sr - heard <= highest:
        for f in (k * sr - heard, k * sr + heard):
            if 0 <= f <= highest and f not in out:
                out.append(f)
        k += 1
    return sorted(out)


def _samples_for(frames, hop):
    """Every sample count (searched) whose centred STFT has ``frames`` frames."""
    return [
        n for n in range(max(1, (frames - 2) * hop), (frames + 1) * hop) if 1 + n // hop == frames
    ]


# ---------------------------------------------------------------- 05-09 · networks
def _halving_loop(lam, lr):  # one step at a time on a weight of 1
    w, steps = 1.0, 0
    while w > 0.5:
        w -= lr * 2 * lam * w
        steps += 1
    return steps


def _same(n, k, s, floor_zero=True, out=lambda n, s: -(-n // s)):
    total = (out(n, s) - 1) * s + k - n
    total = max(total, 0) if floor_zero else total
    return total // 2, total - total // 2


def _same_by_search(n, k, s):  # the fewest zeros that fit ceil(n / s) kernel positions
    want = math.ceil(n / s)
    total = next(t for t in range(0, k + s + 1) if (n + t - k) // s + 1 >= want and n + t >= k)
    return total // 2, total - total // 2


def _stack_loop(kh, kw, channels, filters):
    total = 0
    for f in filters:
        total += kh * kw * channels * f + f
        channels = f
    return total


def _rnn_step_as_keras(x, h, wi, wh, bi, bh):  # turned into Keras's layout first
    kernel, recurrent, bias = wi.T, wh.T, bi + bh
    return np.tanh(x @ kernel + h @ recurrent + bias)


def _cells(c, f, i, g, n):
    for _ in range(max(n, 0)):
        c = f * c + i * g
    return c


def _cells_closed_form(c, f, i, g, n):  # a geometric series, with f = 1 apart
    with np.errstate(divide="ignore", invalid="ignore"):
        kept = f**n
        return np.where(f == 1, c + n * i * g, kept * c + i * g * (1 - kept) / (1 - f))


# ---------------------------------------------------------------- 10 · genre comparison
def _vote(p, tie=lambda tied, p: tied[np.argmax(p[:, tied].mean(axis=0))]):
    votes = np.bincount(np.argmax(p, axis=1), minlength=p.shape[1])
    return int(tie(np.flatnonzero(votes == votes.max()), p))


def _vote_counter(p):
    from collections import Counter

    counts = Counter(int(j) for j in np.argmax(p, axis=1))
    most = max(counts.values())
    return max((j for j in counts if counts[j] == most), key=lambda j: p[:, j].mean())


# ---------------------------------------------------------------- 11 · music emotion
def _ccc(truth, predicted, ddof_cov=0, ddof_var=0, two=2, shift=True):
    x, y = np.asarray(truth, float), np.asarray(predicted, float)
    cov = np.cov(x, y, ddof=ddof_cov)[0, 1]
    return (
        two
        * cov
        / (x.var(ddof=ddof_var) + y.var(ddof=ddof_var) + shift * (x.mean() - y.mean()) ** 2)
    )


def _bias_factor_loop(truth, predicted):
    n = len(truth)
    mx, my = sum(truth) / n, sum(predicted) / n
    sx = sum((a - mx) ** 2 for a in truth) / n
    sy = sum((b - my) ** 2 for b in predicted) / n
    return 2 * math.sqrt(sx * sy) / (sx + sy + (mx - my) ** 2)


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


# checker: (wrong answers that must fail, right answers written differently that must pass)
BANK = {
    "label_mapping": (
        [
            lambda folders: {name: i for i, name in enumerate(folders)},  # listing order
            lambda folders: {g: i for i, g in enumerate(set(folders))},  # a set's order
            lambda folders: {g: i + 1 for i, g in enumerate(sorted(folders))},  # from 1
            lambda folders: {i: g for i, g in enumerate(sorted(folders))},  # turned round
            lambda folders: {g: i for i, g in enumerate(sorted(folders, key=len))},  # ties kept
            lambda folders: {g: i for i, g in enumerate(GTZAN)},  # GTZAN's ten, hard-coded
            lambda folders: {g: str(i) for i, g in enumerate(sorted(folders))},  # text labels
            lambda folders: {g: i for i, g in enumerate(reversed(folders))},
        ],
        [
            lambda folders: {g: i for i, g in enumerate(sorted(folders))},
            lambda folders: dict(zip(sorted(folders), range(len(folders)))),
            lambda folders: {g: i for i, g in enumerate(sorted(folders, reverse=True))},
            lambda folders: {str(g): np.int64(i) for i, g in enumerate(np.unique(folders))},
            lambda folders: [
                (g, i) for i, g in enumerate(sorted(folders, key=lambda s: (len(s), s)))
            ],
        ],
    ),
    "readable_clips": (
        [
            lambda paths: ([load_audio(p) for p in paths], []),
            _stops_at_first_bad,
            _forgets_the_bad,
            lambda paths: ([p for p in paths if p.stat().st_size > 0], []),  # never reads audio
            _placeholder_for_bad,
            _skips_everything,
            _reuses_the_last_clip,
            _hard_coded_bad_name,
        ],
        [_readable_list, _readable_pairs, _readable_soundfile, _readable_errors],
    ),
    "frequencies_heard_as": (
        [
            lambda h, sr, hi: _heard_as(h, sr, hi, signs=(1,)),  # only k sr + heard
            lambda h, sr, hi: _heard_as(h, sr, hi, strict=True),  # highest left out
            lambda h, sr, hi: _heard_as(h, sr, hi, unique=False),  # 0 and sr / 2 twice
            lambda h, sr, hi: _heard_as(h, sr, hi)[::-1],  # largest first
            lambda h, sr, hi: _heard_as(h, sr, hi, step=2),  # every 2 sr, as for the Nyquist fold
            lambda h, sr, hi: [h + k * sr / 2 for k in range(int(hi // (sr / 2)) + 1)],
            lambda h, sr, hi: _heard_as(h, sr, hi)[1:],  # heard itself forgotten
            lambda h, sr, hi: [h, sr - h],
        ],  # the example's first two only
        [
            _heard_as,
            _heard_as_loop,
            lambda h, sr, hi: np.unique(
                np.abs(np.add.outer(np.arange(int(hi // sr) + 2) * sr, [-h, h]))
            )[np.unique(np.abs(np.add.outer(np.arange(int(hi // sr) + 2) * sr, [-h, h]))) <= hi],
        ],
    ),
    "nearest_bin": (
        [
            lambda f, sr, n: int(f * n / sr),
            lambda f, sr, n: round(f * n / sr, 2),
            lambda f, sr, n: round(f * sr / n),
            lambda f, sr, n: round(f * (n - 1) / sr),
            lambda f, sr, n: math.ceil(f * n / sr),
            lambda f, sr, n: f * n / sr,
            lambda f, sr, n: round(f / sr),
            lambda f, sr, n: 41,
        ],
        [
            lambda f, sr, n: round(f * n / sr),
            lambda f, sr, n: int(np.argmin(np.abs(np.fft.rfftfreq(n, 1 / sr) - f))),
            lambda f, sr, n: int(f / (sr / n) + 0.5),
            lambda f, sr, n: np.int64(np.rint(f * n / sr)),
        ],
    ),
    "sample_range": (
        [
            lambda fr, hop: ((fr - 1) * hop, fr * hop),
            lambda fr, hop: (fr * hop, (fr + 1) * hop - 1),
            lambda fr, hop: ((fr - 1) * hop + 1, fr * hop - 1),
            lambda fr, hop: (fr * hop - 1, (fr - 1) * hop),
            lambda fr, hop: ((fr - 1) * hop, fr * hop - 1.0),
            lambda fr, hop: str(((fr - 1) * hop, fr * hop - 1)),
            lambda fr, hop: (fr - 1) * hop,
            lambda fr, hop: ((fr - 2) * hop, (fr - 1) * hop - 1),
            lambda fr, hop: (65_024, 65_535),
        ],  # the example's numbers, hard-coded
        [
            lambda fr, hop: ((fr - 1) * hop, fr * hop - 1),
            lambda fr, hop: [hop * (fr - 1), hop * fr - 1],
            lambda fr, hop: np.array([min(_samples_for(fr, hop)), max(_samples_for(fr, hop))]),
        ],
    ),
    "periodic_window": (
        [
            lambda sym, n: sym(n),  # the symmetric window itself
            lambda sym, n: sym(n + 1)[1:],  # the wrong end cut off
            lambda sym, n: sym(n - 1),  # one sample short
            lambda sym, n: np.append(sym(n - 1), 0.0),
            lambda sym, n: 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n),  # Hann, whatever asked
            lambda sym, n: np.hanning(n + 1)[:-1],  # ignores the function given
            lambda sym, n: sym(2 * n)[::2],
            lambda sym, n: sym(n + 1)[: n - 1],
        ],
        [
            lambda sym, n: sym(n + 1)[:-1],
            lambda sym, n: np.delete(sym(n + 1), -1),
            lambda sym, n: list(sym(n + 1))[:n],
            lambda sym, n: sym(n + 1)[:n].astype(np.float32),
        ],
    ),
    "mel_to_hz_htk": (
        [
            lambda m: 700 * (np.exp(np.asarray(m) / 2595) - 1),  # the base mixed up
            lambda m: 700 * 10 ** (np.asarray(m) / 2595),  # forgot the - 1
            lambda m: 700 * (10 ** (np.asarray(m) / 2595)) - 1,  # - 1 in the wrong place
            lambda m: 2595 * np.log10(1 + np.asarray(m) / 700),  # the forward formula
            lambda m: __import__("librosa").mel_to_hz(m),  # Slaney's scale, librosa's default
            lambda m: 0.7 * (10 ** (np.asarray(m) / 2595) - 1),  # in kHz
            lambda m: 700 * (10 ** (np.asarray(m) / 2595 - 1)),
        ],  # - 1 in the exponent
        [
            lambda m: 700 * (10 ** (np.asarray(m, float) / 2595) - 1),
            lambda m: 700 * (np.exp(np.asarray(m) / 1127) - 1),  # the HTK Book's own form
            lambda m: 700 * np.expm1(np.asarray(m) / 1127),
            lambda m: __import__("librosa").mel_to_hz(m, htk=True),
        ],
    ),
    "mfcc_frames": (
        [
            lambda s, sr, hop: math.ceil(s * sr / hop),
            lambda s, sr, hop: int(s * sr) // hop,
            lambda s, sr, hop: 1 + s * sr / hop,
            lambda s, sr, hop: round(s * sr / hop),
            lambda s, sr, hop: 1 + (int(s * sr) - 2048) // hop,
            lambda s, sr, hop: 130,
            lambda s, sr, hop: 1 + int(s * 22050) // hop,
        ],
        [
            lambda s, sr, hop: 1 + int(sr * s) // hop,
            lambda s, sr, hop: len(range(0, int(round(s * sr)) + 1, hop)),
            lambda s, sr, hop: int(1 + np.floor(s * sr / hop)),
        ],
    ),
    "softmax": (
        [
            lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True),
            _softmax_global_max,
            lambda z: (
                np.exp(z - z.max(axis=0, keepdims=True))
                / np.exp(z - z.max(axis=0, keepdims=True)).sum(axis=0, keepdims=True)
            ),
            lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
            lambda z: 1 / (1 + np.exp(-z)),
            lambda z: (
                (z - z.min(-1, keepdims=True))
                / (z - z.min(-1, keepdims=True)).sum(-1, keepdims=True)
            ),
        ],
        [
            lambda z: __import__("scipy.special", fromlist=["softmax"]).softmax(z, axis=-1),
            _softmax_rows,
            lambda z: np.exp(
                z
                - __import__("scipy.special", fromlist=["logsumexp"]).logsumexp(
                    z, axis=-1, keepdims=True
                )
            ),
        ],
    ),
    "cross_entropy": (
        [
            lambda p, y: -np.mean(np.log(_picked(p, y))),
            lambda p, y: -np.sum(np.log(np.clip(_picked(p, y), 1e-7, 1))),
            lambda p, y: -np.mean(np.log10(np.clip(_picked(p, y), 1e-7, 1))),
            lambda p, y: -np.mean(np.log(np.clip(_picked(p, y), 1e-15, 1))),
            lambda p, y: -np.mean(np.log(np.clip(p[:, y], 1e-7, 1))),
            lambda p, y: -np.mean(np.log(np.clip(p, 1e-7, 1))),
            lambda p, y: np.mean(np.log(np.clip(_picked(p, y), 1e-7, 1))),
            lambda p, y: -np.mean(np.log(np.clip(p.max(axis=1), 1e-7, 1))),
        ],
        [
            lambda p, y: -np.mean(np.log(np.clip(_picked(p, y), 1e-7, 1))),
            _cross_entropy_loop,
            _cross_entropy_one_hot,
            lambda p, y: -np.mean(np.log(_picked(p, y) + 1e-7)),
            lambda p, y: -np.mean(np.log(np.maximum(np.take_along_axis(p, y[:, None], 1), 1e-7))),
        ],
    ),
    "steps_to_halve": (
        [
            lambda lam, lr: math.floor(
                math.log(0.5) / math.log(1 - 2 * lr * lam)
            ),  # floor for ceil
            lambda lam, lr: math.ceil(math.log(0.5) / math.log(1 - lr * lam)),  # forgot the 2
            lambda lam, lr: math.ceil(math.log(2) / (2 * lr * lam)),  # the continuous approximation
            lambda lam, lr: math.ceil(
                0.5 / (2 * lr * lam)
            ),  # subtracting, as if the step were fixed
            lambda lam, lr: math.log(0.5) / math.log(1 - 2 * lr * lam),  # a float
            lambda lam, lr: round(math.log(0.5) / math.log(1 - 2 * lr * lam)),
            lambda lam, lr: math.ceil(math.log10(0.5) / math.log(1 - 2 * lr * lam)),
        ],  # mixed bases
        [
            lambda lam, lr: math.ceil(math.log(0.5) / math.log(1 - 2 * lr * lam)),
            _halving_loop,
            lambda lam, lr: int(np.ceil(np.log(2) / -np.log1p(-2 * lr * lam))),
        ],
    ),
    "dropout_rate": (
        [
            lambda s: 1 / s,  # the share kept
            lambda s: s - 1,
            lambda s: 1 - s,
            lambda s: 1 / (s - 1),
            lambda s: round(1 - 1 / s, 2),  # rounded
            lambda s: str(1 - 1 / s),
            lambda s: 0.3,  # the notebook's rate
            lambda s: (s - 1) / (s + 1),
        ],
        [
            lambda s: 1 - 1 / s,
            lambda s: (s - 1) / s,
            lambda s: np.array([1 - 1 / s]),
            lambda s: float(1 - Fraction(1) / Fraction(s)),
        ],
    ),
    "same_padding": (
        [
            lambda n, k, s: ((k - 1) // 2, k // 2),  # the stride-1 rule for every stride
            lambda n, k, s: (k // 2, k // 2),
            lambda n, k, s: _same(n, k, s)[::-1],  # the odd zero first
            lambda n, k, s: _same(n, k, s, floor_zero=False),  # negative zeros
            lambda n, k, s: _same(n, k, s, out=lambda n, s: n // s),  # floor where ceil belongs
            lambda n, k, s: (0, sum(_same(n, k, s))),  # everything at the end
            lambda n, k, s: tuple(float(v) for v in _same(n, k, s)),
            lambda n, k, s: (1, 1),
        ],
        [
            _same,
            lambda n, k, s: [(t := max((math.ceil(n / s) - 1) * s + k - n, 0)) // 2, t - t // 2],
            _same_by_search,
        ],
    ),
    "conv_stack_parameters": (
        [
            lambda kh, kw, c, fs: sum(
                (kh * kw * c + 1) * f for f in fs
            ),  # every layer on the input's channels
            lambda kh, kw, c, fs: sum(kh * kw * ci * f for ci, f in zip([c, *fs], fs)),  # no biases
            lambda kh, kw, c, fs: (kh * kw * c + 1) * fs[-1] if fs else 0,  # the last layer only
            lambda kh, kw, c, fs: sum((kh * kw * ci + 1) * f for ci, f in zip([c, *fs], fs)) + 1,
            lambda kh, kw, c, fs: sum((kh * kw + 1) * ci * f for ci, f in zip([c, *fs], fs)),
            lambda kh, kw, c, fs: sum(
                (kh * kw * f + 1) * ci for ci, f in zip([c, *fs], fs)
            ),  # turned round
            lambda kh, kw, c, fs: str(sum((kh * kw * ci + 1) * f for ci, f in zip([c, *fs], fs))),
            lambda kh, kw, c, fs: 320,
        ],  # the notebook's first layer
        [
            lambda kh, kw, c, fs: sum((kh * kw * ci + 1) * f for ci, f in zip([c, *fs], fs)),
            _stack_loop,
            lambda kh, kw, c, fs: np.sum(
                (kh * kw * np.array([c, *fs[:-1]], dtype=np.int64) + 1)
                * np.array(fs, dtype=np.int64)
            ),
        ],
    ),
    "cnn_input_shape": (
        [
            lambda s, sr, hop, k: (1 + int(s * sr) // hop, k),  # no channel
            lambda s, sr, hop, k: (k, 1 + int(s * sr) // hop, 1),  # coefficients first
            lambda s, sr, hop, k: (math.ceil(s * sr / hop), k, 1),  # frames by ceil
            lambda s, sr, hop, k: (int(s * sr) // hop, k, 1),  # forgot the + 1
            lambda s, sr, hop, k: (1, 1 + int(s * sr) // hop, k),  # channel first
            lambda s, sr, hop, k: (130, 13, 1),  # the notebook's shape, hard-coded
            lambda s, sr, hop, k: (1 + s * sr / hop, k, 1),  # floats
            lambda s, sr, hop, k: (None, 1 + int(s * sr) // hop, k, 1),
        ],  # the batch included
        [
            lambda s, sr, hop, k: (1 + int(round(s * sr)) // hop, k, 1),
            lambda s, sr, hop, k: [len(range(0, int(s * sr) + 1, hop)), k, 1],
            lambda s, sr, hop, k: np.array([1 + int(s * sr) // hop, k, 1]),
        ],
    ),
    "channels_first": (
        [
            lambda x: x[..., np.newaxis],
            lambda x: x[np.newaxis],
            lambda x: x,
            lambda x: x.reshape(
                len(x), 1, x.shape[2], x.shape[1]
            ),  # frames and coefficients swapped
            lambda x: np.expand_dims(x, 1).transpose(0, 1, 3, 2),
            lambda x: x.reshape(len(x), 1, 130, 13),  # the notebook's shape, hard-coded
            lambda x: np.expand_dims(x, -1).transpose(0, 3, 2, 1),
        ],
        [
            lambda x: x[:, np.newaxis],
            lambda x: np.expand_dims(x, 1),
            lambda x: x.reshape(x.shape[0], 1, *x.shape[1:]),
            lambda x: np.stack([x], axis=1),
            lambda x: np.moveaxis(x[..., None], -1, 1),
        ],
    ),
    "rnn_step_pytorch": (
        [
            lambda x, h, wi, wh, bi, bh: np.tanh(
                x @ wi.T + h @ wh + bi + bh
            ),  # the square one not transposed
            lambda x, h, wi, wh, bi, bh: np.tanh(x @ wi.T + h @ wh.T + bi),  # one bias
            lambda x, h, wi, wh, bi, bh: np.tanh(
                wi @ x.T + wh @ h.T + (bi + bh)[:, None]
            ),  # columns left
            lambda x, h, wi, wh, bi, bh: x @ wi.T + h @ wh.T + bi + bh,  # no tanh
            lambda x, h, wi, wh, bi, bh: np.tanh(x @ wi.T + h @ wh.T) + bi + bh,
            lambda x, h, wi, wh, bi, bh: np.tanh(x @ wi.T + bi + bh),  # forgot the state
            lambda x, h, wi, wh, bi, bh: (
                np.tanh(h @ wi.T + x @ wh.T + bi + bh) if x.shape == h.shape else x @ wi
            ),
        ],
        [
            lambda x, h, wi, wh, bi, bh: np.tanh(x @ wi.T + bi + h @ wh.T + bh),
            lambda x, h, wi, wh, bi, bh: np.tanh(wi @ x.T + wh @ h.T + (bi + bh)[:, None]).T,
            lambda x, h, wi, wh, bi, bh: np.tanh(
                np.einsum("ud,nd->nu", wi, x) + np.einsum("uv,nv->nu", wh, h) + bi + bh
            ),
            _rnn_step_as_keras,
        ],
    ),
    "rnn_parameters": (
        [
            lambda d, u: u * (d + 1),
            lambda d, u: u * (d + u),
            lambda d, u: d + u + 1,
            lambda d, u: u * d + u * u + 1,
            lambda d, u: 4 * u * (d + u + 1),
            lambda d, u: u * (d + u + 2),
            lambda d, u: str(u * (d + u + 1)),
        ],
        [
            lambda d, u: u * (d + u + 1),
            lambda d, u: d * u + u * u + u,
            lambda d, u: sum(d + u + 1 for _ in range(u)),
        ],
    ),
    "cell_after": (
        [
            lambda c, f, i, g, n: f * c + i * g,  # one step whatever n
            lambda c, f, i, g, n: f**n * c,  # the old state's share only
            lambda c, f, i, g, n: f**n * c + n * i * g,  # the new parts never forgotten
            lambda c, f, i, g, n: _cells(c, f, i, g, n - 1),  # one step short
            lambda c, f, i, g, n: _cells(c, f, i, g, n + 1),  # one step too many
            lambda c, f, i, g, n: (
                f**n * c + i * g * (1 - f**n) / np.where(f == 1, np.inf, 1 - f)
            ),  # the closed form, f = 1 lost
            lambda c, f, i, g, n: np.tanh(_cells(c, f, i, g, n)),
        ],  # h's squashing on c
        [
            _cells,
            _cells_closed_form,
            lambda c, f, i, g, n: __import__("functools").reduce(
                lambda s, _: f * s + i * g, range(n), c
            ),
        ],
    ),
    "lstm_parameters": (
        [
            lambda d, u: u * (d + u + 1),
            lambda d, u: 3 * u * (d + u + 1),
            lambda d, u: 4 * u * (d + u),
            lambda d, u: 4 * (u * d + u * u) + u,
            lambda d, u: 4 * u * (d + 1),
            lambda d, u: 4 * u * (d + u + 1) + 1,
        ],
        [lambda d, u: 4 * u * (d + u + 1), lambda d, u: 4 * (d * u + u * u + u)],
    ),
    "holm": (
        [
            lambda p: np.minimum(1, np.asarray(p) * len(p)),  # Bonferroni
            lambda p: _holm_steps(p, cap=False),
            lambda p: _holm_steps(p, accumulate=False),
            lambda p: _holm_steps(p, sorted_output=True),
            _hochberg,
            lambda p: _holm_steps(p, factor=lambda m, rank: rank + 1),
            lambda p: _holm_steps(p, factor=lambda m, rank: m - rank - 1),
        ],
        [_holm_steps, _holm_loop],
    ),
    "vote_decision": (
        [
            lambda p: int(np.argmax(p.mean(axis=0))),  # the mean rule
            lambda p: int(np.bincount(np.argmax(p, axis=1)).argmax()),  # ties to the lowest index
            lambda p: int(np.unravel_index(np.argmax(p), p.shape)[1]),  # the max rule
            lambda p: int(np.argmax(p)),  # argmax of the flattened matrix
            lambda p: _vote(
                p, tie=lambda tied, p: tied[np.argmax(p[0, tied])]
            ),  # the first segment breaks ties
            lambda p: int(np.bincount(np.argmax(p, axis=0)).argmax()),  # the wrong axis
            lambda p: _vote(p, tie=lambda tied, p: tied[-1]),
            lambda p: float(_vote(p)),
            lambda p: _vote(
                p,
                tie=lambda tied, p: tied[
                    np.argmax(  # the voters' mean only
                        [p[p.argmax(axis=1) == g, g].mean() for g in tied]
                    )
                ],
            ),
            lambda p: _vote(p, tie=lambda tied, p: tied[np.argmax(p.max(axis=0)[tied])]),
        ],  # the max
        [
            _vote,
            _vote_counter,
            lambda p: max(
                range(p.shape[1]),
                key=lambda j: (int(np.sum(p.argmax(axis=1) == j)), p[:, j].mean()),
            ),
        ],
    ),
    "track_split": (
        [
            _row_split,
            lambda t, share, seed: (np.arange(0, len(t), 2), np.arange(1, len(t), 2)),
            _first_tracks,
            _unseeded,
            lambda t, share, seed: _isin_split(t, share, seed)[::-1],
            _share_of_rows,
            _track_names,
        ],
        [_isin_split, _mask_split, _group_shuffle_split, _python_split],
    ),
    "bias_factor": (
        [
            lambda a, b: _ccc(a, b),
            lambda a, b: np.corrcoef(a, b)[0, 1],  # the CCC, Pearson's r
            lambda a, b: (
                2 * a.std(ddof=1) * b.std(ddof=1) / (a.var() + b.var() + (a.mean() - b.mean()) ** 2)
            ),
            lambda a, b: 2 * a.std() * b.std() / (a.var() + b.var()),  # no shift
            lambda a, b: (
                a.std() * b.std() / (a.var() + b.var() + (a.mean() - b.mean()) ** 2)
            ),  # no 2
            lambda a, b: 2 * a.var() * b.var() / (a.var() + b.var() + (a.mean() - b.mean()) ** 2),
            lambda a, b: _ccc(a, b) * np.corrcoef(a, b)[0, 1],
        ],  # times r where r is taken out
        [
            lambda a, b: (
                2 * np.std(a) * np.std(b) / (np.var(a) + np.var(b) + (np.mean(a) - np.mean(b)) ** 2)
            ),
            _bias_factor_loop,
            lambda a, b: (
                2
                / (
                    a.std() / b.std()
                    + b.std() / a.std()
                    + (a.mean() - b.mean()) ** 2 / (a.std() * b.std())
                )
                if b.std() > 0
                else 0.0
            ),
        ],
    ),
    "baseline_r2": (
        [
            lambda y, m: 0.0,  # as if the training mean were the test mean
            lambda y, m: 1 - np.sum((y - m) ** 2) / np.sum((y - m) ** 2),
            lambda y, m: (np.mean(y) - m) ** 2 / np.var(y),  # the sign
            lambda y, m: 1 - np.mean((y - m) ** 2),  # not divided
            lambda y, m: 1 - np.mean((y - m) ** 2) / np.var(y, ddof=1),  # n against n - 1
            lambda y, m: max(0.0, _r2(y, np.full_like(y, m))),
            lambda y, m: np.corrcoef(y, np.full_like(y, m))[0, 1] ** 2,
        ],
        [
            lambda y, m: _r2(y, np.full_like(y, m)),
            lambda y, m: -((np.mean(y) - m) ** 2) / np.var(y),
            lambda y, m: __import__("sklearn.metrics", fromlist=["r2_score"]).r2_score(
                y, [m] * len(y)
            ),
        ],
    ),
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


ODD = {
    "a number": lambda: 42,
    "text": lambda: "42",
    "a dict": lambda: {"a": 1},
    "an object": lambda: object(),
    "a ragged list": lambda: [[1], [1, 2]],
    "NaN": lambda: float("nan"),
    "a generator": lambda: (x for x in [1]),
    "text array": lambda: np.array(["a"]),
    "complex": lambda: 1j,
    "None": lambda: None,
}


@pytest.mark.parametrize("name", CHECKERS)
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


@pytest.mark.slow
def test_an_endless_loop_times_out_within_the_limit_and_is_stopped(monkeypatch, capsys):
    monkeypatch.setattr(checking, "TIME_LIMIT", 0.2)
    # The first case of a check may take FIRST_CALL_FACTOR times the limit (imports, first
    # compilation); a loop there is stopped at 0.2 s x 6.
    start = time.perf_counter()
    assert not check.softmax(_loops)
    assert 1.2 <= time.perf_counter() - start < 3.0
    assert "took longer than 1.2 s" in capsys.readouterr().out
    # Every checker, at a shorter limit: a loop costs the suite its limit once per checker.
    monkeypatch.setattr(checking, "FIRST_CALL_FACTOR", 1)
    monkeypatch.setattr(checking, "TIME_LIMIT", 0.05)
    for name in CHECKERS:
        start = time.perf_counter()
        assert not getattr(check, name)(_loops)
        assert time.perf_counter() - start < 1.0, name
        out = capsys.readouterr().out
        assert "took longer than 0.05 s" in out and "endless loop" in out, out
    deadline = time.perf_counter() + 5
    while any(t.name == "course-check" for t in threading.enumerate()):
        assert time.perf_counter() < deadline, "the looping answers were not stopped"
        time.sleep(0.05)


def _recorder(name):
    right, seen = BANK[name][1][0], []

    def answer(*args):
        seen.append(
            repr(
                [
                    a.tolist()
                    if isinstance(a, np.ndarray)
                    else [p.name for p in a]
                    if name == "readable_clips"
                    else a
                    for a in args
                ]
            )
        )
        return right(*args)

    return answer, seen


@pytest.mark.parametrize("name", CHECKERS)
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
        texts.add(show_value(v))
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
            assert not re.search(rf"(?<![\w.]){re.escape(text)}(?![\w])", rest), (
                text,
                verdict.message,
            )


@pytest.mark.parametrize("name", sorted(_references.REFERENCES))
def test_the_checker_code_does_not_show_the_reference(name):
    import inspect

    shown = inspect.getsource(getattr(Checks, name))
    for line in inspect.getsource(_references.REFERENCES[name]).splitlines():
        if line.strip().startswith("return") and len(line.strip()) > 12:
            assert line.strip() not in shown


def test_the_first_call_may_import_a_library(monkeypatch, capsys):
    """An answer that imports a slow library inside the function (Keras takes seconds the first
    time) gets a longer first call; later calls keep the usual limit."""
    monkeypatch.setattr(checking, "TIME_LIMIT", 0.2)
    calls = []

    def slow_first(symmetric, n):
        calls.append(n)
        if len(calls) == 1:
            time.sleep(0.6)  # over the limit, under the first call's allowance
        return symmetric(n + 1)[:-1]

    assert check.periodic_window(slow_first), capsys.readouterr().out
    assert len(calls) > 1
