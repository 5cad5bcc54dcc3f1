"""Tensor creation: zeros, ones, full, arange, linspace, eye, tri and the *_like forms."""

import numpy as np

from keras_like.backend import config
from keras_like.backend.dtypes import is_float_dtype, is_int_dtype, result_type, standardize_dtype
from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, check_python_int, shape_list, tensor
from keras_like.ops.numpy_math import _float_operands


def _dtype(dtype):
    return config.floatx() if dtype is None else standardize_dtype(dtype)


def zeros(shape, dtype=None):
    """A tensor of zeros.

    >>> zeros((2, 3)).shape
    (2, 3)
    """
    dtype = _dtype(dtype)
    return E.full(shape_list(shape, "zeros", dtype), 0.0, dtype)


def ones(shape, dtype=None):
    dtype = _dtype(dtype)
    return E.full(shape_list(shape, "ones", dtype), 1.0, dtype)


def full(shape, fill_value, dtype=None):
    """A tensor of `shape` filled with `fill_value` (broadcast); floatx unless `dtype` is given.

    >>> full((2,), 7, dtype="int32").numpy()
    array([7, 7], dtype=int32)
    """
    dt = _dtype(dtype)
    dims = shape_list(shape, "full", dt)
    if isinstance(fill_value, (float, bool)):
        return E.full(dims, float(fill_value), dt)
    if isinstance(fill_value, int):
        check_python_int(fill_value, dt, "full")
        return E.full(dims, fill_value, dt)  # ints travel exactly
    fill = tensor(fill_value)
    return E.copy(E.broadcast_to(E.cast(fill, dt), dims))


def zeros_like(x, dtype=None):
    x = tensor(x)
    return E.full(list(x.shape), 0.0, standardize_dtype(dtype) if dtype else x.dtype)


def ones_like(x, dtype=None):
    x = tensor(x)
    return E.full(list(x.shape), 1.0, standardize_dtype(dtype) if dtype else x.dtype)


