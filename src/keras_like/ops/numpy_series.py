"""Ops on sequences of samples: `diff`, `trapezoid`, `vander`, `corrcoef`."""

from keras_like.backend import config
from keras_like.backend.dtypes import result_type
from keras_like.ops._base import E, tensor
from keras_like.ops.numpy_shape import _axis, flip

__all__ = ["corrcoef", "diff", "trapezoid", "vander"]


def _slice(x, axis, start, stop):
    starts, stops = [0] * x.ndim, list(x.shape)
    starts[axis], stops[axis] = start, stop
    return E.slice(x, starts, stops, [1] * x.ndim)


def _first_difference(x, axis):
    n = x.shape[axis]
    head, tail = _slice(x, axis, 0, max(n - 1, 0)), _slice(x, axis, min(1, n), n)
    if x.dtype == "bool":
        return E.not_equal(tail, head)
    return E.subtract(tail, head)


def diff(a, n=1, axis=-1):
    """The `n`-th discrete difference along `axis`: `out[i] = a[i + 1] - a[i]`, n times.

    Boolean inputs give `a[i + 1] != a[i]`, as in NumPy.

    Example:
    >>> diff([1, 4, 9, 16]).numpy()
    array([3, 5, 7], dtype=int32)
    """
    x = tensor(a)
    n = int(n)
    if n < 0:
        raise ValueError(f"Invalid value for argument `n`. Expected n >= 0. Received: n={n}")
    if n == 0:
        return x
    if x.ndim == 0:
        raise ValueError("`diff` requires an input of rank >= 1. Received a 0-d tensor.")
    ax = _axis(axis, x.ndim, "diff")
    for _ in range(n):
        x = _first_difference(x, ax)
    return x


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of `y` along `axis` by the trapezoidal rule, at points `x` or spacing `dx`.

    Example:
    >>> trapezoid([1.0, 2.0, 3.0]).numpy()
    array(4., dtype=float32)
    """
    y = tensor(y)
    dtype = result_type(y.dtype, float)
    y = E.cast(y, dtype)
    ax = _axis(axis, y.ndim, "trapezoid")
    if x is None:
        step = tensor(dx, dtype) if not isinstance(dx, (int, float)) else float(dx)
    else:
        xs = E.cast(tensor(x), dtype)
        if xs.ndim == 1:
            xs = E.reshape(xs, [xs.shape[0] if i == ax else 1 for i in range(y.ndim)])
            step = _first_difference(xs, ax)
        else:
            step = _first_difference(xs, _axis(axis, xs.ndim, "trapezoid"))
    n = y.shape[ax]
    pair_sum = E.add(_slice(y, ax, 1, n), _slice(y, ax, 0, max(n - 1, 0)))
    return E.reduce("sum", E.multiply(E.multiply(pair_sum, step), 0.5), [ax], False)


def vander(x, N=None, increasing=False):  # noqa: N803 - NumPy's argument name
    """The Vandermonde matrix of a 1-D `x`: columns are powers of `x`.

    Column j holds `x ** (N - 1 - j)` (or `x ** j` with `increasing=True`); the result keeps
    `x`'s dtype.

    Example:
    >>> vander([1, 2, 3], 3).numpy()
    array([[1, 1, 1],
           [4, 2, 1],
           [9, 3, 1]], dtype=int32)
    """
    x = tensor(x)
    if x.ndim != 1:
        raise ValueError(f"Input tensor must be 1-dimensional. Received: input.shape={x.shape}")
    if N is not None:
        if not isinstance(N, int) or isinstance(N, bool):
            raise TypeError(f"Argument `N` must be of type `int`. Received: N={N} of type "
                            f"{type(N)}")
        if N < 0:
            raise ValueError(f"Argument 'N' must be nonnegative. Received: N={N}")
    if not isinstance(increasing, bool):
        raise TypeError(f"Argument `increasing` must be of type `bool`. Received: "
                        f"increasing={increasing} of type {type(increasing)}")
    m = x.shape[0]
    n = m if N is None else N
    work = E.cast(x, result_type(x.dtype, config.floatx()))
    column = E.reshape(work, [m, 1])
    if n == 0:
        return E.full([m, 0], 0.0, x.dtype, x.device)
    ones = E.full([m, 1], 1.0, work.dtype, x.device)
    if n == 1:
        powers = ones
    else:
        # Repeated products are exact for integers, unlike pow(x, k) in floating point.
        repeated = E.broadcast_to(column, [m, n - 1])
        powers = E.concatenate([ones, E.cumulative("prod", repeated, 1, False)], 1)
    if not increasing:
        powers = flip(powers, axis=1)
    return E.cast(powers, x.dtype)


def corrcoef(x):
    """Pearson correlation coefficients between the rows (variables) of `x`.

    Example:
    >>> corrcoef([[1.0, 2.0, 3.0], [2.0, 4.0, 7.0]]).numpy().round(4)
    array([[1.    , 0.9934],
           [0.9934, 1.    ]], dtype=float32)
    """
    x = tensor(x)
    if x.dtype in ("int64", "float64"):
        dtype = "float64"
    elif x.dtype in ("float16", "bfloat16"):
        dtype = x.dtype
    else:
        dtype = config.floatx()
    if x.ndim > 2:
        raise ValueError(f"`corrcoef` expects a 1-D or 2-D input. Received: x.shape={x.shape}")
    work = E.cast(x, result_type(dtype, "float32"))
    if work.ndim < 2:
        work = E.reshape(work, [1, -1])
    n = work.shape[1]
    centered = E.subtract(work, E.divide(E.reduce("sum", work, [1], True), float(n)))
    cov = E.divide(E.matmul(centered, E.transpose(centered, [1, 0])), float(n - 1))
    var = E.reduce("sum", E.multiply(centered, centered), [1], False)
    std = E.sqrt(E.divide(var, float(n - 1)))
    out = E.divide(E.divide(cov, E.reshape(std, [-1, 1])), E.reshape(std, [1, -1]))
    out = E.minimum(E.maximum(out, -1.0), 1.0)
    if x.ndim < 2:
        out = E.reshape(out, [])
    return E.cast(out, dtype)
