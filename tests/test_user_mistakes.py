"""Every mistake a user can make is one CourseError line that says what to do, raised before any
expensive work, and no public function hands back NaN or inf for a mistake; the command line
takes no abbreviated option and says a mistake in one line with a close match and a pointer to
--help. Everything here runs in-process (``main([...])`` with capsys), without a subprocess."""

import numpy as np
import pytest

from course.errors import CourseError, ParameterError


# ------------------------------------------------------------------ the package's functions
def test_a_split_list_that_is_not_utf8_is_named(tmp_path):
    from course.splits import read_split_lists

    path = tmp_path / "split.txt"
    path.write_bytes("train blues/blues.00000.wav\ntest caf\xe9/x.wav\n".encode("latin-1"))
    with pytest.raises(CourseError, match="split.txt is not UTF-8 text"):
        read_split_lists(path)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5])
def test_from_scratch_sgd_refuses_a_batch_size_that_is_not_a_positive_count(batch_size):
    from course.backprop import init_dense, sgd_steps, train_sgd

    layers = init_dense([3, 4, 2], seed=0)
    x, y = np.zeros((6, 3)), np.zeros(6, dtype=int)
    with pytest.raises(ParameterError, match="batch_size must be a positive whole number"):
        train_sgd(layers, x, y, learning_rate=0.1, epochs=1, batch_size=batch_size)
    with pytest.raises(ParameterError, match="batch_size"):
        next(sgd_steps(layers, x, y, learning_rate=0.1, batch_size=batch_size))


def test_an_unknown_activation_is_told_every_choice():
    from course.scratch import rnn_forward

    with pytest.raises(ParameterError) as info:
        rnn_forward(
            np.zeros((1, 2, 3)),
            np.zeros((3, 2)),
            np.zeros((2, 2)),
            np.zeros(2),
            activation="softplus",
        )
    assert all(name in str(info.value) for name in ("tanh", "relu", "linear", "sigmoid"))


def test_a_note_too_short_for_its_release_is_refused_not_nan():
    from course.synth import synthesize_note

    with pytest.raises(ParameterError, match="more than 0.1"):
        synthesize_note(seconds=0.02)
    assert np.all(np.isfinite(synthesize_note(seconds=0.2)))


def test_scores_undefined_for_constant_values_are_refused_not_nan():
    from course.emotion import ccc, r2

    with pytest.raises(ParameterError, match="differ"):
        r2([5.0, 5.0, 5.0], [4.0, 5.0, 6.0])
    with pytest.raises(ParameterError, match="constant"):
        ccc([5.0, 5.0], [5.0, 5.0])
    assert ccc([4.0, 6.0], [5.0, 5.0]) == 0.0  # constant predictions are defined: no agreement


def test_mean_std_of_nothing_is_refused():
    from course.evaluation import mean_std

    with pytest.raises(ParameterError, match="at least one value"):
        mean_std([])


def test_frame_statistics_with_a_group_left_out_is_refused():
    from course.features import frame_statistics

    mfcc = np.ones((3, 4, 2))
    with pytest.raises(ParameterError, match="none left out"):
        frame_statistics(mfcc, np.array([0, 2, 2]))  # group 1 has no segment
    with pytest.raises(ParameterError, match="of the 3 rows"):
        frame_statistics(mfcc, np.array([0, 1]))
    assert frame_statistics(mfcc, np.array([0, 1, 1])).shape == (2, 4)


def test_a_missing_extra_names_the_extra_to_install(monkeypatch, tmp_path, cli_error):
    import sys

    from course.errors import import_extra

    with pytest.raises(CourseError, match=r"\[lab\] extra: pip install -e '\.\[lab\]'"):
        import_extra("no_such_package_here", "lab", "This")
    monkeypatch.setitem(sys.modules, "nbconvert", None)  # as if [lab] were not installed
    err = cli_error("site", "--out-dir", str(tmp_path / "site"))
    assert "Writing the site needs nbconvert" in err and "[lab]" in err
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").iterdir())


def test_a_mistyped_checker_name_says_the_nearest_one():
    from course.exercises import CheckerNameError, check

    with pytest.raises(CheckerNameError, match=r"did you mean 'same_padding'\?"):
        _ = check.same_paddin
    with pytest.raises(AttributeError):  # still an AttributeError, so hasattr works
        _ = check.nothing_like_it
    assert not hasattr(check, "nothing_like_it") and hasattr(check, "holm")


def test_where_the_data_came_from_is_said_in_words(tmp_path):
    from course.data import resolve_data
    from course.sample import make_sample

    root = make_sample(tmp_path / "s", tracks_per_genre=2, duration=3.0, progress=False)
    assert resolve_data(root).describe().endswith("(given with --data)")


# ------------------------------------------------------------------ the command line
def test_an_abbreviated_option_is_refused_with_the_full_name(cli_error):
    err = cli_error("compare", "--epoch", "5")
    assert "unrecognized arguments: --epoch 5" in err and "did you mean '--epochs'?" in err
    assert "--help" in err


