"""Publishing the executed notebooks to read or present with no internet: slide decks and a
static site, whose scripts and maths load from files written beside them.

nbconvert writes the HTML, with the course's templates in ``course/templates/`` built on its
``reveal`` and ``lab`` ones (legible code blocks and colours, a skip link, focus outlines, each
page titled with its notebook's title: see ``course-common/course.css``); this module points
every script those templates load at a local copy in ``_static/``: reveal.js 4.0.2 (the version
nbconvert's template is written for), RequireJS and jQuery from ``course/static/`` (see its
README for where they come from), and MathJax 2.7 from the ``jupyter_server_mathjax`` package,
with its CommonHTML output (nbconvert's own choice) added from ``course/static/mathjax/``.
Links between notebooks (``01_waveform_and_fourier.ipynb``) become links between the pages.

Outputs follow :mod:`course.outputs`: a file the output folder's record does not list is never
overwritten, and nothing is removed.
"""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
from pathlib import Path

from .errors import CourseError, PathNotFoundError, import_extra
from .outputs import atomic_path, claim_outputs, make_folder, record_outputs
from .settings import PROJECT_ROOT
from .slide_layout import SLIDE_SIZE, lay_out_slides

#: The folder of scripts and styles beside the published pages.
ASSETS = "_static"
#: The course's notebooks.
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
_COURSE_STATIC = Path(__file__).resolve().parent / "static"
_MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe,local/course"
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def course_notebooks(folder: str | Path = NOTEBOOKS_DIR) -> list[Path]:
    """The course's notebooks in course order (their names start with a two-digit number).

    Args:
        folder: the folder to look in (not its sub-folders); default: the course's notebooks.

    Raises:
        PathNotFoundError: the folder does not exist or holds no numbered notebooks.
    """
    folder = Path(folder)
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb")) if folder.is_dir() else []
    if not found:
        raise PathNotFoundError(
            f"No course notebooks (NN_name.ipynb) in {folder}; give the "
            "notebooks folder of the course."
        )
    return found


def _first_heading(cells) -> str | None:
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return None


def notebook_title(path: str | Path) -> str:
    """The notebook's first Markdown heading, without its ``#`` marks (or its file name).

    Args:
        path: the ``.ipynb`` file.
    """
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return _first_heading(cells) or Path(path).stem


def _page_title(nb, resources):
    """nbconvert preprocessor: a page's ``<title>`` is its notebook's title (nbconvert's
    templates use ``metadata.title``, else the file name), so a tab, a bookmark and a screen
    reader name the page as the index does."""
    heading = _first_heading(nb.cells)
    if heading and not nb.metadata.get("title"):
        nb.metadata["title"] = heading
    return nb, resources


def _mathjax_folder() -> Path:
    mathjax = import_extra("jupyter_server_mathjax", "lab", "Offline maths in decks and the site")
    return Path(mathjax.__file__).resolve().parent / "static"


def _urls() -> dict[str, str]:
    """Local URLs, relative to a page in the output folder, for every script nbconvert loads."""
    return {
        "require_js_url": f"{ASSETS}/requirejs/require.js",
        "jquery_url": f"{ASSETS}/jquery/jquery.min.js",
        "mathjax_url": f"{ASSETS}/mathjax/MathJax.js?config={_MATHJAX_CONFIG}",
    }


def _copy_assets(out: Path) -> None:
    # copyfile, not copy2: each copy gets the mode the user's umask gives a new file (0644 by
    # default), not the installed file's (which may be executable, or read-only).
    target = out / ASSETS
    shutil.copytree(
        _COURSE_STATIC,
        target,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("README.md", "__pycache__"),
        copy_function=shutil.copyfile,
    )
    shutil.copytree(
        _mathjax_folder(), target / "mathjax", dirs_exist_ok=True, copy_function=shutil.copyfile
    )


def _link_pages(page: str, stems: set[str], suffix: str) -> str:
    """Turn links to the notebooks published together into links to their pages."""

    def swap(match: re.Match) -> str:
        stem = match.group(2)
        return f"{match.group(1)}{stem}{suffix}" if stem in stems else match.group(0)

    return re.sub(r'(href=")(?:\./)?([0-9]{2}_[A-Za-z0-9_]+)\.ipynb', swap, page)


