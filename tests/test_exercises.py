"""Every checker passes a right answer, fails a typical wrong one with a message that says what
is wrong (and never prints the solution), and meets its edge case; drills show the real error;
the instructor's copies drop exactly the hidden solutions."""

import json
from pathlib import Path

import numpy as np
import pytest

from course.audio import load_audio
from course.errors import AudioError, OutputError
from course.exercises import check, run_drill
from course.publish import course_notebooks, exercise_copies


def _readable(paths):
    clips, skipped = {}, []
    for p in paths:
        try:
            clips[p] = load_audio(p)
        except AudioError:
            skipped.append(p)
    return clips, skipped


def _track_split(tracks, share, seed):
    ids = np.unique(tracks)
    test_ids = np.random.default_rng(seed).permutation(ids)[: round(share * len(ids))]
    test = np.isin(tracks, test_ids)
    return np.flatnonzero(~test), np.flatnonzero(test)


def _holm(p):
    p = np.asarray(p, float)
    order = np.argsort(p)
    adjusted = np.minimum(1, np.maximum.accumulate(p[order] * (len(p) - np.arange(len(p)))))
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


def _ccc(a, b):
    return 2 * np.mean((a - a.mean()) * (b - b.mean())) / (a.var() + b.var() + (a.mean() - b.mean()) ** 2)


