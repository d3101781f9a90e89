"""The machinery of the course's checked exercises: running a learner's answer on fresh cases,
reading what it returns, and the verdict it prints. The checkers themselves, and the drills, are
in :mod:`course.exercises`; the reference answers are in :mod:`course._references`.

What a pass promises, and how this module keeps it:

- **Fresh cases.** A checker draws its cases from :func:`fresh_rng`, a generator seeded by the
  operating system, on every call, together with the edge cases of its exercise, so no table of
  answers copied from earlier messages passes.
- **Nothing but the learner's own output.** A failure names the case and what the answer gave,
  with a hint that nudges; it never prints the expected value.
- **Every answer gets a verdict.** Each call runs in a daemon thread (:func:`run_answer`) with a
  time limit of :data:`TIME_LIMIT` seconds per case; whatever it returns or raises is read inside
  ``try`` (:func:`_judge`), so the checker itself never raises. Python cannot kill a thread: on
  a time-out the checker asks the thread to stop by raising an exception in it (CPython's
  ``PyThreadState_SetAsyncExc``), which ends a loop written in Python at its next step but not
  one stuck inside a single long C call (a huge numpy operation), which runs on in the
  background until it returns.
- **"Not answered yet"** only for the untouched stub: a function whose code does nothing but
  return None (:func:`_does_nothing`). Any other answer that returns None is told so, with the
  case: usually a forgotten ``return``.
- **Every correct form.** Numbers may be Python or numpy scalars, or one-element arrays where
  one number is asked for; counts must be integers (not ``bool``, not a float); values are
  compared with a tolerance that follows float64 arithmetic (``rtol`` 1e-9 plus an absolute
  tolerance scaled to the values), and :class:`Either` lists several right values.
"""

from __future__ import annotations

import copy
import ctypes
import dis
import numbers
import os
import threading
from collections.abc import Callable, Iterable

import numpy as np

#: Seconds one call of a learner's function may take before the checker gives up on it.
TIME_LIMIT = 5.0
#: The first call of an answer may take this many times as long: it may import a library
#: (Keras alone takes several seconds the first time).
FIRST_CALL_FACTOR = 6


def fresh_rng() -> np.random.Generator:
    """A generator seeded by the operating system: different cases on every call."""
    return np.random.default_rng()


def clean_paths(text: str) -> str:
    """Messages name temporary files by their folder's name only, not the machine's path.

    Args:
        text: a message; the temporary directory's path and its separator are removed from it.
    """
    import tempfile

    return text.replace(tempfile.gettempdir().rstrip("/\\") + "/", "")


class Verdict:
    """A checker's answer: true if the exercise is right. It has printed itself, so a notebook
    shows nothing more when it is a cell's last value. ``message`` is what it printed and
    ``case`` the arguments of the case that failed (None if none did); ``shown`` and ``got`` are
    how the message showed that case and the answer's output."""

    def __init__(self, ok: bool, message: str = "", case=None, shown: str = "", got: str = ""):
        self.ok = bool(ok)
        self.message, self.case, self.shown, self.got = message, case, shown, got

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"Verdict({self.ok})"

    def _ipython_display_(self) -> None:
        pass


def say_verdict(
    ok: bool, name: str, text: str, case=None, shown: str = "", got: str = ""
) -> Verdict:
    """Print a verdict's one line (✔ or ✘, the exercise's name, ``text``) and return it.

    Args:
        ok: whether the answer passed.
        name: the checker's name, as in ``check.<name>``.
        text: what to say after the name.
        case: the arguments of the case that failed, kept as ``Verdict.case``; on a failure
            whose ``shown`` mentions a shape or "...", the message says how to get them.
        shown: how the message showed that case.
        got: how the message showed the answer's output.
    """
    if not ok and case is not None and ("shape" in shown or "..." in shown):
        text += (
            f" (Not every value of the case is shown: v = check.{name}(your_function) "
            "keeps it, and v.case holds its arguments to try.)"
        )
    message = clean_paths(f"✔ {name}: {text}" if ok else f"✘ {name}: {text}")
    print(message)
    return Verdict(ok, message, case, shown, got)


