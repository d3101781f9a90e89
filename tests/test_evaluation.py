"""Song-level voting, per-genre accuracy, McNemar's test, published split lists, and the
compare command's protocols and argument errors."""

from pathlib import Path

import numpy as np
import pytest
from cli_run import course_main

from course import evaluation
from course.errors import DatasetError, ParameterError

ROOT = Path(__file__).resolve().parents[1]


def test_song_predictions_by_mean_and_by_vote():
    probs = np.array(
        [
            [0.9, 0.1, 0.0],  # song a: votes 0, 1, 1; mean favours 0
            [0.4, 0.6, 0.0],
            [0.45, 0.55, 0.0],
            [0.2, 0.3, 0.5],  # song b: one segment voting 2
            [0.5, 0.5, 0.0],
        ]
    )  # song c: a tie inside one segment
    track = np.array(["a", "a", "a", "b", "c"])
    names, by_mean = evaluation.song_predictions(probs, track, "mean")
    _, by_vote = evaluation.song_predictions(probs, track, "vote")
    assert names.tolist() == ["a", "b", "c"]
    assert by_mean.tolist() == [0, 2, 0]  # a: mean (0.583, 0.417, 0)
    assert by_vote.tolist() == [1, 2, 0]  # a: two votes for 1 beat one for 0


def test_vote_ties_go_to_the_higher_mean_probability():
    probs = np.array([[0.6, 0.4], [0.1, 0.9]])  # one vote each; mean (0.35, 0.65)
    _, pred = evaluation.song_predictions(probs, np.array(["s", "s"]), "vote")
    assert pred.tolist() == [1]


def test_voting_checks_its_input():
    with pytest.raises(ParameterError, match="one row per segment"):
        evaluation.song_predictions(np.zeros((3, 2)), np.array(["a", "b"]))
    with pytest.raises(ParameterError, match="method"):
        evaluation.song_predictions(np.zeros((1, 2)), np.array(["a"]), "median")


def test_mcnemar_exact_p_value_worked_by_hand():
    # 10 items only A gets right, 2 only B: p = 2 * P(X <= 2), X ~ Bin(12, 1/2)
    #   = 2 * (1 + 12 + 66) / 4096 = 158 / 4096
    a = np.array([True] * 10 + [False] * 2 + [True] * 5 + [False] * 3)
    b = np.array([False] * 10 + [True] * 2 + [True] * 5 + [False] * 3)
    result = evaluation.mcnemar(a, b)
    assert (result.only_a, result.only_b) == (10, 2)
    assert result.p_value == pytest.approx(158 / 4096)
    assert evaluation.mcnemar(a, a).p_value == 1.0
    assert evaluation.mcnemar(b, a).p_value == pytest.approx(158 / 4096)
    with pytest.raises(ParameterError, match="same length"):
        evaluation.mcnemar(a, b[:3])


@pytest.mark.parametrize(
    "only_a,only_b,both",
    [(0, 0, 5), (1, 0, 0), (3, 3, 2), (10, 2, 8), (0, 9, 1), (17, 25, 40), (60, 41, 3)],
)
def test_mcnemar_agrees_with_scipys_exact_binomial_test(only_a, only_b, both):
    from scipy.stats import binomtest

    a = np.array([True] * only_a + [False] * only_b + [True] * both + [False] * 4)
    b = np.array([False] * only_a + [True] * only_b + [True] * both + [False] * 4)
    n = only_a + only_b
    expected = 1.0 if n == 0 else binomtest(only_a, n, p=0.5, alternative="two-sided").pvalue
    assert evaluation.mcnemar(a, b).p_value == pytest.approx(expected, rel=1e-12)


def test_per_genre_accuracy():
    acc = evaluation.per_genre_accuracy([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], n_classes=3)
    assert acc[0] == 0.5 and acc[1] == pytest.approx(2 / 3) and np.isnan(acc[2])


def test_results_table_reports_mean_and_spread_over_seeds():
    rs = [
        evaluation.ModelResult(
            model="cnn",
            parameters=10,
            test_accuracy=acc,
            test_loss=1.0,
            train_seconds=2.0,
            epochs=1,
            seed=seed,
            song_accuracy_mean=acc,
            song_accuracy_vote=acc,
        )
        for seed, acc in ((0, 0.5), (1, 0.7))
    ]
    table = evaluation.results_table(rs)
    assert "| cnn | 10 | 0.600 ± 0.141 |" in table and "over 2 seeds" in table


