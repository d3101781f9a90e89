"""The committed notebooks: executed in order, with no errors, warnings or machine paths in
their outputs, and slide metadata on every cell. nbval runs them separately."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
MACHINE_PATH = re.compile(r"(/home/|/root/|/tmp/|/Users/|[A-Z]:\\\\Users)")
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


def _text(output):
    if "text" in output:
        return "".join(output["text"])
    data = output.get("data", {})
    return "".join(
        "".join(v) if isinstance(v, list) else str(v)
        for k, v in data.items()
        if k.startswith("text/")
    )


def _cells(nb_path):
    return json.loads(nb_path.read_text(encoding="utf-8"))["cells"]


def test_notebooks_are_numbered_in_teaching_order():
    names = [p.stem for p in NOTEBOOKS]
    assert names == sorted(names)
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", n) for n in names)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_executed_in_order_without_errors_or_noise(nb):
    code = [c for c in _cells(nb) if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in code]
    assert None not in counts, "commit the notebook executed"
    assert counts == list(range(1, len(counts) + 1)), "run it top to bottom from a fresh kernel"
    for c in code:
        for out in c["outputs"]:
            assert out["output_type"] != "error", "".join(c["source"])[:80]
            text = _text(out)
            if out.get("name") == "stderr":
                assert not re.search(r"Warning|WARNING|Traceback|E0000|I0000", text), text[:300]
            assert not MACHINE_PATH.search(text), f"absolute path in output: {text[:200]}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_has_slide_metadata_and_the_course_opening_and_closing(nb):
    cells = _cells(nb)
    for c in cells:
        assert c["metadata"].get("slideshow", {}).get("slide_type") in SLIDE_TYPES
    first = "".join(cells[0]["source"])
    last = "".join(cells[-1]["source"])
    assert first.startswith("# ") and "You will be able to" in first and "Run time" in first
    # It closes with three cells: the exercises, their solutions (one cell, marked), references.
    exercises, solutions = ("".join(c["source"]) for c in cells[-3:-1])
    assert exercises.startswith("## Exercises") and last.startswith("## References")
    assert solutions.startswith("<details>") and "solution" in cells[-2]["metadata"]["tags"]
    if nb != NOTEBOOKS[-1]:
        assert "**Next:**" in last


def test_each_header_run_time_is_the_readme_course_map_time():
    import sys

    sys.path.insert(0, str(NOTEBOOKS[0].parents[1] / "benchmarks"))
    from notebook_times import HEADER, header_line, readme_times

    times = readme_times()
    assert set(times) == {nb.stem for nb in NOTEBOOKS}, "one course-map row per notebook"
    for nb in NOTEBOOKS:
        first = "".join(_cells(nb)[0]["source"])
        assert HEADER.findall(first) == [header_line(times[nb.stem])], (
            f"{nb.name}: run `python benchmarks/notebook_times.py --check`"
        )
