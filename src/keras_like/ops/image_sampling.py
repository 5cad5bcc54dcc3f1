"""`map_coordinates` and `affine_transform`: sampling at computed points, as in JAX.

Sampling follows `jax.scipy.ndimage.map_coordinates` (which Keras's JAX backend calls):
order 0 rounds half away from zero, order 1 blends the two neighbours along each axis, and
out-of-range neighbours are remapped by the fill mode (or, for `"constant"`, replaced by
`fill_value`) one axis at a time. Values come from one gather on the flattened input, so
gradients reach both the input and (through the linear weights) the coordinates.
"""

import itertools

import numpy as np

from keras_like.backend.dtypes import is_int_dtype
from keras_like.ops import core as _core
from keras_like.ops import numpy as _np
from keras_like.ops._base import tensor
from keras_like.ops.image_common import FLOATS, images_tensor
from keras_like.ops.image_common import data_format as _data_format

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
AFFINE_TRANSFORM_INTERPOLATIONS = {"nearest": 0, "bilinear": 1}
def _mirror(index, size):
    # A triangular wave with half-period size - 1: ... 1 0 [0 1 2 3] 2 1 0 1 ...
    if size == 1:
        return _np.zeros_like(index)
    period = size - 1
    return _np.abs(_np.mod(index + period, 2 * period) - period)


def _reflect(index, size):
    # Mirroring the half-integer grid 2i + 1 about the outer pixel edges: ... 0 [0 1 2 3] 3 ...
    return _np.floor_divide(_mirror(2 * index + 1, 2 * size + 1) - 1, 2)


_FIXERS = {
    "constant": lambda index, size: index,
    "nearest": lambda index, size: _np.clip(index, 0, size - 1),
    "wrap": lambda index, size: _np.mod(index, size),
    "mirror": _mirror,
    "reflect": _reflect,
}


def _round_half_away(x):
    return _np.sign(x) * _np.floor(_np.abs(x) + 0.5)


def neighbours(coordinate, order, size, fill_mode):
    """[(index in range, valid or None, weight or None)] for one axis' coordinates."""
    if order == 0:
        raw = [(_core.cast(_round_half_away(coordinate), "int64"), None)]
    else:
        lower = _np.floor(coordinate)
        upper_weight = coordinate - lower
        index = _core.cast(lower, "int64")
        raw = [(index, 1.0 - upper_weight), (index + 1, upper_weight)]
    nodes = []
    for index, weight in raw:
        valid = None
        fixed = _FIXERS[fill_mode](index, size)
        if fill_mode == "constant":
            valid = _np.logical_and(index >= 0, index < size)
            # Clipped only so the gather stays in bounds; `valid` discards these values.
            fixed = _np.clip(index, 0, size - 1)
        nodes.append((fixed, valid, weight))
    return nodes


def exact_neighbours(index):
    return [(index, None, None)]


def interpolate(inputs, axis_nodes, fill_value, compute_dtype):
    """Sums weight * value over every combination of per-axis neighbours."""
    flat = _np.reshape(inputs, [-1])
    strides = np.cumprod([1] + list(inputs.shape[:0:-1]))[::-1]
    # Through float64 so a fill of 0.3 reaches float64 inputs as 0.3, not as float32's 0.3.
    cval = _core.cast(_core.convert_to_tensor(np.asarray(fill_value, np.float64)), inputs.dtype)
    result = None
    for combo in itertools.product(*axis_nodes):
        flat_index = None
        valid = None
        weight = None
        for (index, ok, w), stride in zip(combo, strides):
            term = index * int(stride) if stride != 1 else index
            flat_index = term if flat_index is None else flat_index + term
            if ok is not None:
                valid = ok if valid is None else _np.logical_and(valid, ok)
            if w is not None:
                weight = w if weight is None else weight * w
        value = _np.take(flat, flat_index)
        if valid is not None:
            value = _np.where(valid, value, cval)
        value = _core.cast(value, compute_dtype)
        if weight is not None:
            value = value * weight
        result = value if result is None else result + value
    if is_int_dtype(inputs.dtype):
        result = _round_half_away(result)
    return _core.cast(result, inputs.dtype)


