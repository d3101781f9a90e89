"""The command line run in this process: ``python -m course ARGS`` without paying for a new
Python and a new TensorFlow import (several seconds) each time.

Tests of what only a fresh process shows (the same seed in two processes, a command that must not
import TensorFlow, an interrupted run) still start one.
"""

import contextlib
import io
import subprocess

from course.__main__ import main


def course_main(*args) -> subprocess.CompletedProcess:
    """Run ``python -m course ARGS`` in-process; returns what :func:`subprocess.run` would
    (``returncode``, ``stdout``, ``stderr``). A bug's exception propagates with its traceback."""
    out, err = io.StringIO(), io.StringIO()
    argv = [str(a) for a in args]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse's own errors exit
            status = exc.code
    return subprocess.CompletedProcess(
        ["python", "-m", "course", *argv], status, out.getvalue(), err.getvalue()
    )
