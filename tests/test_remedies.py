"""The overfitting study of notebook 05: verdicts only where the evidence carries them (paired
t-tests, Holm-corrected over the remedies), and runs that are controlled (same splits, matched
updates, restored early-stopping models, the same starting weights where shapes agree)."""

import numpy as np
import pytest

from course.errors import ParameterError
from course.remedies import (
    Remedy,
    RemedyRun,
    per_seed_table,
    run_remedies,
    verdict_table,
    verdicts,
)


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
                    mean_abs=0.05,
                    segments=587,
                    start="",
                    history={},
                )
            )
    return runs


def _holm_by_hand(p):
    """Holm (1979): the k-th smallest of m p-values times m - k + 1, never decreasing, at most 1."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    out, running = [0.0] * len(p), 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, p[i] * (len(p) - k)))
        out[i] = running
    return out


def test_verdicts_need_a_holm_corrected_p_below_005():
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
    # p-values: scipy's paired (one-sample) t-test, then Holm over the three remedies
    raw = [stats.ttest_1samp(differences[r["name"]], 0.0).pvalue for r in rows[1:]]
    assert [r["p_value"] for r in rows[1:]] == pytest.approx(raw, rel=1e-9)
    assert [r["p_holm"] for r in rows[1:]] == pytest.approx(_holm_by_hand(raw), rel=1e-9)
    table = verdict_table(rows)
    assert table.count("\n") == 5 and "no clear effect on this data" in table
    assert "| p (Holm) |" in table.splitlines()[0]


def test_holm_withholds_a_verdict_that_one_test_alone_would_give():
    from scipy import stats

    # mean 0.03, sd 0.018257, t = 3.286 with 3 df: p = 0.046 alone, its interval above zero
    marginal = [0.02, 0.05, 0.01, 0.04]
    p = stats.ttest_1samp(marginal, 0.0).pvalue
    assert 0.04 < p < 0.05
    alone = verdicts(fake_runs({"marginal": marginal}))[1]
    assert alone["verdict"] == "helped" and alone["low"] > 0
    assert alone["p_holm"] == pytest.approx(p)
    nulls = {f"null {i}": [0.03, -0.03, 0.02, -0.02] for i in range(3)}
    crowded = verdicts(fake_runs({"marginal": marginal, **nulls}))[1]
    # the smallest of four p-values is multiplied by 4: 0.046 x 4 = 0.18
    assert crowded["p_holm"] == pytest.approx(4 * p)
    assert crowded["verdict"] == "no clear effect on this data" and crowded["low"] > 0


def test_identical_differences_on_every_seed_give_a_verdict_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rows = verdicts(fake_runs({"same": [0.0] * 4, "up": [0.1] * 4}))
    assert [r["verdict"] for r in rows[1:]] == ["no clear effect on this data", "helped"]
    assert rows[1]["p_value"] == 1.0 and rows[2]["low"] == rows[2]["high"] == pytest.approx(0.1)


def test_the_per_seed_table_lists_what_the_figure_plots():
    runs = fake_runs({"dropout": [0.05, -0.10, 0.0, 0.02]})
    lines = per_seed_table(runs).splitlines()
    assert lines[0].startswith("| remedy | test accuracy (seeds 0, 1, 2, 3) |")
    # base accuracies 0.60, 0.70, 0.65, 0.72 plus the differences; gap 0.95 - 0.6
    assert (
        lines[2]
        == "| reference | 0.600, 0.700, 0.650, 0.720 |  | " + ", ".join(["+0.350"] * 4) + " |"
    )
    assert lines[3].startswith("| dropout | 0.650, 0.600, 0.650, 0.740 | ")
    assert "+0.050, -0.100, +0.000, +0.020" in lines[3]


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
        mean_abs=0.05,
        segments=80,
        start="",
        history={},
    )
    assert run.gap == pytest.approx(0.35)


def test_the_accuracy_of_a_run_is_the_one_keras_measures():
    """The accuracy the runs report, from the model called in chunks of 256 rows, equals
    Keras's own accuracy metric from ``model.evaluate`` (on more rows than one chunk)."""
    from course.models import build_mlp
    from course.remedies import _accuracy
    from course.training import compile_model

    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 130, 13)).astype(np.float32)
    y = rng.integers(0, 10, 600)
    model = compile_model(build_mlp())
    model.fit(x[:300], y[:300], epochs=1, batch_size=32, verbose=0)
    _, expected = model.evaluate(x, y, verbose=0, batch_size=64)
    assert 0.05 < expected < 0.95  # neither all right nor all wrong: the comparison means something
    assert _accuracy(model, x, y) == pytest.approx(expected, abs=1e-6)


def test_the_first_kernels_share_near_zero_and_mean_size_leave_biases_out():
    """What 05 prints per remedy: of the first layer's kernel (not its bias), the share of
    weights below 0.001 in size and their mean size, here computed by hand."""
    from types import SimpleNamespace

    from course.remedies import _first_kernel

    def weight(values):
        values = np.array(values)
        return SimpleNamespace(shape=values.shape, numpy=lambda: values)

    kernel = [[0.0005, -0.002], [0.5, -0.0001]]
    model = SimpleNamespace(weights=[weight([9.0, 9.0]), weight(kernel), weight([[7.0]])])
    near_zero, mean_abs = _first_kernel(model)
    assert near_zero == 2 / 4  # 0.0005 and 0.0001
    assert mean_abs == pytest.approx((0.0005 + 0.002 + 0.5 + 0.0001) / 4)


