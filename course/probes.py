"""Instruments that look inside a network while it learns, used by one or two notebooks each:
the gradient reaching each Dense layer, how far back a recurrent layer's output depends on its
input, and a task that needs long memory.
"""

from __future__ import annotations

import numpy as np

from .errors import ParameterError
from .models import import_keras


def layer_errors(model, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """The error backpropagation carries into each Dense layer, first layer first: the gradient
    of the mean cross-entropy of ``model`` on the batch ``(x, y)`` with respect to the layer's
    scores ``z = a W + b`` (before its activation).

    Args:
        model: a Keras model, a chain of layers whose Dense layers are measured.
        x: ``(n, ...)`` a batch of inputs.
        y: ``(n,)`` int labels of the batch.

    Returns:
        One ``(n, units)`` array per Dense layer, the output layer last.
    """
    keras = import_keras()
    import tensorflow as tf

    if not any(isinstance(layer, keras.layers.Dense) for layer in model.layers):
        raise ParameterError("The model has no Dense layers to measure.")
    scores = []
    with tf.GradientTape() as tape:
        a = tf.convert_to_tensor(np.asarray(x, np.float32))
        for layer in model.layers:
            if not isinstance(layer, keras.layers.Dense):
                a = layer(a, training=False)
                continue
            z = tf.matmul(a, tf.convert_to_tensor(layer.kernel))
            scores.append(z if layer.bias is None else z + tf.convert_to_tensor(layer.bias))
            a = layer.activation(scores[-1])
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, a))
    return [g.numpy() for g in tape.gradient(loss, scores)]


def gradient_norms(model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The size of the error reaching each Dense layer, first layer first: the L2 norm over the
    batch of :func:`layer_errors`, the loss's gradient with respect to the layer's scores.
    Shrinking norms toward the first layer are vanishing gradients. Unlike the gradient with
    respect to a kernel (``a_prev.T @ error``), it does not grow with the number of inputs a
    layer has, so a wide first layer compares fairly with narrow ones.

    Args:
        model: a Keras model, a chain of layers whose Dense layers are measured.
        x: ``(n, ...)`` a batch of inputs.
        y: ``(n,)`` int labels of the batch.

    Returns:
        ``(n_dense_layers,)`` gradient norms, the output layer last.

    Notebook: 04_neural_network_basics.ipynb
    """
    return np.array([float(np.linalg.norm(e)) for e in layer_errors(model, x, y)])


def input_gradient_norms(layer, x: np.ndarray) -> np.ndarray:
    """How strongly the last output of a recurrent layer depends on each input step.

    Computes the gradient of the sum of the layer's final output with respect to the input
    sequence and returns its norm at every time step: backpropagation through time, measured.
    Norms that shrink toward the first steps are vanishing gradients; growing ones explode.

    Args:
        layer: a Keras recurrent layer (returning its last output).
        x: ``(N, T, D)`` input sequences.

    Returns:
        ``(T,)`` gradient norms, first step first.

    Notebook: 08_rnn.ipynb
    """
    import_keras()
    import tensorflow as tf

    x = tf.convert_to_tensor(np.asarray(x, np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.reduce_sum(layer(x))
    grad = tape.gradient(out, x).numpy()
    return np.linalg.norm(grad, axis=(0, 2))


def memory_task(
    n: int, steps: int, seed: int = 0, noise: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """A task that needs long memory: remember the sign of the first input.

    Each sequence has two values per step: a value, and a marker that is 1 at the first step and
    0 after it. The first value is +1 or -1 and decides the label; every later value is noise.
    To answer at the last step, a network must carry one bit across the whole sequence and
    ignore everything after it.

    Args:
        n: number of sequences.
        steps: sequence length; the answer lies ``steps - 1`` steps before the end.
        seed: random seed.
        noise: standard deviation of the later values.

    Returns:
        ``(x, y)``: x ``(n, steps, 2)`` float32, y ``(n,)`` labels 0 or 1.

    Notebook: 09_lstm_gru.ipynb
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = np.zeros((n, steps, 2), np.float32)
    x[:, :, 0] = rng.normal(0.0, noise, (n, steps))
    x[:, 0, 0] = np.where(y == 1, 1.0, -1.0)
    x[:, 0, 1] = 1.0
    return x, y
