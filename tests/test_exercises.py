"""The checkers' machinery and the fixes a learner's trial of about 190 answers asked for: the
untouched stub alone is "not answered yet", a forgotten return is told so, numbers of every
right type pass and strings, bools and floats for counts do not, equivalent forms pass (HTK's
two mel formulas, a one-element array, boolean masks, any order-free numbering), the traps that
used to pass are in every call's cases, and nothing the learner returns crashes a checker.
Drills show the real error; the instructor's copies drop exactly the hidden solutions.
The bank of learners' mistakes for every checker is ``tests/test_mistakes_bank.py``.
"""

import functools
import inspect
import json
import math
from pathlib import Path

import numpy as np
import pytest

from course import checking
from course.audio import load_audio
from course.checking import Either, _does_nothing, _judge, run_answer
from course.errors import AudioError, OutputError
from course.exercises import Checks, check, run_drill
from course.publish import course_notebooks, exercise_copies


def _stub(frames, hop):
    """A. (fewest, most) samples that give this many centred STFT frames."""
    return None  # your answer


def _pass(n):
    pass


def _print_only(frames, hop):
    print((frames - 1) * hop, frames * hop - 1)


def _forgot_return(frames, hop):
    fewest, most = (frames - 1) * hop, frames * hop - 1  # noqa: F841


def test_only_the_untouched_stub_counts_as_not_answered(capsys):
    assert _does_nothing(_stub) and _does_nothing(_pass) and _does_nothing(lambda p: None)
    for answer in (
        _print_only,
        _forgot_return,
        lambda p: 0,
        np.hanning,
        functools.partial(max, 1),
        Checks,
        print,
    ):
        assert not _does_nothing(answer), answer
    assert not check.sample_range(_stub)
    assert "not answered yet" in capsys.readouterr().out
    for answer in (_print_only, _forgot_return):
        assert not check.sample_range(answer)
        out = capsys.readouterr().out
        assert "not answered yet" not in out and "returned None for (" in out
        assert "did you forget a return?" in out


def test_an_unfinished_branch_is_told_on_its_case(capsys):
    def same_padding(n, kernel, stride):
        if stride == 1:
            return (kernel - 1) // 2, kernel // 2

    assert not check.same_padding(same_padding)
    out = capsys.readouterr().out
    case = out.split("returned None for (")[1].split(")")[0]
    assert "not answered yet" not in out and int(case.split(", ")[2]) > 1, out


def test_an_answer_runs_with_a_time_limit(monkeypatch):
    def forever():
        while True:
            pass

    assert run_answer(forever, (), limit=0.1) == ("timeout", None)
    outcome, error = run_answer(lambda: 1 / 0, ())
    assert outcome == "raised" and isinstance(error, ZeroDivisionError)
    assert run_answer(lambda x: x + 1, (1,)) == ("value", 2)


@pytest.mark.parametrize(
    "got, expected, integer, ok",
    [
        (33, 33, True, True),
        (np.int64(33), 33, True, True),
        (np.array([33]), 33, True, True),
        (np.array(33), 33, True, True),
        (33.0, 33, True, False),
        (np.float64(33), 33, True, False),
        (True, 1, True, False),
        ("33", 33, True, False),
        ([33, 34], 33, True, False),
        (np.float32(0.5), 0.5, False, True),
        (np.array([0.5]), 0.5, False, True),
        (1, 1.0, False, True),
        (0.5 + 1e-12, 0.5, False, True),
        (0.5 + 1e-6, 0.5, False, False),
        (1j, 1.0, False, False),
        ([1.0, 2.0], np.array([1.0, 2.0]), False, True),
        ((1.0, 2.0), np.array([1.0, 2.0]), False, True),
        (np.array([1.0]), np.array([1.0, 2.0]), False, False),
        (np.array([[1.0, 2.0]]), np.array([1.0, 2.0]), False, False),
        (np.array([True, False]), np.array([1.0, 0.0]), False, False),
        (2, Either((1, 2)), True, True),
        (3, Either((1, 2)), True, False),
        (float("nan"), 0.5, False, False),
        (None, 0.5, False, False),
        (object(), 0.5, False, False),
        ([[1], [1, 2]], np.array([1.0]), False, False),
        ({1: 2}, 1, True, False),
    ],
)
def test_numbers_of_every_right_type_pass_and_nothing_else_does(got, expected, integer, ok):
    assert _judge(got, expected, integer=integer)[0] is ok


def test_htk_mel_passes_in_the_htk_books_form_and_the_hint_names_no_base(capsys):
    assert check.mel_to_hz_htk(lambda m: 700 * (np.exp(np.asarray(m) / 1127) - 1))
    assert check.mel_to_hz_htk(lambda m: 700 * (10 ** (np.asarray(m) / 2595) - 1))
    capsys.readouterr()
    assert not check.mel_to_hz_htk(lambda m: 700 * (10 ** (np.asarray(m) / 1127) - 1))
    out = capsys.readouterr().out
    assert "base-10" not in out and "2595" not in out and "1127" not in out


def _cases_of(name, right):
    seen = []

    def answer(*args):
        seen.append(args)
        return right(*args)

    assert getattr(check, name)(answer)
    return seen


def _vote_by_hand(probabilities):
    """The vote decision from its definition, in plain Python (not the checker's reference):
    each segment votes for its first-ranked genre; among the genres with the most votes, those
    with the largest mean probability over all the segments."""
    rows = [[float(v) for v in row] for row in probabilities]
    genres = range(len(rows[0]))
    votes = {g: sum(1 for row in rows if row.index(max(row)) == g) for g in genres}
    most = [g for g in genres if votes[g] == max(votes.values())]
    means = {g: sum(row[g] for row in rows) / len(rows) for g in most}
    return {g for g in most if means[g] >= max(means.values()) - 1e-12}


