"""The command line: ``python -m course {check,sample,prepare,baseline,compare}``.

- ``check``: versions, GPU or CPU, and which dataset the course will use.
- ``sample``: generate the synthetic sample (also made on first use).
- ``prepare``: MFCC features of a dataset into a compressed ``.npz``.
- ``baseline``: the traditional ML baseline (MFCC statistics into logistic regression).
- ``compare``: train the feed-forward network, the CNN and the LSTM on one split and compare.

A user's mistake (a missing path, a folder without genre folders, a bad argument) prints one
line that says what to do and exits with status 2, without a traceback. Commands that train no
model do not import TensorFlow.

Notebook: 00_start_here.ipynb
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from .settings import RESULTS_DIR, FeatureParams, TrainParams

USER_ERRORS = (FileNotFoundError, NotADirectoryError, ValueError)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text}")
    return value


def _add_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="PATH", default=None,
                   help="dataset folder (genre folders of audio, or a parent such as GTZAN's "
                        "Data/ or genres/); default: $COURSE_DATA, then data/gtzan/, then the "
                        "synthetic sample")
    p.add_argument("--tracks-per-genre", type=_positive_int, default=None, metavar="N",
                   help="use only the first N tracks of each genre")


def _add_features(p: argparse.ArgumentParser) -> None:
    d = FeatureParams()
    g = p.add_argument_group("feature parameters (defaults: the notes')")
    g.add_argument("--sr", type=_positive_int, default=d.sample_rate, help="sample rate in Hz")
    g.add_argument("--duration", type=float, default=d.track_duration,
                   help="seconds of each track to use")
    g.add_argument("--segments", type=_positive_int, default=d.segments_per_track,
                   help="segments per track")
    g.add_argument("--n-mfcc", type=_positive_int, default=d.n_mfcc, help="MFCCs per frame")
    g.add_argument("--n-fft", type=_positive_int, default=d.n_fft, help="FFT length in samples")
    g.add_argument("--hop-length", type=_positive_int, default=d.hop_length,
                   help="hop between frames in samples")
    g.add_argument("--n-mels", type=_positive_int, default=d.n_mels, help="mel bands")
    g.add_argument("--no-cache", action="store_true", help="recompute even if cached")
    g.add_argument("--jobs", type=_positive_int, default=None,
                   help="worker processes (default: the cores available)")


def _feature_params(args) -> FeatureParams:
    return FeatureParams(sample_rate=args.sr, track_duration=args.duration,
                         segments_per_track=args.segments, n_mfcc=args.n_mfcc, n_fft=args.n_fft,
                         hop_length=args.hop_length, n_mels=args.n_mels)


def parser() -> argparse.ArgumentParser:
    """The ``python -m course`` argument parser."""
    ap = argparse.ArgumentParser(prog="python -m course",
                                 description="Deep Learning for Audio with Python: the course's "
                                             "command line.")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check", help="report versions, GPU or CPU, and the dataset found")
    p.add_argument("--data", metavar="PATH", default=None, help="dataset folder to check")

    p = sub.add_parser("sample", help="generate the synthetic sample dataset")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="where to write it (default: data/sample)")
    p.add_argument("--tracks-per-genre", type=_positive_int, default=None, metavar="N")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--force", action="store_true", help="rebuild even if it exists")

    p = sub.add_parser("prepare", help="compute MFCC features into a .npz file")
    _add_data(p)
    p.add_argument("--out", metavar="FILE.npz", default=None,
                   help="output file (default: only the cache in data/cache/)")
    _add_features(p)

    p = sub.add_parser("baseline", help="score the traditional ML baseline on a dataset")
    _add_data(p)
    p.add_argument("--seed", type=int, default=0)
    _add_features(p)

    t = TrainParams()
    p = sub.add_parser("compare", help="train and compare the models on one split")
    _add_data(p)
    p.add_argument("--models", default="mlp,cnn,lstm",
                   help="comma-separated models from mlp, cnn, lstm, gru, rnn (default: %(default)s)")
    p.add_argument("--protocol", choices=("notes", "track"), default="notes",
                   help="notes: segments split at random, as in the notes; track: split by track")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of a single run (ignored with --seeds)")
    p.add_argument("--seeds", type=_positive_int, default=None, metavar="N",
                   help="repeat with seeds 0..N-1 and report mean and spread")
    p.add_argument("--split-file", metavar="FILE", default=None,
                   help="published train/validation/test lists (a folder of train*.txt, "
                        "valid*.txt, test*.txt, or a file of '<side> <track>' lines); "
                        "replaces --protocol's split")
    p.add_argument("--epochs", type=_positive_int, default=t.epochs)
    p.add_argument("--batch-size", type=_positive_int, default=t.batch_size)
    p.add_argument("--learning-rate", type=float, default=t.learning_rate)
    p.add_argument("--out", metavar="DIR", default=None,
                   help=f"output folder (default: {RESULTS_DIR.name}/compare)")
    _add_features(p)
    return ap


def cmd_check(args) -> int:
    from .check import format_report, report

    items = report(args.data)
    print("Deep Learning for Audio with Python: environment check")
    print(format_report(items))
    return 1 if any(i.fix for i in items) else 0


def cmd_sample(args) -> int:
    from .sample import DEFAULT_SEED, DEFAULT_TRACKS_PER_GENRE, SAMPLE_DIR, make_sample
    from .dataset import display_path

    out = make_sample(args.out or SAMPLE_DIR,
                      tracks_per_genre=args.tracks_per_genre or DEFAULT_TRACKS_PER_GENRE,
                      seed=DEFAULT_SEED if args.seed is None else args.seed, force=args.force)
    print(f"Synthetic sample ready in {display_path(out)}")
    return 0


def _features(args):
    from .dataset import prepare, resolve_data

    source = resolve_data(args.data)
    print(f"Data: {source.describe()}")
    feats = prepare(source, params=_feature_params(args), out=getattr(args, "out_file", None),
                    tracks_per_genre=args.tracks_per_genre, cache=not args.no_cache,
                    jobs=args.jobs)
    print(feats.summary())
    return feats, source


def cmd_prepare(args) -> int:
    from .dataset import display_path

    args.out_file = args.out
    _features(args)
    if args.out:
        print(f"Wrote {display_path(args.out)}")
    return 0


def cmd_baseline(args) -> int:
    from .training import baseline_accuracy

    feats, _ = _features(args)
    mean, std = baseline_accuracy(feats, seed=args.seed)
    tag = " (synthetic sample, not a GTZAN result)" if feats.synthetic else ""
    print("Baseline: per-track MFCC means and standard deviations into a logistic regression, "
          f"5-fold cross-validation over tracks\n  accuracy {mean:.3f} +/- {std:.3f}{tag}")
    return 0


def cmd_compare(args) -> int:
    from .models import BUILDERS

    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in BUILDERS]
    if unknown or not models:
        raise ValueError(f"Unknown model(s) {', '.join(unknown) or '(none given)'}; "
                         f"choose from {', '.join(BUILDERS)}.")
    if not args.learning_rate > 0:
        raise ValueError(f"--learning-rate must be positive, got {args.learning_rate}.")
    lists = None
    if args.split_file:
        from .dataset import read_split_lists

        lists = read_split_lists(args.split_file)  # a bad file fails before any work
    out = Path(args.out) if args.out else RESULTS_DIR / "compare"
    feats, source = _features(args)

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from .check import versions
    from .dataset import display_path, split_from_lists
    from .plots import plot_confusion, plot_history
    from .training import (compare, make_split, paired_table, paired_tests, results_table,
                           song_correct)

    split, protocol, report = None, args.protocol, None
    if lists is not None:
        split, report = split_from_lists(feats.track, lists)
        protocol = "split-file"
        print(f"Split from {args.split_file}: {len(report['missing'])} listed track(s) not in "
              f"the data, {report['unlisted']} track(s) of the data in no list")
        for name in report["missing"][:20]:
            print(f"  missing or skipped: {name}")
        if len(report["missing"]) > 20:
            print(f"  ... and {len(report['missing']) - 20} more")
    seeds = list(range(args.seeds)) if args.seeds else [args.seed]
    print(f"Training {', '.join(models)}: protocol {protocol}, seed(s) {', '.join(map(str, seeds))}, "
          f"{args.epochs} epochs, batch {args.batch_size}, Adam {args.learning_rate:g}")
    start = time.perf_counter()
    results = []
    for seed in seeds:  # each seed: its own split (unless fixed by lists) and initial weights
        results += compare(feats, models, protocol=args.protocol, seed=seed, split=split,
                           epochs=args.epochs, batch_size=args.batch_size,
                           learning_rate=args.learning_rate)[0]
    out.mkdir(parents=True, exist_ok=True)
    for r in results:
        fig = plot_history(r.history, title=f"{r.model}, seed {r.seed}: training history")
        fig.savefig(out / f"history_{r.model}_seed{r.seed}.png")
        plt.close(fig)
    for name in models:
        truth, predicted = [], []
        for r in (r for r in results if r.model == name):
            _, labels, pred = song_correct(r, feats)
            truth.append(labels)
            predicted.append(pred)
        fig = plot_confusion(np.concatenate(truth), np.concatenate(predicted), list(feats.mapping),
                             title=f"{name}: test songs" + (f", {len(seeds)} seeds" if len(seeds) > 1 else ""))
        fig.savefig(out / f"confusion_{name}.png")
        plt.close(fig)
    table = results_table(results)
    pairs = paired_tests(results, feats) if len(models) > 1 else []
    note = ("Synthetic sample: these numbers are not GTZAN results." if feats.synthetic
            else f"Data: {source.describe()}")
    text = f"{table}\n\n" + (f"Paired McNemar tests on the test songs:\n\n{paired_table(pairs)}\n\n"
                             if pairs else "") + f"{note}\n"
    (out / "results.md").write_text(text)
    with open(out / "results.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "seed", "protocol", "parameters", "segment_accuracy", "song_accuracy_mean",
                    "song_accuracy_vote", "test_loss", "train_seconds", "epochs"])
        for r in results:
            w.writerow([r.model, r.seed, protocol, r.parameters, f"{r.test_accuracy:.4f}",
                        f"{r.song_accuracy_mean:.4f}", f"{r.song_accuracy_vote:.4f}",
                        f"{r.test_loss:.4f}", f"{r.train_seconds:.2f}", r.epochs])
    first = split if split is not None else make_split(feats, args.protocol, seeds[0])
    settings = {"command": "python -m course " + " ".join(sys.argv[1:]),
                "protocol": protocol, "models": models, "seeds": seeds,
                "epochs": args.epochs, "batch_size": args.batch_size,
                "learning_rate": args.learning_rate, "features": asdict(feats.params),
                "data": source.describe(), "synthetic": feats.synthetic,
                "split_file": args.split_file, "split_report": report,
                "segments_first_seed": {"train": len(first.train),
                                        "validation": len(first.validation),
                                        "test": len(first.test)},
                "leaked_test_segments_first_seed": first.leaked_test_segments(feats.track),
                "skipped_files": feats.skipped, "versions": versions(),
                "seconds": round(time.perf_counter() - start, 1)}
    (out / "settings.json").write_text(json.dumps(settings, indent=2) + "\n")
    print()
    print(text)
    print(f"Split ({protocol}, first seed): {len(first.train)} train / {len(first.validation)} "
          f"validation / {len(first.test)} test segments; "
          f"{settings['leaked_test_segments_first_seed']} test segments share a track with training.")
    print(f"Wrote results.md, results.csv, settings.json, history and confusion figures to "
          f"{display_path(out)}")
    return 0


COMMANDS = {"check": cmd_check, "sample": cmd_sample, "prepare": cmd_prepare,
            "baseline": cmd_baseline, "compare": cmd_compare}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for a user's mistake)."""
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def main_entry() -> None:
    """Entry point of the ``course`` console script (the same as ``python -m course``)."""
    sys.exit(main())


if __name__ == "__main__":
    main_entry()