class Either(tuple):
    """Several values, any of which is right (equivalent published constants, tied indices)."""


class _TimeUp(BaseException):
    """Raised inside an answer's thread when its time is up (not an ``Exception``, so that a
    learner's ``except Exception`` does not swallow it)."""


def _stop(thread: threading.Thread) -> None:
    """Ask a thread to stop by raising :class:`_TimeUp` in it (CPython only; best effort)."""
    try:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(_TimeUp)
        )
    except Exception:  # noqa: BLE001 -- another Python: the daemon thread runs on unseen
        pass


def run_answer(answer: Callable, args: tuple, limit: float | None = None) -> tuple[str, object]:
    """Run ``answer(*args)`` in a daemon thread for at most ``limit`` seconds (default
    :data:`TIME_LIMIT`). Returns ``("value", result)``, ``("raised", exception)`` or
    ``("timeout", None)``; never raises, except for the user's own Ctrl-C.

    Args:
        answer: the learner's function.
        args: the arguments to call it with.
        limit: seconds to wait for it; None means :data:`TIME_LIMIT`.
    """
    limit = TIME_LIMIT if limit is None else limit
    box: dict = {}

    def work():
        try:
            with np.errstate(all="ignore"):  # the message says what went wrong, not numpy
                box["value"] = answer(*args)
        except _TimeUp:
            pass
        except BaseException as exc:  # noqa: BLE001 -- the learner's code: report, never crash
            box["error"] = exc

    thread = threading.Thread(target=work, daemon=True, name="course-check")
    thread.start()
    try:
        thread.join(limit)
    except BaseException:  # Ctrl-C while waiting: stop the answer too, then let it through
        _stop(thread)
        raise
    if thread.is_alive():
        _stop(thread)
        return "timeout", None
    if "error" in box:
        return "raised", box["error"]
    return "value", box.get("value")


def run_answers(answer: Callable, arg_list: list[tuple]) -> list[tuple[str, object]]:
    """:func:`run_answer` for each set of arguments in turn, up to the first call that raises or
    runs out of time (a call that returns None counts as a value).

    Args:
        answer: the learner's function.
        arg_list: the argument tuples, run in order; the first that raises or times out is the
            last run.
    """
    outcomes = []
    for args in arg_list:
        outcomes.append(run_answer(answer, args))
        if outcomes[-1][0] != "value":
            break
    return outcomes


_IGNORED_OPS = {"RESUME", "NOP", "CACHE", "COPY_FREE_VARS", "MAKE_CELL"}
_RETURNS_NONE = ([("RETURN_CONST", None)], [("LOAD_CONST", None), ("RETURN_VALUE", None)])


def _does_nothing(answer) -> bool:
    """True for the untouched stub: a function whose code only returns None (``return None``,
    ``pass`` or ``...``, with or without a docstring or comment)."""
    try:
        code = answer.__code__
        ops = [
            (i.opname, i.argval) for i in dis.get_instructions(code) if i.opname not in _IGNORED_OPS
        ]
    except Exception:  # noqa: BLE001 -- a builtin, a class, a partial: an answer
        return False
    return ops in _RETURNS_NONE


def begin_check(name: str, answer) -> Verdict | None:
    """The verdict for something that cannot be an answer yet, or None to go on.

    Args:
        name: the checker's name, as in ``check.<name>``.
        answer: what the learner passed: not a function, or the untouched stub, gets a verdict.
    """
    if not callable(answer):
        return say_verdict(
            False,
            name,
            f"give a function (the name of the one you wrote, without "
            f"calling it), not {type(answer).__name__}.",
        )
    if _does_nothing(answer):
        return say_verdict(
            False,
            name,
            "not answered yet: write your answer in the function above and run the cell again.",
        )
    return None


