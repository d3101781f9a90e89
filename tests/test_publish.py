"""Decks and the static site: every script local, links between pages, nothing overwritten
(tests/test_browser.py opens them in Chromium). Copies for a class: no solution left in the
students' copy, an unknown solution mark refused, no edited copy or students' folder
overwritten without --force, files written with the user's umask."""

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from course import outputs
from course.__main__ import main
from course.errors import CourseError, OutputError, PathNotFoundError
from course.publish import (
    ANSWER_KEY,
    STUDENTS,
    build_site,
    course_notebooks,
    exercise_copies,
    export_slides,
    hidden_solutions,
    mark_solution_cells,
    notebook_json,
    notebook_title,
    rise_settings,
    without_solutions,
)

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
    assert "config=TeX-AMS_CHTML-full,Safe,local/course" in page  # the course's MathJax set-up


def test_a_deck_is_drawn_for_a_projector_with_numbers_and_speaker_notes(tmp_path):
    # tests/test_browser.py measures every slide; this checks what the template writes.
    [deck] = export_slides([SMALL[0]], tmp_path)
    page = deck.read_text(encoding="utf-8")
    script = page.rsplit("Reveal.initialize(", 1)[1].split("});", 1)[0]
    for setting in ("width: 1280", "height: 720", "margin: 0.02", 'slideNumber: "c/t"'):
        assert setting in script, setting
    assert "plugins: [RevealNotes]" in script
    assert '"_static/reveal.js/plugin/notes/notes.js"' in page
    assert (tmp_path / "_static/reveal.js/plugin/notes/notes.js").is_file()
    assert "course-slides/slides.css" not in page and "--jp-code-font-size: 25px" in page
    body = page.split("<body", 1)[1]
    assert "In&nbsp;[" not in body and "Out[" not in body  # no prompts
    assert body.count('<aside class="notes">') > 3  # the layout's speaker notes


def test_rise_settings_size_the_live_slideshow_like_the_decks():
    from course.slide_layout import SLIDE_SIZE

    settings = rise_settings()
    assert (settings["width"], settings["height"]) == SLIDE_SIZE and settings["scroll"] is True
    # every notebook presents live (RISE) at the decks' size, with a theme that ships its fonts
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        assert json.loads(nb.read_text(encoding="utf-8"))["metadata"]["rise"] == settings, nb.name


def test_the_site_has_an_ordered_index_and_links_between_pages(tmp_path):
    index = build_site(tmp_path, notebooks=SMALL)
    text = index.read_text(encoding="utf-8")
    assert text.index("08_rnn.html") < text.index("09_lstm_gru.html")
    page = (tmp_path / "08_rnn.html").read_text(encoding="utf-8")
    assert 'href="09_lstm_gru.html"' in page and 'href="09_lstm_gru.ipynb"' not in page
    # A link to a notebook left out of the site is left as it is: 08_rnn links to notebook
    # 04 (its prerequisite), which is not among the pages built here.
    assert "](04_neural_network_basics.ipynb)" in SMALL[0].read_text(encoding="utf-8")
    assert 'href="04_neural_network_basics.ipynb"' in page
    assert "04_neural_network_basics.html" not in page
    for name in ("08_rnn.html", "09_lstm_gru.html"):
        _check_local(tmp_path / name)


