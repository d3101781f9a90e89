"""A small FMA copy, laid out as ``fma_metadata.zip`` and ``fma_small.zip`` unpack.

:func:`make_fma` writes it; the tables below say what is in it, so tests can name their
expectations instead of repeating numbers. Reusable by any test::

    from fma_fixture import make_fma
    parent = make_fma(tmp_path)          # parent / "fma_small", parent / "fma_metadata"

(``tests/conftest.py`` builds it once per session as the ``fma_root`` fixture.)
"""

from __future__ import annotations

import csv
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import soundfile as sf

#: tracks.csv's 52 columns, ``(group, field)``, in FMA's order.
COLUMNS = (
    [
        ("album", f)
        for f in (
            "comments",
            "date_created",
            "date_released",
            "engineer",
            "favorites",
            "id",
            "information",
            "listens",
            "producer",
            "tags",
            "title",
            "tracks",
            "type",
        )
    ]
    + [
        ("artist", f)
        for f in (
            "active_year_begin",
            "active_year_end",
            "associated_labels",
            "bio",
            "comments",
            "date_created",
            "favorites",
            "id",
            "latitude",
            "location",
            "longitude",
            "members",
            "name",
            "related_projects",
            "tags",
            "website",
            "wikipedia_page",
        )
    ]
    + [("set", "split"), ("set", "subset")]
    + [
        ("track", f)
        for f in (
            "bit_rate",
            "comments",
            "composer",
            "date_created",
            "date_recorded",
            "duration",
            "favorites",
            "genre_top",
            "genres",
            "genres_all",
            "information",
            "interest",
            "language_code",
            "license",
            "listens",
            "lyricist",
            "number",
            "publisher",
            "tags",
            "title",
        )
    ]
)
assert len(COLUMNS) == 52

GENRES = ("Electronic", "Folk", "Hip-Hop")  # sorted: labels 0, 1, 2
_GENRE_IDS = {"Electronic": 15, "Folk": 17, "Hip-Hop": 21, "Rock": 12, "Pop": 10, "Jazz": 4}

#: The small subset's good tracks: ``track_id: (genre_top, FMA's split, artist id)``. In id
#: order each genre runs training, validation, test, training x 3, validation, test, so the
#: first three ids of a genre hold one track of each side. No artist is on two sides; artist 1
#: has training tracks in two genres (Electronic and Hip-Hop).
TRACKS = {
    2: ("Electronic", "training", 1),
    5: ("Electronic", "validation", 3),
    10: ("Electronic", "test", 4),
    140: ("Electronic", "training", 1),
    1039: ("Electronic", "training", 2),
    1040: ("Electronic", "training", 2),
    10250: ("Electronic", "validation", 3),
    133274: ("Electronic", "test", 4),
    20: ("Folk", "training", 11),
    26: ("Folk", "validation", 13),
    30: ("Folk", "test", 14),
    46: ("Folk", "training", 11),
    1066: ("Folk", "training", 12),
    1069: ("Folk", "training", 12),
    10527: ("Folk", "validation", 13),
    133275: ("Folk", "test", 14),
    134: ("Hip-Hop", "training", 21),
    135: ("Hip-Hop", "validation", 23),
    136: ("Hip-Hop", "test", 24),
    139: ("Hip-Hop", "training", 21),
    1073: ("Hip-Hop", "training", 1),
    1075: ("Hip-Hop", "training", 1),
    10666: ("Hip-Hop", "validation", 23),
    133276: ("Hip-Hop", "test", 24),
}
#: Written at 44100 Hz stereo (the rest 22050 Hz mono), all about 30 s.
STEREO_44K = (1040, 1066, 1073)
#: Faults, as FMA's errata describe them: a 0-byte MP3 and one cut to its first 2 kB (ids of
#: fma_small's real faulty files). Both are in the small subset, with a genre and an artist.
EMPTY, TRUNCATED = 99134, 98565
#: A small-subset track without genre_top (its audio is present), and one whose audio is missing.
NO_GENRE, MISSING = 11, 1482
#: Audio in fma_small that tracks.csv puts in the medium subset, and audio it does not list.
OTHER_SUBSET, UNLISTED = 3, 155999
#: The faulty tracks' rows, as :data:`TRACKS` gives them.
FAULTS = {
    EMPTY: ("Folk", "training", 12),
    TRUNCATED: ("Electronic", "training", 2),
    NO_GENRE: ("", "training", 5),
    MISSING: ("Folk", "training", 11),
}
#: tracks.csv rows beyond the small subset (no audio, and not counted as missing): 20 of the
#: medium subset (ids 200-219), 40 of the large one (ids 300-339, most without genre_top).
MEDIUM_ROWS, LARGE_ROWS = range(200, 220), range(300, 340)

