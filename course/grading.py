"""Grading with nbgrader: the notebooks' checked exercises as an nbgrader course folder, and the
``exercises`` command that writes it or the class copies of :mod:`course.publish`.

``python -m course exercises --nbgrader --out-dir grading/`` writes ``nbgrader_config.py`` and
``source/NN_name/NN_name.ipynb``: one assignment per notebook with checked exercises. An
assignment is the notebook's **Check yourself** section (its drills included), not the whole
notebook: the rest is read in the students' copy, and grading then runs a few seconds per
student instead of the notebook's analyses and training. In an assignment:

- a first code cell imports what the answers and checks use (the hidden solution's imports and
  the section's), so the assignment runs on its own;
- each checked exercise (a cell that calls ``check.<name>(answer)``) is an nbgrader answer
  cell: the learner's stub with the reference solution, taken from the ```python block of the
  notebook's hidden solutions that asserts ``check.<name>(...)``, between ``### BEGIN
  SOLUTION`` and ``### END SOLUTION`` (``generate_assignment`` puts nbgrader's stub there);
- after it, a locked test cell worth one point: ``assert check.<name>(answer)``, and the check
  again between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` (a checker draws fresh
  cases on every call, so a graded answer meets cases its student never ran);
- every other cell is locked: Markdown as it is, a drill's code as code if it runs on its own,
  else as Markdown that shows the code and what it printed in the notebook;
- nothing of the hidden solutions, nor a pointer to them (see
  :func:`course.publish.without_solutions`).
"""

from __future__ import annotations

import ast
import builtins
import re
import symtable
import textwrap
from pathlib import Path

from .errors import CourseError, check_choice
from .outputs import atomic_path, check_output_folder, make_folder, record_outputs
from .publish import (
    claim_class_folder,
    course_notebooks,
    exercise_copies,
    hidden_solutions,
    notebook_json,
    read_notebook,
    without_solutions,
)

#: The kind of file an nbgrader course folder's record lists (:mod:`course.outputs`).
NBGRADER = "nbgrader source with solutions"
#: Points of one checked exercise's test cell.
POINTS = 1
#: The course folder's nbgrader settings.
CONFIG = """\
# nbgrader's settings for the course's assignments, written by
# `python -m course exercises --nbgrader` (which will not overwrite your edits without --force).
# Run nbgrader in this folder: nbgrader generate_assignment 02_stft_spectrogram, then
# nbgrader autograde 02_stft_spectrogram once submissions are in submitted/STUDENT/.
c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = "dl-audio-course"
# Seconds one cell may run when nbgrader executes a notebook (autograde, validate).
c.ExecutePreprocessor.timeout = 300
"""
_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
_HEADING = re.compile(r"\s*#{1,2} ")
_KNOWN = set(dir(builtins)) | {"display", "get_ipython", "__name__"}


def _check_calls(tree: ast.Module) -> list[tuple[ast.stmt, str, ast.expr]]:
    """The top-level ``check.<name>(answer)`` statements: (statement, name, answer)."""
    found = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "check"
            and len(call.args) == 1
        ):
            found.append((node, call.func.attr, call.args[0]))
    return found


def _parse(source: str, where: str) -> ast.Module:
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        raise CourseError(f"{where} is not valid Python ({exc.msg}, line {exc.lineno}).") from exc


def _reference(blocks: list[str], checker: str, where: str) -> tuple[str, ast.Module, ast.expr]:
    """The solution block that asserts ``check.<checker>(...)``, parsed, and what it passes."""
    for block in blocks:
        tree = _parse(block, f"{where}: a solution block")
        for node in tree.body:
            test = node.test if isinstance(node, ast.Assert) else None
            if (
                isinstance(test, ast.Call)
                and isinstance(test.func, ast.Attribute)
                and getattr(test.func.value, "id", None) == "check"
                and test.func.attr == checker
                and len(test.args) == 1
            ):
                return block, tree, test.args[0]
    raise CourseError(
        f"{where}: the checked exercise check.{checker} has no solution code: add "
        "a ```python block to the notebook's hidden solutions that defines the "
        f"answer and asserts check.{checker}(answer)."
    )