def test_the_vote_by_hand_on_worked_songs():
    # two votes for 0 against one for 2, though genre 2 has the larger mean
    assert _vote_by_hand([[0.4, 0.3, 0.3], [0.4, 0.3, 0.3], [0, 0.1, 0.9]]) == {0}
    # two votes each: the mean (0.35 against 0.65) picks 1
    assert _vote_by_hand([[0.6, 0.4, 0], [0.6, 0.4, 0], [0.1, 0.9, 0], [0.1, 0.9, 0]]) == {1}


def test_the_traps_that_used_to_pass_are_in_every_call():
    for _ in range(5):
        frames = _cases_of("mfcc_frames", lambda s, sr, hop: 1 + int(sr * s) // hop)
        assert sum(int(s * sr) % hop == 0 for s, sr, hop in frames) >= 2
        # the checker accepts the vote worked from its definition on every one of its cases
        songs = [p for (p,) in _cases_of("vote_decision", lambda p: min(_vote_by_hand(p)))]
        right = [_vote_by_hand(p) for p in songs]
        for wrong in (
            lambda p: np.argmax(p.mean(0)),
            lambda p: np.argmax(p) % p.shape[1],
            lambda p: np.bincount(np.argmax(p, 1)).argmax(),  # ties to the lowest
            lambda p: np.flatnonzero(
                np.bincount(np.argmax(p, 1)) == np.bincount(np.argmax(p, 1)).max()
            )[-1],
        ):  # ties to the highest
            assert any(int(wrong(p)) not in ok for p, ok in zip(songs, right))


def test_the_answers_the_trial_found_wrong_now_fail(capsys):
    assert not check.mfcc_frames(lambda s, sr, hop: math.ceil(s * sr / hop))
    assert not check.vote_decision(lambda p: int(np.argmax(p)))
    assert not check.vote_decision(lambda p: int(np.unravel_index(np.argmax(p), p.shape)[1]))
    assert not check.readable_clips(lambda paths: ([np.zeros(10)] * 3, ["bad.wav", "empty.wav"]))
    assert not check.track_split(lambda t, s, seed: (np.arange(300), np.arange(300, 400)))
    assert not check.sample_range(lambda frames, hop: str(((frames - 1) * hop, frames * hop - 1)))
    assert not check.conv_stack_parameters(
        lambda kh, kw, c, fs: str(sum((kh * kw * ci + 1) * f for ci, f in zip([c, *fs], fs)))
    )
    capsys.readouterr()


def test_the_answers_the_trial_found_right_now_pass(capsys):
    assert check.label_mapping(lambda folders: {g: i for i, g in enumerate(sorted(folders)[::-1])})
    assert check.dropout_rate(lambda scale: np.array([1 - 1 / scale]))

    def masks(tracks, share, seed):
        names = np.unique(tracks)
        test = np.isin(
            tracks, np.random.default_rng(seed).permutation(names)[: round(share * len(names))]
        )
        return ~test, test

    assert check.track_split(masks)
    capsys.readouterr()


def _clips_with(skipped_as, clips_as=list):
    def answer(paths):
        clips, skipped = [], []
        for p in paths:
            try:
                clips.append(load_audio(p))
            except AudioError as exc:
                skipped.append(skipped_as(p, exc))
        return clips_as(clips), skipped

    return answer


@pytest.mark.parametrize(
    "answer",
    [
        _clips_with(lambda p, exc: (p, exc.reason)),
        _clips_with(lambda p, exc: exc),
        _clips_with(lambda p, exc: p.name),
        _clips_with(lambda p, exc: str(p), clips_as=tuple),
        _clips_with(lambda p, exc: p, clips_as=iter),
        lambda paths: {"clips": _clips_with(lambda p, exc: p)(paths)[0], "skipped": []},
        lambda paths: (_clips_with(lambda p, exc: p)(paths)[0], None),
        lambda paths: (_clips_with(lambda p, exc: p)(paths)[0], {str(p): "?" for p in paths}),
    ],
)
def test_readable_clips_reads_every_natural_answer_without_crashing(answer, capsys):
    verdict = check.readable_clips(answer)
    out = capsys.readouterr().out
    assert out.startswith("✔" if verdict else "✘") and "Traceback" not in out


def test_the_reference_is_not_in_the_checker_shown_by_double_question_mark():
    for name in (
        "periodic_window",
        "sample_range",
        "rnn_step_pytorch",
        "conv_stack_parameters",
        "vote_decision",
        "same_padding",
    ):
        source = inspect.getsource(getattr(Checks, name))
        assert "np.cos" not in source and "np.tanh" not in source and "argmax" not in source
        assert "(frames - 1) * hop" not in source and "kh * kw" not in source
        assert "total // 2" not in source


def test_messages_never_print_the_reference_code(capsys):
    check.bias_factor(lambda a, b: 0.0)
    out = capsys.readouterr().out
    assert "def " not in out and ".std()" not in out and "np.asarray" not in out


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
        kept = [c for c in source["cells"] if "solution" not in c["metadata"].get("tags", [])]
        assert len(kept) < len(source["cells"])  # the solutions' cells went, and only they
        assert [c["id"] for c in stripped["cells"]] == [c["id"] for c in kept]
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


def test_an_unanswered_stub_gets_no_hint(capsys):
    assert not check.holm(lambda p: None)
    assert not check.cnn_input_shape(lambda seconds, sr, hop, n_mfcc: None)
    out = capsys.readouterr().out
    assert out.count("not answered yet") == 2 and "Hint" not in out


def test_the_time_limit_is_one_setting():
    assert checking.TIME_LIMIT == 5.0
