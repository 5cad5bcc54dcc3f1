"""Shape manipulation, joining and splitting, padding, gathering and searching (`keras.ops`)."""

import operator

import numpy as np

from keras_like.backend.engine import Tensor
from keras_like.ops._base import AxisError, E, operand, tensor
from keras_like.ops.indexing import getitem

__all__ = [
    "reshape", "transpose", "expand_dims", "squeeze", "broadcast_to", "ravel", "ndim",
    "moveaxis", "swapaxes", "atleast_1d", "atleast_2d", "atleast_3d",
    "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack", "append", "insert",
    "delete", "split", "array_split", "tile", "repeat", "pad", "flip", "fliplr", "flipud",
    "roll", "rot90", "take", "take_along_axis", "get_item", "nonzero", "argwhere", "meshgrid",
    "searchsorted", "digitize", "bincount", "select",
]


def _axis(axis, ndim, op):
    try:
        a = operator.index(axis)
    except TypeError:
        raise TypeError(f"`{op}`: `axis` must be an integer. Received: axis={axis!r}") from None
    if not -ndim <= a < ndim:
        raise AxisError(
            f"`{op}`: axis {a} is out of bounds for a tensor of rank {ndim}. Received: axis={axis}"
        )
    return a % ndim


def _axis_list(axis, ndim, op):
    items = axis if isinstance(axis, (list, tuple)) else [axis]
    out = [_axis(a, ndim, op) for a in items]
    if len(set(out)) != len(out):
        raise ValueError(f"`{op}`: repeated axis. Received: axis={axis}")
    return out


def _ints(value):
    """A host list of Python ints from an int, a sequence, a NumPy array or a tensor."""
    if type(value) is Tensor or hasattr(value, "_keras_like_value"):
        value = tensor(value).numpy()
    return [int(v) for v in np.asarray(value).reshape(-1)]


def _index_tensor(indices, op):
    t = tensor(indices)
    if not t.dtype.startswith(("int", "uint")):
        raise TypeError(
            f"`{op}`: `indices` must be integers. Received: indices with dtype {t.dtype}"
        )
    return t


def _on_device_of(t, like):
    """`t`, built from host data, on `like`'s device (a meta tensor only needs the shape)."""
    if t.device == like.device:
        return t
    if like.device.startswith("meta"):
        return E.full(list(t.shape), 0.0, t.dtype, like.device)
    return t  # the engine names the mismatch; it has no host-to-device copy yet


def _host_indices(values, like):
    return _on_device_of(E.from_numpy(np.ascontiguousarray(values, dtype=np.int64)), like)


def _slice_axis(x, axis, start, stop, step=1):
    starts, stops, steps = [0] * x.ndim, list(x.shape), [1] * x.ndim
    starts[axis], stops[axis], steps[axis] = slice(start, stop, step).indices(x.shape[axis])
    return E.slice(x, starts, stops, steps)


# ---- shape --------------------------------------------------------------------------------------


def reshape(x, newshape):
    """Gives `x` a new shape with the same number of elements; one entry may be -1.

    >>> reshape(arange(6), (2, -1)).shape
    (2, 3)
    """
    x = tensor(x)
    shape = [newshape] if isinstance(newshape, int) else _ints(newshape)
    known = 1
    for d in shape:
        known *= d if d != -1 else 1
    unknown = shape.count(-1)
    if unknown > 1 or any(d < -1 for d in shape) or (
        x.size != known if unknown == 0 else (known == 0 or x.size % known)
    ):
        raise ValueError(
            "`reshape`: the total size of the tensor must be unchanged. Received: "
            f"x.shape={tuple(x.shape)}, newshape={tuple(shape)}"
        )
    return E.reshape(x, shape)


def transpose(x, axes=None):
    """Permutes the axes; with `axes=None` reverses them.

    >>> transpose(zeros((2, 3, 4)), (1, 0, 2)).shape
    (3, 2, 4)
    """
    x = tensor(x)
    if axes is None:
        return E.transpose(x, list(range(x.ndim))[::-1])
    perm = _axis_list(list(axes), x.ndim, "transpose")
    if len(perm) != x.ndim:
        raise ValueError(
            f"`transpose`: `axes` must list each of the {x.ndim} axes once. Received: "
            f"axes={axes} for x.shape={tuple(x.shape)}"
        )
    return E.transpose(x, perm)