@pytest.mark.parametrize(
    "argv, said",
    [
        (["compare", "--seeds", "three"], "argument --seeds: must be a whole number, got 'three'"),
        (["compare", "--epochs", "0"], "argument --epochs: must be a whole number of at least 1"),
        (["compar"], "did you mean 'compare'?"),
        (["compare", "--task", "emotio"], "did you mean 'emotion'?"),
        (["predict", "--modle", "m.keras", "x.mp3"], "did you mean '--model'?"),
    ],
)
def test_a_bad_value_or_a_typo_is_one_line_with_a_pointer_to_help(argv, said, cli_error):
    err = cli_error(*argv)
    assert said in err and "--help)" in err


def test_an_unknown_model_fails_before_any_features_are_computed(monkeypatch, cli_error):
    import course.emotion
    import course.features

    def no(*args, **kwargs):
        raise AssertionError("features were computed before the models were checked")

    monkeypatch.setattr(course.emotion, "emotion_features", no)
    monkeypatch.setattr(course.features, "prepare", no)
    for task in ("emotion", "genre"):
        err = cli_error("compare", "--task", task, "--models", "mlp,xgboost")
        assert "Unknown model 'xgboost'" in err
    assert "did you mean 'mlp'?" in cli_error("compare", "--models", "mpl")


def test_predict_on_missing_files_says_so_before_loading_a_model(monkeypatch, cli_error):
    import course.predict

    def no(*args, **kwargs):
        raise AssertionError("the model was loaded for files that do not exist")

    monkeypatch.setattr(course.predict, "load_classifier", no)
    err = cli_error("predict", "nosuch.mp3", "other.wav")
    assert "No such file: nosuch.mp3, other.wav" in err


def test_the_course_folder_is_explicit_and_never_the_current_directory(tmp_path, monkeypatch):
    from pathlib import Path

    from course.settings import PROJECT_ROOT, project_root

    assert (PROJECT_ROOT / "pyproject.toml").exists()  # this checkout, installed editable
    installed = tmp_path / "site-packages"  # a non-editable install: no pyproject.toml beside it
    monkeypatch.chdir(tmp_path)
    assert project_root({}, installed) == Path.home() / "dl-audio-course" != Path.cwd()
    assert project_root({"COURSE_HOME": str(tmp_path / "mine")}, installed) == tmp_path / "mine"
    assert project_root({"COURSE_HOME": "~/x"}, installed) == Path.home() / "x"


@pytest.mark.slow
def test_importing_the_package_changes_nothing_outside_it(tmp_path):
    """Every module imported in a fresh Python, in an empty folder: no environment variable
    set, no Matplotlib setting changed, no backend chosen, nothing written in the folder; the
    style is applied only by use_course_style()."""
    import subprocess
    import sys

    code = """
import os, pkgutil, importlib, json
before = dict(os.environ)
import matplotlib
rc = dict(matplotlib.rcParams)
import course
for m in pkgutil.iter_modules(course.__path__):
    if m.name != "__main__":
        importlib.import_module("course." + m.name)
changed_env = sorted(k for k in os.environ if os.environ.get(k) != before.get(k))
changed_rc = sorted(k for k, v in matplotlib.rcParams.items() if str(rc.get(k)) != str(v))
from course.plots import use_course_style
use_course_style()
styled = matplotlib.rcParams["axes.grid"]
print(json.dumps([changed_env, changed_rc, styled]))
"""
    env = {
        k: v
        for k, v in __import__("os").environ.items()
        if k not in ("KERAS_BACKEND", "TF_CPP_MIN_LOG_LEVEL", "MPLBACKEND")
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=tmp_path,
    ).stdout
    import json

    changed_env, changed_rc, styled = json.loads(out.strip().splitlines()[-1])
    assert changed_env == [] and changed_rc == [] and styled is True
    assert not any(tmp_path.iterdir()), sorted(p.name for p in tmp_path.iterdir())


def test_a_score_of_an_unknown_model_dimension_or_metric_is_refused_not_nan():
    from course.emotion import EmotionComparison

    truth = np.array([[1.0, 2.0], [3.0, 1.0], [2.0, 2.0]])
    result = EmotionComparison(
        models=["mean"],
        seeds=[0],
        truth={0: truth},
        predictions={("mean", 0): truth + 0.5},
        test_songs={0: np.arange(3)},
        histories={},
        synthetic=True,
    )
    assert result.mean_score("mean", "valence", "rmse") == pytest.approx((0.5, 0.0))
    for name, dimension, metric, wrong in [
        ("ridg", "valence", "rmse", "model 'ridg'"),
        ("mean", "valance", "rmse", "dimension 'valance'"),
        ("mean", "valence", "mse", "metric 'mse'"),
    ]:
        with pytest.raises(ParameterError, match=f"Unknown {wrong}"):
            result.mean_score(name, dimension, metric)


def test_leaked_segments_of_a_seed_that_was_not_run_is_refused(tiny_features):
    from course.experiments import Comparison
    from course.splits import split_tracks

    split = split_tracks(tiny_features.track, tiny_features.labels, seed=0)
    result = Comparison(
        results=[], splits={0: split}, features=tiny_features, models=[], protocol="track"
    )
    assert result.leaked_test_segments(0) == 0
    with pytest.raises(ParameterError, match="Unknown seed 7"):
        result.leaked_test_segments(7)


def test_writing_exercises_of_an_unknown_kind_writes_nothing(tmp_path):
    from course.grading import write_exercises

    with pytest.raises(ParameterError, match="Unknown kind 'nbgrder'.*'nbgrader'"):
        write_exercises(tmp_path / "class", "nbgrder")
    assert not (tmp_path / "class").exists()
