"""Every notebook converts to a reveal.js slide deck with more than one slide."""

import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


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
