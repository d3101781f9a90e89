"""The command line: each command works, a user's mistake is one clear line and exit 2."""

import subprocess
import sys

import numpy as np
import pytest
from cli_run import course_main

run = course_main  # in this process: no new Python and TensorFlow import per command


def run_fresh(*args):
    """The command line in a new Python process."""
    return subprocess.run(
        [sys.executable, "-m", "course", *args], capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_prepare_writes_the_npz_without_importing_tensorflow(tiny_sample, tmp_path):
    out = tmp_path / "features.npz"
    code = (
        "import sys; from course.__main__ import main; "
        f"rc = main(['prepare', '--data', {str(tiny_sample)!r}, '--out-file', {str(out)!r}, "
        "'--no-cache']); "
        "assert 'tensorflow' not in sys.modules, 'prepare imported TensorFlow'; sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "segments of shape (130, 13) from 20 tracks" in proc.stdout
    with np.load(out, allow_pickle=False) as z:
        assert set(z.files) >= {"mfcc", "labels", "mapping", "track"}
        assert z["mfcc"].shape[1:] == (130, 13)


def test_prepare_overrides_parameters(tiny_sample, tmp_path):
    out = tmp_path / "f20.npz"
    proc = run(
        "prepare",
        "--data",
        str(tiny_sample),
        "--out-file",
        str(out),
        "--n-mfcc",
        "20",
        "--segments",
        "5",
        "--no-cache",
        "--tracks-per-genre",
        "1",
    )
    assert proc.returncode == 0, proc.stderr
    with np.load(out, allow_pickle=False) as z:
        assert z["mfcc"].shape[1:] == (1 + 132300 // 512, 20)


def test_user_mistakes_exit_2_with_one_clear_line(tmp_path, cli_error):
    for args, message in (
        (("prepare", "--data", tmp_path / "nope"), "does not exist"),
        (("prepare", "--data", tmp_path), "No genre folders"),
        (("compare", "--models", "mlp,svm", "--data", tmp_path), "Unknown model 'svm'"),
        (("prepare", "--n-mfcc", "0"), "at least 1"),
    ):
        assert message in cli_error(*args), args


@pytest.mark.slow
def test_compare_prints_the_table_writes_its_outputs_and_repeats_in_a_fresh_process(
    tiny_sample, tmp_path
):
    """compare in the test's own process (in a full run, after other tests have trained networks
    in it), then in a new Python (its own hash seed, a TensorFlow that has done nothing yet):
    the same seed gives the same results."""
    import csv

    def compare(start, out):
        proc = start(
            "compare", "--data", str(tiny_sample), "--epochs", "1", "--out-dir", str(out),
            "--no-cache",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        with open(out / "results.csv") as f:
            rows = [{k: v for k, v in r.items() if k != "train_seconds"} for r in csv.DictReader(f)]
        return proc, rows

    out = tmp_path / "results"
    proc, here = compare(run, out)
    assert "| mlp | 1,014,218 |" in proc.stdout and "| cnn | 45,514 |" in proc.stdout
    assert "| lstm | 57,802 |" in proc.stdout
    assert "not GTZAN results" in proc.stdout  # a synthetic sample is called synthetic
    for name in (
        "results.md",
        "results.csv",
        "settings.json",
        "history_mlp_seed0.png",
        "history_cnn_seed0.png",
        "history_lstm_seed0.png",
        "confusion_cnn.png",
    ):
        assert (out / name).stat().st_size > 0
    assert "Warning" not in proc.stderr and "E0000" not in proc.stderr

    proc, fresh = compare(run_fresh, tmp_path / "fresh")
    assert fresh == here and [r["model"] for r in here] == ["mlp", "cnn", "lstm", "baseline"]
    # A command's log that reads well: one line per model, no carriage-return redraws (in the
    # test's process ipykernel is imported, so progress there would redraw).
    assert "\r" not in proc.stderr
    models = ("mlp (seed 0):", "cnn (seed 0):", "lstm (seed 0):")
    assert sum(line.startswith(models) for line in proc.stderr.splitlines()) == 3
    assert "Warning" not in proc.stderr and "E0000" not in proc.stderr


@pytest.mark.slow
def test_check_reports_versions_device_and_data(tiny_sample):
    proc = run("check", "--data", str(tiny_sample))
    assert proc.returncode == 0, proc.stderr
    for word in ("python:", "tensorflow:", "keras:", "librosa:", "numpy:", "device: ", "data: "):
        assert word in proc.stdout


@pytest.mark.slow
def test_sample_command(tmp_path):
    proc = run("sample", "--out-dir", str(tmp_path / "s"), "--tracks-per-genre", "1")
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "s").rglob("*.wav"))) == 10


@pytest.mark.slow
def test_a_bug_inside_a_command_shows_its_traceback_not_a_one_line_error(tiny_sample):
    # A programming error (here a ZeroDivisionError planted in the features step) is not a
    # user's mistake: it must keep its traceback and must not exit with the user-error status 2.
    code = (
        "import sys; import course.features as f; from course.__main__ import main\n"
        "def broken(*a, **k):\n    return 1 / 0\n"
        "f.prepare = broken\n"
        f"sys.exit(main(['prepare', '--data', {str(tiny_sample)!r}]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode not in (0, 2)
    assert "Traceback" in proc.stderr and "ZeroDivisionError" in proc.stderr


def test_every_user_error_is_one_line_on_stderr_with_status_2(tmp_path, cli_error):
    bad_split = tmp_path / "split.txt"
    bad_split.write_text("holdout a/a.1.wav\n")
    for args in (
        ("prepare", "--data", tmp_path / "nope"),
        ("baseline", "--data", tmp_path),
        ("compare", "--split-file", bad_split),
        ("compare", "--learning-rate", "-1"),
        ("prepare", "--n-mfcc", "200", "--n-mels", "40"),
    ):
        assert cli_error(*args).startswith("error: "), args
