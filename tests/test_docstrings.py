"""Every public function and method of ``course`` documents its arguments: its docstring has an
``Args:`` section with a line for each parameter (Google style, as the package writes them).

Public means a name without a leading underscore, defined at the top level of a module whose
name has none, or in a public class there. Properties take no arguments and are left out.
"""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "course"
MODULES = sorted(p for p in PACKAGE.glob("*.py") if not p.name.startswith("_"))
MODULES.append(PACKAGE / "__main__.py")


def public_functions(tree: ast.Module):
    """(qualified name, function node) for every public function and method of a module."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                    if not any(ast.unparse(d) == "property" for d in item.decorator_list):
                        yield f"{node.name}.{item.name}", item
        elif isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node.name, node


def parameters(node: ast.FunctionDef) -> list[str]:
    args = node.args
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    names += [f"*{args.vararg.arg}"] if args.vararg else []
    names += [f"**{args.kwarg.arg}"] if args.kwarg else []
    return [n for n in names if n not in ("self", "cls")]


def documented(docstring: str) -> set[str]:
    """The parameter names an ``Args:`` section gives a line to (``name:`` or ``name (type):``,
    starred for ``*args`` and ``**kwargs``)."""
    if "Args:" not in docstring:
        return set()
    section = re.split(r"\n\s*Args:\s*\n", docstring, maxsplit=1)[-1]
    section = re.split(r"\n\s*\n\s*(?:Returns|Yields|Raises|Notebook|Example)", section)[0]
    return set(re.findall(r"^\s*(\*{0,2}\w+)(?: \([^)]*\))?:", section, flags=re.M))


def cases():
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, node in public_functions(tree):
            if parameters(node):
                yield pytest.param(path, name, node, id=f"{path.stem}.{name}")


@pytest.mark.parametrize("path,name,node", list(cases()))
def test_every_parameter_has_a_line_in_args(path, name, node):
    missing = [p for p in parameters(node) if p not in documented(ast.get_docstring(node) or "")]
    assert not missing, (
        f"course/{path.name}: {name} has no Args line for {missing}; add them to its docstring"
    )


def test_the_args_reader_finds_names_types_and_stars_and_stops_at_the_next_section():
    doc = (
        "Summary.\n\nArgs:\n    y: a signal.\n    sr (int): its rate,\n        in Hz.\n"
        "    *layers: more.\n    **options: passed on.\n\nReturns:\n    x: not an argument.\n"
    )
    assert documented(doc) == {"y", "sr", "*layers", "**options"}
    assert documented("Summary that mentions y: but has no section.") == set()
