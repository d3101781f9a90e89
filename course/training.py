"""Training: one ``set_seed``, compiling with the notes' optimiser, fitting with the notes'
defaults (Adam 1e-4, batch 32, 30 epochs) under a progress bar, and a seeded, timed training
run for controlled experiments.

Results repeat exactly on a CPU for the same seed: :func:`set_seed` seeds Python, NumPy and
TensorFlow and turns on TensorFlow's deterministic ops.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np

from .errors import ParameterError, check_positive, check_same_length
from .models import import_keras
from .settings import TrainParams, show_progress


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow, and make TensorFlow's ops deterministic.

    Determinism stays on for the rest of the process: TensorFlow can turn it on
    (``tf.config.experimental.enable_op_determinism``) but offers no way to turn it off.

    Args:
        seed: the random seed, passed to ``keras.utils.set_random_seed`` as an int.

    Notebook: 04_neural_network_basics.ipynb, 07_cnn_on_mfcc.ipynb, 08_rnn.ipynb,
        09_lstm_gru.ipynb
    """
    keras = import_keras()
    import tensorflow as tf

    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()


def compile_model(model, learning_rate: float = TrainParams.learning_rate):
    """Compile with Adam, sparse categorical cross-entropy and accuracy, as the notes do.

    Args:
        model: a Keras model, compiled in place.
        learning_rate: Adam's learning rate (the notes' 1e-4 by default).

    Returns:
        The same model, compiled.

    Notebook: 04_neural_network_basics.ipynb
    """
    keras = import_keras()
    check_positive(learning_rate=learning_rate)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
        # A metric object makes its variables now; the string "accuracy" would make them inside
        # the first trace of the training step, which Keras then traces a second time.
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    return model


