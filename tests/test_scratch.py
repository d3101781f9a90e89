"""course.scratch, numpy layers with Keras's weight layouts, gives Keras's outputs."""

import numpy as np
import pytest

from course import scratch
from course.errors import ParameterError
from course.models import import_keras

keras = import_keras()
RNG = np.random.default_rng(0)
TOL = dict(rtol=1e-5, atol=1e-5)


def _randomise_biases(layer):
    """Keras starts biases at zero; give them values so the tests exercise them."""
    weights = layer.get_weights()
    weights[-1] = RNG.normal(0, 0.5, weights[-1].shape).astype(np.float32)
    layer.set_weights(weights)
    return weights


CONV_GRID = [
    # (input H, W, C), (kh, kw), filters, strides
    ((7, 5, 1), (3, 3), 1, 1),
    ((7, 5, 3), (3, 3), 4, 2),
    ((8, 9, 3), (2, 2), 4, 1),
    ((8, 9, 1), (2, 2), 1, 2),
    ((8, 9, 3), (1, 3), 4, (1, 2)),
    ((6, 6, 3), (4, 4), 1, 2),
    ((5, 7, 1), (4, 4), 4, (2, 1)),
    ((9, 8, 3), (3, 3), 1, (2, 2)),
]


@pytest.mark.parametrize("shape,kernel_size,filters,strides", CONV_GRID)
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("batch", [None, 3])
def test_conv2d_matches_keras(shape, kernel_size, filters, strides, padding, batch):
    layer = keras.layers.Conv2D(filters, kernel_size, strides=strides, padding=padding)
    x = RNG.standard_normal(((batch or 1),) + shape).astype(np.float32)
    layer(x)  # builds the weights
    kernel, bias = _randomise_biases(layer)
    expected = np.asarray(layer(x))
    ours = scratch.conv2d(x if batch else x[0], kernel, bias, strides=strides, padding=padding)
    np.testing.assert_allclose(ours, expected if batch else expected[0], **TOL)


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize(
    "pool_size,strides", [(2, None), (3, None), (3, 2), (2, 1), ((2, 3), (1, 2))]
)
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("shape", [(7, 5, 1), (8, 9, 3)])
def test_pool2d_matches_keras(mode, pool_size, strides, padding, shape):
    cls = keras.layers.MaxPooling2D if mode == "max" else keras.layers.AveragePooling2D
    layer = cls(pool_size=pool_size, strides=strides, padding=padding)
    x = RNG.standard_normal((2,) + shape).astype(np.float32)
    expected = np.asarray(layer(x))
    ours = scratch.pool2d(x, pool_size, strides, padding, mode)
    np.testing.assert_allclose(ours, expected, **TOL)
    np.testing.assert_allclose(
        scratch.pool2d(x[0], pool_size, strides, padding, mode), expected[0], **TOL
    )


def test_same_padding_rule_puts_the_extra_cell_at_the_end():
    assert scratch.same_padding(5, 2, 1) == (0, 1)
    assert scratch.same_padding(5, 3, 1) == (1, 1)
    assert scratch.same_padding(6, 3, 2) == (0, 1)
    assert scratch.same_padding(7, 4, 2) == (1, 2)


SEQ_GRID = [(n, t, d, u) for n, t in ((1, 1), (3, 2), (1, 7), (3, 20)) for d, u in ((1, 1), (3, 5))]


@pytest.mark.parametrize("n,t,d,units", SEQ_GRID)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_rnn_matches_keras_simplernn(n, t, d, units, return_sequences, activation):
    layer = keras.layers.SimpleRNN(units, activation=activation, return_sequences=return_sequences)
    x = RNG.standard_normal((n, t, d)).astype(np.float32)
    layer(x)
    weights = _randomise_biases(layer)
    ours = scratch.rnn_forward(
        x, *weights, activation=activation, return_sequences=return_sequences
    )
    np.testing.assert_allclose(ours, np.asarray(layer(x)), **TOL)


@pytest.mark.parametrize("n,t,d,units", SEQ_GRID)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_matches_keras(n, t, d, units, return_sequences):
    layer = keras.layers.LSTM(units, return_sequences=return_sequences)
    x = RNG.standard_normal((n, t, d)).astype(np.float32)
    layer(x)
    weights = _randomise_biases(layer)
    ours = scratch.lstm_forward(x, *weights, return_sequences=return_sequences)
    assert ours.shape == ((n, t, units) if return_sequences else (n, units))
    np.testing.assert_allclose(ours, np.asarray(layer(x)), **TOL)


@pytest.mark.parametrize("n,t,d,units", SEQ_GRID)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_matches_keras_both_conventions(n, t, d, units, return_sequences, reset_after):
    layer = keras.layers.GRU(units, reset_after=reset_after, return_sequences=return_sequences)
    x = RNG.standard_normal((n, t, d)).astype(np.float32)
    layer(x)
    weights = _randomise_biases(layer)
    assert weights[-1].shape == ((2, 3 * units) if reset_after else (3 * units,))
    ours = scratch.gru_forward(
        x, *weights, reset_after=reset_after, return_sequences=return_sequences
    )
    np.testing.assert_allclose(ours, np.asarray(layer(x)), **TOL)


