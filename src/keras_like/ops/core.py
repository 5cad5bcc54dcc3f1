"""Core ops: conversion, cast, shape, stop_gradient, slicing, unstack and scatter.

The control-flow ops of `keras.ops` core (cond, switch, loops, scan, map) live in
`control_flow.py` and are re-exported here.
"""

import numpy as np

from keras_like.backend import convert as _convert
from keras_like.backend.dtypes import standardize_dtype
from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, tensor
from keras_like.ops.control_flow import (  # noqa: F401 - re-exported
    _INT_DTYPES,
    _as_int,
    _is_meta,
    _normalize_axis,
    _row,
    associative_scan,
    cond,
    fori_loop,
    map,
    scan,
    switch,
    vectorized_map,
    while_loop,
)

__all__ = [
    "associative_scan", "cast", "cond", "convert_to_numpy", "convert_to_tensor", "dtype",
    "fori_loop", "is_tensor", "map", "saturate_cast", "scan", "scatter", "scatter_update",
    "shape", "size", "slice", "slice_update", "stop_gradient", "switch", "unstack",
    "vectorized_map", "while_loop",
]

_BFLOAT16_MAX = 3.3895313892515355e38


# ---------------------------------------------------------------------------------------------
# Conversion, dtype and shape
# ---------------------------------------------------------------------------------------------


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Converts a NumPy array, Python value (possibly nested) or tensor to a tensor.

    Tensors are returned unchanged unless `dtype` asks for a cast. NumPy arrays are wrapped
    without a copy when no dtype change is needed.

    Args:
        x: A NumPy array, Python scalar or (nested) list, tensor or Variable.
        dtype: The target dtype. If `None`, the dtype of `x` is kept (Python floats become
            `floatx()`, Python ints `int32`).
        sparse: Only `None` or `False`: keras_like tensors are dense.
        ragged: Only `None` or `False`: keras_like tensors are not ragged.

    Returns:
        A tensor.

    Example:
    >>> keras_like.ops.convert_to_tensor(np.array([1, 2, 3])).dtype
    'int64'
    """
    if ragged:
        raise ValueError("`ragged=True` is not supported: keras_like tensors are dense")
    return _convert.convert_to_tensor(x, dtype=dtype, sparse=sparse)


def convert_to_numpy(x):
    """Converts a tensor (or Variable, or array-like) to a NumPy array.

    For tensors the array shares the tensor's memory and is read-only.

    Example:
    >>> keras_like.ops.convert_to_numpy(keras_like.ops.convert_to_tensor([1.0, 2.0]))
    array([1., 2.], dtype=float32)
    """
    return _convert.convert_to_numpy(x)


def is_tensor(x):
    """True when `x` is a keras_like tensor (Variables and NumPy arrays are not).

    Example:
    >>> keras_like.ops.is_tensor(keras_like.ops.convert_to_tensor(1.0))
    True
    """
    return _convert.is_tensor(x)


def cast(x, dtype):
    """Casts `x` to `dtype` (a Keras name, NumPy dtype or Python type).

    Example:
    >>> keras_like.ops.cast(keras_like.ops.arange(4), "float16").dtype
    'float16'
    """
    if isinstance(dtype, str) and dtype.startswith("float8"):
        raise ValueError(
            f"keras_like has no float8 dtypes: cannot cast to `{dtype}`. Supported float "
            "dtypes: float16, bfloat16, float32, float64."
        )
    return E.cast(tensor(x), standardize_dtype(dtype))


def dtype(x):
    """The dtype of `x` as a standardized string, e.g. `"float32"`.

    Example:
    >>> keras_like.ops.dtype(keras_like.ops.zeros((8, 12)))
    'float32'
    """
    return standardize_dtype(tensor(x).dtype)


def shape(x):
    """The static shape of `x` as a tuple of ints.

    Example:
    >>> keras_like.ops.shape(keras_like.ops.zeros((8, 12)))
    (8, 12)
    """
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return tuple(tensor(x).shape)


def size(x):
    """The number of elements of `x`.

    Example:
    >>> keras_like.ops.size(keras_like.ops.zeros((8, 12)))
    96
    """
    return tensor(x).size


def stop_gradient(variable):
    """The same values, with no gradient flowing back to `variable`.

    Example:
    >>> y = keras_like.ops.stop_gradient(keras_like.ops.convert_to_tensor([1.0, 2.0]))
    """
    t = tensor(variable)
    return t.detach()


def _dtype_range(name):
    if name == "bool":
        return 0, 1
    if name in _INT_DTYPES:
        info = np.iinfo(name)
        return int(info.min), int(info.max)
    if name == "bfloat16":
        return -_BFLOAT16_MAX, _BFLOAT16_MAX
    info = np.finfo(name)
    return float(info.min), float(info.max)


def _toward_zero(value, name):
    """`value` rounded toward zero to a number exactly representable in dtype `name`."""
    if name == "bool" or name in _INT_DTYPES:
        return int(value)
    native = "float32" if name == "bfloat16" else name
    v = np.asarray(value).astype(native)[()]
    if abs(float(v)) > abs(value):
        v = np.nextafter(v, v.dtype.type(0))
    if name == "bfloat16":
        # Dropping the low 16 mantissa bits of a float32 truncates toward zero.
        bits = np.asarray(v, np.float32).view(np.uint32) & np.uint32(0xFFFF0000)
        v = bits.view(np.float32)[()]
    return float(v)


def saturate_cast(x, dtype):
    """Casts to `dtype`, first clipping values to the range the target can hold.

    A plain cast of an out-of-range value wraps or is undefined; a saturating cast clamps it
    (and maps infinities to the largest finite values), e.g. `-1.0 -> 0` and `256.0 -> 255`
    when casting to `uint8`.

    Args:
        x: A tensor or variable.
        dtype: The target dtype.

    Returns:
        A tensor of dtype `dtype`.

    Example:
    >>> x = keras_like.ops.convert_to_tensor([-1.0, 256.0])
    >>> keras_like.ops.saturate_cast(x, "uint8")  # [0, 255]
    """
    out_dtype = standardize_dtype(dtype)
    x = tensor(x)
    if _is_meta(x):
        return E.cast(x, out_dtype)  # no values to clip
    in_dtype = x.dtype
    in_min, in_max = _dtype_range(in_dtype)
    out_min, out_max = _dtype_range(out_dtype)
    low = _toward_zero(max(in_min, out_min), in_dtype)
    high = _toward_zero(min(in_max, out_max), in_dtype)
    is_float = in_dtype not in _INT_DTYPES and in_dtype != "bool"
    # Floats are clipped even when the range fits, so infinities saturate (as in Keras).
    if is_float or low > in_min:
        x = E.maximum(x, low)
    if is_float or high < in_max:
        x = E.minimum(x, high)
    return E.cast(x, out_dtype)


def _int_list(values, name, op):
    """A list/tuple/array/tensor of integers as a list of Python ints."""
    if type(values) is Tensor or hasattr(values, "_keras_like_value"):
        values = tensor(values)
        if _is_meta(values):
            raise ValueError(f"`{op}`: `{name}` needs concrete values, not a symbolic tensor")
        values = values.numpy()
    if isinstance(values, np.ndarray):
        if values.ndim != 1 or values.dtype.kind not in "iu":
            raise ValueError(
                f"`{op}`: `{name}` must be a 1-D list of integers. Received an array of shape "
                f"{values.shape} and dtype {values.dtype}"
            )
        return [int(v) for v in values]
    if isinstance(values, (int, np.integer)):
        return [int(values)]
    return [_as_int(v, name, op) for v in values]


# ---------------------------------------------------------------------------------------------
# Slicing, stacking and scatter
# ---------------------------------------------------------------------------------------------


def slice(inputs, start_indices, shape):  # noqa: A001 - Keras name
    """Returns the block of `inputs` that starts at `start_indices` and has shape `shape`.

    An explicit form of `inputs[s0:s0 + n0, s1:s1 + n1, ...]` whose start indices may be
    tensors. A size of `-1` takes the rest of that axis; negative starts count from the end.

    Args:
        inputs: A tensor.
        start_indices: A list/tuple (or 1-D tensor) of `inputs.ndim` integers.
        shape: The full shape of the returned slice (one entry per axis).

    Returns:
        A tensor of shape `shape` and the dtype of `inputs`.

    Raises:
        ValueError: if `start_indices` or `shape` does not have one entry per axis.
        IndexError: if the slice does not fit inside `inputs`.

    Example:
    >>> x = keras_like.ops.reshape(keras_like.ops.arange(25), (5, 5))
    >>> keras_like.ops.slice(x, (3, 3), (2, 2))  # [[18, 19], [23, 24]]
    """
    x = tensor(inputs)
    starts = _int_list(start_indices, "start_indices", "slice")
    sizes = _int_list(shape, "shape", "slice")
    if len(starts) != x.ndim or len(sizes) != x.ndim:
        raise ValueError(
            "`slice`: `start_indices` and `shape` must have one entry per axis of `inputs`. "
            f"Received: inputs.shape={x.shape}, start_indices={starts}, shape={sizes}"
        )
    if x.ndim == 0:
        return x
    stops = []
    for axis, (start, n, dim) in enumerate(zip(starts, sizes, x.shape, strict=True)):
        s = start + dim if start < 0 else start
        if n == -1:
            n = dim - s
        if n < 0:
            raise ValueError(
                f"`slice`: sizes in `shape` must be >= 0 or -1. Received: shape={sizes}"
            )
        if s < 0 or s + n > dim:
            raise IndexError(
                f"`slice`: a slice of size {n} starting at {start} is out of bounds for axis "
                f"{axis} of inputs with shape {x.shape}"
            )
        starts[axis] = s
        stops.append(s + n)
    return E.slice(x, starts, stops, [1] * x.ndim)


def slice_update(inputs, start_indices, updates):
    """Returns `inputs` with the block at `start_indices` replaced by `updates`.

    The functional form of `inputs[s0:s0 + u0, s1:s1 + u1, ...] = updates`; `inputs` is not
    modified. Gradients flow to both `inputs` (outside the block) and `updates`.

    Args:
        inputs: A tensor.
        start_indices: A list/tuple (or 1-D tensor) of `inputs.ndim` integers.
        updates: A tensor of the same rank as `inputs`; it is cast to the dtype of `inputs`.

    Returns:
        A tensor with the shape and dtype of `inputs`.

    Raises:
        ValueError: if the ranks of `inputs`, `start_indices` and `updates` differ.
        IndexError: if the block does not fit inside `inputs`.

    Example:
    >>> x = keras_like.ops.zeros((5, 5))
    >>> y = keras_like.ops.slice_update(x, (3, 3), keras_like.ops.ones((2, 2)))
    """
    x = tensor(inputs)
    u = tensor(updates)
    if u.dtype != x.dtype:
        u = E.cast(u, x.dtype)
    starts = _int_list(start_indices, "start_indices", "slice_update")
    if u.ndim != x.ndim or len(starts) != x.ndim:
        raise ValueError(
            "`slice_update`: `updates` must have the rank of `inputs` and `start_indices` one "
            f"entry per axis. Received: inputs.shape={x.shape}, start_indices={starts}, "
            f"updates.shape={u.shape}"
        )
    if x.ndim == 0:
        return u
    after = []
    for axis, (start, n, dim) in enumerate(zip(starts, u.shape, x.shape, strict=True)):
        s = start + dim if start < 0 else start
        if s < 0 or s + n > dim:
            raise IndexError(
                f"`slice_update`: updates of shape {u.shape} starting at {start} do not fit "
                f"axis {axis} of inputs with shape {x.shape}"
            )
        starts[axis] = s
        after.append(dim - s - n)
    # pad + where rather than an in-place write keeps the op differentiable in both operands.
    padded = E.pad(u, starts, after, 0.0)
    mask = E.pad(E.full(list(u.shape), 1, "bool", x.device), starts, after, 0.0)
    return E.where(mask, padded, x)


def unstack(x, num=None, axis=0):
    """Splits `x` along `axis` into a list of tensors of rank `x.ndim - 1`.

    Args:
        x: The input tensor.
        num: The length of `axis`; inferred when `None`, checked otherwise.
        axis: The axis to unpack along.

    Returns:
        A list of `x.shape[axis]` tensors.

    Example:
    >>> x = keras_like.ops.convert_to_tensor([[1, 2], [3, 4]])
    >>> keras_like.ops.unstack(x, axis=0)  # [[1, 2], [3, 4]]
    """
    x = tensor(x)
    if x.ndim == 0:
        raise ValueError("`unstack`: cannot unstack a scalar tensor (shape ())")
    axis = _normalize_axis(axis, x.ndim, "unstack")
    n = x.shape[axis]
    if num is not None and _as_int(num, "num", "unstack") != n:
        raise ValueError(
            f"`unstack`: `num` must equal the size of axis {axis}. Received: num={num} for a "
            f"tensor of shape {x.shape}"
        )
    return [_row(x, i, axis) for i in range(n)]


def _index_array(indices, op):
    """Indices as a NumPy int array, or `None` with its shape when they are symbolic."""
    if type(indices) is Tensor and _is_meta(indices):
        if indices.dtype not in _INT_DTYPES:
            raise TypeError(f"`{op}`: `indices` must be integers. Received dtype {indices.dtype}")
        return None, tuple(indices.shape)
    arr = np.asarray(_convert.convert_to_numpy(indices))
    if arr.size == 0 and arr.dtype.kind == "f":
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"`{op}`: `indices` must be integers. Received dtype {arr.dtype}")
    if arr.ndim == 0:
        raise ValueError(
            f"`{op}`: `indices` must have shape (..., k) with k <= the output rank. Received a "
            "scalar"
        )
    return arr, arr.shape


def _broadcast_to(t, target, op, name):
    if tuple(t.shape) == tuple(target):
        return t
    try:
        return E.broadcast_to(t, list(target))
    except ValueError:
        raise ValueError(
            f"`{op}`: `{name}` must have shape indices.shape[:-1] + shape[k:] = {tuple(target)} "
            f"(or broadcast to it). Received: {name}.shape={t.shape}"
        ) from None


def _scatter_nd(base, idx, idx_shape, updates, mode, op):
    """Writes `updates` at N-D `idx` (shape (..., k)) of `base` with the engine's 1-D scatter."""
    dims = list(base.shape)
    k = idx_shape[-1]
    lead = int(np.prod(idx_shape[:-1], dtype=np.int64))
    if lead == 0:
        return base
    rows = int(np.prod(dims[:k], dtype=np.int64))
    if idx is None:  # symbolic: only shapes matter
        linear = E.full([lead], 0, "int64", base.device)
    else:
        flat = idx.reshape(lead, k).astype(np.int64)
        bounds = np.asarray(dims[:k], dtype=np.int64)
        bad = np.any((flat < -bounds) | (flat >= bounds), axis=1)
        if bad.any():
            first = tuple(int(v) for v in flat[int(np.argmax(bad))])
            raise IndexError(
                f"`{op}`: index {first} is out of bounds for a tensor of shape {tuple(dims)}"
            )
        flat = flat % bounds  # negative indices count from the end, like NumPy and JAX
        strides = np.ones(k, dtype=np.int64)
        for j in range(k - 2, -1, -1):
            strides[j] = strides[j + 1] * dims[j + 1]
        if mode == "mul":
            return E.reshape(_scatter_multiply(E.reshape(base, [rows] + dims[k:]), flat @ strides,
                                               E.reshape(updates, [lead] + dims[k:])), dims)
        linear = E.from_numpy(np.ascontiguousarray(flat @ strides))
    if mode == "mul":
        mode = "update"
    out = E.scatter(E.reshape(base, [rows] + dims[k:]), linear,
                    E.reshape(updates, [lead] + dims[k:]), 0, mode)
    return E.reshape(out, dims)


