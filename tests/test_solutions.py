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


# Slow: a solution may read the sample or train a network.
@pytest.mark.slow
@pytest.mark.parametrize(
    "nb, index, block", CASES, ids=[f"{nb.stem[:2]}-{i}" for nb, i, _ in CASES]
)
def test_solution_block_runs(nb, index, block, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(nb.parent)
    monkeypatch.setitem(os.environ, "COURSE_SMOKE", "1")
    namespace = {"__name__": f"solution_{nb.stem}_{index}"}
    exec(compile(block, f"{nb.name} solution {index}", "exec"), namespace)
    import matplotlib.pyplot as plt

    plt.close("all")


def _normalised(text: str) -> str:
    return "".join(text.split())


def _answer_lines(block: str) -> list[str]:
    """The computing lines of the answers a solution block passes to ``check.<name>(...)``: the
    value of each return and assignment in those functions, normalised (no white space)."""
    import ast

    tree = ast.parse(block)
    answers = {
        node.args[0].id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and getattr(node.func.value, "id", "") == "check"
        and node.args
        and isinstance(node.args[0], ast.Name)
    }

    def conversion(value) -> bool:  # np.asarray(truth, float) and the like: no answer in it
        parts = value.elts if isinstance(value, ast.Tuple) else [value]
        return all(
            isinstance(v, ast.Call) and all(isinstance(a, (ast.Name, ast.Constant)) for a in v.args)
            for v in parts
        )

    lines = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in answers:
            for stmt in ast.walk(node):
                if (
                    isinstance(stmt, (ast.Return, ast.Assign, ast.AugAssign))
                    and stmt.value
                    and not conversion(stmt.value)
                ):
                    lines.append(_normalised(ast.unparse(stmt.value)))
    return [line for line in lines if len(line) >= 15]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_a_students_copy_does_not_show_a_checked_exercises_answer(nb):
    """A checked exercise asks for a use of what the page teaches (the inverse, a new case, a
    variant), so no line of its answer is on the page a student gets: not in the text, the code
    or the outputs, except what the exercise's own stub gives to be repaired."""
    from course.publish import _CHECKED, without_solutions

    notebook = json.loads(nb.read_text(encoding="utf-8"))
    page = []
    for cell in without_solutions(notebook, nb.name)["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and _CHECKED.search(source):
            continue  # the stub: a repair exercise gives the broken line
        page.append(source)
        for output in cell.get("outputs", []):
            page.append("".join(output.get("text", "")))
            page += ["".join(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
    page = _normalised("\n".join(page))
    shown = [
        line
        for _, _, block in (c for c in CASES if c[0] == nb)
        for line in _answer_lines(block)
        if line in page
    ]
    assert not shown, f"{nb.name} shows the answer of a checked exercise: {shown}"
