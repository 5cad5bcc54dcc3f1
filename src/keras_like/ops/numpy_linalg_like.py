"""Products, contractions and diagonals: matmul, dot, tensordot, einsum, kron, trace, ..."""

import math

import numpy as np

from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, tensor
from keras_like.ops.numpy_shape import _axis, _host_indices, _slice_axis

__all__ = [
    "matmul", "dot", "vdot", "inner", "outer", "tensordot", "einsum", "kron", "cross",
    "correlate", "diagonal", "trace", "diag", "diagflat",
]


def _shape(t):
    return tuple(t.shape)


def _common(*ts):
    """Casts to one compute dtype and returns the dtype of the result (Keras's rules).

    int8 and bool products accumulate in int32. Only int8 with int8 keeps the int32 result
    (as JAX's preferred element type does); int8 with bool gives int8, bool with bool bool.
    """
    dt = ts[0].dtype
    for t in ts[1:]:
        dt = E.promote_types(dt, t.dtype)
    compute = "int32" if dt in ("int8", "bool") else dt
    target = "int32" if all(t.dtype == "int8" for t in ts) else dt
    return [t if t.dtype == compute else E.cast(t, compute) for t in ts], target


def _finish(out, target):
    if target == "bool":
        return E.not_equal(out, 0)
    return out if out.dtype == target else E.cast(out, target)


def _matmul2(a, b):
    return E.matmul(a, b)


_FLOATS = ("float16", "bfloat16", "float32", "float64")


def matmul(x1, x2):
    """Matrix product with NumPy rules: 1-D operands are vectors, leading axes broadcast.

    >>> matmul(ones((5, 2, 3)), ones((3, 4))).shape
    (5, 2, 4)
    """
    # Fast path (every Dense layer comes here): float tensors of one dtype go straight to the
    # engine, whose shape checks name matmul and both shapes.
    if type(x1) is Tensor and type(x2) is Tensor and x1.dtype == x2.dtype and \
            x1.dtype in _FLOATS and x1.ndim >= 2 and x2.ndim >= 2:
        return E.matmul(x1, x2)
    a, b = tensor(x1), tensor(x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            "`matmul` does not accept scalars; use `multiply`. Received: "
            f"x1.shape={_shape(a)}, x2.shape={_shape(b)}"
        )
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(
            "`matmul`: the last axis of `x1` must match the second-to-last axis of `x2`. "
            f"Received: x1.shape={_shape(a)}, x2.shape={_shape(b)}"
        )
    (a, b), was_bool = _common(a, b)
    return _finish(_matmul2(a, b), was_bool)


def _axes_list(axes, ndim, op, name):
    items = list(axes) if isinstance(axes, (list, tuple)) else [axes]
    out = []
    for a in items:
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError(
                f"`{op}`: axis {a} of `{name}` is out of bounds for rank {ndim}. Received: "
                f"axes={axes}"
            )
        out.append(a % ndim)
    return out


def _tensordot(a, b, a_axes, b_axes):
    free_a = [i for i in range(a.ndim) if i not in a_axes]
    free_b = [i for i in range(b.ndim) if i not in b_axes]
    k = math.prod(a.shape[i] for i in a_axes)
    m = math.prod(a.shape[i] for i in free_a)
    n = math.prod(b.shape[i] for i in free_b)
    am = E.reshape(E.transpose(a, free_a + a_axes), [m, k])
    bm = E.reshape(E.transpose(b, b_axes + free_b), [k, n])
    out_shape = [a.shape[i] for i in free_a] + [b.shape[i] for i in free_b]
    return E.reshape(E.matmul(am, bm), out_shape)


