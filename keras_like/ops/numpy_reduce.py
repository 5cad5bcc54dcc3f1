"""Reductions, arg-reductions, sorting and scans."""

from keras_like.backend import config
from keras_like.ops._base import E, axes, float_tensor, tensor


def _reduce(kind, x, axis, keepdims):
    x = tensor(x)
    return E.reduce(kind, x, axes(axis), keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    """Sum over `axis` (all axes when None).

    >>> sum([[1, 2], [3, 4]], axis=0).numpy()
    array([4, 6], dtype=int32)
    """
    return _reduce("sum", x, axis, keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = tensor(x, dtype)
    return _reduce("prod", x, axis, keepdims)


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    out = _reduce("max", x, axis, keepdims)
    return out if initial is None else E.maximum(out, initial)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    out = _reduce("min", x, axis, keepdims)
    return out if initial is None else E.minimum(out, initial)


amax = max
amin = min


def any(x, axis=None, keepdims=False):  # noqa: A001
    return _reduce("any", x, axis, keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    return _reduce("all", x, axis, keepdims)


def _count(x, axis):
    if axis is None:
        return x.size
    n = 1
    for a in axes(axis):
        n *= x.shape[a]
    return n


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean; integer inputs give floatx."""
    x = tensor(x)
    if not x.dtype.startswith(("float", "bfloat")):
        x = E.cast(x, config.floatx())
    total = E.reduce("sum", x, axes(axis), keepdims)
    n = _count(x, axis)
    return E.divide(total, float(n)) if n else E.multiply(total, float("nan"))


def var(x, axis=None, keepdims=False):
    x = float_tensor(x)
    m = mean(x, axis, keepdims=True)
    return mean(E.square(E.subtract(x, m)), axis, keepdims)


def std(x, axis=None, keepdims=False):
    return E.sqrt(var(x, axis, keepdims))


def average(x, axis=None, weights=None):
    x = float_tensor(x)
    if weights is None:
        return mean(x, axis)
    w = tensor(weights, x.dtype)
    if axis is not None and w.ndim == 1 and x.ndim > 1:
        ax = axes(axis)[0] % x.ndim
        shape = [1] * x.ndim
        shape[ax] = w.shape[0]
        w = E.reshape(w, shape)
    return E.divide(sum(E.multiply(x, w), axis), sum(E.broadcast_to(w, list(x.shape)) if w.shape != x.shape else w, axis))


def argmax(x, axis=None, keepdims=False):
    """Index of the largest value (first one on ties) as int32."""
    x = tensor(x)
    if axis is None:
        out = E.arg_reduce(E.reshape(x, [-1]), True, 0, False)
        return E.reshape(out, [1] * x.ndim) if keepdims else out
    return E.arg_reduce(x, True, int(axis), keepdims)


def argmin(x, axis=None, keepdims=False):
    x = tensor(x)
    if axis is None:
        out = E.arg_reduce(E.reshape(x, [-1]), False, 0, False)
        return E.reshape(out, [1] * x.ndim) if keepdims else out
    return E.arg_reduce(x, False, int(axis), keepdims)


def sort(x, axis=-1):
    x = tensor(x)
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    return E.sort(x, axis, False)[0]


def argsort(x, axis=-1):
    x = tensor(x)
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    return E.sort(x, axis, False)[1]


def cumsum(x, axis=None, dtype=None):
    x = tensor(x, dtype)
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    return E.cumulative("sum", x, int(axis), False)


def cumprod(x, axis=None, dtype=None):
    x = tensor(x, dtype)
    if axis is None:
        x, axis = E.reshape(x, [-1]), 0
    return E.cumulative("prod", x, int(axis), False)


def count_nonzero(x, axis=None):
    return E.reduce("sum", E.cast(E.not_equal(tensor(x), 0), "int32"), axes(axis), False)


def median(x, axis=None, keepdims=False):
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """Quantiles with NumPy's methods: linear, lower, higher, midpoint, nearest."""
    x = float_tensor(x)
    q_t = tensor(q, "float64")
    ndim = x.ndim
    if axis is None:
        work, ax = E.reshape(x, [-1]), 0
    else:
        ax_list = [a % ndim for a in axes(axis)]
        keep = [i for i in range(ndim) if i not in ax_list]
        work = E.transpose(x, keep + ax_list)
        work = E.reshape(work, [x.shape[i] for i in keep] + [-1])
        ax = work.ndim - 1
    sorted_x = E.sort(work, ax, False)[0]
    n = sorted_x.shape[ax]
    pos = E.multiply(q_t, float(n - 1))
    if method == "linear":
        lo = E.floor(pos)
    elif method in ("lower", "higher", "midpoint", "nearest"):
        lo = E.floor(pos)
    else:
        raise ValueError(
            "Invalid value for argument `method`. Expected one of 'linear', 'lower', 'higher', "
            f"'midpoint', 'nearest'. Received: method={method}"
        )
    hi = E.minimum(E.add(lo, 1.0), float(n - 1))
    if method == "nearest":
        idx = E.round(pos)
        lo = hi = idx
    frac = E.cast(E.subtract(pos, lo), x.dtype)
    lo_i, hi_i = E.cast(lo, "int64"), E.cast(hi, "int64")
    lo_v = E.take(sorted_x, E.reshape(lo_i, [-1]), ax)
    hi_v = E.take(sorted_x, E.reshape(hi_i, [-1]), ax)
    if method == "lower" or method == "nearest":
        out = lo_v
    elif method == "higher":
        out = hi_v
    elif method == "midpoint":
        out = E.multiply(E.add(lo_v, hi_v), 0.5)
    else:
        f = E.reshape(frac, [-1])
        out = E.add(lo_v, E.multiply(E.subtract(hi_v, lo_v), f))
    # out has the quantile axis at `ax`; NumPy puts q's axes first.
    if q_t.ndim == 0:
        out = E.reshape(out, list(out.shape[:ax]) + list(out.shape[ax + 1:]))
    else:
        perm = [ax] + [i for i in range(out.ndim) if i != ax]
        out = E.transpose(out, perm)
    if keepdims:
        if axis is None:
            shape = list(out.shape[: q_t.ndim]) + [1] * ndim
        else:
            shape = list(out.shape[: q_t.ndim]) + [1 if i in ax_list else x.shape[i] for i in range(ndim)]
        out = E.reshape(out, shape)
    return out
