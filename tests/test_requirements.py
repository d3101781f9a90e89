"""requirements.txt, environment.yml and pyproject.toml name the same packages and ranges."""

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest itself installs tomli on Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {
    "tensorflow",
    "keras",
    "librosa",
    "numpy",
    "matplotlib",
    "scikit-learn",
    "jupyterlab",
    "nbval",
    "soundfile",
    "tqdm",
}


def _parse(lines):
    specs = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", line)
        specs[m.group(1).lower()] = m.group(2).replace(" ", "")
    return specs


def requirements():
    return _parse((ROOT / "requirements.txt").read_text().splitlines())


def environment():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    return _parse(line.strip()[2:] for line in lines[start + 1 :] if line.strip().startswith("- "))


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pyproject():
    """The run-time dependencies and every extra, together."""
    data = project()
    return _parse(
        data["dependencies"]
        + [d for extra in data["optional-dependencies"].values() for d in extra]
    )


def test_the_three_lists_agree():
    req = requirements()
    assert environment() == req
    assert pyproject() == req


def test_every_package_the_course_names_is_listed_with_a_range():
    req = requirements()
    assert REQUIRED <= set(req)
    for name, spec in req.items():
        assert ">=" in spec and "<" in spec.replace("<=", ""), (
            f"{name} needs a tested range, has {spec!r}"
        )


def test_requirements_installs_the_course_package_with_its_extras_too():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "-e .[lab,test]" in lines
    env = (ROOT / "environment.yml").read_text()
    assert "- -e .[lab,test]" in env


def test_running_the_package_needs_no_notebook_or_test_tools():
    run_time = _parse(project()["dependencies"])
    lab = {"jupyterlab", "ipywidgets", "jupyterlab-rise", "nbconvert", "nbformat"}
    lab |= {"jupyter-server-mathjax"}
    test = {"pytest", "pytest-xdist", "nbval", "playwright", "axe-playwright-python", "ruff"}
    assert not (lab | test) & set(run_time)
    extras = project()["optional-dependencies"]
    assert set(_parse(extras["lab"])) == lab
    assert set(_parse(extras["test"])) == test


def test_the_supported_pythons_agree_everywhere():
    from course.settings import SUPPORTED_PYTHON

    low, high = SUPPORTED_PYTHON
    spec = f">={low[0]}.{low[1]},<{high[0]}.{high[1] + 1}"
    assert project()["requires-python"] == spec
    assert f"  - python{spec}" in (ROOT / "environment.yml").read_text().splitlines()
    readme = (ROOT / "README.md").read_text()
    assert f"Python {low[0]}.{low[1]} to {high[0]}.{high[1]}" in readme


def test_installed_versions_satisfy_the_ranges():
    from importlib import metadata

    from packaging.specifiers import SpecifierSet

    for name, spec in requirements().items():
        version = metadata.version(name)
        assert version in SpecifierSet(spec), f"{name} {version} is outside {spec}"


def test_the_course_version_is_the_package_version():
    from course import __version__

    assert project()["version"] == __version__


def test_every_package_the_course_imports_is_declared():
    """A package imported by course/ (not the standard library, not the course) is a declared
    dependency, so a fresh install never meets a ModuleNotFoundError the lists did not warn of."""
    import ast
    from importlib import metadata

    declared = set(pyproject())
    providers = metadata.packages_distributions()
    missing = set()
    for path in (ROOT / "course").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "course":
                    continue
                dists = {d.lower() for d in providers.get(top, [top])}
                if not dists & declared:
                    missing.add(f"{top} ({path.name})")
    assert not missing, f"imported but not declared: {sorted(missing)}"
