"""The command line:
``python -m course {check,sample,prepare,baseline,compare,predict,slides,site,guide}``.

- ``check``: versions, GPU or CPU, and which dataset the course will use.
- ``sample``: generate the synthetic sample (also made on first use).
- ``prepare``: MFCC features of a dataset into a compressed ``.npz``.
- ``baseline``: the traditional ML baseline (MFCC statistics into logistic regression).
- ``compare``: train the feed-forward network, the CNN and the LSTM and compare them.
- ``exercises``: copies of the notebooks for a class, with or without the hidden solutions.
- ``predict``: classify audio files of any length with a model ``compare`` saved.
- ``slides``: the executed notebooks as reveal.js decks that present offline.
- ``site``: the executed notebooks as a static site to read without installing anything.
- ``guide``: the instructor's answer key, generated from the notebooks' hidden solutions.

Each sub-command is one function that parses nothing and computes nothing of its own: it calls
the package and prints. Options that name an output have one meaning each: ``--out-dir`` is
always a folder, ``--out-file`` always a file. A user's mistake (a
:class:`course.errors.CourseError`) prints one line that says what to do and exits with status
2; any other exception is a bug and shows its traceback. Commands that train no model do not
import TensorFlow.
"""

from __future__ import annotations

import argparse
import sys

from .cli_args import build_parser
from .errors import CourseError
from .settings import RESULTS_DIR, FeatureParams


def parser() -> argparse.ArgumentParser:
    """The ``python -m course`` argument parser (:func:`course.cli_args.build_parser`)."""
    return build_parser(
        {name.removeprefix("cmd_"): f for name, f in globals().items() if name.startswith("cmd_")}
    )


def _feature_params(args) -> FeatureParams:
    return FeatureParams(
        sample_rate=args.sr,
        track_duration=args.duration,
        segments_per_track=args.segments,
        n_mfcc=args.n_mfcc,
        n_fft=args.n_fft,
        hop_length=args.hop_length,
        n_mels=args.n_mels,
    )


def _features(args, out_file=None):
    """Find the data, prepare its features, and print what was found."""
    from .data import resolve_data
    from .features import prepare

    params = _feature_params(args)  # parameter mistakes fail before the data is looked for
    source = resolve_data(args.data)
    print(f"Data: {source.describe()}")
    feats = prepare(
        source,
        params=params,
        out=out_file,
        tracks_per_genre=args.tracks_per_genre,
        cache=not args.no_cache,
        jobs=args.jobs,
    )
    print(feats.summary())
    return feats, source


def cmd_check(args) -> int:
    """``check``: the environment report; exit 1 when something needs fixing.

    Args:
        args: the parsed command line; ``args.data`` is the dataset folder to check (None: the
            course's rule for finding one).
    """
    from .environment import format_report, report

    items = report(args.data)
    print("Deep Learning for Audio with Python: environment check")
    print(format_report(items))
    return 1 if any(i.fix for i in items) else 0


def cmd_sample(args) -> int:
    """``sample``: write the synthetic sample.

    Args:
        args: the parsed command line: ``out_dir``, ``tracks_per_genre`` and ``seed`` (None for
            each means the sample's default) and ``force`` (rebuild even if it exists).
    """
    from .data import display_path
    from .sample import DEFAULT_TRACKS_PER_GENRE, SAMPLE_DIR, make_sample
    from .synth import DEFAULT_SEED

    out = make_sample(
        args.out_dir or SAMPLE_DIR,
        tracks_per_genre=args.tracks_per_genre or DEFAULT_TRACKS_PER_GENRE,
        seed=DEFAULT_SEED if args.seed is None else args.seed,
        force=args.force,
    )
    print(f"Synthetic sample ready in {display_path(out)}")
    return 0


def cmd_prepare(args) -> int:
    """``prepare``: features into the cache, and into ``--out-file`` if given.

    Args:
        args: the parsed command line: the dataset options, the feature parameters and
            ``out_file`` (None: the cache only).
    """
    from .data import display_path

    _features(args, out_file=args.out_file)
    if args.out_file:
        print(f"Wrote {display_path(args.out_file)}")
    return 0


def cmd_baseline(args) -> int:
    """``baseline``: the traditional pipeline's cross-validated accuracy.

    Args:
        args: the parsed command line: the dataset options, the feature parameters and
            ``seed``, which shuffles the folds.
    """
    from .evaluation import baseline_accuracy

    feats, _ = _features(args)
    mean, std = baseline_accuracy(feats, seed=args.seed)
    tag = " (synthetic sample, not a GTZAN result)" if feats.synthetic else ""
    print(
        "Baseline: per-track MFCC means and standard deviations into a logistic regression, "
        f"5-fold cross-validation over tracks\n  accuracy {mean:.3f} ± {std:.3f}{tag}"
    )
    return 0


