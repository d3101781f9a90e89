"""Figures of images: one colour scale when asked, kernels oriented like the MFCC images."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course.plots import plot_images, plot_kernels  # noqa: E402


def test_images_share_one_colour_scale_only_when_asked():
    images = {"a": np.zeros((2, 2)), "b": np.full((2, 2), 5.0)}
    own = plot_images(images)
    shared = plot_images(images, shared=True)
    assert [ax.images[0].get_clim() for ax in shared.axes if ax.images] == [(0.0, 5.0)] * 2
    assert [ax.images[0].get_clim() for ax in own.axes if ax.images][1] != (0.0, 5.0)
    plt.close("all")


def test_kernels_are_drawn_frame_across_coefficient_up():
    kernel = np.zeros((3, 2, 1, 1))            # 3 frames, 2 coefficients
    kernel[2, 0, 0, 0] = 1.0                   # last frame, first coefficient
    fig = plot_kernels(kernel, limit=2.0)
    image = fig.axes[0].images[0]
    data = image.get_array()
    assert data.shape == (2, 3) and data[0, 2] == 1.0   # row = coefficient, column = frame
    assert image.origin == "lower" and image.get_clim() == (-2.0, 2.0)
    assert fig.axes[0].get_xlabel() == "frame" and fig.axes[0].get_ylabel() == "coefficient"
    plt.close(fig)
