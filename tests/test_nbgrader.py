"""Grading with nbgrader: every checked exercise has solution code, the export is an nbgrader
course folder, and nbgrader itself grades it: full marks for the solutions, none for the
untouched release.

The assignment of a notebook is its Check yourself section only (see ``course.grading``), so
nbgrader runs it in seconds; the end-to-end test grades notebook 02's.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.__main__ import main
from course.errors import CourseError
from course.grading import NBGRADER, POINTS, answer_cells, nbgrader_assignment, nbgrader_course
from course.outputs import read_record
from course.publish import hidden_solutions, notebook_json

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
STFT = NOTEBOOKS[0].parent / "02_stft_spectrogram.ipynb"
CHECK_CALL = re.compile(r"^check\.(\w+)\(", re.M)


def _load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _source(cell):
    return "".join(cell["source"])


def _checkers(notebook):
    return [
        name
        for c in notebook["cells"]
        if c["cell_type"] == "code"
        for name in CHECK_CALL.findall(_source(c))
    ]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_every_checked_exercise_has_solution_code_and_becomes_an_answer_and_a_test(nb):
    data = _load(nb)
    checkers = _checkers(data)
    assert len(checkers) >= 2, "a Check yourself section holds at least two checked exercises"
    assignment = nbgrader_assignment(data, nb.name)  # raises if one has no solution code
    meta = [c["metadata"]["nbgrader"] for c in assignment["cells"]]
    assert [m["grade_id"] for m in meta if m["solution"]] == checkers
    assert [m["grade_id"] for m in meta if m["grade"]] == [f"test_{c}" for c in checkers]
    ids = [m["grade_id"] for m in meta]
    assert len(ids) == len(set(ids)) and [c["id"] for c in assignment["cells"]] == ids
    text = "\n".join(_source(c) for c in assignment["cells"])
    assert not re.search(r"<details|solutions|\*\*solution", text, re.I)
    for block in hidden_solutions(data, nb.name):  # the open exercises' answers stay hidden
        prose = [
            line
            for line in block.splitlines()
            if len(line) > 40
            and "`" not in line
            and not line.startswith(("    ", "def ", "assert", "import", "from"))
        ]
        for line in prose:
            assert line not in text


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem[:2])
@pytest.mark.slow
def test_every_assignment_runs_on_its_own_and_its_solutions_pass_every_check(nb):
    """The assignment as nbgrader's source, executed from a fresh kernel: no error, and every
    check (visible and hidden) prints its tick."""
    import nbformat
    from nbclient import NotebookClient

    assignment = nbformat.reads(
        notebook_json(nbgrader_assignment(_load(nb), nb.name)), as_version=4
    )
    NotebookClient(assignment, timeout=300, kernel_name="python3").execute()
    printed = "".join(
        "".join(o.get("text", "")) for c in assignment.cells for o in c.get("outputs", [])
    )
    for checker in _checkers(_load(nb)):
        assert printed.count(f"✔ {checker}") == 2, printed


def test_an_exercise_without_solution_code_is_an_error_that_names_it():
    stub = 'def holm(p):\n    """A."""\n    return None  # your answer\n\ncheck.holm(holm)'
    with pytest.raises(
        CourseError,
        match=r"10\.ipynb, cell 3: the checked exercise check\.holm "
        r"has no solution code",
    ):
        answer_cells(stub, ["assert check.vote_decision(vote_decision)\n"], "10.ipynb, cell 3")
    with pytest.raises(CourseError, match="give it the name of the answer"):
        answer_cells("check.holm(lambda p: p)", ["assert check.holm(holm)\n"], "here")


def test_answer_cells_put_the_solution_in_the_stub_and_the_checks_in_tests():
    stub = (
        "import numpy as np\nfrom course.exercises import check\n\ndef my_ccc(truth, pred):\n"
        '    """A. The CCC."""\n    return None  # your answer\n\ncheck.ccc(my_ccc)'
    )
    block = (
        "import numpy as np\n\ndef my_ccc(truth, pred):\n    x = np.asarray(truth)\n"
        "    return float(x.mean())\n\nassert check.ccc(my_ccc)\n"
    )
    [(checker, answer, test)] = answer_cells(stub, [block], "here")
    assert checker == "ccc"
    assert answer == (
        "import numpy as np\nfrom course.exercises import check\n\n"
        'def my_ccc(truth, pred):\n    """A. The CCC."""\n'
        "    ### BEGIN SOLUTION\n    x = np.asarray(truth)\n"
        "    return float(x.mean())\n    ### END SOLUTION"
    )
    assert test.startswith("assert check.ccc(my_ccc)\n### BEGIN HIDDEN TESTS\n")
    assert test.endswith("### END HIDDEN TESTS") and test.count("check.ccc(my_ccc)") == 2
    value = "# B. Which factor?\nscale = None  # your answer\n\ncheck.scale(scale)"
    [(_, answer, _)] = answer_cells(value, ["assert check.scale(1 / (1 - 0.3))"], "here")
    assert answer == (
        "# B. Which factor?\n### BEGIN SOLUTION\nscale = 1 / (1 - 0.3)\n### END SOLUTION"
    )


def test_the_export_is_an_nbgrader_course_folder(tmp_path):
    written = nbgrader_course(tmp_path, notebooks=[STFT, NOTEBOOKS[0].parent / "08_rnn.ipynb"])
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "nbgrader_config.py",
        "source/02_stft_spectrogram/02_stft_spectrogram.ipynb",
        "source/08_rnn/08_rnn.ipynb",
    ]
    config = (tmp_path / "nbgrader_config.py").read_text()
    assert "c.ExecutePreprocessor.timeout = " in config
    assert set(read_record(tmp_path)["kinds"].values()) == {NBGRADER}
    cells = _load(written[1])["cells"]
    answers = [c for c in cells if c["metadata"]["nbgrader"]["solution"]]
    tests = [c for c in cells if c["metadata"]["nbgrader"]["grade"]]
    assert [c["metadata"]["nbgrader"] for c in answers] == [
        {"grade": False, "grade_id": name, "locked": False, "schema_version": 3, "solution": True}
        for name in ("sample_range", "periodic_window")
    ]
    assert [c["metadata"]["nbgrader"] for c in tests] == [
        {
            "grade": True,
            "grade_id": f"test_{name}",
            "locked": True,
            "points": POINTS,
            "schema_version": 3,
            "solution": False,
        }
        for name in ("sample_range", "periodic_window")
    ]
    assert (
        "### BEGIN SOLUTION\n    return (frames - 1) * hop, frames * hop - 1\n    ### END SOLUTION"
        in (_source(answers[0]))
    )
    assert all("### BEGIN HIDDEN TESTS" in _source(c) for c in tests)
    others = [c["metadata"]["nbgrader"] for c in cells if c not in answers + tests]
    assert others and all(m["locked"] and not m["grade"] for m in others)
    assert "1292" not in json.dumps(cells)  # an open exercise's solution stays out
    assert "check yourself" in _source(cells[0]) and "## Check yourself" in _source(cells[2])


@pytest.mark.slow
def test_grading_02_with_nbgraders_own_commands(tmp_path):
    """nbgrader generates the release and autogrades two submissions: the solutions (full
    marks) and the untouched release (no marks on the checked exercises)."""
    pytest.importorskip("nbgrader")
    course = tmp_path / "grading"
    nbgrader_course(course, notebooks=[STFT])
    assignment = STFT.stem
    nbgrader = [sys.executable, "-m", "nbgrader"]

    def run(*args):
        proc = subprocess.run(
            [*nbgrader, *args], cwd=course, capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc

    run("generate_assignment", assignment)
    release = course / "release" / assignment / STFT.name
    released = _load(release)
    text = "\n".join(_source(c) for c in released["cells"])
    assert "raise NotImplementedError()" in text and "1 + n_samples // hop" not in text
    assert "BEGIN HIDDEN TESTS" not in text and "np.cos(2 * np.pi" not in text
    for student, source in (
        ("key", course / "source" / assignment / STFT.name),
        ("blank", release),
    ):
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        shutil.copy(source, folder / STFT.name)
    run("autograde", assignment)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {}
        for student in ("key", "blank"):
            submission = gradebook.find_submission(assignment, student)
            grades = {
                g.name: (g.score, g.max_score) for n in submission.notebooks for g in n.grades
            }
            scores[student] = (submission.score, submission.max_score, grades)
    checks = ("test_sample_range", "test_periodic_window")
    assert scores["key"] == (2 * POINTS, 2 * POINTS, {c: (POINTS, POINTS) for c in checks})
    assert scores["blank"] == (0, 2 * POINTS, {c: (0, POINTS) for c in checks})
    graded = _load(course / "autograded" / "key" / assignment / STFT.name)
    printed = "".join(
        "".join(o.get("text", "")) for c in graded["cells"] for o in c.get("outputs", [])
    )
    assert printed.count("✔ sample_range") == 2  # the visible check and the hidden one


def test_the_nbgrader_command_says_what_to_do_next(tmp_path, capsys, monkeypatch):
    import course.grading

    monkeypatch.setattr(course.grading, "course_notebooks", lambda: [STFT])
    out = tmp_path / "grading"
    assert main(["exercises", "--nbgrader", "--out-dir", str(out)]) == 0
    said = capsys.readouterr().out
    assert "1 assignment in source/ (02_stft_spectrogram)" in said
    assert "nbgrader generate_assignment 02_stft_spectrogram" in said
    config = out / "nbgrader_config.py"
    config.write_text(config.read_text() + "c.CourseDirectory.course_id = 'mine'\n")
    assert main(["exercises", "--nbgrader", "--out-dir", str(out)]) == 2
    assert "nbgrader_config.py changed" in capsys.readouterr().err
    assert "'mine'" in config.read_text()
    assert main(["exercises", "--nbgrader", "--out-dir", str(out), "--force"]) == 0
    assert "'mine'" not in config.read_text()


def test_a_notebook_without_checked_exercises_has_no_assignment(tmp_path):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# Just reading"]}
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    assert nbgrader_assignment(notebook) is None
    path = tmp_path / "12_reading.ipynb"
    path.write_text(notebook_json(notebook))
    with pytest.raises(CourseError, match="nothing for nbgrader to grade"):
        nbgrader_course(tmp_path / "out", notebooks=[path])
    assert not (tmp_path / "out").exists()
