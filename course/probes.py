"""Instruments that look inside a network while it learns, used by one or two notebooks each:
the gradient reaching each Dense layer, how far back a recurrent layer's output depends on its
input, and a task that needs long memory.
"""

from __future__ import annotations

import numpy as np

from .errors import ParameterError
from .models import import_keras


def gradient_norms(model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The size of the loss gradient reaching each Dense layer, first layer first.

    Computes the mean cross-entropy of ``model`` on the batch ``(x, y)`` and returns the L2
    norm of its gradient with respect to each Dense layer's kernel. Shrinking norms toward the
    first layer are vanishing gradients.

    Args:
        model: a Keras model whose Dense layers are measured.
        x: ``(n, ...)`` a batch of inputs.
        y: ``(n,)`` int labels of the batch.

    Returns:
        ``(n_dense_layers,)`` gradient norms.

    Notebook: 04_neural_network_basics.ipynb
    """
    keras = import_keras()
    import tensorflow as tf

    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if not dense:
        raise ParameterError("The model has no Dense layers to measure.")
    with tf.GradientTape() as tape:
        probs = model(np.asarray(x, np.float32), training=False)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, probs))
    grads = tape.gradient(loss, [layer.kernel for layer in dense])
    return np.array([float(tf.norm(g)) for g in grads])


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

    Notebook: 08_rnn.ipynb, 09_lstm_gru.ipynb
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