def _write(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _export(exporter, path: Path, solutions: bool) -> str:
    """One notebook through ``exporter``: as it is, or without its hidden solutions."""
    if solutions:
        return exporter.from_filename(str(path))[0]
    from nbformat import reads

    # through nbformat's reader, which joins each cell's list of lines as nbconvert expects
    notebook = reads(json.dumps(without_solutions(read_notebook(path), path.name)), as_version=4)
    resources = {"metadata": {"name": path.stem, "path": str(path.parent)}}
    return exporter.from_notebook_node(notebook, resources=resources)[0]


def _publish(
    notebooks,
    out_dir,
    suffix: str,
    exporter,
    extra: dict[str, str] | None = None,
    solutions: bool = True,
):
    notebooks = [Path(n) for n in notebooks]
    for nb in notebooks:
        if not nb.is_file() or nb.suffix != ".ipynb":
            raise PathNotFoundError(
                f"No notebook {nb}: give .ipynb files, for example notebooks/06_cnn.ipynb."
            )
    pages = {nb: nb.stem + suffix for nb in notebooks}
    names = [ASSETS, *pages.values(), *(extra or {})]
    out = claim_outputs(out_dir, names)
    out.mkdir(parents=True, exist_ok=True)
    _copy_assets(out)
    record_outputs(out, [ASSETS])
    stems = {nb.stem for nb in notebooks}
    written = []
    for nb, name in pages.items():
        body = _export(exporter, nb, solutions)
        _write(out / name, _link_pages(body, stems, suffix))
        record_outputs(out, [name])
        written.append(out / name)
    for name, text in (extra or {}).items():
        _write(out / name, text)
        record_outputs(out, [name])
        written.append(out / name)
    return written


def rise_settings() -> dict:
    """What a notebook's ``rise`` metadata should hold for jupyterlab-rise's live slideshow to
    match the exported decks: slides of 1280x720 (:data:`course.slide_layout.SLIDE_SIZE`),
    which reveal.js scales to the screen; slides taller than that scroll; and the "white"
    theme, which brings its own fonts (the default theme loads Google's, so it needs the
    internet). RISE has no setting for the text's size, and a custom style sheet would have to
    be served beside the notebook, so the live slides keep RISE's fonts."""
    width, height = SLIDE_SIZE
    return {"width": width, "height": height, "scroll": True, "theme": "white"}


def _slide_layout(nb, resources):
    """nbconvert preprocessor: :func:`course.slide_layout.lay_out_slides`, with the hidden
    solutions (cells tagged :data:`SOLUTION_TAG`) in the speaker notes."""
    return lay_out_slides(nb, resources, solution_tag=SOLUTION_TAG)


def export_slides(notebooks, out_dir: str | Path, solutions: bool = True) -> list[Path]:
    """Write each notebook as a reveal.js slide deck, ``NAME.slides.html``, that presents offline,
    laid out for a projector by :mod:`course.slide_layout` (slides of 1280x720 that reveal.js
    scales to the screen, numbered, with speaker notes: press S).

    Args:
        notebooks: ``.ipynb`` files, executed (the deck shows their stored outputs).
        out_dir: the folder for the decks and their ``_static/`` scripts.
        solutions: keep the hidden solutions (in the speaker notes of their slides); False
            removes them as the students' copies do (:func:`without_solutions`), for a class
            with open exercises.

    Returns:
        The decks written.

    Raises:
        PathNotFoundError: a notebook does not exist.
        OutputError: the folder holds a file of the same name the course did not write.
    """
    SlidesExporter = import_extra("nbconvert", "lab", "Writing slide decks").SlidesExporter  # noqa: N806

    exporter = SlidesExporter(
        extra_template_basedirs=[str(_TEMPLATES)],
        extra_template_paths=[str(_TEMPLATES)],
        template_name="course-slides",
        preprocessors=[_page_title, _slide_layout],
        exclude_input_prompt=True,  # In [n]: and Out[n]: took a third of a slide's width
        exclude_output_prompt=True,
        reveal_url_prefix=f"{ASSETS}/reveal.js",
        reveal_theme="white",
        **_urls(),
    )
    return _publish(notebooks, out_dir, ".slides.html", exporter, solutions=solutions)


#: The instructor's pages the site carries when it keeps the solutions: (page, Markdown file in
#: docs/, title). Their links to each other are rewritten to the pages.
GUIDE_PAGES = (
    ("instructors.html", "INSTRUCTORS.md", "Teaching with the course: an instructor's guide"),
    ("answer-key.html", "ANSWER_KEY.md", "Answer key"),
)


def _unique_ids(body: str) -> str:
    """Headings of the same text (the answer key's "Exercises", once per notebook) get ids
    made unique as GitHub makes them (``Exercises``, ``Exercises-1``, ...), with their anchor
    links."""
    seen: dict[str, int] = {}

    def renumber(match: re.Match) -> str:
        ident = match.group(2)
        n = seen[ident] = seen.get(ident, -1) + 1
        unique = f"{ident}-{n}" if n else ident
        return f'{match.group(1)}id="{unique}">{match.group(3)}href="#{unique}"'

    return re.sub(r'(<h[1-6] )id="([^"]+)">(.*?<a class="anchor-link" )href="#\2"', renumber, body)


def _guide_pages(exporter, docs: Path = PROJECT_ROOT / "docs") -> dict[str, str]:
    """The instructor's guide and the answer key as pages (none where docs/ is not there, as in
    an installed package); a page with maths loads MathJax as the notebooks' pages do
    (``exporter``'s own ``mathjax`` macro, with the site's copy)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    maths = exporter.environment.get_template("mathjax.html.j2").module.mathjax
    pages = {}
    for page, source, title in GUIDE_PAGES:
        if (docs / source).is_file():
            text = (docs / source).read_text(encoding="utf-8")
            text = re.split(r"^# .*$", text, maxsplit=1, flags=re.M)[-1]  # the page's <h1> says it
            for other, other_source, _ in GUIDE_PAGES:
                text = text.replace(f"]({other_source})", f"]({other})")
            back = '<p><a href="index.html">All notebooks</a></p>\n'
            head = str(maths(exporter.mathjax_url)) if re.search(r"\$[^$\n]+\$", text) else ""
            pages[page] = _page(title, back + _unique_ids(markdown2html_mistune(text)), head)
    return pages


def _index(notebooks: list[Path], guide: bool = False) -> str:
    items = "\n".join(
        f'  <li><a href="{html.escape(nb.stem)}.html">{html.escape(notebook_title(nb))}</a></li>'
        for nb in notebooks
    )
    teaching = (
        '<p>Teaching with it: <a href="instructors.html">the instructor\'s guide</a> and '
        '<a href="answer-key.html">the answer key</a>.</p>\n'
        if guide
        else ""
    )
    return _page(
        "Deep Learning for Audio with Python",
        f"""<p>The course's notebooks as they ran, in course order: read the code, its outputs and
figures, and play the audio, with nothing installed. To run them yourself, follow the quick start
in the course's README.</p>
<ol start="0">
{items}
</ol>
{teaching}""",
    )


def _page(title: str, body: str, head: str = "") -> str:
    """A page of the site that is not a notebook: the index, the instructor's pages (``head``:
    more of the page's ``<head>``, such as its maths)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto;
         padding: 0 1rem; line-height: 1.5; color: #1a1a1a; background: #fff; }}
  li {{ margin: 0.4rem 0; }}
  a {{ color: #0b4f9e; }}
  a:focus-visible {{ outline: 3px solid #0b4f9e; outline-offset: 2px; border-radius: 2px; }}
</style>
{head}
</head>
<body>
<main>
<h1>{html.escape(title)}</h1>
{body}
</main>
</body>
</html>
"""


def build_site(out_dir: str | Path, notebooks=None, solutions: bool = True) -> Path:
    """Write the executed notebooks as a static site: ``index.html`` (a table of contents in
    course order) and one page per notebook, with players, figures and maths, readable offline
    (the ``course-site`` template: nbconvert's ``lab`` one with a skip link, a link back to the
    index, focus outlines, and code blocks and colours that pass an accessibility audit).

    Args:
        out_dir: the site's folder.
        notebooks: the notebooks to include (default: all of the course's, in order).
        solutions: keep the hidden solutions (behind a click); False removes them as the
            students' copies do (:func:`without_solutions`), for a class with open exercises.

    Returns:
        The path of ``index.html``.

    Raises:
        PathNotFoundError: a notebook does not exist.
        OutputError: the folder holds a file of the same name the course did not write.
    """
    HTMLExporter = import_extra("nbconvert", "lab", "Writing the site").HTMLExporter  # noqa: N806

    notebooks = course_notebooks() if notebooks is None else [Path(n) for n in notebooks]
    exporter = HTMLExporter(
        extra_template_basedirs=[str(_TEMPLATES)],
        extra_template_paths=[str(_TEMPLATES)],
        template_name="course-site",
        preprocessors=[_page_title],
        **_urls(),
    )
    guide = _guide_pages(exporter) if solutions else {}
    extra = {"index.html": _index(notebooks, guide=bool(guide)), **guide}
    _publish(notebooks, out_dir, ".html", exporter, extra=extra, solutions=solutions)
    return Path(out_dir).expanduser() / "index.html"


# --- Copies for a class -----------------------------------------------------------------------

#: A cell holding a hidden solution has this tag (JupyterLab shows tags) and the metadata
#: ``"course": {"solution": EXTENT}``: the whole ``"cell"`` is solution, or its ``"details"``
#: blocks are (the exercises and references around them stay in a copy).
SOLUTION_TAG, SOLUTION_EXTENTS = "solution", ("cell", "details")
#: The kinds of copy a class folder's record holds (:func:`course.outputs.record_outputs`).
STUDENTS, ANSWER_KEY = "students' copy without solutions", "answer key with solutions"

_DETAILS_TAG = re.compile(r"<(/?)details\b[^>]*>", re.IGNORECASE)
_MARKS = r"</?details\b|<summary\b|BEGIN (?:SOLUTION|HIDDEN TESTS)"
#: Text that is, labels or points to a solution; in a cell not marked as one, an error.
_SOLUTION_LIKE = {
    "markdown": re.compile(
        _MARKS + r"|^ {0,3}#{1,6}[^\n]*\b(?:solutions?|answers?)\b"
        r"|(?:\*\*|__|<b>|<strong>)\s*(?:solutions?|answers?)\b"
        r"|\bsolutions?\b[^.!?\n]*\b(?:at the end|below|further down)\b"
        r"|\b(?:under|see|in) (?:the )?solutions\b",
        re.I | re.M,
    ),
    "code": re.compile(_MARKS + r"|^\s*#+\s*(?:solutions?|answers?)\b", re.I | re.M),
}
_MENTION = r"(?:\*\*\s*solutions?\s*\*\*|\bsolutions\b|\banswer key\b)"
_SENTENCE = r"(?:[^.!?;\n]|\n(?![ \t]*\n))"
#: Pointers to solutions a copy without them removes: a parenthesis, a clause, a sentence.
_POINTERS = (
    re.compile(r"[ \t]*\([^()]*(?:\bsolutions?\b|\banswer key\b)[^()]*\)", re.I),
    re.compile(rf";{_SENTENCE}*?{_MENTION}{_SENTENCE}*(?=[.!?])", re.I),
    re.compile(
        rf"(?:(?<=[.!?])[ \t]+|(?<=[.!?]\n)|(?<=\n\n)|\A){_SENTENCE}*?{_MENTION}"
        rf"{_SENTENCE}*[.!?]",
        re.I,
    ),
)
#: A checked exercise's call, whose stored output is the checker's verdict on the stub.
_CHECKED = re.compile(r"^check\.\w+\(", re.M)
_MARK_HELP = (
    f"Mark a hidden solution's cell with the tag {SOLUTION_TAG!r} and the metadata "
    '"course": {"solution": "cell"} (all of it) or "details" (its <details> blocks, '
    "Markdown only), as course.publish.mark_solution_cells does, or reword the cell."
)


def read_notebook(path: str | Path) -> dict:
    """A notebook as JSON, or a one-line error that names it.

    Args:
        path: the ``.ipynb`` file.
    """
    path = Path(path)
    if not path.is_file() or path.suffix != ".ipynb":
        raise PathNotFoundError(f"No notebook {path}: give .ipynb files (notebooks/06_cnn.ipynb).")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CourseError(f"{path} is not a notebook Jupyter can read: {exc}") from exc


def notebook_json(notebook: dict) -> str:
    """A notebook's text as Jupyter writes it (so an unchanged notebook is byte-identical).

    Args:
        notebook: the notebook as JSON (:func:`read_notebook`).
    """
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def cell_where(name: str, index: int, cell: dict) -> str:
    """How an error message names a cell: the notebook, its index, id and first line.

    Args:
        name: the notebook's name.
        index: the cell's index in the notebook.
        cell: the cell as JSON.
    """
    first = next((line for line in "".join(cell["source"]).splitlines() if line.strip()), "")
    return f"{name}, cell {index} (id {cell.get('id', '?')}, {first[:40]!r})"


def solution_extent(cell: dict, where: str = "a cell") -> str | None:
    """What of ``cell`` is hidden solution: ``"cell"``, ``"details"`` or None (not marked); a
    mark the course does not know, or half of one, is a :class:`CourseError`.

    Args:
        cell: a notebook cell as JSON; its tags and ``course`` metadata are read.
        where: names the cell in the error message.
    """
    meta = cell.get("metadata", {})
    course = meta.get("course") if isinstance(meta.get("course"), dict) else {}
    extent = course.get("solution")
    tagged = SOLUTION_TAG in meta.get("tags", [])
    if extent is None and not tagged:
        return None
    if (
        extent not in SOLUTION_EXTENTS
        or not tagged
        or (extent == "details" and cell["cell_type"] != "markdown")
    ):
        raise CourseError(
            f"{where} has a solution mark the course does not know (tags "
            f"{meta.get('tags')}, course {meta.get('course')}). {_MARK_HELP}"
        )
    return extent


def cut_details(text: str, where: str) -> tuple[str, list[str]]:
    """``text`` without its ``<details>`` blocks (whole: any attributes, nested blocks), and
    the blocks.

    Args:
        text: a Markdown cell's source.
        where: names the cell in the error message (:func:`cell_where`).
    """
    kept, blocks, depth, start, pos = [], [], 0, 0, 0
    for tag in _DETAILS_TAG.finditer(text):
        if not tag.group(1):
            start = tag.start() if depth == 0 else start
            depth += 1
        elif depth == 0:
            raise CourseError(f"{where}: a </details> closes no <details>; fix the cell's HTML.")
        else:
            depth -= 1
            if depth == 0:
                kept.append(text[pos:start])
                blocks.append(text[start : tag.end()])
                pos = tag.end()
    if depth:
        raise CourseError(f"{where}: a <details> has no </details>, so where it ends is unknown.")
    if not blocks:
        raise CourseError(f"{where} is marked as holding <details> but has none. {_MARK_HELP}")
    kept.append(text[pos:])
    rest = "\n\n".join(p.strip("\n") for p in kept if p.strip())
    return rest + "\n" * text.endswith("\n"), blocks


def hidden_solutions(notebook: dict, name: str = "the notebook") -> list[str]:
    """The text of every hidden solution in a notebook (marked cells, their ``<details>``).

    Args:
        notebook: the notebook as JSON (:func:`read_notebook`).
        name: names the notebook in error messages.
    """
    found = []
    for i, cell in enumerate(notebook["cells"]):
        extent = solution_extent(cell, cell_where(name, i, cell))
        if extent == "cell":
            found.append("".join(cell["source"]))
        elif extent == "details":
            found += cut_details("".join(cell["source"]), cell_where(name, i, cell))[1]
    return found


def without_solutions(notebook: dict, name: str = "the notebook") -> dict:
    """A copy of a notebook (as JSON) with no hidden solution left in it: a cell marked
    ``"cell"`` is dropped (source, outputs, attachments), one marked ``"details"`` loses those
    blocks (and attachments only they showed) and its mark, sentences that point to solutions
    go, and checked exercises lose their stored outputs (the checker's verdict on the stub).

    Args:
        notebook: the notebook as JSON (:func:`read_notebook`); it is not changed.
        name: names the notebook in error messages.

    Raises:
        CourseError: a cell not marked as a solution holds text that is, labels or points to
            one (``<details>``, a "Solutions" or "Answer" heading or label, nbgrader's marks),
            a mark is unknown, or a ``<details>`` is not closed; the message names the cell.
    """
    out = copy.deepcopy(notebook)
    cells = []
    for i, cell in enumerate(out["cells"]):
        where = cell_where(name, i, cell)
        extent = solution_extent(cell, where)
        if extent == "cell":
            continue
        text = "".join(cell["source"])
        if extent == "details":
            text = cut_details(text, where)[0]
            meta = cell["metadata"]
            meta["tags"] = [tag for tag in meta["tags"] if tag != SOLUTION_TAG]
            meta["course"] = {k: v for k, v in meta["course"].items() if k != "solution"}
            cell["metadata"] = {k: v for k, v in meta.items() if v or k not in ("tags", "course")}
        kind = "code" if cell["cell_type"] == "code" else "markdown"
        for pattern in _POINTERS if kind == "markdown" else ():
            text = pattern.sub("", text)
        found = (
            _SOLUTION_LIKE[kind].search(text)
            or re.search(r"solution", json.dumps(cell["metadata"]), re.I)
            or re.search(_MARKS, json.dumps([cell.get("outputs"), cell.get("attachments")]), re.I)
        )
        if found:
            raise CourseError(
                f"{where} holds {found.group(0)!r}, which is, labels or points to "
                f"a solution, but is not marked as one. {_MARK_HELP}"
            )
        if text != "".join(cell["source"]):
            cell["source"] = text.splitlines(keepends=True)
        if "attachments" in cell:
            cell["attachments"] = {
                k: v for k, v in cell["attachments"].items() if f"attachment:{k}" in text
            }
        if kind == "code" and _CHECKED.search(text):
            cell["outputs"] = []
        cells.append(cell)
    out["cells"] = cells
    found = re.search(rf"{_MARKS}|solution", json.dumps(out.get("metadata", {})), re.I)
    if found:
        raise CourseError(
            f"{name}: its notebook metadata holds {found.group(0)!r}; a copy "
            "without solutions would keep it. Remove it from the metadata."
        )
    return out


def mark_solution_cells(path: str | Path) -> int:
    """Mark each Markdown cell of a notebook that holds ``<details>`` blocks (its hidden
    solutions): the tag ``solution`` and ``"course": {"solution": "details"}`` (``"cell"`` if
    the blocks are all it holds). Idempotent: the notebook is rewritten (atomically, as Jupyter
    writes it) only if a mark was added. Returns how many cells it marked.

    Args:
        path: the ``.ipynb`` file.
    """
    path = Path(path)
    notebook = read_notebook(path)
    marked = 0
    for i, cell in enumerate(notebook["cells"]):
        text, where = "".join(cell["source"]), cell_where(path.name, i, cell)
        if (
            cell["cell_type"] != "markdown"
            or solution_extent(cell, where)
            or not _DETAILS_TAG.search(text)
        ):
            continue
        extent = "details" if cut_details(text, where)[0].strip() else "cell"
        meta = cell.setdefault("metadata", {})
        meta["course"] = {**meta.get("course", {}), "solution": extent}
        meta["tags"] = [*meta.get("tags", []), SOLUTION_TAG]
        marked += 1
    if marked:
        _write(path, notebook_json(notebook))
    return marked


def claim_class_folder(
    out_dir: str | Path, names: list[str], kind: str, force: bool = False
) -> Path:
    """:func:`course.outputs.claim_outputs` for copies of ``kind``: a copy edited since the
    course wrote it, and copies with solutions beside the students' copies, are refused (an
    :class:`OutputError`) unless ``force``. Nothing is created.

    Args:
        out_dir: the class folder.
        names: the file names of the copies to be written there.
        kind: the copies to be written, :data:`STUDENTS` or :data:`ANSWER_KEY`; any kind
            other than the students' copies is refused beside them.
        force: replace edited copies, and write beside the students' copies, all the same.
    """
    beside = () if kind == STUDENTS else (STUDENTS,)
    return claim_outputs(out_dir, names, protect_edits=True, force=force, refuse_kinds=beside)


def exercise_copies(
    out_dir: str | Path, solutions: bool, notebooks=None, force: bool = False
) -> list[Path]:
    """Copies of the notebooks for a class, from the same source: without solutions (for the
    students, see :func:`without_solutions`) or with them (an answer key: the notebooks as they
    are). The folder and every notebook are checked before anything is written.

    Args:
        out_dir: the folder for the copies (see :func:`claim_class_folder`).
        solutions: keep the hidden solutions (True) or remove them (False).
        notebooks: the notebooks to copy (default: all of the course's).
        force: replace copies edited since the course wrote them; write answer keys beside the
            students' copies.

    Returns:
        The copies written.
    """
    notebooks = course_notebooks() if notebooks is None else [Path(n) for n in notebooks]
    kind = ANSWER_KEY if solutions else STUDENTS
    out = claim_class_folder(out_dir, [nb.name for nb in notebooks], kind, force)
    copies = {}
    for nb in notebooks:
        data = read_notebook(nb)
        stripped = without_solutions(data, nb.name)  # refuses a solution marked another way
        copies[nb.name] = data if solutions else stripped
    make_folder(out)
    for name, data in copies.items():
        _write(out / name, notebook_json(data))
        record_outputs(out, [name], kind=kind)
    return [out / name for name in copies]
