"""Finding data, both GTZAN layouts, skipped files, segment features, threads and the cache."""

import json

import numpy as np
import pytest
import soundfile as sf

from course import data, features
from course.data import resolve_data
from course.errors import DatasetError, ParameterError
from course.features import prepare
from course.settings import SAMPLE_RATE, FeatureParams


def _gtzan(root, layout, genres=("rock", "blues", "jazz"), per_genre=2, seconds=30.0, write=None):
    """A tiny GTZAN-like tree; folders are created in the given (unsorted) order."""
    from conftest import write_tone

    base = root / ("genres" if layout == "original" else "Data/genres_original")
    ext = ".au" if layout == "original" else ".wav"
    for gi, genre in enumerate(genres):
        for i in range(per_genre):
            path = base / genre / f"{genre}.{i:05d}{ext}"
            write_tone(
                path,
                seconds=seconds,
                freq=220.0 * (gi + 1) + 30 * i,
                fmt="AU" if ext == ".au" else None,
                subtype="PCM_16",
            )
    return base


# --- finding the data -------------------------------------------------------------------


def test_the_one_rule_data_then_env_then_data_gtzan_then_sample(tmp_path, monkeypatch):
    a = _gtzan(tmp_path / "a", "common", per_genre=1, seconds=1.0)
    b = _gtzan(tmp_path / "b", "common", per_genre=1, seconds=1.0)
    c = _gtzan(tmp_path / "data" / "gtzan", "original", per_genre=1, seconds=1.0)
    monkeypatch.setattr(data, "DATA_DIR", tmp_path / "data")
    monkeypatch.setenv("COURSE_DATA", str(tmp_path / "b"))
    assert resolve_data(str(tmp_path / "a")).root == a
    assert resolve_data(str(tmp_path / "a")).origin == "--data"
    assert resolve_data().root == b and resolve_data().origin == "COURSE_DATA"
    monkeypatch.delenv("COURSE_DATA")
    found = resolve_data()
    assert found.root == c and found.origin == "data/gtzan" and not found.synthetic
    monkeypatch.setattr(data, "DATA_DIR", tmp_path / "nothing")
    fallback = resolve_data(make_sample=False)
    assert fallback.origin == "sample" and fallback.synthetic


@pytest.mark.parametrize("layout", ["original", "common"])
def test_both_gtzan_layouts_are_found_from_the_top_folder(tmp_path, layout):
    base = _gtzan(tmp_path, layout, per_genre=1, seconds=1.0)
    assert data.find_genre_root(tmp_path) == base
    assert data.find_genre_root(base) == base


def test_a_missing_path_and_a_folder_without_genres_fail_with_the_expected_layout(tmp_path):
    with pytest.raises(DatasetError, match="does not exist.*genre folders"):
        data.find_genre_root(tmp_path / "nope")
    (tmp_path / "empty" / "stuff").mkdir(parents=True)
    (tmp_path / "empty" / "notes.txt").write_text("hi")
    with pytest.raises(DatasetError, match="No genre folders.*blues/blues.00000.wav"):
        data.find_genre_root(tmp_path / "empty")


def test_folders_named_only_by_numbers_are_never_taken_for_genres(tmp_path):
    base = _gtzan(tmp_path, "common", genres=("001", "002", "010"), per_genre=1, seconds=0.5)
    for given in (tmp_path, base):
        with pytest.raises(DatasetError, match=r"folders named only by numbers \(001, 002, 010\)"):
            resolve_data(given)
    with pytest.raises(DatasetError, match="named only by numbers"):
        data.list_tracks(base)  # as a notebook calls it
    # One genre named by a number among named ones is a genre like any other.
    _gtzan(tmp_path, "common", genres=("rock",), per_genre=1, seconds=0.5)
    assert data.list_tracks(base)[1] == ["001", "002", "010", "rock"]


@pytest.mark.parametrize("layout", ["original", "common"])
def test_a_single_genre_folder_is_refused_since_classification_needs_two(tmp_path, layout):
    base = _gtzan(tmp_path, layout, genres=("jazz",), per_genre=2, seconds=0.5)
    for given in (tmp_path, base):
        with pytest.raises(DatasetError, match=r"only one genre folder \(jazz/\).*at least two"):
            resolve_data(given)
    with pytest.raises(DatasetError, match="only one genre folder"):
        prepare(str(tmp_path), cache=False, progress=False)


