"""Publishing the executed notebooks to read or present with no internet: slide decks and a
static site, whose scripts and maths load from files written beside them.

nbconvert writes the HTML (its ``slides`` and ``lab`` templates); this module only points every
script those templates load at a local copy in ``_static/``: reveal.js 4.0.2 (the version
nbconvert's template is written for), RequireJS and jQuery from ``course/static/`` (see its
README for where they come from), and MathJax 2.7 from the ``jupyter_server_mathjax`` package.
Links between notebooks (``01_waveform_and_fourier.ipynb``) become links between the pages.

Outputs follow :mod:`course.outputs`: a file the output folder's record does not list is never
overwritten, and nothing is removed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

from .errors import PathNotFoundError
from .outputs import atomic_path, claim_outputs, record_outputs
from .settings import PROJECT_ROOT

#: The folder of scripts and styles beside the published pages.
ASSETS = "_static"
#: The course's notebooks.
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
_COURSE_STATIC = Path(__file__).resolve().parent / "static"
_MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe,local/course"
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def course_notebooks(folder: str | Path = NOTEBOOKS_DIR) -> list[Path]:
    """The course's notebooks in course order (their names start with a two-digit number).

    Raises:
        PathNotFoundError: the folder does not exist or holds no numbered notebooks.
    """
    folder = Path(folder)
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb")) if folder.is_dir() else []
    if not found:
        raise PathNotFoundError(f"No course notebooks (NN_name.ipynb) in {folder}; give the "
                                "notebooks folder of the course.")
    return found


def notebook_title(path: str | Path) -> str:
    """The notebook's first Markdown heading, without its ``#`` marks (or its file name)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return Path(path).stem


def _mathjax_folder() -> Path:
    import jupyter_server_mathjax

    return Path(jupyter_server_mathjax.__file__).resolve().parent / "static"


def _urls() -> dict[str, str]:
    """Local URLs, relative to a page in the output folder, for every script nbconvert loads."""
    return {
        "require_js_url": f"{ASSETS}/requirejs/require.js",
        "jquery_url": f"{ASSETS}/jquery/jquery.min.js",
        "mathjax_url": f"{ASSETS}/mathjax/MathJax.js?config={_MATHJAX_CONFIG}",
    }


def _copy_assets(out: Path) -> None:
    target = out / ASSETS
    shutil.copytree(_COURSE_STATIC, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("README.md", "__pycache__"))
    shutil.copytree(_mathjax_folder(), target / "mathjax", dirs_exist_ok=True)


def _link_pages(page: str, stems: set[str], suffix: str) -> str:
    """Turn links to the notebooks published together into links to their pages."""
    def swap(match: re.Match) -> str:
        stem = match.group(2)
        return f"{match.group(1)}{stem}{suffix}" if stem in stems else match.group(0)

    return re.sub(r'(href=")(?:\./)?([0-9]{2}_[A-Za-z0-9_]+)\.ipynb', swap, page)


