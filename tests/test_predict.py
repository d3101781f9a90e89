"""Saved models and ``python -m course predict``: any length, any format, clear errors, and no
TensorFlow before a model is loaded."""

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf
from cli_run import course_main

from course.errors import AudioError, ModelError, PathNotFoundError
from course.predict import GenreClassifier, Prediction, audio_files, load_classifier
from course.settings import GENRES, FeatureParams

run = course_main  # in this process: no new Python and TensorFlow import per command


@pytest.fixture(scope="module")
def saved(tmp_path_factory, tiny_sample):
    """The models ``compare`` saves after one epoch on the tiny sample."""
    out = tmp_path_factory.mktemp("compare")
    proc = run(
        "compare",
        "--data",
        str(tiny_sample),
        "--models",
        "mlp,cnn-standardised",
        "--epochs",
        "1",
        "--no-baseline",
        "--out-dir",
        str(out),
        "--no-cache",
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Saved the trained models to {out / 'models'}" in proc.stdout
    return out / "models"


@pytest.fixture(scope="module")
def songs(tmp_path_factory, tiny_sample):
    """A 4-minute MP3 at 44.1 kHz in stereo, and a folder of mixed files with a corrupt one."""
    import librosa

    from course.audio import load_audio

    folder = tmp_path_factory.mktemp("songs")
    tracks = sorted(tiny_sample.rglob("*.wav"))
    clips = [load_audio(p) for p in tracks[:8]]
    # 4 min 2 s: MP3's encoder and decoder may trim a few milliseconds at either end.
    song = np.resize(np.concatenate(clips), 242 * 22050)
    song = librosa.resample(song, orig_sr=22050, target_sr=44100)
    # The most compressed variable bit rate: LAME takes 4.4 s of CPU for it, 6.7 s at the default.
    stereo = np.stack([song, 0.8 * song], axis=1)
    sf.write(folder / "four_minutes.mp3", stereo, 44100, format="MP3", compression_level=0.99)
    mixed = folder / "mixed"
    mixed.mkdir()
    sf.write(mixed / "a.flac", clips[0], 22050)
    sf.write(mixed / "b.wav", clips[1][: 7 * 22050], 22050)
    (mixed / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot audio at all")
    (mixed / "notes.txt").write_text("not audio, not listed")
    return folder


@pytest.mark.slow
def test_compare_saves_each_model_with_what_it_needs(saved):
    assert sorted(p.name for p in saved.iterdir() if not p.name.startswith(".")) == [
        "cnn-standardised_seed0.json",
        "cnn-standardised_seed0.keras",
        "mlp_seed0.json",
        "mlp_seed0.keras",
    ]
    info = json.loads((saved / "cnn-standardised_seed0.json").read_text())
    assert info["features"]["n_mfcc"] == 13 and info["genres"] == list(GENRES)
    assert len(info["standardisation"]["mean"]) == 13 and info["synthetic"] is True
    assert json.loads((saved / "mlp_seed0.json").read_text())["standardisation"] is None
    assert 0.0 <= info["test_song_accuracy"] <= 1.0 and info["course_version"]
    # compare's default is the track protocol: the test songs were never trained on.
    assert info["protocol"] == "track" and info["test_accuracy_leaky"] is False
    assert 0.0 <= info["validation_song_accuracy"] <= 1.0


def test_a_folder_of_models_is_chosen_by_validation_never_by_test_accuracy(tmp_path):
    from course.predict import _choose, model_line

    for name, val, test in (("a_seed0", 0.5, 0.9), ("b_seed0", 0.7, 0.4), ("old_seed0", None, 1.0)):
        (tmp_path / f"{name}.keras").write_bytes(b"")
        info = {"model": name, "test_song_accuracy": test}
        if val is not None:
            info["validation_song_accuracy"] = val
        (tmp_path / f"{name}.json").write_text(json.dumps(info))
    assert _choose(tmp_path).name == "b_seed0.keras"
    line = model_line(
        {
            "model": "cnn",
            "seed": 2,
            "synthetic": False,
            "protocol": "notes",
            "validation_song_accuracy": 0.8,
            "test_song_accuracy": 0.95,
            "test_accuracy_leaky": True,
        }
    )
    assert line == (
        "Model: cnn (seed 2), trained on real data, protocol notes; validation song "
        "accuracy 0.800; test song accuracy 0.950 (leaky: its test songs had "
        "segments in training)"
    )
    assert "(leak not recorded)" in model_line({"test_song_accuracy": 0.5})


@pytest.mark.slow
def test_a_four_minute_mp3_is_cut_into_eighty_segments(saved, songs):
    proc = run(
        "predict",
        str(songs / "four_minutes.mp3"),
        "--model",
        str(saved),
        "--plot",
        "--out-dir",
        str(songs / "figures"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "four_minutes.mp3 (4:02, 80 segments of 3 s):" in proc.stdout
    assert "% of segments pick" in proc.stdout and "trained on the synthetic sample" in proc.stdout
    assert (songs / "figures" / "four_minutes_genres.png").stat().st_size > 10_000


@pytest.mark.slow
def test_a_folder_of_mixed_files_is_predicted_and_the_corrupt_one_reported(saved, songs):
    proc = run("predict", str(songs / "mixed"), "--model", str(saved / "mlp_seed0.keras"))
    assert proc.returncode == 1
    assert "a.flac (0:30, 10 segments" in proc.stdout and "b.wav (0:07, 2 segments" in proc.stdout
    assert "broken.wav: not readable as audio" in proc.stderr and "Traceback" not in proc.stderr
    assert "1 of 3 file(s) could not be classified" in proc.stderr


def test_predict_imports_tensorflow_only_to_load_a_model(tmp_path):
    code = (
        "import sys; from course.__main__ import main; "
        f"rc = main(['predict', {str(tmp_path)!r}, '--model', {str(tmp_path / 'none')!r}]); "
        "assert 'tensorflow' not in sys.modules; sys.exit(rc)"
    )
    (tmp_path / "song.wav").write_bytes(b"")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2, proc.stderr
    assert "python -m course compare" in proc.stderr and "Traceback" not in proc.stderr


@pytest.fixture()
def untrained(tmp_path):
    """A small untrained model saved as compare saves, and its settings file."""
    from course.models import build_model

    model = build_model("cnn", input_shape=(130, 13), n_classes=len(GENRES))
    keras_path, info_path = GenreClassifier(
        model=model, params=FeatureParams(), genres=list(GENRES)
    ).save(tmp_path / "model")
    return keras_path, info_path


def test_settings_that_do_not_fit_the_model_are_named(untrained):
    keras_path, info_path = untrained
    info = json.loads(info_path.read_text())
    info["features"]["n_mfcc"] = 20
    info_path.write_text(json.dumps(info))
    with pytest.raises(ModelError, match=r"\(130, 13\).*\(130, 20\).*do not belong together"):
        load_classifier(keras_path)
    info["features"]["n_mfcc"] = 13
    info["feature_version"] = -1
    info_path.write_text(json.dumps(info))
    with pytest.raises(ModelError, match="train it again"):
        load_classifier(keras_path)
    info_path.unlink()
    with pytest.raises(ModelError, match="model.json"):
        load_classifier(keras_path)


def test_missing_models_say_how_to_make_one(tmp_path):
    with pytest.raises(PathNotFoundError, match="python -m course compare"):
        load_classifier(tmp_path / "nope.keras")
    with pytest.raises(PathNotFoundError, match="No saved model in"):
        load_classifier(tmp_path)


def test_segments_are_the_training_features_and_short_audio_is_refused(untrained, tmp_path):
    import librosa

    def notes_mfcc(audio, segment):
        """The notes' features: one librosa call per 3-s segment (66150 samples at 22050 Hz)."""
        return librosa.feature.mfcc(
            y=audio[segment * 66150 : (segment + 1) * 66150],
            sr=22050,
            n_mfcc=13,
            n_fft=2048,
            hop_length=512,
        ).T

    classifier = load_classifier(untrained[0])
    y = np.random.default_rng(0).standard_normal(22050 * 31).astype(np.float32) * 0.1
    x = classifier.features(y)
    # 31 s: 10 whole segments; the last second is left out
    assert x.shape == (10, 130, 13)
    np.testing.assert_allclose(
        x, np.stack([notes_mfcc(y, s) for s in range(10)]), rtol=0, atol=1e-3
    )
    longer = np.tile(y, 3)
    x3 = classifier.features(longer)
    assert x3.shape == (31, 130, 13)  # 93 s: 31 whole segments, start to end
    for s in (9, 10, 30):  # across the 30-s blocks, and the last one
        np.testing.assert_allclose(x3[s], notes_mfcc(longer, s), rtol=0, atol=1e-3)
    classifier = replace(classifier, mean=x.mean(axis=(0, 1)), std=x.std(axis=(0, 1)))
    np.testing.assert_allclose(classifier.features(y).mean(axis=(0, 1)), 0, atol=1e-4)
    sf.write(tmp_path / "short.wav", y[: 22050 * 2], 22050)
    with pytest.raises(AudioError, match="shorter than one 3-s segment"):
        classifier.predict_file(tmp_path / "short.wav")


def test_the_song_is_the_mean_of_its_segments():
    p = np.array([[0.6, 0.3, 0.1], [0.3, 0.6, 0.1], [0.5, 0.4, 0.1], [0.6, 0.2, 0.2]])
    pred = Prediction(
        source="x.wav", genres=["a", "b", "c"], probabilities=p, segment_seconds=3.0, seconds=12.5
    )
    np.testing.assert_allclose(pred.song, [0.5, 0.375, 0.125])
    assert pred.top(2) == [("a", pytest.approx(0.5)), ("b", pytest.approx(0.375))]
    assert pred.agreement == 0.75  # segments 0, 2 and 3 pick "a"
    assert pred.summary(1) == "x.wav (0:12, 4 segments of 3 s): a 0.50; 75% of segments pick a"


def test_folders_are_expanded_to_their_audio_files(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    for name in ("d/b.wav", "d/a.MP3", "d/sub/c.flac", "d/readme.txt", "d/.hidden.wav"):
        (tmp_path / name).write_bytes(b"")
    names = [p.name for p in audio_files([tmp_path / "d", tmp_path / "missing.wav"])]
    assert names == ["a.MP3", "b.wav", "c.flac", "missing.wav"]
