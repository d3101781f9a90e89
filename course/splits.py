"""Train, validation and test splits: the notes' segment split, splits by track (or by any
group, such as an artist), published split lists, and the count of leaked segments.

A segment split puts segments of one track on both sides, so a model is tested on songs it has
heard; :meth:`Split.leaked_test_segments` counts how often. A group split never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import (
    DatasetError,
    ParameterError,
    PathNotFoundError,
    check_choice,
    check_fraction,
    check_same_length,
)
from .settings import TrainParams


@dataclass(frozen=True, kw_only=True)
class Split:
    """Indices of the training, validation and test rows of a :class:`Features`."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray

    def leaked_test_segments(self, track: np.ndarray) -> int:
        """Test segments whose track also has a segment in training.

        Args:
            track: ``(n_segments,)`` the track each segment comes from, indexed as the split's
                rows.
        """
        train_tracks = set(np.asarray(track)[self.train].tolist())
        return int(sum(t in train_tracks for t in np.asarray(track)[self.test].tolist()))


#: The split protocols: ``track`` (no track on two sides, the course's default), ``notes``
#: (segments at random, as the notes did) and ``published`` (the split that ships with the
#: dataset, such as FMA's artist-filtered one; see :func:`published_split`).
PROTOCOLS = ("track", "notes", "published")


def split_segments(
    labels: np.ndarray,
    seed: int = 0,
    test_size: float = TrainParams.test_size,
    validation_size: float = TrainParams.validation_size,
) -> Split:
    """The notes' split: segments at random, test 25 %, then validation 20 % of the rest.

    Segments of one track land on both sides; :meth:`Split.leaked_test_segments` counts how
    often. Reproduced as the notes did it (no stratification).

    Args:
        labels: ``(n_segments,)`` labels (only the count is used).
        seed: the random seed.
        test_size: the fraction of all segments held out for testing (the notes' 0.25).
        validation_size: the fraction of the remaining segments held out for validation (the
            notes' 0.2).

    Returns:
        A :class:`Split` of segment indices.
    """
    from sklearn.model_selection import train_test_split

    check_fraction(test_size=test_size, validation_size=validation_size)
    idx = np.arange(len(labels))
    rest, test = train_test_split(idx, test_size=test_size, random_state=seed)
    train, val = train_test_split(rest, test_size=validation_size, random_state=seed)
    return Split(train=np.sort(train), validation=np.sort(val), test=np.sort(test))


def split_tracks(
    track: np.ndarray,
    labels: np.ndarray,
    seed: int = 0,
    test_size: float = TrainParams.test_size,
    validation_size: float = TrainParams.validation_size,
    groups: np.ndarray | None = None,
) -> Split:
    """A split by track (or by any group): all segments of a group land on the same side.

    scikit-learn's ``StratifiedGroupKFold`` cuts the groups into ``round(1 / test_size)``
    folds with each genre's share as even as the groups allow, and the first fold is the test
    set; the rest is cut again into ``round(1 / validation_size)`` folds, the first of which
    validates. With the notes' sizes (0.25 and 0.2) that is 4 folds, then 5: a quarter of the
    tracks for testing, a fifth of the rest for validation.

    Args:
        track: ``(n_segments,)`` the track each segment comes from.
        labels: ``(n_segments,)`` genre labels.
        seed: the random seed.
        test_size: the fraction of the groups held out for testing, rounded to ``1 / k``.
        validation_size: the fraction of the remaining groups held out for validation, rounded
            to ``1 / k``.
        groups: ``(n_segments,)`` a group per segment that must stay on one side, for example
            the artist, so no artist is both trained and tested on; default: the track.

    Returns:
        A :class:`Split` of segment indices with no group (and so no track) on two sides.

    Raises:
        ParameterError: a fraction outside (0, 1), arrays of different lengths, or fewer
            groups than folds.

    Notebook: 04_neural_network_basics.ipynb, 05_overfitting.ipynb, 07_cnn_on_mfcc.ipynb,
        09_lstm_gru.ipynb
    """
    from sklearn.model_selection import StratifiedGroupKFold

    check_fraction(test_size=test_size, validation_size=validation_size)
    track, labels = np.asarray(track), np.asarray(labels)
    groups = track if groups is None else np.asarray(groups)
    check_same_length(track=track, labels=labels, groups=groups)

    def first_fold(index, size, what):
        folds = max(2, round(1 / size))
        n_groups = len(np.unique(groups[index]))
        if n_groups < folds:
            raise ParameterError(
                f"Splitting off {what} ({size:g}) needs at least {folds} tracks "
                f"or groups, but there are {n_groups}: use more tracks."
            )
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        keep, out = next(splitter.split(index, labels[index], groups=groups[index]))
        return index[keep], index[out]

    rest, test = first_fold(np.arange(len(track)), test_size, "the test set")
    train, validation = first_fold(rest, validation_size, "the validation set")
    return Split(train=np.sort(train), validation=np.sort(validation), test=np.sort(test))


