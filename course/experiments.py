"""The comparison of models: train each on the same split and seed, evaluate per segment and per
song, repeat over seeds, and write what a reader needs to check the result.

``python -m course compare`` and notebook 10 call the same :func:`compare`, so the command line
and the notebook cannot disagree; :meth:`Comparison.write` writes the tables, figures and
settings that the command line leaves in its output folder.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .errors import ParameterError, check_choice
from .evaluation import (
    ModelResult,
    baseline_result,
    p_text,
    paired_table,
    paired_tests,
    pooled_songs,
    pooled_tests,
    results_table,
    song_correct,
    song_predictions,
    track_labels,
    wilson_interval,
)
from .features import Features, standardisation
from .models import BUILDERS, build_model
from .outputs import atomic_path, claim_outputs, record_outputs
from .predict import GenreClassifier, saved_names
from .settings import TrainParams, versions
from .splits import PROTOCOLS, Split, make_split
from .training import check_run, fit, set_seed

#: The suffix of a model trained on standardised inputs, for example "mlp-standardised".
STANDARDISED = "-standardised"


def train_and_evaluate(
    name: str,
    features: Features,
    split: Split,
    *,
    seed: int = 0,
    epochs: int = TrainParams.epochs,
    batch_size: int = TrainParams.batch_size,
    learning_rate: float = TrainParams.learning_rate,
    progress: bool = True,
    save_to: str | Path | None = None,
    protocol: str = "",
) -> ModelResult:
    """Build the named model, fit it on ``split.train`` (validating on ``split.validation``)
    and evaluate the model after its last epoch on ``split.test``, per segment and per song.

    Args:
        name: a model name from :data:`course.models.BUILDERS`, optionally with the suffix
            :data:`STANDARDISED`: then each MFCC coefficient is scaled to mean 0 and standard
            deviation 1 with the statistics of ``split.train`` only.
        features: the segment features.
        split: which rows train, validate and test.
        seed: seeds the initial weights and the order of batches.
        epochs: training epochs (the notes' 30 by default).
        batch_size: examples per update (the notes' 32 by default).
        learning_rate: Adam's learning rate (the notes' 1e-4 by default).
        progress: show a progress bar over epochs.
        save_to: a folder to save the trained model in, as ``NAME_seedSEED.keras`` with its
            ``.json`` (see :mod:`course.predict`), which records the protocol, the validation
            song accuracy (what ``predict`` chooses a model by) and the test song accuracy with
            whether it is leaky (some test songs had segments in training).
        protocol: the protocol's name, recorded with a saved model.

    Returns:
        A :class:`course.evaluation.ModelResult`.
    """
    x, y = features.mfcc, features.labels
    mean = std = None
    if name.endswith(STANDARDISED):
        mean, std = standardisation(x[split.train])
        x = ((x - mean) / std).astype(np.float32)
    set_seed(seed)
    model = build_model(
        name.removesuffix(STANDARDISED), input_shape=x.shape[1:], n_classes=len(features.mapping)
    )
    start = time.perf_counter()
    history = fit(
        model,
        x[split.train],
        y[split.train],
        x[split.validation],
        y[split.validation],
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        progress=f"{name} (seed {seed})" if progress else False,
    )
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x[split.test], y[split.test], verbose=0, batch_size=256)
    probabilities = model.predict(x[split.test], verbose=0, batch_size=256)
    result = ModelResult(
        model=name,
        parameters=int(model.count_params()),
        test_accuracy=float(accuracy),
        test_loss=float(loss),
        train_seconds=seconds,
        epochs=len(history["loss"]),
        seed=seed,
        history=history,
        probabilities=probabilities,
        test_index=split.test,
    )
    result = _with_song_accuracies(result, features)
    if save_to is not None:
        val_probs = model.predict(x[split.validation], verbose=0, batch_size=256)
        val_track = features.track[split.validation]
        _, predicted = song_predictions(val_probs, val_track)
        _, val_labels = track_labels(features.labels[split.validation], val_track)
        info = {
            "model": name,
            "seed": seed,
            "protocol": protocol,
            "validation_song_accuracy": float(np.mean(predicted == val_labels)),
            "test_song_accuracy": result.song_accuracy_mean,
            "test_accuracy_leaky": split.leaked_test_segments(features.track) > 0,
            "synthetic": features.synthetic,
        }
        GenreClassifier(
            model=model,
            params=features.params,
            genres=list(features.mapping),
            mean=mean,
            std=std,
            info=info,
        ).save(Path(save_to) / f"{name}_seed{seed}")
    return result


def _with_song_accuracies(result: ModelResult, features: Features) -> ModelResult:
    accuracies = {}
    for method in ("mean", "vote"):
        _, labels, predicted = song_correct(result, features, method)
        accuracies[f"song_accuracy_{method}"] = float(np.mean(labels == predicted))
    return replace(result, **accuracies)


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """The outcome of :func:`compare`: every model's result for every seed, and how it was run.

    Attributes:
        results: one :class:`course.evaluation.ModelResult` per seed and model, seed by seed.
        splits: ``{seed: Split}``, the split each seed used.
        features: the features the models were trained on.
        models: the model names, in order.
        protocol: "track", "notes", "published" (the dataset's own split) or "split-file"
            (published lists from a file).
        settings: the training settings (epochs, batch size, learning rate).
        seconds: wall time of the whole comparison.
    """

    results: list[ModelResult]
    splits: dict[int, Split]
    features: Features
    models: list[str]
    protocol: str
    settings: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def seeds(self) -> list[int]:
        """The seeds, in the order they were run."""
        return list(self.splits)

    @property
    def names(self) -> list[str]:
        """Every row of the tables: the models, then "baseline" if it was run."""
        return list(dict.fromkeys(r.model for r in self.results))

    def table(self) -> str:
        """The results table (:func:`course.evaluation.results_table`), with each model's
        distinct test songs right, each song counted once over the seeds that tested it
        (:meth:`songs_right`), and its 95 % Wilson interval."""
        lines = results_table(self.results).split("\n")
        lines[0] += " distinct test songs right (95 % interval) |"
        lines[1] += " ---: |"
        for i, name in enumerate(self.names):
            k, n = self.songs_right(name)
            low, high = wilson_interval(k, n)
            lines[2 + i] += f" {k}/{n} = {k / n:.3f} ({low:.3f} to {high:.3f}) |"
        if len(self.seeds) > 1:
            lines[-1] += " The last column counts each distinct test song once, over all seeds."
        return "\n".join(lines)

    def songs_right(self, name: str) -> tuple[int, int]:
        """``(right, songs)``: the model's distinct test songs, and how many it got right, each
        song counted once with its prediction pooled over the seeds that tested it
        (:func:`course.evaluation.pooled_songs`).

        Args:
            name: a model name as in the results, for example ``"mlp"`` or ``"baseline"``.
        """
        _, labels, predicted = self.pooled_songs(name)
        return int(np.sum(labels == predicted)), len(labels)

    def pooled_songs(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(tracks, labels, predicted)``: the model's distinct test songs over all seeds, each
        with one prediction (:func:`course.evaluation.pooled_songs`).

        Args:
            name: a model name as in the results, for example ``"mlp"`` or ``"baseline"``.
        """
        tracks, labels, predicted, _ = pooled_songs(
            [r for r in self.results if r.model == name], self.features
        )
        return tracks, labels, predicted

    def test_songs(self) -> tuple[int, int]:
        """``(distinct, tested)``: how many different songs the seeds tested, and how many
        song tests there were in all (more when a song is tested by several seeds)."""
        tested = [self.features.track[self.splits[s].test] for s in self.seeds]
        return (len(np.unique(np.concatenate(tested))), int(sum(len(np.unique(t)) for t in tested)))

    def pairs(self) -> list[dict]:
        """McNemar's test for every pair of models, per seed (none for a single model)."""
        return paired_tests(self.results, self.features) if len(self.names) > 1 else []

    def pooled(self) -> list[dict]:
        """McNemar's test for every pair on the distinct test songs, each counted once over the
        seeds, Holm-corrected (:func:`course.evaluation.pooled_tests`)."""
        return pooled_tests(self.results, self.features) if len(self.names) > 1 else []

    def leaked_test_segments(self, seed: int | None = None) -> int:
        """Test segments of ``seed``'s split (default: the first) whose track is in training.

        Args:
            seed: one of the comparison's seeds, or None for the first.
        """
        seed = self.seeds[0] if seed is None else seed
        check_choice("seed", seed, self.seeds)
        split = self.splits[seed]
        return split.leaked_test_segments(self.features.track)

    def protocol_text(self) -> str:
        """What was split how, how much leaked, and which model was tested, in words."""
        leaks = [self.leaked_test_segments(s) for s in self.seeds]
        tests = [len(self.splits[s].test) for s in self.seeds]
        leak = ", ".join(f"{a} of {b}" for a, b in zip(leaks, tests))
        how = {
            "notes": "the notes' split: segments drawn at random, so segments of one track "
            "land on both sides",
            "track": "a track split: every track's segments on one side only",
            "published": "the split that ships with the dataset, the same for every seed",
            "split-file": "published split lists, the same for every seed",
        }[self.protocol]
        text = (
            f"Protocol: {how}. Test segments from a track that also has segments in "
            f"training, per seed: {leak}."
        )
        if any(leaks):
            text += (
                " Song accuracy under this protocol is leaky: the models were trained on "
                "other segments of the test songs."
            )
            if "baseline" in self.names:
                text += (
                    " So is the baseline's: it is trained on one row of statistics per "
                    "training track, and the test songs are among those tracks."
                )
        epochs = self.settings.get("epochs")
        text += (
            f" Each network is tested after its last epoch ({epochs}); the validation set "
            "is watched but chooses nothing."
        )
        if "baseline" in self.names:
            text += (
                " The baseline is a logistic regression on per-track MFCC means and "
                "standard deviations, trained on the same training tracks."
            )
        return text

    def report(self, data: str = "") -> str:
        """The Markdown report: protocol and leak, the results table with intervals, the paired
        tests over all seeds with Holm's correction, and what the data was.

        Args:
            data: a description of the data, written as its last line ("" for none; a
                synthetic sample is always named as such instead).
        """
        pooled = self.pooled()
        note = (
            "Synthetic sample: these numbers are not GTZAN results."
            if self.features.synthetic
            else f"Data: {data}"
            if data
            else ""
        )
        distinct, tested = self.test_songs()
        counted = f"{distinct} distinct test songs over {len(self.seeds)} seed(s)" + (
            f" ({tested} song tests: a song tested by several seeds counts once, with "
            "the genre most of those seeds predicted for it)"
            if tested > distinct
            else ""
        )
        tests = ""
        if pooled:
            rows = [
                "| A | B | songs | only A right | only B right | p-value | p-value (Holm) |",
                "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
            ]
            rows += [
                f"| {r['a']} | {r['b']} | {r['songs']} | {r['only_a']} | {r['only_b']} | "
                f"{p_text(r['p_value'])} | {p_text(r['p_holm'])} |"
                for r in pooled
            ]
            tests = (
                f"McNemar's exact test for every pair on the {counted}, p-values corrected "
                f"for {len(pooled)} comparisons with Holm's method. It compares these "
                "trained models on these songs; it does not measure how much they would "
                "vary if trained again on other data (the spread over seeds above gives a "
                "glimpse of that):\n\n" + "\n".join(rows) + "\n\n"
            )
            if len(self.seeds) > 1:
                tests += f"Per seed, uncorrected:\n\n{paired_table(self.pairs())}\n\n"
        if not pooled:
            tests = f"Songs: the {counted}.\n\n"
        return f"{self.protocol_text()}\n\n{self.table()}\n\n{tests}" + (
            f"{note}\n" if note else ""
        )

    def write(
        self,
        out_dir: str | Path,
        *,
        data: str = "",
        command: str = "",
        split_file: str | None = None,
        split_report: dict | None = None,
    ) -> list[Path]:
        """Write ``results.md``, ``results.csv``, ``settings.json``, a training-history figure
        per model and seed, and a confusion matrix per model (each distinct test song once).

        The folder gets these files and nothing else changes in it: a file of the same name
        that the course did not write there is never overwritten (see
        :func:`course.outputs.claim_outputs`), and no file is removed. Each file is written
        beside its target and renamed into place.

        Args:
            out_dir: the output folder (created if needed).
            data: a description of the data, recorded in the report and the settings.
            command: the command that made the results, recorded in ``settings.json``.
            split_file: the published split used, if any, recorded in ``settings.json``.
            split_report: what that split left out (as :func:`course.splits.split_from_lists`
                reports it), recorded in ``settings.json``.

        Returns:
            The paths written.

        Raises:
            OutputError: the folder holds a file of one of these names that the course did not
                write.
        """
        from matplotlib import pyplot as plt

        from .learning_plots import plot_confusion, plot_history

        out = claim_outputs(
            out_dir, output_names(self.models, self.seeds, baseline="baseline" in self.names)
        )
        out.mkdir(parents=True, exist_ok=True)
        written = []

        def save(fig, name):
            with atomic_path(out / name) as tmp:
                fig.savefig(tmp, format="png")
            plt.close(fig)
            written.append(out / name)

        def write_text(name, text):
            with atomic_path(out / name) as tmp:
                tmp.write_text(text, encoding="utf-8")
            written.append(out / name)

        for r in (r for r in self.results if r.history):
            save(
                plot_history(r.history, title=f"{r.model}, seed {r.seed}: training history"),
                f"history_{r.model}_seed{r.seed}.png",
            )
        for name in self.names:
            _, labels, predicted = self.pooled_songs(name)
            title = f"{name}: {len(labels)} test songs" + (
                f", {len(self.seeds)} seeds" if len(self.seeds) > 1 else ""
            )
            save(
                plot_confusion(labels, predicted, list(self.features.mapping), title=title),
                f"confusion_{name}.png",
            )
        write_text("results.md", self.report(data))
        rows = io.StringIO()
        w = csv.writer(rows, lineterminator="\n")
        w.writerow(
            [
                "model",
                "seed",
                "protocol",
                "parameters",
                "segment_accuracy",
                "song_accuracy_mean",
                "song_accuracy_vote",
                "test_loss",
                "train_seconds",
                "epochs",
            ]
        )
        for r in self.results:
            w.writerow(
                [
                    r.model,
                    r.seed,
                    self.protocol,
                    r.parameters,
                    f"{r.test_accuracy:.4f}",
                    f"{r.song_accuracy_mean:.4f}",
                    f"{r.song_accuracy_vote:.4f}",
                    f"{r.test_loss:.4f}",
                    f"{r.train_seconds:.2f}",
                    r.epochs,
                ]
            )
        write_text("results.csv", rows.getvalue())
        first = self.splits[self.seeds[0]]
        settings = {
            "command": command,
            "protocol": self.protocol,
            "models": self.models,
            "seeds": self.seeds,
            **self.settings,
            "features": asdict(self.features.params),
            "data": data,
            "synthetic": self.features.synthetic,
            "split_file": split_file,
            "split_report": split_report,
            "segments_first_seed": {
                "train": len(first.train),
                "validation": len(first.validation),
                "test": len(first.test),
            },
            "leaked_test_segments_first_seed": self.leaked_test_segments(),
            "skipped_files": self.features.skipped,
            "versions": versions(),
            "seconds": round(self.seconds, 1),
        }
        write_text("settings.json", json.dumps(settings, indent=2) + "\n")
        record_outputs(out, [p.name for p in written])
        return written


def output_names(models: Sequence[str], seeds: Sequence[int], baseline: bool = True) -> list[str]:
    """The files :meth:`Comparison.write` writes for these models and seeds, so a command can
    check its output folder before any training (:func:`course.outputs.claim_outputs`).

    Args:
        models: the model names.
        seeds: the seeds; one training-history figure per model and seed.
        baseline: also name the baseline's confusion matrix.
    """
    return (
        ["results.md", "results.csv", "settings.json"]
        + [f"history_{m}_seed{s}.png" for s in seeds for m in models]
        + [f"confusion_{m}.png" for m in [*models, *(["baseline"] if baseline else [])]]
    )


def compare(
    features: Features,
    models: Sequence[str] = ("mlp", "cnn", "lstm"),
    *,
    protocol: str = "track",
    seeds: Sequence[int] = (0,),
    split: Split | None = None,
    epochs: int = TrainParams.epochs,
    batch_size: int = TrainParams.batch_size,
    learning_rate: float = TrainParams.learning_rate,
    baseline: bool = True,
    progress: bool = True,
    save_models: str | Path | None = None,
) -> Comparison:
    """Train each model on the same split and seed, for each seed, and evaluate each.

    Each seed draws its own split (unless ``split`` fixes one, for example from published
    lists, or the protocol is ``published``) and its own initial weights; all models of one
    seed share that seed's split, so they can be compared pairwise.

    Args:
        features: the segment features.
        models: model names from :data:`course.models.BUILDERS`, each optionally with the
            suffix :data:`STANDARDISED` (inputs standardised with training statistics).
        protocol: "track" (no track on two sides; the default), "notes" (segments at random,
            as the notes did: song accuracy and the baseline are then leaky) or "published"
            (the split the dataset ships, :attr:`Features.published`, the same for every
            seed); ignored when ``split`` is given.
        seeds: the seeds to run, for example ``range(3)``.
        split: a fixed split for every seed, or None to draw one per seed.
        epochs: training epochs (the notes' 30 by default).
        batch_size: examples per update (the notes' 32 by default).
        learning_rate: Adam's learning rate (the notes' 1e-4 by default).
        baseline: also score the traditional baseline on each seed's split.
        progress: show progress bars.
        save_models: a folder to save every trained network in, with what it needs to
            classify audio on its own (:mod:`course.predict`); a file there that the course did
            not write is refused before any training.

    Returns:
        A :class:`Comparison`.

    Notebook: 10_genre_comparison.ipynb
    """
    models, seeds = list(models), [int(s) for s in seeds]
    if not models:
        raise ParameterError(f"Name at least one model; choose from {', '.join(BUILDERS)}.")
    for name in models:
        check_choice("model", name.removesuffix(STANDARDISED), BUILDERS)
    if split is None:
        check_choice("protocol", protocol, PROTOCOLS)
    seeds = check_run(seeds, epochs, batch_size, learning_rate)
    if save_models is not None:
        save_models = claim_outputs(save_models, saved_names(models, seeds))
    start = time.perf_counter()
    results, splits = [], {}
    if split is None and protocol == "published":
        split = make_split(
            features.track, features.labels, protocol=protocol, published=features.published
        )
    else:
        protocol = "split-file" if split is not None else protocol
    for seed in seeds:
        splits[seed] = (
            split
            if split is not None
            else make_split(features.track, features.labels, protocol=protocol, seed=seed)
        )
        results += [
            train_and_evaluate(
                m,
                features,
                splits[seed],
                seed=seed,
                epochs=epochs,
                batch_size=batch_size,
                learning_rate=learning_rate,
                progress=progress,
                save_to=save_models,
                protocol=protocol,
            )
            for m in models
        ]
        if save_models is not None:
            record_outputs(save_models, saved_names(models, [seed]))
        if baseline:
            results.append(
                _with_song_accuracies(baseline_result(features, splits[seed], seed=seed), features)
            )
    return Comparison(
        results=results,
        splits=splits,
        features=features,
        models=models,
        protocol=protocol,
        settings={"epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate},
        seconds=time.perf_counter() - start,
    )
