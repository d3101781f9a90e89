"""Every code block in a notebook's hidden solutions runs, so no published solution is wrong.

A solution that computes or checks something is written as a fenced ```python block inside the
notebook's hidden solutions (the cells, or their ``<details>`` blocks, marked as solutions: see
``course.publish.hidden_solutions``); it is self-contained (its own imports) and asserts what
the solution text claims. This test runs each block in a fresh namespace, from the notebooks
folder, in the smoke setting.
"""

import json
import os
from pathlib import Path

import matplotlib
import pytest

from course.errors import CourseError
from course.grading import solution_code

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def solution_blocks(nb_path: Path) -> list[str]:
    """The ```python blocks of the notebook's hidden solutions. A solution that is not marked
    as one raises a CourseError here, instead of going untested."""
    return solution_code(json.loads(nb_path.read_text(encoding="utf-8")), nb_path.name)


CASES, UNMARKED = [], {}
for _nb in NOTEBOOKS:
    try:
        CASES += [(_nb, i, block) for i, block in enumerate(solution_blocks(_nb))]
    except CourseError as exc:
        UNMARKED[_nb] = str(exc)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_every_notebooks_solutions_are_marked_and_found(nb):
    assert nb not in UNMARKED, UNMARKED.get(nb)
    assert any(case[0] == nb for case in CASES), f"{nb.name} has no solution code"


def test_the_audio_notebooks_have_solutions_that_run():
    with_code = {nb.stem[:2] for nb, _, _ in CASES}
    assert {"01", "02", "03"} <= with_code


@pytest.mark.parametrize("nb, index, block", CASES,
                         ids=[f"{nb.stem[:2]}-{i}" for nb, i, _ in CASES])
def test_solution_block_runs(nb, index, block, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(nb.parent)
    monkeypatch.setitem(os.environ, "COURSE_SMOKE", "1")
    namespace = {"__name__": f"solution_{nb.stem}_{index}"}
    exec(compile(block, f"{nb.name} solution {index}", "exec"), namespace)
    import matplotlib.pyplot as plt

    plt.close("all")