def _epoch_progress(epochs: int, desc: str):
    """tqdm's Keras callback where a bar can redraw (a terminal, a notebook); elsewhere (a log
    file, CI) one line when training ends: epochs run, seconds, and the last epoch's metrics."""
    from .progress import redraws

    keras = import_keras()
    if redraws():
        # tqdm.keras imports Keras, so only after import_keras() has, quietly.
        from tqdm.keras import TqdmCallback

        return TqdmCallback(epochs=epochs, verbose=0, desc=desc)

    class OneLine(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start, self.epochs_run, self.last = time.perf_counter(), 0, {}

        def on_epoch_end(self, epoch, logs=None):
            self.epochs_run, self.last = epoch + 1, dict(logs or {})

        def on_train_end(self, logs=None):
            metrics = ", ".join(f"{k} {v:.3f}" for k, v in self.last.items())
            print(
                f"{desc}: {self.epochs_run} epochs in {time.perf_counter() - self.start:.1f} s; "
                f"{metrics}",
                file=sys.stderr,
                flush=True,
            )

    return OneLine()


def check_run(seeds, epochs: int, batch_size: int, learning_rate: float) -> list[int]:
    """Check the settings of a comparison over seeds before any work: at least one seed, a
    positive learning rate, whole positive epochs and batch size. Returns the seeds as ints.

    Args:
        seeds: the seeds to run, at least one.
        epochs: training epochs per run, a positive int.
        batch_size: examples per update, a positive int.
        learning_rate: the optimiser's step size, positive.
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ParameterError("Give at least one seed, for example seeds=[0].")
    check_positive(learning_rate=learning_rate)
    check_positive(integer=True, epochs=epochs, batch_size=batch_size)
    return seeds


def fit(
    model,
    x_train,
    y_train,
    x_val=None,
    y_val=None,
    *,
    epochs: int = TrainParams.epochs,
    batch_size: int = TrainParams.batch_size,
    learning_rate: float | None = TrainParams.learning_rate,
    callbacks=(),
    progress: bool | str = True,
) -> dict[str, list[float]]:
    """Fit a model with the notes' defaults and return its history.

    Args:
        model: a Keras model; compiled here with Adam(``learning_rate``) unless
            ``learning_rate`` is None (then it must already be compiled).
        x_train: ``(n, frames, coefficients)`` float32.
        y_train: ``(n,)`` int labels.
        x_val: validation inputs, or None for no validation.
        y_val: validation labels, or None.
        epochs: training epochs (the notes' 30 by default).
        batch_size: examples per update (the notes' 32 by default).
        learning_rate: Adam's learning rate, or None to keep the model's own compilation.
        callbacks: extra Keras callbacks (for example early stopping).
        progress: True for a one-line progress bar over epochs (its text is the model's name),
            a string to label that bar, or False for silence.

    Returns:
        ``{"loss": [...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...]}``, one
        value per epoch run.
    """
    check_positive(integer=True, epochs=epochs, batch_size=batch_size)
    check_same_length(x_train=x_train, y_train=y_train)
    if learning_rate is not None:
        compile_model(model, learning_rate)
    optimizer = getattr(model, "optimizer", None)  # no such attribute until compiled
    if optimizer is not None and not optimizer.built:
        # Adam's moment variables made before fit, not inside its first trace of the training
        # step: created there, they make Keras trace the step twice (the same numbers, slower).
        optimizer.build(model.trainable_variables)
    cbs = list(callbacks)
    if show_progress(bool(progress)):
        cbs.append(_epoch_progress(epochs, progress if isinstance(progress, str) else model.name))
    validation = (x_val, y_val) if x_val is not None else None
    history = model.fit(
        x_train,
        y_train,
        validation_data=validation,
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
        callbacks=cbs,
    )
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}


@dataclass(frozen=True, kw_only=True)
class Experiment:
    """One training run of a controlled comparison (same data, seed and epochs)."""

    name: str
    history: dict[str, list[float]] = field(repr=False)
    seconds: float
    parameters: int
    model: object = field(default=None, repr=False)  # the trained Keras model

    @property
    def epochs(self) -> int:
        """Epochs actually run (fewer than asked if early stopping fired)."""
        return len(self.history["loss"])

    @property
    def best_val_accuracy(self) -> float:
        return float(max(self.history["val_accuracy"]))

    @property
    def final_gap(self) -> float:
        """Training minus validation accuracy at the last epoch: the overfitting gap."""
        return float(self.history["accuracy"][-1] - self.history["val_accuracy"][-1])


def run_experiment(
    name: str,
    build,
    train: tuple[np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray],
    *,
    seed: int = 0,
    epochs: int = TrainParams.epochs,
    batch_size: int = TrainParams.batch_size,
    learning_rate: float = TrainParams.learning_rate,
    callbacks=(),
    progress: bool = True,
) -> Experiment:
    """Seed, build a model with ``build()``, fit it and keep its history.

    Seeding before building means two experiments with the same seed start from the same
    weights where their architectures agree, so differences come from what was changed.

    Args:
        name: the experiment's label.
        build: a function of no arguments returning an uncompiled Keras model.
        train: the ``(x, y)`` training pair.
        validation: the ``(x, y)`` validation pair.
        seed: passed to :func:`set_seed` before the model is built.
        epochs: as in :func:`fit`.
        batch_size: as in :func:`fit`.
        learning_rate: as in :func:`fit`.
        callbacks: Keras callbacks, for example ``keras.callbacks.EarlyStopping``.
        progress: show a progress bar.

    Returns:
        An :class:`Experiment`, holding the trained model too.

    Notebook: 04_neural_network_basics.ipynb, 07_cnn_on_mfcc.ipynb, 09_lstm_gru.ipynb
    """
    set_seed(seed)
    model = build()
    start = time.perf_counter()
    history = fit(
        model,
        *train,
        *validation,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        callbacks=callbacks,
        progress=name if progress else False,
    )
    return Experiment(
        name=name,
        history=history,
        seconds=time.perf_counter() - start,
        parameters=int(model.count_params()),
        model=model,
    )
