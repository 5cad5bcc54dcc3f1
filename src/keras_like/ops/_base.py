"""Shared argument handling for the ops modules."""

from keras_like.backend.convert import convert_to_tensor
from keras_like.backend.engine import Tensor, _engine

E = _engine
SCALARS = (float, int, bool)


def operand(x):
    """A tensor or a Python scalar (which the engine treats as weakly typed)."""
    t = type(x)
    if t is Tensor or t in SCALARS:
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


def axes(axis):
    """Normalises an `axis` argument to a list of ints, or None for all axes."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return [int(a) for a in axis]
    return [int(axis)]


def shape_list(shape):
    if isinstance(shape, int):
        return [shape]
    return [int(d) for d in shape]
