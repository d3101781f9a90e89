"""DEAM as its archives really unpack, built small in the test: both averaged files (leading
spaces in the headers, the 13-column file of the whole songs), the per-rater folders, the
per-second files, openSMILE feature CSVs, a metadata folder, song ids with gaps, and MP3 audio
at 44100 Hz stereo, 48000 Hz and mono, of excerpts around 45 s and two whole songs.

Eleven of the fourteen excerpts are 6 s rather than 45 s: encoding MP3 is slow (about 25 ms per
second of stereo audio on a laptop-class CPU), and three excerpts of 44.6 to 45.6 s already show
how DEAM's excerpts are cut into segments."""

import math
import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import soundfile as sf
from cli_run import course_main

from course.emotion import MAX_SEGMENTS, emotion_features, noise_floor, rmse, spread_segments
from course.emotion_data import (
    AUDIO_DIR,
    label_standard_errors,
    read_annotations,
    resolve_emotion_data,
)
from course.errors import DatasetError, ParameterError

ANN = os.path.join("DEAM_Annotations", "annotations")
AVERAGED = os.path.join(ANN, "annotations averaged per song")
RATERS = os.path.join(ANN, "annotations per each rater")
# id: (seconds, sample rate, channels); the gaps are DEAM's kind (2, 3, 5, 7, 10, ...).
EXCERPTS = {
    2: (45.0, 44100, 2),
    3: (44.6, 44100, 2),
    5: (45.6, 48000, 1),
    **{i: (6.0, 44100, 2) for i in (7, 10, 11, 13, 17, 19, 23, 29, 31)},
    37: (6.0, 48000, 1),
    41: (6.0, 22050, 1),
}
WHOLE = {2001: (70.0, 44100, 2), 2003: (100.0, 44100, 1)}
NO_AUDIO = 43  # annotated, but its MP3 is missing
RATER_COUNTS = {i: 5 + (i % 7) for i in [*EXCERPTS, NO_AUDIO]} | {2001: 6}  # 2003: none


def clip(song_id, seconds, sr, channels):
    """A note on every beat: faster and louder songs are rated more aroused, higher ones more
    pleasant. A whole song holds its note and grows 24 dB louder from start to end, so its
    segments can be told apart by their energy."""
    rng = np.random.default_rng(song_id)
    tempo, level, bright = rng.uniform(70, 170), rng.uniform(-30, -12), rng.uniform(0, 1)
    t = np.arange(int(seconds * sr), dtype=np.float32) / np.float32(sr)
    cycle = np.arange(sr) / sr  # a whole number of periods in 1 s, repeated: quick to make
    y = sum(np.sin(2 * np.pi * round(150 + 450 * bright) * k * cycle) / k for k in (1, 2, 3))
    y = np.tile(y.astype(np.float32), int(np.ceil(seconds)))[: len(t)]
    if song_id in WHOLE:
        y *= 10 ** ((-12 + 24 * t / seconds) / 20)
    else:
        y *= np.exp(-((t * tempo / 60) % 1.0) * 6)
    y = np.clip(y * 10 ** (level / 20), -1, 1).astype(np.float32)
    valence = 5 + 3 * (bright - 0.5) + rng.normal(0, 0.4)
    arousal = 5 + 1.5 * (tempo - 120) / 50 + 1.5 * (level + 21) / 9 + rng.normal(0, 0.4)
    return (np.stack([y, 0.8 * y], axis=1) if channels == 2 else y), valence, arousal


