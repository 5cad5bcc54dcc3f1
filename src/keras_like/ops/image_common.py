"""Argument checks shared by the `keras.ops.image` functions."""

from keras_like.backend import config as _config
from keras_like.ops._base import tensor

FLOATS = ("float16", "bfloat16", "float32", "float64")


def data_format(value):
    """`None` -> the configured image data format; otherwise a checked lower-case value."""
    if value is None:
        return _config.image_data_format()
    value = str(value).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={value}"
        )
    return value


def images_tensor(images, ranks=(3, 4)):
    """`images` as a tensor, refused unless it is a single image or a batch of images."""
    images = tensor(images)
    if images.ndim not in ranks:
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of "
            f"images). Received input with shape: images.shape={tuple(images.shape)}"
        )
    return images


def float_images(images):
    """`images_tensor`, also refused unless floating (the colour-space conversions)."""
    images = images_tensor(images)
    if images.dtype not in FLOATS:
        raise ValueError(
            f"Invalid images dtype: expected float dtype. Received: images.dtype={images.dtype}"
        )
    return images


def spatial_axes(ndim, fmt):
    """(height axis, width axis) of a rank-3 or rank-4 image tensor."""
    return (ndim - 3, ndim - 2) if fmt == "channels_last" else (ndim - 2, ndim - 1)


def channels_axis(ndim, fmt):
    return ndim - 1 if fmt == "channels_last" else ndim - 3
