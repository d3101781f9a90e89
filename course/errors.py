"""One family of errors for what a user can cause, and the argument checks that raise them.

Everything a learner can get wrong (a path that does not exist, a folder without genre
folders, an unreadable audio file, a parameter out of range, a malformed split list) raises a
:class:`CourseError`. Its message names the problem and says what to do. The command line
catches :class:`CourseError` only and prints that one line; any other exception is a bug in the
course and shows its traceback.

The checks below are the one place where arguments are validated, so every function words the
same mistake the same way. This module imports nothing from the course: every other module,
the from-scratch teaching code included, may use it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


class CourseError(Exception):
    """Base class of every mistake a user can make; the message says what to change."""


class ParameterError(CourseError, ValueError):
    """An argument of the wrong shape, type or range."""


class PathNotFoundError(CourseError, FileNotFoundError):
    """A file or folder the user named does not exist."""


class DatasetError(CourseError):
    """A dataset folder, features file or split list that cannot be used."""


class AudioError(CourseError):
    """A file that cannot be used as audio. ``path`` and ``reason`` say which and why.

    Notebook: 00_start_here.ipynb
    """

    def __init__(self, path, reason: str):
        from pathlib import Path

        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ModelError(CourseError):
    """A saved model that cannot be used: its settings are missing, or do not fit the model or
    the course's features."""


class OutputError(CourseError):
    """An output location the course refuses to write, because something there is not its own."""


def check_signal(y, name: str = "y") -> np.ndarray:
    """``y`` as an array, if it is a non-empty mono signal shaped ``(n_samples,)``.

    Args:
        y: the signal (anything ``np.asarray`` accepts).
        name: what the error message calls the argument.
    """
    y = np.asarray(y)
    if y.ndim != 1 or len(y) == 0:
        raise ParameterError(
            f"{name} must be a mono signal shaped (n_samples,), got shape {y.shape}."
        )
    return y


def check_ndim(x, ndim: int | Iterable[int], name: str, layout: str) -> np.ndarray:
    """``x`` as an array, if it has ``ndim`` axes (one of them, when several are allowed).

    Args:
        x: the array to check (anything ``np.asarray`` accepts).
        ndim: the number of axes it must have, or several allowed numbers.
        name: what the error message calls the argument.
        layout: the axes' names for the message, for example ``"(batch, steps, features)"``.
    """
    x = np.asarray(x)
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if x.ndim not in allowed:
        raise ParameterError(f"{name} must be {layout}, got shape {x.shape}.")
    return x


def check_positive(integer: bool = False, unit: str = "", **values) -> None:
    """Each keyword value must be above 0 (and a whole number when ``integer``).

    Args:
        integer: also require whole numbers (an int, not a bool or a float).
        unit: what the values count, for the message ("of <unit>"); '' names none.
        **values: the values to check, each keyword the name the message gives it.
    """
    for name, value in values.items():
        whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
        number = whole or isinstance(value, (float, np.floating))
        if not number or (integer and not whole) or not value > 0:
            kind = "a positive whole number" if integer else "positive"
            raise ParameterError(
                f"{name} must be {kind}{' of ' + unit if unit else ''}, got {value!r}."
            )


def check_at_least(minimum: float, **values) -> None:
    """Each keyword value must be ``minimum`` or more.

    Args:
        minimum: the smallest value allowed.
        **values: the values to check, each keyword the name the message gives it.
    """
    for name, value in values.items():
        if not value >= minimum:
            raise ParameterError(f"{name} must be at least {minimum:g}, got {value!r}.")


def check_fraction(open_low: bool = True, **values) -> None:
    """Each keyword value must lie in (0, 1), or in [0, 1) when ``open_low`` is False.

    Args:
        open_low: refuse 0 too; False allows 0 (1 is refused either way).
        **values: the values to check, each keyword the name the message gives it.
    """
    for name, value in values.items():
        inside = (0.0 < value < 1.0) if open_low else (0.0 <= value < 1.0)
        if not inside:
            interval = "(0, 1)" if open_low else "[0, 1)"
            raise ParameterError(f"{name} must be a fraction in {interval}, got {value!r}.")


def close_match(value, choices: Iterable) -> str:
    """`` (did you mean 'x'?)`` for the choice nearest a mistyped ``value``, or ''.

    Args:
        value: what was given; compared as text.
        choices: the valid values; the nearest one as text, if close enough, is suggested.
    """
    import difflib

    found = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {found[0]!r}?)" if found else ""


def check_choice(name: str, value, choices: Iterable) -> None:
    """``value`` must be one of ``choices``.

    Args:
        name: what the value is, for the message (for example ``"model"``).
        value: the value given.
        choices: the values allowed; the message lists them and suggests the nearest.
    """
    choices = tuple(choices)
    if value not in choices:
        raise ParameterError(
            f"Unknown {name} {value!r}{close_match(value, choices)}; choose from "
            f"{', '.join(map(repr, choices))}."
        )


def import_extra(module: str, extra: str, what: str):
    """``module``, imported, or a :class:`CourseError` that says which extra installs it.

    Args:
        module: the dotted name of the module to import.
        extra: the name of the course's optional-dependency group that installs it.
        what: what needs the module, to begin the message (for example a feature's name).
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module.split(".")[0]:
            raise  # a broken installation of the package itself: a bug to see in full
        raise CourseError(
            f"{what} needs {module}, from the course's [{extra}] extra: "
            f"pip install -e '.[{extra}]' (or pip install -r requirements.txt)."
        ) from None


def check_defined(denominator: float, what: str) -> float:
    """``denominator`` if it is above 0, else a ParameterError ``what`` (never a NaN or inf).

    Args:
        denominator: the number a computation is about to divide by.
        what: the start of the error message, saying what cannot be computed.
    """
    if not denominator > 0:
        raise ParameterError(f"{what}: it divides by {denominator!r}; give values that differ.")
    return denominator


def check_groups(groups, n: int) -> np.ndarray:
    """``groups`` as an array: one whole number per row of ``n``, from 0 with none left out.

    Args:
        groups: the group number of each row (anything ``np.asarray`` accepts).
        n: the number of rows; ``groups`` must have exactly this many entries.
    """
    groups = np.asarray(groups)
    if groups.shape != (n,) or not n or len(np.unique(groups)) != groups.max() + 1:
        raise ParameterError(
            f"groups must number the groups of the {n} rows from 0 with none "
            f"left out, got {groups.size} numbers for "
            f"{len(np.unique(groups))} distinct groups."
        )
    return groups


def check_same_length(**arrays) -> None:
    """All keyword arrays must have the same number of rows.

    Args:
        **arrays: the arrays (anything with a ``len``), each keyword the name the message
            gives it.
    """
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ParameterError(f"Expected the same number of rows: {listed}.")
