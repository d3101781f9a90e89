"""Music emotion recognition: DEAM's layout, the synthetic emotion sample, the metrics (against
scikit-learn and their definitions), the comparison and its command."""

import hashlib
import warnings

import numpy as np
import pytest
from cli_run import course_main

from course.emotion import (
    EmotionComparison,
    ccc,
    compare_emotion,
    emotion_features,
    r2,
    rmse,
    song_split,
)
from course.emotion_data import (
    ANNOTATIONS,
    AUDIO_DIR,
    EmotionData,
    make_emotion_sample,
    read_factors,
    read_static_annotations,
    resolve_emotion_data,
)
from course.errors import DatasetError, OutputError


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return make_emotion_sample(
        tmp_path_factory.mktemp("emotion") / "sample", songs=40, progress=False
    )


@pytest.fixture(scope="module")
def features(sample):
    return emotion_features(resolve_emotion_data(sample), progress=False)


def test_metrics_match_scikit_learn_and_their_definitions():
    from scipy.stats import pearsonr
    from sklearn.metrics import mean_squared_error, r2_score

    rng = np.random.default_rng(0)
    y = rng.uniform(1, 9, 50)
    p = 0.7 * y + 1.5 + rng.normal(0, 0.8, 50)
    assert rmse(y, p) == pytest.approx(np.sqrt(mean_squared_error(y, p)))
    assert r2(y, p) == pytest.approx(r2_score(y, p))
    # Lin's CCC through Pearson's correlation: 2 rho s_x s_y / (s_x^2 + s_y^2 + (mx - my)^2).
    rho = pearsonr(y, p).statistic
    expected = 2 * rho * y.std() * p.std() / (y.var() + p.var() + (y.mean() - p.mean()) ** 2)
    assert ccc(y, p) == pytest.approx(expected)
    assert ccc(y, y) == pytest.approx(1.0)
    # A shifted copy correlates perfectly, but does not agree: CCC sees the shift.
    assert pearsonr(y, y + 1).statistic == pytest.approx(1.0)
    assert ccc(y, y + 1) == pytest.approx(2 * y.var() / (2 * y.var() + 1))
    assert r2(y, np.full_like(y, y.mean())) == pytest.approx(0.0)


@pytest.mark.slow
def test_the_sample_has_deams_layout_and_the_same_bytes_for_the_same_seed(sample, tmp_path):
    assert (sample / ANNOTATIONS).is_file() and (sample / AUDIO_DIR / "2.wav").is_file()
    header = (sample / ANNOTATIONS).read_text().splitlines()[0]
    assert header == "song_id, valence_mean, valence_std, arousal_mean, arousal_std"
    again = make_emotion_sample(tmp_path / "again", songs=40, progress=False)

    def digest(folder):
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    assert digest(sample) == digest(again)
    other = make_emotion_sample(tmp_path / "other", songs=8, seed=1, progress=False)
    assert (other / AUDIO_DIR / "2.wav").read_bytes() != (sample / AUDIO_DIR / "2.wav").read_bytes()


def test_four_clips_are_bit_for_bit_what_they_were_before_tones_were_reused():
    """SHA-256 of the float32 audio of songs 2, 3, 17 and 60 (default seed), as the synthesiser
    rendered them before it reused its tones (commit f178ad2), when notebook 11 was executed."""
    from course.emotion_data import synthesize_emotion_clip

    h = hashlib.sha256()
    for song_id in (2, 3, 17, 60):
        h.update(synthesize_emotion_clip(song_id)[0].tobytes())
    assert h.hexdigest() == "f27df9c02607a1227b0b9685ddd8f5d1b5bbc9b60db36d6395083b3d5d9e7257"


def test_the_known_factors_set_valence_and_arousal(sample):
    factors = read_factors(sample)
    labels = read_static_annotations(sample)
    assert set(factors) == set(labels) == set(range(2, 42))
    major = [labels[i][0] for i, f in factors.items() if f["mode"] == "major"]
    minor = [labels[i][0] for i, f in factors.items() if f["mode"] == "minor"]
    assert np.mean(major) - np.mean(minor) > 1.5  # +1.2 against -1.2, plus noise
    tempo = [f["tempo_bpm"] for f in factors.values()]
    arousal = [labels[i][1] for i in factors]
    assert np.corrcoef(tempo, arousal)[0, 1] > 0.4


