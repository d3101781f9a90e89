"""The overfitting study of notebook 05: verdicts only where the evidence carries them, and
runs that are controlled (same splits, matched updates, restored early-stopping models)."""

import numpy as np
import pytest

from course.errors import ParameterError
from course.remedies import Remedy, RemedyRun, run_remedies, verdict_table, verdicts


def fake_runs(differences: dict[str, list[float]]):
    base = [0.60, 0.70, 0.65, 0.72]
    runs = []
    for name, diffs in {"reference": [0.0] * 4, **differences}.items():
        for seed, (b, d) in enumerate(zip(base, diffs)):
            runs.append(
                RemedyRun(
                    remedy=name,
                    seed=seed,
                    train_accuracy=0.95,
                    validation_accuracy=0.6,
                    test_accuracy=b + d,
                    epochs=30,
                    updates=570,
                    parameters=1000,
                    near_zero=0.02,
                    history={},
                )
            )
    return runs


def test_verdicts_need_an_interval_that_excludes_zero():
    from scipy import stats

    differences = {
        "steady gain": [0.05, 0.06, 0.05, 0.07],
        "steady loss": [-0.04, -0.05, -0.06, -0.05],
        "noisy gain": [0.10, -0.06, 0.08, -0.04],
    }
    rows = verdicts(fake_runs(differences))
    assert [r["verdict"] for r in rows] == [
        "reference",
        "helped",
        "hurt",
        "no clear effect on this data",
    ]
    noisy = rows[3]
    assert noisy["difference"] == pytest.approx(0.02) and noisy["low"] < 0 < noisy["high"]
    # Worked by hand: deviations from 0.02 are 0.08, -0.08, 0.06, -0.06, so s^2 = 0.02 / 3,
    # se = s / 2 = 0.040825; t(0.975, 3 df) = 3.1824 (tables); half-width 0.12992.
    assert (noisy["low"], noisy["high"]) == pytest.approx(
        (0.02 - 0.12992, 0.02 + 0.12992), abs=1e-5
    )
    # Every interval is scipy's one-sample t interval of the paired differences.
    for row in rows[1:]:
        diffs = differences[row["name"]]
        ci = stats.ttest_1samp(diffs, 0.0).confidence_interval(0.95)
        assert (row["low"], row["high"]) == pytest.approx((ci.low, ci.high), abs=1e-9)
        assert (row["low"], row["high"]) == pytest.approx(
            stats.t.interval(0.95, len(diffs) - 1, loc=np.mean(diffs), scale=stats.sem(diffs)),
            abs=1e-9,
        )
    # and another confidence level moves it as scipy's does
    wide = verdicts(fake_runs(differences), confidence=0.99)[3]
    ci = stats.ttest_1samp(differences["noisy gain"], 0.0).confidence_interval(0.99)
    assert (wide["low"], wide["high"]) == pytest.approx((ci.low, ci.high), abs=1e-9)
    table = verdict_table(rows)
    assert table.count("\n") == 5 and "no clear effect on this data" in table


def test_one_seed_gives_no_verdict():
    runs = [r for r in fake_runs({"x": [0.1] * 4}) if r.seed == 0]
    with pytest.raises(ParameterError, match="two seeds"):
        verdicts(runs)


def test_the_gap_is_training_minus_validation_of_the_final_model():
    run = RemedyRun(
        remedy="r",
        seed=0,
        train_accuracy=0.9,
        validation_accuracy=0.55,
        test_accuracy=0.5,
        epochs=10,
        updates=100,
        parameters=10,
        near_zero=0.0,
        history={},
    )
    assert run.gap == pytest.approx(0.35)


@pytest.mark.slow
def test_runs_are_controlled_and_repeat(tiny_sample, tiny_features):
    remedies = [
        Remedy("reference", hidden=(16,)),
        Remedy("augmented", hidden=(16,), augmented=True, same_updates=True),
        Remedy("early", hidden=(16,), patience=1),
    ]
    runs = run_remedies(
        remedies, tiny_features, str(tiny_sample), seeds=[0, 1], epochs=4, progress=False
    )
    by = {(r.remedy, r.seed): r for r in runs}
    for seed in (0, 1):
        ref, aug = by[("reference", seed)], by[("augmented", seed)]
        assert ref.epochs == 4
        # matched: about the reference's number of updates, though each epoch is longer
        assert aug.updates / aug.epochs > ref.updates / ref.epochs
        assert abs(aug.updates - ref.updates) <= aug.updates / aug.epochs
        assert by[("early", seed)].epochs <= 4
    again = run_remedies(
        remedies[:1], tiny_features, str(tiny_sample), seeds=[1], epochs=4, progress=False
    )
    assert again[0].test_accuracy == by[("reference", 1)].test_accuracy
    assert again[0].train_accuracy == by[("reference", 1)].train_accuracy
