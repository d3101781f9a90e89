"""The reference answers the checkers of :mod:`course.exercises` compare a learner's answer with.

They live here, outside the checker methods, so that ``check.<exercise>??`` in a notebook shows
how an answer is checked and not the answer itself. They are not secret: anyone who opens the
package's source finds them, as they find the hidden solutions in the notebooks. Where the
course teaches the computation (``dsp``, ``backprop``, ``evaluation``, ``emotion``) the reference
is the course's own code, itself tested against librosa, Keras or scikit-learn.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .checking import Either, clip_item, named_items, row_indices, show_value, stopped_reason
from .settings import GENRES as GTZAN_GENRES


def frequencies_heard_as(heard, sr, highest):
    """Every k sr - heard and k sr + heard (whole k >= 0) up to ``highest`` Hz, increasing."""
    found = {
        round(abs(k * sr + sign * heard), 6)
        for k in range(int(highest // sr) + 2)
        for sign in (-1, 1)
    }
    return np.array(sorted(f for f in found if f <= highest), dtype=float)


def nearest_bin(f, sr, n):  # half-way between two bins, either is right
    x = f * n / sr
    low = int(np.floor(x))
    if abs(x - low - 0.5) < 1e-9:
        return Either((low, low + 1))
    return low if x - low < 0.5 else low + 1


def sample_range(frames, hop):
    return np.array([(frames - 1) * hop, frames * hop - 1])


def periodic_window(symmetric, n):  # the symmetric window one sample longer, its last cut off
    return np.asarray(symmetric(n + 1), float)[:n]


def mel_to_hz_htk(m):
    from .dsp import mel_to_hz

    return mel_to_hz(m, htk=True)


def mfcc_frames(seconds, sr, hop):
    return 1 + int(round(seconds * sr)) // hop


def softmax(z):
    from .backprop import softmax as course_softmax

    return course_softmax(np.asarray(z, dtype=float))


def cross_entropy(probs, labels):
    """Keras's clip to [1e-7, 1 - 1e-7], the course's [1e-7, 1], or 1e-7 added: all right."""
    from .backprop import cross_entropy as course_cross_entropy

    picked = np.asarray(probs, float)[np.arange(len(labels)), labels]
    return Either(
        (
            course_cross_entropy(probs, labels),
            float(-np.mean(np.log(np.clip(picked, 1e-7, 1 - 1e-7)))),
            float(-np.mean(np.log(picked + 1e-7))),
        )
    )


def steps_to_halve(lam, learning_rate):
    """Counted, and by the closed form (rounding at the boundary can part them by one)."""
    factor, left, steps = 1 - 2 * learning_rate * lam, 1.0, 0
    while left > 0.5:
        left, steps = left * factor, steps + 1
    return Either({steps, int(np.ceil(np.log(0.5) / np.log(factor)))})


def dropout_rate(scale):
    return 1 - 1 / scale


def same_padding(n, kernel, stride):
    from .scratch import same_padding as course_same_padding  # tested against Keras

    return np.array(course_same_padding(n, kernel, stride))


def conv_stack_parameters(kh, kw, channels_in, filters):
    total = 0
    for f in filters:
        total, channels_in = total + (kh * kw * channels_in + 1) * f, f
    return total


def cnn_input_shape(seconds, sr, hop, n_mfcc):
    return np.array([mfcc_frames(seconds, sr, hop), n_mfcc, 1])


def channels_first(x):
    return x[:, np.newaxis]


def rnn_step_pytorch(x_t, h, weight_ih, weight_hh, bias_ih, bias_hh):
    return np.tanh(x_t @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh)


def rnn_parameters(features, units):
    return units * (features + units + 1)


def cell_after(c, forget, input_gate, candidate, steps):
    """The cell state after ``steps`` steps with the same gates and candidate at every step."""
    for _ in range(steps):
        c = forget * c + input_gate * candidate
    return c


def lstm_parameters(features, units):
    return 4 * units * (features + units + 1)


def holm(p_values):
    from .evaluation import holm as course_holm

    return course_holm(p_values)


def vote_decision(probabilities):
    """The genre most segments pick; among genres with as many votes, the one with the largest
    mean probability (where those tie too, any of them)."""
    p = np.asarray(probabilities, float)
    votes = np.bincount(p.argmax(axis=1), minlength=p.shape[1])
    tied = np.flatnonzero(votes == votes.max())
    means = p.mean(axis=0)[tied]
    return Either(int(i) for i in tied[means >= means.max() - 1e-12])


def bias_factor(truth, predicted):
    """Lin's bias correction factor C_b = 2 s_y s_p / (s_y^2 + s_p^2 + (mean_y - mean_p)^2),
    1/n moments: the CCC is Pearson's r times C_b."""
    y, p = np.asarray(truth, float), np.asarray(predicted, float)
    return 2 * y.std() * p.std() / (y.var() + p.var() + (y.mean() - p.mean()) ** 2)


