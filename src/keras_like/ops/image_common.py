"""Argument checks shared by the `keras.ops.image` functions."""

from keras_like.backend.config import standardize_data_format as data_format  # noqa: F401
from keras_like.ops._base import tensor

FLOATS = ("float16", "bfloat16", "float32", "float64")


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
