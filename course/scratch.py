"""Neural-network layers from scratch in numpy: 2-D convolution, pooling, the forward
passes of SimpleRNN, LSTM and GRU layers, and the SimpleRNN's backpropagation-through-time
Jacobian.

Weights use Keras's own layouts, so a trained Keras layer's ``get_weights()`` can be passed in
and its output comes back (``tests/test_scratch.py`` checks this to float32 precision over a
grid of shapes, strides, paddings and sequence lengths). Images are channels-last. In the
recurrent layers U always names Keras's ``kernel`` (input weights) and W its
``recurrent_kernel`` (state-to-state weights), as notebooks 08 and 09 do.

Notebook: 06_cnn.ipynb, 08_rnn.ipynb, 09_lstm_gru.ipynb
"""

from __future__ import annotations

import numpy as np

from .errors import ParameterError, check_ndim


def _pair(v, name: str) -> tuple[int, int]:
    pair = (v, v) if np.isscalar(v) else tuple(v)
    if len(pair) != 2 or any(int(p) != p or p < 1 for p in pair):
        raise ParameterError(f"{name} must be a positive int or a pair of them, got {v!r}.")
    return int(pair[0]), int(pair[1])


def _batch(x) -> tuple[np.ndarray, bool]:
    x = np.asarray(x)
    if x.ndim == 3:
        return x[None], True
    if x.ndim == 4:
        return x, False
    raise ParameterError(f"x must be (H, W, C) or (N, H, W, C), got shape {x.shape}.")


def same_padding(size: int, window: int, stride: int) -> tuple[int, int]:
    """Keras's "same" padding along one axis: the output has ``ceil(size / stride)`` positions,
    and when the padding needed is odd, the extra row or column goes at the end.

    Args:
        size: the input's length along the axis, in cells.
        window: the kernel's or pooling window's length along the axis.
        stride: the step between windows along the axis.

    Returns:
        ``(before, after)`` padding in cells.

    Notebook: 06_cnn.ipynb
    """
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def _windows(x: np.ndarray, kh: int, kw: int, sh: int, sw: int) -> np.ndarray:
    """Every (kh, kw) window of a (N, H, W, C) array at the given strides:
    (N, out_h, out_w, C, kh, kw), as views."""
    win = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))
    return win[:, ::sh, ::sw]


def conv2d(x, kernel, bias=None, strides=1, padding: str = "valid") -> np.ndarray:
    """A 2-D convolution as Keras computes it (a cross-correlation: the kernel is not flipped).

    Each output value is the sum, over the kernel's window and all input channels, of input
    times weight, plus the kernel's bias.

    Args:
        x: ``(H, W, C)`` or ``(N, H, W, C)`` input.
        kernel: ``(kh, kw, C, F)`` weights: F kernels, each spanning all C channels.
        bias: ``(F,)`` or None.
        strides: an int or ``(sh, sw)``.
        padding: "valid" (no padding: the output shrinks) or "same" (zeros around the input,
            so that the output has ``ceil(H / sh) x ceil(W / sw)`` positions).

    Returns:
        ``(out_h, out_w, F)``, or ``(N, out_h, out_w, F)`` for a batch.

    Notebook: 06_cnn.ipynb, 07_cnn_on_mfcc.ipynb
    """
    x, single = _batch(x)
    kernel = np.asarray(kernel)
    if kernel.ndim != 4:
        raise ParameterError(f"kernel must be (kh, kw, C, F), got shape {kernel.shape}.")
    kh, kw, c, f = kernel.shape
    if x.shape[-1] != c:
        raise ParameterError(
            f"x has {x.shape[-1]} channels but the kernel expects {c}: "
            "the kernel's third axis must equal the input's channels."
        )
    sh, sw = _pair(strides, "strides")
    if padding == "same":
        x = np.pad(
            x, ((0, 0), same_padding(x.shape[1], kh, sh), same_padding(x.shape[2], kw, sw), (0, 0))
        )
    elif padding != "valid":
        raise ParameterError(f"padding must be 'valid' or 'same', got {padding!r}.")
    if x.shape[1] < kh or x.shape[2] < kw:
        raise ParameterError(
            f"A {kh}x{kw} kernel does not fit a {x.shape[1]}x{x.shape[2]} input "
            "with 'valid' padding: use padding='same' or a smaller kernel."
        )
    win = _windows(x, kh, kw, sh, sw)  # (N, oh, ow, C, kh, kw)
    out = np.einsum("nhwcij,ijcf->nhwf", win, kernel, optimize=True)
    if bias is not None:
        out = out + np.asarray(bias)
    out = out.astype(np.result_type(x.dtype, kernel.dtype))
    return out[0] if single else out


