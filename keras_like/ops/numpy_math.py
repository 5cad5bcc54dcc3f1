"""Element-wise arithmetic, math functions, comparisons and logic (`keras.ops` numpy part)."""

import math as _math

from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, binary, float_tensor, operand, tensor


def add(x1, x2):
    """Element-wise `x1 + x2` with broadcasting.

    >>> add([1, 2], 3).numpy()
    array([4, 5], dtype=int32)
    """
    return binary(E.add, x1, x2)


def subtract(x1, x2):
    """Element-wise `x1 - x2`."""
    return binary(E.subtract, x1, x2)


def multiply(x1, x2):
    """Element-wise `x1 * x2`."""
    return binary(E.multiply, x1, x2)


def divide(x1, x2):
    """True division; integer inputs give floats."""
    return binary(E.divide, x1, x2)


true_divide = divide


def divide_no_nan(x1, x2):
    """`x1 / x2`, with 0 wherever `x2 == 0`."""
    a, b = operand(x1), operand(x2)
    b_t = tensor(b)
    zero = E.equal(b_t, 0)
    safe = E.where(zero, 1, b_t)
    return E.where(zero, 0, binary(E.divide, a, safe))


def floor_divide(x1, x2):
    return binary(E.floor_divide, x1, x2)


def mod(x1, x2):
    """Remainder with the sign of the divisor (Python / NumPy `%`)."""
    return binary(E.mod, x1, x2)


def power(x1, x2):
    return binary(E.power, x1, x2)


def maximum(x1, x2):
    return binary(E.maximum, x1, x2)


def minimum(x1, x2):
    return binary(E.minimum, x1, x2)


def arctan2(x1, x2):
    return binary(E.arctan2, x1, x2)


def negative(x):
    return E.negative(tensor(x))


def positive(x):
    return tensor(x)


def absolute(x):
    return E.abs(tensor(x))


abs = absolute  # noqa: A001 - Keras exports ops.abs


def sign(x):
    return E.sign(tensor(x))


def square(x):
    return E.square(tensor(x))


def sqrt(x):
    return E.sqrt(float_tensor(x))


def reciprocal(x):
    return E.reciprocal(float_tensor(x))


def _float_unary(name, doc):
    fn = getattr(E, name)

    def op(x):
        return fn(float_tensor(x))

    op.__name__ = name
    op.__doc__ = doc
    return op


exp = _float_unary("exp", "Element-wise e**x.")
expm1 = _float_unary("expm1", "Element-wise e**x - 1, accurate near 0.")
log = _float_unary("log", "Natural logarithm.")
log1p = _float_unary("log1p", "log(1 + x), accurate near 0.")
sin = _float_unary("sin", "Sine.")
cos = _float_unary("cos", "Cosine.")
tan = _float_unary("tan", "Tangent.")
arcsin = _float_unary("arcsin", "Inverse sine.")
arccos = _float_unary("arccos", "Inverse cosine.")
arctan = _float_unary("arctan", "Inverse tangent.")
sinh = _float_unary("sinh", "Hyperbolic sine.")
cosh = _float_unary("cosh", "Hyperbolic cosine.")
tanh = _float_unary("tanh", "Hyperbolic tangent.")
arcsinh = _float_unary("arcsinh", "Inverse hyperbolic sine.")
arccosh = _float_unary("arccosh", "Inverse hyperbolic cosine.")
arctanh = _float_unary("arctanh", "Inverse hyperbolic tangent.")


def exp2(x):
    x = float_tensor(x)
    return E.exp(E.multiply(x, _math.log(2.0)))


def log2(x):
    return E.multiply(E.log(float_tensor(x)), 1.0 / _math.log(2.0))


def log10(x):
    return E.multiply(E.log(float_tensor(x)), 1.0 / _math.log(10.0))


