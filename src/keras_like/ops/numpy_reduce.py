"""Reductions, arg-reductions, sorting and scans."""

import math as _math
import operator

import numpy as np

from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, axes, float_tensor, reduce_axes, tensor
from keras_like.ops.numpy_math import _float_operands


def _reduce(kind, x, axis, keepdims, op=None):
    x = tensor(x)
    return E.reduce(kind, x, reduce_axes(axis, x.ndim, op or kind), keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    """Sum over `axis` (all axes when None).

    >>> sum([[1, 2], [3, 4]], axis=0).numpy()
    array([4, 6], dtype=int32)
    """
    return _reduce("sum", x, axis, keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = tensor(x, dtype)
    return _reduce("prod", x, axis, keepdims)


def _initial(out, initial):
    # A bool reduction stays bool with a Python initial value (NumPy/Keras), which would
    # otherwise promote it to int32 as a weak int.
    if out.dtype == "bool" and isinstance(initial, (bool, int)):
        return tensor(bool(initial), "bool")
    return initial


def _empty_with_initial(x, axis, keepdims, initial):
    """`initial` in the reduced shape when the reduction covers no element, else None."""
    x = tensor(x)
    if x.ndim == 0 or x.size != 0:  # (this module's `any` and `max` shadow the builtins)
        return None
    ax = list(range(x.ndim)) if axis is None else [a % x.ndim for a in axes(axis)]
    if 0 not in [x.shape[a] for a in ax]:
        return None
    shape = [1 if i in ax else d for i, d in enumerate(x.shape)] if keepdims else \
        [d for i, d in enumerate(x.shape) if i not in ax]
    fill = _initial(x, initial)
    value = float(fill.item()) if type(fill) is Tensor else float(fill)
    return E.full(shape, value, x.dtype, x.device)


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    if initial is not None:
        empty = _empty_with_initial(x, axis, keepdims, initial)
        if empty is not None:  # NumPy: the initial value is the max of nothing
            return empty
    out = _reduce("max", x, axis, keepdims)
    return out if initial is None else E.maximum(out, _initial(out, initial))


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    if initial is not None:
        empty = _empty_with_initial(x, axis, keepdims, initial)
        if empty is not None:
            return empty
    out = _reduce("min", x, axis, keepdims)
    return out if initial is None else E.minimum(out, _initial(out, initial))


amax = max
amin = min


def any(x, axis=None, keepdims=False):  # noqa: A001
    return _reduce("any", x, axis, keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    return _reduce("all", x, axis, keepdims)


def _count(x, axis, op="mean"):
    if axis is None:
        return x.size
    n = 1
    for a in reduce_axes(axis, x.ndim, op):
        n *= x.shape[a]
    return n


def _accumulate_in(x):
    """The dtype to sum `x` in: half precision overflows at 65504, so it sums in float32."""
    return "float32" if x.dtype in ("float16", "bfloat16") else x.dtype


def _mean(x, axis, keepdims, op="mean"):
    n = _count(x, axis, op)
    total = E.reduce("sum", x, axes(axis), keepdims)
    return E.divide(total, float(n)) if n else E.multiply(total, float("nan"))


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean; integer inputs give floatx, float16 sums in float32.

    >>> mean([[1, 2], [3, 5]], axis=1).numpy()
    array([1.5, 4. ], dtype=float32)
    """
    x = float_tensor(x)
    return E.cast(_mean(E.cast(x, _accumulate_in(x)), axis, keepdims), x.dtype)


def var(x, axis=None, keepdims=False):
    """Population variance (`ddof=0`); NaN over an empty axis, like NumPy."""
    x = float_tensor(x)
    work = E.cast(x, _accumulate_in(x))
    centered = E.subtract(work, _mean(work, axis, keepdims=True, op="var"))
    return E.cast(_mean(E.square(centered), axis, keepdims, op="var"), x.dtype)


def std(x, axis=None, keepdims=False):
    return E.sqrt(var(x, axis, keepdims))


def average(x, axis=None, weights=None):
    """Weighted mean over `axis`; `weights` match `x` or, with `axis`, `x.shape[axis]`.

    >>> average([[1.0, 2.0], [3.0, 6.0]], axis=1, weights=[3.0, 1.0]).numpy()
    array([1.25, 3.75], dtype=float32)
    """
    if weights is None:
        return mean(x, axis)
    x, w = _float_operands(x, weights)
    if tuple(w.shape) != tuple(x.shape):
        if axis is None:
            raise ValueError(
                "Axis must be specified when shapes of `x` and `weights` differ. "
                f"Received: x.shape={tuple(x.shape)}, weights.shape={tuple(w.shape)}"
            )
        ax = [a % x.ndim for a in axes(axis)] if x.ndim else axes(axis)
        if tuple(w.shape) != tuple(x.shape[a] for a in ax):
            raise ValueError(
                "Shape of `weights` must be consistent with the shape of `x` along `axis`. "
                f"Received: x.shape={tuple(x.shape)}, weights.shape={tuple(w.shape)}, "
                f"axis={axis}"
            )
        # Lay the weight axes out in x's axis order, with size-1 axes in between.
        if len(ax) > 1:
            w = E.transpose(w, sorted(range(len(ax)), key=ax.__getitem__))
        w = E.reshape(w, [x.shape[i] if i in ax else 1 for i in range(x.ndim)])
    total_weight = E.reduce("sum", E.broadcast_to(w, list(x.shape)), axes(axis), False)
    return E.divide(E.reduce("sum", E.multiply(x, w), axes(axis), False), total_weight)


def _single_axis(axis, op):
    """One integer axis (ops that take no tuple of axes say so, as NumPy does)."""
    try:
        return operator.index(axis)
    except TypeError:
        raise TypeError(f"`{op}`: `axis` must be an integer or None. Received: axis={axis!r}") \
            from None


def argmax(x, axis=None, keepdims=False):
    """Index of the largest value (first one on ties) as int32."""
    x = tensor(x)
    if axis is None:
        out = E.arg_reduce(E.reshape(x, [-1]), True, 0, False)
        return E.reshape(out, [1] * x.ndim) if keepdims else out
    return E.arg_reduce(x, True, _single_axis(axis, "argmax"), keepdims)


def argmin(x, axis=None, keepdims=False):
    x = tensor(x)
    if axis is None:
        out = E.arg_reduce(E.reshape(x, [-1]), False, 0, False)
        return E.reshape(out, [1] * x.ndim) if keepdims else out
    return E.arg_reduce(x, False, _single_axis(axis, "argmin"), keepdims)


def sort(x, axis=-1):
    x = tensor(x)
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    return E.sort(x, _single_axis(axis, "sort"), False)[0]


def argsort(x, axis=-1):
    x = tensor(x)
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    return E.sort(x, _single_axis(axis, "argsort"), False)[1]


def _cumulative(kind, x, axis, dtype):
    """Scans keep the input dtype (or `dtype`), bool becoming int32, as in Keras."""
    x = tensor(x, dtype)
    target = "int32" if x.dtype == "bool" else x.dtype
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    out = E.cumulative(kind, x, _single_axis(axis, "cum" + kind), False)
    return out if out.dtype == target else E.cast(out, target)


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (flattened when None); int8 stays int8.

    >>> cumsum([1, 2, 3]).numpy()
    array([1, 3, 6], dtype=int32)
    """
    return _cumulative("sum", x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (flattened when None); int8 stays int8.

    >>> cumprod([1, 2, 3]).numpy()
    array([1, 2, 6], dtype=int32)
    """
    return _cumulative("prod", x, axis, dtype)


def count_nonzero(x, axis=None):
    return E.reduce("sum", E.cast(E.not_equal(tensor(x), 0), "int32"), axes(axis), False)


def median(x, axis=None, keepdims=False):
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th quantiles over `axis`, with NumPy's methods and output layout.

    The result has `q`'s shape first, then the remaining axes of `x` (size 1 with `keepdims`).
    Between two samples at positions i < j (positions are `q * (n - 1)` into the sorted data),
    "linear" interpolates, "lower" / "higher" take i / j, "midpoint" their mean and
    "nearest" the closer one (ties to the even position).

    >>> quantile([[1.0, 2.0, 4.0, 8.0]], [0.5, 1.0], axis=1).numpy()
    array([[3.],
           [8.]], dtype=float32)
    """
    if method not in _QUANTILE_METHODS:
        raise ValueError(
            f"Invalid value for argument `method`. Expected one of {_QUANTILE_METHODS}. "
            f"Received: method={method}"
        )
    if type(q) is not Tensor:
        q_values = np.asarray(q, dtype=np.float64)
        if np.any((q_values < 0) | (q_values > 1)):
            raise ValueError(f"Quantiles must be in the range [0, 1]. Received: q={q}")
    x, q_t = float_tensor(x), tensor(q, "float64")
    ndim = x.ndim
    reduced = list(range(ndim)) if axis is None else axes(axis)
    for a in reduced:
        if not -ndim <= a < ndim:
            raise ValueError(f"`axis` {axis} is out of bounds for a tensor of rank {ndim}")
    reduced = sorted({a % ndim for a in reduced}) if ndim else []
    kept = [i for i in range(ndim) if i not in reduced]
    n = _math.prod(x.shape[i] for i in reduced)
    if n == 0:
        raise ValueError(f"Cannot take quantiles over an empty axis. Received: x.shape={x.shape}")
    # Sort the reduced axes as one last axis.
    work = E.reshape(E.transpose(x, kept + reduced), [x.shape[i] for i in kept] + [n])
    last = len(kept)
    ordered = E.sort(work, last, False)[0]
    pos = E.reshape(E.multiply(q_t, float(n - 1)), [-1])
    if method == "nearest":
        lo = hi = E.round(pos)  # half to even, as NumPy
    else:
        lo, hi = E.floor(pos), E.ceil(pos)
    lower = E.take(ordered, E.cast(lo, "int64"), last)
    upper = E.take(ordered, E.cast(hi, "int64"), last)
    if method in ("lower", "nearest"):
        out = lower
    elif method == "higher":
        out = upper
    elif method == "midpoint":  # at an exact sample lower == upper, so this is that sample
        out = E.multiply(E.add(lower, upper), 0.5)
    else:
        frac = E.cast(E.subtract(pos, lo), x.dtype)
        out = E.add(lower, E.multiply(E.subtract(upper, lower), frac))
    # NaNs sort last, so a slice holding one would otherwise give a finite quantile.
    has_nan = E.reduce("any", E.isnan(work), [last], True)
    out = E.where(has_nan, float("nan"), out)
    return _quantile_layout(out, x, q_t, kept, reduced, keepdims)


def _quantile_layout(out, x, q_t, kept, reduced, keepdims):
    """(kept..., q) -> (q..., kept...) with reduced axes kept as 1 if asked: NumPy's layout."""
    last = len(kept)
    out = E.transpose(out, [last] + list(range(last)))
    if keepdims:
        rest = [1 if i in reduced else x.shape[i] for i in range(x.ndim)]
    else:
        rest = [x.shape[i] for i in kept]
    return E.reshape(out, list(q_t.shape) + rest)