def pool2d(x, pool_size=2, strides=None, padding: str = "valid", mode: str = "max") -> np.ndarray:
    """Max or average pooling over each channel separately, as Keras computes it.

    With "same" padding, padded cells never count: for max pooling they can never win, and
    average pooling divides by the number of real cells in the window.

    Args:
        x: ``(H, W, C)`` or ``(N, H, W, C)``.
        pool_size: window size, an int or a pair.
        strides: step, an int or a pair (default: ``pool_size``).
        padding: "valid" or "same".
        mode: "max" or "avg".

    Returns:
        ``(out_h, out_w, C)``, or with a batch axis.

    Notebook: 06_cnn.ipynb
    """
    x, single = _batch(x)
    ph, pw = _pair(pool_size, "pool_size")
    sh, sw = _pair(pool_size if strides is None else strides, "strides")
    if mode not in ("max", "avg"):
        raise ParameterError(f"mode must be 'max' or 'avg', got {mode!r}.")
    real = np.ones(x.shape[:3] + (1,))  # 1 where a cell is real input
    values = x.astype(np.float64)
    if padding == "same":
        pads = ((0, 0), same_padding(x.shape[1], ph, sh), same_padding(x.shape[2], pw, sw), (0, 0))
        values = np.pad(values, pads, constant_values=-np.inf if mode == "max" else 0.0)
        real = np.pad(real, pads)
    elif padding != "valid":
        raise ParameterError(f"padding must be 'valid' or 'same', got {padding!r}.")
    win = _windows(values, ph, pw, sh, sw)  # (N, oh, ow, C, ph, pw)
    if mode == "max":
        out = win.max(axis=(-2, -1))
    else:
        out = win.sum(axis=(-2, -1)) / _windows(real, ph, pw, sh, sw).sum(axis=(-2, -1))
    out = out.astype(x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64)
    return out[0] if single else out


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


_ACTIVATIONS = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
    "sigmoid": _sigmoid,
}

# Each activation's slope phi'(z), written with its output h = phi(z).
_SLOPES = {
    "tanh": lambda h: 1.0 - h**2,
    "relu": lambda h: (h > 0).astype(float),
    "linear": np.ones_like,
    "sigmoid": lambda h: h * (1.0 - h),
}