def cmd_compare(args) -> int:
    """``compare``: train the models, print the table, write the results folder.

    Args:
        args: the parsed command line of ``compare``: the models, protocol or split file,
            seeds, training and feature parameters and output folders; with ``--task emotion``
            it goes to the emotion comparison instead.
    """
    from .errors import check_choice, check_positive
    from .models import BUILDERS

    if args.task == "emotion":
        return _compare_emotion(args)

    models = [m.strip() for m in args.models.split(",") if m.strip()]
    for name in models or [""]:  # wrong names and rates fail before any work is done
        check_choice("model", name.removesuffix("-standardised"), BUILDERS)
    check_positive(**{"--learning-rate": args.learning_rate})
    lists = None
    if args.split_file:
        from .splits import read_split_lists

        lists = read_split_lists(args.split_file)
    from .experiments import compare, output_names
    from .outputs import claim_outputs
    from .predict import saved_names

    seeds = list(range(args.seeds)) if args.seeds else [args.seed]
    out = claim_outputs(
        args.out_dir or RESULTS_DIR / "compare",
        output_names(models, seeds, baseline=not args.no_baseline),
    )
    models_dir = claim_outputs(args.save_models or out / "models", saved_names(models, seeds))
    feats, source = _features(args)

    from .data import display_path
    from .splits import split_from_lists

    split, report = None, None
    if lists is not None:
        split, report = split_from_lists(feats.track, lists)
        print(
            f"Split from {args.split_file}: {len(report['missing'])} listed track(s) not in "
            f"the data, {report['unlisted']} track(s) of the data in no list"
        )
        for name in report["missing"][:20]:
            print(f"  missing or skipped: {name}")
        if len(report["missing"]) > 20:
            print(f"  ... and {len(report['missing']) - 20} more")
    protocol = "split-file" if split is not None else args.protocol
    if protocol == "published":
        from .splits import published_split

        published_split(feats.published)  # a dataset without its own split fails before training
    print(
        f"Training {', '.join(models)}: protocol {protocol}, seed(s) {', '.join(map(str, seeds))}, "
        f"{args.epochs} epochs, batch {args.batch_size}, Adam {args.learning_rate:g}"
    )
    if protocol == "notes":
        print(
            "The notes' protocol splits segments at random: test songs have other segments in "
            "training, so song accuracy and the baseline are leaky (see results.md)."
        )
    result = compare(
        feats,
        models,
        protocol=args.protocol,
        seeds=seeds,
        split=split,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        baseline=not args.no_baseline,
        save_models=models_dir,
    )
    result.write(
        out,
        data=source.describe(),
        command="python -m course " + " ".join(sys.argv[1:]),
        split_file=args.split_file,
        split_report=report,
    )
    first = result.splits[seeds[0]]
    print()
    print(result.report(source.describe()))
    print(
        f"Split ({protocol}, first seed): {len(first.train)} train / {len(first.validation)} "
        f"validation / {len(first.test)} test segments; {result.leaked_test_segments()} test "
        "segments share a track with training."
    )
    print(
        "Wrote results.md, results.csv, settings.json, history and confusion figures to "
        f"{display_path(out)}"
    )
    print(
        f"Saved the trained models to {display_path(models_dir)}; classify your own music "
        f"with: python -m course predict SONG.mp3 --model {display_path(models_dir)}"
    )
    return 0


def _compare_emotion(args) -> int:
    """``compare --task emotion``: the emotion models' table and verdict, and their files."""
    from .data import display_path
    from .emotion import compare_emotion, emotion_features
    from .emotion_data import resolve_emotion_data
    from .errors import ParameterError
    from .outputs import claim_outputs

    genre_only = {
        "--split-file": args.split_file,
        "--save-models": args.save_models,
        "--tracks-per-genre": args.tracks_per_genre,
        f"--protocol {args.protocol}": args.protocol != "track",
    }
    given = [k for k, v in genre_only.items() if v]
    if given:
        raise ParameterError(
            f"{', '.join(given)} belong to the genre task; the emotion task "
            "always splits by song. Leave them out with --task emotion."
        )
    from .errors import check_choice
    from .models import BUILDERS

    models = [m.strip() for m in args.models.split(",") if m.strip()]
    for name in models or [""]:  # as for genres: wrong names fail before the MFCCs are computed
        check_choice("model", name, BUILDERS)
    out = claim_outputs(
        args.out_dir or RESULTS_DIR / "emotion",
        ["results.md", "results.csv", "settings.json", "va_plane.png"],
    )
    data = resolve_emotion_data(args.data)
    print(f"Data: {data.describe()}")
    feats = emotion_features(data, params=_feature_params(args), songs=args.songs)
    for name, reason in [*data.skipped[:20], *data.ignored, *feats.skipped]:  # a summary
        print(f"  left out {name}: {reason}")
    seeds = list(range(args.seeds)) if args.seeds else [args.seed]
    result = compare_emotion(
        feats,
        models,
        seeds=seeds,
        baseline=not args.no_baseline,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
    )
    result.write(out, command="python -m course " + " ".join(sys.argv[1:]), data=data.describe())
    print(f"\n{result.table()}\n\n{result.conclusion()}\n{feats.weighting()}")
    print(f"Wrote results.md, results.csv, settings.json and va_plane.png to {display_path(out)}")
    return 0