@pytest.mark.slow
def test_site_pages_and_decks_are_titled_and_styled_for_an_audit(tmp_path):
    # tests/test_browser.py runs the audit itself; this checks what the templates write.
    build_site(tmp_path / "site", notebooks=SMALL)
    title = notebook_title(SMALL[0])
    page = (tmp_path / "site" / "08_rnn.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and f"<title>{title}</title>" in page
    body = page.split("<body", 1)[1]
    first_link = re.search(r"<a\b[^>]*>[^<]*", body).group(0)
    assert 'href="#course-content"' in first_link and "Skip to the content" in first_link
    assert '<main id="course-content" tabindex="-1">' in body
    assert "--jp-code-font-family" in page.split("</head>")[0]  # course-common/course.css
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in index and "<main>" in index and "<title>" in index
    [deck] = export_slides([SMALL[0]], tmp_path / "decks")
    deck_page = deck.read_text(encoding="utf-8")
    assert f"<title>{title} slides</title>" in deck_page
    assert "--jp-code-font-family" in deck_page.split("</head>")[0]


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


# --- Copies for a class ---------------------------------------------------------------------

ALL = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
#: What a copy without solutions may not hold anywhere (sources, outputs, metadata): solution
#: blocks, labels, nbgrader's marks, or any mention of "solutions" (a pointer to what is gone).
LEFTOVER = re.compile(
    r"<details|</details>|<summary|solutions|\*\*\s*solution|<b>\s*solution"
    r"|BEGIN SOLUTION|BEGIN HIDDEN TESTS",
    re.I,
)
MARK_COMMAND = (
    'python -c "import sys; from course.publish import mark_solution_cells as m; '
    '[print(p, m(p)) for p in sys.argv[1:]]" notebooks/NN_name.ipynb'
)


def _strings(value) -> str:
    """Every string in a notebook's JSON, one per line: what a reader of the file can find."""
    if isinstance(value, str):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return "\n".join(_strings(v) for v in items)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("nb", ALL, ids=lambda p: p.stem[:2])
def test_every_notebook_marks_its_solutions_and_its_copy_holds_none(nb, tmp_path):
    data = _load(nb)
    try:
        copy = without_solutions(data, nb.name)
    except CourseError as exc:
        pytest.fail(f"{exc}\nMark it: {MARK_COMMAND}")
    check = tmp_path / nb.name
    shutil.copy(nb, check)
    assert mark_solution_cells(check) == 0, f"{nb.name} has unmarked solutions: {MARK_COMMAND}"
    hidden = hidden_solutions(data, nb.name)
    assert hidden, f"{nb.name} has no hidden solutions"

    text = _strings(copy)
    found = LEFTOVER.search(text)
    assert not found, f"{nb.name}'s copy holds {text[found.start() - 80 : found.end() + 80]!r}"
    # No line of a hidden solution survives, unless the page shows it outside the solutions.
    page = _strings(data)
    for block in hidden:
        page = page.replace(block, "")
    for block in hidden:
        for line in {line.strip() for line in block.splitlines()}:
            if len(line) >= 12 and line not in page:
                assert line not in text, f"{nb.name}'s copy holds the solution line {line!r}"
    # Everything else is there: every code cell as it was, the exercises and references.
    assert [c["source"] for c in copy["cells"] if c["cell_type"] == "code"] == [
        c["source"] for c in data["cells"] if c["cell_type"] == "code"
    ]
    headings = ["".join(c["source"]).split("\n")[0] for c in copy["cells"][-2:]]
    assert headings == ["## Exercises", "## References"]  # the solutions' cell between them went
    for cell in copy["cells"]:  # the checker's verdicts on the unanswered stubs are gone
        if re.search(r"^check\.\w+\(", "".join(cell["source"]), re.M):
            assert cell["outputs"] == []


def _nb(*cells) -> dict:
    """A notebook of (cell_type, source, metadata) cells."""
    return {
        "cells": [
            {
                "cell_type": kind,
                "id": f"c{i}",
                "metadata": meta or {},
                "source": source.splitlines(keepends=True),
                **({"outputs": [], "execution_count": None} if kind == "code" else {}),
            }
            for i, (kind, source, meta) in enumerate(cells)
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


DETAILS = {"tags": ["solution"], "course": {"solution": "details"}}
WHOLE = {"tags": ["solution"], "course": {"solution": "cell"}}


@pytest.mark.parametrize(
    "text",
    [
        "## Exercises\n\n<details><summary>Solutions</summary>\n\n42\n</details>",
        "<details open><summary>Solution</summary>42</details>",
        "Exercise 1.\n\n<b>Solutions</b>\n\n1. 42",
        "### Answer\n\n42",
        "**Answers:** 42",
        "1. 42 </details>",
        "The solutions are at the end of the notebook, below the references",
    ],
)
def test_an_unmarked_solution_is_an_error_that_names_the_notebook_and_cell(text):
    with pytest.raises(CourseError, match=r"my\.ipynb, cell 1 \(id c1"):
        without_solutions(_nb(("markdown", "# Title", None), ("markdown", text, None)), "my.ipynb")


def test_an_unmarked_solution_in_code_or_metadata_is_an_error_too():
    with pytest.raises(CourseError, match="cell 0"):
        without_solutions(_nb(("code", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION", None)))
    with pytest.raises(CourseError, match="cell 0"):
        without_solutions(_nb(("code", "# Solution\nx = 1", None)))
    with pytest.raises(CourseError, match="cell 0"):
        without_solutions(_nb(("markdown", "text", {"nbgrader": {"solution": True}})))
    notebook = _nb(("markdown", "text", None))
    notebook["metadata"]["answer_key"] = {"solution": "42"}
    with pytest.raises(CourseError, match="notebook metadata"):
        without_solutions(notebook, "my.ipynb")


@pytest.mark.parametrize(
    "meta",
    [
        {"tags": ["solution"]},
        {"course": {"solution": "details"}},
        {"tags": ["solution"], "course": {"solution": True}},
    ],
)
def test_an_unknown_or_half_mark_is_an_error(meta):
    with pytest.raises(CourseError, match="mark the course does not know"):
        without_solutions(_nb(("markdown", "<details>42</details>", meta)))


@pytest.mark.parametrize(
    "text, what",
    [
        ("Intro\n\n<details><summary>Solutions</summary>42", "no </details>"),
        ("Intro\n\n<details>42</details></details>", "closes no <details>"),
        ("Intro without any block", "has none"),
        ("**Solutions**\n\n<details>42</details>", "not marked as one"),
    ],
)
def test_a_marked_cell_that_cannot_be_cut_cleanly_is_an_error(text, what):
    with pytest.raises(CourseError, match=what):
        without_solutions(_nb(("markdown", text, DETAILS)))


def test_marked_details_go_whole_whatever_their_form_and_the_rest_stays():
    text = (
        "## Exercises\n\n1. Why?\n\n<details open><summary><b>Answers</b></summary>\n\n"
        "Because 42 ![fig](attachment:answer.png)\n<details><summary>More</summary>43"
        "</details>\n</details>\n\n## References\n\n- A book ![logo](attachment:logo.png)"
    )
    notebook = _nb(("markdown", text, {**DETAILS, "slideshow": {"slide_type": "slide"}}))
    notebook["cells"][0]["attachments"] = {
        "answer.png": {"image/png": "AAAA"},
        "logo.png": {"image/png": "BBBB"},
    }
    cell = without_solutions(notebook)["cells"][0]
    assert "".join(cell["source"]) == (
        "## Exercises\n\n1. Why?\n\n## References\n\n- A book ![logo](attachment:logo.png)"
    )
    assert list(cell["attachments"]) == ["logo.png"]
    assert cell["metadata"] == {"slideshow": {"slide_type": "slide"}}  # no mark left


def test_a_whole_solution_cell_goes_with_its_outputs_and_attachments():
    notebook = _nb(
        ("markdown", "Task", None),
        ("code", "answer = 42", WHOLE),
        ("markdown", "![a](attachment:a.png) 42", WHOLE),
    )
    notebook["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "42"}]
    notebook["cells"][2]["attachments"] = {"a.png": {"image/png": "AAAA"}}
    assert "42" not in _strings(without_solutions(notebook))
    assert [c["id"] for c in without_solutions(notebook)["cells"]] == ["c0"]


@pytest.mark.parametrize(
    "text, kept",
    [
        (
            "it never\nshows the solution (that is under **Solutions** at the end).",
            "it never\nshows the solution.",
        ),
        (
            "Write it. The solutions are under **Solutions** at the end.\n\nNext.",
            "Write it.\n\nNext.",
        ),
        (
            "It prints a hint; the solutions are under **Solutions** at the end.",
            "It prints a hint.",
        ),
        ("(See the solutions.) Then run it.", " Then run it."),
    ],
)
def test_a_copy_drops_the_sentences_that_point_to_the_solutions(text, kept):
    cell = without_solutions(_nb(("markdown", text, None)))["cells"][0]
    assert "".join(cell["source"]) == kept


def test_marking_is_idempotent_and_touches_nothing_but_metadata(tmp_path):
    notebook = _nb(
        ("markdown", "# T\n\n<details>42</details>\n\nRefs", None),
        ("markdown", "<details><summary>S</summary>43</details>", None),
        ("markdown", "Plain", None),
    )
    path = tmp_path / "n.ipynb"
    path.write_text(notebook_json(notebook), encoding="utf-8")
    assert mark_solution_cells(path) == 2
    marked = _load(path)
    assert [c["metadata"].get("course") for c in marked["cells"]] == [
        {"solution": "details"},
        {"solution": "cell"},
        None,
    ]
    assert [c["source"] for c in marked["cells"]] == [c["source"] for c in notebook["cells"]]
    before = path.read_bytes()
    assert mark_solution_cells(path) == 0 and path.read_bytes() == before
    assert [c["id"] for c in without_solutions(marked)["cells"]] == ["c0", "c2"]


# --- Class folders: never an edited copy, never answers over the students' ----------------

SMALL_COPY = [NOTEBOOKS / "02_stft_spectrogram.ipynb", NOTEBOOKS / "08_rnn.ipynb"]


def _one_line_error(capsys, argv, *words):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    for word in words:
        assert word in err[0], err[0]


@pytest.mark.parametrize("kind", ["--without-solutions", "--with-solutions", "--nbgrader"])
def test_an_out_dir_that_cannot_be_a_folder_is_one_line_not_a_traceback(kind, tmp_path, capsys):
    (tmp_path / "file").write_text("mine")
    _one_line_error(
        capsys, ["exercises", kind, "--out-dir", str(tmp_path / "file" / "sub")], "is a file"
    )
    _one_line_error(capsys, ["exercises", kind, "--out-dir", str(tmp_path / "file")], "is a file")
    (tmp_path / "link").symlink_to(tmp_path / "gone")
    _one_line_error(
        capsys,
        ["exercises", kind, "--out-dir", str(tmp_path / "link")],
        "symbolic link",
        "does not exist",
    )
    _one_line_error(
        capsys, ["exercises", kind, "--out-dir", str(tmp_path / "link" / "sub")], "symbolic link"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "link"]
    assert (tmp_path / "file").read_text() == "mine"


def test_an_unwritable_out_dir_is_one_line(tmp_path, capsys, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() == 0:  # root may write anywhere: pretend the folder is not ours
        monkeypatch.setattr(outputs.os, "access", lambda path, mode: Path(path) != locked)
    else:
        locked.chmod(0o555)
    try:
        _one_line_error(
            capsys,
            ["exercises", "--without-solutions", "--out-dir", str(locked)],
            "cannot be written",
        )
        _one_line_error(
            capsys,
            ["exercises", "--nbgrader", "--out-dir", str(locked / "sub")],
            "cannot be written",
        )
    finally:
        locked.chmod(0o755)
    assert list(locked.iterdir()) == []


def test_copies_are_written_with_the_users_umask(tmp_path):
    for mask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        old = os.umask(mask)
        try:
            out = tmp_path / f"class{mode:o}"
            [copy] = exercise_copies(out, solutions=False, notebooks=SMALL_COPY[:1])
            with outputs.atomic_path(out / "other.txt") as tmp:
                tmp.write_text("x")
        finally:
            os.umask(old)
        for path in (copy, out / "other.txt", out / outputs.RECORD):
            assert path.stat().st_mode & 0o777 == mode, (path, oct(path.stat().st_mode))
        assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_an_edited_copy_is_kept_unless_forced_and_the_message_names_it(tmp_path):
    out = tmp_path / "class"
    first, second = exercise_copies(out, solutions=False, notebooks=SMALL_COPY)
    exercise_copies(out, solutions=False, notebooks=SMALL_COPY)  # unchanged: replaced freely
    first.write_text(first.read_text(encoding="utf-8").replace("Check yourself", "Try this"))
    edited = first.read_bytes()
    with pytest.raises(
        OutputError, match="02_stft_spectrogram.ipynb changed since the course wrote it"
    ) as refused:
        exercise_copies(out, solutions=False, notebooks=SMALL_COPY)
    assert "08_rnn" not in str(refused.value) and "--force" in str(refused.value)
    assert first.read_bytes() == edited
    exercise_copies(out, solutions=False, notebooks=SMALL_COPY, force=True)
    assert first.read_bytes() != edited and "Check yourself" in first.read_text(encoding="utf-8")


def test_a_copy_without_a_recorded_hash_counts_as_edited(tmp_path):
    out = tmp_path / "class"
    [copy] = exercise_copies(out, solutions=False, notebooks=SMALL_COPY[:1])
    (out / outputs.RECORD).write_text(json.dumps({"files": [copy.name]}))  # an older record
    with pytest.raises(OutputError, match="no record of what it wrote"):
        exercise_copies(out, solutions=False, notebooks=SMALL_COPY[:1])
    exercise_copies(out, solutions=False, notebooks=SMALL_COPY[:1], force=True)


def test_answer_keys_never_go_over_the_students_copies_without_force(tmp_path):
    students = tmp_path / "class"
    exercise_copies(students, solutions=False, notebooks=SMALL_COPY)
    before = {p.name: p.read_bytes() for p in students.iterdir()}
    with pytest.raises(OutputError, match="students' copy without solutions"):
        exercise_copies(students, solutions=True, notebooks=SMALL_COPY)
    with pytest.raises(OutputError, match="students' copy"):  # nor beside them
        exercise_copies(students, solutions=True, notebooks=[NOTEBOOKS / "09_lstm_gru.ipynb"])
    from course.grading import nbgrader_course

    with pytest.raises(OutputError, match="students' copy"):
        nbgrader_course(students, notebooks=SMALL_COPY[:1])
    assert {p.name: p.read_bytes() for p in students.iterdir()} == before
    exercise_copies(students, solutions=True, notebooks=SMALL_COPY, force=True)
    assert _load(students / SMALL_COPY[0].name) == _load(SMALL_COPY[0])
    kinds = outputs.read_record(students)["kinds"]
    assert kinds == {nb.name: ANSWER_KEY for nb in SMALL_COPY}
    exercise_copies(students, solutions=False, notebooks=SMALL_COPY)  # the other way is fine
    assert outputs.read_record(students)["kinds"] == {nb.name: STUDENTS for nb in SMALL_COPY}


def test_force_never_replaces_a_file_the_course_did_not_write(tmp_path):
    mine = tmp_path / SMALL_COPY[0].name
    mine.write_text("my annotated copy")
    with pytest.raises(OutputError, match="did not write"):
        exercise_copies(tmp_path, solutions=False, notebooks=SMALL_COPY, force=True)
    assert mine.read_text() == "my annotated copy" and len(list(tmp_path.iterdir())) == 1


def test_a_notebook_with_an_unmarked_solution_writes_nothing(tmp_path):
    bad = tmp_path / "12_new.ipynb"
    bad.write_text(notebook_json(_nb(("markdown", "<details open>42</details>", None))))
    with pytest.raises(CourseError, match="12_new.ipynb, cell 0"):
        exercise_copies(tmp_path / "class", solutions=True, notebooks=[SMALL_COPY[0], bad])
    assert not (tmp_path / "class").exists()


def test_the_command_writes_copies_and_refuses_an_edit_in_one_line(tmp_path, capsys, monkeypatch):
    import course.publish

    monkeypatch.setattr(course.publish, "course_notebooks", lambda: SMALL_COPY)
    out = tmp_path / "class"
    assert main(["exercises", "--without-solutions", "--out-dir", str(out)]) == 0
    assert f"Wrote 2 notebooks without solutions to {out}" in capsys.readouterr().out
    _one_line_error(
        capsys,
        ["exercises", "--with-solutions", "--out-dir", str(out)],
        "students' copy without solutions",
        "--force",
    )
    (out / "08_rnn.ipynb").write_text("{}")
    _one_line_error(
        capsys,
        ["exercises", "--without-solutions", "--out-dir", str(out)],
        "08_rnn.ipynb changed",
        "--force",
    )
    assert main(["exercises", "--with-solutions", "--out-dir", str(out), "--force"]) == 0
    assert _load(out / "08_rnn.ipynb") == _load(SMALL_COPY[1])


@pytest.mark.slow
def test_site_and_decks_can_be_published_without_the_solutions(tmp_path):
    stft = NOTEBOOKS / "02_stft_spectrogram.ipynb"
    # The first solution of 02 gives 1292 frames; nothing else in the notebook says 1292.
    build_site(tmp_path / "open", notebooks=[stft])
    assert "1292" in (tmp_path / "open" / "02_stft_spectrogram.html").read_text(encoding="utf-8")
    assert main(["site", "--without-solutions", "--out-dir", str(tmp_path / "class")]) == 0
    assert (
        main(["slides", "--without-solutions", "--out-dir", str(tmp_path / "decks"), str(stft)])
        == 0
    )
    for page in [tmp_path / "class" / "02_stft_spectrogram.html",
                 tmp_path / "decks" / "02_stft_spectrogram.slides.html"]:  # fmt: skip
        text = page.read_text(encoding="utf-8")
        assert "1292" not in text and "<summary>Solutions" not in text, page.name
        assert '<h2 id="Exercises">' in text  # the exercises stay


@pytest.mark.slow
def test_the_site_carries_the_instructors_guide_unless_it_leaves_out_the_solutions(tmp_path):
    index = build_site(tmp_path / "open", notebooks=SMALL)
    links = re.findall(r'href="([^"]+)"', index.read_text(encoding="utf-8"))
    assert "instructors.html" in links and "answer-key.html" in links
    guide = (tmp_path / "open" / "instructors.html").read_text(encoding="utf-8")
    assert guide.count("<h1>") == 1 and "<title>Teaching with the course" in guide
    assert 'href="answer-key.html"' in guide and "The twelve sessions" in guide
    key = (tmp_path / "open" / "answer-key.html").read_text(encoding="utf-8")
    assert "1292" in key  # 02's first solution
    # Its maths is typeset by the site's own MathJax, set up as a notebook's page sets it up;
    # the guide has no maths, so no MathJax.
    page = (tmp_path / "open" / f"{SMALL[0].stem}.html").read_text(encoding="utf-8")
    setup = re.search(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", page, re.S)
    assert setup and "_static/mathjax/MathJax.js?config=" in setup.group(0)
    assert " ".join(setup.group(0).split()) in " ".join(key.split()) and "MathJax" not in guide
    assert r"$1 + \lfloor 661500 / 512 \rfloor = 1292$" in key.replace("\n   ", " ")
    # One "Exercises" heading per notebook, each with its own id and anchor link.
    ids = re.findall(r'<h[1-6] id="([^"]+)">', key)
    assert len(ids) == len(set(ids)) and {"Exercises", "Exercises-1"} <= set(ids)
    assert 'id="Exercises-1">Exercises<a class="anchor-link" href="#Exercises-1">' in key
    build_site(tmp_path / "class", notebooks=SMALL, solutions=False)
    assert not (tmp_path / "class" / "answer-key.html").exists()
    assert "answer-key.html" not in (tmp_path / "class" / "index.html").read_text(encoding="utf-8")
