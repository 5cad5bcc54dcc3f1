"""Shared argument handling for the ops modules."""

from keras_like.backend.convert import check_int_range, convert_to_tensor
from keras_like.backend.dtypes import INT_BOUNDS
from keras_like.backend.engine import Tensor, _engine

E = _engine
SCALARS = (float, int, bool)


def operand(x):
    """A tensor or a Python scalar (which the engine treats as weakly typed)."""
    t = type(x)
    if t is Tensor or t is float or t is bool:
        return x
    if t is int:
        check_python_int(x, "int64", "convert_to_tensor")
        return x
    value = getattr(x, "_keras_like_value", None)
    if value is not None:
        return value()
    return convert_to_tensor(x)


def tensor(x, dtype=None):
    """Always a tensor; Python scalars get Keras's default dtypes."""
    if type(x) is Tensor and dtype is None and not x.weak:
        return x
    return convert_to_tensor(x, dtype)


def float_tensor(x):
    """A floating tensor: integer and bool inputs become floatx (Keras/JAX rule)."""
    from keras_like.backend import config

    t = tensor(x)
    if t.dtype in ("float16", "bfloat16", "float32", "float64"):
        return t
    return E.cast(t, config.floatx())


def binary(fn, x1, x2):
    """Applies an engine binary op; two Python scalars produce a strong tensor."""
    a, b = operand(x1), operand(x2)
    if type(a) is not Tensor and type(b) is not Tensor:
        a = tensor(a)
    return fn(a, b)


class AxisError(ValueError, IndexError):
    """An axis outside [-ndim, ndim); catchable as ValueError or IndexError, like NumPy's."""


def reduce_axes(axis, ndim, op):
    """`axes(axis)` checked against `ndim`, with errors that name the public op `op`."""
    out = axes(axis)
    if out is None:
        return None
    seen = set()
    for a in out:
        if not -ndim <= a < ndim:
            raise AxisError(f"`{op}`: axis {a} is out of bounds for a tensor of rank {ndim}. "
                            f"Received: axis={axis}")
        if a % max(ndim, 1) in seen:
            raise ValueError(f"`{op}`: repeated axis. Received: axis={axis}")
        seen.add(a % max(ndim, 1))
    return out


def axes(axis):
    """Normalises an `axis` argument to a list of ints, or None for all axes."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return [int(a) for a in axis]
    return [int(axis)]


_MAX_RANK = 64  # NumPy's limit, shared with the engine
_INT64_MAX = 2**63 - 1
_ITEMSIZE = {"bool": 1, "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "float16": 2,
             "bfloat16": 2, "int32": 4, "uint32": 4, "float32": 4, "int64": 8, "float64": 8}


def shape_list(shape, op="shape", dtype=None):
    """`shape` as a list of ints, refused with a ValueError naming `op` when no tensor can have it.

    Dimensions must be non-negative, at most 64 of them, and (given `dtype`) the byte size must
    fit in 64 bits.
    """
    dims = [shape] if isinstance(shape, int) else list(shape)
    out = [int(d) for d in dims]
    if len(out) > _MAX_RANK:
        raise ValueError(f"`{op}`: tensors have at most {_MAX_RANK} dimensions. "
                         f"Received: shape with {len(out)} dimensions")
    nbytes = _ITEMSIZE.get(dtype, 1)
    for d in out:
        if d < 0:
            raise ValueError(
                f"`{op}`: dimensions must be non-negative. Received: shape={tuple(out)}")
        nbytes *= d
    if nbytes > _INT64_MAX:
        raise ValueError(f"`{op}`: shape {tuple(out)} is too large: it needs {nbytes} bytes, "
                         "more than any machine can address")
    return out


def check_python_int(value, dtype, op):
    """Raises OverflowError when a Python int does not fit in `dtype` (never wraps silently)."""
    if type(value) is int and dtype in INT_BOUNDS:
        check_int_range(value, value, dtype, op)
