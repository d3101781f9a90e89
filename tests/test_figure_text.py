"""Every figure has a text alternative: the message its plotting function computes from the data
(``describe``), then its axes in words, carried on the ``<img>`` a notebook stores and the site
and decks show."""

import ast
import base64
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.figure_text import alt_text, axes_text, describe  # noqa: E402
from course.plots import figure_html  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IMG = re.compile(r"<img\b[^>]*>")
ALT = re.compile(r'\balt="([^"]*)"')


def test_one_panel_in_words_with_its_ranges_scale_and_legend():
    fig, ax = plt.subplots()
    ax.plot([1, 10, 100], [0.5, 2.0, 1.0], label="train")
    ax.plot([1, 10, 100], [0.7, 1.5, 1.2], label="validation")
    ax.set(xscale="log", xlim=(1, 100), ylim=(0, 2.5), xlabel="epoch", ylabel="loss")
    ax.set_title("learning curves")
    ax.legend()
    assert axes_text(fig) == (
        "Figure: 'learning curves': loss from 0.5 to 2 against epoch from 1 to 100 on a log "
        "scale; legend: train; validation."
    )
    plt.close(fig)


def test_panels_are_numbered_a_colour_bar_is_left_out_and_the_message_comes_first():
    fig, (left, right) = plt.subplots(1, 2)
    image = left.imshow(np.zeros((4, 4)), extent=(0, 2, 0, 8000))
    left.set(xlabel="time (s)", ylabel="frequency (Hz)", title="blues")
    fig.colorbar(image, ax=left, label="dB")
    right.set(xlim=(-1, 1), ylim=(0, 3), xlabel="x", ylabel="y")
    fig.suptitle("Two panels")
    describe(fig, "  The blues clip is   quiet above 4 kHz ")
    assert alt_text(fig) == (
        "The blues clip is quiet above 4 kHz. Figure 'Two panels' with 2 panels. "
        "Panel 1: 'blues': frequency (Hz) from 0 to 8000 against time (s) from 0 to 2. "
        "Panel 2: y from 0 to 3 against x from -1 to 1."
    )
    plt.close(fig)


def test_a_figure_without_a_message_or_labels_still_gets_one():
    fig = plt.figure()
    assert alt_text(fig) == "Figure."
    plt.close(fig)


def test_a_panel_without_labels_is_read_by_the_text_on_it_if_it_has_any():
    """A diagram (axes off, its words written on it) is read by those words; a bare drawing is
    said to have no labels."""
    fig, (diagram, bare) = plt.subplots(1, 2)
    diagram.axis("off")
    diagram.text(0.2, 0.8, "outer:\n  all of it")
    diagram.text(0.5, 0.5, "inner")
    diagram.text(0.5, 0.2, "hidden").set_visible(False)
    bare.plot([0, 1], [1, 0])
    assert axes_text(fig) == (
        "Figure with 2 panels. Panel 1: text on it: outer: all of it; inner. "
        "Panel 2: drawn without labels."
    )
    plt.close(fig)


def test_the_img_holds_the_palette_png_and_the_escaped_text():
    from PIL import Image

    fig, ax = plt.subplots()
    ax.set_title('a "quoted" <title> & more')
    describe(fig, "Nothing drawn")
    html = figure_html(fig)
    plt.close(fig)
    alt = ALT.search(html).group(1)
    assert alt.startswith("Nothing drawn. Figure: &#x27;a &quot;quoted&quot; &lt;title&gt; &amp;")
    png = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    assert Image.open(io.BytesIO(base64.b64decode(png))).mode == "P"


@pytest.mark.slow
def test_in_a_kernel_a_figure_is_one_img_with_alt_and_no_second_png():
    # A fresh IPython shell (not this process's): the formatters the notebooks get.
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "import matplotlib; matplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "from course.plots import use_course_style\n"
        "from course.figure_text import describe\n"
        "use_course_style()\n"
        "fig, ax = plt.subplots(); ax.set(xlabel='time (s)', ylabel='amplitude')\n"
        "describe(fig, 'A flat line')\n"
        "data, _ = shell.display_formatter.format(fig)\n"
        "import json; print(json.dumps({k: v[:300] for k, v in data.items()}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    assert sorted(data) == ["text/html", "text/plain"]
    assert data["text/html"].startswith('<img src="data:image/png;base64,')
    assert data["text/plain"].startswith("A flat line. Figure: amplitude from")


