"""requirements.txt, environment.yml and pyproject.toml name the same packages and ranges."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {"tensorflow", "keras", "librosa", "numpy", "matplotlib", "scikit-learn",
            "jupyterlab", "nbval", "soundfile", "tqdm"}


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
    start = next(i for i, l in enumerate(lines) if l.strip() == "- pip:")
    return _parse(l.strip()[2:] for l in lines[start + 1:] if l.strip().startswith("- "))


def pyproject():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return _parse(data["project"]["dependencies"])


def test_the_three_lists_agree():
    req = requirements()
    assert environment() == req
    assert pyproject() == req


def test_every_package_the_course_names_is_listed_with_a_range():
    req = requirements()
    assert REQUIRED <= set(req)
    for name, spec in req.items():
        assert ">=" in spec and "<" in spec.replace("<=", ""), f"{name} needs a tested range, has {spec!r}"


def test_requirements_installs_the_course_package_too():
    lines = [l.strip() for l in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "-e ." in lines


def test_installed_versions_satisfy_the_ranges():
    from importlib import metadata

    from packaging.specifiers import SpecifierSet

    for name, spec in requirements().items():
        version = metadata.version(name)
        assert version in SpecifierSet(spec), f"{name} {version} is outside {spec}"
