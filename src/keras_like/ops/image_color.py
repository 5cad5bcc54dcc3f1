"""Colour-space conversions of `keras.ops.image`: grayscale and HSV."""

import numpy as np

from keras_like.backend.dtypes import result_type
from keras_like.ops import core as _core
from keras_like.ops import numpy as _np
from keras_like.ops.image_common import channels_axis, float_images, images_tensor
from keras_like.ops.image_common import data_format as _data_format

_EPS = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23, "float64": 2.0**-52}

# ITU-R BT.601 luma weights, as in tf.image.rgb_to_grayscale (and so in every Keras backend).
_LUMA = (0.2989, 0.5870, 0.1140)


def rgb_to_grayscale(images, data_format=None):
    """Converts RGB images to grayscale: one channel of luma, in the input's dtype.

    Args:
        images: A single image (rank 3) or a batch of images (rank 4).
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.

    Example:
    >>> keras_like.ops.image.rgb_to_grayscale(np.ones((2, 4, 4, 3))).shape
    (2, 4, 4, 1)
    """
    images = images_tensor(images)
    axis = channels_axis(images.ndim, _data_format(data_format))
    original = images.dtype
    images = _core.cast(images, result_type(original, float))
    weights = _core.convert_to_tensor(np.array(_LUMA), images.dtype)
    gray = _np.tensordot(images, weights, axes=([axis], [0]))
    return _core.cast(_np.expand_dims(gray, axis), original)


def rgb_to_hsv(images, data_format=None):
    """Converts float RGB images to HSV, every component in `[0, 1]` for inputs in `[0, 1]`.

    A hue of 0 is pure red, 1/3 pure green and 2/3 pure blue; gray pixels get hue 0.

    Example:
    >>> keras_like.ops.image.rgb_to_hsv(np.ones((4, 4, 3), "float32")).shape
    (4, 4, 3)
    """
    images = float_images(images)
    axis = channels_axis(images.ndim, _data_format(data_format))
    eps = _EPS[images.dtype]
    # Values within eps of zero count as zero, so tiny noise cannot pick a hue (as dm_pix).
    images = _np.where(_np.abs(images) < eps, 0.0, images)
    red, green, blue = (_np.squeeze(p, axis) for p in _np.split(images, 3, axis))
    value = _np.maximum(_np.maximum(red, green), blue)
    range_ = value - _np.minimum(_np.minimum(red, green), blue)
    # The safe_ divisors keep gray and black pixels free of 0/0 in values and gradients.
    safe_value = _np.where(value > 0, value, 1.0)
    safe_range = _np.where(range_ > 0, range_, 1.0)
    saturation = _np.where(value > 0, range_ / safe_value, 0.0)
    norm = 1.0 / (6.0 * safe_range)
    hue = _np.where(value == green, norm * (blue - red) + 2.0 / 6.0,
                    norm * (red - green) + 4.0 / 6.0)
    hue = _np.where(value == red, norm * (green - blue), hue)
    hue = _np.where(range_ > 0, hue, 0.0) + _core.cast(hue < 0.0, hue.dtype)
    return _np.stack([hue, saturation, value], axis=axis)


def hsv_to_rgb(images, data_format=None):
    """Converts float HSV images (components in `[0, 1]`) back to RGB.

    Example:
    >>> keras_like.ops.image.hsv_to_rgb(np.ones((4, 4, 3), "float32")).shape
    (4, 4, 3)
    """
    images = float_images(images)
    axis = channels_axis(images.ndim, _data_format(data_format))
    hue, saturation, value = (_np.squeeze(p, axis) for p in _np.split(images, 3, axis))
    dh = _np.mod(hue, 1.0) * 6.0
    dr = _np.clip(_np.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = _np.clip(2.0 - _np.abs(dh - 2.0), 0.0, 1.0)
    db = _np.clip(2.0 - _np.abs(dh - 4.0), 0.0, 1.0)
    one_minus_s = 1.0 - saturation
    planes = [value * (one_minus_s + saturation * d) for d in (dr, dg, db)]
    return _np.stack(planes, axis=axis)
