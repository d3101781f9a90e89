"""How a dense network learns, from scratch in numpy: softmax, cross-entropy, the forward pass,
backpropagation by the chain rule, and plain gradient descent over mini-batches.

Weights use Keras's layout (a ``Dense`` layer's ``kernel`` is ``(inputs, units)`` and its bias
``(units,)``), so the weights of a Keras model can be copied in and out.
``tests/test_backprop.py`` checks the gradients against ``tf.GradientTape`` and the training
loop against ``model.fit`` with plain SGD.

Notebook: 04_neural_network_basics.ipynb
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Iterator

import numpy as np

from .errors import ParameterError, check_choice, check_positive

#: Hidden-layer activations and their derivatives, written with the activation's output ``a``
#: and its input ``z``.
ACTIVATIONS = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype)),
    "sigmoid": (lambda z: 1.0 / (1.0 + np.exp(-z)), lambda z, a: a * (1.0 - a)),
    "tanh": (np.tanh, lambda z, a: 1.0 - a**2),
}


def softmax(z: np.ndarray) -> np.ndarray:
    """Scores to probabilities along the last axis: ``exp(z_j) / sum_k exp(z_k)``.

    Subtracting each row's maximum first changes nothing mathematically and keeps ``exp`` from
    overflowing.

    Args:
        z: ``(..., n_classes)`` scores (logits).

    Returns:
        Probabilities of the same shape, each row summing to 1.

    Notebook: 04_neural_network_basics.ipynb
    """
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """The mean cross-entropy ``-log p[label]`` of a batch (Keras's
    ``sparse_categorical_crossentropy``, averaged).

    Args:
        probs: ``(batch, n_classes)`` probabilities.
        labels: ``(batch,)`` integer classes.

    Returns:
        The loss, a float in nats.

    Notebook: 04_neural_network_basics.ipynb
    """
    labels = np.asarray(labels)
    picked = probs[np.arange(len(labels)), labels]
    return float(-np.mean(np.log(np.clip(picked, 1e-7, 1.0))))


def init_dense(sizes: list[int], seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Weights for a dense network, Glorot-uniform kernels and zero biases (Keras's defaults).

    Args:
        sizes: layer widths, inputs first, for example ``[2, 16, 3]``.
        seed: random seed.

    Returns:
        ``[(kernel, bias), ...]``, one pair per layer, float32.

    Notebook: 04_neural_network_basics.ipynb
    """
    if len(sizes) < 2:
        raise ParameterError(f"sizes needs the inputs and at least one layer, got {sizes!r}.")
    check_positive(integer=True, **{f"sizes[{i}]": s for i, s in enumerate(sizes)})
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (n_in + n_out))
        layers.append(
            (
                rng.uniform(-limit, limit, (n_in, n_out)).astype(np.float32),
                np.zeros(n_out, np.float32),
            )
        )
    return layers


def forward(layers, x: np.ndarray, activation: str = "relu") -> list[np.ndarray]:
    """The forward pass: each hidden layer ``a = g(a_prev W + b)``, the last a softmax.

    Args:
        layers: ``[(kernel, bias), ...]`` as from :func:`init_dense` or Keras.
        x: ``(batch, inputs)``.
        activation: the hidden layers' activation, "relu", "sigmoid" or "tanh".

    Returns:
        The activations of every layer, ``[x, a_1, ..., probabilities]`` (what backpropagation
        needs).

    Notebook: 04_neural_network_basics.ipynb
    """
    check_choice("activation", activation, ACTIVATIONS)
    g = ACTIVATIONS[activation][0]
    outs = [np.asarray(x, dtype=np.float32)]
    for i, (kernel, bias) in enumerate(layers):
        z = outs[-1] @ kernel + bias
        outs.append(softmax(z) if i == len(layers) - 1 else g(z))
    return outs


