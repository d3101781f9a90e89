"""FMA, the Free Music Archive dataset, read exactly as its archives unpack.

FMA (Defferrard, Benzi, Vandergheynst and Bresson, "FMA: A Dataset for Music Analysis", ISMIR
2017; https://github.com/mdeff/fma) ships its metadata in ``fma_metadata.zip`` and its audio in
one archive per subset:

- ``fma_metadata/tracks.csv`` has one row per track (all 106,574 of them) under two header rows
  (the column group: ``album``, ``artist``, ``set``, ``track``; then the field) and a third row
  naming the index (``track_id``). Text fields are quoted and hold commas, quotes, newlines and
  HTML. The course reads four columns, found by their two names and never by position:
  ``('track', 'genre_top')`` (the label; empty for a track without a single top genre),
  ``('set', 'split')`` (``training``, ``validation`` or ``test``, artist-filtered),
  ``('set', 'subset')`` (``small``, ``medium`` or ``large``) and ``('artist', 'id')``.
- ``fma_small/NNN/NNNNNN.mp3`` (likewise ``fma_medium``, ``fma_large``, ``fma_full``): MP3s
  named by six-digit track id in a folder named by its first three digits, with ``README.txt``
  and ``checksums`` beside the folders. The subsets nest: ``fma_medium`` holds the tracks whose
  subset is small or medium, ``fma_large`` and ``fma_full`` all of them.

:func:`find_fma` recognises that layout and :func:`list_fma` pairs the audio with
``tracks.csv``, reporting everything it leaves out with the reason; :mod:`course.data` turns
the result into labelled tracks. The metadata is read with the standard library's ``csv``
module, one pass and four columns kept, so the real ``tracks.csv`` takes a few seconds.
"""

from __future__ import annotations

import csv
import functools
import operator
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from .errors import DatasetError
from .settings import AUDIO_EXTENSIONS

#: FMA's audio folders, as their archives unpack, and the subset each is named after.
AUDIO_FOLDERS = {
    "fma_small": "small",
    "fma_medium": "medium",
    "fma_large": "large",
    "fma_full": "full",
}
#: The values of ``('set', 'subset')`` each folder holds: the subsets nest.
SUBSET_MEMBERS = {
    "small": ("small",),
    "medium": ("small", "medium"),
    "large": ("small", "medium", "large"),
    "full": ("small", "medium", "large"),
}
#: Where ``tracks.csv`` lies, relative to the folder that holds the audio folder.
METADATA = Path("fma_metadata") / "tracks.csv"
#: ``('set', 'split')`` as the course names the sides of a split.
SIDES = {"training": "train", "validation": "validation", "test": "test"}
#: The columns read, as ``(group, field)``: the label, the split side, the subset, the artist.
COLUMNS = (("track", "genre_top"), ("set", "split"), ("set", "subset"), ("artist", "id"))

_TRACK_FILE = re.compile(r"(\d{3})/(\d{6})\.mp3", re.IGNORECASE)
_TRACK_NAME = re.compile(r"\d{6}\.mp3", re.IGNORECASE)


class FmaRow(NamedTuple):
    """What the course reads of one row of ``tracks.csv``: ``genre`` (``genre_top``, "" if
    none), ``split`` ("train", "validation", "test", or "" if none), ``subset`` and ``artist``
    (the artist id, as text)."""

    genre: str
    split: str
    subset: str
    artist: str


class FmaTrack(NamedTuple):
    """One usable FMA track: its id, its file relative to the audio folder
    (``000/000002.mp3``), its ``genre_top`` and that genre's label, its split side ("train",
    "validation", "test" or "") and its artist id."""

    track_id: int
    relpath: str
    genre: str
    label: int
    split: str
    artist: str


@dataclass(frozen=True)
class FmaLayout:
    """An FMA copy as found: the audio folder (``fma_small`` ...), ``tracks.csv`` and the
    subset ("small", "medium", "large" or "full")."""

    audio: Path
    tracks_csv: Path
    subset: str


def audio_relpath(track_id: int) -> str:
    """Where FMA keeps a track, relative to its audio folder: ``2`` -> ``"000/000002.mp3"``.

    Args:
        track_id: FMA's track number.
    """
    name = f"{int(track_id):06d}"
    return f"{name[:3]}/{name}.mp3"