# --- the command line ------------------------------------------------------------------------

run = course_main  # in this process: no new Python and TensorFlow import per command


@pytest.mark.slow
def test_compare_track_protocol_with_seeds_and_a_split_file(tiny_sample, tiny_features, tmp_path):
    out = tmp_path / "out"
    # no --protocol: the track protocol is the default
    proc = run(
        "compare",
        "--data",
        str(tiny_sample),
        "--seeds",
        "2",
        "--epochs",
        "1",
        "--models",
        "mlp,mlp-standardised",  # two models (a pair to test), each quick to train
        "--out-dir",
        str(out),
        "--no-cache",
    )
    assert proc.returncode == 0, proc.stderr
    assert "over 2 seeds" in proc.stdout and "0 test segments share a track" in proc.stdout
    assert "McNemar's exact test for every pair" in proc.stdout and "Holm" in proc.stdout
    for name in (
        "confusion_mlp.png",
        "confusion_mlp-standardised.png",
        "confusion_baseline.png",
        "history_mlp-standardised_seed1.png",
        "results.csv",
    ):
        assert (out / name).is_file()
    assert not (out / "history_baseline_seed0.png").exists()
    rows = (out / "results.csv").read_text().splitlines()
    assert len(rows) == 1 + 6 and rows[1].startswith("mlp,0,track,")
    assert [r.split(",")[0] for r in rows[1:]] == ["mlp", "mlp-standardised", "baseline"] * 2
    report = (out / "results.md").read_text()
    assert report.startswith("Protocol: a track split") and "per seed: 0 of" in report
    assert "leaky" not in report and "tested after its last epoch (1)" in report
    assert "| baseline |" in report and "(95 % interval)" in report
    assert (
        "| mlp | mlp-standardised | " in report
        and "| mlp-standardised | baseline | " in report
        and "p-value (Holm)" in report
    )

    lists = tmp_path / "split.txt"
    names = sorted(set(tiny_features.track))
    lines = [f"train {n}" for n in names[::2]] + [
        f"validation {names[1]}",
        f"test {names[3]}",
        "test blues/blues.00077.wav",
    ]
    lists.write_text("\n".join(lines) + "\n")
    proc = run(
        "compare",
        "--data",
        str(tiny_sample),
        "--split-file",
        str(lists),
        "--epochs",
        "1",
        "--models",
        "mlp",
        "--seeds",
        "2",
        "--out-dir",
        str(tmp_path / "o2"),
        "--no-cache",
    )
    assert proc.returncode == 0, proc.stderr
    assert "missing or skipped: blues/blues.00077.wav" in proc.stdout
    assert "protocol split-file" in proc.stdout
    # one test song, tested by both seeds: counted once, by models and baseline alike
    report = (tmp_path / "o2" / "results.md").read_text()
    assert "on the 1 distinct test songs over 2 seed(s) (2 song tests" in report
    assert "| mlp | baseline | 1 |" in report
    assert "/2 = " not in report  # no model is counted as tested on two songs


def test_compare_argument_errors(tmp_path, cli_error):
    bad = tmp_path / "bad.txt"
    bad.write_text("nonsense\n")
    for args, message in (
        (("--split-file", bad), "expected '<side> <track>'"),
        (("--split-file", tmp_path / "none"), "No split file"),
        (("--models", "cnn,xgboost"), "Unknown model 'xgboost'"),
        (("--data", tmp_path / "missing"), "does not exist"),
        (("--protocol", "random"), "invalid choice"),
        (("--seeds", "0"), "at least 1"),
    ):
        assert message in cli_error("compare", *args), args


def test_holm_correction_worked_by_hand():
    # sorted 0.01, 0.02, 0.04, 0.30 -> x4, x3, x2, x1 = 0.04, 0.06, 0.08, 0.30 (already rising)
    assert evaluation.holm([0.04, 0.01, 0.30, 0.02]).tolist() == pytest.approx(
        [0.08, 0.04, 0.30, 0.06]
    )
    # a later product smaller than an earlier one is raised to keep the order: 0.03*3=0.09,
    # 0.031*2=0.062 -> 0.09, 0.5*1 = 0.5; and nothing exceeds 1
    assert evaluation.holm([0.031, 0.03, 0.5]).tolist() == pytest.approx([0.09, 0.09, 0.5])
    # 0.6 x 2 = 1.2 is capped at 1, and 0.7 x 1 is raised to that 1 to keep the order
    assert evaluation.holm([0.6, 0.7]).tolist() == [1.0, 1.0]


