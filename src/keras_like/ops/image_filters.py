"""`gaussian_blur` and `elastic_transform`.

The blur is separable: each axis is one contraction with a banded `(in, in)` matrix holding
the 1-D Gaussian, which equals a zero-padded "same" depthwise convolution and lets gradients
reach `sigma` when it is a tensor.
"""

import numpy as np

from keras_like.ops import core as _core
from keras_like.ops import numpy as _np
from keras_like.ops._base import tensor
from keras_like.ops.image_common import FLOATS, images_tensor, spatial_axes
from keras_like.ops.image_common import data_format as _data_format
from keras_like.ops.image_sampling import (
    AFFINE_TRANSFORM_INTERPOLATIONS,
    check_fill_mode,
    exact_neighbours,
    interpolate,
    neighbours,
)


def _gaussian(size, sigma, dtype):
    x = _core.convert_to_tensor(np.arange(size) - (size - 1) / 2, dtype)
    kernel = _np.exp(-0.5 * _np.square(x / sigma))
    return kernel / _np.sum(kernel)


def _blur_axis(x, axis, kernel, size):
    n = x.shape[axis]
    # Input j feeds output i through tap j - i + (size - 1) // 2, as XLA's "SAME" padding.
    tap = np.arange(n)[:, None] - np.arange(n)[None, :] + (size - 1) // 2
    inside = (tap >= 0) & (tap < size)
    band = _np.where(inside, _np.take(kernel, np.clip(tap, 0, size - 1)), 0.0)
    return _np.moveaxis(_np.tensordot(x, band, axes=([axis], [0])), -1, axis)


def _blur(x, h_axis, w_axis, kernel_size, sigma):
    dtype = x.dtype
    sigma = _core.cast(tensor(sigma), dtype)
    # As in Keras: kernel_size[0] and sigma[0] run along the width, index 1 along the height.
    x = _blur_axis(x, w_axis, _gaussian(kernel_size[0], sigma[0], dtype), kernel_size[0])
    return _blur_axis(x, h_axis, _gaussian(kernel_size[1], sigma[1], dtype), kernel_size[1])


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blurs images with a zero-padded Gaussian kernel of the same output size.

    Args:
        images: A single image (rank 3) or a batch of images (rank 4).
        kernel_size: Two ints: the kernel's extent along the width, then the height.
        sigma: Two standard deviations, in the same order (numbers or a tensor).
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
    >>> keras_like.ops.image.gaussian_blur(np.ones((2, 8, 8, 3))).shape
    (2, 8, 8, 3)
    """
    images = images_tensor(images)
    kernel_size = tuple(int(k) for k in kernel_size)
    if len(kernel_size) != 2 or min(kernel_size) < 1:
        raise ValueError("`kernel_size` must be two positive integers. "
                         f"Received: kernel_size={kernel_size}")
    h_axis, w_axis = spatial_axes(images.ndim, _data_format(data_format))
    original = images.dtype
    x = images if original in FLOATS else _core.cast(images, "float32")
    out = _blur(x, h_axis, w_axis, kernel_size, sigma)
    return out if out.dtype == original else _core.cast(out, original)


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    """Displaces every pixel by smoothed random noise (Simard et al.'s elastic distortion).

    Each image draws standard-normal x and y displacement fields scaled by `sigma`, blurs
    them with a Gaussian of standard deviation `sigma` (kernel `int(6 sigma) | 1` wide),
    scales them by `alpha` and samples the image at the displaced positions.

    Args:
        images: A single image (rank 3) or a batch of images (rank 4).
        alpha: Displacement strength.
        sigma: Smoothness of the displacement field (a Python number).
        interpolation: `"nearest"` or `"bilinear"`.
        fill_mode: How displaced points outside the image are read (see `map_coordinates`).
        fill_value: The value outside the image for `fill_mode="constant"`.
        seed: `None`, an int or a `SeedGenerator`, as for `keras.random`.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
    >>> keras_like.ops.image.elastic_transform(np.ones((8, 8, 3)), seed=1).shape
    (8, 8, 3)
    """
    from keras_like import random as _random

    if interpolation not in AFFINE_TRANSFORM_INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{set(AFFINE_TRANSFORM_INTERPOLATIONS)}. Received: "
                         f"interpolation={interpolation}")
    check_fill_mode(fill_mode)
    images = images_tensor(images)
    fmt = _data_format(data_format)
    unbatched = images.ndim == 3
    x = _np.expand_dims(images, 0) if unbatched else images
    if fmt == "channels_first":
        x = _np.transpose(x, (0, 2, 3, 1))
    batch, height, width, channels = x.shape
    dtype = x.dtype if x.dtype in ("float32", "float64") else "float32"
    sigma = float(sigma)
    size = int(6 * sigma) | 1
    noise = _random.normal((2, batch, height, width), stddev=sigma, dtype=dtype, seed=seed)
    shift = _blur(noise, 2, 3, (size, size), (sigma, sigma)) * alpha
    cols = _core.convert_to_tensor(np.arange(width)[None, None, :], dtype)
    rows = _core.convert_to_tensor(np.arange(height)[None, :, None], dtype)
    x_in = _np.expand_dims(cols + shift[0], -1)
    y_in = _np.expand_dims(rows + shift[1], -1)
    order = AFFINE_TRANSFORM_INTERPOLATIONS[interpolation]
    axis_nodes = [
        exact_neighbours(_core.convert_to_tensor(np.arange(batch).reshape(-1, 1, 1, 1))),
        neighbours(y_in, order, height, fill_mode),
        neighbours(x_in, order, width, fill_mode),
        exact_neighbours(_core.convert_to_tensor(np.arange(channels).reshape(1, 1, 1, -1))),
    ]
    out = interpolate(x, axis_nodes, fill_value, dtype)
    if fmt == "channels_first":
        out = _np.transpose(out, (0, 3, 1, 2))
    return _np.squeeze(out, 0) if unbatched else out