def test_deam_csvs_with_spaces_and_two_files_are_read_and_gaps_reported(tmp_path, sample):
    import shutil

    root = tmp_path / "deam"
    csv_dir = root / ANNOTATIONS.parent
    csv_dir.mkdir(parents=True)
    (csv_dir / "static_annotations_averaged_songs_1_2000.csv").write_text(
        "\ufeffsong_id, valence_mean, valence_std, arousal_mean, arousal_std\n"
        + "".join(f"{i}, 3.1, 0.94, 6, 0.63\n" for i in range(2, 12))
    )
    (csv_dir / "static_annotations_averaged_songs_2000_2058.csv").write_text(
        "song_id,valence_mean,valence_std,arousal_mean,arousal_std\n2001,7.5,1.2,2.25,1.0\n"
    )
    (root / AUDIO_DIR).mkdir(parents=True)
    for i in [*range(2, 11), 2001, 3000]:
        shutil.copy(sample / AUDIO_DIR / "2.wav", root / AUDIO_DIR / f"{i}.wav")
    data = resolve_emotion_data(root)
    assert isinstance(data, EmotionData) and not data.synthetic
    assert [s.song_id for s in data.songs] == [*range(2, 11), 2001]
    assert data.songs[-1].valence == 7.5 and data.songs[0].arousal == 6.0
    assert ("song 11", "annotated, but no audio file") in data.skipped
    assert any(why == "audio without an annotation" for _, why in data.skipped)
    assert data.ignored == [] and data.songs[0].valence_std == 0.94
    assert data.songs[0].raters == 0  # no per-rater file here: the number of raters is unknown