def _top(tree: ast.Module, kind: type, name: str):
    """The top-level definition (``ast.FunctionDef``) or assignment (``ast.Assign``) of name."""
    for node in tree.body:
        if kind is ast.FunctionDef and isinstance(node, ast.FunctionDef) and node.name == name:
            return node
        if (
            kind is ast.Assign
            and isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == name for t in node.targets)
        ):
            return node
    return None


def _body(node: ast.FunctionDef) -> list[ast.stmt]:
    """A function's statements after its docstring."""
    doc = (
        isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
    )
    return node.body[1:] if doc else node.body


def answer_cells(source: str, blocks: list[str], where: str) -> list[tuple[str, str, str]]:
    """A checked exercise's cell as nbgrader cells: (checker, answer cell, test cell) for each
    ``check.<name>(answer)`` in it; the answer cell is the stub with the reference solution from
    ``blocks`` (the notebook's solution code) between nbgrader's solution marks.

    Args:
        source: the code of the checked exercise's cell, the learner's stub.
        blocks: the ```python blocks of the notebook's hidden solutions (:func:`solution_code`).
        where: names the cell in error messages.

    Raises:
        CourseError: no solution block asserts the check, or the stub and the solution do not
            fit (the answer is neither a function both define nor a value the stub assigns).
    """
    lines, stub = source.splitlines(), _parse(source, where)
    edits, found = [], []
    for statement, checker, answer in _check_calls(stub):
        if not isinstance(answer, ast.Name):
            raise CourseError(
                f"{where}: check.{checker} is given {ast.unparse(answer)}; give it "
                "the name of the answer (a function or a value)."
            )
        block, tree, given = _reference(blocks, checker, where)
        ref = _top(tree, ast.FunctionDef, given.id) if isinstance(given, ast.Name) else None
        if ref is not None and _top(stub, ast.FunctionDef, answer.id):
            mine, body = _top(stub, ast.FunctionDef, answer.id), _body(ref)
            first = _body(mine)[0] if _body(mine) else None
            indent = " " * (first.col_offset if first else mine.col_offset + 4)
            code = textwrap.dedent(
                "\n".join(block.splitlines()[body[0].lineno - 1 : ref.end_lineno])
            )
            start = first.lineno - 1 if first else mine.end_lineno
            span = (start, mine.end_lineno if first else start)
        elif _top(stub, ast.Assign, answer.id):
            if isinstance(given, ast.Name) and _top(tree, ast.Assign, given.id):
                given = _top(tree, ast.Assign, given.id).value
            mine, indent = _top(stub, ast.Assign, answer.id), ""
            code = f"{answer.id} = {ast.get_source_segment(block, given)}"
            span = (mine.lineno - 1, mine.end_lineno)
        else:
            raise CourseError(
                f"{where}: check.{checker}'s answer {answer.id} is neither a "
                "function the solution defines nor a value the cell assigns."
            )
        solution = [
            f"{indent}### BEGIN SOLUTION",
            *[indent + line if line.strip() else "" for line in code.splitlines()],
            f"{indent}### END SOLUTION",
        ]
        edits += [(*span, solution), (statement.lineno - 1, statement.end_lineno, [])]
        test = (
            f"assert check.{checker}({answer.id})\n### BEGIN HIDDEN TESTS\n"
            f"assert check.{checker}({answer.id})  # fresh cases again\n### END HIDDEN TESTS"
        )
        found.append((checker, test))
    for start, stop, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[start:stop] = new
    answer_cell = "\n".join(lines).strip("\n")
    return [(checker, "" if k else answer_cell, test) for k, (checker, test) in enumerate(found)]


def _bound(source: str) -> set[str]:
    """Names a cell's top level binds (assignments, imports, definitions)."""
    return {
        s.get_name()
        for s in symtable.symtable(source, "cell", "exec").get_symbols()
        if s.is_assigned() or s.is_imported()
    }


