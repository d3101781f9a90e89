"""Training: one ``set_seed``, compiling with the notes' optimiser, fitting with the notes'
defaults (Adam 1e-4, batch 32, 30 epochs), evaluating, and the model comparison behind
``python -m course compare``.

Results repeat exactly on a CPU for the same seed: :func:`set_seed` seeds Python, NumPy and
TensorFlow and turns on TensorFlow's deterministic ops.

Notebook: 10_genre_comparison.ipynb
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .dataset import Features, Split, split_segments, split_tracks
from .models import build_model, import_keras
from .settings import TrainParams, show_progress


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow, and make TensorFlow's ops deterministic.

    Notebook: 04_neural_network_basics.ipynb
    """
    keras = import_keras()
    import tensorflow as tf

    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()


def compile_model(model, learning_rate: float = TrainParams.learning_rate):
    """Compile with Adam, sparse categorical cross-entropy and accuracy, as the notes do.

    Returns:
        The same model, compiled.

    Notebook: 04_neural_network_basics.ipynb
    """
    keras = import_keras()
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate}.")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _epoch_bar(epochs: int, desc: str):
    """A Keras callback showing one tqdm bar over epochs with the latest metrics."""
    keras = import_keras()
    from tqdm.auto import tqdm

    class EpochBar(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.bar = tqdm(total=epochs, desc=desc, unit="epoch", leave=True)

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            self.bar.set_postfix({k: f"{v:.3f}" for k, v in logs.items()
                                  if k in ("loss", "accuracy", "val_accuracy")})
            self.bar.update(1)

        def on_train_end(self, logs=None):
            self.bar.close()

    return EpochBar()


def fit(model, x_train, y_train, x_val=None, y_val=None, *,
        epochs: int = TrainParams.epochs, batch_size: int = TrainParams.batch_size,
        learning_rate: float | None = TrainParams.learning_rate, callbacks=(),
        progress: bool | str = True) -> dict[str, list[float]]:
    """Fit a model with the notes' defaults and return its history.

    Args:
        model: a Keras model; compiled here with Adam(``learning_rate``) unless
            ``learning_rate`` is None (then it must already be compiled).
        x_train: ``(n, frames, coefficients)`` float32; y_train: ``(n,)`` int labels.
        x_val, y_val: validation data, or None.
        epochs, batch_size: as in the notes (30 and 32).
        callbacks: extra Keras callbacks (for example early stopping).
        progress: True for a one-line progress bar over epochs (its text is the model's name),
            a string to label that bar, or False for silence.

    Returns:
        ``{"loss": [...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...]}``, one
        value per epoch run.

    Notebook: 04_neural_network_basics.ipynb
    """
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be at least 1, got {epochs} and {batch_size}.")
    if len(x_train) != len(y_train):
        raise ValueError(f"x_train has {len(x_train)} rows but y_train has {len(y_train)}.")
    if learning_rate is not None:
        compile_model(model, learning_rate)
    cbs = list(callbacks)
    if show_progress(bool(progress)):
        cbs.append(_epoch_bar(epochs, progress if isinstance(progress, str) else model.name))
    validation = (x_val, y_val) if x_val is not None else None
    history = model.fit(x_train, y_train, validation_data=validation, epochs=epochs,
                        batch_size=batch_size, verbose=0, callbacks=cbs)
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}


@dataclass
class ModelResult:
    """One trained model's outcome on one split and seed.

    ``probabilities`` are the test segments' predicted class probabilities, in the order of
    ``test_index``; song-level accuracies combine each test track's segments (see
    :func:`song_predictions`).
    """

    model: str
    parameters: int
    test_accuracy: float
    test_loss: float
    train_seconds: float
    epochs: int
    seed: int
    history: dict[str, list[float]] = field(repr=False, default_factory=dict)
    probabilities: np.ndarray | None = field(repr=False, default=None)
    test_index: np.ndarray | None = field(repr=False, default=None)
    song_accuracy_mean: float = float("nan")
    song_accuracy_vote: float = float("nan")


def make_split(features: Features, protocol: str = "notes", seed: int = 0) -> Split:
    """The split a protocol uses: ``notes`` (segments at random) or ``track`` (by track).

    Notebook: 10_genre_comparison.ipynb
    """
    if protocol == "notes":
        return split_segments(features.labels, seed=seed)
    if protocol == "track":
        return split_tracks(features.track, features.labels, seed=seed)
    raise ValueError(f"Unknown protocol {protocol!r}; choose 'notes' or 'track'.")


def song_correct(result: ModelResult, features: Features, method: str = "mean"):
    """``(tracks, labels, predicted)`` per test track of a result, for voting and tests.

    Notebook: 10_genre_comparison.ipynb
    """
    track = features.track[result.test_index]
    names, predicted = song_predictions(result.probabilities, track, method=method)
    _, labels = track_labels(features.labels[result.test_index], track)
    return names, labels, predicted