def test_lstm_step_gates_are_in_range_and_combine_as_the_equations_say():
    layer = keras.layers.LSTM(4)
    x = RNG.standard_normal((2, 1, 3)).astype(np.float32)
    layer(x)
    kernel, recurrent, bias = _randomise_biases(layer)
    h0 = RNG.standard_normal((2, 4))
    c0 = RNG.standard_normal((2, 4))
    h, c, g = scratch.lstm_step(x[:, 0], h0, c0, kernel, recurrent, bias)
    for name in ("input", "forget", "output"):
        assert np.all((g[name] > 0) & (g[name] < 1))
    assert np.all((g["candidate"] > -1) & (g["candidate"] < 1))

    # The reference is Keras's own LSTM step from the state (h0, c0), not these equations.
    stepper = keras.layers.LSTM(4, return_state=True)
    stepper(x)
    stepper.set_weights([kernel, recurrent, bias])

    def keras_step(c_start):
        _, h_k, c_k = stepper(x, initial_state=[h0.astype(np.float32), c_start.astype(np.float32)])
        return np.asarray(h_k, float), np.asarray(c_k, float)

    h_k, c_k = keras_step(c0)
    np.testing.assert_allclose(h, h_k, **TOL)
    np.testing.assert_allclose(c, c_k, **TOL)
    # The gates, read off Keras's behaviour: c is linear in c0 with slope the forget gate, so
    # two starting cell states give it; what is left of c is input * candidate; and the
    # output gate is h / tanh(c) (where tanh(c) is not near 0).
    _, c_shifted = keras_step(c0 + 1.0)
    np.testing.assert_allclose(g["forget"], c_shifted - c_k, **TOL)
    np.testing.assert_allclose(g["input"] * g["candidate"], c_k - (c_shifted - c_k) * c0, **TOL)
    clear = np.abs(np.tanh(c_k)) > 0.1
    assert clear.sum() >= 2
    np.testing.assert_allclose(g["output"][clear], (h_k / np.tanh(c_k))[clear], rtol=1e-4)


def test_errors_name_the_problem():
    x = np.zeros((5, 5, 3), np.float32)
    with pytest.raises(ParameterError, match="3 channels but the kernel expects 2"):
        scratch.conv2d(x, np.zeros((3, 3, 2, 1)))
    with pytest.raises(ParameterError, match="padding must be"):
        scratch.conv2d(x, np.zeros((3, 3, 3, 1)), padding="full")
    with pytest.raises(ParameterError, match="mode must be"):
        scratch.pool2d(x, mode="median")
    with pytest.raises(ParameterError, match=r"\(H, W, C\) or \(N, H, W, C\)"):
        scratch.conv2d(np.zeros((5, 5)), np.zeros((3, 3, 1, 1)))
    with pytest.raises(ParameterError, match="does not fit"):
        scratch.conv2d(np.zeros((2, 2, 1)), np.zeros((3, 3, 1, 1)))
    with pytest.raises(ParameterError, match=r"\(batch, steps, features\)"):
        scratch.lstm_forward(np.zeros((4, 3)), np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8))
    with pytest.raises(ParameterError, match="strides"):
        scratch.conv2d(x, np.zeros((3, 3, 3, 1)), strides=0)


def test_the_bptt_jacobian_in_notebook_08_matches_finite_differences():
    """dh_t/dh_k = diag(phi'(z_t)) W^T ... diag(phi'(z_{k+1})) W^T with rows as vectors
    (h_j = tanh(x_j U + h_{j-1} W + b)), checked entry by entry by central differences."""
    rng = np.random.default_rng(3)
    d, u, steps, k = 2, 3, 5, 1
    x, kernel = rng.normal(size=(steps, d)), rng.normal(size=(d, u))
    recurrent, bias = rng.normal(size=(u, u)) * 0.8, rng.normal(size=u)

    def run(h_k):  # h_t from h_k, through steps k+1 .. t
        h, zs = h_k, []
        for j in range(k + 1, steps):
            zs.append(x[j] @ kernel + h @ recurrent + bias)
            h = np.tanh(zs[-1])
        return h, zs

    h_k = np.tanh(rng.normal(size=u))
    _, zs = run(h_k)
    jacobian = np.eye(u)
    for z in zs:  # step j's factor multiplies from the left
        jacobian = np.diag(1 - np.tanh(z) ** 2) @ recurrent.T @ jacobian
    eps, numeric = 1e-6, np.zeros((u, u))
    for b in range(u):
        step = np.zeros(u)
        step[b] = eps
        numeric[:, b] = (run(h_k + step)[0] - run(h_k - step)[0]) / (2 * eps)
    np.testing.assert_allclose(jacobian, numeric, atol=1e-8)
    assert not np.allclose(jacobian, numeric.T, atol=1e-3)  # the transposed order is wrong
