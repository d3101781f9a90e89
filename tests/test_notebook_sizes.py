"""The committed notebooks stay light enough to clone: compressed audio, palette figures, and
all of them together under a budget. ``python benchmarks/notebook_sizes.py`` prints the table."""

import base64
import io
import json
from pathlib import Path

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
#: All committed notebooks together, in bytes.
BUDGET = 5_000_000


def _outputs():
    for nb in NOTEBOOKS:
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                yield nb.name, output.get("data", {})


def test_all_notebooks_together_fit_the_budget():
    sizes = {nb.name: nb.stat().st_size for nb in NOTEBOOKS}
    total = sum(sizes.values())
    heaviest = sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    assert total < BUDGET, (
        f"the notebooks weigh {total / 1e6:.2f} MB, over the "
        f"{BUDGET / 1e6:.0f} MB budget; heaviest: {heaviest}"
    )


def test_players_embed_mp3_not_wav():
    html = ["".join(d["text/html"]) for _, d in _outputs() if "text/html" in d]
    assert sum(h.count("data:audio/mpeg;base64,") for h in html) >= 10
    wav = [name for name, d in _outputs() if "data:audio/wav" in "".join(d.get("text/html", ""))]
    assert not wav, f"uncompressed audio in {sorted(set(wav))}"


def test_figures_are_opaque_palette_pngs():
    import re

    from PIL import Image

    found = 0
    for name, data in _outputs():
        pngs = re.findall(
            r'src="data:image/png;base64,([^"]+)"', "".join(data.get("text/html", ""))
        )
        if "image/png" in data:
            pngs.append("".join(data["image/png"]))
        for png in pngs:
            image = Image.open(io.BytesIO(base64.b64decode(png)))
            assert image.mode == "P" and "transparency" not in image.info, (name, image.mode)
            found += 1
    assert found >= 40  # every notebook draws figures; 52 when this was written
