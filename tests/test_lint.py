"""The code passes ruff: its lint with the rules pyproject.toml selects ([tool.ruff.lint]), so
CI fails on an unused import, an undefined name, unsorted imports, a line over 100 characters
or a bugbear pattern; and its formatter's check, so every file is laid out as
``ruff format`` lays it out."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: What ruff checks: the package, the tests, the benchmarks and the suite's conftest.
CHECKED = ["course", "tests", "benchmarks", "conftest.py"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check", "--diff"]])
def test_ruff_finds_nothing(command):
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is part of the [test] extra: pip install -r requirements.txt"
    proc = subprocess.run(
        [ruff, *command, *CHECKED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