def expand_dims(x, axis):
    """Inserts size-1 axes at the positions `axis` (int or tuple) of the result.

    >>> expand_dims(zeros((2, 3)), (0, -1)).shape
    (1, 2, 3, 1)
    """
    x = tensor(x)
    items = axis if isinstance(axis, (list, tuple)) else [axis]
    out_ndim = x.ndim + len(items)
    positions = set(_axis_list(items, out_ndim, "expand_dims"))
    dims = iter(x.shape)
    return E.reshape(x, [1 if i in positions else next(dims) for i in range(out_ndim)])


def squeeze(x, axis=None):
    """Removes size-1 axes (all of them when `axis` is None).

    >>> squeeze(zeros((1, 3, 1)), axis=0).shape
    (3, 1)
    """
    x = tensor(x)
    if axis is None:
        drop = {i for i, d in enumerate(x.shape) if d == 1}
    else:
        drop = set(_axis_list(axis, x.ndim, "squeeze"))
        for a in sorted(drop):
            if x.shape[a] != 1:
                raise ValueError(
                    f"`squeeze`: cannot squeeze axis {a}, because the dimension is not 1. "
                    f"Received: x.shape={tuple(x.shape)}, axis={axis}"
                )
    return E.reshape(x, [d for i, d in enumerate(x.shape) if i not in drop])


def broadcast_to(x, shape):
    """Broadcasts `x` to `shape` (NumPy rules); the result is a read-only view.

    >>> broadcast_to([1, 2], (3, 2)).shape
    (3, 2)
    """
    return E.broadcast_to(tensor(x), _ints(shape))


def ravel(x):
    """Flattens to 1-D.

    >>> ravel(zeros((2, 3))).shape
    (6,)
    """
    return E.reshape(tensor(x), [-1])


def ndim(x):
    """The number of axes of `x`.

    >>> ndim(zeros((2, 3)))
    2
    """
    return x.ndim if type(x) is Tensor else tensor(x).ndim