def baseline_r2(truth, train_mean):
    """R^2 on the test songs ``truth`` of predicting the training songs' mean for every song."""
    from .emotion import r2 as course_r2

    return course_r2(truth, np.full(len(truth), float(train_mean)))


#: The references of the checkers that compare with one, by checker name (for the tests).
REFERENCES = {
    f.__name__: f
    for f in (
        frequencies_heard_as,
        nearest_bin,
        sample_range,
        periodic_window,
        mel_to_hz_htk,
        mfcc_frames,
        softmax,
        cross_entropy,
        steps_to_halve,
        dropout_rate,
        same_padding,
        conv_stack_parameters,
        cnn_input_shape,
        channels_first,
        rnn_step_pytorch,
        rnn_parameters,
        cell_after,
        lstm_parameters,
        holm,
        vote_decision,
        bias_factor,
        baseline_r2,
    )
}


# The three exercises whose right answers take many forms are judged, not compared: what
# follows draws their cases and says what is wrong with an answer ('' when nothing is).

#: GTZAN's ten genres, then names a learner's own dataset might hold.
GENRES = GTZAN_GENRES + (
    "ambient",
    "folk",
    "funk",
    "gospel",
    "house",
    "punk",
    "soul",
    "techno",
    "opera",
    "electronic",
    "instrumental",
    "old-time",
    "spoken",
)


def pick(r: np.random.Generator, values):
    return values[int(r.integers(len(values)))]


class FolderName(str):
    """A folder name as a listing gives it. Its hash changes from listing to listing, as str's
    does from one Python process to the next (PYTHONHASHSEED), so that a numbering in a set's
    order, which differs between machines, shows within one check."""

    def __new__(cls, text, salt: int = 0):
        obj = super().__new__(cls, text)
        obj.salt = salt
        return obj

    def __hash__(self):
        return hash((getattr(self, "salt", 0), str(self)))


def label_rounds(r: np.random.Generator) -> list[list[list[FolderName]]]:
    """Sets of genre folders of several sizes, each listed in five orders."""
    rounds = []
    for size in (1, 2, int(r.integers(3, 6)), 10, int(r.integers(4, 10))):  # ten: tied lengths
        names = [str(g) for g in r.choice(GENRES, size, replace=False)]
        orders = [sorted(names), sorted(names, reverse=True)]
        orders += [[str(g) for g in r.permutation(names)] for _ in range(3)]
        rounds.append(
            [[FolderName(g, int(r.integers(1 << 30))) for g in order] for order in orders]
        )
    return rounds


def labels_problem(outcome: str, got, listed: list, shown: str, first) -> tuple[str, tuple]:
    """What is wrong with one answer of label_mapping ('' if nothing), and ``first``: the first
    listing of these folders with its labels, which every other listing must match."""
    where = f"for the folders {shown}"
    problem = stopped_reason(outcome, got, where)
    if problem:
        return problem, first
    try:
        mapping = dict(got)
    except Exception:  # noqa: BLE001 -- whatever the answer returned
        return f"{where} it returned {show_value(got)}: give a dict {{genre: label}}.", first
    if any(not isinstance(k, str) for k in mapping) or sorted(map(str, mapping)) != sorted(listed):
        if mapping and all(isinstance(v, str) for v in mapping.values()):
            return (
                f"{where} it gave {{label: genre}}; the exercise asks for {{genre: label}}.",
                first,
            )
        return (
            f"{where} your keys are {show_value(list(mapping))}: give one key per folder name.",
            first,
        )
    values = list(mapping.values())
    if any(isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) for v in values):
        return (
            f"{where} your labels are {show_value(values)}: labels are whole numbers (ints).",
            first,
        )
    if sorted(int(v) for v in values) != list(range(len(listed))):
        return (
            f"{where} your labels are {show_value(values)}: give the labels 0 to n - 1, one per "
            "genre, as Keras's sparse losses expect them.",
            first,
        )
    labels = {str(k): int(v) for k, v in mapping.items()}
    if first is None:
        return "", (shown, labels)
    moved = [g for g in labels if labels[g] != first[1][g]]
    if moved:
        g = moved[0]
        return (
            f"listed as {first[0]} and as {shown}, your labels differ ({g} is {first[1][g]} "
            f"in one, {labels[g]} in the other): they change with the listing order, so a "
            "model trained on one machine reads another's labels wrong. Hint: make the "
            "numbering independent of the order.",
            first,
        )
    return "", first


def clip_rounds(r: np.random.Generator) -> list[tuple[int, int]]:
    """``(readable, unreadable)`` file counts: two mixes, all readable, none readable."""
    good, bad = r.integers([1, 2, 1], [4, 5, 4]), r.integers([1, 1, 2], [4, 3, 4])
    return [
        (int(good[0]), int(bad[0])),
        (int(good[1]), int(bad[1])),
        (int(good[2]), 0),
        (0, int(bad[2])),
    ]