PLOT_MODULES = ["plots", "signal_plots", "learning_plots"]


def _plotting_functions():
    for module in PLOT_MODULES:
        tree = ast.parse((ROOT / "course" / f"{module}.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("plot_"):
                yield pytest.param(node, id=f"{module}.{node.name}")


@pytest.mark.parametrize("node", list(_plotting_functions()))
def test_every_plotting_function_states_its_message(node):
    calls = {
        n.func.id
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert calls & {"describe", "describe_panel"}, (
        f"{node.name} draws a figure but never calls describe() or describe_panel()"
    )


def _stored_figures():
    for nb in NOTEBOOKS:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "image/png" in data:
                    yield nb.name, index, None  # a bare PNG: no text alternative at all
                for img in IMG.findall("".join(data.get("text/html", ""))):
                    alt = ALT.search(img)
                    yield nb.name, index, alt.group(1) if alt else None


def test_every_stored_figure_has_a_text_alternative():
    figures = list(_stored_figures())
    assert len(figures) >= 40  # every notebook draws figures
    missing = [(name, index) for name, index, alt in figures if not alt or len(alt) < 30]
    assert not missing, f"figures without a text alternative (notebook, cell): {missing}"


def test_a_grid_of_many_panels_is_summarised_by_its_first():
    fig, axes = plt.subplots(3, 4)
    for i, ax in enumerate(axes.flat):
        ax.set(xlim=(0, 3), ylim=(-1, 1), xlabel="time (s)", ylabel=f"clip {i}")
    assert axes_text(fig) == (
        "Figure with 12 panels. Panel 1: clip 0 from -1 to 1 against time (s) from 0 to 3. "
        "Panels 2 to 12 are drawn likewise."
    )
    plt.close(fig)


def test_ranges_are_the_datas_not_the_padded_limits_and_categories_are_named():
    fig, (left, right) = plt.subplots(1, 2)
    left.plot(np.arange(1, 31), np.linspace(2.6, 85, 30))  # padding would give epoch -0.45
    left.set(xlabel="epoch", ylabel="loss")
    right.imshow(np.eye(3))
    right.set_xticks(range(3), labels=["blues", "jazz", "rock"])
    right.set_yticks(range(3), labels=["blues", "jazz", "rock"])
    right.set(xlabel="predicted genre", ylabel="true genre")
    text = axes_text(fig)
    plt.close(fig)
    assert "loss from 2.6 to 85 against epoch from 1 to 30" in text
    assert (
        "true genre, 3 categories from blues to rock against predicted genre, 3 categories "
        "from blues to rock"
    ) in text


def test_reference_lines_alone_give_the_axes_their_view_not_one_value():
    # Russell's plane in notebook 11: words placed by hand and two lines at 5 on a 1-to-9 view
    fig, ax = plt.subplots()
    ax.annotate("happy", (7.5, 7.0))
    ax.axhline(5)
    ax.axvline(5)
    ax.set(xlim=(1, 9), ylim=(1, 9), xlabel="valence", ylabel="arousal")
    text = axes_text(fig)
    plt.close(fig)
    assert "arousal from 1 to 9 against valence from 1 to 9" in text


def test_a_label_over_two_lines_is_read_as_one_line():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 2])
    ax.set(xlabel="input z", ylabel="activation (solid),\nderivative (dashed)")
    text = axes_text(fig)
    plt.close(fig)
    assert "activation (solid), derivative (dashed) from 0 to 2 against input z" in text


def test_numbers_read_aloud_without_padding_digits():
    from course.figure_text import _number

    assert [_number(v) for v in (671745, 5.56e13, 7.5e-22, 4321.6, 0.0259, -0.0)] == [
        "6.72e5",
        "5.56e13",
        "7.5e-22",
        "4322",
        "0.0259",
        "0",
    ]
