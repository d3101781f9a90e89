"""Splits: the notes' segment split, splits by track or group, and published split lists."""

from pathlib import Path

import numpy as np
import pytest

from course import splits
from course.errors import DatasetError, ParameterError

ROOT = Path(__file__).resolve().parents[1]


def test_the_notes_split_sizes_and_seed(tiny_features):
    n = len(tiny_features.labels)
    s = splits.split_segments(tiny_features.labels, seed=0)
    assert len(s.test) == int(np.ceil(0.25 * n))
    rest = n - len(s.test)
    assert len(s.validation) == int(np.ceil(0.2 * rest))
    assert len(s.train) + len(s.validation) + len(s.test) == n
    assert not set(s.train) & set(s.test) and not set(s.train) & set(s.validation)
    same = splits.split_segments(tiny_features.labels, seed=0)
    other = splits.split_segments(tiny_features.labels, seed=1)
    np.testing.assert_array_equal(s.test, same.test)
    assert not np.array_equal(s.test, other.test)
    assert s.leaked_test_segments(tiny_features.track) > 0  # the notes' split leaks tracks


def test_the_track_split_never_puts_a_track_on_two_sides(tiny_features):
    f = tiny_features
    for seed in range(3):
        s = splits.split_tracks(f.track, f.labels, seed=seed)
        sides = [set(f.track[idx]) for idx in (s.train, s.validation, s.test)]
        assert not sides[0] & sides[1] and not sides[0] & sides[2] and not sides[1] & sides[2]
        assert sum(map(len, sides)) == f.n_tracks
        assert s.leaked_test_segments(f.track) == 0
    s = splits.split_tracks(f.track, f.labels, seed=0)
    np.testing.assert_array_equal(s.test, splits.split_tracks(f.track, f.labels, seed=0).test)


def test_the_track_split_is_stratified_by_genre():
    track = np.repeat([f"g{g}/t{i}" for g in range(4) for i in range(8)], 3)
    labels = np.repeat([g for g in range(4) for _ in range(8)], 3)
    s = splits.split_tracks(track, labels, seed=0)
    test_genres = np.bincount(labels[s.test], minlength=4) // 3
    assert test_genres.tolist() == [2, 2, 2, 2]


def test_the_track_split_keeps_about_a_quarter_for_testing_and_a_fifth_of_the_rest_to_validate():
    # notebook 04 says so: 100 tracks of 10 genres, 10 segments each
    track = np.repeat([f"g{g}/t{i}" for g in range(10) for i in range(10)], 10)
    labels = np.repeat(np.arange(10), 100)
    for seed in range(3):
        s = splits.split_tracks(track, labels, seed=seed)
        tracks = {side: np.unique(track[getattr(s, side)]) for side in ("test", "validation")}
        assert 20 <= len(tracks["test"]) <= 30  # a quarter of 100, as whole tracks allow
        assert 12 <= len(tracks["validation"]) <= 18  # a fifth of the 75 or so left
        per_genre = np.bincount([int(t[1]) for t in tracks["test"]], minlength=10)
        assert set(per_genre) <= {2, 3}  # each genre's share as even as whole tracks allow


def test_split_arguments_are_checked():
    with pytest.raises(ParameterError, match="test_size"):
        splits.split_segments(np.zeros(10), test_size=1.5)
    with pytest.raises(ParameterError, match="same number of rows"):
        splits.split_tracks(np.array(["a", "b"]), np.array([0]))


def test_a_group_such_as_an_artist_never_spans_two_sides():
    track = np.repeat([f"g{g}/t{i}" for g in range(5) for i in range(12)], 2)
    labels = np.repeat([g for g in range(5) for _ in range(12)], 2)
    artist = np.array([t[:-1] + str(int(t.split("/t")[1]) // 3) for t in track])  # 3 tracks each
    for seed in range(3):
        s = splits.split_tracks(track, labels, seed=seed, groups=artist)
        sides = [set(artist[idx]) for idx in (s.train, s.validation, s.test)]
        assert not sides[0] & sides[1] and not sides[0] & sides[2] and not sides[1] & sides[2]
        assert len(s.train) + len(s.validation) + len(s.test) == len(track)
    a, b = (splits.split_tracks(track, labels, seed=k, groups=artist) for k in (0, 1))
    assert not np.array_equal(a.test, b.test)  # the seed draws the split


def test_too_few_tracks_for_the_folds_is_a_clear_error():
    track = np.array(["a/1", "a/2", "b/1"])
    with pytest.raises(ParameterError, match="needs at least 4 tracks or groups, but there are 3"):
        splits.split_tracks(track, np.array([0, 0, 1]))


# --- published split lists ----------------------------------------------------------------


def test_the_shipped_fault_filtered_lists():
    lists = splits.read_split_lists(ROOT / "data" / "splits" / "gtzan_fault_filtered")
    assert [len(lists[s]) for s in ("train", "validation", "test")] == [443, 197, 290]
    assert "jazz/jazz.00054.wav" in lists["train"]


def test_lists_map_tracks_to_sides_and_report_what_is_missing(tmp_path):
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "train.txt").write_text("rock/rock.00000.wav\nrock/rock.00001.wav\n")
    (tmp_path / "lists" / "valid.txt").write_text("rock/rock.00002.wav\n")
    (tmp_path / "lists" / "test.txt").write_text(
        "# comment\nrock/rock.00003.wav\nrock/rock.00099.wav\n"
    )
    lists = splits.read_split_lists(tmp_path / "lists")
    # Original-layout names (.au) match the .wav lists; rock.00004 is in no list.
    track = np.repeat([f"rock/rock.0000{i}.au" for i in range(5)], 2)
    split, report = splits.split_from_lists(track, lists)
    assert split.train.tolist() == [0, 1, 2, 3] and split.validation.tolist() == [4, 5]
    assert split.test.tolist() == [6, 7]
    assert report == {"missing": ["rock/rock.00099.wav"], "unlisted": 1}


def test_a_single_file_of_side_and_track_lines(tmp_path):
    f = tmp_path / "split.txt"
    f.write_text("train a/a.1.wav\nvalidation a/a.2.wav\ntest a/a.3.wav\n")
    assert splits.read_split_lists(f)["validation"] == ["a/a.2.wav"]
    f.write_text("train a/a.1.wav\nholdout a/a.2.wav\n")
    with pytest.raises(DatasetError, match="line 2"):
        splits.read_split_lists(f)
    f.write_text("train a/a.1.wav\ntest a/a.1.wav\nvalidation a/a.2.wav\n")
    with pytest.raises(DatasetError, match="both train and test"):
        splits.read_split_lists(f)
    with pytest.raises(FileNotFoundError, match="No split file"):
        splits.read_split_lists(tmp_path / "nope.txt")


def test_lists_that_leave_a_side_empty_are_an_error(tmp_path):
    f = tmp_path / "split.txt"
    f.write_text("train x/x.1.wav\nvalidation x/x.2.wav\ntest x/x.3.wav\n")
    with pytest.raises(DatasetError, match="empty"):
        splits.split_from_lists(np.array(["x/x.1.wav", "x/x.2.wav"]), splits.read_split_lists(f))