def tensordot(x1, x2, axes=2):
    """Sums products over the given axes: an int N (last N of `x1` with first N of `x2`)
    or a pair of axis lists.

    >>> tensordot(ones((2, 3, 4)), ones((3, 4, 5)), axes=2).shape
    (2, 5)
    """
    a, b = tensor(x1), tensor(x2)
    if isinstance(axes, (list, tuple)):
        if len(axes) != 2:
            raise ValueError(
                f"`tensordot`: `axes` must be an int or a pair of axis lists. Received: {axes}"
            )
        a_axes = _axes_list(axes[0], a.ndim, "tensordot", "x1")
        b_axes = _axes_list(axes[1], b.ndim, "tensordot", "x2")
    else:
        n = int(axes)
        if n < 0 or n > a.ndim or n > b.ndim:
            raise ValueError(
                f"`tensordot`: axes={n} must be in [0, min(rank)] for shapes {_shape(a)} and "
                f"{_shape(b)}"
            )
        a_axes, b_axes = list(range(a.ndim - n, a.ndim)), list(range(n))
    if len(a_axes) != len(b_axes) or len(set(a_axes)) != len(a_axes) or len(set(b_axes)) != len(
        b_axes
    ):
        raise ValueError(
            "`tensordot`: both axis lists must have the same length and no repeats. Received: "
            f"axes={axes}"
        )
    for i, j in zip(a_axes, b_axes, strict=True):
        if a.shape[i] != b.shape[j]:
            raise ValueError(
                f"`tensordot`: shape mismatch on summed axes: x1.shape={_shape(a)}, "
                f"x2.shape={_shape(b)}, axes={axes}"
            )
    (a, b), was_bool = _common(a, b)
    return _finish(_tensordot(a, b, a_axes, b_axes), was_bool)


def dot(x1, x2):
    """NumPy's dot: scalars multiply, vectors give an inner product, otherwise the last axis
    of `x1` is summed against the second-to-last axis of `x2`.

    >>> dot(ones((2, 3)), ones((4, 3, 5))).shape
    (2, 4, 5)
    """
    a, b = tensor(x1), tensor(x2)
    if a.ndim == 0 or b.ndim == 0:
        (a, b), was_bool = _common(a, b)
        return _finish(E.multiply(a, b), was_bool)
    if b.ndim <= 2:
        return matmul(a, b)
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(
            "`dot`: the last axis of `x1` must match the second-to-last axis of `x2`. "
            f"Received: x1.shape={_shape(a)}, x2.shape={_shape(b)}"
        )
    (a, b), was_bool = _common(a, b)
    return _finish(_tensordot(a, b, [a.ndim - 1], [b.ndim - 2]), was_bool)


def vdot(x1, x2):
    """The dot product of the two inputs flattened.

    >>> vdot([[1, 2]], [3, 4]).numpy()
    array(11, dtype=int32)
    """
    a, b = tensor(x1), tensor(x2)
    if a.size != b.size:
        raise ValueError(
            f"`vdot`: inputs must have the same number of elements. Received: "
            f"x1.shape={_shape(a)}, x2.shape={_shape(b)}"
        )
    return matmul(E.reshape(a, [-1]), E.reshape(b, [-1]))


def inner(x1, x2):
    """Sum of products over the last axes (scalars multiply).

    >>> inner(ones((2, 3)), ones((4, 3))).shape
    (2, 4)
    """
    a, b = tensor(x1), tensor(x2)
    if a.ndim == 0 or b.ndim == 0:
        return dot(a, b)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            "`inner`: the last axes must match. Received: "
            f"x1.shape={_shape(a)}, x2.shape={_shape(b)}"
        )
    (a, b), was_bool = _common(a, b)
    return _finish(_tensordot(a, b, [a.ndim - 1], [b.ndim - 1]), was_bool)


def outer(x1, x2):
    """The outer product of the flattened inputs.

    >>> outer([1, 2], [3, 4, 5]).shape
    (2, 3)
    """
    a, b = tensor(x1), tensor(x2)
    return E.multiply(E.reshape(a, [-1, 1]), E.reshape(b, [1, -1]))


