"""course.scratch, numpy layers with Keras's weight layouts, gives Keras's outputs."""

import inspect
import json
import re
from pathlib import Path

import numpy as np
import pytest

from course import scratch
from course.errors import ParameterError
from course.models import import_keras

keras = import_keras()
RNG = np.random.default_rng(0)
ROOT = Path(__file__).resolve().parents[1]
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


def _last_state_from(h_k, x, kernel, recurrent, bias, k, phi):
    """The reference: h_T computed from the state after step k by the plain recurrence
    h_j = phi(x_j U + h_{j-1} W + b), for j = k+1 .. T (x holds steps 1 .. T)."""
    h = h_k
    for j in range(k, x.shape[0]):
        h = phi(x[j] @ kernel + h @ recurrent + bias)
    return h


PHI = {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "linear": lambda z: z}


@pytest.mark.parametrize("activation", list(PHI))
@pytest.mark.parametrize("k", [1, 3, 6])
def test_the_bptt_jacobian_matches_finite_differences(activation, k):
    """scratch.rnn_jacobian (notebook 08's dh_T/dh_k = diag(phi'(z_T)) W^T ... diag(phi'(z_{k+1}))
    W^T with rows as vectors) against central differences of the recurrence, entry by entry."""
    rng = np.random.default_rng(3)
    n, steps, d, u = 2, 6, 2, 3
    x = rng.normal(size=(n, steps, d))
    kernel, recurrent = rng.normal(size=(d, u)), rng.normal(size=(u, u)) * 0.8
    bias, phi = rng.normal(size=u), PHI[activation]
    jacobian = scratch.rnn_jacobian(x, kernel, recurrent, bias, k=k, activation=activation)
    assert jacobian.shape == (n, u, u)
    states = scratch.rnn_forward(x, kernel, recurrent, bias, activation, return_sequences=True)
    eps = 1e-6
    for seq in range(n):
        h_k = states[seq, k - 1]
        numeric = np.zeros((u, u))
        for b in range(u):
            step = np.zeros(u)
            step[b] = eps
            ahead = _last_state_from(h_k + step, x[seq], kernel, recurrent, bias, k, phi)
            behind = _last_state_from(h_k - step, x[seq], kernel, recurrent, bias, k, phi)
            numeric[:, b] = (ahead - behind) / (2 * eps)
        np.testing.assert_allclose(jacobian[seq], numeric, atol=1e-8)
        if k < steps:  # the transposed (column-vector) order is a different matrix
            assert not np.allclose(jacobian[seq], numeric.T, atol=1e-3 * np.abs(numeric).max())


def test_the_bptt_jacobian_of_a_scaled_orthogonal_linear_rnn_is_the_bound():
    """Without an activation and with W = s Q (Q orthogonal), dh_T/dh_k = (s Q^T)^(T-k): its
    spectral norm is s^(T-k) exactly, the bound (gamma ||W||)^(T-k) of notebook 08."""
    rng = np.random.default_rng(4)
    q = np.linalg.qr(rng.standard_normal((5, 5)))[0]
    x, kernel = rng.standard_normal((3, 12, 1)), rng.standard_normal((1, 5))
    jacobian = scratch.rnn_jacobian(x, kernel, 1.3 * q, np.zeros(5), k=2, activation="linear")
    np.testing.assert_allclose(np.linalg.norm(jacobian, 2, axis=(1, 2)), 1.3**10, rtol=1e-12)
    np.testing.assert_allclose(jacobian[0], np.linalg.matrix_power(1.3 * q.T, 10), atol=1e-9)
    identity = scratch.rnn_jacobian(x, kernel, 1.3 * q, np.zeros(5), k=12, activation="linear")
    np.testing.assert_array_equal(identity, np.broadcast_to(np.eye(5), (3, 5, 5)))
    with pytest.raises(ParameterError, match="k must be a whole step from 1 to 12"):
        scratch.rnn_jacobian(x, kernel, q, np.zeros(5), k=0)


def _moved_by(option: dict, gradients: list[np.ndarray]) -> list[np.ndarray]:
    """What one SGD step of learning rate 1 with ``option`` subtracts from each variable."""
    variables = [keras.Variable(np.zeros_like(g)) for g in gradients]
    optimizer = keras.optimizers.SGD(learning_rate=1.0, **option)
    optimizer.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in gradients], variables))
    return [-np.asarray(v) for v in variables]


