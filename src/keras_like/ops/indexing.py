"""NumPy-style `tensor[key]`: ints, slices, None, Ellipsis, bool masks and int arrays."""

import numpy as np

from keras_like.backend.engine import Tensor
from keras_like.backend.engine import _engine as E


def _is_advanced(k):
    return (type(k) is Tensor) or isinstance(k, (np.ndarray, list)) or (
        hasattr(k, "_keras_like_value"))


def _is_int(k):
    return isinstance(k, (int, np.integer)) and not isinstance(k, bool)


def _expand_key(key, ndim):
    if not isinstance(key, tuple):
        key = (key,)
    consumed = 0
    for k in key:
        if k is None or k is Ellipsis:
            continue
        if _is_advanced(k):
            arr = k if type(k) is Tensor else None
            dt = arr.dtype if arr is not None else np.asarray(k).dtype.name
            consumed += (arr.ndim if arr is not None else np.asarray(k).ndim) if dt == "bool" else 1
        else:
            consumed += 1
    has_ellipsis = any(k is Ellipsis for k in key)
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > ndim:
        raise IndexError(
            f"too many indices for tensor: tensor is {ndim}-dimensional, "
            f"but {consumed} were indexed"
        )
    out = []
    for k in key:
        if k is Ellipsis:
            out.extend([slice(None)] * (ndim - consumed))
        else:
            out.append(k)
    if not has_ellipsis:
        out.extend([slice(None)] * (ndim - consumed))
    return out


def getitem(x, key):
    """Basic indexing returns views; advanced indexing gathers."""
    if type(x) is not Tensor:
        x = x.value
    items = _expand_key(key, x.ndim)
    if any(_is_advanced(k) for k in items):
        # NumPy: next to an array index, an integer is an array index too (it affects placement).
        items = [np.asarray(k, dtype=np.int64) if _is_int(k) else k for k in items]
    starts, stops, steps = [], [], []
    advanced = []  # (position in the sliced tensor, index array)
    dim = 0
    new_shape_ops = []  # per result axis: kept dims and inserted axes
    for k in items:
        if k is None:
            new_shape_ops.append(("new", None))
            continue
        size = x.shape[dim]
        if isinstance(k, slice):
            start, stop, step = k.indices(size)
            starts.append(start)
            stops.append(stop)
            steps.append(step)
            new_shape_ops.append(("keep", dim))
        elif _is_advanced(k):
            arr = k if type(k) is Tensor else (k.value if hasattr(k, "_keras_like_value") else None)
            if arr is None:
                np_k = np.asarray(k)
                if np_k.dtype == bool:
                    arr = E.from_numpy(np_k)
                else:
                    as_int = np_k.dtype.kind in "iu" or np_k.size == 0
                    arr = E.from_numpy(np_k.astype(np.int64) if as_int else np_k)
            if arr.dtype == "bool":
                # A mask over the next arr.ndim axes becomes int indices into their flattening.
                mask = arr.numpy()
                if tuple(mask.shape) != tuple(x.shape[dim: dim + mask.ndim]):
                    raise IndexError(
                        f"boolean index shape {mask.shape} does not match the indexed tensor "
                        f"shape {x.shape[dim: dim + mask.ndim]}"
                    )
                flat = np.flatnonzero(mask)
                for _ in range(mask.ndim):
                    starts.append(0)
                    stops.append(x.shape[dim])
                    steps.append(1)
                    dim += 1
                advanced.append(("mask", dim - mask.ndim, mask.ndim, flat))
                new_shape_ops.append(("adv", len(advanced) - 1))
                continue
            if arr.dtype.startswith(("float", "bfloat")):
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean "
                    f"arrays are valid indices. Received an array of dtype {arr.dtype}"
                )
            starts.append(0)
            stops.append(size)
            steps.append(1)
            advanced.append(("int", dim, 1, arr))
            new_shape_ops.append(("adv", len(advanced) - 1))
        else:
            if isinstance(k, (float, np.floating)) or (
                    hasattr(k, "dtype") and str(k.dtype).startswith(("float", "bfloat"))):
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean "
                    f"arrays are valid indices. Received: {k!r}"
                )
            try:
                i = int(k.item() if hasattr(k, "item") else k)
            except (TypeError, ValueError):
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean "
                    f"arrays are valid indices. Received: {k!r}"
                ) from None
            if i < -size or i >= size:
                raise IndexError(f"index {i} is out of bounds for axis {dim} with size {size}")
            i %= size
            starts.append(i)
            stops.append(i + 1)
            steps.append(1)
            new_shape_ops.append(("drop", dim))
        dim += 1
    view = E.slice(x, starts, stops, steps) if x.ndim else x
    if not advanced:
        shape = []
        for kind, d in new_shape_ops:
            if kind == "new":
                shape.append(1)
            elif kind == "keep":
                shape.append(view.shape[d])
        return E.reshape(view, shape) if list(view.shape) != shape else view
    return _advanced(view, new_shape_ops, advanced)


def _advanced(view, ops, advanced):
    # Flatten every advanced group into one linear index over the axes it covers, then gather
    # once from a view whose advanced axes are merged (NumPy's placement rules below).
    index_arrays = []
    adv_axes = []
    for kind, start, count, idx in advanced:
        axes = list(range(start, start + count))
        adv_axes.append(axes)
        if kind == "mask":
            index_arrays.append(np.unravel_index(idx, view.shape[start: start + count]))
        else:
            index_arrays.append((idx,))
    all_axes = [a for axes in adv_axes for a in axes]
    coords = []
    for group in index_arrays:
        coords.extend(group)
    # Broadcast integer coordinates (tensors or numpy) together.
    tensors = [
        c if type(c) is Tensor else E.from_numpy(np.asarray(c, dtype=np.int64)) for c in coords
    ]
    bshape = ()
    for t in tensors:
        bshape = np.broadcast_shapes(bshape, tuple(t.shape))
    tensors = [E.broadcast_to(E.cast(t, "int64"), list(bshape)) for t in tensors]
    sizes = [view.shape[a] for a in all_axes]
    linear = None
    for t, size in zip(tensors, sizes):
        t = E.where(E.less(t, 0), E.add(t, size), t)
        bad = E.reduce("any", E.logical_or(E.less(t, 0), E.greater_equal(t, size)), None, False)
        if bool(bad.numpy()):
            raise IndexError(f"index out of bounds for axis with size {size}")
        linear = t if linear is None else E.add(E.multiply(linear, size), t)
    rest = [a for a in range(view.ndim) if a not in all_axes]
    contiguous = all_axes == list(range(all_axes[0], all_axes[0] + len(all_axes)))
    first = all_axes[0] if contiguous else 0
    perm = rest[:first] + all_axes + rest[first:] if contiguous else all_axes + rest
    moved = E.transpose(view, perm)
    merged_shape = [moved.shape[i] for i in range(first)] + [-1] + [
        moved.shape[i] for i in range(first + len(all_axes), moved.ndim)]
    merged = E.reshape(moved, merged_shape)
    out = E.take(merged, linear, first)
    # Re-insert None axes in order (they sit outside the advanced block in practice).
    kept = [o for o in ops if o[0] != "drop"]
    new_positions = [i for i, (kind, _) in enumerate(kept) if kind == "new"]
    if new_positions:
        shape = list(out.shape)
        for p in new_positions:
            shape.insert(min(p, len(shape)), 1)
        out = E.reshape(out, shape)
    return out
