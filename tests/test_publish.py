"""Decks and the static site: every script local, links between pages, nothing overwritten.
(tests/test_browser.py opens them in Chromium.)"""

import re
from pathlib import Path

import pytest

from course.__main__ import main
from course.errors import OutputError, PathNotFoundError
from course.publish import build_site, course_notebooks, export_slides, notebook_title

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SMALL = [NOTEBOOKS / "08_rnn.ipynb", NOTEBOOKS / "09_lstm_gru.ipynb"]


def _loaded(page: str) -> list[str]:
    """What a page loads: script sources and stylesheets."""
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', page)
    styles = re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', page)
    module_imports = re.findall(r'import[^\n;]*from\s+[\'"]([^\'"]+)[\'"]', page)
    return scripts + styles + module_imports


def _check_local(page_path: Path):
    loaded = _loaded(page_path.read_text(encoding="utf-8"))
    assert loaded
    remote = [u for u in loaded if re.match(r"(https?:)?//", u)]
    assert not remote, f"{page_path.name} loads {remote}"
    for url in loaded:
        if not url.startswith("data:"):
            assert (page_path.parent / url.split("?")[0]).is_file(), url


def test_course_notebooks_are_in_course_order():
    names = [p.name for p in course_notebooks()]
    assert names == sorted(names) and names[0] == "00_start_here.ipynb"
    assert notebook_title(NOTEBOOKS / "03_mfcc.ipynb").startswith("03")


def test_a_deck_loads_every_script_from_its_folder(tmp_path):
    [deck] = export_slides([SMALL[1]], tmp_path)
    assert deck.name == "09_lstm_gru.slides.html"
    _check_local(deck)
    page = deck.read_text(encoding="utf-8")
    assert "_static/reveal.js" in page and page.count("<section") > 3
    assert ",local/course" in page  # MathJax told to use the fonts it has


def test_the_site_has_an_ordered_index_and_links_between_pages(tmp_path):
    index = build_site(tmp_path, notebooks=SMALL)
    text = index.read_text(encoding="utf-8")
    assert text.index("08_rnn.html") < text.index("09_lstm_gru.html")
    page = (tmp_path / "08_rnn.html").read_text(encoding="utf-8")
    assert 'href="09_lstm_gru.html"' in page and 'href="09_lstm_gru.ipynb"' not in page
    # A link to a notebook left out of the site is left as it is.
    assert 'href="07_cnn_on_mfcc.ipynb"' in page or "07_cnn_on_mfcc" not in page
    for name in ("08_rnn.html", "09_lstm_gru.html"):
        _check_local(tmp_path / name)


def test_publishing_never_overwrites_a_file_it_did_not_make(tmp_path):
    mine = tmp_path / "08_rnn.slides.html"
    mine.write_text("my own notes")
    with pytest.raises(OutputError, match="08_rnn.slides.html"):
        export_slides([SMALL[0]], tmp_path)
    assert mine.read_text() == "my own notes"
    assert not (tmp_path / "_static").exists()


def test_publishing_again_into_its_own_folder_replaces_its_pages(tmp_path):
    export_slides([SMALL[0]], tmp_path)
    (tmp_path / "08_rnn.slides.html").write_text("stale")
    export_slides([SMALL[0]], tmp_path)
    assert "reveal" in (tmp_path / "08_rnn.slides.html").read_text(encoding="utf-8")


def test_a_missing_notebook_is_named(tmp_path):
    with pytest.raises(PathNotFoundError, match="nope.ipynb"):
        export_slides([tmp_path / "nope.ipynb"], tmp_path / "out")
    with pytest.raises(PathNotFoundError, match="No course notebooks"):
        course_notebooks(tmp_path)


def test_the_commands_write_decks_and_say_where(tmp_path, capsys):
    assert main(["slides", str(SMALL[1]), "--out-dir", str(tmp_path)]) == 0
    assert "09_lstm_gru.slides.html" in capsys.readouterr().out
    assert main(["slides", str(tmp_path / "nope.ipynb"), "--out-dir", str(tmp_path)]) == 2
    assert "nope.ipynb" in capsys.readouterr().err
