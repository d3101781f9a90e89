"""Seeding, fitting, the comparison and the baseline."""

import numpy as np
import pytest

from course import training


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

    with pytest.raises(ValueError, match="rows"):
        training.fit(build_mlp(), tiny_features.mfcc, tiny_features.labels[:5], progress=False)
    with pytest.raises(ValueError, match="epochs"):
        training.fit(build_mlp(), tiny_features.mfcc, tiny_features.labels, epochs=0)


def test_compare_trains_each_model_on_one_split(tiny_features):
    results, split = training.compare(tiny_features, ("mlp", "cnn", "lstm"), epochs=1,
                                      progress=False)
    assert [r.model for r in results] == ["mlp", "cnn", "lstm"]
    assert [r.parameters for r in results] == [1_014_218, 45_514, 57_802]
    for r in results:
        assert 0.0 <= r.test_accuracy <= 1.0 and r.train_seconds > 0 and r.epochs == 1
        assert r.probabilities.shape == (len(split.test), 10)
        # The accuracy reported is the accuracy of the predictions returned.
        predicted = r.probabilities.argmax(axis=1)
        assert r.test_accuracy == pytest.approx(
            np.mean(predicted == tiny_features.labels[split.test]), abs=1e-6)
    table = training.results_table(results)
    assert "| cnn | 45,514 |" in table


def test_unknown_protocol(tiny_features):
    with pytest.raises(ValueError, match="protocol"):
        training.make_split(tiny_features, protocol="random")


def test_baseline_is_well_above_chance_on_the_sample(tiny_features):
    mean, std = training.baseline_accuracy(tiny_features)
    assert 0.0 <= std and 0.2 < mean <= 1.0