def ratings(song_id, valence, arousal):
    """Each rater's integer valence and arousal (1 to 9) around the song's; the whole songs'
    raters give averages over their per-second ratings, so not whole numbers."""
    rng = np.random.default_rng(1000 + song_id)
    n = RATER_COUNTS.get(song_id, 0)
    v, a = rng.normal(valence, 1.2, n), rng.normal(arousal, 1.2, n)
    if song_id < 2000:
        v, a = np.round(v), np.round(a)
    return np.clip(v, 1, 9).round(2), np.clip(a, 1, 9).round(2)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def build_deam(root):
    """The tree, and what the test expects of it: labels, stds and rater counts per song."""
    assert "MP3" in sf.available_formats(), "this libsndfile cannot write MP3; CI's can"
    expected, jobs = {}, []
    for song_id, (seconds, sr, channels) in {**EXCERPTS, **WHOLE, NO_AUDIO: (1, 1, 1)}.items():
        y, valence, arousal = clip(song_id, seconds, sr, channels)
        v, a = ratings(song_id, valence, arousal)
        expected[song_id] = {
            "ratings": (v, a),
            "valence": round(float(v.mean()), 4) if len(v) else round(valence, 1),
            "arousal": round(float(a.mean()), 4) if len(a) else round(arousal, 1),
            "valence_std": round(float(v.std()), 2) if len(v) else 1.25,
            "arousal_std": round(float(a.std()), 2) if len(a) else 0.75,
        }
        if song_id != NO_AUDIO:
            jobs.append((root / AUDIO_DIR / f"{song_id}.mp3", y, sr))
    (root / AUDIO_DIR).mkdir(parents=True)
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:  # libsndfile releases the GIL
        list(
            pool.map(
                lambda j: sf.write(j[0], j[1], j[2], format="MP3", subtype="MPEG_LAYER_III"), jobs
            )
        )
    first = sorted(i for i in expected if i < 2000)
    song_level = os.path.join(root, AVERAGED, "song_level")
    write(
        os.path.join(song_level, "static_annotations_averaged_songs_1_2000.csv"),
        "song_id, valence_mean, valence_std, arousal_mean, arousal_std\n"
        + "".join(
            f"{i},{e['valence']:g},{e['valence_std']:g},{e['arousal']:g},{e['arousal_std']:g}\n"
            for i in first
            for e in [expected[i]]
        ),
    )
    write(
        os.path.join(song_level, "static_annotations_averaged_songs_2000_2058.csv"),
        "song_id, valence_mean, valence_std, valence_ max_mean, valence_max_std, "
        "valence_min_mean, valence_min_std, arousal_mean, arousal_std, arousal_max_mean, "
        "arousal_max_std, arousal_min_mean, arousal_min_std\n"
        + "".join(
            f"{i},{e['valence']:g},{e['valence_std']:g},8.6,0.49,3.4,1.02,"
            f"{e['arousal']:g},{e['arousal_std']:g},8.6,0.49,3.4,1.02\n"
            for i in WHOLE
            for e in [expected[i]]
        ),
    )
    workers = [f"{k:06x}a{k * 7919 % 4096:03x}" for k in range(1, 20)]
    per_rater = os.path.join(root, RATERS, "song_level")
    write(
        os.path.join(per_rater, "static_annotations_songs_1_2000.csv"),
        "workerID, SongId, Valence, Arousal\n"
        + "".join(
            f"{workers[k]},{i},{v:g},{a:g}\n"
            for i in first
            for k, (v, a) in enumerate(zip(*expected[i]["ratings"]))
        ),
    )
    write(
        os.path.join(per_rater, "static_annotations_songs_2000_2058.csv"),
        "workerID, SongId, Valence_Average, Arousal_Average\n"
        + "".join(
            f"{workers[k]},{i},{v:g},{a:g}\n"
            for i in WHOLE
            for k, (v, a) in enumerate(zip(*expected[i]["ratings"]))
        ),
    )
    samples = ",".join(f"sample_{15000 + 500 * k}ms" for k in range(60))
    for dim in ("arousal", "valence"):  # ragged rows, as DEAM's are
        write(
            os.path.join(root, AVERAGED, "dynamic (per second annotations)", f"{dim}.csv"),
            f"song_id,{samples}\n"
            + "".join(f"{i}," + ",".join(["0.1"] * (20 + i % 9)) + "\n" for i in expected),
        )
        for i in expected:
            write(
                os.path.join(root, RATERS, "dynamic (per second annotations)", dim, f"{i}.csv"),
                f"WorkerID,{samples}\n{workers[0]}," + ",".join(["-0.2"] * 30) + "\n",
            )
    for i in expected:
        write(
            os.path.join(root, "features", f"{i}.csv"),
            "frameTime;F0final_sma_stddev;F0final_sma_amean;voicingFinalUnclipped_sma_stddev\n"
            "0.000000;0.0;0.0;0.1\n0.500000;12.3;140.2;0.2\n",
        )
    for year in (2013, 2014, 2015):
        write(
            os.path.join(root, "metadata", f"metadata_{year}.csv"),
            "song_id,file_name,Artist,Song title,Genre\n2,2.mp3,Someone,Something,Blues\n",
        )
    return expected


@pytest.fixture(scope="module")
def deam(tmp_path_factory):
    root = tmp_path_factory.mktemp("deam") / "DEAM"
    start = time.perf_counter()
    expected = build_deam(root)
    print(f"\nbuilt the DEAM tree in {time.perf_counter() - start:.1f} s")
    return root, expected


@pytest.fixture(scope="module")
def data(deam):
    return resolve_emotion_data(deam[0])