def test_a_refused_folder_is_one_line_and_exit_2_on_the_command_line(tmp_path):
    import subprocess
    import sys

    _gtzan(tmp_path, "common", genres=("1", "2"), per_genre=1, seconds=0.5)
    proc = subprocess.run(
        [sys.executable, "-m", "course", "prepare", "--data", str(tmp_path), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "named only by numbers (1, 2)" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_labels_come_from_sorted_genre_names(tmp_path):
    base = _gtzan(tmp_path, "common", genres=("rock", "blues", "jazz"), per_genre=1, seconds=1.0)
    (base / ".hidden").mkdir()
    (base / "rock" / ".DS_Store").write_bytes(b"\x00\x01")
    tracks, genres = data.list_tracks(base)
    assert genres == ["blues", "jazz", "rock"]
    assert [(t.relpath, t.label) for t in tracks] == [
        ("blues/blues.00000.wav", 0),
        ("jazz/jazz.00000.wav", 1),
        ("rock/rock.00000.wav", 2),
    ]


# --- features ---------------------------------------------------------------------------


def test_segment_mfcc_matches_one_librosa_call_per_segment():
    import librosa

    rng = np.random.default_rng(0)
    y = (0.1 * rng.standard_normal(SAMPLE_RATE * 30)).astype(np.float32)
    y[: SAMPLE_RATE * 5] *= 1e-4  # quiet in places: the dB floor is per call
    m, dropped = features.segment_mfcc(y)
    assert m.shape == (10, 130, 13) and m.dtype == np.float32 and dropped == 0
    for s in range(10):
        ref = librosa.feature.mfcc(
            y=y[s * 66150 : (s + 1) * 66150], sr=22050, n_mfcc=13, n_fft=2048, hop_length=512
        ).T
        np.testing.assert_allclose(m[s], ref, rtol=0, atol=1e-3)


def notes_per_segment(y, n_segments=10, seg=66150, hop=512, n_mfcc=13):
    """The notes' loop, written out: one librosa call per segment, kept if it has
    ceil(seg / hop) frames."""
    import librosa

    out = []
    for d in range(n_segments):
        m = librosa.feature.mfcc(
            y=y[seg * d : seg * (d + 1)], sr=22050, n_mfcc=n_mfcc, n_fft=2048, hop_length=hop
        ).T
        if len(m) == int(np.ceil(seg / hop)):
            out.append(m)
    return np.array(out)


@pytest.mark.parametrize("seconds", [30.0, 29.997, 29.97, 31.0])
def test_short_and_long_clips_keep_exactly_the_notes_segments(seconds):
    import warnings

    rng = np.random.default_rng(int(seconds * 1000))
    y = (0.2 * rng.standard_normal(int(SAMPLE_RATE * seconds))).astype(np.float32)
    m, dropped = features.segment_mfcc(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # librosa: n_fft larger than a tiny tail
        ref = notes_per_segment(y)
    assert m.shape == ref.shape and dropped == 10 - len(ref)
    np.testing.assert_allclose(m, ref, rtol=0, atol=1e-3)


def test_a_clip_a_little_short_of_30_s_loses_only_its_last_segment():
    y = np.zeros(int(SAMPLE_RATE * 29.97), dtype=np.float32)
    m, dropped = features.segment_mfcc(y)
    assert m.shape[0] == 9 and dropped == 1
    # Short by less than one hop (50 samples): the last segment still has 130 frames and stays.
    m, dropped = features.segment_mfcc(np.zeros(661500 - 50, dtype=np.float32))
    assert m.shape[0] == 10 and dropped == 0


@pytest.mark.parametrize(
    "n_samples", [0, 66047, 66048, 600000, 660000, 661344, 661397, 661398, 661408, 661500, 700000]
)
def test_segments_kept_counts_the_segments_librosa_frames_fully(n_samples):
    """Against librosa's own frame count per segment (its STFT centres the frames), for
    lengths around the threshold and GTZAN's short files (660000, 661344 and 661408 samples)."""
    import librosa

    seg, frames = 66150, 130
    full = sum(
        1
        for d in range(10)
        if n_samples > seg * d
        and librosa.stft(np.zeros(min(seg, n_samples - seg * d)), n_fft=2048, hop_length=512).shape[
            1
        ]
        == frames
    )
    assert features.segments_kept(n_samples) == full
    if n_samples:
        assert features.segment_mfcc(np.zeros(n_samples, np.float32))[0].shape[0] == full


def test_other_parameters_shape_the_features():
    p = FeatureParams(track_duration=6.0, segments_per_track=2, n_mfcc=20, hop_length=256)
    y = np.random.default_rng(1).standard_normal(SAMPLE_RATE * 6).astype(np.float32)
    m, _ = features.segment_mfcc(y, p)
    assert m.shape == (2, 1 + 66150 // 256, 20) == (2, p.frames_per_segment, 20)


def test_bad_feature_parameters_are_refused():
    with pytest.raises(ParameterError, match="n_mfcc"):
        FeatureParams(n_mfcc=200)
    with pytest.raises(ParameterError, match="hop_length must be positive"):
        FeatureParams(hop_length=0)


def test_prepare_skips_an_unreadable_file_and_keeps_everything_else(tmp_path):
    base = _gtzan(tmp_path, "common", genres=("jazz", "blues"), per_genre=2, seconds=30.0)
    (base / "jazz" / "jazz.00054.wav").write_bytes(b"RIFF" + bytes(64))
    feats = prepare(str(tmp_path), cache=False, progress=False)
    assert [name for name, _ in feats.skipped] == ["jazz/jazz.00054.wav"]
    assert "not readable" in feats.skipped[0][1]
    assert feats.mfcc.shape == (40, 130, 13)
    assert sorted(set(feats.track)) == [
        "blues/blues.00000.wav",
        "blues/blues.00001.wav",
        "jazz/jazz.00000.wav",
        "jazz/jazz.00001.wav",
    ]
    assert list(feats.mapping) == ["blues", "jazz"]
    assert set(feats.labels[feats.track == "jazz/jazz.00001.wav"]) == {1}
    assert "jazz/jazz.00054.wav" in feats.summary()


def test_a_too_short_file_is_skipped_by_name(tmp_path):
    base = _gtzan(tmp_path, "common", genres=("pop", "rock"), per_genre=1, seconds=30.0)
    from conftest import write_tone

    write_tone(base / "pop" / "pop.00099.wav", seconds=1.0)
    feats = prepare(str(base), cache=False, progress=False)
    assert feats.skipped == [("pop/pop.00099.wav", "shorter than one 3-s segment")]
    assert len(feats.labels) == 20


def test_the_npz_file_and_the_cache(tmp_path, monkeypatch):
    base = _gtzan(tmp_path / "d", "common", genres=("a", "b"), per_genre=1, seconds=30.0)
    monkeypatch.setattr(features, "CACHE_DIR", tmp_path / "cache")
    out = tmp_path / "f.npz"
    feats = prepare(str(base), out=out, progress=False)
    with np.load(out, allow_pickle=False) as z:
        assert z["mfcc"].dtype == np.float32 and z["mfcc"].shape == (20, 130, 13)
        assert z["labels"].tolist() == [0] * 10 + [1] * 10
        assert z["mapping"].tolist() == ["a", "b"]
        assert z["track"][0] == "a/a.00000.wav"
        assert json.loads(str(z["params"]))["n_mfcc"] == 13
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".npz"]  # no partial files

    # A second run loads the cache: computing anything would fail.
    def boom(*a, **k):
        raise AssertionError("recomputed although the cache matched")

    monkeypatch.setattr(features, "segment_mfcc", boom)
    again = prepare(str(base), progress=False)
    np.testing.assert_array_equal(again.mfcc, feats.mfcc)
    # A changed parameter, or a changed file, recomputes.
    with pytest.raises(AssertionError, match="recomputed"):
        prepare(str(base), params=FeatureParams(n_mfcc=20), progress=False)
    sf.write(base / "a" / "a.00000.wav", np.zeros(SAMPLE_RATE * 30), SAMPLE_RATE)
    with pytest.raises(AssertionError, match="recomputed"):
        prepare(str(base), progress=False)


def test_a_damaged_features_file_is_reported_not_trusted(tmp_path):
    bad = tmp_path / "f.npz"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(DatasetError, match="prepare"):
        features.load_features(bad)


def test_features_do_not_depend_on_the_number_of_threads(tiny_sample):
    # Bit for bit: each track is computed with the numerical libraries on one thread.
    one = prepare(str(tiny_sample), cache=False, progress=False, jobs=1)
    for jobs in (2, 3):
        many = prepare(str(tiny_sample), cache=False, progress=False, jobs=jobs)
        np.testing.assert_array_equal(many.mfcc, one.mfcc)
        np.testing.assert_array_equal(many.track, one.track)
    with pytest.raises(ParameterError, match="jobs"):
        prepare(str(tiny_sample), cache=False, progress=False, jobs=0)
