"""The from-scratch network of notebook 04 against TensorFlow: softmax, cross-entropy, the
gradients of backpropagation (``tf.GradientTape``) and a training loop (``model.fit`` with SGD).
"""

import numpy as np
import pytest

from course import backprop
from course.errors import ParameterError

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")

GRID = [
    ([2, 3], "relu", 1),
    ([2, 8, 3], "relu", 7),
    ([5, 16, 8, 4], "sigmoid", 6),
    ([4, 6, 6, 6, 2], "tanh", 5),
    ([13, 32, 10], "relu", 32),
]


def data(n_in: int, n_classes: int, n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(n, n_in)).astype(np.float32),
        rng.integers(0, n_classes, n).astype(np.int64),
    )


def keras_model(layers, activation: str):
    model = keras.Sequential(
        [keras.Input((layers[0][0].shape[0],))]
        + [
            keras.layers.Dense(
                k.shape[1], activation="softmax" if i == len(layers) - 1 else activation
            )
            for i, (k, _) in enumerate(layers)
        ]
    )
    model.set_weights([w for pair in layers for w in pair])
    return model


def test_softmax_and_cross_entropy_match_keras():
    z = np.random.default_rng(1).normal(scale=5.0, size=(6, 4)).astype(np.float32)
    labels = np.array([0, 1, 2, 3, 0, 2])
    p = backprop.softmax(z)
    np.testing.assert_allclose(p, keras.activations.softmax(z).numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    # Large scores, where exp overflows unless the row's maximum is taken off first, against
    # scipy's softmax and against values worked by hand: a gap of 1 between the two top scores
    # gives 1 / (1 + e^-1) = 0.731 and 0.269; a gap of 1000 leaves e^-1000, which is 0.
    from scipy.special import softmax as scipy_softmax

    big = np.array(
        [
            [1000.0, 0.0, -5.0],
            [1000.0, 999.0, -1000.0],
            [-1000.0, -1001.0, -1000.0],
            [710.0, 710.0, 710.0],
        ]
    )
    q = backprop.softmax(big)
    assert np.all(np.isfinite(q))
    np.testing.assert_allclose(q, scipy_softmax(big, axis=-1), rtol=1e-12, atol=1e-15)
    e = np.exp(-1.0)
    np.testing.assert_allclose(
        q,
        [
            [1.0, 0.0, 0.0],
            [1 / (1 + e), e / (1 + e), 0.0],
            [1 / (2 + e), e / (2 + e), 1 / (2 + e)],
            [1 / 3, 1 / 3, 1 / 3],
        ],
        rtol=1e-12,
        atol=1e-15,
    )
    np.testing.assert_allclose(
        backprop.softmax(big.astype(np.float32)),
        keras.activations.softmax(big.astype(np.float32)).numpy(),
        rtol=1e-5,
        atol=1e-7,
    )
    expected = keras.losses.sparse_categorical_crossentropy(labels, p).numpy().mean()
    assert abs(backprop.cross_entropy(p, labels) - expected) < 1e-5
    # uniform probabilities over C classes cost log C
    assert (
        abs(backprop.cross_entropy(np.full((3, 10), 0.1), np.array([0, 4, 9])) - np.log(10)) < 1e-12
    )


@pytest.mark.parametrize("sizes, activation, batch", GRID)
def test_backpropagation_equals_gradient_tape(sizes, activation, batch):
    layers = backprop.init_dense(sizes, seed=3)
    x, y = data(sizes[0], sizes[-1], batch, seed=4)
    outs = backprop.forward(layers, x, activation)
    grads = backprop.backward(layers, outs, y, activation)
    model = keras_model(layers, activation)
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(x))
    tape_grads = tape.gradient(loss, model.trainable_variables)
    assert abs(backprop.cross_entropy(outs[-1], y) - float(loss)) < 1e-5
    ours = [g for pair in grads for g in pair]
    for mine, theirs in zip(ours, tape_grads):
        assert mine.shape == tuple(theirs.shape)
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-4, atol=1e-6)


def test_backpropagation_equals_finite_differences():
    layers = [
        (k.astype(np.float64), b.astype(np.float64))
        for k, b in backprop.init_dense([3, 5, 4], seed=0)
    ]
    layers[0] = (layers[0][0], np.linspace(-0.5, 0.5, 5))  # biases away from the ReLU kink
    x, y = data(3, 4, 6, seed=2)
    x = x.astype(np.float64)

    def loss(ls):
        outs = [x]
        for i, (k, b) in enumerate(ls):
            z = outs[-1] @ k + b
            outs.append(backprop.softmax(z) if i == len(ls) - 1 else np.maximum(z, 0.0))
        return -np.mean(np.log(outs[-1][np.arange(len(y)), y]))

    outs = [x]
    for i, (k, b) in enumerate(layers):
        z = outs[-1] @ k + b
        outs.append(backprop.softmax(z) if i == len(layers) - 1 else np.maximum(z, 0.0))
    grads = backprop.backward(layers, outs, y, "relu")
    eps = 1e-6
    for li, (dk, _) in enumerate(grads):
        for idx in [(0, 0), (1, 2), (2, 1)]:
            bumped = [(k.copy(), b.copy()) for k, b in layers]
            bumped[li][0][idx] += eps
            lowered = [(k.copy(), b.copy()) for k, b in layers]
            lowered[li][0][idx] -= eps
            numeric = (loss(bumped) - loss(lowered)) / (2 * eps)
            assert abs(numeric - dk[idx]) < 1e-7


