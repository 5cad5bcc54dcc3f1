"""Element-wise arithmetic, math functions, comparisons and logic (`keras.ops` numpy part)."""

import math as _math

from keras_like.backend.dtypes import is_float_dtype, is_int_dtype, result_type
from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, binary, float_tensor, operand, tensor


def _float_operands(*xs):
    """Casts all inputs to `result_type(*dtypes, float)`, the Keras/JAX rule for float math.

    Casting each input to float on its own would turn float16 + int32 into float32; promoting
    first keeps float16. Python scalars take part as weak types.
    """
    values = [operand(x) for x in xs]
    kinds = []
    for v in values:
        if type(v) is not Tensor:
            kinds.append(float if isinstance(v, float) else int if type(v) is int else bool)
        elif v.weak:
            kinds.append(float if is_float_dtype(v.dtype) else int)
        else:
            kinds.append(v.dtype)
    dtype = result_type(*kinds, float)
    return [tensor(v, dtype) for v in values]


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
    x = tensor(x)
    # JAX promotes bool to int32 for arithmetic; squaring a bool tensor would stay bool.
    return E.square(E.cast(x, "int32") if x.dtype == "bool" else x)


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
    """`log(exp(x1) + exp(x2))` without overflow, exact for infinities.

    >>> logaddexp(0.0, 0.0).numpy()  # log(2)
    array(0.6931472, dtype=float32)
    """
    a, b = _float_operands(x1, x2)
    # inf - inf is NaN: equal infinities get a zero difference (giving inf + log 2 = inf).
    # Finite ties keep b - a, whose gradient splits 1/2 : 1/2.
    d = E.where(E.logical_and(E.equal(a, b), E.isinf(a)), 0.0, E.subtract(b, a))
    # Each branch is larger + softplus(smaller - larger): accurate when the smaller term is
    # tiny, and its gradient is sigmoid(x1 - x2) everywhere (1/2 each at ties).
    return E.where(E.greater_equal(a, b), E.add(a, E.softplus(d)),
                   E.add(b, E.softplus(E.negative(d))))


def floor(x):
    """Largest integer <= x; integer inputs give floatx, as in Keras."""
    return E.floor(float_tensor(x))


def ceil(x):
    """Smallest integer >= x; integer inputs give floatx, as in Keras."""
    return E.ceil(float_tensor(x))


def round(x, decimals=0):  # noqa: A001
    """Rounds half to even to `decimals` places, like NumPy; integers keep their dtype.

    >>> round([1.25, 2.5, 135.0], decimals=-1).numpy()
    array([  0.,   0., 140.], dtype=float32)
    """
    x = tensor(x)
    decimals = int(decimals)
    if decimals == 0:
        return E.round(x)
    if is_int_dtype(x.dtype):
        return x if decimals > 0 else _round_int(x, 10 ** (-decimals))
    if decimals > 0:
        factor = 10.0**decimals
        return E.divide(E.round(E.multiply(x, factor)), factor)
    # Dividing by 10**n (exact) rather than multiplying by 10**-n (inexact), as NumPy does.
    factor = 10.0 ** (-decimals)
    return E.multiply(E.round(E.divide(x, factor)), factor)


def _round_int(x, factor):
    """Integer rounding to a multiple of `factor`, half to even, in exact int64 arithmetic."""
    if factor > 10**18:  # beyond int64: every value rounds to 0
        return E.multiply(x, 0)
    w = E.cast(x, "int64")
    q = E.floor_divide(w, factor)
    twice_rest = E.multiply(E.subtract(w, E.multiply(q, factor)), 2)  # 2 * (w mod factor)
    tie_to_odd = E.logical_and(E.equal(twice_rest, factor), E.equal(E.mod(q, 2), 1))
    up = E.logical_or(E.greater(twice_rest, factor), tie_to_odd)
    return E.cast(E.multiply(E.add(q, E.cast(up, "int64")), factor), x.dtype)


def trunc(x):
    x = tensor(x)
    if not x.dtype.startswith(("float", "bfloat")):
        return x
    return E.where(E.less(x, 0), E.ceil(x), E.floor(x))


