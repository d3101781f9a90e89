"""Every notebook converts to a reveal.js slide deck with more than one slide."""

import copy
import re
from collections import Counter
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.slow  # converts a whole notebook
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_converts_to_slides(nb):
    import nbformat
    from nbconvert import SlidesExporter

    notebook = nbformat.read(nb, as_version=4)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    untyped = [
        c.source[:60] for c in code_cells if not c.metadata.get("slideshow", {}).get("slide_type")
    ]
    assert not untyped, f"code cells without a slide type: {untyped}"
    html, _ = SlidesExporter().from_notebook_node(notebook)
    slides = len(re.findall(r"<section", html))
    assert slides > 1, "the deck has a single slide"
    assert "reveal" in html.lower()


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_live_slideshow_needs_no_internet(nb):
    import json

    # jupyterlab-rise's default theme ("simple") loads Google's fonts; "white" brings its own.
    rise = json.loads(nb.read_text(encoding="utf-8"))["metadata"].get("rise", {})
    assert rise.get("theme") == "white" and rise.get("scroll") is True


# --- The layout for a projector (course.slide_layout) -------------------------------------------


def _notebook(*cells):
    """A notebook of (kind, source, metadata[, outputs]) cells, as nbconvert reads one."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    made = []
    for kind, source, metadata, *outputs in cells:
        if kind == "code":
            made.append(new_code_cell(source, metadata=metadata, outputs=outputs))
        else:
            made.append(new_markdown_cell(source, metadata=metadata))
    return nbformat.from_dict(new_notebook(cells=made))


def _laid_out(nb):
    from course.slide_layout import lay_out_slides

    return lay_out_slides(nb, {})[0].cells


def _slides(cells):
    """The laid-out cells as [(slide type, shown text, notes)], one per slide or sub-slide."""
    slides = []
    for cell in cells:
        kind = cell.metadata["slideshow"]["slide_type"]
        text = cell.source
        if cell.cell_type == "code":
            printed = [o.get("text") or "".join(o.get("data", {}).values()) for o in cell.outputs]
            text = "\n".join([cell.source, *printed])
        if kind in ("slide", "subslide"):
            slides.append([kind, text, ""])
        elif kind == "notes":
            slides[-1][2] += cell.source
        else:
            slides[-1][1] += "\n" + text
    return slides


def _stream(text):
    from nbformat.v4 import new_output

    return new_output("stream", name="stdout", text=text)


LONG = "This paragraph is long, far too long to read aloud from a slide. " * 6


def test_headings_start_slides_and_prose_goes_to_the_speaker_notes():
    nb = _notebook(
        ("markdown", f"# Title\n\nA short point.\n\n{LONG}", {}),
        ("markdown", "## Section\n\nIntro.\n\n$$y = x^2$$\n\n" + LONG, {}),
        (
            "markdown",
            "### Part\n\n- one\n- two\n\n" + "\n".join(f"- item {i}" for i in range(8)),
            {},
        ),
        ("markdown", "## Answers\n\n<details><summary>Show</summary>\n\n42\n\n</details>", {}),
    )
    slides = _slides(_laid_out(nb))
    assert [s[0] for s in slides] == ["slide", "slide", "subslide", "slide"]
    assert "# Title" in slides[0][1] and "A short point." in slides[0][1]
    assert LONG in slides[0][2] and LONG not in slides[0][1]  # beyond the first paragraph
    assert "$$y = x^2$$" in slides[1][1] and LONG in slides[1][2]  # formulas stay
    assert "- two" in slides[2][1] and "- item 7" in slides[2][2]  # a long list goes
    assert "<details>" in slides[3][2] and "<details>" not in slides[3][1]


def test_each_code_cell_is_a_sub_slide_under_its_heading_with_its_output():
    nb = _notebook(
        ("markdown", "## Framing\n\nShort.", {}),
        ("code", "print(1)", {}, _stream("1\n")),
        ("code", "print(2)", {"slideshow": {"slide_type": "-"}}, _stream("2\n")),
        ("markdown", "The next figure shows it:", {}),
        ("code", "print(3)", {}, _stream("3\n")),
    )
    slides = _slides(_laid_out(nb))
    assert [s[0] for s in slides] == ["slide", "subslide", "subslide", "subslide"]
    assert slides[1][1].startswith("## Framing") and "print(1)\n1\n" in slides[1][1]
    assert slides[2][1].startswith("## Framing") and "print(2)\n2\n" in slides[2][1]
    # A Markdown cell without a heading introduces the code after it, on the same sub-slide.
    assert "The next figure shows it:" in slides[3][1] and "print(3)" in slides[3][1]


def test_a_long_code_cell_and_its_long_output_are_cut_in_runs_and_nothing_is_lost():
    from nbformat.v4 import new_output

    source = "\n".join(f"x{i} = {i}" for i in range(50))
    shown = "```python\n" + "\n".join(f"    line_{i}()" for i in range(40)) + "\n```"
    table = "| a | b |\n| --- | --- |\n" + "\n".join(f"| {i} | {i * i} |" for i in range(40))
    outputs = [
        _stream("".join(f"printed {i}\n" for i in range(30))),
        new_output("execute_result", data={"text/markdown": shown, "text/plain": "md"}),
        new_output("display_data", data={"text/markdown": table, "text/plain": "table"}),
    ]
    nb = _notebook(("markdown", "## Long", {}), ("code", source, {}, *outputs))
    cells = [c for c in _laid_out(nb) if c.cell_type == "code"]
    assert len(cells) >= 5
    assert "\n".join(c.source for c in cells if c.source) == source
    hidden = [c for c in cells if not c.source]
    assert all(c.metadata["transient"] == {"remove_source": True} for c in hidden)
    parts = [o for c in cells for o in c.outputs]
    printed = "".join(o.text for o in parts if o.output_type == "stream")
    assert printed == "".join(f"printed {i}\n" for i in range(30))
    markdown = [o.data["text/markdown"] for o in parts if o.output_type != "stream"]
    fences = [md for md in markdown if md.startswith("```")]
    assert len(fences) > 1 and all(
        f.startswith("```python\n") and f.endswith("\n```") for f in fences
    )
    lines = [line for f in fences for line in f.splitlines()[1:-1]]
    assert lines == [f"    line_{i}()" for i in range(40)]
    tables = [md for md in markdown if md.startswith("| a | b |\n| --- | --- |\n")]
    assert len(tables) > 1  # each part of the table has its head
    rows = [line for t in tables for line in t.splitlines()[2:]]
    assert rows == [f"| {i} | {i * i} |" for i in range(40)]


def test_marked_cells_keep_their_type_and_solutions_go_to_the_notes():
    nb = _notebook(
        ("markdown", "## One", {"slideshow": {"slide_type": "subslide"}}),
        ("code", "setup()", {"slideshow": {"slide_type": "skip"}}),
        ("markdown", "Said aloud.", {"slideshow": {"slide_type": "notes"}}),
        ("markdown", "Step by step.", {"slideshow": {"slide_type": "fragment"}}),
        ("markdown", "## Exercises\n\n1. Do it.", {}),
        (
            "markdown",
            "<details><summary>Solutions</summary>\n\n42\n\n</details>",
            {"tags": ["solution"]},
        ),  # fmt: skip
        ("code", "answer = 42", {"tags": ["solution"]}),
    )
    cells = _laid_out(nb)
    assert not any("setup()" in c.source for c in cells)
    kinds = [(c.metadata["slideshow"]["slide_type"], c.source.strip()[:12]) for c in cells]
    assert ("subslide", "## One") in kinds and ("fragment", "Step by step") in kinds
    slides = _slides(cells)
    assert "Said aloud." in slides[0][2]
    assert "42" in slides[1][2] and "answer = 42" in slides[1][2] and "42" not in slides[1][1]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_layout_of_every_notebook_loses_nothing(nb):
    """Every line of code, every output and every Markdown block of the notebook is on a slide
    or in the speaker notes, in order; each slide starts with a heading."""
    import nbformat

    from course.slide_layout import lay_out_slides

    notebook = nbformat.read(nb, as_version=4)
    before = [
        c for c in notebook.cells if c.metadata.get("slideshow", {}).get("slide_type") != "skip"
    ]
    solutions = [c for c in before if "solution" in c.metadata.get("tags", [])]
    code = "\n".join(c.source for c in before if c.cell_type == "code" and c not in solutions)
    words = re.findall(r"\w+", " ".join(c.source for c in before if c.cell_type == "markdown"))
    cells = lay_out_slides(nbformat.from_dict(copy.deepcopy(notebook)), {})[0].cells
    shown = [c for c in cells if c.cell_type == "code"]
    assert "\n".join(c.source for c in shown if c.source) == code
    text = " ".join(c.source for c in cells if c.cell_type == "markdown")
    assert Counter(re.findall(r"\w+", text)) >= Counter(words)
    starts = [c for c in cells if c.metadata["slideshow"]["slide_type"] in ("slide", "subslide")]
    assert all(c.cell_type == "markdown" and c.source.startswith("#") for c in starts[1:])