def read_tracks_csv(path: str | Path) -> Mapping[int, FmaRow]:
    """The columns of FMA's ``tracks.csv`` the course uses, for every track listed.

    The file is read with the ``csv`` module (pandas is not needed): the two header rows name
    each column as ``(group, field)``, so the columns are found by name wherever they are. The
    result is kept for the process while the file's size and modification time stay the same
    (the real file takes a few seconds to read).

    Args:
        path: ``fma_metadata/tracks.csv``.

    Returns:
        ``{track_id: FmaRow(genre, split, subset, artist)}`` for every row, read-only.

    Raises:
        DatasetError: the file is unreadable, lacks FMA's header rows or one of the
            :data:`COLUMNS`, or has a row cut short or without an integer track id.
    """
    path = Path(path).resolve()
    try:
        st = path.stat()
    except OSError as exc:
        raise DatasetError(
            f"{path} is not readable ({exc}); unzip fma_metadata.zip again."
        ) from exc
    return _read_tracks_csv(path, st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _read_tracks_csv(path: Path, size: int, mtime_ns: int) -> Mapping[int, FmaRow]:
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, 1 << 26))  # artist biographies can be long
    found: dict[int, FmaRow] = {}
    text: dict[str, str] = {}  # one copy of each genre, subset and artist id
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = csv.reader(f)
            at = _column_positions(path, next(rows, []), next(rows, []), next(rows, []))
            pick, width = operator.itemgetter(0, *at), max(at) + 1
            for row in rows:
                if not row:
                    continue
                if len(row) < width:
                    raise DatasetError(
                        f"{path}: line {rows.line_num} is cut short ({len(row)} "
                        "fields); unzip tracks.csv from fma_metadata.zip again."
                    )
                tid, genre, split, subset, artist = pick(row)
                if not tid.isdigit():
                    raise DatasetError(
                        f"{path}: line {rows.line_num} has no integer track id "
                        f"({tid[:20]!r}); unzip fma_metadata.zip again."
                    )
                genre, subset, artist = genre.strip(), subset.strip(), artist.strip()
                found[int(tid)] = FmaRow(
                    text.setdefault(genre, genre),
                    SIDES.get(split.strip(), ""),
                    text.setdefault(subset, subset),
                    text.setdefault(artist, artist),
                )
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DatasetError(
            f"{path} is not readable as FMA's tracks.csv ({exc}); unzip it "
            "again from fma_metadata.zip."
        ) from exc
    finally:
        csv.field_size_limit(limit)
    return MappingProxyType(found)


def _column_positions(path: Path, top: list[str], field: list[str], index: list[str]) -> list[int]:
    if not index or index[0].strip() != "track_id" or len(top) != len(field):
        raise DatasetError(
            f"{path} does not start with the three header rows of FMA's tracks.csv "
            "(column groups, column names, track_id); unzip it again from "
            "fma_metadata.zip."
        )
    names = {}
    for i, key in enumerate(zip((t.strip() for t in top), (s.strip() for s in field))):
        names.setdefault(key, i)
    missing = [f"({g!r}, {n!r})" for g, n in COLUMNS if (g, n) not in names]
    if missing:
        raise DatasetError(
            f"{path} lacks the column(s) {', '.join(missing)} of FMA's "
            "tracks.csv; unzip it again from fma_metadata.zip."
        )
    return [names[c] for c in COLUMNS]


def find_fma(path: str | Path) -> FmaLayout | None:
    """FMA's layout at ``path``, if it is there: a folder holding ``fma_metadata/tracks.csv``
    beside one audio folder (``fma_small``, ``fma_medium``, ``fma_large`` or ``fma_full``), or
    such an audio folder itself with ``../fma_metadata/tracks.csv`` beside it.

    Args:
        path: the folder to look at (``~`` is expanded).

    Returns:
        The :class:`FmaLayout`, or None if ``path`` is neither (the caller then tries other
        layouts, and refuses numbered folders: see :func:`looks_like_fma_audio`).

    Raises:
        DatasetError: two audio folders beside the metadata (which one is meant?), or the
            metadata without an audio folder, or ``fma_metadata/`` without ``tracks.csv``.
    """
    path = Path(path).expanduser()
    if path.name in AUDIO_FOLDERS and path.is_dir():
        csv_path = path.parent / METADATA
        if csv_path.is_file():
            return FmaLayout(path, csv_path, AUDIO_FOLDERS[path.name])
        return None
    if path.name == METADATA.parent.name and (path / METADATA.name).is_file():
        raise DatasetError(
            f"{path} is FMA's metadata alone: pass the folder that holds it and "
            f"the audio folder (fma_small ...), {path.parent}."
        )
    if not (path / METADATA.parent).is_dir():
        return None
    if not (path / METADATA).is_file():
        raise DatasetError(
            f"{path / METADATA.parent} holds no tracks.csv, where FMA's genres "
            "and split are: unzip fma_metadata.zip there again."
        )
    present = [name for name in AUDIO_FOLDERS if (path / name).is_dir()]
    if len(present) > 1:
        raise DatasetError(
            f"{path} holds {' and '.join(present)}: pass the one to use, for "
            f"example --data {path / present[0]}."
        )
    if not present:
        raise DatasetError(
            f"{path} holds FMA's metadata but no audio folder: unzip "
            "fma_small.zip (or fma_medium.zip) there, beside fma_metadata/."
        )
    return FmaLayout(path / present[0], path / METADATA, AUDIO_FOLDERS[present[0]])