def full_like(x, fill_value, dtype=None):
    x = tensor(x)
    return full(x.shape, fill_value, x.dtype if dtype is None else dtype)


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def _scalar_dtype(value):
    """`value`'s dtype for `result_type`: Python numbers count as weak types."""
    if type(value) is Tensor:
        return value.dtype
    if hasattr(value, "dtype"):
        return standardize_dtype(value.dtype)
    return float if isinstance(value, float) else int


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in `[start, stop)`; Python ints give int32, floats floatx.

    >>> arange(1, 8, 3).numpy()
    array([1, 4, 7], dtype=int32)
    """
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if dtype is None:
        dtype = result_type(*(_scalar_dtype(v) for v in (start, stop, step)))
    dtype = standardize_dtype(dtype)
    start, stop, step = (v.item() if hasattr(v, "item") else v for v in (start, stop, step))
    if step == 0:
        raise ValueError(
            "Invalid value for argument `step`. Expected a non-zero value. Received: step=0"
        )
    if all(isinstance(v, int) for v in (start, stop, step)):
        n = -((start - stop) // step)  # exact ceil((stop - start) / step) for big ints
    else:
        n = np.ceil((stop - start) / step)
    n = max(0, int(n))
    if n and all(isinstance(v, int) for v in (start, step)):
        check_python_int(start, dtype, "arange")
        check_python_int(start + (n - 1) * step, dtype, "arange")
    shape_list([n], "arange", dtype)
    if dtype == "int64" and isinstance(start, int) and abs(start) > 2**53:
        # E.arange's start travels as a double; add an exact int64 start instead.
        return E.add(E.arange(0.0, float(step), n, dtype), tensor(start, dtype))
    return E.arange(float(start), float(step), n, dtype)


def _move_axis0(out, axis, name):
    """Moves the leading (samples) axis of `out` to `axis`."""
    if not -out.ndim <= axis < out.ndim:
        raise ValueError(
            f"`{name}`: axis {axis} is out of bounds for an output of rank {out.ndim}"
        )
    axis %= out.ndim
    if axis == 0:
        return out
    perm = list(range(1, out.ndim))
    perm.insert(axis, 0)
    return E.transpose(out, perm)


def _samples(start, stop, num, endpoint):
    """NumPy's linspace core in float64, samples on axis 0; returns (samples, step).

    Python bounds go straight to float64 (not through float32), so float64 output is exact.
    """
    if int(num) != num or num < 0:
        raise ValueError(
            "Invalid value for argument `num`. Expected a non-negative integer. "
            f"Received: num={num}"
        )
    num = int(num)
    start, stop = tensor(start, "float64"), tensor(stop, "float64")
    shape = list(np.broadcast_shapes(tuple(start.shape), tuple(stop.shape)))
    start, stop = E.broadcast_to(start, shape), E.broadcast_to(stop, shape)
    div = num - 1 if endpoint else num
    idx = E.reshape(E.arange(0.0, 1.0, num, "float64"), [num] + [1] * len(shape))
    delta = E.subtract(stop, start)
    if div <= 0:  # zero samples, or one with endpoint=True: the step is undefined
        return E.add(E.multiply(idx, delta), start), E.full([], float("nan"), "float64")
    step = E.divide(delta, float(div))
    out = E.add(E.multiply(idx, step), start)
    if endpoint and num > 1:  # the last sample is exactly `stop`, not start + div * step
        head = E.slice(out, [0] * out.ndim, [num - 1] + shape, [1] * out.ndim)
        out = E.concatenate([head, E.reshape(stop, [1] + shape)], 0)
    return out, step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced samples from `start` to `stop` (arrays broadcast; new axis `axis`).

    Integer dtypes floor the samples, as NumPy does. The default dtype is floatx, or the
    floating dtype of tensor bounds.

    >>> linspace(0.0, 1.0, 5).numpy()
    array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    float_dtype = _float_operands(start, stop)[0].dtype
    dt = float_dtype if dtype is None else standardize_dtype(dtype)
    out, step = _samples(start, stop, num, endpoint)
    out = _move_axis0(out, int(axis), "linspace")
    if is_int_dtype(dt):
        out = E.floor(out)
    out = E.cast(out, dt)
    if retstep:
        return out, E.cast(step, dt if is_float_dtype(dt) else float_dtype)
    return out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """`base ** linspace(start, stop, ...)`; `base` may be an array that broadcasts.

    >>> logspace(0, 3, 4).numpy()
    array([   1.,   10.,  100., 1000.], dtype=float32)
    """
    float_dtype = _float_operands(start, stop, base)[0].dtype
    start, stop, base = (tensor(v, "float64") for v in (start, stop, base))
    # base broadcasts with start and stop, below the samples axis.
    shape = list(np.broadcast_shapes(*(tuple(v.shape) for v in (start, stop, base))))
    exponents, _ = _samples(E.broadcast_to(start, shape), stop, num, endpoint)
    base = E.reshape(base, [1] + list(base.shape))
    out = _move_axis0(E.power(base, exponents), int(axis), "logspace")
    return E.cast(out, float_dtype if dtype is None else standardize_dtype(dtype))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """A geometric progression from `start` to `stop` (both non-zero and of one sign).

    >>> geomspace(1, 1000, 4).numpy()
    array([   1.,   10.,  100., 1000.], dtype=float32)
    """
    if any(np.any(np.asarray(v) == 0) for v in (start, stop) if type(v) is not Tensor):
        raise ValueError(
            f"Geometric sequence cannot include zero. Received: start={start}, stop={stop}"
        )
    float_dtype = _float_operands(start, stop)[0].dtype
    start, stop = tensor(start, "float64"), tensor(stop, "float64")
    shape = list(np.broadcast_shapes(tuple(start.shape), tuple(stop.shape)))
    start, stop = E.broadcast_to(start, shape), E.broadcast_to(stop, shape)
    # Negative sequences are positive ones times -1; mixed signs give NaN, as in NumPy.
    sign = E.sign(start)
    start, stop = E.multiply(start, sign), E.multiply(stop, sign)
    out, _ = _samples(E.log(start), E.log(stop), num, endpoint)
    # exp(log(x)) need not be x: pin the ends exactly, like NumPy.
    position = E.reshape(E.arange(0.0, 1.0, int(num), "float64"), [int(num)] + [1] * len(shape))
    out = E.where(E.equal(position, 0.0), start, E.exp(out))
    if endpoint and num > 1:
        out = E.where(E.equal(position, float(num - 1)), stop, out)
    out = _move_axis0(E.multiply(out, sign), int(axis), "geomspace")
    return E.cast(out, float_dtype if dtype is None else standardize_dtype(dtype))


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
