"""Shared test fixtures: small datasets the tests make themselves, and the command line's
one-line errors. The smoke setting and the markers are set in the repository's ./conftest.py,
which pytest loads first."""

import numpy as np
import pytest
import soundfile as sf
from cli_run import course_main

from course.plots import use_course_style
from course.settings import GENRES, SAMPLE_RATE

use_course_style()  # figures in the tests look as in the notebooks, which call it first


@pytest.fixture
def cli_error():
    """Run the command line in-process on a user's mistake; returns its stderr line. Fails
    unless the exit status is 2 and that line is all it printed there: no usage block, no
    traceback."""

    def run(*argv):
        proc = course_main(*argv)
        err = proc.stderr.strip()
        assert proc.returncode == 2, (argv, err)
        assert len(err.splitlines()) == 1 and "Traceback" not in err and "usage:" not in err, err
        return err

    return run


@pytest.fixture(scope="session")
def tiny_sample(tmp_path_factory):
    """The synthetic sample with two tracks per genre (the same bytes as the full sample's
    first two tracks of each genre)."""
    from course.sample import make_sample

    return make_sample(
        tmp_path_factory.mktemp("sample") / "sample", tracks_per_genre=2, progress=False
    )


@pytest.fixture
def sample_tracks(tmp_path):
    """``sample_tracks(n)``: a folder whose first ``n`` tracks per genre are the synthetic
    sample's (default seed). It is data/sample when the notebooks have made it (same version
    and settings, so the same bytes; read, never written), else ``n`` per genre made in a
    temporary folder. Read it with ``prepare(folder, tracks_per_genre=n)``."""
    from course.sample import SAMPLE_DIR, make_sample, sample_matches

    def folder(n: int):
        if sample_matches(SAMPLE_DIR):
            return SAMPLE_DIR
        return make_sample(tmp_path / "sample", tracks_per_genre=n, progress=False)

    return folder


@pytest.fixture(scope="session")
def tiny_features(tiny_sample):
    """MFCC features of :func:`tiny_sample`, computed without the cache."""
    from course.features import prepare

    return prepare(str(tiny_sample), cache=False, progress=False)


@pytest.fixture(scope="session")
def fma_root(tmp_path_factory):
    """A small FMA copy as its archives unpack (``fma_metadata/`` beside ``fma_small/``), built
    once per session; :mod:`fma_fixture` says what is in it. Returns the folder holding both."""
    from fma_fixture import make_fma

    return make_fma(tmp_path_factory.mktemp("fma"))


def write_tone(path, seconds=3.5, sr=SAMPLE_RATE, channels=1, freq=440.0, subtype=None, fmt=None):
    """Write a test tone; returns the path."""
    t = np.arange(int(seconds * sr)) / sr
    y = 0.5 * np.sin(2 * np.pi * freq * t)
    data = (
        np.stack([y * (c + 1) / channels for c in range(channels)], axis=1) if channels > 1 else y
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, data, sr, subtype=subtype, format=fmt)
    return path


@pytest.fixture
def make_tone():
    return write_tone


@pytest.fixture
def genres():
    return GENRES


@pytest.fixture
def text_contrast(monkeypatch):
    """Check, when the test ends, every figure a course plotting function finished in it: all its
    text meets WCAG 2.1 AA contrast against what it stands on (tests/figure_checks.py). The
    plotting functions all end by calling ``describe(fig, ...)`` (or ``describe_panel``, which
    calls it), which is where they are seen."""
    from figure_checks import low_contrast_texts

    import course.figure_text

    finished, describe = {}, course.figure_text.describe

    def recording(fig, message):
        finished[id(fig)] = fig
        return describe(fig, message)

    # describe_panel goes through course.figure_text.describe, the others through their own name
    for module in ("figure_text", "plots", "signal_plots", "learning_plots"):
        monkeypatch.setattr(f"course.{module}.describe", recording)
    yield
    problems = [p for fig in finished.values() for p in low_contrast_texts(fig)]
    assert not problems, f"text below WCAG AA contrast: {problems}"
