"""``Notebook:`` lines are true: every public function or class of ``course`` names exactly the
notebooks whose code uses it.

A notebook uses a name when a code cell imports it (``from course.features import prepare``) or
reaches it through an imported module (``dsp.stft``, ``course.dsp.stft``). A function that no
notebook uses has no ``Notebook:`` line.
"""

import ast
import inspect
import json
import re
from functools import cache
from pathlib import Path

import pytest

import course

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MODULES = sorted(p.stem for p in (ROOT / "course").glob("*.py") if not p.stem.startswith("_"))
NAMED = re.compile(r"\b(\d\d_[a-z0-9_]+)\.ipynb")


def _code(nb: Path) -> str:
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    lines = []
    for c in cells:
        if c["cell_type"] == "code":
            # IPython magics and shell lines are not Python.
            lines += [
                line
                for line in "".join(c["source"]).splitlines()
                if not line.lstrip().startswith(("%", "!"))
            ]
            lines.append("")
    return "\n".join(lines)


@cache
def notebook_uses(nb: Path) -> frozenset[tuple[str, str]]:
    """``{(module, name)}`` of the course names a notebook's code uses."""
    tree = ast.parse(_code(nb))
    aliases, used = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "course":
                for a in node.names:
                    aliases[a.asname or a.name] = a.name
            elif node.module.startswith("course."):
                module = node.module.split(".", 1)[1]
                used |= {(module, a.name) for a in node.names}
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("course.") and a.asname:
                    aliases[a.asname] = a.name.split(".", 1)[1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            base = node.value
            if isinstance(base, ast.Name) and base.id in aliases:
                used.add((aliases[base.id], node.attr))
            elif (
                isinstance(base, ast.Attribute)
                and isinstance(base.value, ast.Name)
                and base.value.id == "course"
            ):
                used.add((base.attr, node.attr))
    return frozenset(used)


def public_definitions():
    """``(module, name, object)`` for every public function and class defined in ``course``."""
    import importlib

    found = []
    for module in MODULES:
        mod = importlib.import_module(f"course.{module}")
        for name, obj in vars(mod).items():
            if (
                not name.startswith("_")
                and (inspect.isfunction(obj) or inspect.isclass(obj))
                and obj.__module__ == mod.__name__
            ):
                found.append((module, name, obj))
    return found


def named_notebooks(obj) -> set[str]:
    doc = inspect.getdoc(obj) or ""
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Notebook:") or line.startswith("Notebooks:"):
            more = []  # the line goes on over the indented lines below it
            for nxt in lines[i + 1 :]:
                if not nxt.startswith((" ", "\t")):
                    break
                more.append(nxt)
            text = " ".join([line, *more])
            return set(NAMED.findall(text))
    return set()


def users(module: str, name: str) -> set[str]:
    return {nb.stem for nb in NOTEBOOKS if (module, name) in notebook_uses(nb)}


DEFINITIONS = public_definitions()


@pytest.mark.parametrize(
    "module,name,obj", DEFINITIONS, ids=[f"{m}.{n}" for m, n, _ in DEFINITIONS]
)
def test_notebook_lines_name_exactly_the_notebooks_that_use_it(module, name, obj):
    named, using = named_notebooks(obj), users(module, name)
    assert named == using, (
        f"course.{module}.{name}: its docstring names {sorted(named) or 'no notebook'}, "
        f"but {sorted(using) or 'no notebook'} use(s) it; make its 'Notebook:' line say "
        f"{', '.join(f'{n}.ipynb' for n in sorted(using)) or 'nothing (remove the line)'}"
    )


def test_notebooks_import_only_names_that_exist():
    for nb in NOTEBOOKS:
        for module, name in notebook_uses(nb):
            mod = __import__(f"course.{module}", fromlist=[name])
            assert hasattr(mod, name), (
                f"{nb.name} uses course.{module}.{name}, which does not exist"
            )


def test_the_scanner_sees_every_way_a_notebook_names_the_package(tmp_path):
    tree_code = (
        "from course.features import prepare\nfrom course import dsp\n"
        "import course.splits as sp\nimport course\n"
        "dsp.stft(y)\nsp.split_tracks(t, line)\ncourse.plots.plot_waveform(y)\n"
    )
    nb = {"cells": [{"cell_type": "code", "source": tree_code, "metadata": {}, "outputs": []}]}
    path = tmp_path / "probe.ipynb"
    path.write_text(json.dumps(nb))
    assert notebook_uses(path) == {
        ("features", "prepare"),
        ("dsp", "stft"),
        ("splits", "split_tracks"),
        ("plots", "plot_waveform"),
    }


def test_the_package_has_modules_to_check():
    assert {"dsp", "features", "splits", "evaluation", "experiments"} <= set(MODULES)
    assert course.__version__