def _scatter_multiply(base, linear, updates):
    """Multiplies rows `linear` (host ints, repeats allowed) of `base` by `updates`' rows.

    The updates aimed at each row are gathered into a block padded with ones and multiplied
    together, so the result is differentiable in both `base` and `updates`.
    """
    targets, inverse = np.unique(linear, return_inverse=True)
    inverse = inverse.reshape(-1)
    counts = np.bincount(inverse, minlength=targets.size)
    width = int(counts.max())
    n = updates.shape[0]
    gather = np.full((targets.size, width), n, dtype=np.int64)  # n: the row of ones
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)])
    for j in range(targets.size):
        members = order[starts[j]:starts[j + 1]]
        gather[j, :members.size] = members
    ones = E.full([1] + list(updates.shape[1:]), 1.0, updates.dtype, updates.device)
    block = E.take(E.concatenate([updates, ones], 0), E.from_numpy(gather), 0)
    factor = E.reduce("prod", block, [1], False)
    rows = E.from_numpy(np.ascontiguousarray(targets.astype(np.int64)))
    current = E.take(base, rows, 0)
    return E.scatter(base, rows, E.multiply(current, factor), 0, "update")


def _check_index_depth(idx_shape, rank, op, target_name, target_shape):
    if idx_shape[-1] > rank:
        raise ValueError(
            f"`{op}`: the last axis of `indices` (size {idx_shape[-1]}) cannot exceed the rank "
            f"of {target_name} {tuple(target_shape)}. Received: indices.shape={idx_shape}"
        )


