"""Exercises that check themselves, and debugging drills.

A learner writes a function in a notebook's exercise cell and runs
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
from ._signal_checks import SignalChecks
from .checking import (
    Verdict,
    begin_check,
    clean_paths,
    compare_cases,
    fresh_rng,
    run_answers,
    say_verdict,
    short_value,
    show_arrays,
    show_value,
)
from .errors import CourseError, close_match

__all__ = ["Checks", "check", "run_drill"]


def run_drill(broken: Callable[[], object]) -> None:
    """Run a drill's broken code and print the error it raises (its type and message, as
    Python would show them last), or say that it ran without one.

    Args:
        broken: a function of no arguments holding the drill's code; it is called once, and
            what it returns is printed when it raises nothing.

    Notebook: 00_start_here.ipynb, 03_mfcc.ipynb, 04_neural_network_basics.ipynb,
        07_cnn_on_mfcc.ipynb, 10_genre_comparison.ipynb
    """
    try:
        with np.errstate(all="ignore"):  # a drill shows the result, not numpy's warnings
            result = broken()
    except Exception as exc:  # noqa: BLE001 -- a drill shows the learner the real error
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        lines = last.splitlines()
        print(
            clean_paths(
                "This code raises an error. Python's last line says:\n  "
                + "\n  ".join(lines[:6])
                + ("\n  ..." if len(lines) > 6 else "")
            )
        )
        return
    print(f"This code runs without an error and returns {short_value(result)}.")


class CheckerNameError(CourseError, AttributeError):
    """``check.<name>`` with a name no checker has."""


class Checks(SignalChecks):
    """The checkers, one method per exercise, named after what the learner writes (those of
    notebooks 00 to 03 in :class:`course._signal_checks.SignalChecks`)."""

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        names = [n for n in dir(Checks) if not n.startswith("_")]
        raise CheckerNameError(
            f"No checker check.{name}{close_match(name, names)}: a checker is "
            "named after the function its exercise asks for (see the "
            "exercise's cell)."
        )

    # 04 · Neural network basics
    def softmax(self, answer) -> Verdict:
        """``answer(z)``: softmax along the last axis, stable for large scores.

        Args:
            answer: the learner's function, run on score vectors and matrices, some shifted
                by thousands.
        """
        r = fresh_rng()

        def scores(*shape):
            return np.round(r.normal(0, 3, shape), 1)

        big = float(r.integers(1000, 5000))  # exp overflows above about 709
        cases = [
            (scores(int(r.integers(2, 6))),),
            (scores(int(r.integers(2, 4)), int(r.integers(2, 5))),),
            (scores(int(r.integers(2, 6))) + big,),
            (scores(3) - big,),
            (scores(2, 3) + np.array([[big], [-big]]),),
            (scores(1),),
            (scores(int(r.integers(2, 5)), 1),),
            (np.full(int(r.integers(2, 6)), big),),
            (scores(int(r.integers(5, 9)), int(r.integers(5, 12))),),
        ]
        return compare_cases(
            "softmax",
            answer,
            cases,
            ref.softmax,
            "Hint: exp overflows for large scores, and softmax does not change when "
            "the same number is subtracted from every score of a row.",
        )

    def cross_entropy(self, answer) -> Verdict:
        """``answer(probs, labels)``: the mean of -log p[label], finite even when a
        probability is 0 (Keras's clip to [1e-7, 1 - 1e-7] and 1e-7 added are also right).

        Args:
            answer: the learner's function, run on batches of probabilities and labels, some
                with a label's probability 0 or 1.
        """
        r = fresh_rng()

        def batch(n, c, at_label=None):
            probs = r.multinomial(100, r.dirichlet(np.ones(c)), size=n) / 100
            labels = r.integers(0, c, n)
            if at_label is not None:
                probs[0] = 0.0
                probs[0, labels[0]], probs[0, (labels[0] + 1) % c] = at_label, 1 - at_label
            return probs, labels

        cases = [
            batch(int(r.integers(2, 4)), 2, at_label=0.0),
            batch(1, int(r.integers(2, 5))),
            batch(int(r.integers(2, 4)), 3, at_label=1.0),
            batch(int(r.integers(2, 9)), int(r.integers(2, 11))),
            batch(int(r.integers(10, 40)), int(r.integers(2, 11)), at_label=0.0),
        ]
        return compare_cases(
            "cross_entropy",
            answer,
            cases,
            ref.cross_entropy,
            "Hint: log(0) is minus infinity; raise the label's probability to at least 1e-7 "
            "first (Keras, given bare probabilities, clips them to [1e-7, 1 - 1e-7]).",
            shown=show_arrays,
        )

    # 05 · Overfitting
    def steps_to_halve(self, answer) -> Verdict:
        """``answer(lam, learning_rate)``: how many plain gradient-descent steps on the L2
        penalty ``lam * sum(w ** 2)`` alone (no data) bring every weight to half of its start
        or less; 0 < 2 * learning_rate * lam < 1. An int.

        Args:
            answer: the learner's function, run on pairs of penalty and learning rate; it
                must return an int.
        """
        r = fresh_rng()
        cases = [(0.25, 1.0), (0.15, 1.0), (0.1, 0.1), (0.01, 0.01), (0.45, 1.0), (0.05, 3.0)]
        while len(cases) < 12:
            lam, lr = _pick(r, [1e-3, 0.01, 0.05, 0.1, 0.3]), _pick(r, [0.01, 0.05, 0.1, 0.5, 1.0])
            if 1e-4 <= 2 * lr * lam < 1:
                cases.append((lam, round(float(lr * r.uniform(0.5, 1.5)), 4)))
        return compare_cases(
            "steps_to_halve",
            answer,
            cases,
            ref.steps_to_halve,
            "Hint: what does one step do to a weight: subtract, or multiply? Count whole steps.",
            integer=True,
        )

    def dropout_rate(self, answer) -> Verdict:
        """``answer(scale)``: the dropout rate at which inverted dropout multiplies the kept
        units by ``scale`` (>= 1) during training.

        Args:
            answer: the learner's function, run on scales from 1 to 20.
        """
        r = fresh_rng()
        cases = [(1.0,), (2.0,), (4.0,), (1 / 0.7,), (1.25,)]
        cases += [(round(float(r.uniform(1, 20)), 3),) for _ in range(6)]
        return compare_cases(
            "dropout_rate",
            answer,
            cases,
            ref.dropout_rate,
            "Hint: write the scale as a function of the rate first, then solve it for the rate.",
        )

    # 06 · CNN
    def same_padding(self, answer) -> Verdict:
        """``answer(n, kernel, stride)``: ``(before, after)``, the zeros Keras's 'same'
        padding adds at the two ends of an axis of ``n`` cells, any stride.

        Args:
            answer: the learner's function, run on axis lengths, kernel sizes and strides;
                it must return ints.
        """
        r = fresh_rng()
        cases = [
            (5, 3, 1),
            (5, 2, 1),
            (int(r.integers(4, 300)), 1, 1),
            (6, 3, 2),
            (7, 3, 2),
            (130, 3, 2),
            (4 * int(r.integers(2, 40)), 2, 4),
            (int(r.integers(3, 9)), 9, 1),
        ]
        for _ in range(6):
            n = int(r.integers(1, 300))
            cases.append((n, int(r.integers(1, 12)), int(r.integers(1, 5))))
        return compare_cases(
            "same_padding",
            answer,
            cases,
            ref.same_padding,
            "Hint: how many outputs does 'same' keep, and how far past the input "
            "does the kernel's last position reach?",
            integer=True,
        )

    def conv_stack_parameters(self, answer) -> Verdict:
        """``answer(kh, kw, channels_in, filters)``: the total number of parameters of Conv2D
        layers with ``kh`` x ``kw`` kernels one after another on an input of ``channels_in``
        channels, layer i having ``filters[i]`` filters (a list).

        Args:
            answer: the learner's function, run on kernel sizes, input channels and
                filter lists (an empty list included); it must return an int.
        """
        r = fresh_rng()

        def filters(k):
            return [int(f) for f in r.integers(1, 129, k)]

        cases = [
            (3, 3, 1, [32]),
            (3, 3, 1, [32, 32, 32]),
            (1, 1, int(r.integers(2, 64)), filters(2)),
            (int(r.integers(1, 4)), int(r.integers(4, 8)), 1, filters(3)),
            (3, 3, 3, []),
        ]
        cases += [
            (
                int(r.integers(1, 8)),
                int(r.integers(1, 8)),
                int(r.integers(1, 4)),
                filters(int(r.integers(1, 5))),
            )
            for _ in range(6)
        ]
        return compare_cases(
            "conv_stack_parameters",
            answer,
            cases,
            ref.conv_stack_parameters,
            "Hint: count one layer as in the section, then ask how many channels "
            "the next layer's input has.",
            integer=True,
        )

    # 07 · CNN on MFCC
    def cnn_input_shape(self, answer) -> Verdict:
        """``answer(seconds, sr, hop, n_mfcc)``: the input shape (without the batch) Conv2D
        needs for segments of ``seconds`` s at ``sr`` Hz, MFCCs with hop ``hop``: a tuple of
        ints.

        Args:
            answer: the learner's function, run on durations, sample rates, hops and MFCC
                counts; it must return ints.
        """
        r = fresh_rng()
        cases = [
            (3.0, 22050, 512, 13),
            (1.0, 16384, 512, 20),
            (0.5, 16000, 128, 13),
            (1.5, 44100, 441, int(r.integers(10, 41))),
        ]
        while len(cases) < 12:
            seconds, sr = int(r.integers(1, 161)) / 16, _pick(r, [8000, 11025, 16000, 22050, 44100])
            if seconds * sr == int(seconds * sr):
                cases.append(
                    (seconds, sr, _pick(r, [128, 256, 441, 512, 1024]), int(r.integers(10, 41)))
                )
        return compare_cases(
            "cnn_input_shape",
            answer,
            cases,
            ref.cnn_input_shape,
            "Hint: frames come first (as librosa centres them), then the "
            "coefficients, then what Conv2D wants besides.",
            integer=True,
        )

    def channels_first(self, answer) -> Verdict:
        """``answer(x)``: a batch of MFCC segments ``(n, frames, coefficients)``, n >= 0, with a
        channel axis of length 1 added right after the batch axis (the layout of
        ``data_format="channels_first"``), the data unchanged.

        Args:
            answer: the learner's function, run on float32 batches, an empty batch
                included.
        """
        r = fresh_rng()

        def batch(n, frames, coefficients):
            return np.round(r.normal(0, 10, (n, frames, coefficients)), 2).astype(np.float32)

        f, c = int(r.integers(5, 140)), int(r.integers(2, 5))
        cases = [
            (batch(int(r.integers(2, 6)), f, c),),
            (batch(1, int(r.integers(2, 6)), 3),),
            (batch(0, f, 13),),
            (batch(int(r.integers(2, 5)), 1, int(r.integers(2, 9))),),
            (batch(int(r.integers(2, 5)), 130, 13),),
            (batch(2, c, f),),
        ]
        return compare_cases(
            "channels_first",
            answer,
            cases,
            ref.channels_first,
            "Hint: numpy can add an axis of length 1 anywhere without moving any "
            "value; do not reshape the frames and coefficients.",
            shown=lambda x: f"x of shape {x.shape}",
        )

    # 08 · RNN
    def rnn_step_pytorch(self, answer) -> Verdict:
        """``answer(x_t, h, weight_ih, weight_hh, bias_ih, bias_hh)``: one tanh RNN step with
        rows as examples, the weights stored as PyTorch stores them: ``weight_ih`` (units,
        features), ``weight_hh`` (units, units) and two biases (units,).

        Args:
            answer: the learner's function, run on random inputs, states, weights and
                biases of several sizes.
        """
        r = fresh_rng()
        cases = []
        for n, d, u in (
            (1, 3, 2),
            (2, 1, 1),
            (int(r.integers(1, 4)), 3, 4),
            (3, 2, int(r.integers(3, 6))),
            tuple(r.integers([2, 4, 2], [5, 14, 9])),
        ):
            shapes = ((n, d), (n, u), (u, d), (u, u), (u,), (u,))
            cases.append(tuple(np.round(r.normal(0, 1, shape), 2) for shape in shapes))
        return compare_cases(
            "rnn_step_pytorch",
            answer,
            cases,
            ref.rnn_step_pytorch,
            "Hint: compare these shapes with Keras's kernel (features, units); "
            "both biases are added, and the square weight_hh needs the same care "
            "as weight_ih even though any orientation fits.",
            shown=lambda x, h, wi, wh, bi, bh: f"x_t {x.shape}, h {h.shape}, weight_ih {wi.shape}",
        )

    def rnn_parameters(self, answer) -> Verdict:
        """``answer(features, units)``: parameters of a SimpleRNN layer.

        Args:
            answer: the learner's function, run on numbers of features and units; it must
                return an int.
        """
        r = fresh_rng()
        cases = [(1, 1), (13, 13)] + [tuple(map(int, r.integers(1, [129, 257]))) for _ in range(6)]
        return compare_cases(
            "rnn_parameters",
            answer,
            cases,
            ref.rnn_parameters,
            "Hint: count the kernel, the recurrent kernel and the bias.",
            integer=True,
        )

    # 09 · LSTM and GRU
    def cell_after(self, answer) -> Verdict:
        """``answer(c, forget, input_gate, candidate, steps)``: the LSTM's cell state after
        ``steps`` steps (0 or more) in which the gates and the candidate stay the same.

        Args:
            answer: the learner's function, run on states and gates of several shapes, with 0
                steps and long runs included.
        """
        r = fresh_rng()

        def state(shape, steps, f=None, i=None):
            gates = [
                np.round(r.uniform(0, 1, shape), 2) if g is None else np.full(shape, g)
                for g in (f, i)
            ]
            c, candidate = np.round(r.normal(0, 1, shape), 2), np.round(r.uniform(-1, 1, shape), 2)
            return (c, *gates, candidate, steps)

        cases = [
            state((int(r.integers(1, 4)), int(r.integers(2, 5))), 1),
            state((3,), 0),
            state((4,), int(r.integers(2, 30)), 0.0, 1.0),
            state((3,), int(r.integers(2, 30)), 1.0),
            state((2, 3, 2), int(r.integers(2, 9))),
            state((int(r.integers(2, 9)),), int(r.integers(30, 200))),
        ]
        return compare_cases(
            "cell_after",
            answer,
            cases,
            ref.cell_after,
            "Hint: the same update, applied step after step to the state it made; "
            "0 steps leave the state as it was.",
            shown=lambda c, f, i, g, n: (
                f"c {show_value(c)}, forget {show_value(f)}, ..., steps {n}"
            ),
        )

    def lstm_parameters(self, answer) -> Verdict:
        """``answer(features, units)``: parameters of an LSTM layer.

        Args:
            answer: the learner's function, run on numbers of features and units; it must
                return an int.
        """
        r = fresh_rng()
        cases = [(1, 1), (13, 13)] + [tuple(map(int, r.integers(1, [129, 257]))) for _ in range(6)]
        return compare_cases(
            "lstm_parameters",
            answer,
            cases,
            ref.lstm_parameters,
            "Hint: how many blocks like a SimpleRNN's does an LSTM hold?",
            integer=True,
        )

    # 10 · Genre comparison
    def holm(self, answer) -> Verdict:
        """``answer(p_values)``: Holm-corrected p-values, in the input's order.

        Args:
            answer: the learner's function, run on lists and arrays of p-values, with ties and
                sorted orders included.
        """
        r = fresh_rng()

        def ps(m, high=0.3):
            return [round(float(p), 3) for p in r.uniform(0.0005, high, m)]

        tie = ps(1)[0]
        cases = [
            (ps(1),),
            (ps(int(r.integers(2, 6))),),
            (sorted(ps(4)),),
            (sorted(ps(4))[::-1],),
            (ps(3, high=0.9),),
            ([tie, *ps(2), tie],),
            (list(np.round(r.uniform(0.5, 1, 3), 3)),),
            (np.array(ps(int(r.integers(5, 9)))),),
        ]
        head = ps(1)[0] / 10
        cases.append(([head * 3.5, head * 1.1, head * 2.5][:: _pick(r, [1, -1])],))  # running max
        return compare_cases(
            "holm",
            answer,
            cases,
            ref.holm,
            "Hint: check the order of your output, the cap at 1, and that a larger "
            "raw p-value never gets a smaller corrected one.",
        )

    def vote_decision(self, answer) -> Verdict:
        """``answer(probabilities)``: the song's genre index by a vote of its segments
        ``(segments, genres)``: the genre most segments rank first; between genres with as many
        votes, the one with the larger mean probability over all the segments.

        Args:
            answer: the learner's function, run on segments' probability matrices, ties and
                votes against the mean included; it must return an int.
        """
        r = fresh_rng()

        def song(*rows, first=False):  # (p of genres 0, 1, 2) per segment, more genres at 0
            probs = np.zeros((len(rows), int(r.integers(3, 6))))
            probs[:, :3] = np.array(rows)
            return (probs if first else probs[r.permutation(len(rows))],)

        cases = [
            song((0.4, 0.3, 0.3), (0.4, 0.3, 0.3), (0, 0.1, 0.9)),  # the vote against the mean
            song(
                (0.6, 0.4, 0), (0.6, 0.4, 0), (0.1, 0.9, 0), (0.1, 0.9, 0)
            ),  # ties the mean breaks,
            song((0.4, 0.6, 0), (0.4, 0.6, 0), (0.9, 0.1, 0), (0.9, 0.1, 0)),  # to either side
            song((0.6, 0.4, 0), (0.1, 0.9, 0), (0.6, 0.4, 0), (0.1, 0.9, 0), first=True),
            song(
                (0.5, 0.1, 0.4), (0.5, 0.1, 0.4), (0.45, 0.55, 0), (0.45, 0.55, 0)
            ),  # voters' mean
            song((0.1, 0, 0.9), (0.55, 0.45, 0), (0.55, 0.45, 0)),  # the max rule's
            (np.round(r.dirichlet(np.ones(int(r.integers(2, 6)))), 2)[None],),
        ]  # one segment
        while len(cases) < 12:
            s, g = int(r.integers(2, 12)), int(r.integers(2, 11))
            probs = np.round(r.dirichlet(np.full(g, 0.5), s), 3)
            if all(np.sum(row == row.max()) == 1 for row in probs):  # no segment undecided
                cases.append((probs,))
        return compare_cases(
            "vote_decision",
            answer,
            cases,
            ref.vote_decision,
            "Hint: count each segment's top genre, and look at the mean "
            "probabilities (over all segments) only between genres with the most "
            "votes.",
            integer=True,
            shown=lambda p: str(np.round(p, 3).tolist()) if p.size <= 30 else f"shape {p.shape}",
        )

    def track_split(self, answer) -> Verdict:
        """``answer(tracks, test_share, seed)``: ``(train, test)`` rows (integer indices in any
        order, or boolean masks) with every track's rows on one side only, within one track of
        ``test_share`` of the tracks in test, repeatable for a seed and different across seeds.

        Args:
            answer: the learner's function, run on several track lists, each with a test share
                and one or more seeds (a seed twice in the first).
        """
        name = "track_split"
        stop = begin_check(name, answer)
        if stop is not None:
            return stop
        for tracks, share, seeds in ref.split_rounds(fresh_rng()):
            shown = (
                f"tracks: {len(np.unique(tracks))} tracks in {len(tracks)} rows, "
                f"test_share {share}, seeds {', '.join(map(str, seeds))}"
            )
            outcomes = run_answers(answer, [(tracks.copy(), share, seed) for seed in seeds])
            problem = ref.split_problem(outcomes, tracks, share, seeds)
            if problem:
                return say_verdict(
                    False,
                    name,
                    f"for ({shown}): {problem}",
                    (tracks, share, seeds),
                    shown,
                    show_value(outcomes[-1][1]),
                )
        return say_verdict(
            True,
            name,
            "no track on two sides, every row used once, about the asked "
            "share of the tracks in test, repeatable (new tracks on every "
            "run).",
        )

    # 11 · Music emotion
    def bias_factor(self, answer) -> Verdict:
        """``answer(truth, predicted)``: Lin's bias correction factor C_b, the CCC's formula
        with Pearson's r divided out (CCC = r C_b), 1/n moments; 0 for constant predictions.

        Args:
            answer: the learner's function, run on pairs of 1-9 rating arrays, constant
                predictions included.
        """
        return compare_cases(
            "bias_factor",
            answer,
            ref.ratings(fresh_rng()),
            ref.bias_factor,
            "Hint: divide the CCC's formula by Pearson's r and simplify before "
            "computing (r is undefined for constant predictions, C_b is not); 1/n "
            "moments, as np.std uses.",
            shown=show_arrays,
        )

    def baseline_r2(self, answer) -> Verdict:
        """``answer(truth, train_mean)``: the R^2 on test songs ``truth`` of a model that
        predicts the training songs' mean ``train_mean`` for every song.

        Args:
            answer: the learner's function, run on test ratings and training means, the test
                songs' own mean included.
        """
        r = fresh_rng()
        cases = [
            (y, m)
            for y, m in (
                (y, float(np.round(y.mean() + r.normal(0, 1), 2))) for y, _ in ref.ratings(r)
            )
        ]
        y = cases[0][0]
        cases += [(y, float(y.mean())), (np.array([4.0, 6.0]), 3.0)]
        return compare_cases(
            "baseline_r2",
            answer,
            cases,
            ref.baseline_r2,
            "Hint: the prediction is the same number for every song; compare its "
            "squared errors with those of the test songs' own mean. It is never "
            "above 0.",
            shown=lambda y, m: f"{show_arrays(y)}, train_mean {m}",
        )


#: The checkers: ``check.<exercise>(answer)``.
check = Checks()
