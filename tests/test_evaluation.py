"""Song-level voting, per-genre accuracy, McNemar's test, published split lists, and the
compare command's protocols and argument errors."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course import dataset, training
from course.dataset import DatasetError

ROOT = Path(__file__).resolve().parents[1]


def test_song_predictions_by_mean_and_by_vote():
    probs = np.array([[0.9, 0.1, 0.0],   # song a: votes 0, 1, 1; mean favours 0
                      [0.4, 0.6, 0.0],
                      [0.45, 0.55, 0.0],
                      [0.2, 0.3, 0.5],   # song b: one segment voting 2
                      [0.5, 0.5, 0.0]])  # song c: a tie inside one segment
    track = np.array(["a", "a", "a", "b", "c"])
    names, by_mean = training.song_predictions(probs, track, "mean")
    _, by_vote = training.song_predictions(probs, track, "vote")
    assert names.tolist() == ["a", "b", "c"]
    assert by_mean.tolist() == [0, 2, 0]   # a: mean (0.583, 0.417, 0)
    assert by_vote.tolist() == [1, 2, 0]   # a: two votes for 1 beat one for 0


def test_vote_ties_go_to_the_higher_mean_probability():
    probs = np.array([[0.6, 0.4], [0.1, 0.9]])  # one vote each; mean (0.35, 0.65)
    _, pred = training.song_predictions(probs, np.array(["s", "s"]), "vote")
    assert pred.tolist() == [1]


def test_voting_checks_its_input():
    with pytest.raises(ValueError, match="one row per segment"):
        training.song_predictions(np.zeros((3, 2)), np.array(["a", "b"]))
    with pytest.raises(ValueError, match="method"):
        training.song_predictions(np.zeros((1, 2)), np.array(["a"]), "median")


def test_mcnemar_exact_p_value_worked_by_hand():
    # 10 items only A gets right, 2 only B: p = 2 * P(X <= 2), X ~ Bin(12, 1/2)
    #   = 2 * (1 + 12 + 66) / 4096 = 158 / 4096
    a = np.array([True] * 10 + [False] * 2 + [True] * 5 + [False] * 3)
    b = np.array([False] * 10 + [True] * 2 + [True] * 5 + [False] * 3)
    result = training.mcnemar(a, b)
    assert (result["only_a"], result["only_b"]) == (10, 2)
    assert result["p_value"] == pytest.approx(158 / 4096)
    assert training.mcnemar(a, a)["p_value"] == 1.0
    assert training.mcnemar(b, a)["p_value"] == pytest.approx(158 / 4096)
    with pytest.raises(ValueError, match="same length"):
        training.mcnemar(a, b[:3])


def test_per_genre_accuracy():
    acc = training.per_genre_accuracy([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], n_classes=3)
    assert acc[0] == 0.5 and acc[1] == pytest.approx(2 / 3) and np.isnan(acc[2])


def test_results_table_reports_mean_and_spread_over_seeds():
    rs = [training.ModelResult("cnn", 10, acc, 1.0, 2.0, 1, seed, song_accuracy_mean=acc,
                               song_accuracy_vote=acc) for seed, acc in ((0, 0.5), (1, 0.7))]
    table = training.results_table(rs)
    assert "| cnn | 10 | 0.600 +/- 0.141 |" in table and "over 2 seeds" in table


# --- published split lists ----------------------------------------------------------------

def test_the_shipped_fault_filtered_lists():
    lists = dataset.read_split_lists(ROOT / "data" / "splits" / "gtzan_fault_filtered")
    assert [len(lists[s]) for s in ("train", "validation", "test")] == [443, 197, 290]
    assert "jazz/jazz.00054.wav" in lists["train"]


def test_lists_map_tracks_to_sides_and_report_what_is_missing(tmp_path):
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "train.txt").write_text("rock/rock.00000.wav\nrock/rock.00001.wav\n")
    (tmp_path / "lists" / "valid.txt").write_text("rock/rock.00002.wav\n")
    (tmp_path / "lists" / "test.txt").write_text("# comment\nrock/rock.00003.wav\nrock/rock.00099.wav\n")
    lists = dataset.read_split_lists(tmp_path / "lists")
    # Original-layout names (.au) match the .wav lists; rock.00004 is in no list.
    track = np.repeat([f"rock/rock.0000{i}.au" for i in range(5)], 2)
    split, report = dataset.split_from_lists(track, lists)
    assert split.train.tolist() == [0, 1, 2, 3] and split.validation.tolist() == [4, 5]
    assert split.test.tolist() == [6, 7]
    assert report == {"missing": ["rock/rock.00099.wav"], "unlisted": 1}


def test_a_single_file_of_side_and_track_lines(tmp_path):
    f = tmp_path / "split.txt"
    f.write_text("train a/a.1.wav\nvalidation a/a.2.wav\ntest a/a.3.wav\n")
    assert dataset.read_split_lists(f)["validation"] == ["a/a.2.wav"]
    f.write_text("train a/a.1.wav\nholdout a/a.2.wav\n")
    with pytest.raises(DatasetError, match="line 2"):
        dataset.read_split_lists(f)
    f.write_text("train a/a.1.wav\ntest a/a.1.wav\nvalidation a/a.2.wav\n")
    with pytest.raises(DatasetError, match="both train and test"):
        dataset.read_split_lists(f)
    with pytest.raises(FileNotFoundError, match="No split file"):
        dataset.read_split_lists(tmp_path / "nope.txt")


def test_lists_that_leave_a_side_empty_are_an_error(tmp_path):
    f = tmp_path / "split.txt"
    f.write_text("train x/x.1.wav\nvalidation x/x.2.wav\ntest x/x.3.wav\n")
    with pytest.raises(DatasetError, match="empty"):
        dataset.split_from_lists(np.array(["x/x.1.wav", "x/x.2.wav"]), dataset.read_split_lists(f))


# --- the command line ------------------------------------------------------------------------

def run(*args):
    return subprocess.run([sys.executable, "-m", "course", *args], capture_output=True, text=True,
                          timeout=600)


def test_compare_track_protocol_with_seeds_and_a_split_file(tiny_sample, tiny_features, tmp_path):
    out = tmp_path / "out"
    proc = run("compare", "--data", str(tiny_sample), "--protocol", "track", "--seeds", "2",
               "--epochs", "1", "--models", "mlp,cnn", "--out", str(out), "--no-cache")
    assert proc.returncode == 0, proc.stderr
    assert "over 2 seeds" in proc.stdout and "0 test segments share a track" in proc.stdout
    assert "Paired McNemar tests" in proc.stdout
    for name in ("confusion_mlp.png", "confusion_cnn.png", "history_cnn_seed1.png", "results.csv"):
        assert (out / name).is_file()
    rows = (out / "results.csv").read_text().splitlines()
    assert len(rows) == 1 + 4 and rows[1].startswith("mlp,0,track,")

    lists = tmp_path / "split.txt"
    names = sorted(set(tiny_features.track))
    lines = [f"train {n}" for n in names[::2]] + [f"validation {names[1]}", f"test {names[3]}",
             "test blues/blues.00077.wav"]
    lists.write_text("\n".join(lines) + "\n")
    proc = run("compare", "--data", str(tiny_sample), "--split-file", str(lists), "--epochs", "1",
               "--models", "mlp", "--out", str(tmp_path / "o2"), "--no-cache")
    assert proc.returncode == 0, proc.stderr
    assert "missing or skipped: blues/blues.00077.wav" in proc.stdout
    assert "protocol split-file" in proc.stdout


def test_compare_argument_errors(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("nonsense\n")
    for args, message in ((("--split-file", str(bad)), "expected '<side> <track>'"),
                          (("--split-file", str(tmp_path / "none")), "No split file"),
                          (("--models", "cnn,xgboost"), "Unknown model(s) xgboost"),
                          (("--data", str(tmp_path / "missing")), "does not exist"),
                          (("--protocol", "random"), "invalid choice"),
                          (("--seeds", "0"), "at least 1")):
        proc = run("compare", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert message in proc.stderr and "Traceback" not in proc.stderr