@pytest.mark.slow
def test_the_songs_and_labels_come_from_both_averaged_files(data, deam):
    _, expected = deam
    found = {s.song_id: s for s in data.songs}
    assert sorted(found) == sorted([*EXCERPTS, *WHOLE])
    assert not data.synthetic
    for i, s in found.items():
        e = expected[i]
        assert (s.valence, s.arousal, s.valence_std, s.arousal_std) == (
            e["valence"],
            e["arousal"],
            e["valence_std"],
            e["arousal_std"],
        ), i
        assert s.path.name == f"{i}.mp3"
    assert data.skipped == [(f"song {NO_AUDIO}", "annotated, but no audio file")]
    above = resolve_emotion_data(deam[0].parent)  # a folder holding the tree works too
    assert [s.song_id for s in above.songs] == [s.song_id for s in data.songs]


def test_raters_are_counted_and_agree_with_the_averaged_file(data, deam):
    root, _ = deam
    assert {s.song_id: s.raters for s in data.songs} == {
        i: RATER_COUNTS.get(i, 0) for i in [*EXCERPTS, *WHOLE]
    }
    averaged, ratings_found, _ = read_annotations(root)
    # The fixture writes DEAM's std as the population std (ddof=0) of the raters' scores; the
    # means and stds recomputed from the per-rater file agree with the averaged file.
    for i, pairs in ratings_found.items():
        v, a = np.array(pairs).T
        assert averaged[i][0] == pytest.approx(v.mean(), abs=1e-4)
        assert averaged[i][2] == pytest.approx(a.mean(), abs=1e-4)
        assert averaged[i][1] == pytest.approx(v.std(ddof=0), abs=0.005)
        assert averaged[i][3] == pytest.approx(a.std(ddof=0), abs=0.005)
    assert set(ratings_found) == set(RATER_COUNTS)


def test_files_not_read_are_summarised_one_line_per_folder(data):
    ignored = dict(data.ignored)
    dyn = "dynamic (per second annotations)"
    n = len(EXCERPTS) + len(WHOLE) + 1
    static = "not used (this task predicts static, per-song values)"
    assert ignored == {
        f"2 per-second annotation files in '{AVERAGED}/{dyn}'": static,
        f"{n} per-second annotation files in '{RATERS}/{dyn}/arousal'": static,
        f"{n} per-second annotation files in '{RATERS}/{dyn}/valence'": static,
        f"{n} openSMILE feature files in 'features'": (
            "not used (the course computes its own MFCCs from the audio)"
        ),
        "3 metadata files in 'metadata'": "not used (the task needs no song metadata)",
    }
    assert data.describe().endswith(": 16 songs, 1 left out")


def test_the_noise_floor_is_the_rms_of_std_over_root_raters(data):
    se = label_standard_errors(data.songs)
    assert se.shape == (16, 2)
    by_id = {s.song_id: s for s in data.songs}
    assert np.isnan(se[[s.song_id for s in data.songs].index(2003)]).all()  # no raters known
    floor = noise_floor(data.songs)
    for dim in ("valence", "arousal"):
        terms = [getattr(by_id[i], f"{dim}_std") ** 2 / RATER_COUNTS[i] for i in by_id if i != 2003]
        assert floor[dim] == (pytest.approx(math.sqrt(sum(terms) / len(terms))), 15)
    # A model that predicts every song's true value makes errors of about se each: its RMSE
    # over many draws of the raters' noise comes out at the floor.
    rng = np.random.default_rng(0)
    known = se[~np.isnan(se[:, 0]), 0]
    draws = [rmse(np.zeros_like(known), rng.normal(0, known)) ** 2 for _ in range(4000)]
    assert math.sqrt(np.mean(draws)) == pytest.approx(floor["valence"][0], rel=0.02)


def test_spread_segments_picks_evenly_from_start_to_end():
    assert list(spread_segments(15)) == list(range(15))
    assert list(spread_segments(4)) == [0, 1, 2, 3]
    picked = spread_segments(80)  # a 4-minute song: 15 of its 80 segments
    assert len(picked) == MAX_SEGMENTS == 15 and picked[0] == 0 and picked[-1] == 79
    assert set(np.diff(picked)) <= {5, 6}
    assert list(spread_segments(33, 3)) == [0, 16, 32]
    for bad in (0, -1, 2.5):
        with pytest.raises(ParameterError, match="max_segments"):
            spread_segments(10, bad)


@pytest.fixture(scope="module")
def features(data):
    return emotion_features(data, progress=False)