def backward(layers, outs: list[np.ndarray], labels: np.ndarray, activation: str = "relu"):
    """Backpropagation: the gradient of the mean cross-entropy with respect to every weight,
    by the chain rule, from the last layer back to the first.

    For softmax with cross-entropy the error at the scores is ``p - onehot(label)`` (divided by
    the batch size for the mean). Each layer then passes its error back:
    ``dW = a_prev.T @ delta``, ``db = sum(delta)``, and the previous layer's error is
    ``(delta @ W.T) * g'(z_prev)``.

    Args:
        layers: the network's ``[(kernel, bias), ...]``.
        outs: :func:`forward`'s activations for the batch.
        labels: ``(batch,)`` integer classes.
        activation: the hidden layers' activation (as in :func:`forward`).

    Returns:
        ``[(d_kernel, d_bias), ...]``, shaped like ``layers``.

    Notebook: 04_neural_network_basics.ipynb
    """
    check_choice("activation", activation, ACTIVATIONS)
    derivative = ACTIVATIONS[activation][1]
    labels = np.asarray(labels)
    delta = outs[-1].copy()
    delta[np.arange(len(labels)), labels] -= 1.0
    delta /= len(labels)
    grads = []
    for i in range(len(layers) - 1, -1, -1):
        kernel, _ = layers[i]
        grads.append((outs[i].T @ delta, delta.sum(axis=0)))
        if i > 0:
            a_prev = outs[i]
            z_prev = _pre_activation(layers[i - 1], outs[i - 1])
            delta = (delta @ kernel.T) * derivative(z_prev, a_prev)
    return grads[::-1]


def _pre_activation(layer, a_prev: np.ndarray) -> np.ndarray:
    kernel, bias = layer
    return a_prev @ kernel + bias


def batches(n: int, batch_size: int) -> Iterator[slice]:
    """The mini-batches of one epoch in order, the last one smaller when ``n`` is not a
    multiple of ``batch_size`` (as ``model.fit`` with ``shuffle=False``).

    Args:
        n: the number of examples.
        batch_size: examples per batch.

    Notebook: 04_neural_network_basics.ipynb
    """
    check_positive(integer=True, n=n, batch_size=batch_size)
    for start in range(0, n, batch_size):
        yield slice(start, min(start + batch_size, n))


def sgd_steps(
    layers,
    x: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    batch_size: int,
    activation: str = "relu",
    shuffle_seed: int | None = None,
):
    """Plain mini-batch gradient descent, one update at a time, epoch after epoch: for each
    batch, forward, backward, and ``W <- W - learning_rate * dW`` for every weight.

    Args:
        layers: starting weights (not changed; each step yields new ones).
        x: ``(n, inputs)`` training examples.
        y: ``(n,)`` integer classes.
        learning_rate: the step size.
        batch_size: examples per update.
        activation: the hidden layers' activation.
        shuffle_seed: None keeps the data's order (as ``model.fit(shuffle=False)``); a seed
            shuffles it afresh at every epoch.

    Yields:
        ``(layers, loss)`` after each update: the new weights and the batch's loss before it.

    Notebook: 04_neural_network_basics.ipynb
    """
    check_positive(learning_rate=learning_rate)
    check_positive(integer=True, batch_size=batch_size)
    rng = None if shuffle_seed is None else np.random.default_rng(shuffle_seed)
    layers = [(k.copy(), b.copy()) for k, b in layers]
    while True:
        order = np.arange(len(x)) if rng is None else rng.permutation(len(x))
        for batch in batches(len(x), batch_size):
            rows = order[batch]
            outs = forward(layers, x[rows], activation)
            loss = cross_entropy(outs[-1], y[rows])
            grads = backward(layers, outs, y[rows], activation)
            layers = [
                (k - learning_rate * dk, b - learning_rate * db)
                for (k, b), (dk, db) in zip(layers, grads)
            ]
            yield layers, loss


