"""Seeding, fitting, the comparison, the baseline and the gradient probe."""

import numpy as np
import pytest

from course import evaluation, experiments, probes, splits, training
from course.errors import ParameterError


def _fit_once(features, seed):
    from course.models import build_model

    training.set_seed(seed)
    model = build_model("mlp", features.mfcc.shape[1:], hidden=(32,))
    return training.fit(
        model,
        features.mfcc,
        features.labels,
        features.mfcc[:20],
        features.labels[:20],
        epochs=2,
        progress=False,
    )


@pytest.mark.slow
def test_same_seed_same_history_on_cpu(tiny_features):
    a = _fit_once(tiny_features, 3)
    b = _fit_once(tiny_features, 3)
    c = _fit_once(tiny_features, 4)
    assert set(a) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(a["loss"]) == 2
    assert a == b
    assert a["loss"] != c["loss"]


@pytest.mark.slow
def test_fit_traces_the_training_step_once_and_learns_what_keras_own_compile_learns(
    tiny_features,
):
    """Keras traces its training step a second time when variables (Adam's moments, a metric
    named by a string) are made inside the first trace; training.fit makes them beforehand.
    The reference is the same network compiled the plain Keras way and fitted by Keras."""
    import keras

    from course.models import build_model

    x, y = tiny_features.mfcc, tiny_features.labels
    x_val, y_val = x[:20], y[:20]

    def run(compiled_here: bool):
        training.set_seed(3)
        model = build_model("mlp", x.shape[1:], hidden=(32,))
        traced = []
        step = model.train_step
        model.train_step = lambda data: traced.append(1) or step(data)
        if compiled_here:
            return training.fit(model, x, y, x_val, y_val, epochs=2, progress=False), len(traced)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=training.TrainParams.learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        fitted = model.fit(
            x,
            y,
            validation_data=(x_val, y_val),
            epochs=2,
            batch_size=training.TrainParams.batch_size,
            verbose=0,
        )
        return {k: [float(v) for v in vals] for k, vals in fitted.history.items()}, len(traced)

    ours, traced_ours = run(compiled_here=True)
    keras_own, _ = run(compiled_here=False)  # traced twice by Keras 3.15
    assert traced_ours == 1
    assert ours == keras_own


def test_fit_checks_its_arguments(tiny_features):
    from course.models import build_mlp

    with pytest.raises(ParameterError, match="rows"):
        training.fit(build_mlp(), tiny_features.mfcc, tiny_features.labels[:5], progress=False)
    with pytest.raises(ParameterError, match="epochs"):
        training.fit(build_mlp(), tiny_features.mfcc, tiny_features.labels, epochs=0)


@pytest.mark.slow
def test_compare_trains_each_model_on_one_split(tiny_features):
    comparison = experiments.compare(
        tiny_features, ("mlp", "cnn", "lstm"), epochs=1, baseline=False, progress=False
    )
    results, split = comparison.results, comparison.splits[0]
    assert [r.model for r in results] == ["mlp", "cnn", "lstm"]
    assert [r.parameters for r in results] == [1_014_218, 45_514, 57_802]
    for r in results:
        assert r.train_seconds > 0 and r.epochs == 1
        assert r.probabilities.shape == (len(split.test), 10)
        # The accuracy reported is the accuracy of the predictions returned.
        predicted = r.probabilities.argmax(axis=1)
        assert r.test_accuracy == pytest.approx(
            np.mean(predicted == tiny_features.labels[split.test]), abs=1e-6
        )
    table = evaluation.results_table(results)
    assert "| cnn | 45,514 |" in table


@pytest.mark.slow
def test_a_standardised_model_sees_inputs_scaled_with_training_statistics(tiny_features):
    from course.features import standardise
    from course.splits import split_tracks

    f = tiny_features
    split = split_tracks(f.track, f.labels, seed=0)
    plain = experiments.train_and_evaluate("mlp", f, split, epochs=1, progress=False)
    scaled = experiments.train_and_evaluate("mlp-standardised", f, split, epochs=1, progress=False)
    assert scaled.model == "mlp-standardised" and scaled.parameters == plain.parameters
    # same seed, same weights: only the inputs differ, and the scaled ones start near ln 10
    assert scaled.history["loss"][0] < plain.history["loss"][0]
    x = standardise(f.mfcc[split.train], f.mfcc)[1]
    assert abs(x[split.train].mean()) < 1e-4 and abs(x[split.train].std() - 1) < 1e-3


