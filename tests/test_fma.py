"""FMA as it unpacks: tracks.csv read by column name, the audio paired with it, what is left out
and why, the data rule's FMA layouts and refusals, and features on FMA's MP3s.

The FMA copy is :func:`fma_fixture.make_fma`'s (the session fixture ``fma_root``)."""

import csv
import os
from dataclasses import replace

import numpy as np
import pytest
from cli_run import course_main
from fma_fixture import (
    EMPTY,
    FAULTS,
    GENRES,
    LARGE_ROWS,
    MEDIUM_ROWS,
    MISSING,
    NO_GENRE,
    OTHER_SUBSET,
    TRACKS,
    TRUNCATED,
    UNLISTED,
    audio_path,
)

from course import data, features, fma
from course.data import resolve_data, scan_source, summarise_left_out
from course.errors import DatasetError
from course.features import Features, load_features, prepare
from course.settings import FeatureParams

SIDE = {"training": "train", "validation": "validation", "test": "test"}


def _read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _position(rows, group, name):
    """Where the column ``(group, name)`` is in a row of tracks.csv (the index is at 0)."""
    return list(zip(rows[0], rows[1])).index((group, name))


def _rewrite_csv(src, dst, change):
    """Copy tracks.csv through ``change(rows) -> rows`` (rows as the csv module reads them)."""
    rows = _read_rows(src)
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(dst, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(change(rows))
    return dst


def _link_fma(tmp_path, fma_root, *, metadata=True, folders=("fma_small",)):
    """A new FMA parent folder whose parts are links to the fixture's (nothing is copied)."""
    parent = tmp_path / "fma"
    parent.mkdir()
    if metadata:
        (parent / "fma_metadata").symlink_to(fma_root / "fma_metadata")
    for name in folders:
        (parent / name).symlink_to(fma_root / "fma_small")
    return parent


# --- reading tracks.csv ------------------------------------------------------------------


@pytest.mark.slow
def test_tracks_csv_gives_genre_side_subset_and_artist_of_every_row(fma_root):
    rows = fma.read_tracks_csv(fma_root / "fma_metadata" / "tracks.csv")
    # Quoted bios, titles and album texts with commas, quotes and newlines make no extra rows.
    assert len(rows) == len(TRACKS) + 4 + 1 + len(MEDIUM_ROWS) + len(LARGE_ROWS) == 89
    for track_id, (genre, side, artist) in TRACKS.items():
        assert rows[track_id] == fma.FmaRow(genre, SIDE[side], "small", str(artist))
    assert rows[NO_GENRE].genre == "" and rows[NO_GENRE].subset == "small"
    assert rows[OTHER_SUBSET].subset == "medium" and rows[MEDIUM_ROWS[0]].subset == "medium"
    assert rows[LARGE_ROWS[1]] == fma.FmaRow("", "train", "large", str(50 + LARGE_ROWS[1] % 7))


def test_columns_are_found_by_their_two_header_names_not_by_position(fma_root, tmp_path):
    src = fma_root / "fma_metadata" / "tracks.csv"
    order = [0] + list(range(52, 0, -1))  # the index first, then all 52 columns reversed
    moved = _rewrite_csv(
        src, tmp_path / "tracks.csv", lambda rows: [[r[i] for i in order] for r in rows]
    )
    assert dict(fma.read_tracks_csv(moved)) == dict(fma.read_tracks_csv(src))


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda rows: [
                [c for i, c in enumerate(r) if i != _position(rows, "set", "split")] for r in rows
            ],
            r"\('set', 'split'\)",
        ),
        (lambda rows: rows[:2] + rows[3:], "three header rows"),
        (lambda rows: rows[:10] + [rows[10][:20]], "line .* is cut short"),
        (lambda rows: rows[:5] + [["x2"] + rows[5][1:]], "no integer track id"),
    ],
)
def test_a_damaged_tracks_csv_is_refused_in_one_line(fma_root, tmp_path, change, message):
    bad = _rewrite_csv(fma_root / "fma_metadata" / "tracks.csv", tmp_path / "tracks.csv", change)
    with pytest.raises(DatasetError, match=message) as err:
        fma.read_tracks_csv(bad)
    assert "fma_metadata.zip" in str(err.value) and "\n" not in str(err.value)


def test_a_changed_tracks_csv_is_read_again(fma_root, tmp_path):
    copy = _rewrite_csv(fma_root / "fma_metadata" / "tracks.csv", tmp_path / "t.csv", list)
    assert fma.read_tracks_csv(copy)[2].genre == "Electronic"
    genre_top = _position(_read_rows(copy), "track", "genre_top")
    _rewrite_csv(
        copy,
        copy,
        lambda rows: (
            rows[:3]
            + [r[:genre_top] + ["Pop"] + r[genre_top + 1 :] if r[0] == "2" else r for r in rows[3:]]
        ),
    )
    os.utime(copy, ns=(1, 2))  # a new modification time
    assert fma.read_tracks_csv(copy)[2].genre == "Pop"


