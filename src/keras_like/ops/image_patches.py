"""`extract_patches` / `extract_patches_3d`: every patch flattened into the channel axis.

Keras computes these as a convolution with an identity kernel; the same result comes from
one strided slice per kernel offset, stacked, so a patch's features are ordered
(kernel row, kernel column[, kernel depth], channel).
"""

import itertools
import math

from keras_like.ops import numpy as _np
from keras_like.ops._base import tensor
from keras_like.ops.image_common import data_format as _data_format


def _tuple(value, n, name):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"Invalid `{name}` argument. Expected an int or a tuple of length {n}. "
                         f"Received: {name}={value}")
    return value


def _patches(images, size, strides, dilation_rate, padding, data_format):
    n = len(size)
    images = tensor(images)
    if images.ndim not in (n + 1, n + 2):
        raise ValueError(f"Invalid images rank for {n}D patches: expected rank {n + 1} or "
                         f"{n + 2}. Received: images.shape={tuple(images.shape)}")
    strides = _tuple(size if strides is None else strides, n, "strides")
    dilation = _tuple(dilation_rate, n, "dilation_rate")
    padding = str(padding).lower()
    if padding not in ("valid", "same"):
        raise ValueError(
            f"Invalid `padding` argument. Expected 'valid' or 'same'. Received: padding={padding}")
    fmt = _data_format(data_format)
    unbatched = images.ndim == n + 1
    x = _np.expand_dims(images, 0) if unbatched else images
    if fmt == "channels_first":
        x = _np.moveaxis(x, 1, -1)
    spatial = x.shape[1:-1]
    reach = [(k - 1) * d + 1 for k, d in zip(size, dilation)]
    if padding == "same":
        out = [math.ceil(i / s) for i, s in zip(spatial, strides)]
        total = [max((o - 1) * s + r - i, 0) for o, s, r, i in zip(out, strides, reach, spatial)]
        x = _np.pad(x, [[0, 0]] + [[t // 2, t - t // 2] for t in total] + [[0, 0]])
    else:
        out = [max((i - r) // s + 1, 0) for i, r, s in zip(spatial, reach, strides)]
    pieces = []
    for offsets in itertools.product(*(range(k) for k in size)):
        key = [slice(None)]
        for o, d, s, m in zip(offsets, dilation, strides, out):
            key.append(slice(o * d, o * d + (m - 1) * s + 1, s) if m else slice(0, 0))
        pieces.append(x[tuple(key + [slice(None)])])
    patches = _np.stack(pieces, axis=-2)
    patches = _np.reshape(patches, [x.shape[0], *out, len(pieces) * x.shape[-1]])
    if fmt == "channels_first":
        patches = _np.moveaxis(patches, -1, 1)
    return _np.squeeze(patches, 0) if unbatched else patches


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):
    """Extracts patches of `size` from images (2D) or volumes (a 3-element `size`).

    Args:
        images: `(H, W, C)` or `(N, H, W, C)` for 2D patches; `(D, H, W, C)` or
            `(N, D, H, W, C)` for 3D patches (channels first with `"channels_first"`).
        size: An int or `(patch_height, patch_width)`, or a 3-tuple for 3D patches.
        strides: Step between patches; defaults to `size` (non-overlapping patches).
        dilation_rate: Step between the pixels of one patch.
        padding: `"valid"` or `"same"` (zero padding, as a convolution's).
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        Patches with their `prod(size) * channels` values on the channel axis.

    Example:
    >>> keras_like.ops.image.extract_patches(np.ones((2, 20, 20, 3)), (5, 5)).shape
    (2, 4, 4, 75)
    """
    if isinstance(size, int):
        size = (size, size)
    elif not isinstance(size, (tuple, list)):
        raise TypeError("Invalid `size` argument. Expected an int or a tuple. "
                        f"Received: size={size} of type {type(size).__name__}")
    elif len(size) not in (2, 3):
        raise ValueError("Invalid `size` argument. Expected a tuple of length 2 or 3. "
                         f"Received: size={size} with length {len(size)}")
    return _patches(images, tuple(int(s) for s in size), strides, dilation_rate, padding,
                    data_format)


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    """3D `extract_patches`: `size` is an int or `(depth, height, width)`.

    Example:
    >>> keras_like.ops.image.extract_patches_3d(np.ones((10, 10, 10, 3)), (3, 3, 3)).shape
    (3, 3, 3, 81)
    """
    size = _tuple(size, 3, "size")
    return _patches(volumes, size, strides, dilation_rate, padding, data_format)