@pytest.mark.parametrize("batch_size", [1, 16, 50])
def test_training_by_hand_reaches_the_weights_of_model_fit(batch_size):
    keras.utils.set_random_seed(0)
    layers = backprop.init_dense([13, 16, 10], seed=5)
    x, y = data(13, 10, 50, seed=6)
    trained, losses = backprop.train_sgd(
        layers, x, y, learning_rate=0.05, epochs=3, batch_size=batch_size
    )
    assert len(losses) == 3 * -(-50 // batch_size)  # one loss per update
    model = keras_model(layers, "relu")
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="sparse_categorical_crossentropy"
    )
    model.fit(x, y, epochs=3, batch_size=batch_size, shuffle=False, verbose=0)
    for mine, theirs in zip([w for pair in trained for w in pair], model.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-5)
    assert not np.allclose(trained[0][0], layers[0][0])  # it did learn something


def test_glorot_limits_batches_and_bad_input():
    k, b = backprop.init_dense([100, 50], seed=0)[0]
    assert np.abs(k).max() <= np.sqrt(6 / 150) and not b.any()
    assert [(s.start, s.stop) for s in backprop.batches(10, 4)] == [(0, 4), (4, 8), (8, 10)]
    with pytest.raises(ParameterError):
        backprop.init_dense([3])
    with pytest.raises(ParameterError):
        backprop.forward(backprop.init_dense([2, 2]), np.zeros((1, 2)), activation="swish")


def test_steps_shuffle_with_a_seed_and_repeat():
    layers = backprop.init_dense([3, 4, 2], seed=0)
    x, y = data(3, 2, 10, seed=1)

    def run(seed):
        steps = backprop.sgd_steps(layers, x, y, 0.1, batch_size=4, shuffle_seed=seed)
        return [loss for _, (_, loss) in zip(range(7), steps)]

    assert run(0) == run(0) and run(0) != run(None)
    assert backprop.accuracy(layers, x, y) == np.mean(
        backprop.forward(layers, x)[-1].argmax(axis=1) == y
    )


def test_standardise_uses_training_statistics_only():
    from course.features import standardise

    rng = np.random.default_rng(0)
    train = rng.normal(5.0, 3.0, size=(200, 30, 4))
    other = train[:50] + 100.0
    s_train, s_other = standardise(train, other)
    np.testing.assert_allclose(s_train.mean(axis=(0, 1)), 0.0, atol=1e-5)
    np.testing.assert_allclose(s_train.std(axis=(0, 1)), 1.0, atol=1e-5)
    np.testing.assert_allclose(s_other, s_train[:50] + 100.0 / train.std(axis=(0, 1)), atol=1e-4)


def test_timed_sgd_measures_at_powers_of_two_and_stops_at_the_time():
    layers = backprop.init_dense([13, 8, 3], seed=0)
    x, y = data(13, 3, 40, seed=1)
    rows = backprop.timed_sgd(layers, x, y, (x[:10], y[:10]), 0.05, 4, seconds=0.05, marks=4)
    updates, seconds, acc = rows.T
    assert np.all(np.diff(updates) > 0) and np.all(np.diff(seconds) >= 0)
    # every power of two up to the last update is a checkpoint, and the last row ends the time
    powers = 2 ** np.arange(int(np.log2(updates[-1])) + 1)
    assert set(powers) <= set(updates)
    assert seconds[-1] >= 0.05 and seconds[-2] < 0.05
    assert np.all((acc >= 0) & (acc <= 1)) and set(acc * 10) <= set(range(11))  # of 10 examples