def test_missing_or_empty_emotion_folders_are_named(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        resolve_emotion_data(tmp_path / "nope")
    with pytest.raises(DatasetError, match="static_annotations"):
        resolve_emotion_data(tmp_path)


def test_the_sample_never_replaces_a_folder_it_did_not_make(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "song.wav").write_bytes(b"my music")
    with pytest.raises(OutputError, match="song.wav|no synthetic emotion sample"):
        make_emotion_sample(mine, songs=8, progress=False)
    assert (mine / "song.wav").read_bytes() == b"my music"


def test_the_sample_reports_nothing_left_out(sample):
    data = resolve_emotion_data(sample)  # its factors.csv and manifest are the course's own
    assert data.skipped == [] and data.ignored == [] and data.synthetic
    assert data.describe().endswith("(given with --data): 40 songs")


def test_segments_cover_each_whole_clip_and_splits_keep_songs_apart(features):
    assert features.mfcc.shape == (40 * 4, 130, 13)  # 12-s clips, four 3-s segments each
    assert features.longer == 0 and features.max_segments == 15  # 12 s: all four are kept
    np.testing.assert_array_equal(features.start, np.tile([0.0, 3.0, 6.0, 9.0], 40))
    assert features.targets.shape == (40, 2) and features.synthetic
    train, validation, test = song_split(features, seed=0)
    assert not (set(train) & set(test)) and not (set(validation) & set(test))
    assert len(train) + len(validation) + len(test) == 40
    stats = features.song_statistics()
    assert stats.shape == (40, 26)
    np.testing.assert_allclose(
        stats[0, :13], features.mfcc[:4].reshape(-1, 13).mean(axis=0), rtol=1e-5
    )


def test_a_quadrant_with_fewer_songs_than_folds_splits_without_a_warning():
    # 24 songs, 2 of them in the calm-negative quadrant: fewer than the 5 validation folds, so
    # scikit-learn would warn a learner that stratifying cannot be exact (it still splits).
    from types import SimpleNamespace

    targets = np.array([[7.0, 7.0]] * 8 + [[3.0, 7.0]] * 7 + [[7.0, 3.0]] * 7 + [[3.0, 3.0]] * 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parts = song_split(SimpleNamespace(targets=targets), seed=0)
    assert sorted(np.concatenate(parts).tolist()) == list(range(24))
    assert all(len(part) for part in parts)


@pytest.mark.slow
def test_the_comparison_scores_every_model_and_states_a_computed_verdict(features, tmp_path):
    result = compare_emotion(features, ["mlp"], seeds=[0, 1], epochs=2, progress=False)
    assert result.models == ["mean", "ridge", "mlp"]
    table = result.table()
    assert "| ridge |" in table and "| valence RMSE | valence R² | valence CCC |" in table
    assert "-0.00" not in table  # a mean that rounds to zero is shown as 0.00
    # Arousal is set by loudness, tempo and density, which MFCC statistics carry.
    assert result.mean_score("ridge", "arousal", "r2")[0] > 0.3
    assert result.mean_score("mean", "valence", "ccc")[0] == pytest.approx(0.0, abs=1e-9)
    tests = result.tests()
    assert len(tests) == 4  # per dimension, the best of three models against the other two
    songs = len(set(np.concatenate([result.test_songs[s] for s in result.seeds]).tolist()))
    for t in tests:
        rmses = {m: result.mean_score(m, t["dimension"], "rmse")[0] for m in result.models}
        assert t["best"] == min(rmses, key=rmses.get) and t["other"] != t["best"]
        assert t["songs"] == songs and t["p_holm"] >= t["p_value"]  # each song once; Holm
    assert "not DEAM results" in result.conclusion()
    written = result.write(tmp_path / "out")
    assert {p.name for p in written} == {
        "results.md",
        "results.csv",
        "settings.json",
        "va_plane.png",
    }
    assert result.settings["max_segments"] == 15 and result.settings["longer_songs"] == 0
    assert (
        "No song is 48 s or longer; each song is represented by at most 15 segments"
        in (tmp_path / "out" / "results.md").read_text()
    )


def test_the_paired_tests_are_wilcoxon_on_each_song_once_worked_by_hand():
    from scipy.stats import wilcoxon

    # Six test songs. Valence: a is exact, b is off by 1..6, so the differences of squared
    # errors (b minus a) are 1, 4, ..., 36, all positive. Arousal: a is off on songs 0-1 and b
    # on songs 2-5, giving differences -1, -2, 3, 4, 5, 6.
    truth = np.column_stack([np.linspace(2, 8, 6), np.linspace(7, 3, 6)])
    a_err = np.zeros((6, 2))
    a_err[:2, 1] = np.sqrt([1.0, 2.0])
    b_err = np.zeros((6, 2))
    b_err[:, 0] = np.arange(1, 7)
    b_err[2:, 1] = np.sqrt([3.0, 4.0, 5.0, 6.0])
    a, b = truth + a_err, truth + b_err
    # A second seed tests songs 2 and 3 again with the same predictions: each song still counts
    # once (pooling the 8 song tests would give other p-values).
    result = EmotionComparison(
        models=["a", "b"],
        seeds=[0, 1],
        truth={0: truth, 1: truth[2:4]},
        predictions={("a", 0): a, ("b", 0): b, ("a", 1): a[2:4], ("b", 1): b[2:4]},
        test_songs={0: np.arange(6), 1: np.array([2, 3])},
        histories={},
        synthetic=True,
    )
    valence, arousal = result.tests()
    assert (valence["best"], valence["other"], valence["songs"]) == ("a", "b", 6)
    assert (arousal["best"], arousal["other"], arousal["songs"]) == ("a", "b", 6)
    assert valence["mean_diff"] == pytest.approx(91 / 6)
    assert arousal["mean_diff"] == pytest.approx(15 / 6)
    # Exact signed-rank test, n = 6, 2^6 = 64 equally likely sign patterns under H0.
    # Valence: no negative rank, W- = 0; only the empty set sums to 0: p = 2 * 1/64.
    # Arousal: the negative ranks are 1 and 2, W- = 3; subsets of 1..6 summing to <= 3 are
    # {}, {1}, {2}, {3}, {1, 2}: p = 2 * 5/64.
    assert valence["p_value"] == pytest.approx(2 / 64)
    assert arousal["p_value"] == pytest.approx(10 / 64)
    assert wilcoxon([1, 4, 9, 16, 25, 36]).pvalue == pytest.approx(2 / 64)
    assert wilcoxon([-1, -2, 3, 4, 5, 6]).pvalue == pytest.approx(10 / 64)
    # Holm over the two: 2/64 x 2 = 0.0625, then 10/64 x 1 = 0.15625 (already larger).
    assert [valence["p_holm"], arousal["p_holm"]] == pytest.approx([0.0625, 0.15625])
    # The signed-rank sums the test compares: valence all positive, 1 + ... + 6 = 21; arousal
    # W- = 1 + 2 = 3 and W+ = 3 + 4 + 5 + 6 = 18.
    assert (valence["rank_sums"], arousal["rank_sums"]) == ((21.0, 0.0), (18.0, 3.0))


def _two_models(diff):
    """A comparison of models "a" (exact) and "b" whose squared errors exceed a's by ``diff``
    (negative: b is the better on that song) on valence; arousal is the same shape."""
    diff = np.asarray(diff, float)
    truth = np.column_stack([np.linspace(2, 8, len(diff))] * 2)
    a = truth + np.where(diff < 0, np.sqrt(np.abs(diff)), 0)[:, None]
    b = truth + np.where(diff > 0, np.sqrt(np.abs(diff)), 0)[:, None]
    return EmotionComparison(
        models=["a", "b"],
        seeds=[0],
        truth={0: truth},
        predictions={("a", 0): a, ("b", 0): b},
        test_songs={0: np.arange(len(diff))},
        histories={},
        synthetic=False,
        settings={"epochs": 30},
    )


def test_the_verdict_reads_the_direction_from_the_rank_sums_not_the_mean():
    # b is worse by 20 on one song and better by 1 on five: its mean difference is +2.5 (a
    # looks better on average) but its signed ranks favour b: W+ = 6, W- = 3 x 5 = 15 (five
    # tied absolute values share ranks 1 to 5, mean 3).
    test = _two_models([20, -1, -1, -1, -1, -1]).tests()[0]
    assert test["mean_diff"] == pytest.approx(2.5)
    assert test["rank_sums"] == (6.0, 15.0)


def test_the_verdict_says_as_trained_here_and_prints_small_p_values_as_below_0_001():
    result = _two_models(np.arange(1, 41, dtype=float))  # b worse on all 40 songs
    (test, _), text = result.tests(), result.conclusion()
    assert test["p_holm"] < 0.001 and "e-" not in text
    assert "As trained here, it is shown better than b (p < 0.001)." in text
    assert "30 epochs, each network tested after its last epoch, nothing tuned" in text
    assert "picked on the songs it is tested on" in text
    assert "not DEAM results" not in text


@pytest.mark.slow
def test_compare_task_emotion_runs_headless_and_refuses_genre_options(sample, tmp_path):
    def run(*args):
        return course_main("compare", "--task", "emotion", "--data", sample, *args)

    proc = run(
        "--models", "cnn", "--epochs", "1", "--songs", "24", "--out-dir", str(tmp_path / "out")
    )
    assert proc.returncode == 0, proc.stderr
    assert "| cnn |" in proc.stdout and "Arousal:" in proc.stdout
    assert (tmp_path / "out" / "va_plane.png").is_file()
    assert "No song is 48 s or longer" in proc.stdout
    proc = run("--protocol", "notes")  # the emotion task always splits by song
    assert proc.returncode == 2 and "--protocol notes belong to the genre task" in proc.stderr


def test_an_unreadable_song_is_left_out_and_named(sample, tmp_path):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(sample, root)
    (root / AUDIO_DIR / "3.wav").write_bytes(b"RIFF, not audio")
    feats = emotion_features(resolve_emotion_data(root), progress=False)
    assert len(feats.targets) == 39 and 3 not in feats.song_ids
    assert feats.skipped[0][0] == "3.wav" and "not readable" in feats.skipped[0][1]


def test_the_sample_plays_the_mode_by_pitch_alone_same_loudness_and_timing(monkeypatch):
    # Notebook 11's solution 5 rests on this: flipping a clip's mode, all else equal, changes
    # which pitches sound but not the clip's loudness or when its notes start.
    import course.emotion_data as emotion_data

    drawn = emotion_data.emotion_factors

    def flipped(song_id, seed=0):
        factors = drawn(song_id, seed)
        factors["mode"] = {"major": "minor", "minor": "major"}[factors["mode"]]
        return factors

    def envelope(y, frame=1024):  # RMS per frame of about 46 ms
        return np.sqrt(np.mean(y[: len(y) // frame * frame].reshape(-1, frame) ** 2, axis=1))

    for song_id in (2, 3):
        y, factors = emotion_data.synthesize_emotion_clip(song_id, seconds=6.0)
        monkeypatch.setattr(emotion_data, "emotion_factors", flipped)
        other, other_factors = emotion_data.synthesize_emotion_clip(song_id, seconds=6.0)
        monkeypatch.setattr(emotion_data, "emotion_factors", drawn)
        assert factors["mode"] != other_factors["mode"]
        assert np.sqrt(np.mean(other**2)) == pytest.approx(np.sqrt(np.mean(y**2)), rel=0.01)
        assert np.corrcoef(envelope(y), envelope(other))[0, 1] > 0.95
        assert np.abs(y - other).max() > 0.1  # the pitches do differ