def show_value(value, limit: int = 8) -> str:
    """A short text of a value as a learner would read it: small things in full, big ones by
    their shape.

    Args:
        value: anything an answer may return or raise.
        limit: the most elements an array, list or tuple may have to be shown in full.
    """
    try:
        if value is None or isinstance(value, (bool, np.bool_)):
            return repr(value)
        if isinstance(value, numbers.Integral):
            return str(int(value))
        if isinstance(value, (float, np.floating)):
            return repr(float(value))
        if isinstance(value, (str, bytes)):
            text = repr(value)
            return text if len(text) <= 40 else text[:37] + "...'"
        if isinstance(value, np.ndarray):
            if value.size <= limit and value.ndim <= 2:
                return "array(" + " ".join(np.array2string(value, separator=", ").split()) + ")"
            return f"an array of shape {value.shape}"
        if isinstance(value, (list, tuple)):
            if len(value) <= limit and all(
                isinstance(v, (numbers.Number, str, np.generic)) or v is None for v in value
            ):
                inner = ", ".join(show_value(v) for v in value)
                if isinstance(value, list):
                    return f"[{inner}]"
                return f"({inner}{',' * (len(value) == 1)})"
            return f"a {type(value).__name__} of {len(value)} items"
        if isinstance(value, dict):
            return f"a dict of {len(value)} items"
        if isinstance(value, BaseException):
            text = " ".join(str(value).split())
            return f"{type(value).__name__}: {text if len(text) <= 200 else text[:197] + '...'}"
        return f"a {type(value).__name__}"
    except Exception:  # noqa: BLE001 -- whatever the answer returned
        return "something that cannot be shown"


def short_value(value) -> str:
    """A drill's result as :func:`course.exercises.run_drill` prints it.

    Args:
        value: what the drill's code returned.
    """
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return np.array2string(np.round(value, 4), separator=", ")
        return f"an array of shape {value.shape}"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _show_case(args: tuple) -> str:
    return ", ".join(show_value(a) for a in args)


def show_arrays(*arrays) -> str:
    """Arguments that are arrays: small ones in full, constant ones by their value, others by
    their shape.

    Args:
        *arrays: the case's arguments, each shown in turn and joined with commas.
    """

    def one(a):
        if np.size(a) <= 6:
            return show_value(a)
        flat = np.ravel(a)
        if np.all(flat == flat[0]):
            return f"{len(flat)} values, all {show_value(flat[0])}"
        return f"shape {np.shape(a)}"

    return ", ".join(one(a) for a in arrays)


_COUNT = "a count or an index is a whole number: give an int (// and int() give one)"


def _as_array(got) -> tuple[np.ndarray | None, str]:
    """``got`` as a float array, or None and what kind of thing it is instead."""
    if got is None:
        return None, "None"
    if isinstance(got, (str, bytes)):
        return None, f"text ({show_value(got)}), not a number"
    if isinstance(got, (bool, np.bool_)):
        return None, f"{got!r}, a truth value, not a number"
    if isinstance(got, (dict, set, frozenset)) or callable(got):
        return None, f"{show_value(got)}, not a number or a list, tuple or array of numbers"
    try:
        arr = np.asarray(got)
        if arr.dtype.kind == "O":
            arr = arr.astype(float)
    except Exception:  # noqa: BLE001 -- ragged lists, generators, objects
        return None, f"{show_value(got)}, which is not a number or an array of numbers"
    if arr.dtype.kind == "b":
        return None, f"{show_value(got)}: truth values, not numbers"
    if arr.dtype.kind in "USa":
        return None, f"{show_value(got)}: text, not numbers"
    if arr.dtype.kind == "c":
        return None, f"{show_value(got)}: complex numbers"
    if arr.dtype.kind not in "iuf":
        return None, f"{show_value(got)}, which is not a number or an array of numbers"
    return arr, ""