# checker: (a right answer, a typical wrong answer, what the message must say about it)
CASES = {
    "label_mapping": (lambda names: {g: i for i, g in enumerate(sorted(names))},
                      lambda names: {g: i for i, g in enumerate(names)}, "listing order"),
    "readable_clips": (_readable, lambda paths: ([load_audio(p) for p in paths], []),
                       "catch the error of one file"),
    "alias_frequency": (lambda f, sr: abs(f - round(f / sr) * sr), lambda f, sr: f % sr,
                        "should be 6050"),
    "bin_frequency": (lambda k, sr, n: k * sr / n, lambda k, sr, n: k * sr / (n - 1), "evenly spaced"),
    "frame_count": (lambda n, n_fft, hop: 1 + n // hop,
                    lambda n, n_fft, hop: 1 + (n - n_fft) // hop, "half a window"),
    "hann_window": (lambda n: 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n), np.hanning,
                    "periodic"),
    "hz_to_mel_htk": (lambda f: 2595 * np.log10(1 + np.asarray(f) / 700),
                      lambda f: 2595 * np.log(1 + np.asarray(f) / 700), "base-10"),
    "mfcc_frames": (lambda s, sr, hop: 1 + int(sr * s) // hop,
                    lambda s, sr, hop: int(sr * s) // hop, "samples first"),
    "softmax": (lambda z: np.exp(z - z.max(-1, keepdims=True))
                / np.exp(z - z.max(-1, keepdims=True)).sum(-1, keepdims=True),
                lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True), "overflows"),
    "cross_entropy": (lambda p, y: -np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1))),
                      lambda p, y: -np.mean(np.log(p[np.arange(len(y)), y])), "inf"),
    "l2_penalty": (lambda ws, lam: lam * sum(np.sum(w ** 2) for w in ws),
                   lambda ws, lam: lam * sum(np.sum(np.abs(w)) for w in ws), "every weight"),
    "conv_output_size": (lambda n, k, s, p: (n - k) // s + 1 if p == "valid" else -(-n // s),
                         lambda n, k, s, p: (n - k) // s + 1, "same"),
    "conv_parameters": (lambda kh, kw, c, f: (kh * kw * c + 1) * f,
                        lambda kh, kw, c, f: kh * kw * c * f, "bias"),
    "add_channel": (lambda x: x[..., np.newaxis], lambda x: x.reshape(len(x), 13, -1, 1),
                    "do not reshape"),
    "rnn_step": (lambda x, h, w, u, b: np.tanh(x @ w + h @ u + b),
                 lambda x, h, w, u, b: np.tanh(x @ w + b), "recurrent kernel"),
    "rnn_parameters": (lambda d, u: u * (d + u + 1), lambda d, u: u * (d + 1), "recurrent kernel"),
    "cell_update": (lambda c, f, i, g: f * c + i * g, lambda c, f, i, g: c + i * g, "forget gate"),
    "lstm_parameters": (lambda d, u: 4 * u * (d + u + 1), lambda d, u: u * (d + u + 1), "blocks"),
    "holm": (_holm, lambda p: np.minimum(1, np.asarray(p) * len(p)), "larger raw p-value"),
    "song_decision": (lambda p: int(np.argmax(p.mean(axis=0))),
                      lambda p: int(np.bincount(np.argmax(p, axis=1)).argmax()), "every segment"),
    "track_split": (_track_split,
                    lambda t, share, seed: (np.arange(0, len(t), 2), np.arange(1, len(t), 2)),
                    "both sides"),
    "ccc": (_ccc, lambda a, b: np.corrcoef(a, b)[0, 1], "Pearson"),
    "r2": (lambda y, p: 1 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2),
           lambda y, p: np.corrcoef(y, p)[0, 1] ** 2, "negative"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_right_answer_passes_and_a_typical_wrong_one_is_explained(name, capsys):
    right, wrong, says = CASES[name]
    checker = getattr(check, name)
    assert checker(right)
    assert capsys.readouterr().out.startswith(f"✔ {name}")
    assert not checker(wrong)
    out = capsys.readouterr().out
    assert out.startswith(f"✘ {name}") and says in out, out


def test_every_checker_is_tested():
    public = {n for n in dir(check) if not n.startswith("_")}
    values = {"inverted_dropout_scale", "cnn_input_shape"}
    assert public == set(CASES) | values


@pytest.mark.parametrize("name, right, wrong", [
    ("inverted_dropout_scale", 1 / 0.7, 0.7),
    ("cnn_input_shape", (130, 13, 1), (130, 13)),
])
def test_value_exercises(name, right, wrong, capsys):
    assert getattr(check, name)(right)
    assert not getattr(check, name)(wrong)
    assert "Hint" in capsys.readouterr().out


def test_edge_cases_a_careless_answer_misses(capsys):
    # A Hann window of one sample, frames of a one-sample signal, a NaN-free softmax of huge
    # scores, a crash in the learner's code, and not a function at all.
    assert check.hann_window(lambda n: np.hanning(n + 1)[:-1])
    assert not check.frame_count(lambda n, n_fft, hop: -(-n // hop))
    assert "for (512, 512, 128) your answer gives 4, but it should be 5" in capsys.readouterr().out
    assert not check.softmax(lambda z: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not check.alias_frequency(42)
    assert "give a function" in capsys.readouterr().out


def test_messages_never_print_the_reference_code(capsys):
    check.ccc(lambda a, b: 0.0)
    out = capsys.readouterr().out
    assert "def " not in out and "np.mean((x" not in out


def test_a_drill_shows_the_error_or_the_bad_value_without_raising(capsys):
    run_drill(lambda: {}["genre"])
    assert "KeyError: 'genre'" in capsys.readouterr().out
    run_drill(lambda: -np.mean(np.log(np.array([0.0, 0.5]))))
    out = capsys.readouterr().out
    assert "without an error" in out and "inf" in out


def test_copies_without_solutions_lose_only_the_solutions(tmp_path):
    nbs = course_notebooks()[:2]
    without = exercise_copies(tmp_path / "assignment", solutions=False, notebooks=nbs)
    with_ = exercise_copies(tmp_path / "key", solutions=True, notebooks=nbs)
    for nb, a, k in zip(nbs, without, with_):
        source = json.loads(nb.read_text(encoding="utf-8"))
        assert json.loads(k.read_text(encoding="utf-8")) == source
        stripped = json.loads(a.read_text(encoding="utf-8"))
        text = "".join("".join(c["source"]) for c in stripped["cells"])
        assert "<details>" not in text and "## Exercises" in text and "## References" in text
        assert [c["cell_type"] for c in stripped["cells"]] == [c["cell_type"] for c in source["cells"]]
        code = [c["source"] for c in source["cells"] if c["cell_type"] == "code"]
        assert [c["source"] for c in stripped["cells"] if c["cell_type"] == "code"] == code


def test_copies_refuse_a_notebook_the_course_did_not_write(tmp_path):
    mine = tmp_path / "00_start_here.ipynb"
    mine.write_text("my annotated copy")
    with pytest.raises(OutputError, match="00_start_here.ipynb"):
        exercise_copies(tmp_path, solutions=False, notebooks=course_notebooks()[:1])
    assert mine.read_text() == "my annotated copy"
    assert Path(tmp_path).joinpath("00_start_here.ipynb").read_text() == "my annotated copy"


def test_the_instructors_command(tmp_path, capsys):
    from course.__main__ import main

    assert main(["exercises", "--without-solutions", "--out-dir", str(tmp_path / "a")]) == 0
    assert f"notebooks without solutions to {tmp_path / 'a'}" in capsys.readouterr().out
    copies = sorted((tmp_path / "a").glob("*.ipynb"))
    assert [p.name for p in copies] == [p.name for p in course_notebooks()]
    assert all("<details>" not in p.read_text(encoding="utf-8") for p in copies)


def test_an_unanswered_stub_gets_no_hint_and_no_expected_value(capsys):
    assert not check.holm(lambda p: None)
    assert not check.cnn_input_shape(None)
    out = capsys.readouterr().out
    assert out.count("not answered yet") == 2 and "should be" not in out and "Hint" not in out


def test_numpy_numbers_and_masks_get_a_fair_answer(capsys):
    assert check.inverted_dropout_scale(np.float32(1 / 0.7))
    assert not check.track_split(lambda t, share, seed: (np.ones(len(t), bool), np.zeros(0)))
    assert "every row must be in exactly one" in capsys.readouterr().out
    assert not check.track_split(lambda t, share, seed: ([0.5], ["a"]))
    assert "row indices" in capsys.readouterr().out
