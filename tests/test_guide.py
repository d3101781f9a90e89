"""The instructor's answer key is generated from the notebooks' hidden solutions and the
committed copy is what they give today, so it cannot drift from them."""

from pathlib import Path

import pytest
from cli_run import course_main

from course.errors import OutputError
from course.guide import GENERATED, answer_key, write_answer_key
from course.publish import course_notebooks, notebook_title

ROOT = Path(__file__).resolve().parents[1]
KEY = ROOT / "docs" / "ANSWER_KEY.md"


def test_the_committed_answer_key_is_what_the_notebooks_give():
    assert KEY.read_text(encoding="utf-8") == answer_key(), (
        "docs/ANSWER_KEY.md is out of date: run python -m course guide"
    )


def test_every_notebook_has_its_exercises_and_solutions_in_order():
    text = answer_key()
    sections = text.split("\n## ")[1:]
    assert [s.splitlines()[0] for s in sections] == [notebook_title(p) for p in course_notebooks()]
    for section in sections:
        assert "### Exercises" in section and "**Solution**" in section, section[:80]
        assert section.index("### Exercises") < section.index("**Solution**")
    # a solution's worked result, and its code, come through as the notebook has them
    stft = sections[2]
    assert "1292" in stft and "```python" in stft and "<details>" not in stft


def test_the_key_replaces_its_own_file_and_never_a_users(tmp_path):
    out = tmp_path / "key.md"
    assert "12 notebooks" in write_answer_key(out)
    assert out.read_text(encoding="utf-8").startswith(GENERATED)
    write_answer_key(out)  # its own file: replaced
    mine = tmp_path / "mine.md"
    mine.write_text("my notes\n")
    with pytest.raises(OutputError, match="not an answer key the course wrote"):
        write_answer_key(mine)
    assert mine.read_text() == "my notes\n"


def test_the_command_line_writes_it(tmp_path):
    proc = course_main("guide", "--out", tmp_path / "key.md")
    assert proc.returncode == 0 and "Wrote the answer key" in proc.stdout
    assert (tmp_path / "key.md").read_text(encoding="utf-8") == answer_key()
