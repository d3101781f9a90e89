"""Seeding, fitting, the comparison, the baseline and the gradient probe."""

import numpy as np
import pytest

from course import evaluation, experiments, probes, splits, training
from course.errors import ParameterError


def _fit_once(features, seed):
    from course.models import build_model

    training.set_seed(seed)
    model = build_model("mlp", features.mfcc.shape[1:], hidden=(32,))
    return training.fit(model, features.mfcc, features.labels, features.mfcc[:20],
                        features.labels[:20], epochs=2, progress=False)


def test_same_seed_same_history_on_cpu(tiny_features):
    a = _fit_once(tiny_features, 3)
    b = _fit_once(tiny_features, 3)
    c = _fit_once(tiny_features, 4)
    assert set(a) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(a["loss"]) == 2
    assert a == b
    assert a["loss"] != c["loss"]


def test_fit_checks_its_arguments(tiny_features):
    from course.models import build_mlp

    with pytest.raises(ParameterError, match="rows"):
        training.fit(build_mlp(), tiny_features.mfcc, tiny_features.labels[:5], progress=False)
    with pytest.raises(ParameterError, match="epochs"):
        training.fit(build_mlp(), tiny_features.mfcc, tiny_features.labels, epochs=0)


def test_compare_trains_each_model_on_one_split(tiny_features):
    comparison = experiments.compare(tiny_features, ("mlp", "cnn", "lstm"), epochs=1,
                                     progress=False)
    results, split = comparison.results, comparison.splits[0]
    assert [r.model for r in results] == ["mlp", "cnn", "lstm"]
    assert [r.parameters for r in results] == [1_014_218, 45_514, 57_802]
    for r in results:
        assert 0.0 <= r.test_accuracy <= 1.0 and r.train_seconds > 0 and r.epochs == 1
        assert r.probabilities.shape == (len(split.test), 10)
        # The accuracy reported is the accuracy of the predictions returned.
        predicted = r.probabilities.argmax(axis=1)
        assert r.test_accuracy == pytest.approx(
            np.mean(predicted == tiny_features.labels[split.test]), abs=1e-6)
    table = evaluation.results_table(results)
    assert "| cnn | 45,514 |" in table


def test_unknown_protocol(tiny_features):
    with pytest.raises(ParameterError, match="protocol"):
        splits.make_split(tiny_features.track, tiny_features.labels, protocol="random")


def test_baseline_is_well_above_chance_on_the_sample(tiny_features):
    mean, std = evaluation.baseline_accuracy(tiny_features)
    assert 0.0 <= std and 0.2 < mean <= 1.0


def test_gradient_norms_vanish_through_sigmoid_layers_not_relu():
    from course.models import build_mlp

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 130, 13)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    ratios = {}
    for activation in ("sigmoid", "relu"):
        training.set_seed(0)
        model = build_mlp(hidden=(16,) * 8, dropout=0.0, l2=0.0, activation=activation)
        norms = probes.gradient_norms(model, x, y)
        assert norms.shape == (9,) and np.all(norms > 0)
        ratios[activation] = norms[-2] / norms[0]
    assert ratios["sigmoid"] > 100
    assert 0.01 < ratios["relu"] < 100


def test_run_experiment_repeats_and_reports_the_gap(tiny_features):
    from course.models import build_mlp

    f = tiny_features
    train, val = (f.mfcc[:120], f.labels[:120]), (f.mfcc[120:], f.labels[120:])
    runs = [training.run_experiment("small", lambda: build_mlp(hidden=(16,)), train, val,
                                    epochs=2, seed=1, progress=False) for _ in range(2)]
    assert runs[0].history == runs[1].history
    e = runs[0]
    assert e.epochs == 2
    assert e.final_gap == pytest.approx(e.history["accuracy"][-1] - e.history["val_accuracy"][-1])
    assert e.best_val_accuracy == max(e.history["val_accuracy"])
    table = evaluation.experiments_table(runs)
    assert table.count("| small |") == 2 and f"{e.final_gap:+.3f}" in table
