"""What the figure tests read from a figure: its message for readers who cannot see it, and
the contrast of every piece of its text against what it stands on (WCAG 2.1).

The ``text_contrast`` fixture (tests/conftest.py) checks every figure a course plotting
function finishes during a test when the test ends.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.image import AxesImage
from matplotlib.text import Text

from course.plots import TEXT_CONTRAST, contrast_ratio

#: WCAG's lower minimum for large text: 18 pt, or 14 pt bold.
LARGE_TEXT_CONTRAST = 3.0


def message(fig) -> str:
    """The message the figure's plotting function stated (``describe``); closes the figure."""
    from course.figure_text import ATTRIBUTE

    text = getattr(fig, ATTRIBUTE)
    plt.close(fig)
    return text


def _over_white(rgba) -> tuple:
    r, g, b, a = rgba
    return tuple(a * c + (1 - a) for c in (r, g, b))


def _image_colour(image: AxesImage, x: float, y: float):
    """The colour ``image`` shows at data point (x, y), or None outside it."""
    left, right, bottom, top = image.get_extent()
    fx, fy = (x - left) / (right - left), (y - bottom) / (top - bottom)
    if not (0 <= fx <= 1 and 0 <= fy <= 1):
        return None
    data = np.asarray(image.get_array())
    rows, cols = data.shape[:2]
    row = fy if image.origin == "lower" else 1 - fy  # row 0 at the bottom, or at the top
    return image.to_rgba(data[min(int(row * rows), rows - 1), min(int(fx * cols), cols - 1)])


def background(text: Text) -> tuple:
    """The colour behind ``text``: its box, else the image under it, else its axes (or white)."""
    box = text.get_bbox_patch()
    if box is not None and box.get_facecolor()[3] > 0:
        return _over_white(box.get_facecolor())
    ax = text.axes
    if ax is None:
        return (1.0, 1.0, 1.0)
    box = text.get_window_extent()
    x, y = ax.transData.inverted().transform(((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2))
    for image in ax.get_images():
        colour = _image_colour(image, x, y)
        if colour is not None:
            return _over_white(colour)
    return _over_white(to_rgba(ax.get_facecolor()))


def low_contrast_texts(fig) -> list[str]:
    """Every visible, non-empty text of ``fig`` below WCAG AA against its background."""
    fig.canvas.draw()
    found = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        size, bold = text.get_fontsize(), text.get_fontweight() in ("bold", 700, "heavy")
        minimum = LARGE_TEXT_CONTRAST if size >= 18 or (bold and size >= 14) else TEXT_CONTRAST
        ratio = contrast_ratio(_over_white(to_rgba(text.get_color())), background(text))
        if ratio < minimum:
            found.append(f"{text.get_text()!r} in {text.get_color()} ({ratio:.2f}:1)")
    return found
