"""Preparation survives a messy music collection: every valid file is used, everything else is
reported by name with its reason, and nothing crashes. The files are generated here."""

import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from course import data, features, settings
from course.audio import load_audio
from course.errors import AudioError
from course.features import prepare

SR = 22050


def tone(seconds=30.0, sr=SR, channels=1, seed=0):
    t = np.arange(int(seconds * sr)) / sr
    rng = np.random.default_rng(seed)
    y = 0.3 * np.sin(2 * np.pi * 220 * (1 + seed) * t) + 0.01 * rng.standard_normal(len(t))
    return np.stack([y] * channels, axis=1) if channels > 1 else y


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    root = tmp_path_factory.mktemp("messy") / "My Music"
    blues, jazz, rock = root / "blues", root / "jazz", root / "rock"
    for d in (blues / "extra", jazz, rock, root / "empty"):
        d.mkdir(parents=True)
    write = sf.write
    write(blues / "blues.00000.wav", tone(seed=0), SR, subtype="PCM_16")
    write(blues / "blues.00001.WAV", tone(sr=44100, channels=2, seed=1), 44100, subtype="PCM_U8")
    write(blues / "blues.00002.wav", tone(sr=48000, channels=4, seed=2), 48000, subtype="PCM_24")
    write(blues / "blues.00003.flac", tone(sr=16000, seed=3), 16000)
    write(blues / "blues.00004.ogg", tone(sr=8000, seed=4), 8000, format="OGG", subtype="VORBIS")
    write(blues / "blues.00005.mp3", tone(seed=5), SR, format="MP3", subtype="MPEG_LAYER_III")
    write(blues / "blues.00006.au", tone(seed=6), SR, format="AU", subtype="PCM_16")
    write(blues / "blues.00007.wav", tone(seed=7), SR, subtype="FLOAT")
    write(blues / "extra" / "blues.00008.wav", tone(seed=8), SR)  # nested folder
    write(blues / "blüs.00009.wav", tone(seed=9), SR)  # non-ASCII name
    (blues / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (blues / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    (blues / "notes.txt").write_text("track list")
    (jazz / "jazz.00054.wav").write_bytes(b"This is not audio at all, just text in a .wav.\n" * 20)
    (jazz / "jazz.00055.wav").write_bytes(b"")  # zero-length
    write(jazz / "jazz.00056.wav", tone(seed=10), SR, subtype="PCM_16")
    data = (jazz / "jazz.00056.wav").read_bytes()
    (jazz / "jazz.00056.wav").write_bytes(data[: len(data) * 45 // 100])  # truncated at 45 %
    write(jazz / "jazz.00057.wav", tone(seconds=1.0), SR)  # shorter than a segment
    write(jazz / "jazz.00058.wav", tone(seed=11), SR)
    write(rock / "rock.00000.wav", tone(seed=12), SR)
    return root


@pytest.fixture(scope="module")
def messy_features(messy):
    return prepare(str(messy), cache=False, progress=False)


def test_every_valid_file_is_used(messy_features):
    f = messy_features
    assert list(f.mapping) == ["blues", "jazz", "rock"]  # the empty folder is no genre
    used = sorted(set(f.track))
    assert used == sorted(
        [
            "blues/blues.00000.wav",
            "blues/blues.00001.WAV",
            "blues/blues.00002.wav",
            "blues/blues.00003.flac",
            "blues/blues.00004.ogg",
            "blues/blues.00005.mp3",
            "blues/blues.00006.au",
            "blues/blues.00007.wav",
            "blues/extra/blues.00008.wav",
            "blues/blüs.00009.wav",
            "jazz/jazz.00056.wav",
            "jazz/jazz.00058.wav",
            "rock/rock.00000.wav",
        ]
    )
    per_track = {t: int(np.sum(f.track == t)) for t in used}
    # Whole 30-s files give 10 segments whatever their format, rate or channel count.
    assert all(n == 10 for t, n in per_track.items() if t != "jazz/jazz.00056.wav")
    # The truncated file keeps the segments it still holds (45 % of 30 s: 4 whole segments).
    assert per_track["jazz/jazz.00056.wav"] == 4


def test_the_rest_is_reported_by_name_with_its_reason(messy_features):
    report = dict(messy_features.skipped)
    assert "not readable as audio" in report["jazz/jazz.00054.wav"]
    assert "empty" in report["jazz/jazz.00055.wav"]
    assert "shorter than one 3-s segment" in report["jazz/jazz.00057.wav"]
    assert "hidden file" in report["blues/.DS_Store"]
    assert "not an audio file (.jpg)" in report["blues/cover.jpg"]
    assert "not an audio file (.txt)" in report["blues/notes.txt"]
    assert "no audio files" in report["empty/"]
    summary = messy_features.summary()
    for name in ("jazz/jazz.00054.wav", "jazz/jazz.00055.wav", "empty/"):
        assert name in summary


def test_conversion_matches_librosa_for_other_rates_and_channels(messy):
    import librosa

    for name in ("blues/blues.00002.wav", "blues/blues.00003.flac"):
        ours = load_audio(messy / name, duration=2.0)
        ref, _ = librosa.load(messy / name, sr=SR, mono=True, duration=2.0)
        n = min(len(ours), len(ref))
        np.testing.assert_allclose(ours[: n - 200], ref[: n - 200], atol=2e-3)


def test_mp3_without_a_backend_gets_a_clear_message(tmp_path, monkeypatch):
    path = tmp_path / "song.mp3"
    sf.write(path, tone(seconds=1.0), SR, format="MP3", subtype="MPEG_LAYER_III")
    formats = {k: v for k, v in sf.available_formats().items() if k != "MP3"}
    monkeypatch.setattr(sf, "available_formats", lambda: formats)
    with pytest.raises(AudioError, match="cannot read MP3.*convert the file to WAV or FLAC"):
        load_audio(path)


@pytest.mark.slow
def test_user_mistakes_fail_fast_with_the_expected_layout_and_a_non_zero_exit(tmp_path):
    (tmp_path / "flat").mkdir()
    sf.write(tmp_path / "flat" / "song.wav", tone(seconds=1.0), SR)  # audio, but no genre folders
    for target, message in (
        (tmp_path / "nope", "does not exist"),
        (tmp_path / "flat", "No genre folders"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "course", "prepare", "--data", str(target)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode != 0
        assert message in proc.stderr and "Expected a folder of genre folders" in proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_the_command_line_prints_the_skip_summary(messy, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "course",
            "prepare",
            "--data",
            str(messy),
            "--no-cache",
            "--out-file",
            str(tmp_path / "f.npz"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "jazz/jazz.00054.wav: not readable as audio" in proc.stdout
    assert "from 13 tracks in 3 genres" in proc.stdout


# --- cache integrity --------------------------------------------------------------------------


def test_an_interrupted_write_leaves_nothing_a_later_run_would_load(messy, tmp_path, monkeypatch):
    monkeypatch.setattr(features, "CACHE_DIR", tmp_path / "cache")

    def dies_mid_write(f, **arrays):
        f.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(np, "savez_compressed", dies_mid_write)
        with pytest.raises(KeyboardInterrupt):
            prepare(str(messy), progress=False, tracks_per_genre=1)
    assert list((tmp_path / "cache").iterdir()) == []
    # A run killed outright can leave a *.part file: it is never loaded, and a damaged file at
    # the cache's own name is recomputed rather than trusted.
    tracks, _ = data.list_tracks(messy, tracks_per_genre=1)
    key = features.cache_key(tracks, settings.FeatureParams())
    (tmp_path / "cache" / f".mfcc-{key}-x.npz.part").write_bytes(b"PK junk")
    (tmp_path / "cache" / f"mfcc-{key}.npz").write_bytes(b"PK\x03\x04 truncated")
    feats = prepare(str(messy), progress=False, tracks_per_genre=1)
    assert feats.mfcc.shape == (20, 130, 13)  # jazz's first file is the unreadable one
    again = features.load_features(tmp_path / "cache" / f"mfcc-{key}.npz")
    np.testing.assert_array_equal(again.mfcc, feats.mfcc)


def test_the_cache_key_covers_parameters_files_sizes_and_times(messy):
    tracks, _ = data.list_tracks(messy, tracks_per_genre=1)
    base = features.cache_key(tracks, settings.FeatureParams())
    assert features.cache_key(tracks, settings.FeatureParams(hop_length=256)) != base
    assert features.cache_key(tracks[:-1], settings.FeatureParams()) != base
    import os

    st = tracks[0].path.stat()
    os.utime(tracks[0].path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert features.cache_key(tracks, settings.FeatureParams()) != base


def test_the_cache_key_covers_the_versions_of_the_computing_libraries(messy, monkeypatch):
    tracks, _ = data.list_tracks(messy, tracks_per_genre=1)
    base = features.cache_key(tracks, settings.FeatureParams())
    real = features.computing_libraries()
    assert set(real) == {"librosa", "numpy", "scipy", "soundfile", "libsndfile"}
    for library in real:
        monkeypatch.setattr(
            features, "computing_libraries", lambda lib=library: {**real, lib: real[lib] + ".post1"}
        )
        assert features.cache_key(tracks, settings.FeatureParams()) != base, library


# --- under faults and load ----------------------------------------------------------------------

PREPARE = (
    "import sys; from pathlib import Path; import course.features as f\n"
    "f.CACHE_DIR = Path(sys.argv[1])\n"
    "feats = f.prepare(sys.argv[2], progress=False, jobs=1)\n"
    "print(len(feats.labels), len(feats.skipped))\n"
)


def _collection(root, n_good=30, n_bad=4):
    """A genre collection with copies of a few real clips and some unreadable files."""
    clips = [tone(seed=s) for s in range(3)]
    for i in range(n_good):
        folder = root / ("abc"[i % 3])
        folder.mkdir(parents=True, exist_ok=True)
        sf.write(folder / f"t{i:04d}.wav", clips[i % 3][: SR * (26 + i % 5)], SR, subtype="PCM_16")
    for i in range(n_bad):
        (root / "a" / f"bad{i:03d}.wav").write_bytes(b"not audio" * (i + 1))
    return root


INTERRUPTED = (
    "import os, signal, sys; import course.features as f\n"
    # Ctrl-C raises KeyboardInterrupt even where the shell started us with SIGINT
    # ignored (a command run with & in a script, as a CI runner may do).
    "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
    "real, seen = f.track_features, []\n"
    "def counting(*a, **k):\n"
    "    seen.append(1)\n"
    "    if len(seen) >= int(sys.argv[3]):  # >=: two threads may append at once\n"
    "        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, part way\n"
    "    return real(*a, **k)\n"
    "f.track_features = counting\n"
) + PREPARE


@pytest.mark.slow
def test_prepare_interrupted_part_way_then_run_again(tmp_path):
    root = _collection(tmp_path / "music")
    cache = tmp_path / "cache"
    for stop_at in (3, 20):  # early, and after the first unreadable files
        proc = subprocess.run(
            [sys.executable, "-c", INTERRUPTED, str(cache), str(root), str(stop_at)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode != 0 and "KeyboardInterrupt" in proc.stderr, proc.stderr[-500:]
        assert not cache.exists() or not list(cache.iterdir())  # nothing half-made to load
    done = subprocess.run(
        [sys.executable, "-c", PREPARE, str(cache), str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    clean = prepare(str(root), cache=False, progress=False)
    assert done.stdout.split() == [str(len(clean.labels)), "4"]
    again = features.load_features(next(cache.glob("mfcc-*.npz")))
    np.testing.assert_array_equal(again.mfcc, clean.mfcc)
    assert sorted(again.skipped) == sorted(clean.skipped)


@pytest.mark.slow
def test_two_prepares_at_once_both_finish_and_leave_a_valid_cache(tmp_path):
    root = _collection(tmp_path / "music", n_good=12, n_bad=2)
    cache = tmp_path / "cache"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PREPARE, str(cache), str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-300:] for o in outs]
    assert outs[0][0] == outs[1][0]
    files = list(cache.iterdir())
    assert len(files) == 1 and files[0].name.startswith("mfcc-")  # no .part files left
    clean = prepare(str(root), cache=False, progress=False)
    np.testing.assert_array_equal(features.load_features(files[0]).mfcc, clean.mfcc)


@pytest.mark.slow
def test_progress_in_a_log_file_is_one_line_per_stage_not_redraws(messy, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "course", "prepare", "--data", str(messy), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr and "\r" not in proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.startswith("MFCC features:")]
    assert len(lines) == 1 and " files in " in lines[0], proc.stderr