def test_whole_songs_give_max_segments_spread_over_them(features, deam):
    from course.audio import load_audio
    from course.features import whole_mfcc

    root, _ = deam
    ids = list(features.song_ids)
    per_song = np.bincount(features.song)
    assert per_song[ids.index(2)] == 15 and per_song[ids.index(5)] == 15
    assert per_song[ids.index(3)] == 14  # 44.6 s: 14 whole segments of 3 s
    assert per_song[ids.index(10)] == 2
    assert features.longer == 2 and features.max_segments == 15
    for song_id, seconds in ((2001, 70.0), (2003, 100.0)):
        k = ids.index(song_id)
        assert per_song[k] == 15
        available = int(seconds // 3)
        starts = features.start[features.song == k]
        np.testing.assert_allclose(starts, 3.0 * spread_segments(available))
        assert starts[0] == 0 and starts[-1] == 3.0 * (available - 1)
        # They are those segments of the recording, and the song grows louder throughout.
        full = whole_mfcc(load_audio(root / AUDIO_DIR / f"{song_id}.mp3"))
        mine = features.mfcc[features.song == k]
        np.testing.assert_array_equal(mine, full[spread_segments(available)])
        energy = mine[:, :, 0].mean(axis=1)
        assert np.all(np.diff(energy) > 0)
    assert "2 songs are 48 s or longer" in features.weighting()
    with pytest.raises(ParameterError, match="max_segments"):
        emotion_features(resolve_emotion_data(root), max_segments=0, progress=False)


def small_tree(root, averaged=None, per_rater=None):
    song_level = os.path.join(root, AVERAGED, "song_level")
    write(
        os.path.join(song_level, "static_annotations_averaged_songs_1_2000.csv"),
        averaged
        or ("song_id, valence_mean, valence_std, arousal_mean, arousal_std\n2,3.1,0.94,3,0.63\n"),
    )
    if per_rater:
        write(
            os.path.join(root, RATERS, "song_level", "static_annotations_songs_2000_2058.csv"),
            per_rater,
        )
    return root


def test_a_non_numeric_value_names_the_file_line_and_column(tmp_path):
    root = small_tree(
        tmp_path / "a",
        averaged="song_id, valence_mean, valence_std, "
        "arousal_mean, arousal_std\n2,3.1,0.94,3,0.63\n3,3.3,0.8,high,0.5\n",
    )
    with pytest.raises(
        DatasetError,
        match=r"static_annotations_averaged_songs_1_2000\.csv, "
        r"line 3, column 'arousal_mean': 'high'",
    ):
        read_annotations(root)
    root = small_tree(
        tmp_path / "b", per_rater="workerID, SongId, Valence, Arousal\nab12,2,3,4\nab13,2,?,5\n"
    )
    with pytest.raises(DatasetError, match=r"songs_2000_2058\.csv, line 3, column 'Valence'"):
        read_annotations(root)
    root = small_tree(tmp_path / "c", per_rater="workerID, SongId, Valence, Arousal\nab12,2x,3,4\n")
    with pytest.raises(DatasetError, match=r"line 2, column 'SongId': '2x' is not a song id"):
        read_annotations(root)


def test_an_unrecognised_per_rater_file_is_left_out_and_said_why(tmp_path):
    root = small_tree(tmp_path, per_rater="workerID, SongId, V_first, A_first\nab12,2,3,4\n")
    averaged, ratings_found, ignored = read_annotations(root)
    assert list(averaged) == [2] and ratings_found == {}
    assert ignored == [
        (
            f"1 unrecognised CSV file in '{RATERS}/song_level'",
            "not used (neither averaged (song_id, valence_mean, arousal_mean) nor "
            "per-rater (a rater, SongId, Valence, Arousal) columns)",
        )
    ]


def test_a_song_in_both_averaged_files_is_an_error(tmp_path):
    root = small_tree(tmp_path)
    write(
        os.path.join(
            root, AVERAGED, "song_level", "static_annotations_averaged_songs_2000_2058.csv"
        ),
        "song_id, valence_mean, arousal_mean\n2,5,5\n",
    )
    with pytest.raises(DatasetError, match="Song 2 is in .*1_2000.csv and in .*2000_2058.csv"):
        read_annotations(root)


@pytest.mark.slow
def test_compare_task_emotion_runs_on_the_tree(deam, tmp_path):
    root, _ = deam
    proc = course_main(
        "compare",
        "--task",
        "emotion",
        "--data",
        root,
        "--epochs",
        "1",
        "--models",
        "mlp",
        "--out-dir",
        tmp_path / "out",
    )
    assert proc.returncode == 0, proc.stderr
    assert "left out song 43: annotated, but no audio file" in proc.stdout
    assert "openSMILE feature files in 'features'" in proc.stdout
    report = (tmp_path / "out" / "results.md").read_text()
    assert "2 songs are 48 s or longer; each song is represented by at most 15 segments" in report
    assert "| mlp |" in report
