"""The machinery of the course's checked exercises: running a learner's answer against a
reference on many cases, and the verdict it prints. The checkers themselves, and the drills,
are in :mod:`course.exercises`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _grid(*axes):
    """Every combination of the given values."""
    if not axes:
        yield ()
        return
    for value in axes[0]:
        for rest in _grid(*axes[1:]):
            yield (value, *rest)


def _clean(text: str) -> str:
    """Messages name temporary files by their folder's name only, not the machine's path."""
    import tempfile

    return text.replace(tempfile.gettempdir().rstrip("/\\") + "/", "")


class Verdict:
    """A checker's answer: true if the exercise is right. It has printed itself, so a notebook
    shows nothing more when it is a cell's last value."""

    def __init__(self, ok: bool):
        self.ok = bool(ok)

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"Verdict({self.ok})"

    def _ipython_display_(self) -> None:
        pass


def _say(ok: bool, name: str, text: str) -> Verdict:
    print(_clean(f"✔ {name}: {text}" if ok else f"✘ {name}: {text}"))
    return Verdict(ok)


def _compare(name: str, answer: Callable, reference: Callable, cases, hint: str,
             tol: float = 1e-6, shown: Callable | None = None) -> Verdict:
    """Run ``answer`` and ``reference`` on every case; report the first disagreement."""
    if not callable(answer):
        return _say(False, name, f"give a function, not {type(answer).__name__}. {hint}")
    cases = list(cases)
    try:
        with np.errstate(all="ignore"):
            unanswered = answer(*cases[0]) is None
    except Exception:  # noqa: BLE001 -- a crash is reported below, case by case
        unanswered = False
    if unanswered:
        return _say(False, name, "not answered yet: write your answer in the function above and "
                                 "run the cell again.")
    for case in cases:
        expected = reference(*case)
        args = ", ".join(str(c) for c in shown(*case)) if shown else ", ".join(map(_short, case))
        try:
            with np.errstate(all="ignore"):  # the message says what went wrong, not numpy
                got = answer(*case)
        except Exception as exc:  # noqa: BLE001 -- the learner's code: report, never crash
            return _say(False, name, f"({args}) raised {type(exc).__name__}: {exc}. {hint}")
        try:
            same = np.allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float),
                               rtol=tol, atol=tol, equal_nan=False)
            same = same and np.shape(got) == np.shape(expected)
        except (TypeError, ValueError):
            same = False
        if not same:
            return _say(False, name, f"for ({args}) your answer gives {_short(got)}, but it "
                                     f"should be {_short(expected)}. {hint}")
    return _say(True, name, f"right on all {len(cases)} cases, edge cases included.")


def _short(value) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return np.array2string(np.round(value, 4), separator=", ")
        return f"an array of shape {value.shape}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _value(name: str, answer, expected, hint: str) -> Verdict:
    if answer is None:
        return _say(False, name, "not answered yet: put your answer in the cell and run it again.")
    try:
        same = tuple(np.atleast_1d(answer).tolist()) == tuple(np.atleast_1d(expected).tolist())
    except (TypeError, ValueError):
        same = False
    if same:
        return _say(True, name, "right.")
    return _say(False, name, f"{_short(answer)} is not it. {hint}")