def train_and_evaluate(name: str, features: Features, split: Split, *, seed: int = 0,
                       epochs: int = TrainParams.epochs, batch_size: int = TrainParams.batch_size,
                       learning_rate: float = TrainParams.learning_rate,
                       progress: bool = True) -> ModelResult:
    """Build the named model, fit it on ``split.train`` (validating on ``split.validation``)
    and evaluate it on ``split.test``, per segment and per song.

    Notebook: 10_genre_comparison.ipynb
    """
    x, y = features.mfcc, features.labels
    set_seed(seed)
    model = build_model(name, input_shape=x.shape[1:], n_classes=len(features.mapping))
    start = time.perf_counter()
    history = fit(model, x[split.train], y[split.train], x[split.validation], y[split.validation],
                  epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                  progress=f"{name} (seed {seed})" if progress else False)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x[split.test], y[split.test], verbose=0, batch_size=256)
    probabilities = model.predict(x[split.test], verbose=0, batch_size=256)
    result = ModelResult(name, int(model.count_params()), float(accuracy), float(loss), seconds,
                         len(history["loss"]), seed, history, probabilities, split.test)
    for method in ("mean", "vote"):
        _, labels, predicted = song_correct(result, features, method)
        setattr(result, f"song_accuracy_{method}", float(np.mean(labels == predicted)))
    return result


def compare(features: Features, models=("mlp", "cnn", "lstm"), *, protocol: str = "notes",
            seed: int = 0, epochs: int = TrainParams.epochs,
            batch_size: int = TrainParams.batch_size,
            learning_rate: float = TrainParams.learning_rate, split: Split | None = None,
            progress: bool = True) -> tuple[list[ModelResult], Split]:
    """Train each model on the same split and report test accuracy.

    Args:
        features: the segment features.
        models: model names (see :data:`course.models.BUILDERS`).
        protocol: "notes" or "track" (ignored when ``split`` is given).
        seed: seeds the split and the models.
        epochs, batch_size, learning_rate: the notes' defaults.
        split: a fixed split, for example from published lists.
        progress: show progress bars.

    Returns:
        ``(results, split)``: one :class:`ModelResult` per model, and the split used.

    Notebook: 10_genre_comparison.ipynb
    """
    split = split if split is not None else make_split(features, protocol=protocol, seed=seed)
    results = [train_and_evaluate(m, features, split, seed=seed, epochs=epochs,
                                  batch_size=batch_size, learning_rate=learning_rate,
                                  progress=progress) for m in models]
    return results, split


def compare_seeds(features: Features, models=("mlp", "cnn", "lstm"), *, protocol: str = "track",
                  seeds: int = 3, split: Split | None = None, progress: bool = True,
                  **fit_options) -> list[ModelResult]:
    """:func:`compare` repeated with seeds 0, 1, ..., ``seeds - 1``. Each seed draws its own
    split (unless ``split`` is fixed) and its own initial weights; all models of one seed
    share that seed's split, so they can be compared pairwise.

    Returns:
        All results, seed by seed, model by model.

    Notebook: 10_genre_comparison.ipynb
    """
    if seeds < 1:
        raise ValueError(f"seeds must be at least 1, got {seeds}.")
    results = []
    for seed in range(seeds):
        results += compare(features, models, protocol=protocol, seed=seed, split=split,
                           progress=progress, **fit_options)[0]
    return results