def _free(source: str) -> set[str]:
    """Names a cell uses that neither it nor Python defines."""
    try:
        top = symtable.symtable(source, "cell", "exec")
    except SyntaxError:
        return {"?"}
    used, tables = set(), [top]
    while tables:
        table = tables.pop()
        tables += table.get_children()
        used |= {
            s.get_name()
            for s in table.get_symbols()
            if s.is_referenced() and (table is top or s.is_global())
        }
    return used - _bound(source) - _KNOWN


def _imports(sources: list[str]) -> str:
    """The top-level imports of ``sources``, each module once (``from`` imports merged)."""
    lines: dict[str, list[str]] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = lines.setdefault(f"from {node.module} import ", [])
                names += [n for n in (ast.unparse(a) for a in node.names) if n not in names]
            elif isinstance(node, ast.Import):
                lines.setdefault(ast.unparse(node), [])
    return "\n".join(head + ", ".join(names) for head, names in lines.items())


def _cell(kind: str, source: str, grade_id: str, **nbgrader) -> dict:
    meta = {
        "grade": False,
        "grade_id": grade_id,
        "locked": True,
        "schema_version": 3,
        "solution": False,
        **nbgrader,
    }
    cell = {
        "cell_type": kind,
        "id": grade_id,
        "metadata": {"nbgrader": meta},
        "source": source.splitlines(keepends=True),
    }
    return {**cell, "execution_count": None, "outputs": []} if kind == "code" else cell