def train_sgd(
    layers,
    x: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    epochs: int,
    batch_size: int,
    activation: str = "relu",
):
    """:func:`sgd_steps` for whole epochs over the data in order, as ``model.fit`` with plain
    SGD and ``shuffle=False``.

    Args:
        layers: starting weights ``[(kernel, bias), ...]`` (not changed).
        x: ``(n, inputs)`` training examples.
        y: ``(n,)`` integer classes.
        learning_rate: the step size.
        epochs: passes over the data.
        batch_size: examples per update.
        activation: the hidden layers' activation, "relu", "sigmoid" or "tanh".

    Returns:
        ``(trained_layers, losses)``: the weights after training and the loss of every update.

    Notebook: 04_neural_network_basics.ipynb
    """
    check_positive(integer=True, epochs=epochs, batch_size=batch_size)
    n_updates = epochs * len(range(0, len(x), batch_size))
    trained, losses = layers, []
    for step in itertools.islice(
        sgd_steps(layers, x, y, learning_rate, batch_size, activation), n_updates
    ):
        trained, loss = step  # only the latest weights are kept
        losses.append(loss)
    return trained, np.array(losses)


def adam_step(
    theta: np.ndarray,
    grad: np.ndarray,
    moments: tuple[np.ndarray, np.ndarray],
    t: int,
    learning_rate: float,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
):
    """One Adam update of one weight array (Kingma and Ba, 2015), with Keras's defaults and
    Keras's placement of ``epsilon``: added to ``sqrt(v_t)`` before the bias correction, which
    is ``epsilon / sqrt(1 - beta_2 ** t)`` added to ``sqrt(v_hat)``.

    Args:
        theta: the weights before the update.
        grad: their gradient at this update.
        moments: ``(m, v)`` after the previous update, zeros before the first.
        t: the number of this update, 1 for the first.
        learning_rate: the step size ``eta``.
        beta_1: the decay of the running mean of the gradients.
        beta_2: the decay of the running mean of their squares.
        epsilon: the constant that keeps the division finite.

    Returns:
        ``(theta, (m, v))``: the new weights and the moments for the next update.

    Notebook: 04_neural_network_basics.ipynb
    """
    m, v = moments
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad**2
    m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
    theta = theta - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon / (1 - beta_2**t) ** 0.5)
    return theta, (m, v)


def accuracy(layers, x: np.ndarray, y: np.ndarray, activation: str = "relu") -> float:
    """The share of examples whose most probable class is their label.

    Args:
        layers: the network's ``[(kernel, bias), ...]``.
        x: ``(n, inputs)`` examples.
        y: ``(n,)`` integer classes.
        activation: the hidden layers' activation (as in :func:`forward`).

    Notebook: 04_neural_network_basics.ipynb
    """
    return float(np.mean(forward(layers, x, activation)[-1].argmax(axis=1) == np.asarray(y)))


def _for_seconds(steps, seconds: float):
    """``(layers, loss, seconds spent)`` from ``steps`` until the time spent inside them (not
    in the caller) reaches ``seconds``, or the loss stops being finite (a step too large).

    The time is this thread's processor time, so other programs on the machine do not count;
    the callers keep numpy's linear algebra on this one thread (:func:`_one_thread`)."""
    spent = 0.0
    while spent < seconds:
        start = time.thread_time()
        layers, loss = next(steps)
        spent += time.thread_time() - start
        yield layers, loss, spent
        if not np.isfinite(loss):
            return


