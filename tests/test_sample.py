"""The synthetic sample: GTZAN's shape, deterministic bytes, and genres that overlap."""

import hashlib

import numpy as np
import pytest
import soundfile as sf

from course import recipes, sample, synth
from course.errors import ParameterError
from course.features import track_statistics
from course.settings import GENRES, SAMPLE_RATE


def _digest(folder):
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*.wav")):
        h.update(f.relative_to(folder).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def test_gtzan_shape(tiny_sample):
    folders = sorted(p.name for p in tiny_sample.iterdir() if p.is_dir())
    assert folders == sorted(GENRES) and len(folders) == 10
    for genre in GENRES:
        files = sorted(p.name for p in (tiny_sample / genre).iterdir())
        assert files == [f"{genre}.00000.wav", f"{genre}.00001.wav"]
        info = sf.info(tiny_sample / genre / files[0])
        assert info.samplerate == SAMPLE_RATE == 22050
        assert info.channels == 1
        assert info.subtype == "PCM_16"
        assert 29.9 < info.duration <= 30.0


@pytest.mark.slow
def test_same_seed_same_bytes_and_tracks_do_not_depend_on_the_count(tmp_path, tiny_sample):
    one = sample.make_sample(tmp_path / "a", tracks_per_genre=1, progress=False)
    again = sample.make_sample(tmp_path / "b", tracks_per_genre=1, progress=False)
    assert _digest(one) == _digest(again)
    for genre in GENRES:  # the first track is the same whether 1 or 2 tracks are made
        name = f"{genre}/{genre}.00000.wav"
        assert (one / name).read_bytes() == (tiny_sample / name).read_bytes()


# SHA-256 digests of float32 audio as the synthesiser rendered it before it was made faster
# (commit f178ad2): track 7 of every genre (default seed and rate), the audio the committed
# notebooks were executed with; and three notes at three rates, one longer than the 5 s of note
# curves the synthesiser keeps (synthesize_note(62, timbre, seconds, rate, seed=5)).
TRACKS_7_SHA256 = "b7559bb55cf26f38322a8af39e8bff2d5a35f7d8a002fb030a09c6d574e5a91f"
NOTES_SHA256 = "0eaa6863425b71ff51fc18607c07d401f6570318476d86a3e4cb7048145e5f77"


def test_the_audio_is_bit_for_bit_what_the_notebooks_were_executed_with():
    h = hashlib.sha256()
    for genre in GENRES:
        h.update(synth.synthesize_track(genre, 7).tobytes())
    assert h.hexdigest() == TRACKS_7_SHA256
    h = hashlib.sha256()
    for timbre, seconds, rate in (
        ("strings", 6.0, 44100),
        ("pluck", 2.0, 16000),
        ("organ", 1.5, 22050),
    ):
        h.update(synth.synthesize_note(62, timbre, seconds, rate, seed=5).tobytes())
    assert h.hexdigest() == NOTES_SHA256


def test_another_seed_gives_other_audio():
    a = synth.synthesize_track("rock", 0, seed=0, duration=3.0)
    b = synth.synthesize_track("rock", 0, seed=1, duration=3.0)
    assert a.shape[0] > 0 and not (a.shape == b.shape and np.allclose(a, b))


def test_an_existing_sample_is_reused_not_rebuilt(tmp_path):
    out = sample.make_sample(tmp_path / "s", tracks_per_genre=1, progress=False)
    stamp = (out / "rock" / "rock.00000.wav").stat().st_mtime_ns
    sample.make_sample(out, tracks_per_genre=1, progress=False)
    assert (out / "rock" / "rock.00000.wav").stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == ["s"]  # no temporary folders left behind


@pytest.mark.slow
def test_an_incomplete_sample_is_rebuilt(tmp_path):
    out = sample.make_sample(tmp_path / "s", tracks_per_genre=1, progress=False)
    (out / "jazz" / "jazz.00000.wav").unlink()
    assert not sample.sample_matches(out, sample._manifest(1, 0, 30.0))
    sample.make_sample(out, tracks_per_genre=1, progress=False)
    assert (out / "jazz" / "jazz.00000.wav").is_file()


def test_audio_is_in_range_and_finite():
    for genre in GENRES:
        y = synth.synthesize_track(genre, 3, duration=4.0)
        assert y.dtype == np.float32
        assert np.all(np.isfinite(y)) and 0.3 < np.abs(y).max() <= 1.0


def test_every_recipe_sets_tempo_rhythm_timbre_harmony_distortion_and_swing():
    assert set(recipes.RECIPES) == set(GENRES)
    tempos = {}
    for genre, r in recipes.RECIPES.items():
        assert 40 <= r.tempo[0] <= r.tempo[1] <= 220
        assert 0.5 <= r.swing[0] <= r.swing[1] < 0.75
        assert r.chord_timbre in synth._TIMBRES and r.lead_timbre in synth._TIMBRES
        assert r.progression and r.distortion[0] <= r.distortion[1]
        tempos[genre] = r.tempo
    assert recipes.RECIPES["jazz"].swing[0] > 0.6 and recipes.RECIPES["metal"].distortion[0] > 2
    assert recipes.RECIPES["classical"].kick is None
    # Tempo ranges overlap: tempo alone cannot tell rock from country or pop from disco.
    for a, b in (("rock", "country"), ("pop", "disco"), ("hiphop", "reggae")):
        assert max(tempos[a][0], tempos[b][0]) < min(tempos[a][1], tempos[b][1])


def test_bad_arguments_are_refused_with_a_clear_message(tmp_path):
    with pytest.raises(ParameterError, match="Unknown genre 'polka'"):
        synth.synthesize_track("polka", 0)
    with pytest.raises(ParameterError, match="tracks_per_genre"):
        sample.make_sample(tmp_path / "x", tracks_per_genre=0)


@pytest.mark.slow
def test_genres_are_learnable_but_no_single_feature_separates_them(sample_tracks):
    """On 6 tracks per genre: per-track MFCC statistics classify well above chance (10 %), but
    no single statistic separates the genres (a 10-leaf tree on one feature, cross-validated)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    from course.features import prepare

    x, y, _ = track_statistics(
        prepare(str(sample_tracks(6)), tracks_per_genre=6, cache=False, progress=False)
    )
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    all_features = cross_val_score(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000)), x, y, cv=cv
    ).mean()
    single = [
        cross_val_score(
            DecisionTreeClassifier(max_leaf_nodes=10, random_state=0), x[:, [j]], y, cv=cv
        ).mean()
        for j in range(x.shape[1])
    ]
    assert all_features > 0.45
    assert max(single) < 0.6
    assert max(single) < all_features


def test_each_tracks_peak_is_drawn_between_the_bounds_notebook_00_states():
    import json
    import re
    from pathlib import Path

    from course.synth import synthesize_track

    peaks = [
        float(np.max(np.abs(synthesize_track(g, i, duration=3.0))))
        for g in ("blues", "classical", "rock")
        for i in range(3)
    ]
    nb = json.loads(
        (Path(__file__).resolve().parents[1] / "notebooks" / "00_start_here.ipynb").read_text(
            encoding="utf-8"
        )
    )
    text = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    low, high = map(
        float,
        re.search(
            r"set at random between ([0-9.]+) and ([0-9.]+)", " ".join(text.split())
        ).groups(),
    )
    assert all(low - 1e-6 <= p <= high + 1e-6 for p in peaks), peaks
    assert max(peaks) - min(peaks) > 0.05  # drawn, not one fixed peak


def test_track_length_is_the_length_of_the_written_files(tiny_sample):
    for genre in GENRES:
        for i in range(2):
            info = sf.info(tiny_sample / genre / f"{genre}.{i:05d}.wav")
            assert info.frames == synth.track_length(genre, i)


def test_the_short_tracks_are_the_ones_data_readme_counts_and_each_loses_one_segment():
    """The full sample (10 tracks per genre): a track drawn short is 10 to 80 ms short, so more
    than 102 samples, and loses its last 3-s segment (it needs 129 hops of 512 of its 66150
    samples); data/README.md's counts are these."""
    import re
    from pathlib import Path

    full = 30 * 22050
    lengths = [synth.track_length(g, i) for g in GENRES for i in range(10)]
    short = [n for n in lengths if n < full]
    assert all(full - 1764 <= n <= full - 220 for n in short)  # 80 ms and 10 ms at 22050 Hz
    assert all(n < 9 * 66150 + 129 * 512 for n in short)  # each loses its last segment
    assert all(n == full for n in lengths if n not in short)
    readme = " ".join(
        (Path(__file__).resolve().parents[1] / "data" / "README.md").read_text("utf-8").split()
    )
    tracks, segments = map(
        int, re.search(r"(\d+) of its 100 tracks .*?\((\d+) segments", readme).groups()
    )
    assert len(short) == tracks and 10 * len(lengths) - len(short) == segments
    assert 0.1 < len(short) / len(lengths) < 0.3  # one in five, drawn: far more than GTZAN
