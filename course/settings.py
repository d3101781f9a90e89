"""Course-wide constants and the one switch between a full run and a smoke run.

Everything a notebook or the command line needs to agree on lives here: the sample rate, the
GTZAN genre names, the notes' feature and training parameters, where the repository's data
folder is, and how many tracks and epochs a run uses. Under pytest (``COURSE_SMOKE=1``, set by
``tests/conftest.py`` and inherited by the nbval kernels) the same code runs with fewer tracks
and epochs, so CI is quick while a learner still gets the full run.

Notebook: 00_start_here.ipynb
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .errors import ParameterError

#: The oldest and newest Python (major, minor) that every dependency supports; pyproject.toml's
#: requires-python says the same (checked by tests/test_requirements.py).
SUPPORTED_PYTHON = ((3, 10), (3, 13))

#: The course's sample rate in Hz; every loader resamples to it.
SAMPLE_RATE = 22050

#: GTZAN's ten genres. Labels are indices into the *sorted* folder names of a dataset, which
#: for GTZAN is exactly this (alphabetical) order.
GENRES = (
    "blues",
    "classical",
    "country",
    "disco",
    "hiphop",
    "jazz",
    "metal",
    "pop",
    "reggae",
    "rock",
)

#: File extensions treated as audio when a dataset folder is scanned (lower case).
AUDIO_EXTENSIONS = (".wav", ".au", ".flac", ".ogg", ".mp3", ".aiff", ".aif")

#: The repository root when the package is used from a checkout (``pip install -e .``),
#: otherwise the current directory.
_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
#: The course's version (``course.__version__``), recorded with every saved model.
COURSE_VERSION = "0.1.0"


def project_root(environ=os.environ, package_parent: Path = _PACKAGE_PARENT) -> Path:
    """Where ``data/``, ``results/`` and the feature cache go: ``$COURSE_HOME`` if set, else the
    checkout the package is installed from (``pip install -e .``), else ``~/dl-audio-course``;
    never the folder Python happens to be started in.

    Args:
        environ: the environment variables to read ``COURSE_HOME`` from.
        package_parent: the folder that holds the package; it is the root when it has a
            ``pyproject.toml``.
    """
    if environ.get("COURSE_HOME", "").strip():
        return Path(environ["COURSE_HOME"].strip()).expanduser().resolve()
    if (package_parent / "pyproject.toml").exists():
        return package_parent
    return Path.home() / "dl-audio-course"


PROJECT_ROOT = project_root()

#: Where the embedded sample, GTZAN (``data/gtzan``) and the feature cache live.
DATA_DIR = PROJECT_ROOT / "data"

#: Default folder for ``python -m course compare`` outputs.
RESULTS_DIR = PROJECT_ROOT / "results"


@dataclass(frozen=True)
class FeatureParams:
    """Every parameter that shapes the MFCC features; the defaults are the notes'.

    Attributes:
        sample_rate: Hz; audio is resampled to it.
        track_duration: seconds of each track that are cut into segments (GTZAN: 30 s).
        segments_per_track: how many equal segments each track is cut into (3 s each by default).
        n_mfcc: MFCC coefficients per frame.
        n_fft: FFT window length in samples.
        hop_length: samples between successive frames.
        n_mels: mel bands before the DCT (librosa's default).

    Notebook: 00_start_here.ipynb, 07_cnn_on_mfcc.ipynb, 08_rnn.ipynb
    """

    sample_rate: int = SAMPLE_RATE
    track_duration: float = 30.0
    segments_per_track: int = 10
    n_mfcc: int = 13
    n_fft: int = 2048
    hop_length: int = 512
    n_mels: int = 128

    def __post_init__(self) -> None:
        positive = {
            "sample_rate": self.sample_rate,
            "track_duration": self.track_duration,
            "segments_per_track": self.segments_per_track,
            "n_mfcc": self.n_mfcc,
            "n_fft": self.n_fft,
            "hop_length": self.hop_length,
            "n_mels": self.n_mels,
        }
        for name, value in positive.items():
            if not value > 0:
                raise ParameterError(f"FeatureParams.{name} must be positive, got {value!r}.")
        if self.n_mfcc > self.n_mels:
            raise ParameterError(
                f"n_mfcc ({self.n_mfcc}) cannot exceed n_mels ({self.n_mels}): "
                "lower n_mfcc or raise n_mels."
            )
        if self.samples_per_segment < self.n_fft // 2:
            raise ParameterError(
                f"A segment of {self.samples_per_segment} samples is too short for n_fft "
                f"{self.n_fft}: use fewer segments_per_track or a smaller n_fft."
            )

    @property
    def samples_per_segment(self) -> int:
        """Samples in one segment: ``int(sample_rate * track_duration / segments_per_track)``."""
        return int(self.sample_rate * self.track_duration / self.segments_per_track)

    @property
    def frames_per_segment(self) -> int:
        """MFCC frames of a full segment (librosa centres frames): 130 for the notes' setting."""
        return 1 + self.samples_per_segment // self.hop_length


@dataclass(frozen=True)
class TrainParams:
    """The notes' training setting: Adam 1e-4, batch 32, 30 epochs, and their split sizes.

    Notebook: 10_genre_comparison.ipynb
    """

    learning_rate: float = 1e-4
    batch_size: int = 32
    epochs: int = 30
    test_size: float = 0.25
    validation_size: float = 0.2


def smoke() -> bool:
    """True when running under the test suite (``COURSE_SMOKE=1``): fewer tracks and epochs."""
    return os.environ.get("COURSE_SMOKE", "").strip().lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class RunSize:
    """How big a run is: the full course setting, or the smoke setting used by CI.

    Attributes:
        tracks_per_genre: tracks per genre that a notebook uses (None means all).
        epochs: epochs for the training cells.
        seeds: how many seeds a multi-seed experiment uses.
    """

    tracks_per_genre: int | None
    epochs: int
    seeds: int


def run_size() -> RunSize:
    """The run size for this process: smoke under pytest, full otherwise.

    Notebook: 00_start_here.ipynb, 03_mfcc.ipynb, 04_neural_network_basics.ipynb,
        05_overfitting.ipynb, 07_cnn_on_mfcc.ipynb, 09_lstm_gru.ipynb, 10_genre_comparison.ipynb,
        11_music_emotion.ipynb
    """
    if smoke():
        # One seed: the smoke setting proves the code runs, and a notebook that needs more
        # (05's verdicts need two) asks for them itself.
        return RunSize(tracks_per_genre=3, epochs=2, seeds=1)
    return RunSize(tracks_per_genre=None, epochs=TrainParams().epochs, seeds=3)


def show_progress(progress: bool = True) -> bool:
    """Whether to draw a progress bar: ``progress``, unless ``TQDM_DISABLE`` is set (as when
    notebooks are executed for committing, so their outputs hold no stale bars).

    Args:
        progress: whether the caller asks for a bar (any truth value).
    """
    return bool(progress) and os.environ.get("TQDM_DISABLE", "").strip().lower() not in {
        "1",
        "true",
        "yes",
    }


#: Packages whose versions runs record, in order; each must be installed for the course to work
#: (the test suite's own packages are not listed: a learner's run does not need them).
PACKAGES = (
    "tensorflow",
    "keras",
    "librosa",
    "numpy",
    "scikit-learn",
    "soundfile",
    "matplotlib",
    "jupyterlab",
)


def versions() -> dict[str, str]:
    """Installed versions of Python and the course's packages ("missing" if absent), as
    recorded with every run's results.
    """
    found = {"python": platform.python_version()}
    for dist in PACKAGES:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "missing"
    return found


def how_found(origin: str) -> str:
    """Where a dataset came from, in words (``origin`` is the rule that found it).

    Args:
        origin: "--data", "sample", a folder such as "data/gtzan", or the name of the
            environment variable that named the dataset (such as "COURSE_DATA").
    """
    if origin.startswith("data/"):
        return f"found in {origin}/"
    return {
        "sample": "used because no dataset was given or found in data/",
        "--data": "given with --data",
    }.get(origin, f"named by ${origin}")