def kron(x1, x2):
    """The Kronecker product: blocks of `x2` scaled by each entry of `x1`.

    >>> kron([[1, 2]], ones((2, 2), dtype="int32")).numpy()
    array([[1, 1, 2, 2],
           [1, 1, 2, 2]], dtype=int32)
    """
    a, b = tensor(x1), tensor(x2)
    n = max(a.ndim, b.ndim)
    sa = [1] * (n - a.ndim) + list(a.shape)
    sb = [1] * (n - b.ndim) + list(b.shape)
    # Interleave the axes (a0, b0, a1, b1, ...) so that the flattening gives the block layout.
    ra = E.reshape(a, [v for d in sa for v in (d, 1)])
    rb = E.reshape(b, [v for d in sb for v in (1, d)])
    return E.reshape(E.multiply(ra, rb), [p * q for p, q in zip(sa, sb, strict=True)])


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors along the given axes (2-vectors have z = 0).

    Two 2-vector inputs give the scalar z component.

    >>> cross([1, 0, 0], [0, 1, 0]).numpy()
    array([0, 0, 1], dtype=int32)
    """
    a, b = tensor(x1), tensor(x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    ax_a = _axes_list(axisa, max(a.ndim, 1), "cross", "x1")[0]
    ax_b = _axes_list(axisb, max(b.ndim, 1), "cross", "x2")[0]
    da, db = a.shape[ax_a], b.shape[ax_b]
    if da not in (2, 3) or db not in (2, 3):
        raise ValueError(
            "`cross`: incompatible dimensions for cross product (dimension must be 2 or 3). "
            f"Received: x1.shape={_shape(a)}, x2.shape={_shape(b)}"
        )
    (a, b), was_bool = _common(a, b)

    def component(t, ax, i):
        starts, stops, steps = [0] * t.ndim, list(t.shape), [1] * t.ndim
        starts[ax], stops[ax] = i, i + 1
        shape = [d for j, d in enumerate(t.shape) if j != ax]
        return E.reshape(E.slice(t, starts, stops, steps), shape)

    a0, a1 = component(a, ax_a, 0), component(a, ax_a, 1)
    b0, b1 = component(b, ax_b, 0), component(b, ax_b, 1)
    z = E.subtract(E.multiply(a0, b1), E.multiply(a1, b0))
    if da == 2 and db == 2:
        return _finish(z, was_bool)
    if da == 3 and db == 3:
        a2, b2 = component(a, ax_a, 2), component(b, ax_b, 2)
        x = E.subtract(E.multiply(a1, b2), E.multiply(a2, b1))
        y = E.subtract(E.multiply(a2, b0), E.multiply(a0, b2))
    elif da == 2:
        b2 = component(b, ax_b, 2)
        x, y = E.multiply(a1, b2), E.negative(E.multiply(a0, b2))
    else:
        a2 = component(a, ax_a, 2)
        x, y = E.negative(E.multiply(a2, b1)), E.multiply(a2, b0)
    target = list(np.broadcast_shapes(_shape(x), _shape(y), _shape(z)))
    ax_c = _axes_list(axisc, len(target) + 1, "cross", "output")[0]
    stacked = target[:ax_c] + [1] + target[ax_c:]
    parts = [E.reshape(E.broadcast_to(c, target), stacked) for c in (x, y, z)]
    return _finish(E.concatenate(parts, ax_c), was_bool)


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences: c[k] = sum_n x1[n + k] * x2[n].

    `mode` is "valid" (full overlap only), "same" (length max(M, N)) or "full".

    >>> correlate([1.0, 2.0, 3.0], [0.0, 1.0, 0.5]).numpy()
    array([3.5], dtype=float32)
    """
    a, b = tensor(x1), tensor(x2)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(
            "`correlate`: `x1` and `x2` must be 1-D. Received: "
            f"x1.shape={_shape(a)}, x2.shape={_shape(b)}"
        )
    if mode not in ("valid", "same", "full"):
        raise ValueError(
            f"`correlate`: `mode` must be 'valid', 'same' or 'full'. Received: mode={mode!r}"
        )
    (a, b), _ = _common(a, b)
    if not a.dtype.startswith(("float", "bfloat")):
        a, b = E.cast(a, "float32"), E.cast(b, "float32")
    m, n = a.shape[0], b.shape[0]
    if m == 0 or n == 0:
        raise ValueError("`correlate`: inputs must not be empty")
    # Full correlation at shift s in [-(n-1), m-1]: one row of windows per shift, then a GEMV.
    padded = E.pad(a, [n - 1], [n - 1], 0.0)
    windows = _host_indices(np.arange(m + n - 1)[:, None] + np.arange(n)[None, :], a)
    full = E.matmul(E.take(padded, windows, 0), E.reshape(b, [n, 1]))
    full = E.reshape(full, [m + n - 1])
    if mode == "full":
        return full
    if mode == "same":
        length = max(m, n)
        start = (n - 1) // 2 if m >= n else m // 2
    else:
        length = max(m, n) - min(m, n) + 1
        start = min(m, n) - 1
    return E.slice(full, [start], [start + length], [1])