def _printed(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", [])).strip()


def solution_code(notebook: dict, name: str = "the notebook") -> list[str]:
    """The ```python blocks of a notebook's hidden solutions, in order: the reference answers
    the nbgrader export uses and ``tests/test_solutions.py`` runs.

    Args:
        notebook: the notebook as JSON (:func:`course.publish.read_notebook`).
        name: names the notebook in error messages.

    Raises:
        CourseError: a solution is not marked as one (:func:`course.publish.without_solutions`).
    """
    without_solutions(notebook, name)  # refuses unmarked solutions before any is returned
    return [b for text in hidden_solutions(notebook, name) for b in _BLOCK.findall(text)]


def nbgrader_assignment(notebook: dict, name: str = "the notebook") -> dict | None:
    """A notebook's Check yourself section as an nbgrader source notebook (see the module's
    docstring), or None if it has no checked exercise.

    Args:
        notebook: the notebook as JSON (:func:`course.publish.read_notebook`); it is not changed.
        name: names the notebook in error messages and titles the assignment when it has no
            Markdown heading.

    Raises:
        CourseError: a solution is not marked as one (:func:`course.publish.without_solutions`),
            or a checked exercise has no solution code (:func:`answer_cells`).
    """
    cells = without_solutions(notebook, name)["cells"]
    blocks = solution_code(notebook, name)
    source = ["".join(c["source"]) for c in cells]
    checked = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and _check_calls(_parse(source[i], f"{name}, cell {i}"))
    ]
    if not checked:
        return None
    headings = [
        i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and _HEADING.match(source[i])
    ]
    start = max((i for i in headings if i <= checked[0]), default=checked[0])
    stop = min((i for i in headings if i > checked[-1]), default=len(cells))
    used = [
        b
        for b in blocks
        if any(
            f"check.{m}(" in b
            for i in checked
            for m in re.findall(r"^check\.(\w+)\(", source[i], re.M)
        )
    ]
    setup = _imports([*used, *source[start:stop]])
    title = _title(cells, name)
    out = [
        _cell(
            "markdown",
            f"# {title}: check yourself\n\nWrite each answer in its cell, then "
            "run the test cell below it. When your work is graded, every answer is also "
            "checked on cases you have not seen.",
            "intro",
        ),
        _cell("code", setup, "setup"),
    ]
    available = _KNOWN | _bound(setup)
    for i in range(start, stop):
        cell, text, where = cells[i], source[i], f"{name}, cell {i}"
        if i in checked:
            for checker, answer, test in answer_cells(text, blocks, where):
                if answer:
                    out.append(_cell("code", answer, checker, solution=True, locked=False))
                out.append(_cell("code", test, f"test_{checker}", grade=True, points=POINTS))
            available |= _bound(text)
        elif cell["cell_type"] == "code" and not _free(text) - available:
            out.append(_cell("code", text, f"cell_{i}"))
            available |= _bound(text)
        elif cell["cell_type"] == "code":
            printed = _printed(cell)
            shown = f"```python\n{text}\n```"
            if printed:
                shown += f"\n\nIn the notebook, on its data, this printed:\n\n```\n{printed}\n```"
            out.append(_cell("markdown", shown, f"cell_{i}"))
        else:
            out.append(_cell("markdown", text, f"cell_{i}"))
    metadata = {
        k: v
        for k, v in notebook.get("metadata", {}).items()
        if k in ("kernelspec", "language_info")
    }
    return {"cells": out, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def _title(cells: list[dict], name: str) -> str:
    """The first Markdown heading of the cells, without its ``#`` marks (or ``name``)."""
    for cell in cells:
        for line in "".join(cell["source"]).splitlines() if cell["cell_type"] == "markdown" else []:
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return Path(name).stem


def nbgrader_course(out_dir: str | Path, notebooks=None, force: bool = False) -> list[Path]:
    """Write an nbgrader course folder: ``nbgrader_config.py`` and
    ``source/NN_name/NN_name.ipynb`` for each notebook with checked exercises.

    Args:
        out_dir: the course folder (nbgrader runs in it).
        notebooks: the notebooks (default: all of the course's).
        force: replace files edited since the course wrote them, and write into a folder of
            the students' copies.

    Returns:
        The files written, the configuration first.

    Raises:
        CourseError: a notebook's solutions cannot be found or do not fit (checked for every
            notebook before anything is written).
        OutputError: as :func:`course.publish.claim_class_folder` says.
    """
    check_output_folder(out_dir)  # a folder that cannot be written fails first
    notebooks = course_notebooks() if notebooks is None else [Path(n) for n in notebooks]
    files = {"nbgrader_config.py": CONFIG}
    for nb in notebooks:
        assignment = nbgrader_assignment(read_notebook(nb), nb.name)
        if assignment is not None:
            files[f"source/{nb.stem}/{nb.name}"] = notebook_json(assignment)
    if len(files) == 1:
        raise CourseError(
            "None of the notebooks has a checked exercise (check.<name>(answer)); "
            "there is nothing for nbgrader to grade."
        )
    out = make_folder(claim_class_folder(out_dir, list(files), NBGRADER, force))
    for name, text in files.items():
        with atomic_path(out / name) as tmp:
            tmp.write_text(text, encoding="utf-8")
        record_outputs(out, [name], kind=NBGRADER)
    return [out / name for name in files]


def write_exercises(out_dir: str | Path, kind: str, force: bool = False, notebooks=None) -> str:
    """What ``python -m course exercises`` does: the class copies ``"without"`` or ``"with"``
    solutions (:func:`course.publish.exercise_copies`), or an ``"nbgrader"`` course folder
    (:func:`nbgrader_course`). Returns the line to print.

    Args:
        out_dir: the folder to write into.
        kind: "nbgrader" for the course folder, "with" for the answer key, "without" for the
            students' copies; any other value raises :class:`ParameterError`.
        force: replace files edited since the course wrote them, and write beside the students'
            copies.
        notebooks: the notebooks (default: all of the course's).
    """
    from .data import display_path

    check_choice("kind", kind, ("without", "with", "nbgrader"))
    where = display_path(out_dir)
    if kind != "nbgrader":
        written = exercise_copies(
            out_dir, solutions=kind == "with", notebooks=notebooks, force=force
        )
        return f"Wrote {len(written)} notebooks {kind} solutions to {where}"
    names = [p.parent.name for p in nbgrader_course(out_dir, notebooks, force)[1:]]
    return (
        f"Wrote an nbgrader course to {where}: nbgrader_config.py and {len(names)} "
        f"assignment{'s' * (len(names) > 1)} in source/ ({', '.join(names)}). Next: cd "
        f"{where} && nbgrader generate_assignment {names[0]}"
    )