def cmd_predict(args) -> int:
    """``predict``: each file's top genres, song-level, with how many segments agree; 1 if
    any file could not be classified.

    Args:
        args: the parsed command line: ``files`` (files or folders), ``model`` (a saved model
            or a folder of them), ``top`` (genres per file), and ``plot`` with ``out_dir`` for
            the figures (None: the results folder's predict/).
    """
    from .predict import audio_files, classify_files, load_classifier

    files = audio_files(args.files)
    failed = classify_files(
        lambda: load_classifier(args.model),
        files,
        top=args.top,
        figures_dir=(args.out_dir or RESULTS_DIR / "predict") if args.plot else None,
    )
    if failed:
        print(
            f"{failed} of {len(files)} file(s) could not be classified (see above).",
            file=sys.stderr,
        )
    return 1 if failed else 0


def cmd_exercises(args) -> int:
    """``exercises``: copies with or without the hidden solutions, or an nbgrader course.

    Args:
        args: the parsed command line: which copies (``nbgrader``, ``with_solutions``, else
            without solutions), ``out_dir`` to write them to, and ``force``.
    """
    from .grading import write_exercises

    kind = "nbgrader" if args.nbgrader else "with" if args.with_solutions else "without"
    print(write_exercises(args.out_dir, kind, force=args.force))
    return 0


def cmd_slides(args) -> int:
    """``slides``: reveal.js decks with their scripts and maths beside them.

    Args:
        args: the parsed command line: ``notebooks`` (none: every course notebook),
            ``out_dir`` (None: build/slides in the project root) and ``without_solutions``.
    """
    from .data import display_path
    from .publish import course_notebooks, export_slides
    from .settings import PROJECT_ROOT

    decks = export_slides(
        args.notebooks or course_notebooks(),
        args.out_dir or PROJECT_ROOT / "build" / "slides",
        solutions=not args.without_solutions,
    )
    for deck in decks:
        print(f"Wrote {display_path(deck)}")
    print("Open a deck in a browser (no internet needed); press S for the speaker view.")
    return 0


def cmd_site(args) -> int:
    """``site``: the static site, ``index.html`` first.

    Args:
        args: the parsed command line: ``out_dir`` (None: build/site in the project root) and
            ``without_solutions``.
    """
    from .data import display_path
    from .publish import build_site
    from .settings import PROJECT_ROOT

    index = build_site(
        args.out_dir or PROJECT_ROOT / "build" / "site", solutions=not args.without_solutions
    )
    print(
        f"Wrote the site; open {display_path(index)} in a browser (no internet needed), or "
        "publish the folder as it is"
        + (
            "."
            if args.without_solutions
            else " (it shows the solutions behind a click; --without-solutions leaves them out)."
        )
    )
    return 0


def cmd_guide(args) -> int:
    """``guide``: the instructor's answer key (docs/INSTRUCTORS.md links it).

    Args:
        args: the parsed command line: ``out`` (None: docs/ANSWER_KEY.md in the project root).
    """
    from .guide import write_answer_key
    from .settings import PROJECT_ROOT

    print(write_answer_key(args.out or PROJECT_ROOT / "docs" / "ANSWER_KEY.md"))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for a user's mistake). Figures are
    drawn off screen (Matplotlib's Agg) unless ``$MPLBACKEND`` says otherwise: the command line
    only writes them to files. The library itself never switches Matplotlib's backend.

    Args:
        argv: the arguments after the program's name; None reads them from ``sys.argv``.
    """
    import os

    os.environ.setdefault("MPLBACKEND", "Agg")
    args = parser().parse_args(argv)
    if args.command in ("compare", "predict"):  # the commands that draw figures
        from .plots import use_course_style

        use_course_style()
    try:
        return args.func(args)
    except CourseError as exc:
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