# ---- diagonals ----------------------------------------------------------------------------------


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The `offset`-th diagonal of the planes (axis1, axis2); it becomes the last axis.

    >>> diagonal([[1, 2], [3, 4]]).numpy()
    array([1, 4], dtype=int32)
    """
    x = tensor(x)
    if x.ndim < 2:
        raise ValueError(f"`diagonal` needs a tensor of rank >= 2. Received: x.shape={x.shape}")
    a1, a2 = _axis(axis1, x.ndim, "diagonal"), _axis(axis2, x.ndim, "diagonal")
    if a1 == a2:
        raise ValueError(f"`diagonal`: axis1 and axis2 must differ. Received: {axis1}, {axis2}")
    rest = [a for a in range(x.ndim) if a not in (a1, a2)]
    moved = E.transpose(x, rest + [a1, a2])
    n, m = x.shape[a1], x.shape[a2]
    offset = int(offset)
    length = max(0, min(n, m - offset) if offset >= 0 else min(n + offset, m))
    flat = E.reshape(moved, [x.shape[a] for a in rest] + [n * m])
    if length == 0:
        return _slice_axis(flat, flat.ndim - 1, 0, 0)
    # The diagonal is a strided run through the flattened plane.
    start = offset if offset >= 0 else -offset * m
    return _slice_axis(flat, flat.ndim - 1, start, start + (length - 1) * (m + 1) + 1, m + 1)


def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal; bool inputs are counted as int32.

    >>> trace([[1, 2], [3, 4]]).numpy()
    array(5, dtype=int32)
    """
    x = tensor(x)
    if x.dtype == "bool":
        x = E.cast(x, "int32")
    return E.reduce("sum", diagonal(x, offset, axis1, axis2), [-1], False)


def diag(x, k=0):
    """The k-th diagonal of a matrix, or a matrix with a vector on its k-th diagonal.

    >>> diag([1, 2]).numpy()
    array([[1, 0],
           [0, 2]], dtype=int32)
    """
    x = tensor(x)
    if x.ndim == 2:
        return diagonal(x, k)
    if x.ndim != 1:
        raise ValueError(f"`diag`: input must be 1-D or 2-D. Received: x.shape={x.shape}")
    n, k = x.shape[0], int(k)
    m = n + abs(k)
    rows = np.arange(n, dtype=np.int64) + max(0, -k)
    flat = rows * m + rows + k
    zeros = E.full([m * m], 0.0, x.dtype, x.device)
    out = E.scatter(zeros, _host_indices(flat, x), x, 0, "add")
    return E.reshape(out, [m, m])


def diagflat(x, k=0):
    """A matrix with the flattened input on its k-th diagonal.

    >>> diagflat([[1, 2]]).shape
    (2, 2)
    """
    return diag(E.reshape(tensor(x), [-1]), k)


