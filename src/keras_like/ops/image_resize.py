"""`keras.ops.image.resize`, with the semantics of `jax.image.resize` (Keras's JAX backend).

Each resized axis is one contraction with a `(in, out)` weight matrix built on the host from
the shapes alone, so gradients come from autodiff and symbolic calls need no values. Sample
points use half-pixel centres: output pixel `i` looks at input coordinate
`(i + 0.5) * in / out - 0.5`. With `antialias` and a downsampling axis, the kernel is
stretched by `in / out`, turning interpolation into a low-pass filter.
"""

import numpy as np

from keras_like.backend.dtypes import is_int_dtype
from keras_like.ops import core as _core
from keras_like.ops import numpy as _np
from keras_like.ops.image_common import FLOATS, images_tensor, spatial_axes
from keras_like.ops.image_common import data_format as _data_format

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")
def _triangle(x):
    return np.maximum(0.0, 1.0 - np.abs(x))


def _keys_cubic(x):
    # Keys' cubic convolution with a = -0.5, the kernel JAX calls "cubic".
    x = np.abs(x)
    out = np.where(x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0, (1.5 * x - 2.5) * x * x + 1.0)
    return np.where(x >= 2.0, 0.0, out)


def _lanczos(radius):
    def kernel(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius) / (np.pi**2 * x**2)
        # Below 1e-3 the quotient is 1 to float precision, and 0/0 at the centre.
        return np.where(x > radius, 0.0, np.where(x > 1e-3, y, 1.0))

    return kernel


_KERNELS = {"bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3),
            "lanczos5": _lanczos(5)}


def resize_weights(in_size, out_size, interpolation, antialias):
    """The `(in_size, out_size)` matrix mapping one input axis to one resized axis."""
    inv_scale = in_size / out_size
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    sample = (np.arange(out_size) + 0.5) * inv_scale - 0.5
    weights = _KERNELS[interpolation](
        np.abs(sample[None, :] - np.arange(in_size)[:, None]) / kernel_scale)
    total = weights.sum(axis=0, keepdims=True)
    # Columns whose kernel barely touches the input are zeroed rather than blown up (as JAX).
    weights = np.where(np.abs(total) > 1000.0 * np.finfo(np.float32).eps,
                       weights / np.where(total != 0, total, 1.0), 0.0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return np.where(inside[None, :], weights, 0.0)


def nearest_indices(in_size, out_size):
    # float32 on purpose: JAX computes these offsets in float32, which decides exact ties.
    offsets = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * np.float32(in_size)
    offsets = np.floor(offsets / np.float32(out_size)).astype(np.int64)
    return np.minimum(offsets, in_size - 1)


def _resize_axis(x, axis, out_size, interpolation, antialias):
    in_size = x.shape[axis]
    if in_size == out_size:
        return x
    if interpolation == "nearest":
        return _np.take(x, nearest_indices(in_size, out_size), axis=axis)
    weights = _core.convert_to_tensor(
        resize_weights(in_size, out_size, interpolation, antialias), x.dtype)
    out = _np.tensordot(x, weights, axes=([axis], [0]))
    return _np.moveaxis(out, -1, axis)


def resize(images, size, interpolation="bilinear", antialias=False,
           crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, fill_mode="constant",
           fill_value=0.0, data_format=None):
    """Resizes images to `size = (height, width)`.

    Args:
        images: A single image (rank 3) or a batch of images (rank 4).
        size: The output `(height, width)`.
        interpolation: `"bilinear"`, `"nearest"`, `"bicubic"`, `"lanczos3"` or `"lanczos5"`.
        antialias: Whether to low-pass filter when downsampling (the kernel is widened by
            the downsampling factor). No effect on `"nearest"` or when upsampling.
        crop_to_aspect_ratio: Crop the largest centred window with the target aspect ratio
            before resizing, so nothing is distorted.
        pad_to_aspect_ratio: Instead, pad the short side evenly with `fill_value` first.
        fill_mode: Only `"constant"`.
        fill_value: The padding value of `pad_to_aspect_ratio`.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.

    Returns:
        The resized images, in the input's dtype (integers are rounded and saturated).

    Example:
    >>> keras_like.ops.image.resize(np.ones((2, 4, 4, 3)), (2, 2)).shape
    (2, 2, 2, 3)
    """
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers. Received: size={size}")
    if size[0] <= 0 or size[1] <= 0:
        raise ValueError(f"`size` must have positive height and width. Received: size={size}")
    images = images_tensor(images)
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be "
                         "`True`.")
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{RESIZE_INTERPOLATIONS}. Received: interpolation={interpolation}")
    if fill_mode != "constant":
        raise ValueError("Invalid value for argument `fill_mode`. Only `'constant'` is "
                         f"supported. Received: fill_mode={fill_mode}")
    fmt = _data_format(data_format)
    h_axis, w_axis = spatial_axes(images.ndim, fmt)
    target_h, target_w = int(size[0]), int(size[1])
    if crop_to_aspect_ratio:
        images = _crop_to_aspect(images, h_axis, w_axis, target_h, target_w)
    elif pad_to_aspect_ratio:
        images = _pad_to_aspect(images, h_axis, w_axis, target_h, target_w, fill_value)
    original = images.dtype
    x = images
    if interpolation != "nearest" and original not in FLOATS:
        x = _core.cast(x, "float32")
    x = _resize_axis(x, h_axis, target_h, interpolation, antialias)
    x = _resize_axis(x, w_axis, target_w, interpolation, antialias)
    if x.dtype == original:
        return x
    if is_int_dtype(original):
        x = _np.round(x)
    return _core.saturate_cast(x, original)


def _crop_to_aspect(images, h_axis, w_axis, target_h, target_w):
    height, width = images.shape[h_axis], images.shape[w_axis]
    crop_h = max(min(height, int(float(width * target_h) / target_w)), 1)
    crop_w = max(min(width, int(float(height * target_w) / target_h)), 1)
    start = [0] * images.ndim
    shape = list(images.shape)
    start[h_axis], start[w_axis] = int(float(height - crop_h) / 2), int(float(width - crop_w) / 2)
    shape[h_axis], shape[w_axis] = crop_h, crop_w
    return _core.slice(images, start, shape)


def _pad_to_aspect(images, h_axis, w_axis, target_h, target_w, fill_value):
    height, width = images.shape[h_axis], images.shape[w_axis]
    pad_h = max(height, int(float(width * target_h) / target_w))
    pad_w = max(width, int(float(height * target_w) / target_h))
    # Keras pads one axis only, the same amount on both sides (so an odd excess loses a row).
    top, left = int(float(pad_h - height) / 2), int(float(pad_w - width) / 2)
    widths = [[0, 0] for _ in range(images.ndim)]
    if top > 0:
        widths[h_axis] = [top, top]
    elif left > 0:
        widths[w_axis] = [left, left]
    else:
        return images
    return _np.pad(images, widths, constant_values=fill_value)