SPLIT_SIDES = ("train", "validation", "test")

_SIDE_FILES = {"train": "train", "validation": "valid", "test": "test"}


def _track_key(name: str) -> str:
    """``genre/stem`` in lower case, so ``blues/blues.00012.au`` matches ``blues.00012.wav``."""
    parts = Path(name).parts
    return f"{parts[0]}/{Path(name).stem}".lower() if len(parts) > 1 else Path(name).stem.lower()


def read_split_lists(path: str | Path) -> dict[str, list[str]]:
    """Read a published train/validation/test split.

    Two forms are accepted:

    - a folder holding three lists, one track per line, named ``train*.txt``, ``valid*.txt``
      and ``test*.txt`` (as the GTZAN fault-filtered split in ``data/splits/`` is);
    - one text file whose lines are ``<side> <track>``, with side ``train``, ``validation``
      or ``test``.

    Tracks are paths like ``blues/blues.00012.wav``; blank lines and ``#`` comments are ignored.

    Args:
        path: the folder of three lists, or the one file of ``<side> <track>`` lines.

    Returns:
        ``{"train": [...], "validation": [...], "test": [...]}``.

    Raises:
        PathNotFoundError: no such file or folder.
        DatasetError: the lists are malformed, or a track is listed on two sides.

    Notebook: 10_genre_comparison.ipynb
    """
    path = Path(path)
    if not path.exists():
        raise PathNotFoundError(
            f"No split file or folder at {path}; give a folder with train*.txt, "
            "valid*.txt and test*.txt, or a file of '<side> <track>' lines."
        )

    def lines(f: Path) -> list[str]:
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise DatasetError(
                f"{f} is not UTF-8 text; save the split list as UTF-8 (plain "
                "text, one track per line)."
            ) from None
        kept = (line.split("#", 1)[0].strip() for line in text.splitlines())
        return [line for line in kept if line]

    lists: dict[str, list[str]] = {side: [] for side in SPLIT_SIDES}
    if path.is_dir():
        for side, prefix in _SIDE_FILES.items():
            found = sorted(path.glob(f"{prefix}*.txt"))
            if len(found) != 1:
                raise DatasetError(
                    f"{path} needs exactly one {prefix}*.txt list, found {len(found)}."
                )
            lists[side] = lines(found[0])
    else:
        for number, line in enumerate(lines(path), 1):
            side, _, name = line.partition(" ")
            side = {"valid": "validation", "val": "validation"}.get(side, side)
            if side not in lists or not name.strip():
                raise DatasetError(
                    f"{path}, line {number}: expected '<side> <track>' with side "
                    f"train, validation or test, got {line!r}."
                )
            lists[side].append(name.strip())
    seen: dict[str, str] = {}
    for side, names in lists.items():
        for name in names:
            key = _track_key(name)
            if key in seen and seen[key] != side:
                raise DatasetError(f"{path}: {name} is listed in both {seen[key]} and {side}.")
            seen[key] = side
    if not all(lists.values()):
        empty = [side for side, names in lists.items() if not names]
        raise DatasetError(f"{path}: the {', '.join(empty)} list(s) are empty.")
    return lists