def check_fill_mode(fill_mode):
    if fill_mode not in FILL_MODES:
        raise ValueError("Invalid value for argument `fill_mode`. Expected one of "
                         f"{set(FILL_MODES)}. Received: fill_mode={fill_mode}")


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Samples `inputs` at `coordinates` by nearest (order 0) or linear (order 1) interpolation.

    Args:
        inputs: The array to sample, of any rank `R`.
        coordinates: Shape `(R, ...)`: `coordinates[d]` holds the (fractional) index along
            axis `d` of every output point.
        order: 0 (nearest, halves round away from zero) or 1 (linear).
        fill_mode: How points outside `inputs` are read: `"constant"` (`fill_value`),
            `"nearest"` (edge value), `"wrap"`, `"mirror"` (`c d c b | a b c d | c b a b`) or
            `"reflect"` (`d c b a | a b c d | d c b a`).
        fill_value: The value outside the input for `fill_mode="constant"`.

    Returns:
        A tensor of shape `coordinates.shape[1:]` and the dtype of `inputs`.

    Example:
    >>> keras_like.ops.image.map_coordinates(np.arange(4.0), [[0.5, 2.25]], 1).numpy()
    array([0.5 , 2.25])
    """
    inputs = tensor(inputs)
    coordinates = tensor(coordinates)
    if coordinates.ndim == 0 or coordinates.shape[0] != inputs.ndim:
        lead = coordinates.shape[0] if coordinates.ndim else None
        raise ValueError("First dim of `coordinates` must be the same as the rank of `inputs`. "
                         f"Received inputs with shape: {tuple(inputs.shape)} and coordinate "
                         f"leading dim of {lead}")
    if coordinates.ndim < 2:
        raise ValueError("Invalid coordinates rank: expected at least rank 2. Received input "
                         f"with shape: {tuple(coordinates.shape)}")
    check_fill_mode(fill_mode)
    if order not in (0, 1):
        raise ValueError(
            f"Invalid value for argument `order`. Expected one of [0, 1]. Received: order={order}")
    compute_dtype = inputs.dtype
    if compute_dtype not in FLOATS:
        compute_dtype = coordinates.dtype if coordinates.dtype in FLOATS else "float32"
    coordinates = _core.cast(coordinates, compute_dtype)
    axis_nodes = [neighbours(c, order, size, fill_mode)
                  for c, size in zip(_core.unstack(coordinates, axis=0), inputs.shape)]
    return interpolate(inputs, axis_nodes, fill_value, compute_dtype)


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Applies projective transforms `[a0, a1, a2, b0, b1, b2, c0, c1]` to images.

    The transform maps an output point `(x, y)` to the input point
    `(a0 x + a1 y + a2, b0 x + b1 y + b2)`, i.e. it is the inverse of the image motion.
    `c0` and `c1` are treated as 0, as on every Keras backend but TensorFlow.

    Args:
        images: A single image (rank 3) or a batch of images (rank 4).
        transform: Shape `(8,)`, or `(batch, 8)` with one transform per image.
        interpolation: `"nearest"` or `"bilinear"`.
        fill_mode: `"constant"`, `"nearest"`, `"wrap"`, `"mirror"` or `"reflect"` (see
            `map_coordinates`).
        fill_value: The value outside the input for `fill_mode="constant"`.
        data_format: `"channels_last"` or `"channels_first"`; defaults to
            `keras.config.image_data_format()`.

    Example:
    >>> x = np.random.random((2, 8, 10, 3))
    >>> keras_like.ops.image.affine_transform(x, [1, 0, -2, 0, 1, -1, 0, 0]).shape
    (2, 8, 10, 3)
    """
    if interpolation not in AFFINE_TRANSFORM_INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{set(AFFINE_TRANSFORM_INTERPOLATIONS)}. Received: "
                         f"interpolation={interpolation}")
    check_fill_mode(fill_mode)
    images = images_tensor(images)
    transform = tensor(transform)
    if transform.ndim not in (1, 2):
        raise ValueError("Invalid transform rank: expected rank 1 (single transform) or rank 2 "
                         "(batch of transforms). Received input with shape: "
                         f"transform.shape={tuple(transform.shape)}")
    if transform.shape[-1] != 8:
        raise ValueError("Invalid transform shape: each transform has 8 entries "
                         f"[a0, a1, a2, b0, b1, b2, c0, c1]. Received: "
                         f"transform.shape={tuple(transform.shape)}")
    fmt = _data_format(data_format)
    unbatched = images.ndim == 3
    x = _np.expand_dims(images, 0) if unbatched else images
    if fmt == "channels_first":
        x = _np.transpose(x, (0, 2, 3, 1))
    batch, height, width, channels = x.shape
    if transform.ndim == 2 and transform.shape[0] not in (1, batch):
        raise ValueError(f"`transform` holds {transform.shape[0]} transforms for a batch of "
                         f"{batch} images. Received: transform.shape={tuple(transform.shape)}")
    compute_dtype = x.dtype if x.dtype in FLOATS else "float32"
    t = _core.cast(_np.reshape(transform, [-1, 8, 1, 1]), compute_dtype)
    a0, a1, a2, b0, b1, b2 = (t[:, i] for i in range(6))
    cols = _core.convert_to_tensor(np.arange(width)[None, :], compute_dtype)
    rows = _core.convert_to_tensor(np.arange(height)[:, None], compute_dtype)
    # (batch or 1, height, width, 1): every channel samples the same point.
    y_in = _np.expand_dims(b0 * cols + b1 * rows + b2, -1)
    x_in = _np.expand_dims(a0 * cols + a1 * rows + a2, -1)
    order = AFFINE_TRANSFORM_INTERPOLATIONS[interpolation]
    axis_nodes = [
        exact_neighbours(_core.convert_to_tensor(np.arange(batch).reshape(-1, 1, 1, 1))),
        neighbours(y_in, order, height, fill_mode),
        neighbours(x_in, order, width, fill_mode),
        exact_neighbours(_core.convert_to_tensor(np.arange(channels).reshape(1, 1, 1, -1))),
    ]
    out = interpolate(x, axis_nodes, fill_value, compute_dtype)
    if fmt == "channels_first":
        out = _np.transpose(out, (0, 3, 1, 2))
    return _np.squeeze(out, 0) if unbatched else out
