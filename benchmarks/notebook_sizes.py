"""How much each committed notebook weighs, and how much of it is audio and figures.

    python benchmarks/notebook_sizes.py            # a Markdown table of the committed notebooks
    python benchmarks/notebook_sizes.py OTHER_DIR  # the same for another folder of notebooks

Audio is the base64 text of the players' embedded files (``data:audio/...``); figures are the
base64 text of image outputs and of the ``<img>`` elements that show the course's figures.
tests/test_notebook_sizes.py holds the budget they must fit.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AUDIO = re.compile(r"data:audio/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+")
#: A figure: the course shows each as an ``<img>`` with its text alternative, in ``text/html``.
IMAGE = re.compile(r"data:image/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+")


def weigh(path: Path) -> dict:
    """Bytes of the notebook file, of its embedded audio and of its figures."""
    raw = path.read_bytes()
    audio = images = 0
    for cell in json.loads(raw)["cells"]:
        for output in cell.get("outputs", []):
            for mime, value in output.get("data", {}).items():
                text = "".join(value) if isinstance(value, list) else str(value)
                if mime.startswith("image/"):
                    images += len(text)
                elif mime == "text/html":
                    audio += sum(len(m) for m in AUDIO.findall(text))
                    images += sum(len(m) for m in IMAGE.findall(text))
    return {"name": path.name, "bytes": len(raw), "audio": audio, "images": images}


def table(folder: Path) -> str:
    rows = [weigh(p) for p in sorted(folder.glob("*.ipynb"))]
    lines = ["| notebook | size (MB) | audio | figures |", "| --- | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['bytes'] / 1e6:.2f} | {r['audio'] / r['bytes']:.0%} "
            f"| {r['images'] / r['bytes']:.0%} |"
        )
    total = sum(r["bytes"] for r in rows)
    audio, images = sum(r["audio"] for r in rows), sum(r["images"] for r in rows)
    lines.append(
        f"| **all {len(rows)}** | **{total / 1e6:.2f}** | {audio / total:.0%} "
        f"| {images / total:.0%} |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "notebooks"))
