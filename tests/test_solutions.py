"""Every code block in a notebook's hidden solutions runs, so no published solution is wrong.

A solution that computes or checks something is written as a fenced ```python block inside the
notebook's ``<details>``; it is self-contained (its own imports) and asserts what the solution
text claims. This test runs each block in a fresh namespace, from the notebooks folder, in the
smoke setting.
"""

import json
import os
import re
from pathlib import Path

import matplotlib
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
DETAILS = re.compile(r"<details>(.*?)</details>", re.S)
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def solution_blocks(nb_path: Path) -> list[str]:
    """The ```python blocks inside the notebook's <details> sections."""
    cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return [block for details in DETAILS.findall(text) for block in BLOCK.findall(details)]


CASES = [(nb, i, block) for nb in NOTEBOOKS for i, block in enumerate(solution_blocks(nb))]


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
