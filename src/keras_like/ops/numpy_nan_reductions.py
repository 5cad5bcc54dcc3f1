"""Reductions that ignore NaN (`nansum`, `nanmean`, `nanquantile`, ...), plus `percentile`
and `ptp`.

NaNs are replaced by the reduction's identity before reducing, so gradients flow to the
values that count and never to the NaNs.
"""

import math as _math

import numpy as np

from keras_like.backend import config
from keras_like.backend.dtypes import is_float_dtype, result_type
from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, axes, tensor
from keras_like.ops.numpy_reduce import (
    _QUANTILE_METHODS,
    _quantile_layout,
    argmax,
    argmin,
    quantile,
)
from keras_like.ops.numpy_shape import _axis_list

__all__ = [
    "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian",
    "nanmin", "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar",
    "percentile", "ptp",
]

def _axes(x, axis, op):
    """The reduced axes as a sorted list of non-negative ints (None: all axes)."""
    if axis is None:
        return list(range(x.ndim))
    return sorted(_axis_list(axis, x.ndim, op)) if x.ndim else axes(axis)


def _filled(x, value):
    """`x` with NaNs replaced by `value` (non-float tensors have none)."""
    if not is_float_dtype(x.dtype):
        return x
    return E.where(E.isnan(x), value, x)


def _all_nan(x, ax, keepdims):
    return E.reduce("all", E.isnan(x), ax, keepdims)


def nansum(x, axis=None, keepdims=False):
    """Sum over `axis`, treating NaN as zero (bool and small ints sum in int32).

    Example:
    >>> nansum([1.0, float("nan"), 2.0]).numpy()
    array(3., dtype=float32)
    """
    x = tensor(x)  # the engine sums bool/int8/int16 in int32 and uint8/uint16 in uint32 (Keras)
    return E.reduce("sum", _filled(x, 0.0), _axes(x, axis, "nansum"), keepdims)


def nanprod(x, axis=None, keepdims=False):
    """Product over `axis`, treating NaN as one (small ints multiply in (u)int32, as `prod`).

    Example:
    >>> nanprod([2.0, float("nan"), 3.0]).numpy()
    array(6., dtype=float32)
    """
    x = tensor(x)
    return E.reduce("prod", _filled(x, 1.0), _axes(x, axis, "nanprod"), keepdims)


def _extreme(x, axis, keepdims, kind, op):
    x = tensor(x)
    ax = _axes(x, axis, op)
    if not is_float_dtype(x.dtype):
        return E.reduce(kind, x, ax, keepdims)
    fill = float("-inf") if kind == "max" else float("inf")
    out = E.reduce(kind, _filled(x, fill), ax, keepdims)
    return E.where(_all_nan(x, ax, keepdims), float("nan"), out)


def nanmax(x, axis=None, keepdims=False):
    """Maximum over `axis` ignoring NaN; NaN where a slice is all NaN.

    Example:
    >>> nanmax([1.0, float("nan"), 3.0]).numpy()
    array(3., dtype=float32)
    """
    return _extreme(x, axis, keepdims, "max", "nanmax")


def nanmin(x, axis=None, keepdims=False):
    """Minimum over `axis` ignoring NaN; NaN where a slice is all NaN.

    Example:
    >>> nanmin([1.0, float("nan"), 3.0]).numpy()
    array(1., dtype=float32)
    """
    return _extreme(x, axis, keepdims, "min", "nanmin")


def _arg_extreme(x, axis, keepdims, largest):
    x = tensor(x)
    pick = argmax if largest else argmin
    if not is_float_dtype(x.dtype):
        return pick(x, axis=axis, keepdims=keepdims)
    fill = float("-inf") if largest else float("inf")
    index = pick(_filled(x, fill), axis=axis, keepdims=keepdims)
    ax = None if axis is None else [int(axis)]
    every = _all_nan(x, ax, keepdims)
    if axis is None and keepdims:
        every = E.reshape(every, [1] * x.ndim)
    return E.where(every, -1, index)


def nanargmax(x, axis=None, keepdims=False):
    """Index of the largest non-NaN value (int32); -1 where a slice is all NaN.

    Example:
    >>> nanargmax([1.0, float("nan"), 3.0]).numpy()
    array(2, dtype=int32)
    """
    return _arg_extreme(x, axis, keepdims, True)