def scatter(indices, values, shape):
    """Returns a zero tensor of shape `shape` with `values` added at `indices`.

    `indices` has shape `(..., k)`: each row addresses the first `k` axes of the output, and
    `values` has shape `indices.shape[:-1] + shape[k:]`. Duplicate indices add up.

    Args:
        indices: A tensor or nested list of integers of shape `(..., k)`.
        values: The values to place at `indices`.
        shape: Shape of the output tensor.

    Returns:
        A tensor of shape `shape` and the dtype of `values`.

    Raises:
        IndexError: if an index is outside `shape`.

    Example:
    >>> keras_like.ops.scatter([[0, 1], [1, 1]], np.array([1.0, 1.0]), (2, 2))
    ... # [[0., 1.], [0., 1.]]
    """
    out_shape = _int_list(shape, "shape", "scatter")
    idx, idx_shape = _index_array(indices, "scatter")
    _check_index_depth(idx_shape, len(out_shape), "scatter", "`shape`", out_shape)
    v = tensor(values)
    v = _broadcast_to(v, idx_shape[:-1] + tuple(out_shape[idx_shape[-1]:]), "scatter", "values")
    base = E.full(out_shape, 0, v.dtype, v.device)
    return _scatter_nd(base, idx, idx_shape, v, "add", "scatter")