_TITLES = [
    'Food, "Glorious" Food',
    "Café del Mar — 東京, ünïcödé",
    'He said "no", then left',
    "Plain title",
    "Ñandú, part 2",
    "Zürich 'live'",
]
_BIO = (
    '<p>A band from Brooklyn, NY.\nFormed in 2003 by "Kid" Jones, they play loud.</p>\r\n'
    "<p>Members: Ana, Björn; née São Paulo.</p>"
)


def _row(track_id: int, genre: str, split: str, subset: str, artist: int) -> list[str]:
    title = _TITLES[track_id % len(_TITLES)]
    genres = f"[{_GENRE_IDS[genre]}, 811]" if genre else "[]"
    values = {
        ("album", "comments"): "0",
        ("album", "date_created"): "2008-11-26 01:44:45",
        ("album", "date_released"): "2009-01-05 00:00:00",
        ("album", "favorites"): "4",
        ("album", "id"): str(artist * 10),
        ("album", "information"): "<p>An album, with a comma.</p>\n<p>And a second line.</p>",
        ("album", "listens"): "6073",
        ("album", "tags"): "[]",
        ("album", "title"): f"Album of {title}",
        ("album", "tracks"): "7",
        ("album", "type"): "Album",
        ("artist", "active_year_begin"): "2003-01-01 00:00:00",
        ("artist", "bio"): _BIO,
        ("artist", "comments"): "0",
        ("artist", "date_created"): "2008-11-26 01:42:32",
        ("artist", "favorites"): "9",
        ("artist", "id"): str(artist),
        ("artist", "latitude"): "40.6782778",
        ("artist", "location"): "Brooklyn, NY",
        ("artist", "longitude"): "-73.9441667",
        ("artist", "name"): f"Artist {artist}, Jr.",
        ("artist", "tags"): "['punk', 'noise']",
        ("artist", "website"): "http://example.org",
        ("set", "split"): split,
        ("set", "subset"): subset,
        ("track", "bit_rate"): "256000",
        ("track", "comments"): "0",
        ("track", "date_created"): "2008-11-26 01:48:12",
        ("track", "duration"): "168",
        ("track", "favorites"): "2",
        ("track", "genre_top"): genre,
        ("track", "genres"): genres,
        ("track", "genres_all"): genres.replace("811]", "811, 1]") if genre else "[]",
        ("track", "interest"): "4656",
        ("track", "language_code"): "en",
        ("track", "license"): "Attribution-NonCommercial-ShareAlike 3.0 International",
        ("track", "listens"): "1293",
        ("track", "number"): "3",
        ("track", "tags"): "['lo-fi', \"rock 'n' roll\"]",
        ("track", "title"): title,
    }
    return [str(track_id)] + [values.get(c, "") for c in COLUMNS]


def _tracks_csv(path: Path) -> None:
    rows = {t: (g, s, "small", a) for t, (g, s, a) in {**TRACKS, **FAULTS}.items()}
    rows[OTHER_SUBSET] = ("Rock", "training", "medium", 31)
    for i in MEDIUM_ROWS:
        rows[i] = (
            ("Rock", "Pop", "Jazz", "")[i % 4],
            ("training", "validation", "test")[i % 3],
            "medium",
            40 + i % 5,
        )
    for i in LARGE_ROWS:
        rows[i] = ("Pop" if i % 4 == 0 else "", "training", "large", 50 + i % 7)
    path.parent.mkdir(parents=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")  # as pandas writes
        w.writerow([""] + [g for g, _ in COLUMNS])
        w.writerow([""] + [n for _, n in COLUMNS])
        w.writerow(["track_id"] + [""] * len(COLUMNS))
        for track_id in sorted(rows):
            genre, split, subset, artist = rows[track_id]
            w.writerow(_row(track_id, genre, split, subset, artist))


def clip(track_id: int, genre: str, sr: int = 22050, seconds: float = 30.0) -> np.ndarray:
    """A clip whose spectrum depends on its genre (a little, so a model can learn some):
    Electronic a pulsing bass with bright noise, Folk plucked mid tones, Hip-Hop kicks and
    snare-like noise bursts; the pitch, tempo and mix vary by track id. ``(n_samples,)``."""
    rng = np.random.default_rng(track_id)
    t = np.arange(int(sr * seconds)) / sr
    noise = rng.standard_normal(len(t))
    if genre == "Electronic":
        f0 = 55 * 2 ** (rng.integers(0, 12) / 12)
        y = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 5))
        pulse = 0.6 + 0.4 * np.sin(2 * np.pi * rng.uniform(2, 4) * t)
        y = y * pulse + 0.3 * np.diff(noise, prepend=0)
    elif genre == "Folk":
        f0, beat = 196 * 2 ** (rng.integers(0, 12) / 12), rng.uniform(0.4, 0.6)
        decay = np.exp(-(t % beat) / 0.15)
        y = sum(np.sin(2 * np.pi * f0 * k * t) / k**2 for k in range(1, 7)) * decay + 0.02 * noise
    else:
        beat = rng.uniform(0.5, 0.7)
        kick = np.sin(2 * np.pi * 60 * t) * np.exp(-(t % beat) / 0.08)
        snare = noise * np.exp(-((t + beat / 2) % beat) / 0.05)
        y = kick + 0.5 * snare + 0.05 * np.cumsum(noise) / np.sqrt(len(t))
    return (0.5 * y / np.max(np.abs(y))).astype(np.float32)


