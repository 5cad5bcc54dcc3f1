"""`crop_images` and `pad_images`: two of (start, end, target size) per spatial axis."""

from keras_like.ops import core as _core
from keras_like.ops import numpy as _np
from keras_like.ops._base import E, tensor
from keras_like.ops.control_flow import _is_meta
from keras_like.ops.image_common import data_format as _data_format
from keras_like.ops.image_common import spatial_axes


def _images(images):
    images = tensor(images)
    if images.ndim not in (3, 4):
        raise ValueError("Invalid shape for argument `images`: it must have rank 3 or 4. "
                         f"Received: images.shape={tuple(images.shape)}")
    return images


def _shape_only(images, h_axis, w_axis, height, width):
    """During symbolic shape inference unknown dims are stand-ins, so inferred paddings and
    croppings may be meaningless; the output still has the target size (as in Keras)."""
    shape = list(images.shape)
    shape[h_axis], shape[w_axis] = int(height), int(width)
    return E.full(shape, 0.0, images.dtype, images.device)


def _exactly_two(names, values):
    if list(values).count(None) != 1:
        received = ", ".join(f"{n}={v}" for n, v in zip(names, values))
        raise ValueError(f"Must specify exactly two of {', '.join(names)}. Received: {received}")


def _non_negative(**values):
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"{name} must be >= 0. Received: {name}={value}")


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    """Pads images with zeros; per axis give two of the two paddings and the target size.

    Example:
    >>> keras_like.ops.image.pad_images(np.ones((15, 25, 3)), 2, 3, target_height=20,
    ...                                 target_width=30).shape
    (20, 30, 3)
    """
    images = _images(images)
    _exactly_two(("top_padding", "bottom_padding", "target_height"),
                 (top_padding, bottom_padding, target_height))
    _exactly_two(("left_padding", "right_padding", "target_width"),
                 (left_padding, right_padding, target_width))
    h_axis, w_axis = spatial_axes(images.ndim, _data_format(data_format))
    height, width = images.shape[h_axis], images.shape[w_axis]
    if top_padding is None:
        top_padding = target_height - bottom_padding - height
    if bottom_padding is None:
        bottom_padding = target_height - top_padding - height
    if left_padding is None:
        left_padding = target_width - right_padding - width
    if right_padding is None:
        right_padding = target_width - left_padding - width
    if _is_meta(images) and min(top_padding, bottom_padding, left_padding, right_padding) < 0:
        return _shape_only(images, h_axis, w_axis, top_padding + height + bottom_padding,
                           left_padding + width + right_padding)
    _non_negative(top_padding=top_padding, left_padding=left_padding,
                  right_padding=right_padding, bottom_padding=bottom_padding)
    widths = [[0, 0] for _ in range(images.ndim)]
    widths[h_axis] = [int(top_padding), int(bottom_padding)]
    widths[w_axis] = [int(left_padding), int(right_padding)]
    return _np.pad(images, widths)


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Crops images; per axis give two of the two croppings and the target size.

    Example:
    >>> images = np.reshape(np.arange(1, 28, dtype="float32"), [3, 3, 3])
    >>> keras_like.ops.image.crop_images(images, 0, 0, 2, 2)[:, :, 0].numpy()
    array([[ 1.,  4.],
           [10., 13.]], dtype=float32)
    """
    images = _images(images)
    _exactly_two(("top_cropping", "bottom_cropping", "target_height"),
                 (top_cropping, bottom_cropping, target_height))
    _exactly_two(("left_cropping", "right_cropping", "target_width"),
                 (left_cropping, right_cropping, target_width))
    h_axis, w_axis = spatial_axes(images.ndim, _data_format(data_format))
    height, width = images.shape[h_axis], images.shape[w_axis]
    if top_cropping is None:
        top_cropping = height - target_height - bottom_cropping
    if target_height is None:
        target_height = height - bottom_cropping - top_cropping
    if left_cropping is None:
        left_cropping = width - target_width - right_cropping
    if target_width is None:
        target_width = width - right_cropping - left_cropping
    if _is_meta(images) and (min(top_cropping, left_cropping) < 0 or max(
            top_cropping + target_height - height, left_cropping + target_width - width) > 0):
        return _shape_only(images, h_axis, w_axis, target_height, target_width)
    _non_negative(top_cropping=top_cropping, target_height=target_height,
                  left_cropping=left_cropping, target_width=target_width)
    # A window that runs past the image is an error, not a silently smaller crop.
    if top_cropping + target_height > height or left_cropping + target_width > width:
        raise ValueError(
            f"The crop window (top={top_cropping}, left={left_cropping}, "
            f"height={target_height}, width={target_width}) does not fit in images of height "
            f"{height} and width {width}")
    start = [0] * images.ndim
    shape = list(images.shape)
    start[h_axis], start[w_axis] = int(top_cropping), int(left_cropping)
    shape[h_axis], shape[w_axis] = int(target_height), int(target_width)
    return _core.slice(images, start, shape)
