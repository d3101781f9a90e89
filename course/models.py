"""Keras model builders. With their defaults they are the notes' three models, layer for layer:
the feed-forward network (``build_mlp``), the CNN (``build_cnn``) and the two-layer LSTM
(``build_lstm``); ``build_gru`` and ``build_rnn`` are the recurrent variants.

Every builder accepts a segment shaped ``(frames, coefficients)`` or ``(frames, coefficients,
1)``; a parameter-free ``Reshape`` adds or drops the channel axis where the model needs it.
Builders return uncompiled models; :func:`course.training.compile_model` compiles them.

Notebook: 10_genre_comparison.ipynb (all three), 05_overfitting.ipynb (options)
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Sequence

from .errors import ParameterError, check_at_least, check_choice, check_fraction


@contextlib.contextmanager
def _quiet_native_stderr():
    """Silence what C++ libraries write straight to file descriptor 2 (TensorFlow's start-up
    log lines), while Python exceptions still propagate with their messages."""
    fd = 2  # the process's own stderr: Jupyter's sys.stderr.fileno() is a copy of it
    try:
        os.fstat(fd)
    except OSError:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def import_keras():
    """Import Keras 3 (TensorFlow backend) without TensorFlow's start-up noise.

    Returns:
        The ``keras`` module.

    Notebook: 04_neural_network_basics.ipynb, 06_cnn.ipynb, 07_cnn_on_mfcc.ipynb, 08_rnn.ipynb,
        09_lstm_gru.ipynb
    """
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _quiet_native_stderr():
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        tf.config.list_physical_devices("GPU")  # probes CUDA once, quietly
        import keras
    return keras


def _pair(v):
    return tuple(v) if isinstance(v, Sequence) else (v, v)


def _check_shape(input_shape) -> tuple[int, ...]:
    shape = tuple(int(d) for d in input_shape)
    if (
        len(shape) not in (2, 3)
        or any(d <= 0 for d in shape)
        or (len(shape) == 3 and shape[2] != 1)
    ):
        raise ParameterError(
            f"input_shape must be (frames, coefficients) or (frames, coefficients, 1) with "
            f"positive sizes, got {input_shape!r}. For the notes' MFCC segments use (130, 13)."
        )
    return shape


def _regularizer(keras, l1: float, l2: float):
    check_at_least(0, l1=l1, l2=l2)
    if l1 and l2:
        return keras.regularizers.L1L2(l1=l1, l2=l2)
    if l2:
        return keras.regularizers.L2(l2)
    if l1:
        return keras.regularizers.L1(l1)
    return None


def build_mlp(
    input_shape=(130, 13),
    n_classes: int = 10,
    hidden: Sequence[int] = (512, 256, 64),
    dropout: float = 0.3,
    l2: float = 0.001,
    l1: float = 0.0,
    activation: str = "relu",
    name: str = "mlp",
):
    """The notes' feed-forward network: Flatten, then Dense 512/256/64 (ReLU, L2 0.001), each
    followed by Dropout 0.3, then a softmax layer.

    Args:
        input_shape: ``(frames, coefficients)`` or with a trailing channel of 1.
        n_classes: output classes (10 genres).
        hidden: units of each hidden layer; fewer or smaller layers give a simpler network.
        dropout: dropout rate after each hidden layer (0 for none).
        l2: L2 weight penalty on each hidden layer's kernel (0 for none).
        l1: L1 weight penalty on each hidden layer's kernel (0 for none).
        activation: hidden-layer activation.
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model``; with the defaults and input (130, 13) it has 1,014,218
        parameters.

    Notebook: 04_neural_network_basics.ipynb, 06_cnn.ipynb
    """
    keras = import_keras()
    shape = _check_shape(input_shape)
    check_at_least(2, n_classes=n_classes)
    check_fraction(open_low=False, dropout=dropout)
    layers = keras.layers
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=shape))
    model.add(layers.Flatten())
    for units in hidden:
        model.add(
            layers.Dense(
                units, activation=activation, kernel_regularizer=_regularizer(keras, l1, l2)
            )
        )
        if dropout:
            model.add(layers.Dropout(dropout))
    model.add(layers.Dense(n_classes, activation="softmax"))
    return model


def build_cnn(
    input_shape=(130, 13, 1),
    n_classes: int = 10,
    filters: Sequence[int] = (32, 32, 32),
    kernel_sizes: Sequence = ((3, 3), (3, 3), (2, 2)),
    pool_sizes: Sequence = ((3, 3), (3, 3), (2, 2)),
    pool_strides=(2, 2),
    dense: int = 64,
    dropout: float = 0.3,
    batch_norm: bool = True,
    name: str = "cnn",
):
    """The notes' CNN: three blocks of Conv2D (ReLU, valid padding), MaxPool (stride 2, same
    padding) and BatchNormalization, then Flatten, Dense 64 (ReLU), Dropout 0.3 and softmax.

    Args:
        input_shape: ``(frames, coefficients, 1)``, or ``(frames, coefficients)`` (a channel
            axis is added by a ``Reshape`` layer).
        n_classes: output classes.
        filters: kernels per convolution block.
        kernel_sizes: kernel size of each block.
        pool_sizes: max-pooling window of each block.
        pool_strides: pooling stride (all blocks).
        dense: units of the dense layer before the output.
        dropout: dropout rate after the dense layer.
        batch_norm: add BatchNormalization after each pooling layer.
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model``; with the defaults and input (130, 13, 1) it has 45,514
        parameters.

    Notebook: 06_cnn.ipynb, 07_cnn_on_mfcc.ipynb, 09_lstm_gru.ipynb
    """
    keras = import_keras()
    shape = _check_shape(input_shape)
    check_at_least(2, n_classes=n_classes)
    check_fraction(open_low=False, dropout=dropout)
    if not len(filters) == len(kernel_sizes) == len(pool_sizes):
        raise ParameterError("filters, kernel_sizes and pool_sizes need one entry per block.")
    layers = keras.layers
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=shape))
    if len(shape) == 2:
        model.add(layers.Reshape((*shape, 1)))
    for n, k, p in zip(filters, kernel_sizes, pool_sizes):
        model.add(layers.Conv2D(n, _pair(k), activation="relu"))
        model.add(layers.MaxPooling2D(_pair(p), strides=_pair(pool_strides), padding="same"))
        if batch_norm:
            model.add(layers.BatchNormalization())
    model.add(layers.Flatten())
    model.add(layers.Dense(dense, activation="relu"))
    if dropout:
        model.add(layers.Dropout(dropout))
    model.add(layers.Dense(n_classes, activation="softmax"))
    return model


def _build_recurrent(cell: str, input_shape, n_classes, units, dense, dropout, name):
    keras = import_keras()
    shape = _check_shape(input_shape)
    check_at_least(2, n_classes=n_classes)
    check_fraction(open_low=False, dropout=dropout)
    if not units:
        raise ParameterError("units needs at least one recurrent layer size.")
    layers = keras.layers
    layer_cls = {"lstm": layers.LSTM, "gru": layers.GRU, "rnn": layers.SimpleRNN}[cell]
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=shape))
    if len(shape) == 3:
        model.add(layers.Reshape(shape[:2]))
    for i, u in enumerate(units):
        model.add(layer_cls(u, return_sequences=i < len(units) - 1))
    model.add(layers.Dense(dense, activation="relu"))
    if dropout:
        model.add(layers.Dropout(dropout))
    model.add(layers.Dense(n_classes, activation="softmax"))
    return model


def build_lstm(
    input_shape=(130, 13),
    n_classes: int = 10,
    units: Sequence[int] = (64, 64),
    dense: int = 64,
    dropout: float = 0.3,
    name: str = "lstm",
):
    """The notes' recurrent network: LSTM 64 (returning sequences), LSTM 64, Dense 64 (ReLU),
    Dropout 0.3 and softmax.

    Args:
        input_shape: ``(frames, coefficients)``; a trailing channel of 1 is dropped by a
            ``Reshape`` layer.
        n_classes: output classes.
        units: units of each stacked LSTM layer; all but the last return sequences.
        dense: units of the dense layer.
        dropout: dropout rate after the dense layer.
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model``; with the defaults and input (130, 13) it has 57,802
        parameters.

    Notebook: 09_lstm_gru.ipynb
    """
    return _build_recurrent("lstm", input_shape, n_classes, units, dense, dropout, name)


def build_gru(
    input_shape=(130, 13),
    n_classes: int = 10,
    units: Sequence[int] = (64, 64),
    dense: int = 64,
    dropout: float = 0.3,
    name: str = "gru",
):
    """:func:`build_lstm` with GRU layers (Keras's default ``reset_after=True``).

    Args:
        input_shape: ``(frames, coefficients)``; a trailing channel of 1 is dropped by a
            ``Reshape`` layer.
        n_classes: output classes.
        units: units of each stacked GRU layer; all but the last return sequences.
        dense: units of the dense layer.
        dropout: dropout rate after the dense layer (0 for none).
        name: the model's name.
    """
    return _build_recurrent("gru", input_shape, n_classes, units, dense, dropout, name)


def build_rnn(
    input_shape=(130, 13),
    n_classes: int = 10,
    units: Sequence[int] = (64, 64),
    dense: int = 64,
    dropout: float = 0.3,
    name: str = "rnn",
):
    """:func:`build_lstm` with SimpleRNN (tanh) layers.

    Args:
        input_shape: ``(frames, coefficients)``; a trailing channel of 1 is dropped by a
            ``Reshape`` layer.
        n_classes: output classes.
        units: units of each stacked SimpleRNN layer; all but the last return sequences.
        dense: units of the dense layer.
        dropout: dropout rate after the dense layer (0 for none).
        name: the model's name.
    """
    return _build_recurrent("rnn", input_shape, n_classes, units, dense, dropout, name)


#: The builders by the names the command line uses.
BUILDERS = {
    "mlp": build_mlp,
    "cnn": build_cnn,
    "lstm": build_lstm,
    "gru": build_gru,
    "rnn": build_rnn,
}


def build_model(name: str, input_shape, n_classes: int = 10, **options):
    """Build a model by name (``mlp``, ``cnn``, ``lstm``, ``gru`` or ``rnn``).

    Args:
        name: a key of :data:`BUILDERS`.
        input_shape: the input's shape, passed to the builder.
        n_classes: output classes.
        **options: further keyword arguments of that builder, for example ``dropout``.
    """
    check_choice("model", name, BUILDERS)
    return BUILDERS[name](input_shape=input_shape, n_classes=n_classes, **options)


def summary_table(model) -> str:
    """A Markdown table of a model's layers: name, type, output shape, parameters, and how
    many of them training updates by gradient descent (a BatchNormalization layer also holds a
    moving mean and variance per channel, which are counted but not trained).

    Args:
        model: a built Keras model; its total parameter counts end the table.

    Notebook: 06_cnn.ipynb
    """
    rows = [
        "| layer | type | output shape | parameters | trainable |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    for layer in model.layers:
        shape = tuple(layer.output.shape) if hasattr(layer, "output") else "?"
        rows.append(
            f"| {layer.name} | {type(layer).__name__} | {shape} | {layer.count_params():,} "
            f"| {_trainable(layer):,} |"
        )
    total = f"**{model.count_params():,}** | **{_trainable(model):,}**"
    rows.append(f"| **total** | | | {total} |")
    return "\n".join(rows)


def _trainable(layer) -> int:
    """The number of weights of ``layer`` (or a model) that gradient descent updates."""
    return sum(math.prod(w.shape) for w in layer.trainable_weights)


def regression_model(name: str, input_shape=(130, 13), n_outputs: int = 2, **kwargs):
    """One of the course's networks with a regression head: the same layers as
    :func:`build_model` builds, but the softmax layer replaced by ``n_outputs`` linear units
    (valence and arousal, for example), to be trained with a squared-error loss.

    Args:
        name: a model name from :data:`BUILDERS`.
        input_shape: ``(frames, coefficients)``.
        n_outputs: how many numbers to predict.
        **kwargs: passed to the builder.

    Returns:
        An uncompiled ``keras.Model``.

    Notebook: 11_music_emotion.ipynb
    """
    keras = import_keras()
    check_at_least(1, n_outputs=n_outputs)
    classifier = build_model(name, input_shape=input_shape, n_classes=max(2, n_outputs), **kwargs)
    head = keras.layers.Dense(n_outputs, activation=None, name="regression")
    return keras.Sequential(
        [keras.Input(shape=classifier.input_shape[1:]), *classifier.layers[:-1], head],
        name=f"{name}_regression",
    )