def moveaxis(x, source, destination):
    """Moves the axes `source` to the positions `destination`, keeping the others in order.

    >>> moveaxis(zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = tensor(x)
    src = _axis_list(source, x.ndim, "moveaxis")
    dst = _axis_list(destination, x.ndim, "moveaxis")
    if len(src) != len(dst):
        raise ValueError(
            "`moveaxis`: `source` and `destination` must have the same number of elements. "
            f"Received: source={source}, destination={destination}"
        )
    rest = [a for a in range(x.ndim) if a not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        rest.insert(d, s)
    return E.transpose(x, rest)


def swapaxes(x, axis1, axis2):
    """Swaps two axes.

    >>> swapaxes(zeros((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    x = tensor(x)
    a, b = _axis(axis1, x.ndim, "swapaxes"), _axis(axis2, x.ndim, "swapaxes")
    perm = list(range(x.ndim))
    perm[a], perm[b] = perm[b], perm[a]
    return E.transpose(x, perm)


def _atleast(arrays, n):
    out = []
    for t in map(tensor, arrays):
        shape = list(t.shape)
        if t.ndim < n:
            # NumPy's atleast_3d keeps a vector's axis in the middle: (N,) -> (1, N, 1).
            tail = [1] if n == 3 and t.ndim else []
            t = E.reshape(t, [1] * (n - t.ndim - len(tail)) + shape + tail)
        out.append(t)
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys):
    """Views the inputs with at least one axis.

    >>> atleast_1d(3.0).shape
    (1,)
    """
    return _atleast(arys, 1)


def atleast_2d(*arys):
    """Views the inputs with at least two axes (new axes in front).

    >>> atleast_2d([1, 2]).shape
    (1, 2)
    """
    return _atleast(arys, 2)


def atleast_3d(*arys):
    """Views the inputs with at least three axes ((N,) -> (1, N, 1); (M, N) -> (M, N, 1)).

    >>> atleast_3d([1, 2]).shape
    (1, 2, 1)
    """
    return _atleast(arys, 3)


# ---- joining and splitting ----------------------------------------------------------------------


def concatenate(xs, axis=0):
    """Joins tensors along an existing axis; `axis=None` flattens them first.

    >>> concatenate([zeros((2, 3)), ones((1, 3))]).shape
    (3, 3)
    """
    ts = [tensor(x) for x in xs]
    if not ts:
        raise ValueError("`concatenate` needs at least one tensor. Received: xs=[]")
    if axis is None:
        return E.concatenate([E.reshape(t, [-1]) for t in ts], 0)
    return E.concatenate(ts, _axis(axis, max(ts[0].ndim, 1), "concatenate"))


def stack(x, axis=0):
    """Joins same-shaped tensors along a new axis.

    >>> stack([zeros((2, 3)), ones((2, 3))], axis=1).shape
    (2, 2, 3)
    """
    ts = [tensor(t) for t in x]
    if not ts:
        raise ValueError("`stack` needs at least one tensor. Received: x=[]")
    shape = tuple(ts[0].shape)
    if any(tuple(t.shape) != shape for t in ts):
        raise ValueError(
            "`stack`: all input tensors must have the same shape. Received shapes: "
            f"{[tuple(t.shape) for t in ts]}"
        )
    ax = _axis(axis, len(shape) + 1, "stack")
    new = list(shape)
    new.insert(ax, 1)
    return E.concatenate([E.reshape(t, new) for t in ts], ax)


def hstack(xs):
    """Concatenates along axis 1 (axis 0 for 1-D inputs).

    >>> hstack([[1, 2], [3]]).shape
    (3,)
    """
    ts = [atleast_1d(x) for x in xs]
    return concatenate(ts, 0 if ts and ts[0].ndim == 1 else 1)


def vstack(xs):
    """Concatenates along axis 0 after promoting 1-D inputs to rows.

    >>> vstack([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    return concatenate([atleast_2d(x) for x in xs], 0)


def dstack(xs):
    """Concatenates along axis 2 after promoting inputs to 3-D.

    >>> dstack([[1, 2], [3, 4]]).shape
    (1, 2, 2)
    """
    return concatenate([atleast_3d(x) for x in xs], 2)


def column_stack(xs):
    """Stacks 1-D inputs as columns (2-D inputs are joined as they are).

    >>> column_stack([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    ts = [tensor(x) for x in xs]
    return concatenate([E.reshape(t, [-1, 1]) if t.ndim == 1 else atleast_2d(t) for t in ts], 1)


def append(x1, x2, axis=None):
    """Appends `x2` to `x1` along `axis` (flattening both when `axis` is None).

    >>> append([1, 2], [[3]]).shape
    (3,)
    """
    return concatenate([x1, x2], axis=axis)


def insert(x, obj, values, axis=None):
    """Inserts `values` before the index (or indices) `obj` along `axis`, like `np.insert`.

    >>> insert([1, 2, 3], 1, 9).numpy()
    array([1, 9, 2, 3], dtype=int32)
    """
    x = tensor(x)
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    ax = _axis(axis, x.ndim, "insert")
    v = _on_device_of(tensor(values), x)
    v = E.reshape(v, [1] * (x.ndim - v.ndim) + list(v.shape)) if v.ndim < x.ndim else v
    n = x.shape[ax]
    scalar_obj = np.ndim(obj) == 0 and not isinstance(obj, (list, tuple))
    if scalar_obj:
        # NumPy moves the leading axis of the values to `axis` for a scalar index.
        perm = list(range(1, v.ndim))
        perm.insert(ax, 0)
        v = E.transpose(v, perm)
        count = v.shape[ax]
        where_ = _ints(obj)[0]
    else:
        where_ = _ints(obj)
        count = len(where_)
    target = list(x.shape)
    target[ax] = count
    v = E.broadcast_to(E.cast(v, E.promote_types(x.dtype, v.dtype)), target)
    order = np.insert(np.arange(n), where_, np.arange(n, n + count))
    joined = E.concatenate([x, v], ax)
    return E.take(joined, _host_indices(order, x), ax)


def delete(x, obj, axis=None):
    """Removes the entries at index (or indices) `obj` along `axis`, like `np.delete`.

    >>> delete([1, 2, 3], 1).numpy()
    array([1, 3], dtype=int32)
    """
    x = tensor(x)
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    ax = _axis(axis, x.ndim, "delete")
    n = x.shape[ax]
    drop = np.asarray(_ints(obj), dtype=np.int64)
    if np.any((drop < -n) | (drop >= n)):
        raise IndexError(
            f"`delete`: index out of bounds for axis {ax} with size {n}. Received: obj={obj}"
        )
    keep = np.delete(np.arange(n), drop)
    return E.take(x, _host_indices(keep, x), ax)


_MAX_EMPTY_SECTIONS = 1 << 16


def _split_points(n, indices_or_sections, equal, op):
    if np.ndim(indices_or_sections) == 0 and not isinstance(indices_or_sections, (list, tuple)):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(
                f"`{op}`: the number of sections must be positive. Received: "
                f"indices_or_sections={sections}"
            )
        if sections > max(n, _MAX_EMPTY_SECTIONS):
            # Each section is a tensor object: an empty axis "divides" into any number of them,
            # and building 2**40 would only hang.
            raise ValueError(
                f"`{op}`: {sections} sections of an axis of size {n} would make more tensors "
                f"than {max(n, _MAX_EMPTY_SECTIONS)}. Received: indices_or_sections={sections}"
            )
        if equal and n % sections:
            raise ValueError(
                f"`{op}`: the split does not result in an equal division: axis of size {n} "
                f"into {sections} sections. Use `array_split` for unequal parts."
            )
        size, extra = divmod(n, sections)
        return [i * size + min(i, extra) for i in range(sections + 1)]
    return [0] + _ints(indices_or_sections) + [n]


def _split(x, indices_or_sections, axis, equal, op):
    x = tensor(x)
    ax = _axis(axis, x.ndim, op)
    n = x.shape[ax]
    b = _split_points(n, indices_or_sections, equal, op)
    parts = []
    for start, stop in zip(b[:-1], b[1:], strict=True):
        # Out-of-range or decreasing points give empty pieces, as in NumPy.
        start, stop, _ = slice(start, stop).indices(n)
        parts.append(_slice_axis(x, ax, start, max(start, stop)))
    return parts


def split(x, indices_or_sections, axis=0):
    """Splits into equal sections (an int) or at the given indices (a list).

    >>> [p.shape for p in split(zeros((6, 2)), [1, 4])]
    [(1, 2), (3, 2), (2, 2)]
    """
    return _split(x, indices_or_sections, axis, True, "split")


def array_split(x, indices_or_sections, axis=0):
    """Like `split`, but an int need not divide the axis: the first parts are one longer.

    >>> [p.shape[0] for p in array_split(zeros(7), 3)]
    [3, 2, 2]
    """
    return _split(x, indices_or_sections, axis, False, "array_split")


# ---- repetition, padding, flips -----------------------------------------------------------------


def tile(x, repeats):
    """Repeats the whole tensor `repeats` times along each axis.

    >>> tile([1, 2], (2, 2)).shape
    (2, 4)
    """
    x = tensor(x)
    reps = _ints(repeats)
    if any(r < 0 for r in reps):
        raise ValueError(f"`tile`: `repeats` must be non-negative. Received: repeats={repeats}")
    n = max(len(reps), x.ndim)
    reps = [1] * (n - len(reps)) + reps
    dims = [1] * (n - x.ndim) + list(x.shape)
    # Interleave a repeat axis before every axis: (r0, d0, r1, d1, ...) flattens to the tiling.
    pairs = list(zip(reps, dims, strict=True))
    expanded = E.reshape(x, [v for d in dims for v in (1, d)])
    tiled = E.broadcast_to(expanded, [v for pair in pairs for v in pair])
    return E.reshape(tiled, [r * d for r, d in pairs])


def repeat(x, repeats, axis=None):
    """Repeats each element `repeats` times (a scalar, or one count per element).

    >>> repeat([1, 2], [1, 3]).numpy()
    array([1, 2, 2, 2], dtype=int32)
    """
    x = tensor(x)
    if axis is None:
        x, ax = E.reshape(x, [-1]), 0
    else:
        ax = _axis(axis, x.ndim, "repeat")
    counts = _ints(repeats)
    n = x.shape[ax]
    if any(c < 0 for c in counts):
        raise ValueError(f"`repeat`: `repeats` must be non-negative. Received: repeats={repeats}")
    if len(counts) == 1:
        r = counts[0]
        shape = list(x.shape)
        expanded = E.reshape(x, shape[: ax + 1] + [1] + shape[ax + 1:])
        target = shape[: ax + 1] + [r] + shape[ax + 1:]
        shape[ax] = n * r
        return E.reshape(E.broadcast_to(expanded, target), shape)
    if len(counts) != n:
        raise ValueError(
            f"`repeat`: `repeats` must be a scalar or have one entry per element along the "
            f"axis ({n}). Received: {len(counts)} repeats for x.shape={tuple(x.shape)}"
        )
    return E.take(x, _host_indices(np.repeat(np.arange(n), counts), x), ax)


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "maximum", "minimum", "mean")


def pad(x, pad_width, mode="constant", constant_values=None):
    """Pads `x`; `pad_width` takes NumPy's forms (int, (before, after), or one pair per axis).

    Modes: "constant" (with `constant_values`), "edge", "reflect", "symmetric", "wrap",
    "maximum", "minimum" and "mean".

    >>> pad([1, 2, 3], (1, 2), mode="reflect").numpy()
    array([2, 1, 2, 3, 2, 1], dtype=int32)
    """
    x = tensor(x)
    if mode not in _PAD_MODES:
        raise ValueError(f"`pad`: `mode` must be one of {_PAD_MODES}. Received: mode={mode!r}")
    if constant_values is not None and mode != "constant":
        raise ValueError(
            "Argument `constant_values` can only be provided when `mode == 'constant'`. "
            f"Received: mode={mode}, constant_values={constant_values}"
        )
    host = tensor(pad_width).numpy() if type(pad_width) is Tensor else pad_width
    try:
        widths = np.broadcast_to(np.asarray(host, dtype=np.int64), (x.ndim, 2))
    except (ValueError, TypeError):
        raise ValueError(
            f"`pad`: `pad_width` must broadcast to ({x.ndim}, 2). Received: pad_width={pad_width}"
        ) from None
    if np.any(widths < 0):
        raise ValueError(f"`pad`: `pad_width` must be non-negative. Received: {pad_width}")
    if mode == "constant":
        return _pad_constant(x, widths, 0 if constant_values is None else constant_values)
    for ax in range(x.ndim):
        before, after = int(widths[ax, 0]), int(widths[ax, 1])
        if before == 0 and after == 0:
            continue
        if x.shape[ax] == 0:
            raise ValueError(f"`pad`: cannot pad an empty axis {ax} with mode={mode!r}")
        if mode in ("maximum", "minimum", "mean"):
            x = _pad_stat(x, ax, before, after, mode)
        else:
            # The padded positions of np.pad(arange(n)) name the source element to copy.
            index = np.pad(np.arange(x.shape[ax]), (before, after), mode=mode)
            x = E.take(x, _host_indices(index, x), ax)
    return x


def _pad_constant(x, widths, constant_values):
    values = np.asarray(
        tensor(constant_values).numpy() if type(constant_values) is Tensor else constant_values,
        dtype=np.float64,
    )
    before, after = [int(w) for w in widths[:, 0]], [int(w) for w in widths[:, 1]]
    if values.size == 1:
        return E.pad(x, before, after, float(values.reshape(())))
    pairs = np.broadcast_to(values, (x.ndim, 2))
    for ax in range(x.ndim):
        for side in (0, 1):
            b, a = [0] * x.ndim, [0] * x.ndim
            (b if side == 0 else a)[ax] = int(widths[ax, side])
            x = E.pad(x, b, a, float(pairs[ax, side]))
    return x


def _pad_stat(x, ax, before, after, mode):
    kind = {"maximum": "max", "minimum": "min", "mean": "sum"}[mode]
    stat = E.reduce(kind, x, [ax], True)
    if mode == "mean":
        stat = E.divide(stat, float(x.shape[ax]))
        if x.dtype != stat.dtype:
            stat = E.cast(E.round(stat), x.dtype)
    parts = []
    for count in (before, after):
        shape = list(x.shape)
        shape[ax] = count
        parts.append(E.broadcast_to(stat, shape))
    return E.concatenate([parts[0], x, parts[1]], ax)


def flip(x, axis=None):
    """Reverses the order of elements along `axis` (all axes when None).

    >>> flip([1, 2, 3]).numpy()
    array([3, 2, 1], dtype=int32)
    """
    x = tensor(x)
    if x.ndim == 0:
        return x
    axes_ = range(x.ndim) if axis is None else _axis_list(axis, x.ndim, "flip")
    starts, stops, steps = [0] * x.ndim, list(x.shape), [1] * x.ndim
    for a in axes_:
        starts[a], stops[a], steps[a] = slice(None, None, -1).indices(x.shape[a])
    return E.slice(x, starts, stops, steps)


def fliplr(x):
    """Reverses axis 1.

    >>> fliplr([[1, 2]]).numpy()
    array([[2, 1]], dtype=int32)
    """
    x = tensor(x)
    if x.ndim < 2:
        raise ValueError(f"`fliplr` needs a tensor of rank >= 2. Received: x.shape={x.shape}")
    return flip(x, 1)


def flipud(x):
    """Reverses axis 0.

    >>> flipud([[1], [2]]).numpy().ravel()
    array([2, 1], dtype=int32)
    """
    return flip(x, _axis(0, tensor(x).ndim, "flipud"))


def roll(x, shift, axis=None):
    """Rolls elements along `axis` (the flattened tensor when None); they wrap around.

    >>> roll([1, 2, 3, 4], 1).numpy()
    array([4, 1, 2, 3], dtype=int32)
    """
    x = tensor(x)
    if axis is None:
        return E.reshape(roll(E.reshape(x, [-1]), sum(_ints(shift)), 0), list(x.shape))
    shifts, axes_ = _ints(shift), [_axis(a, x.ndim, "roll") for a in _ints(axis)]
    if len(shifts) == 1:
        shifts = shifts * len(axes_)
    elif len(axes_) == 1:
        axes_ = axes_ * len(shifts)
    if len(shifts) != len(axes_):
        raise ValueError(
            f"`roll`: `shift` and `axis` must have matching lengths. Received: shift={shift}, "
            f"axis={axis}"
        )
    total = {}
    for s, a in zip(shifts, axes_, strict=True):
        total[a] = total.get(a, 0) + s
    for a, s in total.items():
        n = x.shape[a]
        s = s % n if n else 0
        if s:
            x = E.concatenate([_slice_axis(x, a, n - s, n), _slice_axis(x, a, 0, n - s)], a)
    return x


def rot90(array, k=1, axes=(0, 1)):
    """Rotates by 90 degrees `k` times in the plane `axes`, from the first axis to the second.

    >>> rot90([[1, 2], [3, 4]]).numpy()
    array([[2, 4],
           [1, 3]], dtype=int32)
    """
    x = tensor(array)
    if x.ndim < 2:
        raise ValueError(
            f"`rot90`: input array must have at least 2 dimensions. Received: array.ndim={x.ndim}"
        )
    if len(axes) != 2:
        raise ValueError(f"`rot90`: invalid axes {axes}: expected two different axes")
    a0, a1 = _axis(axes[0], x.ndim, "rot90"), _axis(axes[1], x.ndim, "rot90")
    if a0 == a1:
        raise ValueError(f"`rot90`: invalid axes {axes}: expected two different axes")
    k %= 4
    if k == 0:
        return x
    if k == 2:
        return flip(x, (a0, a1))
    perm = list(range(x.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return E.transpose(flip(x, a1), perm)
    return flip(E.transpose(x, perm), a1)


# ---- gathering and indices ----------------------------------------------------------------------


def take(x, indices, axis=None):
    """Gathers entries along `axis` (from the flattened tensor when None); negatives wrap.

    >>> take([[1, 2], [3, 4]], [0, -1], axis=1).numpy()
    array([[1, 2],
           [3, 4]], dtype=int32)
    """
    x = tensor(x)
    idx = _on_device_of(_index_tensor(indices, "take"), x)
    if axis is None:
        return E.take(E.reshape(x, [-1]), idx, 0)
    return E.take(x, idx, _axis(axis, x.ndim, "take"))


def take_along_axis(x, indices, axis=None):
    """Gathers with `indices` shaped like `x` along `axis` (broadcasting other axes).

    >>> take_along_axis([[3, 1], [2, 4]], [[1], [0]], axis=1).numpy()
    array([[1],
           [2]], dtype=int32)
    """
    x = tensor(x)
    idx = _on_device_of(_index_tensor(indices, "take_along_axis"), x)
    if axis is None:
        if idx.ndim != 1:
            raise ValueError(
                "`take_along_axis`: with axis=None, `indices` must be 1-D. Received: "
                f"indices.shape={tuple(idx.shape)}"
            )
        return E.take_along_axis(E.reshape(x, [-1]), idx, 0)
    return E.take_along_axis(x, idx, _axis(axis, x.ndim, "take_along_axis"))


def get_item(x, key):
    """`x[key]` with NumPy indexing rules.

    >>> get_item([[1, 2], [3, 4]], (1, 0)).numpy()
    array(3, dtype=int32)
    """
    return getitem(tensor(x), key)


def nonzero(x):
    """The indices of the non-zero entries: one int32 tensor per axis.

    >>> [i.numpy() for i in nonzero([0, 3, 0, 5])]
    [array([1, 3], dtype=int32)]
    """
    found = np.nonzero(np.atleast_1d(tensor(x).numpy()))
    return tuple(E.from_numpy(np.ascontiguousarray(i, dtype=np.int32)) for i in found)


def argwhere(x):
    """The indices of the non-zero entries as an int32 matrix (one row per entry).

    >>> argwhere([[0, 1], [1, 0]]).numpy()
    array([[0, 1],
           [1, 0]], dtype=int32)
    """
    return E.from_numpy(np.argwhere(tensor(x).numpy()).astype(np.int32))


def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D vectors; "xy" swaps the first two output axes.

    >>> [g.shape for g in meshgrid([1, 2, 3], [4, 5])]
    [(2, 3), (2, 3)]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(
            f"`meshgrid`: `indexing` must be 'xy' or 'ij'. Received: indexing={indexing!r}"
        )
    vecs = [E.reshape(tensor(v), [-1]) for v in x]
    sizes = [v.shape[0] for v in vecs]
    if indexing == "xy" and len(vecs) > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, v in enumerate(vecs):
        pos = i
        if indexing == "xy" and len(vecs) > 1 and i < 2:
            pos = 1 - i
        shape = [1] * len(vecs)
        shape[pos] = v.shape[0]
        out.append(E.broadcast_to(E.reshape(v, shape), sizes))
    return out


def searchsorted(sorted_sequence, values, side="left"):
    """Insertion points (int32) that keep a sorted 1-D sequence sorted.

    >>> searchsorted([1, 3, 5], [0, 3, 6]).numpy()
    array([0, 1, 3], dtype=int32)
    """
    seq, vals = tensor(sorted_sequence), tensor(values)
    if seq.ndim != 1:
        raise ValueError(
            "`searchsorted` only supports 1-D sorted sequences. Received: "
            f"sorted_sequence.shape={tuple(seq.shape)}"
        )
    if side not in ("left", "right"):
        raise ValueError(f"`searchsorted`: `side` must be 'left' or 'right'. Received: {side!r}")
    n = seq.shape[0]
    lo = E.full(list(vals.shape), 0.0, "int32", vals.device)
    hi = E.full(list(vals.shape), float(n), "int32", vals.device)
    if n == 0:
        return lo
    dt = E.promote_types(seq.dtype, vals.dtype)
    seq, vals = E.cast(seq, dt), E.cast(vals, dt)
    flat_shape = [-1] if vals.ndim else [1]
    # Vectorised binary search: every value narrows [lo, hi) in ceil(log2(n + 1)) rounds.
    for _ in range(int(n).bit_length()):
        active = E.less(lo, hi)
        mid = E.minimum(E.floor_divide(E.add(lo, hi), 2), n - 1)
        pivot = E.reshape(E.take(seq, E.reshape(mid, flat_shape), 0), list(vals.shape))
        go_right = E.less(pivot, vals) if side == "left" else E.less_equal(pivot, vals)
        lo = E.where(E.logical_and(active, go_right), E.add(mid, 1), lo)
        hi = E.where(E.logical_and(active, E.logical_not(go_right)), mid, hi)
    return lo


def digitize(x, bins):
    """The index of the bin each value falls in (int32); bins may increase or decrease.

    >>> digitize([0.5, 1.5, 3.0], [1.0, 2.0]).numpy()
    array([0, 1, 2], dtype=int32)
    """
    b, x = tensor(bins), tensor(x)
    if b.ndim != 1:
        raise ValueError(f"`digitize`: `bins` must be 1-D. Received: bins.shape={b.shape}")
    n = b.shape[0]
    rising = searchsorted(b, x, side="right")
    if n < 2:
        return rising
    # The direction is read on the device (both answers computed), so no host sync is needed.
    falling = E.subtract(n, searchsorted(flip(b), x, side="right"))
    decreasing = E.reshape(E.greater(_slice_axis(b, 0, 0, 1), _slice_axis(b, 0, n - 1, n)), [])
    return E.where(decreasing, falling, rising)


def bincount(x, weights=None, minlength=0, sparse=False):
    """Counts (or sums `weights` of) each non-negative integer value; 2-D input counts per row.

    >>> bincount([0, 1, 1, 3]).numpy()
    array([1, 2, 0, 1], dtype=int32)
    """
    if sparse:
        raise ValueError("`bincount`: `sparse=True` is not supported: keras_like tensors are dense")
    x = tensor(x)
    if not x.dtype.startswith(("int", "uint")):
        raise TypeError(f"`bincount`: `x` must hold integers. Received: dtype={x.dtype}")
    if x.ndim not in (1, 2):
        raise ValueError(f"`bincount`: `x` must be 1-D or 2-D. Received: x.shape={x.shape}")
    host = x.numpy()
    if host.size and host.min() < 0:
        raise ValueError("`bincount`: `x` must hold non-negative values")
    length = max(int(host.max()) + 1 if host.size else 0, int(minlength))
    if weights is None:
        dtype = "int32"
        updates = E.full(list(x.shape), 1.0, dtype, x.device)
    else:
        updates = tensor(weights)
        dtype = E.promote_types(x.dtype, updates.dtype)
        updates = E.cast(updates, dtype) if updates.dtype != dtype else updates
        if tuple(updates.shape) != tuple(x.shape):
            raise ValueError(
                "`bincount`: `weights` must have the shape of `x`. Received: "
                f"x.shape={tuple(x.shape)}, weights.shape={tuple(updates.shape)}"
            )
    if x.ndim == 1:
        return E.scatter(E.full([length], 0.0, dtype, x.device), x, updates, 0, "add")
    base = E.full([x.shape[0], length], 0.0, dtype, x.device)
    return E.scatter_along_axis(base, x, updates, 1, "add")


def select(condlist, choicelist, default=0):
    """Picks, per element, from the first choice whose condition holds (else `default`).

    >>> select([[True, False], [False, False]], [[1, 2], [3, 4]], 9).numpy()
    array([1, 9], dtype=int32)
    """
    lists = isinstance(condlist, (list, tuple)) and isinstance(choicelist, (list, tuple))
    if not lists or not condlist or len(condlist) != len(choicelist):
        raise ValueError(
            "`select`: condlist and choicelist must be non-empty lists of the same length. "
            f"Received: condlist={condlist}, choicelist={choicelist}"
        )
    out = operand(default)
    choices = [tensor(c) for c in choicelist]
    for cond, choice in zip(reversed(condlist), reversed(choices), strict=True):
        c = _on_device_of(tensor(cond), choices[0])
        if c.dtype != "bool":
            c = E.not_equal(c, 0)
        out = E.where(c, choice, out)
    return out
