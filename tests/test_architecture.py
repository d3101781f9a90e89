"""The package's shape: ARCHITECTURE.md's table of floors is the law, and every module obeys it.

A module may import only modules listed above it in the table (imports inside functions
count; imports for type annotations only do not), so there can be no import cycle; every
module is in the table; and no module grows past about 420 lines of code (docstrings, comments
and blank lines not counted, so documenting a function never forces a split).
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "course"


def _table() -> list[tuple[str, str, set[str]]]:
    """ARCHITECTURE.md's table: (floor, module, modules it may import on its own floor)."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text.split("<!-- floors:start -->")[1].split("<!-- floors:end -->")[0]
    rows = re.findall(r"^\| ([^|]*?) \| `([\w_]+)` \|[^|]*\|([^|]*)\|", table, flags=re.M)
    return [(floor, module, set(re.findall(r"`([\w_]+)`", same))) for floor, module, same in rows]


def floors() -> list[str]:
    """The modules in ARCHITECTURE.md's table, bottom floor first."""
    return [module for _, module, _ in _table()]


def course_imports(source: str, module: str) -> set[str]:
    """Course modules that ``source`` imports at run time (not under ``if TYPE_CHECKING:``)."""
    tree = ast.parse(source)
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found |= {a.name for a in node.names}
            elif node.module and node.module.startswith("course."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("course.")}
    return found - {module}


ORDER = floors()
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def test_every_module_is_in_the_table_once():
    assert sorted(ORDER) == MODULES, (
        "add the module's row to ARCHITECTURE.md (or remove a stale one)"
    )
    assert len(ORDER) == len(set(ORDER))


@pytest.mark.parametrize("module", MODULES)
def test_a_module_imports_only_modules_above_it(module):
    source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    position = ORDER.index(module)
    for name in course_imports(source, module):
        assert name in ORDER, f"course.{module} imports course.{name}, which is not a module"
        assert ORDER.index(name) < position, (
            f"course.{module} imports course.{name}, which is listed below it in ARCHITECTURE.md"
        )


def code_lines(source: str) -> int:
    """Lines of ``source`` that hold code: docstrings, comments and blank lines are not counted;
    a statement over several lines counts each of them."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)


@pytest.mark.parametrize("module", MODULES)
def test_no_module_grows_past_about_420_lines_of_code(module):
    lines = code_lines((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    assert lines <= 420, f"course/{module}.py has {lines} lines of code: split it by job"


def test_lines_of_code_leave_out_docstrings_comments_and_blank_lines():
    source = (
        '"""Module docstring,\nover two lines."""\n\nimport os  # a comment\n\n\n'
        'def f(a,\n      b):\n    """One line."""\n    # only a comment\n'
        '    return """not a docstring\n    but a value"""\n'
    )
    # counted: the import, the two lines of the def, the two lines of the returned string
    assert code_lines(source) == 5


def test_the_import_scanner_sees_function_level_imports_and_skips_type_checking():
    source = (
        "from .errors import check_signal\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .training import Experiment\n"
        "def f():\n    from .features import prepare\n    from . import dsp\n"
    )
    assert course_imports(source, "evaluation") == {"errors", "features", "dsp"}


@pytest.mark.parametrize("module", MODULES)
def test_no_private_name_crosses_modules(module):
    """A module uses another module's public names only (a private module, such as
    ``_references``, may be imported whole by its package's modules)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level == 1 or (node.module or "").startswith("course")
        ):
            private = [
                a.name
                for a in node.names
                if a.name.startswith("_")
                and not (node.module is None and (PACKAGE / f"{a.name}.py").exists())
            ]
            assert not private, f"course.{module} imports {private} from {node.module or 'course'}"
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            base = node.value
            if isinstance(base, ast.Name) and base.id in MODULES and base.id != module:
                raise AssertionError(f"course.{module} uses {base.id}.{node.attr}")


@pytest.mark.parametrize("module", MODULES)
def test_a_module_imports_on_its_own_floor_only_what_the_table_names(module):
    table = {m: (floor, same) for floor, m, same in _table()}
    floor, allowed = table[module]
    source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    for name in course_imports(source, module):
        if table[name][0] == floor:
            assert name in allowed, (
                f"course.{module} imports course.{name} on its own floor "
                f"({floor}); name it in ARCHITECTURE.md's last column or "
                "move one of them"
            )