@contextlib.contextmanager
def _one_thread():
    """numpy's linear algebra on the calling thread only, and no warnings from a run that
    overflows (a learning rate too large; the run then ends)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), np.errstate(all="ignore"):
        yield


def timed_sgd(
    layers,
    x: np.ndarray,
    y: np.ndarray,
    validation: tuple[np.ndarray, np.ndarray],
    learning_rate: float,
    batch_size: int,
    seconds: float,
    shuffle_seed: int | None = None,
    marks: int = 16,
) -> np.ndarray:
    """Plain SGD (:func:`sgd_steps`) for ``seconds`` of training time, measuring validation
    accuracy along the way (the measuring is not timed): after every power of two updates,
    each time the clock passes one of ``marks`` equal steps of ``seconds``, and at the end. A
    run whose loss stops being finite (a learning rate too large) ends there.

    The time is the processor time of the training on one thread (numpy's linear algebra is
    kept to it), so runs compare on one core whatever else the machine is doing.

    Args:
        layers: starting weights ``[(kernel, bias), ...]`` (not changed).
        x: ``(n, inputs)`` training examples.
        y: ``(n,)`` integer classes.
        validation: ``(x_val, y_val)`` the accuracy is measured on.
        learning_rate: the step size.
        batch_size: examples per update.
        seconds: the training time to spend.
        shuffle_seed: as in :func:`sgd_steps`.
        marks: the time checkpoints, evenly spaced over ``seconds``.

    Returns:
        ``(checkpoints, 3)`` rows of (updates, seconds, validation accuracy), the last row at
        the end of the time.

    Notebook: 04_neural_network_basics.ipynb
    """
    check_positive(seconds=seconds)
    check_positive(integer=True, marks=marks)
    steps = sgd_steps(layers, x, y, learning_rate, batch_size, shuffle_seed=shuffle_seed)
    rows, mark = [], 1
    with _one_thread():
        for updates, (weights, loss, spent) in enumerate(_for_seconds(steps, seconds), 1):
            last = spent >= seconds or not np.isfinite(loss)
            if updates & (updates - 1) == 0 or spent >= mark * seconds / marks or last:
                rows.append((updates, spent, accuracy(weights, *validation)))
                mark = int(spent * marks / seconds) + 1
    return np.array(rows)


def tune_learning_rate(
    layers,
    x: np.ndarray,
    y: np.ndarray,
    rates,
    batch_size: int,
    seconds: float,
    shuffle_seed: int | None = None,
) -> dict[float, float]:
    """A short trial of each learning rate: plain SGD for ``seconds`` of training time (on one
    thread, as :func:`timed_sgd`), then the loss on the whole training set (infinite for a run
    whose loss stopped being finite).

    Args:
        layers: starting weights ``[(kernel, bias), ...]`` (not changed).
        x: ``(n, inputs)`` training examples.
        y: ``(n,)`` integer classes.
        rates: the learning rates to try.
        batch_size: examples per update.
        seconds: the training time of each trial.
        shuffle_seed: as in :func:`sgd_steps`.

    Returns:
        ``{rate: training loss}``; the best rate is the one with the lowest loss.

    Notebook: 04_neural_network_basics.ipynb
    """
    check_positive(seconds=seconds)
    losses = {}
    for rate in rates:
        steps = sgd_steps(layers, x, y, rate, batch_size, shuffle_seed=shuffle_seed)
        with _one_thread():
            for step in _for_seconds(steps, seconds):
                weights, loss, _ = step  # only the latest weights are kept
            final = cross_entropy(forward(weights, x)[-1], y) if np.isfinite(loss) else np.inf
        losses[rate] = float(final) if np.isfinite(final) else np.inf
    return losses


def race_scores(records: dict[str, list[np.ndarray]], seconds: float):
    """Each run's validation accuracy at an equal number of updates and at equal time.

    Args:
        records: ``{label: [one (checkpoints, 3) array per run]}`` from :func:`timed_sgd`.
        seconds: the time every run was given.

    Returns:
        ``(updates, at_updates, at_time)``: the largest power of two of updates every run
        reached; ``{label: (runs,) accuracy after that many updates}``; ``{label: (runs,)
        mean accuracy over the checkpoints in the last quarter of the time}`` (the last
        checkpoint of a run that stopped early).

    Notebook: 04_neural_network_basics.ipynb
    """
    runs = [r for rs in records.values() for r in rs]
    if not runs:
        raise ParameterError("records holds no run: pass timed_sgd's checkpoints.")
    updates = 2 ** int(np.log2(min(r[-1, 0] for r in runs)))
    at_updates = {
        k: np.array([r[r[:, 0] == updates][0, 2] for r in rs]) for k, rs in records.items()
    }
    at_time = {
        k: np.array([r[r[:, 1] >= min(0.75 * seconds, r[-1, 1]), 2].mean() for r in rs])
        for k, rs in records.items()
    }
    return updates, at_updates, at_time
