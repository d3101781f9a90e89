"""What a learner or a class sees holds no test machinery: no nbval markers in code (they are
cell tags), and no mention of the test suite or its smoke setting in sources or outputs."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
MACHINERY = re.compile(r"NBVAL|nbval|test suite|smoke|pytest|\bCI\b")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_test_machinery_in_what_a_learner_sees(notebook):
    found = []
    for index, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8"))["cells"]):
        texts = ["".join(cell["source"])]
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            texts.append("".join(output.get("data", {}).get("text/plain", "")))
        for text in texts:
            found += [(index, m.group(0)) for m in MACHINERY.finditer(text)]
    assert not found, f"{notebook.name}: (cell, word) {found}"


def test_checked_outputs_are_marked_with_nbvals_cell_tag():
    tagged = [
        cell
        for nb in NOTEBOOKS
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]
        if "nbval-check-output" in cell.get("metadata", {}).get("tags", [])
    ]
    assert len(tagged) >= 15 and all(cell["cell_type"] == "code" for cell in tagged)