def rnn_forward(
    x, kernel, recurrent_kernel, bias, activation: str = "tanh", return_sequences: bool = False
) -> np.ndarray:
    """A SimpleRNN layer: ``h_t = activation(x_t U + h_{t-1} W + b)``, starting from ``h_0 = 0``.

    Args:
        x: ``(N, T, D)`` input sequences.
        kernel: ``(D, units)``, U, the input weights.
        recurrent_kernel: ``(units, units)``, W, the state-to-state weights.
        bias: ``(units,)``, b.
        activation: "tanh" (Keras's default), "relu", "sigmoid" or "linear".
        return_sequences: return every step's state instead of the last one.

    Returns:
        ``(N, units)``, or ``(N, T, units)`` with ``return_sequences``.

    Notebook: 08_rnn.ipynb
    """
    x = check_ndim(x, 3, "x", "(batch, steps, features)")
    if activation not in _ACTIVATIONS:
        raise ParameterError(
            f"Unknown activation {activation!r}; choose one of: {', '.join(_ACTIVATIONS)}."
        )
    act = _ACTIVATIONS[activation]
    h = np.zeros((x.shape[0], recurrent_kernel.shape[0]))
    states = []
    for t in range(x.shape[1]):
        h = act(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        states.append(h)
    out = np.stack(states, axis=1) if return_sequences else h
    return out.astype(x.dtype)


def rnn_jacobian(x, kernel, recurrent_kernel, bias, k: int, activation: str = "tanh") -> np.ndarray:
    """How a SimpleRNN's last state depends on its state after step ``k``: the Jacobian
    ``dh_T / dh_k`` that backpropagation through time multiplies gradients by, per sequence.

    With vectors as rows (``h_j = phi(z_j)``, ``z_j = x_j U + h_{j-1} W + b``), one step's
    Jacobian is ``dh_j / dh_{j-1} = diag(phi'(z_j)) W^T``, and the chain multiplies them from
    the last step down: ``dh_T / dh_k = J_T J_{T-1} ... J_{k+1}``.

    Args:
        x: ``(N, T, D)`` input sequences.
        kernel: ``(D, units)``, U, the input weights.
        recurrent_kernel: ``(units, units)``, W, the state-to-state weights.
        bias: ``(units,)``, b.
        k: the step whose state is varied, from 1 to T (``k = T`` gives the identity).
        activation: "tanh", "relu", "sigmoid" or "linear", as in :func:`rnn_forward`.

    Returns:
        ``(N, units, units)``: entry ``[n, a, b]`` is ``dh_{T,a} / dh_{k,b}`` for sequence n.

    Notebook: 08_rnn.ipynb
    """
    x = check_ndim(x, 3, "x", "(batch, steps, features)").astype(np.float64)
    states = rnn_forward(x, kernel, recurrent_kernel, bias, activation, return_sequences=True)
    steps, units = states.shape[1], states.shape[2]
    if int(k) != k or not 1 <= k <= steps:
        raise ParameterError(f"k must be a whole step from 1 to {steps}, got {k!r}.")
    slope = _SLOPES[activation]  # phi'(z) from h = phi(z), e.g. 1 - h**2 for tanh
    jacobian = np.broadcast_to(np.eye(units), (len(x), units, units))
    for j in range(int(k), steps):  # states[:, j] is h_{j+1}: steps k+1 .. T
        jacobian = (slope(states[:, j])[:, :, None] * recurrent_kernel.T) @ jacobian
    return jacobian


def lstm_step(x_t, h, c, kernel, recurrent_kernel, bias):
    """One LSTM time step, with Keras's gate order (input, forget, cell candidate, output).

    ``z = x_t U + h_{t-1} W + b`` is split into four blocks of ``units`` (U is Keras's
    ``kernel`` and W its ``recurrent_kernel``, as in :func:`rnn_forward`):

    - input gate ``i = sigmoid(z_i)``: how much of the candidate to write;
    - forget gate ``f = sigmoid(z_f)``: how much of the old cell state to keep;
    - candidate ``g = tanh(z_g)``: the new information (a simple RNN cell);
    - output gate ``o = sigmoid(z_o)``: how much of the cell state to show.

    Then ``c_t = f * c_{t-1} + i * g`` and ``h_t = o * tanh(c_t)``.

    Args:
        x_t: ``(N, D)`` the inputs at this step.
        h: ``(N, units)`` the previous hidden state.
        c: ``(N, units)`` the previous cell state.
        kernel: ``(D, 4 units)``, U, the input weights.
        recurrent_kernel: ``(units, 4 units)``, W, the state-to-state weights.
        bias: ``(4 units,)``, b.

    Returns:
        ``(h_t, c_t, gates)`` with gates ``{"input", "forget", "candidate", "output"}``.

    Notebook: 09_lstm_gru.ipynb
    """
    z = x_t @ kernel + h @ recurrent_kernel + bias
    zi, zf, zg, zo = np.split(z, 4, axis=-1)
    gates = {
        "input": _sigmoid(zi),
        "forget": _sigmoid(zf),
        "candidate": np.tanh(zg),
        "output": _sigmoid(zo),
    }
    c = gates["forget"] * c + gates["input"] * gates["candidate"]
    h = gates["output"] * np.tanh(c)
    return h, c, gates


def lstm_forward(x, kernel, recurrent_kernel, bias, return_sequences: bool = False) -> np.ndarray:
    """An LSTM layer (Keras's defaults): :func:`lstm_step` over time from zero states.

    Args:
        x: ``(N, T, D)`` input sequences.
        kernel: ``(D, 4 units)``, U, the input weights, the first of
            ``keras.layers.LSTM(units).get_weights()``.
        recurrent_kernel: ``(units, 4 units)``, W, the state-to-state weights, the second.
        bias: ``(4 units,)``, the third.
        return_sequences: return every step's hidden state.

    Returns:
        ``(N, units)``, or ``(N, T, units)``.

    Notebook: 09_lstm_gru.ipynb
    """
    x = check_ndim(x, 3, "x", "(batch, steps, features)")
    units = recurrent_kernel.shape[0]
    h = c = np.zeros((x.shape[0], units))
    states = []
    for t in range(x.shape[1]):
        h, c, _ = lstm_step(x[:, t], h, c, kernel, recurrent_kernel, bias)
        states.append(h)
    out = np.stack(states, axis=1) if return_sequences else h
    return out.astype(x.dtype)


def lstm_jacobian(x, kernel, recurrent_kernel, bias, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """How an LSTM's last cell state depends on its cell state after step ``k``, per sequence:
    the whole Jacobian ``dc_T / dc_k`` (every path) and its direct path along the cell state,
    the product of the forget gates ``f_{k+1} ... f_T``.

    One step maps ``(h_{t-1}, c_{t-1})`` to ``(h_t, c_t)``; with rows as vectors, the gates'
    slopes ``i' = i (1 - i)`` (and so on) and ``W_i, W_f, W_c, W_o`` the blocks of W:

    - ``dc_t/dc_{t-1} = diag(f_t)``, the direct path;
    - ``dc_t/dh_{t-1} = diag(c_{t-1} f'_t) W_f^T + diag(g_t i'_t) W_i^T + diag(i_t g'_t) W_c^T``;
    - ``dh_t/dc_{t-1} = diag(o_t tanh'(c_t) f_t)``;
    - ``dh_t/dh_{t-1} = diag(tanh(c_t) o'_t) W_o^T + diag(o_t tanh'(c_t)) dc_t/dh_{t-1}``.

    ``dc_T / dc_k`` (with ``h_k`` held) is carried forward through these from step k + 1 to T.

    Args:
        x: ``(N, T, D)`` input sequences.
        kernel: ``(D, 4 units)``, U, the input weights (Keras's gate order i, f, c, o).
        recurrent_kernel: ``(units, 4 units)``, W, the state-to-state weights.
        bias: ``(4 units,)``, b.
        k: the step whose cell state is varied, from 1 to T.

    Returns:
        ``(whole, direct)``: ``(N, units, units)`` with entry ``[n, a, b]`` equal to
        ``dc_{T,a} / dc_{k,b}``, and ``(N, units)`` the product of the forget gates.

    Notebook: 09_lstm_gru.ipynb
    """
    x = check_ndim(x, 3, "x", "(batch, steps, features)").astype(np.float64)
    steps, units = x.shape[1], recurrent_kernel.shape[0]
    if int(k) != k or not 1 <= k <= steps:
        raise ParameterError(f"k must be a whole step from 1 to {steps}, got {k!r}.")
    # W_i^T, W_f^T, W_c^T, W_o^T: each gate's block of W, transposed (rows as vectors)
    w_i, w_f, w_c, w_o = (w.T for w in np.split(np.asarray(recurrent_kernel), 4, axis=-1))
    h = c = np.zeros((len(x), units))
    eye = np.eye(units)
    dh = np.zeros((len(x), units, units))  # dh_t / dc_k
    dc = np.broadcast_to(eye, dh.shape)  # dc_t / dc_k
    direct = np.ones((len(x), units))
    for t in range(steps):
        h_new, c_new, g = lstm_step(x[:, t], h, c, kernel, recurrent_kernel, bias)
        if t >= k:  # step t + 1 of 1 .. T
            i, f, cand, o = g["input"], g["forget"], g["candidate"], g["output"]
            col = lambda v: v[:, :, None]  # noqa: E731  (diag(v) @ M as a broadcast)
            dc_dh = col(c * f * (1 - f)) * w_f + col(cand * i * (1 - i)) * w_i
            dc_dh = dc_dh + col(i * (1 - cand**2)) * w_c
            slope = o * (1 - np.tanh(c_new) ** 2)
            dh_dh = col(np.tanh(c_new) * o * (1 - o)) * w_o + col(slope) * dc_dh
            dh, dc = dh_dh @ dh + col(slope * f) * dc, dc_dh @ dh + col(f) * dc
            direct = direct * f
        h, c = h_new, c_new
    return dc, direct


def gru_step(x_t, h, kernel, recurrent_kernel, bias, reset_after: bool = True):
    """One GRU time step, with Keras's gate order (update z, reset r, candidate).

    - update gate ``z = sigmoid(x U_z + h W_z + b_z)``: how much of the old state to keep;
    - reset gate ``r = sigmoid(x U_r + h W_r + b_r)``: how much of the old state the candidate
      may use;
    - candidate ``n = tanh(x U_h + r * (h W_h + b_rh))`` with ``reset_after`` (Keras's
      default, the cuDNN form), or ``tanh(x U_h + (r * h) W_h)`` without;
    - ``h_t = z * h_{t-1} + (1 - z) * n``.

    Args:
        x_t: ``(N, D)`` the inputs at this step.
        h: ``(N, units)`` the previous state.
        kernel: ``(D, 3 units)``, U, the input weights.
        recurrent_kernel: ``(units, 3 units)``, W, the state-to-state weights.
        bias: ``(2, 3 units)`` (input and recurrent biases) with ``reset_after``, else
            ``(3 units,)``.
        reset_after: which convention, as ``keras.layers.GRU(reset_after=...)``.

    Returns:
        ``(h_t, gates)`` with gates ``{"update", "reset", "candidate"}``.

    Notebook: 09_lstm_gru.ipynb
    """
    if reset_after:
        bias = np.asarray(bias)
        if bias.shape[0] != 2:
            raise ParameterError(
                f"With reset_after=True the bias is (2, 3 units), got {bias.shape}."
            )
        x_part = x_t @ kernel + bias[0]
        h_part = h @ recurrent_kernel + bias[1]
        xz, xr, xh = np.split(x_part, 3, axis=-1)
        hz, hr, hh = np.split(h_part, 3, axis=-1)
        z, r = _sigmoid(xz + hz), _sigmoid(xr + hr)
        n = np.tanh(xh + r * hh)
    else:
        xz, xr, xh = np.split(x_t @ kernel + bias, 3, axis=-1)
        wz, wr, wh = np.split(recurrent_kernel, 3, axis=-1)
        z, r = _sigmoid(xz + h @ wz), _sigmoid(xr + h @ wr)
        n = np.tanh(xh + (r * h) @ wh)
    return z * h + (1 - z) * n, {"update": z, "reset": r, "candidate": n}


def gru_forward(
    x, kernel, recurrent_kernel, bias, reset_after: bool = True, return_sequences: bool = False
) -> np.ndarray:
    """A GRU layer (Keras's defaults): :func:`gru_step` over time from a zero state.

    Args:
        x: ``(N, T, D)`` input sequences.
        kernel: ``(D, 3 units)``, U, the input weights, the first of
            ``keras.layers.GRU(units, reset_after=...).get_weights()``.
        recurrent_kernel: ``(units, 3 units)``, W, the state-to-state weights, the second.
        bias: ``(2, 3 units)`` with ``reset_after``, else ``(3 units,)``, the third.
        reset_after: the convention the weights were trained with.
        return_sequences: return every step's state.

    Returns:
        ``(N, units)``, or ``(N, T, units)``.

    Notebook: 09_lstm_gru.ipynb
    """
    x = check_ndim(x, 3, "x", "(batch, steps, features)")
    h = np.zeros((x.shape[0], recurrent_kernel.shape[0]))
    states = []
    for t in range(x.shape[1]):
        h, _ = gru_step(x[:, t], h, kernel, recurrent_kernel, bias, reset_after)
        states.append(h)
    out = np.stack(states, axis=1) if return_sequences else h
    return out.astype(x.dtype)
