"""Nothing a learner owns is ever destroyed: for every command, a sentinel file in its output
location survives, and what the course refuses to overwrite it says so in one line."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from cli_run import course_main as run

from course import outputs, sample
from course.errors import OutputError
from course.features import prepare

SENTINEL = "my thesis draft, not backed up\n"


def sentinel(folder, name="thesis.txt"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(SENTINEL)
    return folder / name


def assert_one_line_refusal(proc, *words):
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for word in words:
        assert word in lines[0], proc.stderr


# --- sample ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_sample_refuses_a_folder_with_other_files_with_or_without_force(tmp_path):
    music = tmp_path / "music"
    kept = sentinel(music)
    (music / "rock").mkdir()
    (music / "rock" / "my_band.wav").write_bytes(b"RIFF....")
    for extra in ((), ("--force",)):
        proc = run("sample", "--out-dir", str(music), "--tracks-per-genre", "1", *extra)
        assert_one_line_refusal(proc, "not empty", "nothing in it was touched")
        assert kept.read_text() == SENTINEL
        assert (music / "rock" / "my_band.wav").read_bytes() == b"RIFF...."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["music"]  # no temporary folders left


def test_sample_refuses_a_sample_folder_that_also_holds_a_users_file(tmp_path):
    out = sample.make_sample(tmp_path / "s", tracks_per_genre=1, progress=False)
    kept = sentinel(out / "jazz", "notes.txt")
    with pytest.raises(OutputError, match="jazz/notes.txt"):
        sample.make_sample(out, tracks_per_genre=2, progress=False)
    with pytest.raises(OutputError, match="jazz/notes.txt"):
        sample.make_sample(out, tracks_per_genre=1, progress=False, force=True)
    assert kept.read_text() == SENTINEL
    assert sample.sample_matches(out, sample._manifest(1, 0, 30.0))  # the old sample is intact


@pytest.mark.slow
def test_sample_replaces_its_own_sample_and_writes_into_an_empty_folder(tmp_path):
    out = sample.make_sample(tmp_path / "s", tracks_per_genre=1, progress=False)
    sample.make_sample(out, tracks_per_genre=2, progress=False)  # other settings: replaced
    assert len(list(out.rglob("*.wav"))) == 20
    empty = tmp_path / "empty"
    empty.mkdir()
    sample.make_sample(empty, tracks_per_genre=1, progress=False)
    assert len(list(empty.rglob("*.wav"))) == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "s"]


def test_sample_refuses_a_file_as_its_folder(tmp_path):
    kept = sentinel(tmp_path, "data")
    with pytest.raises(OutputError, match="is a file"):
        sample.make_sample(kept, tracks_per_genre=1, progress=False)
    assert kept.read_text() == SENTINEL


# --- prepare --------------------------------------------------------------------------------


@pytest.mark.slow
def test_prepare_refuses_to_overwrite_a_file_it_did_not_write(tiny_sample, tmp_path):
    song = tmp_path / "song.wav"
    song.write_text(SENTINEL)
    proc = run("prepare", "--data", str(tiny_sample), "--out-file", str(song), "--no-cache")
    assert_one_line_refusal(proc, "does not end in .npz")
    mine = tmp_path / "mine.npz"
    np.savez(mine, weights=np.arange(3))
    before = mine.read_bytes()
    proc = run("prepare", "--data", str(tiny_sample), "--out-file", str(mine), "--no-cache")
    assert_one_line_refusal(proc, "is not a features file the course wrote")
    assert song.read_text() == SENTINEL and mine.read_bytes() == before


def test_prepare_replaces_its_own_features_file_and_leaves_neighbours_alone(tiny_sample, tmp_path):
    kept = sentinel(tmp_path)
    out = tmp_path / "features.npz"
    prepare(str(tiny_sample), out=out, cache=False, progress=False, tracks_per_genre=1)
    prepare(str(tiny_sample), out=out, cache=False, progress=False)  # ours: replaced
    with np.load(out, allow_pickle=False) as z:
        assert len(set(z["track"].tolist())) == 20
    assert kept.read_text() == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["features.npz", "thesis.txt"]


# --- compare --------------------------------------------------------------------------------


@pytest.mark.slow
def test_compare_adds_its_files_and_never_overwrites_a_file_it_did_not_write(tiny_sample, tmp_path):
    out = tmp_path / "results"
    kept = sentinel(out)
    users_table = out / "results.md"
    users_table.write_text(SENTINEL)
    args = (
        "compare",
        "--data",
        str(tiny_sample),
        "--models",
        "mlp",
        "--epochs",
        "1",
        "--out-dir",
        str(out),
        "--tracks-per-genre",
        "1",
    )
    proc = run(*args)
    assert_one_line_refusal(proc, "results.md", "did not write")
    assert "Training" not in proc.stdout  # refused before any work
    assert users_table.read_text() == SENTINEL

    users_table.rename(out / "my_results.md")
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    record = json.loads((out / outputs.RECORD).read_text())["files"]
    assert set(record) == {
        "results.md",
        "results.csv",
        "settings.json",
        "history_mlp_seed0.png",
        "confusion_mlp.png",
        "confusion_baseline.png",
    }
    assert kept.read_text() == SENTINEL and (out / "my_results.md").read_text() == SENTINEL
    assert run(*args).returncode == 0  # its own files it may write again
    assert kept.read_text() == SENTINEL
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_claim_outputs_refuses_a_file_as_the_folder(tmp_path):
    kept = sentinel(tmp_path, "results")
    with pytest.raises(OutputError, match="is a file"):
        outputs.claim_outputs(kept, ["results.md"])
    assert kept.read_text() == SENTINEL


def test_an_interrupted_atomic_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "results.md"
    target.write_text("old\n")
    with pytest.raises(KeyboardInterrupt):
        with outputs.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert target.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == [
        "results.md"
    ]


# --- commands that write nothing ------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "baseline"])
@pytest.mark.slow
def test_check_and_baseline_write_nothing_where_they_run(
    command, tiny_sample, tmp_path, monkeypatch
):
    # In this process, started in tmp_path (that importing the course writes nothing there is
    # checked in a fresh Python by test_user_mistakes.py).
    kept = sentinel(tmp_path)
    monkeypatch.chdir(tmp_path)
    proc = run(command, "--data", str(tiny_sample))
    assert proc.returncode in (0, 1), proc.stderr  # check exits 1 when something needs fixing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.txt"]
    assert kept.read_text() == SENTINEL


@pytest.mark.slow
def test_everything_the_course_writes_is_readable_as_the_umask_says(tiny_sample, tmp_path):
    # A department web server or a shared drive reads what the course writes: files 0644 and
    # folders 0755 under the usual umask 022, never the private 0600/0700 of temporary files.
    # (`site` writes its pages and assets as `slides` does, through the same code.)
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "02_stft_spectrogram.ipynb"
    old = os.umask(0o022)
    try:
        commands = [
            ("sample", "--out-dir", tmp_path / "sample", "--tracks-per-genre", "1"),
            ("compare", "--data", tiny_sample, "--models", "mlp", "--epochs", "1",
             "--out-dir", tmp_path / "results", "--save-models", tmp_path / "models"),
            ("slides", "--out-dir", tmp_path / "slides", notebook),
            ("exercises", "--without-solutions", "--out-dir", tmp_path / "class"),
        ]  # fmt: skip
        for args in commands:
            proc = run(*args)
            assert proc.returncode == 0, (args, proc.stderr)
    finally:
        os.umask(old)
    wrong = [
        (str(p.relative_to(tmp_path)), oct(p.stat().st_mode & 0o777))
        for p in tmp_path.rglob("*")
        if p.stat().st_mode & 0o777 != (0o755 if p.is_dir() else 0o644)
    ]
    assert not wrong, wrong