def _judge(
    got, expected, *, integer: bool = False, rtol: float = 1e-9, atol: float = 1e-9
) -> tuple[bool, str]:
    """Whether ``got`` is right, and if not what is wrong with its type or shape ('' for a wrong
    value). ``expected`` is a number, an array or an :class:`Either` of them; a number may come
    as a one-element array; an integer answer must have an integer type."""
    try:
        arr, problem = _as_array(got)
        if arr is None:
            return False, problem
        options = list(expected) if isinstance(expected, Either) else [expected]
        exp0 = np.asarray(options[0])
        if exp0.ndim == 0:
            if arr.size != 1:
                return False, f"{show_value(got)}: the answer is one number"
            arr = arr.reshape(())
        elif arr.shape != exp0.shape:
            shown = show_value(got) if arr.size <= 8 else "an array"
            return False, f"{shown} of shape {arr.shape}, not the shape the answer needs"
        if integer and arr.dtype.kind not in "iu":
            kind = f"a {type(got).__name__}" if arr.ndim == 0 else "it holds floats"
            return False, f"{show_value(got)}, {kind}: {_COUNT}"
        if arr.dtype.kind == "f" and arr.dtype.itemsize < 8:  # float32 (Keras, TensorFlow):
            rtol, atol = max(rtol, 1e-5), max(atol, 1e-6)  # its own precision, not float64's
        for option in options:
            option = np.asarray(option, dtype=float)
            if integer:
                if np.array_equal(arr, option):
                    return True, ""
                continue
            scale = np.max(np.abs(option), initial=0.0, where=np.isfinite(option))
            with np.errstate(all="ignore"):
                if np.allclose(arr.astype(float), option, rtol=rtol, atol=atol * max(1.0, scale)):
                    return True, ""
        return False, ""
    except Exception:  # noqa: BLE001 -- whatever the answer returned
        return False, f"{show_value(got)}, which the checker cannot read as a number"


def compare_cases(
    name: str,
    answer,
    cases: Iterable,
    reference: Callable,
    hint: str,
    *,
    integer: bool = False,
    rtol: float = 1e-9,
    atol: float = 1e-9,
    shown: Callable | None = None,
) -> Verdict:
    """Run ``answer`` on every case (a tuple of arguments), each against ``reference`` on the
    same arguments; report the first case that goes wrong, with what the answer gave.

    Args:
        name: the checker's name, as in ``check.<name>``.
        answer: the learner's function.
        cases: the argument tuples; each call gets its own deep copy.
        reference: the course's own function, which gives the expected value of a case.
        hint: what a failure adds after saying what the answer gave.
        integer: the answer is a count or index: it must have an integer type and match
            exactly.
        rtol: relative tolerance of the comparison.
        atol: absolute tolerance, scaled by the largest finite expected magnitude (at least 1).
        shown: a function of a case's arguments that gives the text shown for it; None shows
            each argument with :func:`show_value`.
    """
    stop = begin_check(name, answer)
    if stop is not None:
        return stop
    cases = list(cases)
    for i, args in enumerate(cases):
        expected = reference(*copy.deepcopy(args))
        text = shown(*args) if shown else _show_case(args)
        limit = TIME_LIMIT * (FIRST_CALL_FACTOR if i == 0 else 1)
        outcome, got = run_answer(answer, copy.deepcopy(args), limit=limit)
        if outcome == "timeout":
            return say_verdict(
                False,
                name,
                f"took longer than {limit:g} s on ({text}): an endless loop?",
                args,
                text,
            )
        if outcome == "raised":
            return say_verdict(
                False, name, f"({text}) raised {show_value(got)}. {hint}", args, text
            )
        if got is None:
            return say_verdict(
                False,
                name,
                f"returned None for ({text}): did you forget a return? (print only shows a value)",
                args,
                text,
                "None",
            )
        ok, problem = _judge(got, expected, integer=integer, rtol=rtol, atol=atol)
        if not ok:
            what = show_value(got)
            if problem:  # a type or a shape; a shape gets the hint too
                more = f" {hint}" if "shape" in problem or "one number" in problem else ""
                return say_verdict(
                    False,
                    name,
                    f"for ({text}) your answer gives {problem}.{more}",
                    args,
                    text,
                    what,
                )
            return say_verdict(
                False,
                name,
                f"for ({text}) your answer gives {what}, which is not right. {hint}",
                args,
                text,
                what,
            )
    return say_verdict(
        True, name, f"right on all {len(cases)} cases, edge cases included (new ones on every run)."
    )


