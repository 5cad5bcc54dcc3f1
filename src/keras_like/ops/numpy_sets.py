"""Set and counting ops: `unique`, `isin`, `histogram`, `argpartition`."""

import numpy as np

from keras_like.backend.dtypes import is_float_dtype, result_type
from keras_like.ops._base import E, tensor

__all__ = ["argpartition", "histogram", "isin", "unique"]


def argpartition(x, kth, axis=-1):
    """Indices that partition `x` along `axis` around its `kth` smallest element (int32).

    Every index before position `kth` points at a value no larger than the kth value and
    every index after it at one no smaller; this implementation returns a stable full
    sort order, which is one such partition.

    Example:
    >>> argpartition([3, 4, 2, 1], 2).numpy()
    array([3, 2, 0, 1], dtype=int32)
    """
    if isinstance(kth, (tuple, list)) or not isinstance(kth, (int, np.integer)):
        raise ValueError(f"Argument `kth` must be an integer. Received: kth={kth}")
    x = tensor(x)
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    n = x.shape[axis] if x.ndim else 1
    if not -n <= int(kth) < n:
        raise ValueError(f"kth(={kth}) out of bounds {n}")
    return E.cast(E.sort(x, int(axis), False)[1], "int32")


def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of `x1` occurs anywhere in `x2`, with `x1`'s shape.

    Example:
    >>> isin([1, 2, 3], [3, 1]).numpy()
    array([ True, False,  True])
    """
    a, b = tensor(x1), tensor(x2)
    dtype = result_type(a.dtype, b.dtype)
    a, b = E.cast(a, dtype), E.cast(b, dtype)
    flat_b = E.reshape(b, [-1])
    if flat_b.shape[0] == 0:
        found = E.full(list(a.shape), 0.0, "bool", a.device)
    else:
        # Binary search in the sorted values: O((n + m) log m) memory-light.
        ordered = E.sort(flat_b, 0, False)[0]
        from keras_like.ops.numpy_shape import searchsorted

        flat_a = E.reshape(a, [-1])
        pos = E.minimum(E.cast(searchsorted(ordered, flat_a), "int64"), ordered.shape[0] - 1)
        found = E.reshape(E.equal(E.take(ordered, pos, 0), flat_a), list(a.shape))
    return E.logical_not(found) if invert else found


def unique(x, sorted=True, return_index=False, return_inverse=False,  # noqa: A002
           return_counts=False, axis=None, size=None, fill_value=None):
    """The sorted unique elements of `x` (or unique slices along `axis`).

    The positions are found on the host (the output size depends on the values); the values
    are then gathered from `x`, so they stay connected to it for gradients.

    Args:
        x: Input tensor.
        sorted: Accepted for compatibility; results are always sorted, as in NumPy.
        return_index: Also return the index of each value's first occurrence.
        return_inverse: Also return, for each input element, the index of its unique value.
        return_counts: Also return how often each unique value occurs.
        axis: The axis to take unique slices along; None flattens `x`.
        size: Pad (with `fill_value`, default 0) or truncate the result to this length.
        fill_value: The padding value when `size` exceeds the number of unique values.

    Returns:
        The unique values, or a tuple with the requested extras.

    Example:
    >>> unique([3, 1, 3, 2]).numpy()
    array([1, 2, 3], dtype=int32)
    """
    x = tensor(x)
    host = np.asarray(x.numpy())
    if axis is None:
        flat = E.reshape(x, [-1])
        # NaNs stay distinct values, as in Keras (NumPy's default merges them).
        _, index, inverse, counts = np.unique(host.reshape(-1), return_index=True,
                                              return_inverse=True, return_counts=True,
                                              equal_nan=False)
        dim = 0
    else:
        dim = int(axis) % x.ndim
        flat = x
        _, index, inverse, counts = np.unique(host, return_index=True, return_inverse=True,
                                              return_counts=True, axis=dim)
    values = E.take(flat, tensor(index.astype(np.int64)), dim)
    inverse = inverse.reshape(host.shape) if axis is None else inverse.reshape(-1)
    if size is not None:
        size = int(size)
        found = values.shape[dim]
        if found > size:
            starts, stops = [0] * values.ndim, list(values.shape)
            stops[dim] = size
            values = E.slice(values, starts, stops, [1] * values.ndim)
            index, counts = index[:size], counts[:size]
        elif found < size:
            before, after = [0] * values.ndim, [0] * values.ndim
            after[dim] = size - found
            fill = 0.0 if fill_value is None else float(fill_value)
            values = E.pad(values, before, after, fill)
            index = np.pad(index, (0, size - found), constant_values=1)
            counts = np.pad(counts, (0, size - found), constant_values=0)
    out = [values]
    if return_index:
        out.append(tensor(index.astype(np.int32)))
    if return_inverse:
        out.append(tensor(inverse.astype(np.int32)))
    if return_counts:
        out.append(tensor(counts.astype(np.int32)))
    return out[0] if len(out) == 1 else tuple(out)


def histogram(x, bins=10, range=None):  # noqa: A002
    """Counts of the values of a 1-D `x` in `bins` equal-width bins over `range`.

    The last bin includes its right edge; values outside `range` are not counted.

    Args:
        x: 1-D input tensor.
        bins: Number of bins (a non-negative int).
        range: `(lower, upper)`; defaults to `(min(x), max(x))`.

    Returns:
        `(counts, bin_edges)`: int32 counts and the `bins + 1` edges.

    Example:
    >>> counts, edges = histogram([0.0, 1.0, 1.5, 4.0], bins=4)
    >>> counts.numpy(), edges.numpy()
    (array([1, 2, 0, 1], dtype=int32), array([0., 1., 2., 3., 4.], dtype=float32))
    """
    if not isinstance(bins, int) or isinstance(bins, bool):
        raise TypeError(f"Argument `bins` must be of type `int`. Received: bins={bins}")
    if bins < 0:
        raise ValueError(
            f"Argument `bins` should be a non-negative integer. Received: bins={bins}"
        )
    if range:
        if len(range) < 2 or not isinstance(range, tuple):
            raise ValueError(
                f"Argument `range` must be a tuple of two elements. Received: range={range}"
            )
        if range[1] < range[0]:
            raise ValueError(
                "The second element of `range` must be greater than the first. "
                f"Received: range={range}"
            )
    x = tensor(x)
    if x.ndim > 1:
        raise ValueError(f"Input tensor must be 1-dimensional. Received: input.shape={x.shape}")
    dtype = x.dtype if is_float_dtype(x.dtype) else result_type(x.dtype, float)
    work = E.cast(x, "float64")
    if range:
        lo, hi = float(range[0]), float(range[1])
    elif x.size:
        lo = float(E.reduce("min", work, None, False).item())
        hi = float(E.reduce("max", work, None, False).item())
    else:
        lo, hi = 0.0, 1.0
    if lo == hi:  # NumPy widens an empty range by 0.5 on each side
        lo, hi = lo - 0.5, hi + 0.5
    edges = E.add(E.multiply(E.arange(0.0, 1.0, bins + 1, "float64"), (hi - lo) / max(bins, 1)),
                  lo)
    if bins == 0:
        return E.full([0], 0.0, "int32"), E.cast(edges, dtype)
    inside = E.logical_and(E.greater_equal(work, lo), E.less_equal(work, hi))
    position = E.floor(E.multiply(E.subtract(work, lo), bins / (hi - lo)))
    index = E.cast(E.minimum(E.maximum(position, 0.0), float(bins - 1)), "int64")
    base = E.full([bins], 0.0, "int32")
    counts = E.scatter(base, index, E.cast(inside, "int32"), 0, "add")
    return counts, E.cast(edges, dtype)