def test_unknown_protocol(tiny_features):
    with pytest.raises(ParameterError, match="protocol"):
        splits.make_split(tiny_features.track, tiny_features.labels, protocol="random")


@pytest.mark.slow
def test_the_baseline_figure_quoted_in_data_readme_is_what_the_command_gives(sample_tracks):
    # data/README.md quotes the traditional baseline on the full synthetic sample; the same
    # seed must give the same figure, to the digits quoted.
    import re
    from pathlib import Path

    from course.features import prepare

    readme = (Path(__file__).resolve().parents[1] / "data" / "README.md").read_text()
    quoted = re.search(r"cross-validation over tracks \| ([0-9.]+) ± ([0-9.]+) accuracy", readme)
    assert quoted, "data/README.md no longer quotes the baseline"
    from course.sample import DEFAULT_TRACKS_PER_GENRE as n

    features = prepare(str(sample_tracks(n)), tracks_per_genre=n, cache=False, progress=False)
    mean, std = evaluation.baseline_accuracy(features, seed=0)
    assert (f"{mean:.3f}", f"{std:.3f}") == quoted.groups()


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


def test_the_errors_reaching_each_layer_give_keras_own_kernel_and_bias_gradients():
    # dL/dW = a_prev.T @ error and dL/db = the error summed over the batch; with a batch smaller
    # than every layer's input, a_prev has full row rank, so the kernel gradient alone pins the
    # error down
    import tensorflow as tf

    from course.models import build_mlp, import_keras

    keras = import_keras()
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 20, 3)).astype(np.float32)
    y = rng.integers(0, 4, 6)
    training.set_seed(0)
    model = build_mlp((20, 3), n_classes=4, hidden=(12, 8), dropout=0.0, l2=0.0, activation="tanh")
    errors = probes.layer_errors(model, x, y)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, model(x)))
    grads = tape.gradient(loss, [v for layer in dense for v in (layer.kernel, layer.bias)])
    a = x.reshape(6, -1)
    assert [e.shape for e in errors] == [(6, 12), (6, 8), (6, 4)]
    for i, (error, layer) in enumerate(zip(errors, dense)):
        np.testing.assert_allclose(a.T @ error, grads[2 * i].numpy(), rtol=1e-4, atol=1e-7)
        np.testing.assert_allclose(error.sum(axis=0), grads[2 * i + 1].numpy(), atol=1e-7)
        a = layer(a).numpy()
    norms = probes.gradient_norms(model, x, y)
    np.testing.assert_allclose(norms, [np.linalg.norm(e) for e in errors], rtol=1e-6)


@pytest.mark.slow
def test_run_experiment_repeats_and_reports_the_gap(tiny_features):
    from course.models import build_mlp

    f = tiny_features
    train, val = (f.mfcc[:120], f.labels[:120]), (f.mfcc[120:], f.labels[120:])
    runs = [
        training.run_experiment(
            "small", lambda: build_mlp(hidden=(16,)), train, val, epochs=2, seed=1, progress=False
        )
        for _ in range(2)
    ]
    assert runs[0].history == runs[1].history
    assert runs[0].epochs == 2 and runs[0].parameters == 130 * 13 * 16 + 16 + 16 * 10 + 10


def test_an_experiments_gap_and_best_score_from_a_known_history():
    history = {
        "loss": [2.0, 1.0, 0.5],
        "accuracy": [0.4, 0.8, 0.95],
        "val_loss": [2.1, 1.5, 1.6],
        "val_accuracy": [0.35, 0.7, 0.65],
    }
    e = training.Experiment(name="known", history=history, seconds=1.25, parameters=1234)
    assert e.epochs == 3 and e.best_val_accuracy == 0.7
    assert e.final_gap == pytest.approx(0.30)
