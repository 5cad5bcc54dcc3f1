"""`perspective_transform`: the homography taking four end points to four start points."""

import numpy as np

from keras_like.ops import core as _core
from keras_like.ops import linalg as _linalg
from keras_like.ops import numpy as _np
from keras_like.ops._base import tensor
from keras_like.ops.image_common import data_format as _data_format
from keras_like.ops.image_common import images_tensor
from keras_like.ops.image_sampling import (
    AFFINE_TRANSFORM_INTERPOLATIONS,
    exact_neighbours,
    interpolate,
    neighbours,
)


def compute_homography_matrix(start_points, end_points):
    """`(batch, 8)` coefficients `h` with `start ~ H(end)` at the four corner pairs.

    `H(x, y) = ((h0 x + h1 y + h2) / k, (h3 x + h4 y + h5) / k)`, `k = h6 x + h7 y + 1`:
    two linear equations per point pair, solved as one 8x8 system per batch entry.
    """
    sx, sy = start_points[..., 0], start_points[..., 1]
    ex, ey = end_points[..., 0], end_points[..., 1]
    zeros, ones = _np.zeros_like(ex), _np.ones_like(ex)
    x_rows = _np.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1)
    y_rows = _np.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1)
    matrix = _np.concatenate([x_rows, y_rows], axis=1)
    target = _np.expand_dims(_np.concatenate([sx, sy], axis=-1), -1)
    return _np.squeeze(_linalg.solve(matrix, target), -1)


def _points(points, name):
    points = tensor(points)
    if tuple(points.shape[-2:]) != (4, 2) or points.ndim not in (2, 3):
        raise ValueError(f"Invalid {name} shape: expected (4,2) for a single image or (N,4,2) "
                         f"for a batch. Received shape: {tuple(points.shape)}")
    return points


def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None):
    """Warps images so that `start_points` (4 corners, `(x, y)`) move to `end_points`.

    Each output pixel reads the input at the homography image of its position; points
    outside the input read `fill_value`.

    Args:
        images: A single image (rank 3) or a batch of images (rank 4).
        start_points: `(4, 2)` or `(batch, 4, 2)` points in the input.
        end_points: Where those points land in the output, the same shape.
        interpolation: `"nearest"` or `"bilinear"`.
        fill_value: The value read outside the input.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
    >>> x = np.random.random((8, 8, 3))
    >>> corners = [[0, 0], [0, 8], [8, 0], [8, 8]]
    >>> keras_like.ops.image.perspective_transform(x, corners, corners).shape
    (8, 8, 3)
    """
    if interpolation not in AFFINE_TRANSFORM_INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{set(AFFINE_TRANSFORM_INTERPOLATIONS)}. Received: "
                         f"interpolation={interpolation}")
    images = images_tensor(images)
    start_points = _points(start_points, "start_points")
    end_points = _points(end_points, "end_points")
    if tuple(start_points.shape) != tuple(end_points.shape):
        raise ValueError("start_points and end_points must have the same shape. Received "
                         f"start_points.shape={tuple(start_points.shape)}, "
                         f"end_points.shape={tuple(end_points.shape)}")
    fmt = _data_format(data_format)
    unbatched = images.ndim == 3
    x = _np.expand_dims(images, 0) if unbatched else images
    if fmt == "channels_first":
        x = _np.transpose(x, (0, 2, 3, 1))
    batch, height, width, channels = x.shape
    compute_dtype = x.dtype if x.dtype in ("float32", "float64") else "float32"
    start = _core.cast(_np.reshape(start_points, [-1, 4, 2]), compute_dtype)
    end = _core.cast(_np.reshape(end_points, [-1, 4, 2]), compute_dtype)
    if start.shape[0] not in (1, batch):
        raise ValueError(f"{start.shape[0]} sets of points for a batch of {batch} images. "
                         f"Received: start_points.shape={tuple(start_points.shape)}")
    h = _np.reshape(compute_homography_matrix(start, end), [-1, 8, 1, 1])
    cols = _core.convert_to_tensor(np.arange(width)[None, :], compute_dtype)
    rows = _core.convert_to_tensor(np.arange(height)[:, None], compute_dtype)
    denom = h[:, 6] * cols + h[:, 7] * rows + 1.0
    x_in = _np.expand_dims((h[:, 0] * cols + h[:, 1] * rows + h[:, 2]) / denom, -1)
    y_in = _np.expand_dims((h[:, 3] * cols + h[:, 4] * rows + h[:, 5]) / denom, -1)
    order = AFFINE_TRANSFORM_INTERPOLATIONS[interpolation]
    axis_nodes = [
        exact_neighbours(_core.convert_to_tensor(np.arange(batch).reshape(-1, 1, 1, 1))),
        neighbours(y_in, order, height, "constant"),
        neighbours(x_in, order, width, "constant"),
        exact_neighbours(_core.convert_to_tensor(np.arange(channels).reshape(1, 1, 1, -1))),
    ]
    out = interpolate(x, axis_nodes, fill_value, compute_dtype)
    if fmt == "channels_first":
        out = _np.transpose(out, (0, 3, 1, 2))
    return _np.squeeze(out, 0) if unbatched else out
