"""Exercises that check themselves, and debugging drills.

A learner writes a function (or a value) in a notebook's exercise cell and runs
``check.<exercise>(answer)``. The checker runs the answer on cases drawn afresh on every call,
with the edge cases of the exercise, against the course's own reference implementation (in
:mod:`course._references`, so that ``check.<exercise>??`` shows how an answer is checked, not
the answer), and prints either a pass or the first case that goes wrong: the case, what the
answer gave, and a hint; never the expected value. It returns a true or false
:class:`~course.checking.Verdict`, so the hidden solutions are run through the same checkers by
``tests/test_solutions.py``. :mod:`course.checking` describes the rules every checker follows.

:func:`run_drill` runs a drill's broken code and prints the error it raises, as the learner
would see it, without leaving an error in the notebook.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

import numpy as np

from . import _references as ref
from ._references import pick as _pick
from .checking import (Verdict, _begin, _call, _calls, _clean, _compare, _rng, _say, _short,
                       _show, _show_arrays, _value)

__all__ = ["Checks", "check", "run_drill"]


def run_drill(broken: Callable[[], object]) -> None:
    """Run a drill's broken code and print the error it raises (its type and message, as
    Python would show them last), or say that it ran without one.

    Notebook: 00_start_here.ipynb, 03_mfcc.ipynb, 04_neural_network_basics.ipynb,
        07_cnn_on_mfcc.ipynb, 10_genre_comparison.ipynb
    """
    try:
        with np.errstate(all="ignore"):  # a drill shows the result, not numpy's warnings
            result = broken()
    except Exception as exc:  # noqa: BLE001 -- a drill shows the learner the real error
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        lines = last.splitlines()
        print(_clean("This code raises an error. Python's last line says:\n  "
                     + "\n  ".join(lines[:6]) + ("\n  ..." if len(lines) > 6 else "")))
        return
    print(f"This code runs without an error and returns {_short(result)}.")


class Checks:
    """The checkers, one method per exercise, named after what the learner writes."""

    # 00 · Start here
    def label_mapping(self, answer) -> Verdict:
        """``answer(folders)``: ``{genre: label}`` for the genre folder names as a directory
        listing gives them, in any order; labels 0 to n - 1 that do not depend on that order."""
        name = "label_mapping"
        stop = _begin(name, answer)
        if stop is not None:
            return stop
        for listings in ref.label_rounds(_rng()):
            first = None
            for listed in listings:
                shown = "[" + ", ".join(listed) + "]"
                outcome, got = _call(answer, (list(listed),))
                problem, first = ref.labels_problem(outcome, got, listed, shown, first)
                if problem:
                    return _say(False, name, problem, (list(map(str, listed)),), shown, _show(got))
        return _say(True, name, "labels 0 to n - 1, the same whatever order the folders are "
                                "listed in (new listings on every run).")

    def readable_clips(self, answer) -> Verdict:
        """``answer(paths)``: ``(clips, skipped)``: every readable file's audio (a list, tuple,
        generator or dict) and the files that could not be read (paths, names, ``(path,
        reason)`` pairs, errors or a dict), without stopping at the first bad one."""
        import tempfile
        from pathlib import Path

        name = "readable_clips"
        stop = _begin(name, answer)
        if stop is not None:
            return stop
        r = _rng()
        for n_good, n_bad in ref.clip_rounds(r):
            with tempfile.TemporaryDirectory() as tmp:
                paths, good, bad = ref.write_clip_round(Path(tmp), r, n_good, n_bad)
                shown = "[" + ", ".join(p.name for p in paths) + "]"
                outcome, got = _call(answer, (list(paths),))
                problem = ref.clips_problem(outcome, got, good, bad)
            if problem:
                return _say(False, name, f"for the files {shown}: {problem}", (shown,), shown,
                            _show(got))
        return _say(True, name, "every readable file's audio kept, each unreadable one named "
                                "(new files on every run).")

    # 01 · Waveform and Fourier
    def alias_frequency(self, answer) -> Verdict:
        """``answer(f, sr)``: the frequency in Hz at which a sine of ``f`` Hz is heard when
        sampled at ``sr`` Hz."""
        r = _rng()
        rates = [8000, 16000, 22050, 44100, 48000, int(r.integers(4000, 50000))]
        sr, d = _pick(r, rates), round(float(r.uniform(1, 1000)), 1)
        cases = [(0.0, sr), (float(sr), sr), (sr / 2, sr), (sr / 2 + d, sr), (sr / 2 - d, sr),
                 (sr + d, sr), (float(sr * r.integers(2, 5)) - d, sr)]
        for _ in range(8):
            sr = _pick(r, rates)
            cases.append((round(float(r.uniform(0, 4 * sr)), 1), sr))
        return _compare("alias_frequency", answer, cases, ref.alias_frequency,
                        "Hint: the samples cannot tell f from f - k sr for any whole k; take the "
                        "k that brings it nearest to 0, and give a frequency of 0 or more.")

    def bin_frequency(self, answer) -> Verdict:
        """``answer(k, sr, n)``: the frequency in Hz of DFT bin ``k`` for ``n`` samples at
        ``sr`` Hz."""
        r = _rng()
        rates = [8000, 16000, 22050, 44100, 48000, int(r.integers(4000, 50000))]
        n_odd, n_even = 2 * int(r.integers(1, 2000)) + 1, 2 * int(r.integers(1, 2000))
        cases = [(0, _pick(r, rates), n_even), (n_odd // 2, _pick(r, rates), n_odd),
                 (n_even // 2, _pick(r, rates), n_even), (1, 22050, 2048)]
        for _ in range(8):
            n = int(r.integers(2, 8193))
            cases.append((int(r.integers(0, n // 2 + 1)), _pick(r, rates), n))
        return _compare("bin_frequency", answer, cases, ref.bin_frequency,
                        "Hint: the bins of n samples are evenly spaced from 0 Hz up to the sample "
                        "rate.")

    # 02 · STFT and spectrogram
    def frame_count(self, answer) -> Verdict:
        """``answer(n_samples, n_fft, hop)``: how many frames a centred STFT gives."""
        r = _rng()
        cases = []
        for i in range(14):
            hop = _pick(r, [64, 128, 256, 441, 512, 1024, int(r.integers(50, 1000))])
            n_fft, m = _pick(r, [f for f in (1024, 2048, 4096) if f >= hop]), int(r.integers(2, 99))
            n = [hop * m, hop * m - 1, 1, hop][i] if i < 4 else _pick(r, [
                int(r.integers(1, 700_000)), hop * m, hop - 1, hop + 1, int(r.integers(1, n_fft))])
            cases.append((n, n_fft, hop))
        return _compare("frame_count", answer, cases, ref.frame_count,
                        "Hint: centring pads half a window at each end; what does the count "
                        "still depend on?", integer=True)

    def hann_window(self, answer) -> Verdict:
        """``answer(n)``: the periodic Hann window of ``n`` samples."""
        r = _rng()
        cases = [(2,), (3,), (2 * int(r.integers(2, 5)),), (2 * int(r.integers(2, 4)) + 1,),
                 (int(r.integers(9, 2049)),), (2 * int(r.integers(5, 1025)),)]
        return _compare("hann_window", answer, cases, ref.hann_window,
                        "Hint: a periodic window is one period of a cosine over n samples, so it "
                        "divides by n, not n - 1 (numpy's np.hanning is the symmetric one).")

    # 03 · MFCC
    def hz_to_mel_htk(self, answer) -> Verdict:
        """``answer(f)``: HTK's mel scale, for scalars and arrays. HTK's own form (natural log,
        1127) and the base-10 form (2595) are both right: they differ by the rounding of their
        constants, about 1e-5 of the value."""
        r = _rng()
        cases = [(0.0,), (700.0,), (int(r.integers(20, 20000)),),
                 (round(float(r.uniform(20, 11025)), 1),),
                 (np.round(r.uniform(0, 22050, int(r.integers(2, 6))), 1),),
                 (np.array([round(float(r.uniform(0, 8000)), 1)]),), (r.uniform(0, 22050, 50),)]
        return _compare("hz_to_mel_htk", answer, cases, ref.hz_to_mel_htk,
                        "Hint: check HTK's formula and its logarithm's base against its constant; "
                        "numpy's functions also take arrays.", rtol=2e-5)

    def mfcc_frames(self, answer) -> Verdict:
        """``answer(seconds, sr, hop)``: MFCC frames of a segment, as librosa centres them."""
        r = _rng()
        cases = [(3.0, 22050, 512), (0.0625, 8000, 512)]
        for _ in range(3):  # sample counts that the hop divides
            sr, hop, step = _pick(r, [(16384, 512, 1 / 16), (16384, 1024, 1 / 16),
                                      (44100, 441, 0.25), (48000, 480, 0.25), (16000, 128, 1.0),
                                      (32000, 256, 1.0)])
            cases.append((int(r.integers(1, 33)) * step, sr, hop))
        while len(cases) < 14:
            seconds, sr = int(r.integers(1, 161)) / 16, _pick(r, [8000, 11025, 16000, 22050, 44100])
            if seconds * sr == int(seconds * sr):
                cases.append((seconds, sr, _pick(r, [128, 256, 441, 512, 1024])))
        return _compare("mfcc_frames", answer, cases, ref.mfcc_frames,
                        "Hint: count the segment's samples first; with centred framing only the "
                        "hop matters.", integer=True)

    # 04 · Neural network basics
    def softmax(self, answer) -> Verdict:
        """``answer(z)``: softmax along the last axis, stable for large scores."""
        r = _rng()

        def scores(*shape):
            return np.round(r.normal(0, 3, shape), 1)
        big = float(r.integers(1000, 5000))  # exp overflows above about 709
        cases = [(scores(int(r.integers(2, 6))),),
                 (scores(int(r.integers(2, 4)), int(r.integers(2, 5))),),
                 (scores(int(r.integers(2, 6))) + big,), (scores(3) - big,),
                 (scores(2, 3) + np.array([[big], [-big]]),), (scores(1),),
                 (scores(int(r.integers(2, 5)), 1),), (np.full(int(r.integers(2, 6)), big),),
                 (scores(int(r.integers(5, 9)), int(r.integers(5, 12))),)]
        return _compare("softmax", answer, cases, ref.softmax,
                        "Hint: exp overflows for large scores, and softmax does not change when "
                        "the same number is subtracted from every score of a row.")

    def cross_entropy(self, answer) -> Verdict:
        """``answer(probs, labels)``: the mean of -log p[label], finite even when a
        probability is 0 (Keras's clip to [1e-7, 1 - 1e-7] and 1e-7 added are also right)."""
        r = _rng()

        def batch(n, c, at_label=None):
            probs = r.multinomial(100, r.dirichlet(np.ones(c)), size=n) / 100
            labels = r.integers(0, c, n)
            if at_label is not None:
                probs[0] = 0.0
                probs[0, labels[0]], probs[0, (labels[0] + 1) % c] = at_label, 1 - at_label
            return probs, labels
        cases = [batch(int(r.integers(2, 4)), 2, at_label=0.0), batch(1, int(r.integers(2, 5))),
                 batch(int(r.integers(2, 4)), 3, at_label=1.0),
                 batch(int(r.integers(2, 9)), int(r.integers(2, 11))),
                 batch(int(r.integers(10, 40)), int(r.integers(2, 11)), at_label=0.0)]
        return _compare("cross_entropy", answer, cases, ref.cross_entropy,
                        "Hint: log(0) is minus infinity; keep each probability of the label within "
                        "[1e-7, 1] first, as Keras does with its epsilon.", shown=_show_arrays)

    # 05 · Overfitting
    def l2_penalty(self, answer) -> Verdict:
        """``answer(weights, lam)``: the L2 penalty lam * sum of squared weights, over a list
        of weight arrays (as Keras's ``L2(lam)`` adds to the loss)."""
        r = _rng()
        shapes = [(3,), (2, 2), (4, 3), (1,), (3, 3, 1, 2), (5,)]

        def weights(k):
            return [np.round(r.normal(0, 1, _pick(r, shapes)), 2) for _ in range(k)]
        lams = [1e-4, 1e-3, 0.01, 0.1, 0.5, round(float(r.uniform(0.01, 1)), 3)]
        cases = [(weights(int(r.integers(1, 5))), _pick(r, lams)) for _ in range(5)]
        cases += [(weights(2), 0.0), ([np.zeros((3, 3)), np.zeros(3)], _pick(r, lams)),
                  (weights(3), 0.01), ([-np.abs(weights(1)[0]) - 0.5], _pick(r, lams))]
        return _compare("l2_penalty", answer, cases, ref.l2_penalty,
                        "Hint: every weight of every array counts, and a weight's sign does not.",
                        shown=lambda ws, lam: f"{len(ws)} weight arrays of shapes "
                                              f"{[w.shape for w in ws]}, lam {lam}")

    def inverted_dropout_scale(self, answer) -> Verdict:
        """The factor inverted dropout multiplies kept units by during training, at rate 0.3."""
        return _value("inverted_dropout_scale", answer, ref.INVERTED_DROPOUT_SCALE,
                      "Hint: the kept units must carry, on average, what all units carried; what "
                      "share of them is kept?", rtol=1e-3)

    # 06 · CNN
    def conv_output_size(self, answer) -> Verdict:
        """``answer(n, kernel, stride, padding)``: output length of a convolution, padding
        "valid" or "same" (Keras's rules)."""
        r = _rng()
        cases = []
        for padding in ("valid", "same"):
            n, s = int(r.integers(4, 300)), int(r.integers(2, 5))
            cases += [(n, n, 1, padding), (n, 1, 1, padding), (s - 1, 1, s, padding),
                      (s * int(r.integers(2, 60)), 2, s, padding),
                      (s * int(r.integers(2, 60)) + 1, 3, s, padding)]
            for _ in range(5):
                n = int(r.integers(1, 300))
                k = int(r.integers(1, min(n, 11) + 1))
                cases.append((n, k, int(r.integers(1, 5)), padding))
        return _compare("conv_output_size", answer, cases, ref.conv_output_size,
                        "Hint: 'valid' fits whole kernels only; 'same' pads so that only the "
                        "stride shrinks the input.", integer=True)

    def conv_parameters(self, answer) -> Verdict:
        """``answer(kh, kw, channels_in, filters)``: weights and biases of a Conv2D layer."""
        r = _rng()
        cases = [(1, 1, int(r.integers(2, 64)), int(r.integers(2, 64))), (3, 3, 1, 1),
                 (int(r.integers(1, 4)), int(r.integers(4, 8)), int(r.integers(1, 8)), 1)]
        cases += [tuple(int(v) for v in r.integers(1, [8, 8, 257, 257])) for _ in range(6)]
        return _compare("conv_parameters", answer, cases, ref.conv_parameters,
                        "Hint: count one filter's weights over all input channels, and its bias.",
                        integer=True)

    # 07 · CNN on MFCC
    def cnn_input_shape(self, answer) -> Verdict:
        """The input shape (without the batch) the notes' CNN needs for one 3-s segment: a
        tuple (or list) of ints."""
        return _value("cnn_input_shape", answer, np.array(ref.CNN_INPUT_SHAPE),
                      "Hint: how many frames and coefficients has one 3-s segment, and what "
                      "does Conv2D want besides?", integer=True)

    def add_channel(self, answer) -> Verdict:
        """``answer(x)``: a batch of MFCC segments ``(n, frames, coefficients)`` with a channel
        axis added at the end, the data unchanged."""
        r = _rng()

        def batch(n, frames, coefficients):
            return np.round(r.normal(0, 10, (n, frames, coefficients)), 2).astype(np.float32)
        f, c = int(r.integers(5, 140)), int(r.integers(2, 5))
        cases = [(batch(int(r.integers(2, 6)), f, c),), (batch(1, int(r.integers(2, 6)), 3),),
                 (batch(0, f, 13),), (batch(int(r.integers(2, 5)), 1, int(r.integers(2, 9))),),
                 (batch(int(r.integers(2, 5)), 130, 13),), (batch(2, c, f),)]
        return _compare("add_channel", answer, cases, ref.add_channel,
                        "Hint: numpy can add an axis of length 1 at the end without moving any "
                        "value; do not reshape the frames and coefficients.",
                        shown=lambda x: f"x of shape {x.shape}")

    # 08 · RNN
    def rnn_step(self, answer) -> Verdict:
        """``answer(x_t, h, kernel, recurrent_kernel, bias)``: one SimpleRNN step, tanh, with
        Keras's row convention (``x_t @ kernel``)."""
        r = _rng()
        cases = []
        for n, d, u in ((1, 3, 2), (2, 1, 1), (int(r.integers(1, 4)), 3, 3),
                        (3, 2, int(r.integers(3, 6))), tuple(r.integers([2, 4, 2], [5, 14, 9]))):
            shapes = ((n, d), (n, u), (d, u), (u, u), (u,))
            cases.append(tuple(np.round(r.normal(0, 1, shape), 2) for shape in shapes))
        return _compare("rnn_step", answer, cases, ref.rnn_step,
                        "Hint: the new state mixes the input (through the kernel) and the old "
                        "state (through the recurrent kernel); rows are examples, so each "
                        "multiplies its kernel from the left.",
                        shown=lambda x, h, w, u, b: f"x_t {x.shape}, h {h.shape}, kernel {w.shape}")

    def rnn_parameters(self, answer) -> Verdict:
        """``answer(features, units)``: parameters of a SimpleRNN layer."""
        r = _rng()
        cases = [(1, 1), (13, 13)] + [tuple(map(int, r.integers(1, [129, 257]))) for _ in range(6)]
        return _compare("rnn_parameters", answer, cases, ref.rnn_parameters,
                        "Hint: count the kernel, the recurrent kernel and the bias.", integer=True)

    # 09 · LSTM and GRU
    def cell_update(self, answer) -> Verdict:
        """``answer(c, forget, input, candidate)``: the LSTM's new cell state."""
        r = _rng()

        def state(shape, f=None, i=None):
            gates = [np.round(r.uniform(0, 1, shape), 2) if g is None else np.full(shape, g)
                     for g in (f, i)]
            c, candidate = np.round(r.normal(0, 1, shape), 2), np.round(r.uniform(-1, 1, shape), 2)
            return (c, *gates, candidate)
        cases = [state((int(r.integers(1, 4)), int(r.integers(2, 5)))), state((4,), 0.0, 1.0),
                 state((3,), 1.0, 0.0), state((int(r.integers(2, 9)),)), state((2, 3, 2))]
        return _compare("cell_update", answer, cases, ref.cell_update,
                        "Hint: what the forget gate keeps of the old state, plus what the input "
                        "gate lets in of the candidate.",
                        shown=lambda c, f, i, g: f"c {_show(c)}, forget {_show(f)}, ...")

    def lstm_parameters(self, answer) -> Verdict:
        """``answer(features, units)``: parameters of an LSTM layer."""
        r = _rng()
        cases = [(1, 1), (13, 13)] + [tuple(map(int, r.integers(1, [129, 257]))) for _ in range(6)]
        return _compare("lstm_parameters", answer, cases, ref.lstm_parameters,
                        "Hint: how many blocks like a SimpleRNN's does an LSTM hold?", integer=True)

    # 10 · Genre comparison
    def holm(self, answer) -> Verdict:
        """``answer(p_values)``: Holm-corrected p-values, in the input's order."""
        r = _rng()

        def ps(m, high=0.3):
            return [round(float(p), 3) for p in r.uniform(0.0005, high, m)]
        tie = ps(1)[0]
        cases = [(ps(1),), (ps(int(r.integers(2, 6))),), (sorted(ps(4)),), (sorted(ps(4))[::-1],),
                 (ps(3, high=0.9),), ([tie, *ps(2), tie],),
                 (list(np.round(r.uniform(0.5, 1, 3), 3)),),
                 (np.array(ps(int(r.integers(5, 9)))),)]
        head = ps(1)[0] / 10
        cases.append(([head * 3.5, head * 1.1, head * 2.5][:: _pick(r, [1, -1])],))  # running max
        return _compare("holm", answer, cases, ref.holm,
                        "Hint: check the order of your output, the cap at 1, and that a larger "
                        "raw p-value never gets a smaller corrected one.")

    def song_decision(self, answer) -> Verdict:
        """``answer(probabilities)``: the song's genre index by the mean rule, from its
        segments' probabilities ``(segments, genres)``."""
        r = _rng()

        def song(*rows, shuffle=True):  # (p of genre a, p of genre b) per segment
            g = int(r.integers(2, 5))
            probs, (a, b) = np.zeros((len(rows), g)), r.choice(g, 2, replace=False)
            probs[:, a], probs[:, b] = np.array(rows).T
            return (probs[r.permutation(len(rows)) if shuffle else slice(None)],)
        cases = [song((.95, .05), (.2, .8), (.2, .8)), song((.55, .45), (.55, .45), (0, 1)),
                 song((0, 1), (.9, .1), (.9, .1)),  # the max rule's, the vote's, the product's
                 song((.9, .1), (.3, .7), (.3, .7), (.3, .7), shuffle=False),  # the first's
                 (np.round(r.dirichlet(np.ones(int(r.integers(2, 6)))), 2)[None],)]  # one segment
        for _ in range(6):
            s, g = int(r.integers(2, 12)), int(r.integers(2, 11))
            cases.append((np.round(r.dirichlet(np.full(g, 0.5), s), 3),))
        return _compare("song_decision", answer, cases, ref.song_decision,
                        "Hint: the mean rule uses every segment's probabilities, not only each "
                        "segment's top choice.", integer=True)

    def track_split(self, answer) -> Verdict:
        """``answer(tracks, test_share, seed)``: ``(train, test)`` rows (integer indices in any
        order, or boolean masks) with every track's rows on one side only, within one track of
        ``test_share`` of the tracks in test, repeatable for a seed and different across seeds."""
        name = "track_split"
        stop = _begin(name, answer)
        if stop is not None:
            return stop
        for tracks, share, seeds in ref.split_rounds(_rng()):
            shown = (f"tracks: {len(np.unique(tracks))} tracks in {len(tracks)} rows, "
                     f"test_share {share}, seeds {', '.join(map(str, seeds))}")
            outcomes = _calls(answer, [(tracks.copy(), share, seed) for seed in seeds])
            problem = ref.split_problem(outcomes, tracks, share, seeds)
            if problem:
                return _say(False, name, f"for ({shown}): {problem}", (tracks, share, seeds),
                            shown, _show(outcomes[-1][1]))
        return _say(True, name, "no track on two sides, every row used once, about the asked "
                                "share of the tracks in test, repeatable (new tracks on every "
                                "run).")

    # 11 · Music emotion
    def ccc(self, answer) -> Verdict:
        """``answer(truth, predicted)``: Lin's concordance correlation coefficient."""
        return _compare("ccc", answer, ref.ratings(_rng()), ref.ccc,
                        "Hint: unlike Pearson's r, the CCC also falls when the means or the "
                        "spreads differ; use 1/n moments, as np.var does.", shown=_show_arrays)

    def r2(self, answer) -> Verdict:
        """``answer(truth, predicted)``: the coefficient of determination."""
        return _compare("r2", answer, ref.ratings(_rng()), ref.r2,
                        "Hint: compare the squared errors with those of predicting the truth's own "
                        "mean; R^2 can be negative.", shown=_show_arrays)


#: The checkers: ``check.<exercise>(answer)``.
check = Checks()