@pytest.mark.slow
def test_runs_are_controlled_and_repeat(tiny_sample, tiny_features, monkeypatch):
    from course import training

    seen, train = [], training.run_experiment

    def spy(name, *args, callbacks=(), **kwargs):
        seen.append((name, list(callbacks)))
        return train(name, *args, callbacks=callbacks, **kwargs)

    monkeypatch.setattr(training, "run_experiment", spy)
    remedies = [
        Remedy("reference", hidden=(16,)),
        # white noise only (the cheapest transform, and it keeps a track's length)
        Remedy("augmented", hidden=(16,), augmented=True, same_updates=True, transforms=("noise",)),
        Remedy("early", hidden=(16,), patience=1),
    ]
    runs = run_remedies(
        remedies, tiny_features, str(tiny_sample), seeds=[0, 1], epochs=4, progress=False
    )
    by = {(r.remedy, r.seed): r for r in runs}
    for seed in (0, 1):
        ref, aug = by[("reference", seed)], by[("augmented", seed)]
        assert ref.epochs == 4
        # one noisy copy of each training segment; the shapes agree, so the same start
        assert aug.segments == 2 * ref.segments and aug.start == ref.start
        # matched: about the reference's number of updates, though each epoch is longer
        assert aug.updates / aug.epochs > ref.updates / ref.epochs
        assert abs(aug.updates - ref.updates) <= aug.updates / aug.epochs
    # Early stopping is wired as the remedy says, for that remedy only (its validation loss
    # falls every epoch here, so the run itself cannot show it).
    stopping = [(name, cbs) for name, cbs in seen if cbs]
    assert [name for name, _ in stopping] == ["early", "early"]  # seeds 0 and 1
    for _, [callback] in stopping:
        assert callback.monitor == "val_loss" and callback.patience == 1
        assert callback.restore_best_weights
    again = run_remedies(
        remedies[:1], tiny_features, str(tiny_sample), seeds=[1], epochs=4, progress=False
    )
    assert again[0].test_accuracy == by[("reference", 1)].test_accuracy
    assert again[0].train_accuracy == by[("reference", 1)].train_accuracy


def test_each_set_of_transforms_gets_its_own_copies(tiny_sample, tiny_features, monkeypatch):
    """Two augmented remedies with different transforms, on two seeds: each trains on copies
    made with its own transforms (white noise keeps a track's length, so n noise transforms
    give n copies of each training segment). Training is replaced by a stand-in that builds
    the network and records what it was given."""
    from types import SimpleNamespace

    from course import training

    given = {}

    def stand_in(name, build, train, validation, seed, **kwargs):
        model = build()
        given[(name, seed)] = len(train[0])
        return SimpleNamespace(model=model, epochs=1, parameters=1, history={})

    monkeypatch.setattr(training, "run_experiment", stand_in)
    remedies = [
        Remedy("reference", hidden=(16,)),
        Remedy("once", hidden=(16,), augmented=True, transforms=("noise",)),
        Remedy("twice", hidden=(16,), augmented=True, transforms=("noise", "noise")),
    ]
    runs = run_remedies(remedies, tiny_features, str(tiny_sample), seeds=[0, 1], progress=False)
    for seed in (0, 1):
        real = given[("reference", seed)]
        assert given[("once", seed)] == 2 * real and given[("twice", seed)] == 3 * real
    assert {(r.remedy, r.seed): r.segments for r in runs} == given


@pytest.mark.parametrize("transforms", [("noise", "echo"), "echo", ()])
def test_an_unknown_or_missing_transform_is_refused_before_anything_trains(
    tiny_features, monkeypatch, transforms
):
    from course import training

    def never(*args, **kwargs):
        raise AssertionError("a network was trained")

    monkeypatch.setattr(training, "run_experiment", never)
    remedies = [Remedy("reference"), Remedy("aug", augmented=True, transforms=transforms)]
    with pytest.raises(ParameterError, match="'echo'" if transforms else "transforms"):
        run_remedies(remedies, tiny_features, "nowhere", seeds=[0, 1], progress=False)


def test_same_starting_weights_only_where_the_network_is_built_alike():
    """What 05 prints about starting points: the penalties keep the reference's initial
    weights; another width cannot, and a dropout layer draws its own seed as it is built,
    which changes the weights drawn after it. Checked on the built models themselves."""
    from course.models import build_mlp
    from course.training import set_seed

    def initial(**kwargs):
        set_seed(3)
        model = build_mlp(input_shape=(130, 13), hidden=(16, 8), **kwargs)
        return [w.numpy() for w in model.weights]

    def same(a, b):
        return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))

    reference = initial(dropout=0.0, l2=0.0)
    assert same(reference, initial(dropout=0.0, l2=0.001))
    assert same(reference, initial(dropout=0.0, l2=0.0, l1=0.001))
    assert not same(reference, initial(dropout=0.3, l2=0.0))