@pytest.mark.parametrize("k, n", [(0, 10), (8, 10), (10, 10), (19, 25), (120, 240)])
def test_wilson_interval_agrees_with_scipy(k, n):
    from scipy.stats import binomtest

    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = evaluation.wilson_interval(k, n)
    assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-9)
    with pytest.raises(ParameterError):
        evaluation.wilson_interval(3, 2)


def test_the_baseline_on_a_split_is_a_per_track_logistic_regression(tiny_features):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from course.features import track_statistics
    from course.splits import split_tracks

    f = tiny_features
    split = split_tracks(f.track, f.labels, seed=0)
    result = evaluation.baseline_result(f, split, seed=0)
    x, y, names = track_statistics(f)
    train = np.isin(names, f.track[split.train])
    test = np.isin(names, f.track[split.test])
    scaler = StandardScaler().fit(x[train])
    clf = LogisticRegression(max_iter=3000).fit(scaler.transform(x[train]), y[train])
    expected = np.mean(clf.predict(scaler.transform(x[test])) == y[test])
    tracks, labels, predicted = evaluation.song_correct(result, f)
    assert np.mean(predicted == labels) == pytest.approx(expected)
    assert set(tracks) == set(names[test]) and result.model == "baseline"
    # every segment of a test track carries the track's probabilities
    first = f.track[split.test] == tracks[0]
    assert np.ptp(result.probabilities[first], axis=0).max() == 0.0


def _toy(track, labels):
    f = type("F", (), {})()
    f.track, f.labels, f.mapping = np.asarray(track), np.asarray(labels), np.array(["x", "y"])
    return f


def _result(model, seed, predicted, index=None):
    eye = np.eye(2)
    index = np.arange(len(predicted)) if index is None else np.asarray(index)
    return evaluation.ModelResult(
        model=model,
        parameters=1,
        test_accuracy=0.0,
        test_loss=0.0,
        train_seconds=0.0,
        epochs=1,
        seed=seed,
        probabilities=eye[predicted],
        test_index=index,
    )


def test_pooled_tests_count_each_song_once_and_correct_with_holm():
    f = _toy(["s1", "s2", "s3", "s4"], [0, 1, 0, 1])
    results = [
        _result("a", 0, [0, 1, 0, 1]),
        _result("b", 0, [1, 1, 0, 1]),
        _result("c", 0, [1, 0, 1, 0]),
        _result("a", 1, [0, 1, 0, 1]),
        _result("b", 1, [1, 0, 0, 1]),
        _result("c", 1, [1, 0, 1, 0]),
    ]
    rows = evaluation.pooled_tests(results, f)
    ab = rows[0]
    # b is wrong on s1 in both seeds, and on s2 in one of two: a tie of votes and of mean
    # probabilities, which goes to the first genre (x), so s2 counts as wrong too.
    assert (ab["a"], ab["b"], ab["songs"], ab["only_a"], ab["only_b"]) == ("a", "b", 4, 2, 0)
    assert ab["accuracy_a"] == 1.0 and ab["accuracy_b"] == 0.5
    ac = rows[1]
    assert (ac["songs"], ac["only_a"], ac["only_b"]) == (4, 4, 0)
    assert ac["p_value"] == pytest.approx(2 * 0.5**4)
    # b is right on s3 and s4 only, c on none: 2 against 0.
    bc = rows[2]
    assert (bc["a"], bc["b"], bc["only_a"], bc["only_b"]) == ("b", "c", 2, 0)
    # Exact McNemar p-values: 2 against 0 gives 2 * 0.5^2 = 0.5 (a-b and b-c), 4 against 0
    # gives 2 * 0.5^4 = 0.125 (a-c). Holm over the three: 0.125 x 3 = 0.375, then 0.5 x 2 = 1,
    # then 0.5 x 1 = 0.5, raised to 1 to keep the order.
    assert [r["p_value"] for r in rows] == pytest.approx([0.5, 0.125, 0.5])
    assert [r["p_holm"] for r in rows] == pytest.approx([1.0, 0.375, 1.0])