# ---- einsum -------------------------------------------------------------------------------------


def _parse_einsum(subscripts, operands):
    spec = subscripts.replace(" ", "")
    if spec.count("->") > 1:
        raise ValueError(f"`einsum`: subscripts may contain one '->'. Received: {subscripts!r}")
    lhs, out = spec.split("->") if "->" in spec else (spec, None)
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise ValueError(
            f"`einsum`: subscripts {subscripts!r} name {len(terms)} operands, but "
            f"{len(operands)} were given"
        )

    def letters(term):
        chars = term.replace("...", "")
        if any(not c.isalpha() for c in chars) or term.count("...") > 1:
            raise ValueError(f"`einsum`: invalid subscript term {term!r} in {subscripts!r}")
        return chars

    n_ell = 0
    for term, op in zip(terms, operands, strict=True):
        explicit = len(letters(term))
        if "..." in term:
            if op.ndim < explicit:
                raise ValueError(
                    f"`einsum`: term {term!r} names more axes than the operand of shape "
                    f"{_shape(op)} has"
                )
            n_ell = max(n_ell, op.ndim - explicit)
        elif explicit != op.ndim:
            raise ValueError(
                f"`einsum`: term {term!r} names {explicit} axes, but the operand has shape "
                f"{_shape(op)} (in {subscripts!r})"
            )
    # Ellipsis axes get private labels, aligned from the right as broadcasting does.
    ell = [f".{i}" for i in range(n_ell)]

    def expand(term, nd):
        head, _, tail = term.partition("...")
        if "..." not in term:
            return list(term)
        k = nd - len(head) - len(tail)
        return list(head) + ell[n_ell - k:] + list(tail)

    labels = [expand(t, op.ndim) for t, op in zip(terms, operands, strict=True)]
    if out is None:
        counts = {}
        for lab in labels:
            for c in lab:
                counts[c] = counts.get(c, 0) + 1
        out_labels = ell + sorted(c for c, k in counts.items() if k == 1 and not c.startswith("."))
    else:
        letters(out)
        head, sep, tail = out.partition("...")
        out_labels = list(head) + (ell if sep else []) + list(tail)
        known = {c for lab in labels for c in lab}
        for c in out_labels:
            if c not in known:
                raise ValueError(
                    f"`einsum`: output label {c!r} is not in any input: {subscripts!r}"
                )
        if len(set(out_labels)) != len(out_labels):
            raise ValueError(f"`einsum`: output labels repeat in {subscripts!r}")
    return labels, out_labels


def _label_sizes(operands, labels, subscripts):
    sizes = {}
    for t, lab in zip(operands, labels, strict=True):
        for c, d in zip(lab, t.shape, strict=True):
            prev = sizes.setdefault(c, d)
            if prev == d:
                continue
            # Only axes under "..." broadcast; a named label must have one size everywhere.
            if not (c.startswith(".") and 1 in (prev, d)):
                raise ValueError(
                    f"`einsum`: label {c!r} has sizes {prev} and {d} in {subscripts!r}. "
                    f"Received operand shapes: {[_shape(o) for o in operands]}"
                )
            sizes[c] = d if prev == 1 else prev
    return sizes


def _reduce_operand(t, lab, keep):
    """Takes the diagonal of repeated labels and sums labels nothing later needs."""
    lab = list(lab)
    while len(set(lab)) != len(lab):
        c = next(c for c in lab if lab.count(c) > 1)
        i = lab.index(c)
        j = lab.index(c, i + 1)
        t = diagonal(t, 0, i, j)
        lab = [x for k, x in enumerate(lab) if k not in (i, j)] + [c]
    drop = [i for i, c in enumerate(lab) if c not in keep]
    if drop:
        t = E.reduce("sum", t, drop, False)
        lab = [c for c in lab if c in keep]
    return t, lab