def results_table(results: list[ModelResult]) -> str:
    """A Markdown table, one row per model: parameters, then test accuracy per segment and per
    song (mean of probabilities, and majority vote), and training seconds. With several seeds
    each figure is the mean +/- the standard deviation over seeds.

    Notebook: 10_genre_comparison.ipynb
    """
    def cell(values, fmt="{:.3f}"):
        values = np.asarray(values, float)
        if len(values) == 1:
            return fmt.format(values[0])
        return f"{fmt.format(values.mean())} +/- {fmt.format(values.std(ddof=1))}"

    seeds = sorted({r.seed for r in results})
    rows = [f"| model | parameters | segment accuracy | song accuracy (mean) | song accuracy (vote) "
            f"| training seconds |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name in dict.fromkeys(r.model for r in results):
        rs = [r for r in results if r.model == name]
        rows.append(f"| {name} | {rs[0].parameters:,} | {cell([r.test_accuracy for r in rs])} | "
                    f"{cell([r.song_accuracy_mean for r in rs])} | "
                    f"{cell([r.song_accuracy_vote for r in rs])} | "
                    f"{cell([r.train_seconds for r in rs], '{:.1f}')} |")
    if len(seeds) > 1:
        rows.append("")
        rows.append(f"Mean +/- standard deviation over {len(seeds)} seeds ({', '.join(map(str, seeds))}).")
    return "\n".join(rows)


def paired_tests(results: list[ModelResult], features: Features, method: str = "mean") -> list[dict]:
    """McNemar's test for every pair of models on the same seed's test songs.

    Returns:
        One dict per (seed, model A, model B): ``seed``, ``a``, ``b``, ``accuracy_a``,
        ``accuracy_b``, ``only_a``, ``only_b`` and ``p_value``.

    Notebook: 10_genre_comparison.ipynb
    """
    rows = []
    for seed in sorted({r.seed for r in results}):
        rs = [r for r in results if r.seed == seed]
        for i, ra in enumerate(rs):
            for rb in rs[i + 1:]:
                names_a, labels, pred_a = song_correct(ra, features, method)
                names_b, _, pred_b = song_correct(rb, features, method)
                if not np.array_equal(names_a, names_b):
                    raise ValueError("Paired tests need both models tested on the same songs.")
                test = mcnemar(pred_a == labels, pred_b == labels)
                rows.append({"seed": seed, "a": ra.model, "b": rb.model,
                             "accuracy_a": float(np.mean(pred_a == labels)),
                             "accuracy_b": float(np.mean(pred_b == labels)), **test})
    return rows


def paired_table(rows: list[dict]) -> str:
    """McNemar results as a Markdown table.

    Notebook: 10_genre_comparison.ipynb
    """
    out = ["| seed | A | B | song accuracy A | song accuracy B | only A right | only B right | p-value |",
           "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    out += [f"| {r['seed']} | {r['a']} | {r['b']} | {r['accuracy_a']:.3f} | {r['accuracy_b']:.3f} | "
            f"{r['only_a']} | {r['only_b']} | {r['p_value']:.3f} |" for r in rows]
    return "\n".join(out)


def baseline_accuracy(features: Features, seed: int = 0, folds: int = 5) -> tuple[float, float]:
    """The traditional pipeline's score: per-track MFCC means and standard deviations,
    standardised, into a logistic regression, scored by stratified k-fold cross-validation
    over tracks (a track is one row, so no track is on both sides). The bar every network
    should clear.

    Args:
        features: segment features; they are summarised per track.
        seed: shuffles the folds.
        folds: number of folds (reduced to the smallest genre's track count if needed).

    Returns:
        ``(mean, std)`` of the test accuracy over the folds.

    Notebook: 03_mfcc.ipynb
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .dataset import track_statistics

    x, y, _ = track_statistics(features)
    k = min(folds, int(np.bincount(y).min()))
    if k < 2:
        raise ValueError("The baseline needs at least two tracks of every genre.")
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000))
    scores = cross_val_score(clf, x, y, cv=StratifiedKFold(k, shuffle=True, random_state=seed))
    return float(scores.mean()), float(scores.std())


def gradient_norms(model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The size of the loss gradient reaching each Dense layer, first layer first.

    Computes the mean cross-entropy of ``model`` on the batch ``(x, y)`` and returns the L2
    norm of its gradient with respect to each Dense layer's kernel. Shrinking norms toward the
    first layer are vanishing gradients.

    Args:
        model: a Keras model whose Dense layers are measured.
        x: ``(n, ...)`` a batch of inputs; y: ``(n,)`` int labels.

    Returns:
        ``(n_dense_layers,)`` gradient norms.

    Notebook: 04_neural_network_basics.ipynb
    """
    keras = import_keras()
    import tensorflow as tf

    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if not dense:
        raise ValueError("The model has no Dense layers to measure.")
    with tf.GradientTape() as tape:
        probs = model(np.asarray(x, np.float32), training=False)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, probs))
    grads = tape.gradient(loss, [layer.kernel for layer in dense])
    return np.array([float(tf.norm(g)) for g in grads])


@dataclass
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


def run_experiment(name: str, build, train: tuple[np.ndarray, np.ndarray],
                   validation: tuple[np.ndarray, np.ndarray], *, seed: int = 0,
                   epochs: int = TrainParams.epochs, batch_size: int = TrainParams.batch_size,
                   learning_rate: float = TrainParams.learning_rate, callbacks=(),
                   progress: bool = True) -> Experiment:
    """Seed, build a model with ``build()``, fit it and keep its history.

    Seeding before building means two experiments with the same seed start from the same
    weights where their architectures agree, so differences come from what was changed.

    Args:
        name: the experiment's label.
        build: a function of no arguments returning an uncompiled Keras model.
        train, validation: ``(x, y)`` pairs.
        seed, epochs, batch_size, learning_rate: as in :func:`fit`.
        callbacks: Keras callbacks, for example ``keras.callbacks.EarlyStopping``.
        progress: show a progress bar.

    Returns:
        An :class:`Experiment`, holding the trained model too.

    Notebook: 05_overfitting.ipynb
    """
    set_seed(seed)
    model = build()
    start = time.perf_counter()
    history = fit(model, *train, *validation, epochs=epochs, batch_size=batch_size,
                  learning_rate=learning_rate, callbacks=callbacks,
                  progress=name if progress else False)
    return Experiment(name, history, time.perf_counter() - start, int(model.count_params()), model)