_SCATTER_REDUCTIONS = {None: "update", "add": "add", "max": "max", "min": "min", "mul": "mul"}


def scatter_update(inputs, indices, updates, reduction=None):
    """Returns `inputs` with the entries at `indices` replaced by `updates`.

    The functional form of `inputs[indices] = updates`. `indices` has shape `(N, k)` (or more
    generally `(..., k)`); each row addresses the first `k` axes of `inputs`, and `updates`
    has shape `indices.shape[:-1] + inputs.shape[k:]`. With duplicate indices, which update
    wins is unspecified.

    Args:
        inputs: The tensor to update.
        indices: A tensor or nested list of integers of shape `(..., k)`.
        updates: The new values; cast to the dtype of `inputs`.
        reduction: How updates combine with the current value (and with each other at
            repeated indices): None replaces, `"add"`, `"max"`, `"min"` or `"mul"`.

    Returns:
        A tensor with the shape and dtype of `inputs`.

    Raises:
        IndexError: if an index is outside `inputs`.

    Example:
    >>> x = keras_like.ops.zeros((4, 4, 4))
    >>> y = keras_like.ops.scatter_update(x, [[1, 2, 3], [0, 1, 3]], np.array([1.0, 1.0]))
    """
    if reduction is not None:
        reduction = str(reduction).lower()
        if reduction not in _SCATTER_REDUCTIONS:
            raise ValueError(
                f"Invalid reduction: {reduction}. Supported values are: None, 'add', 'max', "
                "'min', 'mul'."
            )
    x = tensor(inputs)
    idx, idx_shape = _index_array(indices, "scatter_update")
    _check_index_depth(idx_shape, x.ndim, "scatter_update", "`inputs`", x.shape)
    u = tensor(updates)
    if u.dtype != x.dtype:
        u = E.cast(u, x.dtype)
    u = _broadcast_to(u, idx_shape[:-1] + tuple(x.shape[idx_shape[-1]:]), "scatter_update",
                      "updates")
    return _scatter_nd(x, idx, idx_shape, u, _SCATTER_REDUCTIONS[reduction], "scatter_update")