def test_repeating_the_same_split_over_seeds_adds_no_evidence():
    """The issue's mock: 40 songs on one fixed split. Pooled by seed (the old way), three
    identical seeds turned p = 0.289 into 0.023; counted once per song, p stays put."""
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 2, 40)
    f = _toy([f"s{i:02d}" for i in range(40)], labels)
    a_right = np.ones(40, bool)
    a_right[:3] = False  # a wrong on 3 songs
    b_right = np.ones(40, bool)
    b_right[3:10] = False  # b wrong on 7 other songs: 7 against 3
    a_pred = np.where(a_right, labels, 1 - labels)
    b_pred = np.where(b_right, labels, 1 - labels)
    one = evaluation.pooled_tests([_result("a", 0, a_pred), _result("b", 0, b_pred)], f)[0]
    three = evaluation.pooled_tests(
        [_result(m, s, p) for s in range(3) for m, p in (("a", a_pred), ("b", b_pred))], f
    )[0]
    from scipy.stats import binomtest

    assert one["p_value"] == pytest.approx(binomtest(3, 10, 0.5).pvalue)  # 0.344
    assert (three["songs"], three["only_a"], three["only_b"]) == (40, 7, 3)
    assert three["p_value"] == pytest.approx(one["p_value"])


def test_pooled_songs_vote_over_the_seeds_that_tested_each_song():
    f = _toy(["s1", "s1", "s2", "s2", "s3", "s3"], [0, 0, 1, 1, 0, 0])
    # seed 0 tests s1 and s2, seed 1 s2 and s3, seed 2 s1 and s2: s2 three times, s1 twice.
    results = [
        _result("m", 0, [0, 0, 0, 0], [0, 1, 2, 3]),
        _result("m", 1, [1, 1, 1, 1], [2, 3, 4, 5]),
        _result("m", 2, [1, 1, 1, 1], [0, 1, 2, 3]),
    ]
    tracks, labels, predicted, times = evaluation.pooled_songs(results, f)
    assert tracks.tolist() == ["s1", "s2", "s3"] and times.tolist() == [2, 3, 1]
    assert labels.tolist() == [0, 1, 0]
    # s2: voted y by two of three seeds; s3: its one seed said y; s1: one each, a tie that the
    # mean probability (0.5 each) leaves to the first genre.
    assert predicted.tolist() == [0, 1, 1]


@pytest.mark.slow
def test_the_notes_protocol_calls_song_accuracy_and_the_baseline_leaky(tiny_features):
    from course.experiments import compare

    notes = compare(tiny_features, ["mlp"], protocol="notes", epochs=1, progress=False)
    text = notes.protocol_text()
    assert "Song accuracy under this protocol is leaky" in text
    assert "So is the baseline's" in text
    with pytest.raises(DatasetError, match="ships no split of its own"):
        compare(tiny_features, ["mlp"], protocol="published", epochs=1, progress=False)


def test_a_p_value_below_a_thousandth_is_shown_as_such_never_as_zero():
    from course.evaluation import p_text

    assert [p_text(p) for p in (0.0004, 0.001, 0.0495, 1.0)] == [
        "<0.001",
        "0.001",
        "0.050",
        "1.000",
    ]


@pytest.mark.parametrize(
    "a, b",
    [([0.52, 0.55, 0.49], [0.50, 0.50, 0.50]), ([0.6, 0.7, 0.65, 0.62], [0.5, 0.55, 0.5, 0.6])],
)
def test_the_paired_interval_agrees_with_scipys_paired_t_test(a, b):
    from scipy import stats

    d, low, high = evaluation.paired_interval(a, b)
    reference = stats.ttest_rel(a, b).confidence_interval(0.95)
    assert abs(d - np.mean(np.subtract(a, b))) < 1e-12
    assert abs(low - reference.low) < 1e-12 and abs(high - reference.high) < 1e-12


def test_the_paired_interval_worked_by_hand_and_its_mistakes():
    # notebook 05's exercise: d = 0.02, 0.05, -0.01; s_d = 0.03; t(0.975, 2) = 4.303
    d, low, high = evaluation.paired_interval([0.02, 0.05, -0.01], [0, 0, 0])
    assert abs(d - 0.02) < 1e-12 and abs((high - low) / 2 - 4.303 * 0.03 / np.sqrt(3)) < 1e-4
    with pytest.raises(ParameterError, match="two runs"):
        evaluation.paired_interval([0.5], [0.4])
    with pytest.raises(ParameterError, match="paired"):
        evaluation.paired_interval([0.5, 0.6, 0.7], [0.4, 0.5])