def nanargmin(x, axis=None, keepdims=False):
    """Index of the smallest non-NaN value (int32); -1 where a slice is all NaN.

    Example:
    >>> nanargmin([4.0, float("nan"), 3.0]).numpy()
    array(2, dtype=int32)
    """
    return _arg_extreme(x, axis, keepdims, False)


def _cumulative(kind, x, axis, dtype, identity):
    x = tensor(x)
    target = x.dtype if dtype is None else result_type(dtype)
    if target == "bool":
        target = "int32"
    x = _filled(x, identity)
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    else:
        axis = _axis_list(axis, x.ndim, f"nancum{kind}")[0]
    return E.cast(E.cumulative(kind, E.cast(x, target), axis, False), target)


def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (flattened when None), treating NaN as zero.

    Example:
    >>> nancumsum([1.0, float("nan"), 2.0]).numpy()
    array([1., 1., 3.], dtype=float32)
    """
    return _cumulative("sum", x, axis, dtype, 0.0)


def nancumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (flattened when None), treating NaN as one.

    Example:
    >>> nancumprod([2.0, float("nan"), 3.0]).numpy()
    array([2., 2., 6.], dtype=float32)
    """
    return _cumulative("prod", x, axis, dtype, 1.0)


def _float_input(x):
    x = tensor(x)
    return E.cast(x, result_type(x.dtype, float))


def _nan_moments(x, ax, keepdims):
    """(sum of non-NaN values, count of non-NaN values), summed in at least float32."""
    work = E.cast(x, result_type(x.dtype, "float32"))
    valid = E.logical_not(E.isnan(work))
    total = E.reduce("sum", E.where(valid, work, 0.0), ax, keepdims)
    count = E.reduce("sum", E.cast(valid, work.dtype), ax, keepdims)
    return work, valid, total, count


def nanmean(x, axis=None, keepdims=False):
    """Mean over `axis` of the non-NaN values; NaN where a slice is all NaN.

    Example:
    >>> nanmean([1.0, float("nan"), 3.0]).numpy()
    array(2., dtype=float32)
    """
    x = _float_input(x)
    _, _, total, count = _nan_moments(x, _axes(x, axis, "nanmean"), keepdims)
    return E.cast(E.divide(total, count), x.dtype)


def nanvar(x, axis=None, keepdims=False):
    """Population variance over `axis` of the non-NaN values.

    Example:
    >>> nanvar([1.0, float("nan"), 3.0]).numpy()
    array(1., dtype=float32)
    """
    x = _float_input(x)
    ax = _axes(x, axis, "nanvar")
    work, valid, total, count = _nan_moments(x, ax, True)
    centered = E.where(valid, E.subtract(work, E.divide(total, count)), 0.0)
    out = E.divide(E.reduce("sum", E.square(centered), ax, True), count)
    if not keepdims:
        out = E.reshape(out, [d for i, d in enumerate(x.shape) if i not in ax])
    return E.cast(out, x.dtype)


def nanstd(x, axis=None, keepdims=False):
    """Population standard deviation over `axis` of the non-NaN values.

    Example:
    >>> nanstd([1.0, float("nan"), 3.0]).numpy()
    array(1., dtype=float32)
    """
    return E.sqrt(nanvar(x, axis=axis, keepdims=keepdims))


def _check_method(method):
    if method not in _QUANTILE_METHODS:
        raise ValueError(
            f"Invalid value for argument `method`. Expected one of {_QUANTILE_METHODS}. "
            f"Received: method={method}"
        )


def _check_q(q, high, name):
    if type(q) is not Tensor:
        values = np.asarray(q, dtype=np.float64)
        if np.any((values < 0) | (values > high)):
            raise ValueError(f"{name} must be in the range [0, {high}]. Received: q={q}")