def split_from_lists(track: np.ndarray, lists: dict[str, list[str]]) -> tuple[Split, dict]:
    """The :class:`Split` that published lists define for these features' segments.

    A listed track that is not among the features (its file is missing, or was skipped as
    unreadable) is reported, not an error; a track of the data that no list names is left out
    and counted.

    Args:
        track: ``(n_segments,)`` each segment's track, relative to the dataset root.
        lists: from :func:`read_split_lists`.

    Returns:
        ``(split, report)`` with report ``{"missing": [listed tracks not found], "unlisted":
        number of tracks in the data but in no list}``.
    """
    track = np.asarray(track)
    side_of = {_track_key(n): i for i, side in enumerate(SPLIT_SIDES) for n in lists[side]}
    keys = np.array([_track_key(t) for t in track])
    where = np.array([side_of.get(k, -1) for k in keys])
    present = set(keys.tolist())
    missing = [n for side in SPLIT_SIDES for n in lists[side] if _track_key(n) not in present]
    unlisted = len(set(keys[where == -1].tolist()))
    split = Split(**{side: np.flatnonzero(where == i) for i, side in enumerate(SPLIT_SIDES)})
    if not all(len(idx) for idx in (split.train, split.validation, split.test)):
        raise DatasetError(
            "The split lists leave the training, validation or test side empty for "
            "this data; do they name this dataset's tracks?"
        )
    return split, {"missing": missing, "unlisted": unlisted}


def published_split(published: np.ndarray) -> Split:
    """The split that ships with a dataset: each segment's side as the dataset's own metadata
    gives it (FMA: ``('set', 'split')`` in ``tracks.csv``, artist-filtered, so no artist is on
    two sides). The same for every seed.

    Args:
        published: ``(n_segments,)`` each segment's side, "train", "validation" or "test"
            ("" for a segment of a track the dataset's split does not place), as
            :attr:`course.features.Features.published` holds it.

    Returns:
        A :class:`Split` of segment indices; unplaced segments are left out.

    Raises:
        DatasetError: the dataset ships no split (GTZAN, the synthetic sample), or it leaves a
            side empty.
    """
    published = np.asarray(published).astype(str)
    if not np.any(published != ""):
        raise DatasetError(
            "This dataset ships no split of its own (FMA does; GTZAN does not). "
            "Use --protocol track, or published lists for GTZAN with "
            "--split-file data/splits/gtzan_fault_filtered."
        )
    split = Split(**{side: np.flatnonzero(published == side) for side in SPLIT_SIDES})
    empty = [
        side
        for side, idx in zip(SPLIT_SIDES, (split.train, split.validation, split.test))
        if not len(idx)
    ]
    if empty:
        raise DatasetError(
            f"The dataset's own split leaves the {', '.join(empty)} side(s) empty "
            "for the tracks used (fewer tracks per genre?); use --protocol track."
        )
    return split


def make_split(
    track: np.ndarray,
    labels: np.ndarray,
    protocol: str = "track",
    seed: int = 0,
    published: np.ndarray | None = None,
) -> Split:
    """The split a protocol uses: ``track`` (no track on two sides), ``notes`` (segments at
    random, as the notes did) or ``published`` (the dataset's own split).

    Args:
        track: ``(n_segments,)`` each segment's track.
        labels: ``(n_segments,)`` genre labels.
        protocol: one of :data:`PROTOCOLS`.
        seed: the random seed (not used by ``published``).
        published: ``(n_segments,)`` each segment's shipped side, for ``published``.

    Returns:
        A :class:`Split` of segment indices.
    """
    check_choice("protocol", protocol, PROTOCOLS)
    if protocol == "notes":
        return split_segments(labels, seed=seed)
    if protocol == "published":
        return published_split(np.full(len(track), "") if published is None else published)
    return split_tracks(track, labels, seed=seed)
