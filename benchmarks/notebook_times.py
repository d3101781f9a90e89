"""Time a full run of each notebook and write the times where learners read them: the README's
course map and each notebook's "Run time" line, which always agree (tests/test_notebooks.py).

    python benchmarks/notebook_times.py            # every notebook, then rewrite both places
    python benchmarks/notebook_times.py 02 03      # only these notebooks
    python benchmarks/notebook_times.py --check    # rewrite from the README without running

Each notebook is executed top to bottom from a fresh kernel, in the full (not smoke) setting,
into a temporary copy, so the committed notebook is not changed by timing it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: A course-map row: | [`02_stft_spectrogram`](notebooks/...) | what it teaches | 7 s |
ROW = re.compile(r"^(\| \[`(\d\d_[a-z0-9_]+)`\][^|]*\|[^|]*\| )([^|]+?)( \|)$", re.M)
#: The header's line: **Run time:** about 7 s on a 2-core CPU (the README's course map).
HEADER = re.compile(r"\*\*Run time:\*\*[^\n]*?(?=\n|$)")


def header_line(duration: str) -> str:
    return (
        f"**Run time:** about {duration} on a 2-core CPU (measured; see the README's course map)."
    )


def readme_times() -> dict[str, str]:
    """Notebook stem -> its measured time in the README's course map."""
    return {m.group(2): m.group(3) for m in ROW.finditer(README.read_text(encoding="utf-8"))}


def fmt(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60} s"


def time_notebook(path: Path) -> float:
    env = dict(os.environ, TQDM_DISABLE="1")
    env.pop("COURSE_SMOKE", None)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "jupyter",
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--output-dir",
                tmp,
                "--ExecutePreprocessor.timeout=1800",
                str(path),
            ],
            check=True,
            env=env,
            cwd=path.parent,
            capture_output=True,
        )
        return time.perf_counter() - start


def write_times(times: dict[str, str]) -> None:
    """Put the times into the README's course map and each notebook's header."""
    text = README.read_text(encoding="utf-8")
    text = ROW.sub(lambda m: m.group(1) + times.get(m.group(2), m.group(3)) + m.group(4), text)
    README.write_text(text, encoding="utf-8")
    for path in NOTEBOOKS:
        if path.stem not in times:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        first = "".join(nb["cells"][0]["source"])
        nb["cells"][0]["source"] = HEADER.sub(header_line(times[path.stem]), first).splitlines(
            keepends=True
        )
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("only", nargs="*", help="notebook numbers to time (default: all)")
    ap.add_argument(
        "--check",
        action="store_true",
        help="only copy the README's times into the notebooks' headers",
    )
    args = ap.parse_args()
    times = readme_times()
    if not args.check:
        for path in NOTEBOOKS:
            if args.only and path.stem[:2] not in args.only:
                continue
            times[path.stem] = fmt(time_notebook(path))
            print(f"{path.stem}: {times[path.stem]}", flush=True)
    write_times(times)
    print(f"wrote the times into {README.name} and the notebooks' headers")


if __name__ == "__main__":
    main()