# --- pairing the audio with tracks.csv ---------------------------------------------------


def test_tracks_are_labelled_by_genre_top_with_their_side_and_artist(fma_root):
    tracks, genres, _ = scan_source(resolve_data(fma_root))
    assert genres == list(GENRES)
    listed = {int(t.relpath[4:10]): t for t in tracks}
    assert sorted(listed) == sorted([*TRACKS, EMPTY, TRUNCATED])  # decoding is checked later
    for track_id, t in listed.items():
        genre, side, artist = {**TRACKS, **FAULTS}[track_id]
        assert t.relpath == audio_path(track_id) and t.path == fma_root / "fma_small" / t.relpath
        assert (t.genre, t.label, t.split, t.group) == (
            genre,
            GENRES.index(genre),
            SIDE[side],
            str(artist),
        )
    # FMA's split is artist-filtered: no artist on two sides.
    sides = {}
    for t in tracks:
        sides.setdefault(t.group, set()).add(t.split)
    assert all(len(s) == 1 for s in sides.values())


def test_what_is_left_out_is_counted_by_reason(fma_root):
    _, _, left_out = scan_source(resolve_data(fma_root))
    reasons = dict(left_out)
    assert len(left_out) == len(reasons) == 6
    assert reasons["README.txt"] == "not an audio file (.txt); ignored"
    assert reasons["checksums"] == "not an audio file (no extension); ignored"
    assert reasons[audio_path(NO_GENRE)] == "no genre_top in tracks.csv, so no label; left out"
    assert "medium subset, not in fma_small" in reasons[audio_path(OTHER_SUBSET)]
    assert reasons[audio_path(UNLISTED)] == "not listed in tracks.csv; ignored"
    # Only the subset's own tracks count as missing: not the 60 medium and large rows.
    assert reasons[audio_path(MISSING)] == "listed in tracks.csv for fma_small, but no audio file"


def test_tracks_per_genre_keeps_the_first_track_ids_of_each_genre(fma_root):
    tracks, genres, _ = scan_source(resolve_data(fma_root), tracks_per_genre=3)
    assert len(tracks) == 9 and genres == list(GENRES)
    for genre in GENRES:
        ids = sorted(
            i for i, (g, _, _) in {**TRACKS, **FAULTS}.items() if g == genre and i != MISSING
        )
        kept = [t for t in tracks if t.genre == genre]
        assert [t.relpath for t in kept] == [audio_path(i) for i in ids[:3]]
        assert {t.split for t in kept} == {"train", "validation", "test"}


def test_the_notebooks_list_tracks_works_on_the_fma_folder(fma_root):
    root = resolve_data(fma_root).root
    tracks, genres = data.list_tracks(root)  # as notebooks call it: list_tracks(source.root)
    assert genres == list(GENRES) and len(tracks) == 26 and tracks[0].group == "1"
    assert data.scan_dataset(root)[2] == scan_source(resolve_data(fma_root))[2]


def test_the_left_out_summary_stays_short_however_many_there_are():
    left_out = [
        (f"000/{i:06d}.mp3", "listed in tracks.csv for fma_small, but no audio file")
        for i in range(5000)
    ] + [(f"x{i}", f"reason {i}") for i in range(20)]
    lines = summarise_left_out(left_out)
    assert len(lines) == 13
    assert lines[0] == (
        "  listed in tracks.csv for fma_small, but no audio file: 5,000, e.g. "
        "000/000000.mp3, 000/000001.mp3, 000/000002.mp3, ..."
    )
    assert lines[1] == "  x0: reason 0"
    assert lines[-1] == "  ... and 9 more for 9 other reason(s)"


# --- the data rule ------------------------------------------------------------------------


def test_the_parent_folder_and_the_subset_folder_are_both_found(fma_root):
    for given in (fma_root, fma_root / "fma_small", str(fma_root) + "/"):
        source = resolve_data(given)
        assert (source.layout, source.root, source.subset) == (
            "fma",
            fma_root / "fma_small",
            "small",
        )
        assert source.metadata == fma_root / "fma_metadata" / "tracks.csv"
        assert not source.synthetic and source.origin == "--data"
        assert source.describe().startswith("FMA's fma_small audio in ")
        assert "tracks.csv" in source.describe()