def write_clip_round(folder, r: np.random.Generator, n_good: int, n_bad: int):
    """Readable WAV files of random sound and unreadable files of random kinds, with random
    names, in random order. Returns ``(paths, {name: audio}, {unreadable names})``."""
    import soundfile as sf

    from .audio import load_audio
    from .errors import AudioError

    stems = set()
    while len(stems) < n_good + n_bad:
        stems.add(f"{pick(r, GENRES[:10])}.{int(r.integers(100_000)):05d}")
    paths, good, bad = [], {}, set()
    for i, stem in enumerate(r.permutation(sorted(stems))):
        if i < n_good:
            n = int(r.integers(1000, 5000))
            y = (
                0.1
                + r.uniform(0.1, 0.6)
                * np.sin(2 * np.pi * r.uniform(50, 4000) * np.arange(n) / 22050)
                + r.normal(0, 0.05, n)
            )
            path = folder / f"{stem}.wav"
            sf.write(path, np.clip(y, -1, 1), 22050, subtype="PCM_16")
            good[path.name] = load_audio(path).astype(float)
        else:
            path = folder / f"{stem}{pick(r, ['.wav', '.wav', '.flac', '.ogg'])}"
            kinds = [b"", b"RIFF" + r.bytes(40), r.bytes(int(r.integers(1, 300))), b"not audio\n"]
            for content in [pick(r, kinds), *kinds]:  # unreadable by the course and soundfile
                path.write_bytes(content)
                try:
                    load_audio(path)
                    continue
                except AudioError:
                    pass
                try:
                    sf.info(path)
                except Exception:  # noqa: BLE001 -- soundfile's errors vary by version
                    break
            bad.add(path.name)
        paths.append(path)
    while True:  # an unreadable file before a readable one, where there are both
        order = [paths[i] for i in r.permutation(len(paths))]
        kinds = [p.name in bad for p in order]
        if not (good and bad) or kinds.index(True) < len(kinds) - 1 - kinds[::-1].index(False):
            return order, good, bad


def clips_problem(outcome: str, got, good: dict, bad: set) -> str:
    """What is wrong with one answer of readable_clips."""
    problem = stopped_reason(outcome, got, "")
    if outcome == "raised":
        return (
            f"it stopped with {show_value(got)}. Hint: catch the error of one file "
            "(course.errors.AudioError), note the file, and go on."
        )
    if problem:
        return problem
    try:
        clips, skipped = got
    except Exception:  # noqa: BLE001
        return f"it returned {show_value(got)}: give two things, (clips, skipped)."
    names, unmatched = set(good) | bad, dict(good)
    try:
        items = list(clips.items()) if isinstance(clips, Mapping) else [(None, c) for c in clips]
        for key, item in items:
            key, audio = clip_item(key, item)
            if audio is None:
                return (
                    f"a clip is {show_value(item)}, not a file's audio: keep each readable file's "
                    "samples."
                )
            mentioned = named_items(key, names) if key is not None else set()
            if mentioned & bad:
                return (
                    f"your clips hold something for {sorted(mentioned & bad)[0]}, which cannot "
                    "be read."
                )
            pool = (mentioned & set(unmatched)) or set(unmatched)
            match = [
                n
                for n in sorted(pool)
                if len(unmatched[n]) == len(audio)
                and np.allclose(unmatched[n], audio, rtol=0, atol=1e-4)
            ]
            if not match:
                return (
                    f"a clip of {len(audio)} samples is not the audio of a readable file as "
                    "load_audio reads it (floats in [-1, 1]), or it is in twice."
                )
            del unmatched[match[0]]
        if unmatched:
            return f"{sorted(unmatched)[0]} is readable, but its audio is not among your clips."
        listed = (
            []
            if skipped is None
            else (list(skipped.items()) if isinstance(skipped, Mapping) else list(skipped))
        )
        named = []
        for item in listed:
            found = named_items(item, names)
            if len(found) != 1:
                return (
                    f"skipped holds {show_value(item)}, which names "
                    f"{'more than one' if found else 'none'} of the files: name each file "
                    "that could not be read."
                )
            named += found
    except Exception as exc:  # noqa: BLE001 -- clips or skipped of a kind the checker cannot read
        return f"the checker cannot read your clips and skipped ({type(exc).__name__}: {exc})."
    for n in named:
        if n in good:
            return f"skipped names {n}, which is readable."
        if named.count(n) > 1:
            return f"skipped names {n} twice."
    if bad - set(named):
        return f"{sorted(bad - set(named))[0]} cannot be read, but skipped does not name it."
    return ""