def _mp3(track_id: int, genre: str, seconds: float = 30.0) -> bytes:
    sr, channels = (44100, 2) if track_id in STEREO_44K or track_id == TRUNCATED else (22050, 1)
    y = clip(track_id, genre or "Folk", sr, seconds)
    data = np.stack([y, 0.8 * y], axis=1) if channels == 2 else y
    buffer = io.BytesIO()
    sf.write(buffer, data, sr, format="MP3", subtype="MPEG_LAYER_III")
    return buffer.getvalue()


def audio_path(track_id: int) -> str:
    """``2`` -> ``"000/000002.mp3"``, as FMA names its files."""
    return f"{track_id:06d}"[:3] + f"/{track_id:06d}.mp3"


def make_fma(root: str | Path, subset: str = "small") -> Path:
    """Write an FMA copy under ``root`` as the archives unpack, and return ``root``.

    ``root/fma_metadata/tracks.csv`` (FMA's three header rows and 52 columns, written with the
    ``csv`` module and QUOTE_MINIMAL as pandas writes it; titles with commas, double quotes
    and non-ASCII text, artist bios and album information with newlines, list-valued
    ``genres``/``genres_all``/``tags``) and a ``genres.csv``; ``root/fma_<subset>/NNN/NNNNNN.mp3``
    plus ``README.txt`` and ``checksums``. It holds:

    - :data:`TRACKS`: 24 good 30-s MP3s, 8 in each of :data:`GENRES`, in folders 000, 001,
      010 and 133; each genre has 4 training, 2 validation and 2 test tracks, by artist
      (Electronic 1-4, Folk 11-14, Hip-Hop 1, 21, 23, 24; no artist on two sides);
      :data:`STEREO_44K` are 44100 Hz stereo, the rest 22050 Hz mono;
    - faults in the small subset: :data:`EMPTY` (099/099134.mp3, 0 bytes),
      :data:`TRUNCATED` (098/098565.mp3, a valid 44.1-kHz file cut to its first 2048 bytes),
      :data:`NO_GENRE` (000/000011.mp3, no genre_top), :data:`MISSING` (001/001482.mp3, listed
      but absent);
    - :data:`OTHER_SUBSET` (000/000003.mp3, a 30-s clip tracks.csv puts in the medium subset,
      genre Rock) and :data:`UNLISTED` (155/155999.mp3, not in tracks.csv);
    - tracks.csv rows beyond the subset: :data:`MEDIUM_ROWS` and :data:`LARGE_ROWS`, no audio.

    Args:
        root: a new or empty folder.
        subset: "small" (default) or "medium": only the audio folder's name changes, so with
            "medium" :data:`OTHER_SUBSET` is used (genre Rock) and the 20 medium rows count as
            missing.

    Returns:
        ``root``, the folder holding ``fma_metadata`` and ``fma_<subset>``.
    """
    assert "MP3" in sf.available_formats(), "soundfile's libsndfile cannot write MP3 (needs 1.1+)"
    root = Path(root)
    _tracks_csv(root / "fma_metadata" / "tracks.csv")
    (root / "fma_metadata" / "genres.csv").write_text(
        "genre_id,#tracks,parent,title,top_level\n"
        + "".join(
            f"{i},100,0,{g},{i}\n" for g, i in sorted(_GENRE_IDS.items(), key=lambda x: x[1])
        ),
        encoding="utf-8",
    )
    audio = root / f"fma_{subset}"
    jobs = {t: (g, 30.0) for t, (g, _, _) in TRACKS.items()}
    jobs.update(
        {
            TRUNCATED: ("Electronic", 30.0),
            OTHER_SUBSET: ("Rock", 30.0),
            NO_GENRE: ("", 1.0),
            UNLISTED: ("Folk", 1.0),
        }
    )
    with ThreadPoolExecutor(max_workers=4) as pool:
        encoded = dict(zip(jobs, pool.map(lambda t: _mp3(t, *jobs[t]), jobs)))
    encoded[TRUNCATED] = encoded[TRUNCATED][:2048]
    encoded[EMPTY] = b""
    for track_id, data in encoded.items():
        path = audio / audio_path(track_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (audio / "README.txt").write_text(
        f"This is the fma_{subset} subset of FMA: 30-s clips as MP3, named by track id.\n"
        "See https://github.com/mdeff/fma\n",
        encoding="utf-8",
    )
    (audio / "checksums").write_text(
        "".join(
            f"{hashlib.sha1(data).hexdigest()}  {audio_path(t)}\n"
            for t, data in sorted(encoded.items())
        )
    )
    return root