def _nan_quantile(x, q, axis, method, keepdims, op):
    """Quantiles of the non-NaN values of each slice; NaN for an all-NaN slice."""
    _check_method(method)
    ndim = x.ndim
    reduced = _axes(x, axis, op)
    kept = [i for i in range(ndim) if i not in reduced]
    n = _math.prod(x.shape[i] for i in reduced)
    q_t = tensor(q, "float64")
    nq = q_t.size
    work = E.reshape(E.transpose(x, kept + reduced), [x.shape[i] for i in kept] + [n])
    last = len(kept)
    valid = E.logical_not(E.isnan(work))
    count = E.reduce("sum", E.cast(valid, "float64"), [last], True)  # (kept..., 1)
    ordered = E.sort(E.where(valid, work, float("inf")), last, False)[0]
    pos = E.multiply(E.reshape(q_t, [1] * last + [nq]), E.maximum(E.subtract(count, 1.0), 0.0))
    if method == "nearest":
        lo = hi = E.round(pos)
    else:
        lo, hi = E.floor(pos), E.ceil(pos)
    lower = E.take_along_axis(ordered, E.cast(lo, "int64"), last) if n else None
    upper = E.take_along_axis(ordered, E.cast(hi, "int64"), last) if n else None
    if not n:
        out = E.full([x.shape[i] for i in kept] + [nq], float("nan"), x.dtype, x.device)
    elif method in ("lower", "nearest"):
        out = lower
    elif method == "higher":
        out = upper
    elif method == "midpoint":
        out = E.multiply(E.add(lower, upper), 0.5)
    else:
        frac = E.cast(E.subtract(pos, lo), x.dtype)
        # Written as lower + (upper - lower) * frac, but an infinite upper must not turn a
        # zero fraction into NaN.
        step = E.where(E.equal(frac, 0), 0.0, E.multiply(E.subtract(upper, lower), frac))
        out = E.add(lower, step)
    if n:
        out = E.where(E.equal(count, 0), float("nan"), out)
    return _quantile_layout(out, x, q_t, kept, reduced, keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th quantiles (q in [0, 1]) of the non-NaN values over `axis`.

    The layout follows `quantile`: `q`'s shape first, then the remaining axes.

    Example:
    >>> nanquantile([1.0, float("nan"), 3.0, 2.0], 0.5).numpy()
    array(2., dtype=float32)
    """
    _check_q(q, 1, "Quantiles")
    x = tensor(x)
    x = E.cast(x, config.floatx() if x.dtype == "bool" else result_type(x.dtype, float))
    return _nan_quantile(x, q, axis, method, keepdims, "nanquantile")


def nanmedian(x, axis=None, keepdims=False):
    """Median of the non-NaN values over `axis`.

    Example:
    >>> nanmedian([1.0, float("nan"), 3.0]).numpy()
    array(2., dtype=float32)
    """
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)


def _percent(q):
    if type(q) is Tensor:
        return E.divide(E.cast(q, "float64"), 100.0)
    return np.asarray(q, dtype=np.float64) / 100.0


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th percentiles (q in [0, 100]) of the non-NaN values over `axis`.

    Example:
    >>> nanpercentile([1.0, float("nan"), 3.0], 50).numpy()
    array(2., dtype=float32)
    """
    _check_q(q, 100, "Percentiles")
    x = tensor(x)
    x = E.cast(x, x.dtype if is_float_dtype(x.dtype) else config.floatx())
    return _nan_quantile(x, _percent(q), axis, method, keepdims, "nanpercentile")


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th percentiles (q in [0, 100]) over `axis`; NaN where a slice holds NaN.

    Example:
    >>> percentile([1.0, 2.0, 3.0, 4.0], 50).numpy()
    array(2.5, dtype=float32)
    """
    _check_q(q, 100, "Percentiles")
    return quantile(x, _percent(q), axis=axis, method=method, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    """Peak to peak, `max - min`, over `axis` (the input's dtype).

    Example:
    >>> ptp([[4, 9, 2], [1, 5, 7]], axis=1).numpy()
    array([7, 6], dtype=int32)
    """
    x = tensor(x)
    if x.dtype == "bool":
        raise TypeError("`ptp` does not support bool inputs (max - min of booleans).")
    ax = _axes(x, axis, "ptp")
    return E.subtract(E.reduce("max", x, ax, keepdims), E.reduce("min", x, ax, keepdims))