def looks_like_fma_audio(folder: str | Path) -> bool:
    """True if ``folder`` holds FMA's numbered folders of six-digit MP3s (``NNN/NNNNNN.mp3``)
    or is one of them: audio whose genres only ``tracks.csv`` can tell.

    Args:
        folder: the folder to look at; it and its first three numbered subfolders are checked.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return False
    numbered = sorted(d for d in folder.iterdir() if d.is_dir() and d.name.isdigit())[:3]
    return any(any(_TRACK_NAME.fullmatch(f.name) for f in d.iterdir()) for d in (folder, *numbered))


def missing_metadata_message(folder: str | Path) -> str:
    """The one-line error for FMA audio found without ``fma_metadata/tracks.csv``.

    Args:
        folder: the audio folder, named in the message.
    """
    return (
        f"{folder} looks like FMA audio (numbered folders of six-digit MP3s) without "
        "fma_metadata/tracks.csv beside it, and FMA's genres come only from tracks.csv: "
        "unzip fma_metadata.zip next to the fma_small (or fma_medium) folder and pass the "
        "folder that holds both."
    )


def list_fma(
    layout: FmaLayout, tracks_per_genre: int | None = None
) -> tuple[list[FmaTrack], list[str], list[tuple[str, str]]]:
    """Pair an FMA audio folder with ``tracks.csv``: the labelled tracks, the genres, and what
    is left out and why.

    A track is used if its file is at ``NNN/NNNNNN.mp3`` and ``tracks.csv`` lists it in one of
    the folder's subsets (:data:`SUBSET_MEMBERS`) with a ``genre_top``. The genres are the
    sorted ``genre_top`` names of the tracks used; a label is an index into them. Left out,
    each as ``(path relative to the audio folder, reason)``: tracks of the subset without
    ``genre_top``; audio not listed in ``tracks.csv`` or listed in another subset; files that
    are not FMA audio (``README.txt``, ``checksums``) and hidden files; and every track that
    ``tracks.csv`` lists for this subset whose audio file is missing (other subsets' tracks
    are not counted: ``tracks.csv`` lists all of FMA). Whether a file decodes is checked later.

    Args:
        layout: what :func:`find_fma` found.
        tracks_per_genre: keep only the first N track ids of each genre.

    Returns:
        ``(tracks by label then id, genres, left out)``.

    Raises:
        DatasetError: ``tracks.csv`` is unreadable (:func:`read_tracks_csv`), or fewer than two
            genres have usable tracks.
    """
    rows = read_tracks_csv(layout.tracks_csv)
    members, folder = SUBSET_MEMBERS[layout.subset], layout.audio.name
    usable, left_out, present = [], [], set()
    for dirpath, dirnames, filenames in os.walk(layout.audio):
        here = Path(dirpath).relative_to(layout.audio).as_posix()
        prefix = "" if here == "." else here + "/"
        left_out += [
            (prefix + d + "/", "a hidden folder; ignored")
            for d in sorted(dirnames)
            if d.startswith(".")
        ]
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            rel = prefix + name
            match = _TRACK_FILE.fullmatch(rel)
            if name.startswith("."):
                left_out.append((rel, "a hidden file; ignored"))
            elif not match or match[2][:3] != match[1]:
                ext = Path(name).suffix.lower()
                left_out.append(
                    (
                        rel,
                        "audio not at FMA's NNN/NNNNNN.mp3; ignored"
                        if ext in AUDIO_EXTENSIONS
                        else f"not an audio file ({ext or 'no extension'}); ignored",
                    )
                )
            else:
                tid = int(match[2])
                present.add(tid)
                row = rows.get(tid)
                if row is None:
                    left_out.append((rel, "not listed in tracks.csv; ignored"))
                elif row.subset not in members:
                    left_out.append(
                        (
                            rel,
                            f"tracks.csv puts it in the {row.subset or 'no'} "
                            f"subset, not in {folder}; ignored",
                        )
                    )
                elif not row.genre:
                    left_out.append((rel, "no genre_top in tracks.csv, so no label; left out"))
                else:
                    usable.append((tid, rel, row))
    missing = sorted(t for t, row in rows.items() if row.subset in members and t not in present)
    left_out += [
        (audio_relpath(t), f"listed in tracks.csv for {folder}, but no audio file") for t in missing
    ]
    genres = sorted({row.genre for _, _, row in usable})
    if len(genres) < 2:
        raise DatasetError(
            f"{layout.audio} has {len(usable)} track(s) that {layout.tracks_csv} "
            f"labels, in {len(genres)} genre(s) ({len(left_out)} file(s) or "
            "track(s) left out), and genre classification needs at least two "
            f"genres: is {folder} completely unzipped?"
        )
    label = {g: i for i, g in enumerate(genres)}
    taken = dict.fromkeys(genres, 0)
    tracks = []
    for tid, rel, row in sorted(usable, key=lambda u: u[0]):
        taken[row.genre] += 1
        if not tracks_per_genre or taken[row.genre] <= tracks_per_genre:
            tracks.append(FmaTrack(tid, rel, row.genre, label[row.genre], row.split, row.artist))
    tracks.sort(key=lambda t: (t.label, t.track_id))
    return tracks, genres, left_out