fix = trunc


def clip(x, x_min, x_max):
    """Limits values to `[x_min, x_max]`; bool inputs become int32; a `None` bound is open.

    >>> clip([-2, 0, 5], -1, 3).numpy()
    array([-1,  0,  3], dtype=int32)
    """
    x = tensor(x)
    if x.dtype == "bool":
        x = E.cast(x, "int32")
    if x_min is not None:
        x = E.maximum(x, operand(x_min))
    if x_max is not None:
        x = E.minimum(x, operand(x_max))
    return x


def copysign(x1, x2):
    """The magnitude of `x1` with the sign bit of `x2` (so -0.0 counts as negative).

    >>> copysign([1.0, 2.0], [-0.0, 3.0]).numpy()
    array([-1.,  2.], dtype=float32)
    """
    a, b = _float_operands(x1, x2)
    # where(signbit) instead of abs(): the engine's abs keeps the sign of -0.0.
    magnitude = E.where(_signbit(a), E.negative(a), a)
    return E.where(_signbit(b), E.negative(magnitude), magnitude)


def _signbit(t):
    # -0.0 has a negative sign: 1 / -0.0 == -inf. (NaN's sign bit cannot be read without a
    # bit cast, which the engine lacks; NaN counts as positive.)
    return E.logical_or(E.less(t, 0), E.logical_and(E.equal(t, 0), E.less(E.reciprocal(t), 0)))


def signbit(x):
    """True where the sign bit is set: negative values and -0.0.

    >>> signbit([-1.0, -0.0, 0.0, 2.0]).numpy()
    array([ True,  True, False, False])
    """
    t = tensor(x)
    if not is_float_dtype(t.dtype):
        return E.less(t, 0)
    return _signbit(t)


def hypot(x1, x2):
    """`sqrt(x1**2 + x2**2)` without overflow or underflow in the squares.

    >>> hypot(3.0, 4.0).numpy()
    array(5., dtype=float32)
    """
    a, b = _float_operands(x1, x2)
    a, b = E.abs(a), E.abs(b)
    hi, lo = E.maximum(a, b), E.minimum(a, b)
    ratio = E.divide(lo, E.where(E.equal(hi, 0), 1.0, hi))
    out = E.multiply(hi, E.sqrt(E.add(E.square(ratio), 1.0)))
    # An infinite side wins even over NaN (C99 hypot), and inf / inf must not give NaN.
    return E.where(E.logical_or(E.isinf(a), E.isinf(b)), float("inf"), out)


def deg2rad(x):
    return E.multiply(float_tensor(x), _math.pi / 180.0)


def rad2deg(x):
    return E.multiply(float_tensor(x), 180.0 / _math.pi)


_FLOAT_MAX = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38,
              "float32": 3.4028234663852886e38, "float64": 1.7976931348623157e308}


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN with `nan` and infinities with `posinf` / `neginf` (default: the dtype's
    largest finite values).

    >>> nan_to_num([float("nan"), float("inf"), 1.0], posinf=9.0).numpy()
    array([0., 9., 1.], dtype=float32)
    """
    x = tensor(x)
    if not is_float_dtype(x.dtype):
        return x
    big = _FLOAT_MAX[x.dtype]
    posinf = big if posinf is None else float(posinf)
    neginf = -big if neginf is None else float(neginf)
    # All masks come from the input, so nan=inf stays inf (NumPy), not posinf.
    is_posinf = E.logical_and(E.isinf(x), E.greater(x, 0))
    is_neginf = E.logical_and(E.isinf(x), E.less(x, 0))
    out = E.where(E.isnan(x), float(nan), x)
    out = E.where(is_posinf, posinf, out)
    return E.where(is_neginf, neginf, out)


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
        raise ValueError(
            "`x1` and `x2` either both should be `None` or both should have non-None value."
        )
    c, a, b = operand(condition), operand(x1), operand(x2)
    if type(a) is not Tensor and type(b) is not Tensor:
        a = tensor(a)
    return E.where(tensor(c), a, b)