def _write(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _publish(notebooks, out_dir, suffix: str, exporter, extra: dict[str, str] | None = None):
    notebooks = [Path(n) for n in notebooks]
    for nb in notebooks:
        if not nb.is_file() or nb.suffix != ".ipynb":
            raise PathNotFoundError(f"No notebook {nb}: give .ipynb files, for example "
                                    "notebooks/06_cnn.ipynb.")
    pages = {nb: nb.stem + suffix for nb in notebooks}
    names = [ASSETS, *pages.values(), *(extra or {})]
    out = claim_outputs(out_dir, names)
    out.mkdir(parents=True, exist_ok=True)
    _copy_assets(out)
    record_outputs(out, [ASSETS])
    stems = {nb.stem for nb in notebooks}
    written = []
    for nb, name in pages.items():
        body, _ = exporter.from_filename(str(nb))
        _write(out / name, _link_pages(body, stems, suffix))
        record_outputs(out, [name])
        written.append(out / name)
    for name, text in (extra or {}).items():
        _write(out / name, text)
        record_outputs(out, [name])
        written.append(out / name)
    return written


def export_slides(notebooks, out_dir: str | Path) -> list[Path]:
    """Write each notebook as a reveal.js slide deck, ``NAME.slides.html``, that presents offline.

    Args:
        notebooks: ``.ipynb`` files, executed (the deck shows their stored outputs).
        out_dir: the folder for the decks and their ``_static/`` scripts.

    Returns:
        The decks written.

    Raises:
        PathNotFoundError: a notebook does not exist.
        OutputError: the folder holds a file of the same name the course did not write.
    """
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(extra_template_basedirs=[str(_TEMPLATES)],
                              template_name="course-slides",
                              reveal_url_prefix=f"{ASSETS}/reveal.js", reveal_theme="white",
                              reveal_scroll=True, **_urls())
    return _publish(notebooks, out_dir, ".slides.html", exporter)


def _index(notebooks: list[Path]) -> str:
    items = "\n".join(f'  <li><a href="{html.escape(nb.stem)}.html">'
                      f"{html.escape(notebook_title(nb))}</a></li>" for nb in notebooks)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Deep Learning for Audio with Python</title>
<style>
  body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto;
         padding: 0 1rem; line-height: 1.5; color: #1a1a1a; background: #fff; }}
  li {{ margin: 0.4rem 0; }}
</style>
</head>
<body>
<h1>Deep Learning for Audio with Python</h1>
<p>The course's notebooks as they ran, in course order: read the code, its outputs and figures,
and play the audio, with nothing installed. To run them yourself, follow the quick start in the
course's README.</p>
<ol start="0">
{items}
</ol>
</body>
</html>
"""


def build_site(out_dir: str | Path, notebooks=None) -> Path:
    """Write the executed notebooks as a static site: ``index.html`` (a table of contents in
    course order) and one page per notebook, with players, figures and maths, readable offline.

    Args:
        out_dir: the site's folder.
        notebooks: the notebooks to include (default: all of the course's, in order).

    Returns:
        The path of ``index.html``.

    Raises:
        PathNotFoundError: a notebook does not exist.
        OutputError: the folder holds a file of the same name the course did not write.
    """
    from nbconvert import HTMLExporter

    notebooks = course_notebooks() if notebooks is None else [Path(n) for n in notebooks]
    exporter = HTMLExporter(template_name="lab", **_urls())
    _publish(notebooks, out_dir, ".html", exporter, extra={"index.html": _index(notebooks)})
    return Path(out_dir).expanduser() / "index.html"


#: A hidden solution in a notebook's Markdown: ``<details><summary>Solutions</summary> ...``.
_SOLUTIONS = re.compile(r"\n*<details>\s*<summary>\s*Solutions?\s*</summary>.*?</details>\n*",
                        re.DOTALL | re.IGNORECASE)


def without_solutions(notebook: dict) -> dict:
    """A copy of a notebook (as JSON) with every hidden solution block removed from its
    Markdown cells; code, outputs and everything else are kept."""
    import copy

    out = copy.deepcopy(notebook)
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            new = _SOLUTIONS.sub("\n\n", text)
            if new != text:
                cell["source"] = new.splitlines(keepends=True)
    return out


def exercise_copies(out_dir: str | Path, solutions: bool, notebooks=None) -> list[Path]:
    """Copies of the notebooks for a class: without solutions (an assignment) or with them,
    from the same source. The folder gets the notebooks' names and nothing else changes in
    it; a file the course did not write there is refused (:mod:`course.outputs`).

    Args:
        out_dir: the folder for the copies.
        solutions: keep the hidden solutions (True) or remove them (False).
        notebooks: the notebooks to copy (default: all of the course's).

    Returns:
        The copies written.
    """
    notebooks = course_notebooks() if notebooks is None else [Path(n) for n in notebooks]
    names = [nb.name for nb in notebooks]
    out = claim_outputs(out_dir, names)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for nb in notebooks:
        data = json.loads(nb.read_text(encoding="utf-8"))
        if not solutions:
            data = without_solutions(data)
        _write(out / nb.name, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        record_outputs(out, [nb.name])
        written.append(out / nb.name)
    return written
