"""The command line's options: one parser for ``python -m course`` (its commands are in
:mod:`course.__main__`). It takes no abbreviated option (``--epoch`` is not ``--epochs``), reads
every value as it parses (a count must be a whole number of at least 1), and says a mistake in
one line that points to ``--help``, with the nearest option or command when one was mistyped.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable

from .errors import close_match
from .settings import RESULTS_DIR, FeatureParams, TrainParams

#: The help of ``site`` and ``slides``'s option that publishes without the hidden solutions.
WITHOUT_SOLUTIONS = (
    "leave out every hidden solution and every pointer to one, as the students' copies do "
    "(publish this while exercises are open)"
)


class CourseParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` without abbreviations whose errors are one line: what is wrong, a
    close match if there is one, and where the usage is (``--help``)."""

    options: list[str] = []  # every option of every command, set by build_parser

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        """Print the mistake as one line, with the nearest option or command when one was
        mistyped and a pointer to ``--help``, and exit with status 2.

        Args:
            message: argparse's description of the mistake.
        """
        unknown = re.match(r"unrecognized arguments: (.*)", message)
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if unknown:
            first = next((w for w in unknown.group(1).split() if w.startswith("-")), "")
            message += close_match(first.split("=")[0], self.options) if first else ""
        elif choice:
            message += close_match(choice.group(1), re.findall(r"'([^']*)'", choice.group(2)))
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        sys.exit(2)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text}")
    return value


def _add_data(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        metavar="PATH",
        default=None,
        help="dataset folder (genre folders of audio, or a parent such as GTZAN's "
        "Data/ or genres/); default: $COURSE_DATA, then data/gtzan/, then the "
        "synthetic sample",
    )
    p.add_argument(
        "--tracks-per-genre",
        type=_positive_int,
        default=None,
        metavar="N",
        help="use only the first N tracks of each genre",
    )


def _add_features(p: argparse.ArgumentParser) -> None:
    d = FeatureParams()
    g = p.add_argument_group("feature parameters (defaults: the notes')")
    g.add_argument("--sr", type=_positive_int, default=d.sample_rate, help="sample rate in Hz")
    g.add_argument(
        "--duration", type=float, default=d.track_duration, help="seconds of each track to use"
    )
    g.add_argument(
        "--segments", type=_positive_int, default=d.segments_per_track, help="segments per track"
    )
    g.add_argument("--n-mfcc", type=_positive_int, default=d.n_mfcc, help="MFCCs per frame")
    g.add_argument("--n-fft", type=_positive_int, default=d.n_fft, help="FFT length in samples")
    g.add_argument(
        "--hop-length",
        type=_positive_int,
        default=d.hop_length,
        help="hop between frames in samples",
    )
    g.add_argument("--n-mels", type=_positive_int, default=d.n_mels, help="mel bands")
    g.add_argument("--no-cache", action="store_true", help="recompute even if cached")
    g.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        help="threads across tracks (default: the cores available)",
    )