def test_a_rate_that_diverges_ends_its_run_and_loses_its_trial_without_a_warning():
    import warnings

    layers = backprop.init_dense([13, 8, 3], seed=0)
    x, y = data(13, 3, 40, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rows = backprop.timed_sgd(layers, 100 * x, y, (x, y), 1e6, 40, seconds=5.0)
        trial = backprop.tune_learning_rate(layers, x, y, [1e6, 1e-9], 40, seconds=0.02)
    assert rows[-1, 1] < 5.0  # ended long before its time
    assert trial[1e6] == np.inf
    # a rate of 1e-9 barely moves the weights: its loss is the starting loss, which Keras gives
    start = keras.losses.sparse_categorical_crossentropy(y, keras_model(layers, "relu")(x))
    assert abs(trial[1e-9] - float(np.mean(start))) < 1e-3


def test_race_scores_at_equal_updates_and_equal_time_worked_by_hand():
    records = {
        "a": [
            np.array([[1, 0.1, 0.2], [2, 0.5, 0.4], [4, 0.8, 0.5], [5, 1.0, 0.7]]),
            np.array([[1, 0.2, 0.1], [2, 0.4, 0.3], [4, 0.7, 0.6], [8, 0.9, 0.8], [9, 1.0, 0.9]]),
        ],
        "b": [np.array([[1, 0.3, 0.3], [2, 0.6, 0.5], [4, 1.0, 0.6]])] * 2,
    }
    updates, at_updates, at_time = backprop.race_scores(records, seconds=1.0)
    assert updates == 4  # the fewest updates any run made is 4, a power of two
    np.testing.assert_allclose(at_updates["a"], [0.5, 0.6])
    np.testing.assert_allclose(at_updates["b"], [0.6, 0.6])
    # the checkpoints at or after 0.75 s: (0.8, 0.5), (1.0, 0.7); (0.9, 0.8), (1.0, 0.9); (1.0, 0.6)
    np.testing.assert_allclose(at_time["a"], [0.6, 0.85])
    np.testing.assert_allclose(at_time["b"], [0.6, 0.6])
    with pytest.raises(ParameterError):
        backprop.race_scores({}, 1.0)


def test_adam_step_reaches_the_weights_of_keras_adam_with_its_epsilon_placement():
    """Three updates against ``keras.optimizers.Adam``, on gradients as small as epsilon (where
    Keras's placement, epsilon added before the bias correction, parts from the paper's)."""
    rng = np.random.default_rng(3)
    start = rng.normal(size=(4, 5)).astype(np.float32)
    grads = [rng.normal(size=(4, 5)).astype(np.float32) * 1e-7 for _ in range(3)]
    variable = keras.Variable(start)
    optimizer = keras.optimizers.Adam(learning_rate=0.01)
    theta, moments = start, (np.zeros_like(start), np.zeros_like(start))
    paper, paper_moments = start.astype(np.float64), (0.0, 0.0)
    for t, g in enumerate(grads, start=1):
        optimizer.apply_gradients([(g, variable)])
        theta, moments = backprop.adam_step(theta, g, moments, t, learning_rate=0.01)
        # the paper's rule, written out by hand: epsilon added to sqrt(v_hat)
        m = 0.9 * paper_moments[0] + 0.1 * g
        v = 0.999 * paper_moments[1] + 0.001 * g.astype(np.float64) ** 2
        paper -= 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-7)
        paper_moments = (m, v)
    np.testing.assert_allclose(theta, variable.numpy(), rtol=0, atol=1e-7)
    assert np.max(np.abs(paper - variable.numpy())) > 1e-4  # the placement matters here
    assert theta.dtype == np.float32


def test_adam_steps_the_first_update_by_about_the_learning_rate_whatever_the_gradient():
    g = np.array([1e3, 1.0, -1e-3, 1e-5])
    theta, _ = backprop.adam_step(np.zeros(4), g, (np.zeros(4), np.zeros(4)), 1, 0.01)
    # m_hat = g and sqrt(v_hat) = |g| at t = 1: the step is 0.01 * |g| / (|g| + 1e-7 / 0.0316)
    np.testing.assert_allclose(-theta, 0.01 * g / (np.abs(g) + 1e-7 / np.sqrt(0.001)))
    np.testing.assert_allclose(np.abs(theta[:3]), 0.01, rtol=5e-3)  # gradients of 1e3 to 1e-3
    assert abs(theta[3]) < 0.008  # a gradient of 1e-5, near epsilon's size, moves it less


def test_keras_takes_a_softmax_layers_loss_from_its_scores_and_clips_bare_probabilities():
    """Notebook 04's drill: a softmax ``Dense`` output carries its logits, and Keras's sparse
    cross-entropy computes from them (no clipping); bare probabilities are clipped to
    [1e-7, 1 - 1e-7]."""
    layer = keras.layers.Dense(2, activation="softmax")
    layer.build((None, 1))
    layer.set_weights([np.array([[0.0, 200.0]], np.float32), np.zeros(2, np.float32)])
    probs = layer(np.ones((1, 1), np.float32))
    label = np.array([0])
    # scores 0 and 200, true class 0: -log p = log(1 + e^200) = 200 to float32 precision
    from_scores = float(keras.losses.sparse_categorical_crossentropy(label, probs)[0])
    assert from_scores == pytest.approx(200.0, rel=1e-6)
    bare = np.asarray(probs)
    assert bare[0, 0] == 0.0  # the probability itself underflows
    from_probs = float(keras.losses.sparse_categorical_crossentropy(label, bare)[0])
    assert from_probs == pytest.approx(-np.log(1e-7), rel=1e-5)
    near_one = float(keras.losses.sparse_categorical_crossentropy(np.array([1]), bare)[0])
    assert near_one == pytest.approx(-np.log(1 - 1e-7), abs=2e-7)