def _contract(a, la, b, lb, needed):
    """Contracts two operands whose labels were already reduced; returns (tensor, labels)."""
    # A shared label of size 1 on one side is constant there: drop it from that side.
    for c in [c for c in la if c in lb]:
        da, db = a.shape[la.index(c)], b.shape[lb.index(c)]
        if da != db:
            if da == 1:
                a = E.reshape(a, [d for i, d in enumerate(a.shape) if la[i] != c])
                la = [x for x in la if x != c]
                if c not in needed:
                    b, lb = E.reduce("sum", b, [lb.index(c)], False), [x for x in lb if x != c]
            else:
                b = E.reshape(b, [d for i, d in enumerate(b.shape) if lb[i] != c])
                lb = [x for x in lb if x != c]
                if c not in needed:
                    a, la = E.reduce("sum", a, [la.index(c)], False), [x for x in la if x != c]
    shared = [c for c in la if c in lb]
    batch = [c for c in shared if c in needed]
    summed = [c for c in shared if c not in needed]
    free_a = [c for c in la if c not in lb]
    free_b = [c for c in lb if c not in la]
    size_a = dict(zip(la, a.shape, strict=True))
    size_b = dict(zip(lb, b.shape, strict=True))
    a = E.transpose(a, [la.index(c) for c in batch + free_a + summed])
    b = E.transpose(b, [lb.index(c) for c in batch + summed + free_b])
    bsa, bsb = [size_a[c] for c in batch], [size_b[c] for c in batch]
    fa, fb = [size_a[c] for c in free_a], [size_b[c] for c in free_b]
    labels = batch + free_a + free_b
    if not summed:
        # Nothing to sum: a broadcast product beats a batch of 1x1 matrix products.
        a = E.reshape(a, bsa + fa + [1] * len(fb))
        b = E.reshape(b, bsb + [1] * len(fa) + fb)
        return E.multiply(a, b), labels
    k = math.prod(size_a[c] for c in summed)
    am = E.reshape(a, bsa + [math.prod(fa), k])
    bm = E.reshape(b, bsb + [k, math.prod(fb)])
    out = E.matmul(am, bm)
    batch_shape = list(out.shape[: len(batch)])
    return E.reshape(out, batch_shape + fa + fb), labels


def einsum(subscripts, *operands, **kwargs):
    """Evaluates an Einstein summation, e.g. "bij,bjk->bik"; supports "..." and implicit output.

    Two-operand contractions become one batched matrix product; more operands are contracted
    pairwise from left to right.

    >>> einsum("ij,jk->ik", ones((2, 3)), ones((3, 4))).shape
    (2, 4)
    """
    unknown = set(kwargs) - {"optimize", "preferred_element_type"}
    if unknown:
        raise TypeError(f"`einsum` got unexpected keyword arguments: {sorted(unknown)}")
    if not isinstance(subscripts, str):
        raise TypeError(f"`einsum`: `subscripts` must be a string. Received: {subscripts!r}")
    if not operands:
        raise ValueError("`einsum` needs at least one operand")
    ts, was_bool = _common(*[tensor(o) for o in operands])
    labels, out = _parse_einsum(subscripts, ts)
    _label_sizes(ts, labels, subscripts)

    def needed_after(index):
        rest = {c for lab in labels[index:] for c in lab}
        return rest | set(out)

    acc, acc_lab = _reduce_operand(ts[0], labels[0], needed_after(1))
    for i in range(1, len(ts)):
        keep = needed_after(i + 1)
        t, lab = _reduce_operand(ts[i], labels[i], keep | set(acc_lab))
        acc, acc_lab = _reduce_operand(acc, acc_lab, keep | set(lab))
        acc, acc_lab = _contract(acc, acc_lab, t, lab, keep)
    acc, acc_lab = _reduce_operand(acc, acc_lab, set(out))
    result = E.transpose(acc, [acc_lab.index(c) for c in out])
    return _finish(result, was_bool)