# Readers of answers that take many forms (used by the judges in course._references).


def stopped_reason(outcome: str, got, where: str) -> str:
    """What to say about a call that did not return a value ('' if it did).

    Args:
        outcome: the first item of :func:`run_answer`'s result.
        got: the second item: the value returned, or the exception raised.
        where: words that place the call, such as "with seed 3"; '' for none.
    """
    if outcome == "timeout":
        return f"took longer than {TIME_LIMIT:g} s{' ' + where if where else ''}: an endless loop?"
    if outcome == "raised":
        return f"{where + ' ' if where else ''}it raised {show_value(got)}."
    if got is None:
        return (
            f"returned None{' ' + where if where else ''}: did you forget a return? (print "
            "only shows a value)"
        )
    return ""


def named_items(item, names) -> set[str]:
    """The file names an item (a path, a name, a pair, an error, ...) mentions.

    Args:
        item: anything; its text and its ``filename`` and ``path`` attributes are searched.
        names: the file names to look for.
    """
    text = str(item) + " " + " ".join(str(getattr(item, a, "")) for a in ("filename", "path"))
    return {n for n in names if n in text}


def _samples(x):
    try:
        arr = np.asarray(x)
        if arr.ndim == 1 and arr.dtype.kind in "iuf" and arr.size > 2:
            return arr.astype(float)
    except Exception:  # noqa: BLE001 -- whatever the answer put there
        pass
    return None


def clip_item(key, item):
    """``(key, samples)`` of one clip: an array, ``(path, audio)`` or ``(audio, rate)``.

    Args:
        key: the clip's key in the answer (a file name or path), or None when it has none; a
            path inside ``item`` replaces it.
        item: the clip as the answer gave it; its samples are None unless they are a 1-D
            numeric array of more than two values.
    """
    if isinstance(item, (tuple, list)) and len(item) == 2:
        a, b = item
        if isinstance(a, (str, os.PathLike)):
            return clip_item(a, b)
        if isinstance(b, numbers.Number) and not isinstance(b, bool) and np.ndim(a) == 1:
            return key, _samples(a)
    return key, _samples(item)


def row_indices(side, n_rows: int) -> tuple[np.ndarray | None, str]:
    """One side of a split as int64 row indices and '', or None and what the side is instead.

    Args:
        side: row indices (integers) or a boolean mask over the rows, or ``np.where``'s
            one-element tuple of them.
        n_rows: the number of rows; indices must lie in 0 to ``n_rows - 1`` and a mask have
            that many values.
    """
    if isinstance(side, tuple) and len(side) == 1:  # np.where's and np.nonzero's answer
        side = side[0]
    try:
        arr = np.asarray(side)
    except Exception:  # noqa: BLE001
        return None, show_value(side)
    if arr.ndim == 1 and arr.size == 0:
        return np.zeros(0, np.int64), ""
    if arr.ndim != 1:
        return None, f"{show_value(side)}, not one row of values"
    if arr.dtype.kind == "b":
        if len(arr) != n_rows:
            return None, f"a mask of {len(arr)} values for {n_rows} rows"
        return np.flatnonzero(arr), ""
    if arr.dtype.kind not in "iu":
        return None, show_value(side)
    if arr.min() < 0 or arr.max() >= n_rows:
        return None, f"{show_value(side)}, with indices outside 0 to {n_rows - 1}"
    return arr.astype(np.int64), ""