def build_parser(commands: dict[str, Callable]) -> CourseParser:
    """The ``python -m course`` argument parser; each sub-command sets its function, from
    ``commands`` (by name), as ``func``.

    Args:
        commands: the function of every sub-command by its name (check, sample, prepare,
            baseline, compare, predict, exercises, slides, site, guide); each is called with the
            parsed arguments.
    """
    ap = CourseParser(
        prog="python -m course",
        description="Deep Learning for Audio with Python: the course's command line.",
    )
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check", help="report versions, GPU or CPU, and the dataset found")
    p.add_argument("--data", metavar="PATH", default=None, help="dataset folder to check")
    p.set_defaults(func=commands["check"])

    p = sub.add_parser("sample", help="generate the synthetic sample dataset")
    p.add_argument(
        "--out-dir",
        metavar="DIR",
        default=None,
        help="folder to write it to (default: data/sample)",
    )
    p.add_argument("--tracks-per-genre", type=_positive_int, default=None, metavar="N")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--force", action="store_true", help="rebuild even if it exists")
    p.set_defaults(func=commands["sample"])

    p = sub.add_parser("prepare", help="compute MFCC features into a .npz file")
    _add_data(p)
    p.add_argument(
        "--out-file",
        metavar="FILE.npz",
        default=None,
        help="also write the features to this file (default: only the cache in data/cache/)",
    )
    _add_features(p)
    p.set_defaults(func=commands["prepare"])

    p = sub.add_parser("baseline", help="score the traditional ML baseline on a dataset")
    _add_data(p)
    p.add_argument("--seed", type=int, default=0)
    _add_features(p)
    p.set_defaults(func=commands["baseline"])

    t = TrainParams()
    p = sub.add_parser("compare", help="train and compare the models")
    _add_data(p)
    p.add_argument(
        "--task",
        choices=("genre", "emotion"),
        default="genre",
        help="genre: classify genres (GTZAN's layout); emotion: predict valence and "
        "arousal (DEAM's layout; --data, then $COURSE_EMOTION_DATA, data/deam/, "
        "then the synthetic emotion sample); default: %(default)s",
    )
    p.add_argument(
        "--songs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="emotion: use only the first N songs",
    )
    p.add_argument(
        "--models",
        default="mlp,cnn,lstm",
        help="comma-separated models from mlp, cnn, lstm, gru, rnn; add "
        "'-standardised' to a name (mlp-standardised) to scale its inputs with "
        "training statistics (default: %(default)s)",
    )
    p.add_argument(
        "--no-baseline",
        action="store_true",
        help="leave out the traditional baseline (per-track MFCC statistics into a "
        "logistic regression, on the same splits)",
    )
    p.add_argument(
        "--protocol",
        choices=("track", "notes", "published"),
        default="track",
        help="track: no track on two sides (default); notes: segments split at "
        "random, as in the notes (song accuracy and the baseline are then "
        "leaky); published: the split that ships with the dataset (FMA's "
        "artist-filtered split)",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="seed of a single run (ignored with --seeds)"
    )
    p.add_argument(
        "--seeds",
        type=_positive_int,
        default=None,
        metavar="N",
        help="repeat with seeds 0..N-1 and report mean and spread",
    )
    p.add_argument(
        "--split-file",
        metavar="PATH",
        default=None,
        help="published train/validation/test lists (a folder of train*.txt, "
        "valid*.txt, test*.txt, or a file of '<side> <track>' lines); "
        "replaces --protocol's split",
    )
    p.add_argument("--epochs", type=_positive_int, default=t.epochs)
    p.add_argument("--batch-size", type=_positive_int, default=t.batch_size)
    p.add_argument("--learning-rate", type=float, default=t.learning_rate)
    p.add_argument(
        "--out-dir",
        metavar="DIR",
        default=None,
        help=f"folder for the results (default: {RESULTS_DIR.name}/compare)",
    )
    p.add_argument(
        "--save-models",
        metavar="DIR",
        default=None,
        help="folder to save every trained network in, for predict (default: the "
        "results folder's models/)",
    )
    _add_features(p)
    p.set_defaults(func=commands["compare"])

    p = sub.add_parser("predict", help="classify audio files of any length with a saved model")
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="audio files (any format the course reads) or folders of them",
    )
    p.add_argument(
        "--model",
        metavar="PATH",
        default=None,
        help="a saved .keras model, or a folder of them (the one with the best recorded "
        "validation song accuracy is used); "
        f"default: {RESULTS_DIR.name}/compare/models, where compare saves",
    )
    p.add_argument(
        "--top",
        type=_positive_int,
        default=3,
        metavar="K",
        help="how many genres to print per file (default: %(default)s)",
    )
    p.add_argument(
        "--plot",
        action="store_true",
        help="also write a figure of each file's genre probabilities over time",
    )
    p.add_argument(
        "--out-dir",
        metavar="DIR",
        default=None,
        help=f"folder for the figures (default: {RESULTS_DIR.name}/predict)",
    )
    p.set_defaults(func=commands["predict"])

    p = sub.add_parser("exercises", help="class copies of the notebooks, or an nbgrader course")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--without-solutions",
        action="store_true",
        help="remove every hidden solution (the students' copies)",
    )
    which.add_argument("--with-solutions", action="store_true", help="keep them (an answer key)")
    which.add_argument(
        "--nbgrader",
        action="store_true",
        help="an nbgrader course folder: "
        "nbgrader_config.py and source/NN_name/, the checked exercises autograded",
    )
    p.add_argument("--out-dir", metavar="DIR", required=True, help="folder to write to")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace files edited since the course "
        "wrote them; write solutions beside the students' copies",
    )
    p.set_defaults(func=commands["exercises"])

    p = sub.add_parser("slides", help="write notebooks as slide decks that present offline")
    p.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="executed .ipynb files (default: every course notebook)",
    )
    p.add_argument(
        "--out-dir",
        metavar="DIR",
        default=None,
        help="folder for the decks and their scripts (default: build/slides)",
    )
    p.add_argument("--without-solutions", action="store_true", help=WITHOUT_SOLUTIONS)
    p.set_defaults(func=commands["slides"])

    p = sub.add_parser("site", help="write the notebooks as a static site to read offline")
    p.add_argument(
        "--out-dir", metavar="DIR", default=None, help="folder for the site (default: build/site)"
    )
    p.add_argument("--without-solutions", action="store_true", help=WITHOUT_SOLUTIONS)
    p.set_defaults(func=commands["site"])

    p = sub.add_parser(
        "guide", help="write the instructor's answer key, generated from the notebooks' solutions"
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        default=None,
        help="the Markdown file to write (default: docs/ANSWER_KEY.md)",
    )
    p.set_defaults(func=commands["guide"])
    options = sorted(
        {o for p in [ap, *sub.choices.values()] for a in p._actions for o in a.option_strings}
    )
    for p in [ap, *sub.choices.values()]:
        p.options = options
    return ap
