"""The code passes ruff's lint with the rules pyproject.toml selects ([tool.ruff.lint]), so CI
fails on an unused import, an undefined name, unsorted imports or a bugbear pattern."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is part of the [test] extra: pip install -r requirements.txt"
    proc = subprocess.run([ruff, "check", "course", "tests", "benchmarks"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