def test_data_fma_comes_after_data_gtzan(fma_root, tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_DATA", raising=False)
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    (tmp_path / "fma").symlink_to(fma_root)
    found = resolve_data(make_sample=False)
    assert (found.origin, found.layout, found.root) == (
        "data/fma",
        "fma",
        tmp_path / "fma" / "fma_small",
    )
    monkeypatch.setenv("COURSE_DATA", str(fma_root / "fma_small"))
    assert resolve_data().origin == "COURSE_DATA"
    monkeypatch.delenv("COURSE_DATA")
    from conftest import write_tone

    for genre in ("blues", "rock"):
        write_tone(tmp_path / "gtzan" / genre / f"{genre}.00000.wav", seconds=0.5)
    found = resolve_data(make_sample=False)
    assert (found.origin, found.layout) == ("data/gtzan", "genre-folders")


def test_two_subsets_side_by_side_ask_which_one(fma_root, tmp_path):
    parent = _link_fma(tmp_path, fma_root, folders=("fma_small", "fma_medium"))
    with pytest.raises(
        DatasetError,
        match="holds fma_small and fma_medium: pass the one to use, for example --data .*fma_small",
    ):
        resolve_data(parent)
    assert resolve_data(parent / "fma_medium").subset == "medium"  # the folder itself is clear


def test_fma_audio_without_tracks_csv_is_refused_not_read_as_genres(fma_root, tmp_path):
    parent = _link_fma(tmp_path, fma_root, metadata=False)
    for given in (parent, parent / "fma_small", parent / "fma_small" / "000"):
        with pytest.raises(DatasetError, match="looks like FMA audio .* unzip fma_metadata.zip"):
            resolve_data(given)
    with pytest.raises(DatasetError, match="looks like FMA audio"):
        data.list_tracks(parent / "fma_small")
    # Renamed (so not recognised by name), the numbered folders are still never genres.
    renamed = tmp_path / "my_music"
    renamed.symlink_to(fma_root / "fma_small")
    with pytest.raises(DatasetError, match="looks like FMA audio"):
        resolve_data(renamed)


def test_metadata_without_audio_or_without_tracks_csv_says_what_to_unzip(fma_root, tmp_path):
    parent = _link_fma(tmp_path, fma_root, folders=())
    with pytest.raises(DatasetError, match="no audio folder: unzip fma_small.zip"):
        resolve_data(parent)
    with pytest.raises(
        DatasetError, match="is FMA's metadata alone: pass the folder that holds it"
    ):
        resolve_data(fma_root / "fma_metadata")
    (tmp_path / "empty_meta" / "fma_metadata").mkdir(parents=True)
    with pytest.raises(DatasetError, match="holds no tracks.csv"):
        resolve_data(tmp_path / "empty_meta")


def test_a_deam_folder_given_for_genres_points_to_the_emotion_task(tmp_path):
    from conftest import write_tone

    deam = tmp_path / "deam"
    for song in (2, 3, 4):
        write_tone(deam / "DEAM_audio" / "MEMD_audio" / f"{song}.wav", seconds=0.2)
    annotations = (
        deam / "DEAM_Annotations" / "annotations" / "annotations averaged per song" / "song_level"
    )
    annotations.mkdir(parents=True)
    (annotations / "static_annotations_averaged_songs_1_2000.csv").write_text(
        "song_id, valence_mean, valence_std, arousal_mean, arousal_std\n2,3.1,0.9,3.0,0.8\n"
    )
    for given in (deam, deam / "DEAM_audio", deam / "DEAM_audio" / "MEMD_audio"):
        with pytest.raises(DatasetError, match="is an emotion dataset .* --task emotion"):
            resolve_data(given)


# --- features -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fma_features(fma_root):
    return prepare(str(fma_root), cache=False, progress=False)


def test_prepare_reads_fma_mp3s_into_the_same_segments(fma_features):
    f = fma_features
    assert list(f.mapping) == list(GENRES) and f.dataset == "FMA fma_small"
    assert f.mfcc.shape == (240, 130, 13) and f.n_tracks == 24 and f.dropped_segments == 0
    for track_id, (genre, side, artist) in TRACKS.items():
        rows = f.track == audio_path(track_id)
        assert rows.sum() == 10  # 30-s clips, 22050 Hz mono or 44100 Hz stereo alike
        assert set(f.labels[rows]) == {GENRES.index(genre)}
        assert set(f.published[rows]) == {SIDE[side]} and set(f.group[rows]) == {str(artist)}


def test_the_empty_and_the_truncated_mp3_are_skipped_and_named(fma_features):
    skipped = dict(fma_features.skipped)
    assert skipped[audio_path(EMPTY)] == "the file is empty (0 bytes)"
    assert skipped[audio_path(TRUNCATED)] == "shorter than one 3-s segment"
    assert len(skipped) == 8  # and the six the listing left out
    summary = fma_features.summary()
    assert "from 24 tracks in 3 genres (FMA fma_small)" in summary
    assert "the dataset's own split, in tracks: train 12, validation 6, test 6" in summary
    for name in (audio_path(EMPTY), audio_path(TRUNCATED), "README.txt", audio_path(MISSING)):
        assert name in summary


def test_the_npz_and_the_cache_keep_published_and_group(
    fma_root, fma_features, tmp_path, monkeypatch
):
    monkeypatch.setattr(features, "CACHE_DIR", tmp_path / "cache")
    out = tmp_path / "f.npz"
    first = prepare(str(fma_root), out=out, progress=False)
    with np.load(out, allow_pickle=False) as z:
        assert z["published"].tolist() == fma_features.published.tolist()
        assert z["group"].tolist() == fma_features.group.tolist()
        assert str(z["dataset"]) == "FMA fma_small"
    loaded = load_features(out)
    for name in ("mfcc", "labels", "track", "published", "group"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(first, name))
    assert loaded.skipped == first.skipped and loaded.summary() == first.summary()

    def boom(*a, **k):
        raise AssertionError("recomputed although the cache matched")

    monkeypatch.setattr(features, "segment_mfcc", boom)
    again = prepare(str(fma_root), progress=False)
    np.testing.assert_array_equal(again.published, first.published)
    assert again.skipped == first.skipped and again.dataset == "FMA fma_small"


def test_the_cache_key_covers_genre_side_and_group(fma_root):
    tracks, _, _ = scan_source(resolve_data(fma_root))
    base = features.cache_key(tracks, FeatureParams())
    for change in ({"split": "test"}, {"group": "999"}, {"genre": "Pop"}, {"label": 2}):
        changed = [replace(tracks[0], **change)] + tracks[1:]
        assert features.cache_key(changed, FeatureParams()) != base, change


def test_features_made_by_hand_get_empty_published_and_group():
    f = Features(
        mfcc=np.zeros((3, 130, 13), np.float32),
        labels=np.array([0, 1, 1]),
        mapping=np.array(["a", "b"]),
        track=np.array(["x", "y", "y"]),
        params=FeatureParams(),
    )
    assert f.published.tolist() == f.group.tolist() == ["", "", ""] and f.dataset == ""
    assert "own split" not in f.summary()


@pytest.mark.slow
def test_the_command_line_prepares_fma_and_names_the_skipped_files(fma_root, tmp_path):
    out = tmp_path / "f.npz"
    proc = course_main("prepare", "--data", fma_root, "--out-file", out, "--no-cache")
    assert proc.returncode == 0, proc.stderr
    assert "Data: FMA's fma_small audio in" in proc.stdout
    assert (
        "240 segments of shape (130, 13) from 24 tracks in 3 genres (FMA fma_small)" in proc.stdout
    )
    for name in (audio_path(EMPTY), audio_path(TRUNCATED), audio_path(NO_GENRE), "README.txt"):
        assert name in proc.stdout
    with np.load(out, allow_pickle=False) as z:
        assert set(z["published"].tolist()) == {"train", "validation", "test"}
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_compare_protocol_published_trains_on_fmas_own_split(fma_root, tmp_path):
    """The main job on FMA as it unpacks: FMA's artist-filtered split, the same for both
    seeds, its 6 test songs counted once each, and no artist on two sides."""
    out = tmp_path / "out"
    proc = course_main(
        "compare",
        "--data",
        str(fma_root),
        "--protocol",
        "published",
        "--seeds",
        "2",
        "--epochs",
        "1",
        "--models",
        "mlp",
        "--out-dir",
        str(out),
        "--no-cache",
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    report = (out / "results.md").read_text()
    assert report.startswith("Protocol: the split that ships with the dataset")
    assert "per seed: 0 of 60, 0 of 60" in report  # 6 test songs x 10 segments, no leak
    assert "on the 6 distinct test songs over 2 seed(s) (12 song tests" in report
    test_tracks = {t for t, (_, side, _) in TRACKS.items() if side == "test"}
    assert len(test_tracks) == 6
    settings = (out / "settings.json").read_text()
    assert '"protocol": "published"' in settings
    info = (out / "models" / "mlp_seed1.json").read_text()
    assert '"protocol": "published"' in info and '"test_accuracy_leaky": false' in info


def test_the_published_split_keeps_every_artist_on_one_side(fma_features):
    from course.splits import published_split

    split = published_split(fma_features.published)
    sides = [
        set(fma_features.group[idx].tolist()) for idx in (split.train, split.validation, split.test)
    ]
    assert not (sides[0] & sides[1] or sides[0] & sides[2] or sides[1] & sides[2])
    assert len(np.unique(fma_features.track[split.test])) == 6


@pytest.mark.slow
def test_baseline_runs_on_fma(fma_root):
    proc = course_main("baseline", "--data", str(fma_root), "--no-cache")
    assert proc.returncode == 0, proc.stderr
    assert "accuracy" in proc.stdout and "synthetic" not in proc.stdout