def test_keras_clipnorm_clips_each_variable_and_global_clipnorm_all_together():
    """Notebook 08's claim: clipnorm=c rescales each variable's gradient to norm at most c on its
    own (three gradients above c give a step of norm c sqrt(3)); global_clipnorm=c rescales all
    of them by one factor, so the step's norm is c. References computed by hand."""
    gradients = [
        np.array([3.0, 4.0], np.float32),  # norm 5
        np.array([[0.0, 12.0]], np.float32),  # norm 12
        np.array([0.0, 0.0, 0.5], np.float32),  # norm 0.5, under the threshold
    ]
    per_variable = _moved_by({"clipnorm": 1.0}, gradients)
    np.testing.assert_allclose(per_variable[0], [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(per_variable[1], [[0.0, 1.0]], rtol=1e-6)
    np.testing.assert_allclose(per_variable[2], [0.0, 0.0, 0.5], rtol=1e-6)  # left alone
    # global norm sqrt(25 + 144 + 0.25) = 13.0096...; every gradient is divided by it
    together = _moved_by({"global_clipnorm": 1.0}, gradients)
    scale = 1.0 / np.sqrt(25 + 144 + 0.25)
    for moved, g in zip(together, gradients):
        np.testing.assert_allclose(moved, g * scale, rtol=1e-5)
    step = lambda parts: np.sqrt(sum(np.sum(p**2) for p in parts))  # noqa: E731
    np.testing.assert_allclose(step(together), 1.0, rtol=1e-5)
    np.testing.assert_allclose(step(per_variable), np.sqrt(1 + 1 + 0.25), rtol=1e-5)
    three_over = [g * 10 for g in gradients[:2]] + [np.full(4, 3.0, np.float32)]
    np.testing.assert_allclose(
        step(_moved_by({"clipnorm": 1.0}, three_over)), np.sqrt(3), rtol=1e-5
    )
    np.testing.assert_allclose(
        step(_moved_by({"global_clipnorm": 1.0}, three_over)), 1.0, rtol=1e-5
    )


def _lstm_reference(h, c, x, kernel, recurrent, bias):
    """The reference: the LSTM's equations written out again (Keras's gate order i, f, c, o),
    run over the steps of x (T, D) from the states (h, c); returns h, c and the product of the
    forget gates on the way."""
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    forget = np.ones_like(c)
    for x_j in x:
        zi, zf, zc, zo = np.split(x_j @ kernel + h @ recurrent + bias, 4)
        c = sig(zf) * c + sig(zi) * np.tanh(zc)
        h, forget = sig(zo) * np.tanh(c), forget * sig(zf)
    return h, c, forget


@pytest.mark.parametrize("k", [1, 4, 7])
def test_the_lstm_cell_jacobian_matches_finite_differences(k):
    """scratch.lstm_jacobian's whole dc_T/dc_k (h_k held) against central differences of the
    equations, and its direct path against their product of forget gates."""
    rng = np.random.default_rng(5)
    n, steps, d, u = 2, 7, 2, 3
    x = rng.normal(size=(n, steps, d))
    kernel, recurrent = rng.normal(size=(d, 4 * u)), rng.normal(size=(u, 4 * u))
    bias = rng.normal(size=4 * u)
    whole, direct = scratch.lstm_jacobian(x, kernel, recurrent, bias, k=k)
    assert whole.shape == (n, u, u) and direct.shape == (n, u)
    eps = 1e-6
    for seq in range(n):
        h_k, c_k, _ = _lstm_reference(np.zeros(u), np.zeros(u), x[seq, :k], kernel, recurrent, bias)
        later = (x[seq, k:], kernel, recurrent, bias)
        numeric = np.zeros((u, u))
        for b in range(u):
            step = np.zeros(u)
            step[b] = eps
            ahead = _lstm_reference(h_k, c_k + step, *later)[1]
            behind = _lstm_reference(h_k, c_k - step, *later)[1]
            numeric[:, b] = (ahead - behind) / (2 * eps)
        np.testing.assert_allclose(whole[seq], numeric, atol=1e-7)
        np.testing.assert_allclose(direct[seq], _lstm_reference(h_k, c_k, *later)[2], rtol=1e-12)
        if k < steps:  # paths through h add to the direct one
            assert np.abs(whole[seq] - np.diag(direct[seq])).max() > 1e-4


def test_without_recurrent_weights_the_cell_state_is_the_only_path():
    """With W = 0 the gates see only the inputs, so dc_T/dc_k is exactly
    diag(f_{k+1} ... f_T) with f_j = sigmoid(x_j U_f + b_f)."""
    rng = np.random.default_rng(6)
    x, kernel, bias = rng.normal(size=(3, 9, 2)), rng.normal(size=(2, 16)), rng.normal(size=16)
    whole, direct = scratch.lstm_jacobian(x, kernel, np.zeros((4, 16)), bias, k=2)
    forget = 1 / (1 + np.exp(-(x[:, 2:] @ kernel[:, 4:8] + bias[4:8])))
    np.testing.assert_allclose(direct, forget.prod(axis=1), rtol=1e-12)
    np.testing.assert_allclose(whole, direct[:, :, None] * np.eye(4), atol=1e-15)
    with pytest.raises(ParameterError, match="k must be a whole step from 1 to 9"):
        scratch.lstm_jacobian(x, kernel, np.zeros((4, 16)), bias, k=10)


def test_one_letter_convention_for_the_recurrent_weights():
    """U is Keras's ``kernel`` (input weights) and W its ``recurrent_kernel``, in every recurrent
    function's docstring and wherever notebooks 08 and 09 tie a letter to Keras's name."""
    recurrent = (
        scratch.rnn_forward,
        scratch.rnn_jacobian,
        scratch.lstm_step,
        scratch.lstm_forward,
        scratch.lstm_jacobian,
        scratch.gru_step,
        scratch.gru_forward,
    )
    for function in recurrent:
        doc = inspect.getdoc(function)
        assert re.search(r"\bkernel: ``\([^)]*\)``, U,", doc), function.__name__
        assert re.search(r"recurrent_kernel: ``\([^)]*\)``, W,", doc), function.__name__
    for name in ("08_rnn", "09_lstm_gru"):
        cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        text = "\n".join(
            "".join(c["source"]) for c in cells["cells"] if c["cell_type"] == "markdown"
        )
        pairs = re.findall(r"\$([UW])[^$]*\$[^$`]{0,30}`(kernel|recurrent_kernel)`", text)
        assert {"kernel", "recurrent_kernel"} <= {keras_name for _, keras_name in pairs}, name
        assert all((letter == "U") == (keras_name == "kernel") for letter, keras_name in pairs), (
            name
        )