def experiments_table(experiments: list[Experiment]) -> str:
    """A Markdown table: experiment, best validation accuracy, final train/validation gap,
    epochs, parameters and seconds.

    Notebook: 05_overfitting.ipynb
    """
    rows = ["| experiment | best validation accuracy | train - validation gap at the end | "
            "epochs | parameters | seconds |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    rows += [f"| {e.name} | {e.best_val_accuracy:.3f} | {e.final_gap:+.3f} | {e.epochs} | "
             f"{e.parameters:,} | {e.seconds:.1f} |" for e in experiments]
    return "\n".join(rows)


def song_predictions(probabilities: np.ndarray, track: np.ndarray, method: str = "mean"):
    """Combine segment predictions into one prediction per song (track).

    Args:
        probabilities: ``(n_segments, n_classes)`` predicted class probabilities.
        track: ``(n_segments,)`` the track each segment comes from.
        method: "mean" averages the segments' probabilities, then takes the most likely class;
            "vote" lets each segment vote for its most likely class (ties go to the class with
            the higher mean probability).

    Returns:
        ``(tracks, predicted)``: the sorted track names and their predicted labels.

    Notebook: 10_genre_comparison.ipynb
    """
    probabilities, track = np.asarray(probabilities), np.asarray(track)
    if probabilities.ndim != 2 or len(probabilities) != len(track):
        raise ValueError(f"probabilities {probabilities.shape} needs one row per segment of track "
                         f"{track.shape}.")
    if method not in ("mean", "vote"):
        raise ValueError(f"Unknown method {method!r}; choose 'mean' or 'vote'.")
    names, inverse = np.unique(track, return_inverse=True)
    n_classes = probabilities.shape[1]
    mean = np.zeros((len(names), n_classes))
    np.add.at(mean, inverse, probabilities)
    mean /= np.bincount(inverse)[:, None]
    if method == "mean":
        return names, mean.argmax(axis=1)
    votes = np.zeros((len(names), n_classes))
    np.add.at(votes, (inverse, probabilities.argmax(axis=1)), 1)
    return names, _vote_winner(votes, mean)


def _vote_winner(votes: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The class with most votes per row; ties broken by the higher mean probability."""
    top = votes == votes.max(axis=1, keepdims=True)
    return np.where(top, mean, -np.inf).argmax(axis=1)


def track_labels(labels: np.ndarray, track: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(tracks, labels)``: each track's label, tracks sorted as in :func:`song_predictions`.

    Notebook: 10_genre_comparison.ipynb
    """
    names, first = np.unique(np.asarray(track), return_index=True)
    return names, np.asarray(labels)[first]


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> dict[str, float]:
    """McNemar's exact test: do two classifiers differ on the same test items?

    Only the items where exactly one classifier is right count: ``b`` (only A right) and ``c``
    (only B right). Under the null hypothesis that both are equally good, each such item is a
    fair coin, so the two-sided p-value is ``2 * P(X <= min(b, c))`` for X ~ Binomial(b + c,
    1/2), capped at 1.

    Args:
        correct_a, correct_b: ``(n_items,)`` booleans, whether each classifier got each item
            right (the same items in the same order).

    Returns:
        ``{"only_a": b, "only_b": c, "p_value": p}``.

    Notebook: 10_genre_comparison.ipynb
    """
    from scipy.stats import binom

    a, b_ = np.asarray(correct_a, bool), np.asarray(correct_b, bool)
    if a.shape != b_.shape or a.ndim != 1:
        raise ValueError(f"correct_a {a.shape} and correct_b {b_.shape} must be 1-D and the same length.")
    only_a, only_b = int(np.sum(a & ~b_)), int(np.sum(~a & b_))
    n = only_a + only_b
    p = 1.0 if n == 0 else float(min(1.0, 2 * binom.cdf(min(only_a, only_b), n, 0.5)))
    return {"only_a": only_a, "only_b": only_b, "p_value": p}


def per_genre_accuracy(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """``(n_classes,)`` accuracy within each true class (NaN for a class with no items).

    Notebook: 10_genre_comparison.ipynb
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    out = np.full(n_classes, np.nan)
    for k in range(n_classes):
        mask = y_true == k
        if mask.any():
            out[k] = np.mean(y_pred[mask] == k)
    return out


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


def memory_task(n: int, steps: int, seed: int = 0, noise: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
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