def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)) without overflow."""
    a, b = float_tensor(x1), float_tensor(x2)
    m = E.maximum(a, b)
    safe_m = E.where(E.isfinite(m), m, 0.0)
    return E.add(safe_m, E.log(E.add(E.exp(E.subtract(a, safe_m)), E.exp(E.subtract(b, safe_m)))))


def floor(x):
    return E.floor(tensor(x))


def ceil(x):
    return E.ceil(tensor(x))


def round(x, decimals=0):  # noqa: A001
    """Rounds half to even, like NumPy."""
    x = tensor(x)
    if decimals == 0:
        return E.round(x)
    if not x.dtype.startswith(("float", "bfloat")):
        factor = 10 ** (-decimals)
        if decimals > 0:
            return x
        return E.multiply(E.round(E.divide(x, float(factor))), factor)
    factor = 10.0**decimals
    return E.divide(E.round(E.multiply(x, factor)), factor)


def trunc(x):
    x = tensor(x)
    if not x.dtype.startswith(("float", "bfloat")):
        return x
    return E.where(E.less(x, 0), E.ceil(x), E.floor(x))


fix = trunc


def clip(x, x_min, x_max):
    """Limits values to [x_min, x_max]."""
    x = tensor(x)
    if x.dtype == "bool":
        x = E.cast(x, "int32")
    return E.minimum(E.maximum(x, operand(x_min)), operand(x_max))


def copysign(x1, x2):
    a = float_tensor(x1)
    return E.multiply(E.abs(a), E.where(_signbit(x2), -1.0, 1.0))


def _signbit(x):
    t = float_tensor(x)
    # -0.0 has a negative sign: 1 / -0.0 == -inf.
    return E.logical_or(E.less(t, 0), E.logical_and(E.equal(t, 0), E.less(E.reciprocal(t), 0)))


def signbit(x):
    t = tensor(x)
    if not t.dtype.startswith(("float", "bfloat")):
        return E.less(t, 0)
    return _signbit(t)


def hypot(x1, x2):
    a, b = float_tensor(x1), float_tensor(x2)
    return E.sqrt(E.add(E.square(a), E.square(b)))


def deg2rad(x):
    return E.multiply(float_tensor(x), _math.pi / 180.0)


def rad2deg(x):
    return E.multiply(float_tensor(x), 180.0 / _math.pi)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = tensor(x)
    if not x.dtype.startswith(("float", "bfloat")):
        return x
    big = {"float16": 65504.0, "bfloat16": 3.3895e38, "float32": 3.4028234663852886e38,
           "float64": 1.7976931348623157e308}[x.dtype]
    x = E.where(E.isnan(x), float(nan), x)
    x = E.where(E.logical_and(E.isinf(x), E.greater(x, 0)), big if posinf is None else posinf, x)
    return E.where(E.logical_and(E.isinf(x), E.less(x, 0)), -big if neginf is None else neginf, x)


def isnan(x):
    return E.isnan(tensor(x))


def isinf(x):
    return E.isinf(tensor(x))


def isfinite(x):
    return E.isfinite(tensor(x))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    a, b = tensor(x1), tensor(x2)
    close = E.less_equal(E.abs(E.subtract(a, b)), E.add(atol, E.multiply(rtol, E.abs(b))))
    close = E.logical_or(close, E.equal(a, b))
    if equal_nan:
        close = E.logical_or(close, E.logical_and(E.isnan(a), E.isnan(b)))
    return close


def equal(x1, x2):
    return binary(E.equal, x1, x2)


def not_equal(x1, x2):
    return binary(E.not_equal, x1, x2)


def less(x1, x2):
    return binary(E.less, x1, x2)


def less_equal(x1, x2):
    return binary(E.less_equal, x1, x2)


def greater(x1, x2):
    return binary(E.greater, x1, x2)


def greater_equal(x1, x2):
    return binary(E.greater_equal, x1, x2)


def logical_and(x1, x2):
    return binary(E.logical_and, x1, x2)


def logical_or(x1, x2):
    return binary(E.logical_or, x1, x2)


def logical_xor(x1, x2):
    return binary(E.logical_xor, x1, x2)


def logical_not(x):
    return E.logical_not(tensor(x))


def bitwise_and(x, y):
    return binary(E.bitwise_and, x, y)


def bitwise_or(x, y):
    return binary(E.bitwise_or, x, y)


def bitwise_xor(x, y):
    return binary(E.bitwise_xor, x, y)


def bitwise_invert(x):
    return E.bitwise_invert(tensor(x))


bitwise_not = bitwise_invert


def bitwise_left_shift(x, y):
    return binary(E.left_shift, x, y)


def bitwise_right_shift(x, y):
    return binary(E.right_shift, x, y)


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


def where(condition, x1=None, x2=None):
    """Picks `x1` where `condition` holds, else `x2`; with one argument, the indices."""
    if x1 is None and x2 is None:
        from keras_like.ops.numpy_shape import nonzero

        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("`x1` and `x2` either both should be `None` or both should have non-None value.")
    c, a, b = operand(condition), operand(x1), operand(x2)
    if type(a) is not Tensor and type(b) is not Tensor:
        a = tensor(a)
    return E.where(tensor(c), a, b)
