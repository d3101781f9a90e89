"""Colours that everyone can read: text in figures meets WCAG 2.1 AA contrast (4.5:1, or 3:1 for
large text) against what it stands on, and the pale line colours get a darker shade for text."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from figure_checks import low_contrast_texts  # noqa: E402

from course.plots import (  # noqa: E402
    GENRE_COLOURS,
    PALETTE,
    TEXT_CONTRAST,
    contrast_ratio,
    genre_colour,
    text_colour,
)


@pytest.mark.parametrize(
    "foreground,background,expected",
    [
        # WCAG's extremes, and the two greys WebAIM's contrast checker puts either side of 4.5:1
        ("#000000", "#FFFFFF", 21.0),
        ("#FFFFFF", "#FFFFFF", 1.0),
        ("#767676", "#FFFFFF", 4.54),
        ("#777777", "#FFFFFF", 4.48),
        ("#FFFFFF", "#777777", 4.48),  # the order does not matter
        ("#0000FF", "#FFFFFF", 8.59),  # pure blue, WebAIM's figure
    ],
)
def test_the_contrast_ratio_is_wcags(foreground, background, expected):
    assert contrast_ratio(foreground, background) == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("colour", sorted(set(PALETTE) | set(GENRE_COLOURS.values())))
def test_every_course_colour_has_a_text_shade_of_the_same_hue_that_just_passes(colour):
    from matplotlib.colors import rgb_to_hsv, to_rgb

    shade = text_colour(colour)
    assert contrast_ratio(shade) >= TEXT_CONTRAST
    if contrast_ratio(colour) >= TEXT_CONTRAST:
        assert shade.lower() == colour.lower()  # dark enough already: unchanged
    else:
        # one 5 % step less dark would not pass: it is darkened no more than it needs
        lighter = np.array(to_rgb(colour)) * (1 - 0.05 * (_steps(colour, shade) - 1))
        assert contrast_ratio(lighter) < TEXT_CONTRAST
        if max(to_rgb(colour)) - min(to_rgb(colour)) > 0.1:  # a colour, not a grey
            assert rgb_to_hsv(to_rgb(shade))[0] == pytest.approx(
                rgb_to_hsv(to_rgb(colour))[0], abs=0.02
            )


def _steps(colour, shade) -> int:
    from matplotlib.colors import to_rgb

    ratio = max(to_rgb(shade)) / max(to_rgb(colour))
    return round((1 - ratio) / 0.05)


def test_pale_genre_colours_are_for_lines_and_their_text_shade_is_for_titles():
    assert contrast_ratio(genre_colour("classical")) < 2  # #88CCEE: a line colour only
    assert contrast_ratio(genre_colour("classical", text=True)) >= TEXT_CONTRAST
    assert contrast_ratio(genre_colour("unknown genre", text=True)) >= TEXT_CONTRAST


def test_the_checker_finds_a_pale_title_and_accepts_white_on_a_dark_image():
    fig, (left, right) = plt.subplots(1, 2)
    left.set_title("classical", color=genre_colour("classical"))
    right.imshow(np.zeros((2, 2)), cmap="magma", vmin=0, vmax=1)  # black cells
    right.text(0, 0, "12 %", color="white", ha="center", va="center")
    right.text(1, 1, "pale", color="#333333", ha="center", va="center")  # dark on black
    found = low_contrast_texts(fig)
    plt.close(fig)
    assert [f.split(" in ")[0] for f in found] == ["'classical'", "'pale'"]