def _tracks(r, counts, strings=False, shuffled=False) -> np.ndarray:
    ids = r.choice(100_000, len(counts), replace=False)
    if strings:
        genres = r.choice(GENRES[:10], len(ids))
        ids = np.array([f"{g}/{g}.{i:05d}.wav" for g, i in zip(genres, ids)])
    tracks = np.repeat(ids, counts)
    return r.permutation(tracks) if shuffled else tracks


def _share(r, n: int) -> float:
    while True:
        share = round(float(r.uniform(0.1, 0.4)), 2)
        if 1.5 <= share * n <= n - 1.5:
            return share


def split_rounds(r: np.random.Generator) -> list[tuple[np.ndarray, float, list[int]]]:
    """``(tracks, test_share, seeds)``: many uneven tracks over four seeds (two the same), one
    row per track, names in shuffled rows, one long track among short ones, five tracks."""
    seeds = [int(s) for s in r.choice(1_000_000, 3, replace=False)]
    n = int(r.integers(20, 41))
    rounds = [(_tracks(r, r.integers(1, 13, n)), _share(r, n), [seeds[0], *seeds])]
    long_one = np.r_[int(r.integers(30, 61)), r.integers(1, 4, int(r.integers(5, 12)))]
    for counts, strings, shuffled in (
        (np.ones(int(r.integers(10, 31)), int), False, False),
        (r.integers(1, 11, int(r.integers(8, 26))), True, True),
        (long_one, False, True),
        (r.integers(1, 6, 5), True, False),
    ):
        rounds.append(
            (
                _tracks(r, counts, strings, shuffled),
                _share(r, len(counts)),
                [int(r.integers(1_000_000))],
            )
        )
    return rounds


def split_problem(outcomes: list, tracks: np.ndarray, share: float, seeds: list[int]) -> str:
    """What is wrong with track_split's answers for one set of tracks and its seeds."""
    tests, n_tracks = [], len(np.unique(tracks))
    for (outcome, got), seed in zip(outcomes, seeds):
        problem = stopped_reason(outcome, got, f"with seed {seed}")
        if problem:
            return problem
        try:
            train, test = got
        except Exception:  # noqa: BLE001
            return (
                f"with seed {seed} it returned {show_value(got)}: give two things, (train_rows, "
                "test_rows)."
            )
        sides = []
        for side, label in ((train, "train"), (test, "test")):
            rows, problem = row_indices(side, len(tracks))
            if rows is None:
                return (
                    f"your {label} side is {problem}: give row indices (integers) or a boolean "
                    "mask over the rows."
                )
            sides.append(rows)
        train, test = sides
        for rows, label in ((train, "train"), (test, "test")):
            if len(np.unique(rows)) < len(rows):
                return (
                    f"a row is in {label} twice: every row must be in exactly one of train "
                    "and test."
                )
        if np.intersect1d(train, test).size or len(train) + len(test) != len(tracks):
            return "every row must be in exactly one of train and test."
        both = np.intersect1d(tracks[train], tracks[test])
        if both.size:
            return (
                f"{both.size} tracks (such as {show_value(both[0])}) have rows on both sides: "
                "their "
                "segments leak. Hint: choose test tracks, then take all of their rows."
            )
        k = len(np.unique(tracks[test]))
        if abs(k - share * n_tracks) > 1:
            return (
                f"with seed {seed}, {k} of the {n_tracks} tracks are in test: not about "
                f"{share:.0%} of them. Hint: test_share is a share of the tracks, not of the "
                "rows."
            )
        tests.append(frozenset(test.tolist()))
    if len(tests) > 1 and tests[0] != tests[1]:
        return (
            f"two calls with seed {seeds[0]} gave different splits: draw from a generator "
            "made from the seed, so that a split can be repeated."
        )
    if len(set(seeds)) > 2 and len(set(tests)) == 1:
        return (
            f"seeds {', '.join(map(str, seeds[1:]))} all gave the same test rows: let the "
            "seed choose them."
        )
    return ""


def ratings(r) -> list:
    """1-9 ratings: perfect, shifted, shrunk, reversed, constant, unrelated, noisy, two songs."""
    y = np.round(r.uniform(1, 9, int(r.integers(5, 30))), 1)
    noisy = np.round(y + r.normal(0, 1, len(y)), 1)
    cases = [
        (y, y.copy()),
        (y, y + round(float(r.uniform(0.5, 2)), 1)),
        (y, 5 + (y - 5) / 3),
        (y, y[::-1].copy()),
        (y, np.full_like(y, float(round(y.mean())) + 1.0)),
        (y, np.round(r.uniform(1, 9, len(y)), 1)),
        (y, noisy),
    ]
    two = np.round(r.uniform(1, 9, 2), 1)
    return cases + [(two, np.round(r.uniform(1, 9, 2), 1))] if two[0] != two[1] else cases
