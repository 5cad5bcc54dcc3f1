"""Tensor creation: zeros, ones, full, arange, linspace, eye, tri and the *_like forms."""

import math as _math

from keras_like.backend import config
from keras_like.backend.dtypes import standardize_dtype
from keras_like.ops._base import E, shape_list, tensor


def _dtype(dtype):
    return config.floatx() if dtype is None else standardize_dtype(dtype)


def zeros(shape, dtype=None):
    """A tensor of zeros.

    >>> zeros((2, 3)).shape
    (2, 3)
    """
    return E.full(shape_list(shape), 0.0, _dtype(dtype))


def ones(shape, dtype=None):
    return E.full(shape_list(shape), 1.0, _dtype(dtype))


def full(shape, fill_value, dtype=None):
    fill = tensor(fill_value)
    dt = standardize_dtype(dtype) if dtype is not None else fill.dtype
    if fill.ndim == 0:
        return E.full(shape_list(shape), float(fill.numpy()), dt)
    return E.copy(E.broadcast_to(E.cast(fill, dt), shape_list(shape)))


def zeros_like(x, dtype=None):
    x = tensor(x)
    return E.full(list(x.shape), 0.0, standardize_dtype(dtype) if dtype else x.dtype)


def ones_like(x, dtype=None):
    x = tensor(x)
    return E.full(list(x.shape), 1.0, standardize_dtype(dtype) if dtype else x.dtype)


def full_like(x, fill_value, dtype=None):
    x = tensor(x)
    return full(x.shape, fill_value, dtype or x.dtype)


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in [start, stop); integer arguments give int32."""
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("Invalid value for argument `step`. Expected a non-zero value. Received: step=0")
    vals = [start, stop, step]
    if dtype is None:
        dtype = "int32" if all(isinstance(v, int) for v in vals) else config.floatx()
    n = max(0, _math.ceil((stop - start) / step))
    return E.arange(float(start), float(step), int(n), standardize_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dt = _dtype(dtype)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    div = (num - 1) if endpoint else num
    start_t, stop_t = tensor(start, "float64"), tensor(stop, "float64")
    step = E.divide(E.subtract(stop_t, start_t), float(div)) if div > 0 else E.multiply(E.subtract(stop_t, start_t), float("nan"))
    idx = E.arange(0.0, 1.0, int(num), "float64")
    shape = [num] + [1] * start_t.ndim
    idx = E.reshape(idx, shape)
    out = E.add(E.multiply(idx, step), start_t) if div > 0 else E.add(E.multiply(idx, 0.0), start_t)
    if endpoint and num > 1:
        last = E.reshape(stop_t, [1] + list(stop_t.shape))
        out = E.concatenate([E.slice(out, [0] * out.ndim, [num - 1] + list(out.shape[1:]), [1] * out.ndim), last], 0)
    if axis != 0 and out.ndim > 1:
        ax = axis % out.ndim
        perm = list(range(1, out.ndim))
        perm.insert(ax, 0)
        out = E.transpose(out, perm)
    out = E.cast(out, dt)
    if retstep:
        return out, E.cast(step, dt)
    return out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    lin = linspace(start, stop, num, endpoint=endpoint, dtype="float64", axis=axis)
    return E.cast(E.power(tensor(float(base), "float64"), lin), _dtype(dtype))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    lin = linspace(_math.log10(start), _math.log10(stop), num, endpoint=endpoint, dtype="float64", axis=axis)
    return E.cast(E.power(tensor(10.0, "float64"), lin), _dtype(dtype))


def _tri_mask(n, m, k):
    rows = E.reshape(E.arange(0.0, 1.0, n, "int64"), [n, 1])
    cols = E.reshape(E.arange(0.0, 1.0, m, "int64"), [1, m])
    return E.less_equal(E.subtract(cols, rows), int(k))


def eye(N, M=None, k=0, dtype=None):
    """2-D tensor with ones on the k-th diagonal."""
    M = N if M is None else M
    rows = E.reshape(E.arange(0.0, 1.0, int(N), "int64"), [N, 1])
    cols = E.reshape(E.arange(0.0, 1.0, int(M), "int64"), [1, M])
    return E.cast(E.equal(E.subtract(cols, rows), int(k)), _dtype(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    return E.cast(_tri_mask(int(N), int(M), k), _dtype(dtype))


def tril(x, k=0):
    x = tensor(x)
    n, m = x.shape[-2], x.shape[-1]
    return E.where(_tri_mask(n, m, k), x, E.full([], 0.0, x.dtype))


def triu(x, k=0):
    x = tensor(x)
    n, m = x.shape[-2], x.shape[-1]
    return E.where(_tri_mask(n, m, k - 1), E.full([], 0.0, x.dtype), x)
