"""Element-wise NumPy functions beyond plain arithmetic: cbrt, fmod, gcd, i0, sinc, nextafter...

Each one is a composite of engine ops (so gradients come for free where they exist) with
Keras's result dtypes.
"""

import math as _math

from keras_like.backend import config
from keras_like.backend.dtypes import is_float_dtype, is_int_dtype, result_type
from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, operand, tensor
from keras_like.ops.numpy_math import isclose, logaddexp

__all__ = [
    "allclose", "cbrt", "fabs", "fmax", "fmin", "fmod", "gcd", "heaviside", "i0", "isneginf",
    "isposinf", "lcm", "ldexp", "logaddexp2", "nextafter", "sinc",
]

_SMALL_INTS = ("bool", "int8", "int16", "int32", "uint8")


def _kind(v):
    """A value's part in dtype promotion: Python scalars and weak tensors are weak types."""
    if type(v) is not Tensor:
        return float if isinstance(v, float) else int if type(v) is int else bool
    if v.weak:
        return float if is_float_dtype(v.dtype) else int
    return v.dtype


def _promoted(*xs, extra=()):
    """The inputs as tensors of their common Keras result dtype (plus `extra` dtypes)."""
    values = [operand(x) for x in xs]
    dtype = result_type(*[_kind(v) for v in values], *extra)
    return dtype, [tensor(v, dtype) for v in values]


def _float_of(x, int64_to="float64"):
    """Keras's float dtype for a unary float function of `x` (small ints give floatx)."""
    if x.dtype in _SMALL_INTS:
        return config.floatx()
    if x.dtype == "int64":
        return int64_to
    return x.dtype


def cbrt(x):
    """Real cube root, element-wise (negative inputs give negative roots).

    Args:
        x: Input tensor.

    Returns:
        The cube roots; integers give floatx (int64 gives float64).

    Example:
    >>> cbrt([-8.0, 27.0]).numpy()
    array([-2.,  3.], dtype=float32)
    """
    x = tensor(x)
    x = E.cast(x, _float_of(x))
    magnitude = E.abs(x)
    # Snap to the nearest integer root when it cubes back exactly (8 -> 2, not 1.9999999).
    root = E.power(magnitude, 1.0 / 3.0)
    nearest = E.round(root)
    exact = E.logical_and(E.equal(E.multiply(E.multiply(nearest, nearest), nearest), magnitude),
                          E.isfinite(root))
    root = E.where(exact, E.add(E.subtract(root, root.detach()), nearest.detach()), root)
    return E.where(E.less(x, 0), E.negative(root), root)


def fabs(x):
    """Absolute value; integer and bool inputs become floatx.

    Example:
    >>> fabs([-1, 2]).numpy()
    array([1., 2.], dtype=float32)
    """
    x = tensor(x)
    if not is_float_dtype(x.dtype):
        x = E.cast(x, config.floatx())
    return E.abs(x)


def _ignoring_nan(extremum, x1, x2):
    """`extremum(x1, x2)` where a NaN on one side yields the other side's value."""
    _, (a, b) = _promoted(x1, x2)
    out = extremum(a, b)
    if is_float_dtype(a.dtype):
        out = E.where(E.isnan(a), b, E.where(E.isnan(b), a, out))
    return out


def fmax(x1, x2):
    """Element-wise maximum that ignores NaN: NaN only where both inputs are NaN.

    Example:
    >>> fmax([1.0, float("nan")], [float("nan"), 2.0]).numpy()
    array([1., 2.], dtype=float32)
    """
    return _ignoring_nan(E.maximum, x1, x2)


def fmin(x1, x2):
    """Element-wise minimum that ignores NaN: NaN only where both inputs are NaN.

    Example:
    >>> fmin([1.0, float("nan")], [float("nan"), 2.0]).numpy()
    array([1., 2.], dtype=float32)
    """
    return _ignoring_nan(E.minimum, x1, x2)


def fmod(x1, x2):
    """Remainder of truncated division: the result has the sign of `x1` (C `fmod`).

    Integer division by zero gives 0, as NumPy does.

    Example:
    >>> fmod([-7, 7], [3, -3]).numpy()
    array([-1,  1], dtype=int32)
    """
    dtype, (a, b) = _promoted(x1, x2)
    if dtype == "bool":
        a, b = E.cast(a, "int32"), E.cast(b, "int32")
    zero = E.equal(b, 0)
    if is_float_dtype(a.dtype):
        r = E.mod(a, b)
    else:
        r = E.mod(a, E.where(zero, 1, b))
    # The floored remainder has the sign of b; move it to the sign of a.
    wrong_sign = E.logical_and(E.not_equal(r, 0), E.not_equal(E.less(r, 0), E.less(a, 0)))
    r = E.where(wrong_sign, E.subtract(r, b), r)
    if is_float_dtype(a.dtype):
        # x mod inf is x itself for finite x (the floored remainder gives inf for x < 0).
        return E.where(E.logical_and(E.isinf(b), E.isfinite(a)), a, r)
    return E.where(zero, 0, r)


_EUCLID_STEPS = {"uint8": 14, "int8": 14, "int16": 26, "uint16": 26, "int32": 48, "uint32": 48,
                 "int64": 94}


def _int_pair(x1, x2, op):
    dtype, (a, b) = _promoted(x1, x2)
    if not is_int_dtype(dtype):
        raise TypeError(
            f"`{op}` expects integer inputs. Received: x1.dtype={a.dtype}, x2.dtype={b.dtype}"
        )
    return a, b


def _gcd(a, b):
    a, b = E.abs(a), E.abs(b)
    # Euclid's algorithm; consecutive Fibonacci numbers are the worst case, so a dtype's
    # width bounds the number of steps.
    for _ in range(_EUCLID_STEPS[a.dtype]):
        zero = E.equal(b, 0)
        rest = E.where(zero, 0, E.mod(a, E.where(zero, 1, b)))
        a, b = E.where(zero, a, b), rest
    return a


def gcd(x1, x2):
    """Greatest common divisor of `|x1|` and `|x2|`, element-wise (`gcd(0, 0) == 0`).

    Example:
    >>> gcd([12, 20], [18, -8]).numpy()
    array([6, 4], dtype=int32)
    """
    a, b = _int_pair(x1, x2, "gcd")
    return _gcd(a, b)


def lcm(x1, x2):
    """Least common multiple of `|x1|` and `|x2|`, element-wise (0 when either is 0).

    Example:
    >>> lcm([4, 6], [6, 0]).numpy()
    array([12,  0], dtype=int32)
    """
    a, b = _int_pair(x1, x2, "lcm")
    g = _gcd(a, b)
    zero = E.equal(g, 0)
    return E.where(zero, 0, E.abs(E.multiply(E.floor_divide(a, E.where(zero, 1, g)), b)))


def heaviside(x1, x2):
    """Heaviside step: 0 where `x1 < 0`, `x2` where `x1 == 0`, 1 where `x1 > 0`.

    Example:
    >>> heaviside([-1.5, 0.0, 2.0], 0.5).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
    """
    dtype, (a, b) = _promoted(x1, x2)
    if dtype in _SMALL_INTS[1:]:
        dtype = config.floatx()
    elif dtype == "int64":
        dtype = "float64"
    a, b = E.cast(a, dtype), E.cast(b, dtype)
    out = E.where(E.less(a, 0), 0, E.where(E.greater(a, 0), 1, b))
    if is_float_dtype(dtype):
        out = E.where(E.isnan(a), float("nan"), out)
    return out


# Chebyshev coefficients of exp(-x) I0(x) on [0, 8] and of exp(-x) sqrt(x) I0(x) on (8, inf)
# (Cephes, as used by NumPy's i0).
_I0_A = (
    -4.41534164647933937950e-18, 3.33079451882223809783e-17, -2.43127984654795469359e-16,
    1.71539128555513303061e-15, -1.16853328779934516808e-14, 7.67618549860493561688e-14,
    -4.85644678311192946090e-13, 2.95505266312963983461e-12, -1.72682629144155570723e-11,
    9.67580903537323691224e-11, -5.18979560163526290666e-10, 2.65982372468238665035e-09,
    -1.30002500998624804212e-08, 6.04699502254191894932e-08, -2.67079385394061173391e-07,
    1.11738753912010371815e-06, -4.41673835845875056359e-06, 1.64484480707288970893e-05,
    -5.75419501008210370398e-05, 1.88502885095841655729e-04, -5.76375574538582365885e-04,
    1.63947561694133579842e-03, -4.32430999505057594430e-03, 1.05464603945949983183e-02,
    -2.37374148058994688156e-02, 4.93052842396707084878e-02, -9.49010970480476444210e-02,
    1.71620901522208775349e-01, -3.04682672343198398683e-01, 6.76795274409476084995e-01,
)
_I0_B = (
    -7.23318048787475395456e-18, -4.83050448594418207126e-18, 4.46562142029675999901e-17,
    3.46122286769746109310e-17, -2.82762398051658348494e-16, -3.42548561967721913462e-16,
    1.77256013305652638360e-15, 3.81168066935262242075e-15, -9.55484669882830764870e-15,
    -4.15056934728722208663e-14, 1.54008621752140982691e-14, 3.85277838274214270114e-13,
    7.18012445138366623367e-13, -1.79417853150680611778e-12, -1.32158118404477131188e-11,
    -3.14991652796324136454e-11, 1.18891471078464383424e-11, 4.94060238822496958910e-10,
    3.39623202570838634515e-09, 2.26666899049817806459e-08, 2.04891858946906374183e-07,
    2.89137052083475648297e-06, 6.88975834691682398426e-05, 3.36911647825569408990e-03,
    8.04490411014108831608e-01,
)


def _chebyshev(t, coefficients):
    b0, b1, b2 = coefficients[0], 0.0, 0.0
    for c in coefficients[1:]:
        b2, b1 = b1, b0
        b0 = E.add(E.subtract(E.multiply(t, b1), b2), c)
    return E.multiply(E.subtract(b0, b2), 0.5)


def i0(x):
    """Modified Bessel function of the first kind, order 0.

    Example:
    >>> round(float(i0(1.0)), 6)
    1.266066
    """
    x = tensor(x)
    dtype = "float64" if x.dtype in ("int64", "float64") else result_type(x.dtype, float)
    work = E.abs(E.cast(x, dtype))
    small = E.less_equal(work, 8.0)
    near = E.multiply(E.exp(work), _chebyshev(E.subtract(E.multiply(work, 0.5), 2.0), _I0_A))
    safe = E.where(small, 8.0, work)  # keeps 32 / x finite on the unused branch
    far = E.divide(
        E.multiply(E.exp(safe), _chebyshev(E.subtract(E.divide(32.0, safe), 2.0), _I0_B)),
        E.sqrt(safe),
    )
    return E.where(small, near, far)


def sinc(x):
    """Normalized sinc, `sin(pi x) / (pi x)`, with `sinc(0) == 1`.

    Example:
    >>> sinc([0.0, 0.5]).numpy()
    array([1.       , 0.6366198], dtype=float32)
    """
    x = tensor(x)
    x = E.cast(x, _float_of(x, int64_to=config.floatx()))
    zero = E.equal(x, 0)
    px = E.multiply(E.where(zero, 1.0, x), _math.pi)
    return E.where(zero, 1.0, E.divide(E.sin(px), px))


def ldexp(x1, x2):
    """`x1 * 2**x2` for an integer exponent `x2`.

    Raises:
        TypeError: when `x2` is not an integer tensor.

    Example:
    >>> ldexp([1.0, 3.0], [3, -1]).numpy()
    array([8. , 1.5], dtype=float32)
    """
    a, e = operand(x1), tensor(x2)
    if not is_int_dtype(e.dtype):
        raise TypeError(f"ldexp exponent must be an integer type. Received: x2 dtype={e.dtype}")
    dtype = result_type(_kind(a), e.dtype, float)
    a = tensor(a, dtype)
    # Two factors of 2**(e/2) each stay finite where 2**e alone would overflow (or vanish)
    # although the product is representable.
    half = E.floor_divide(e, 2)
    first = E.power(2.0, E.cast(half, dtype))
    second = E.power(2.0, E.cast(E.subtract(e, half), dtype))
    return E.multiply(E.multiply(a, first), second)


def logaddexp2(x1, x2):
    """`log2(2**x1 + 2**x2)` without overflow.

    Example:
    >>> logaddexp2(1.0, 1.0).numpy()
    array(2., dtype=float32)
    """
    dtype, (a, b) = _promoted(x1, x2, extra=(float,))
    ln2 = _math.log(2.0)
    return E.multiply(logaddexp(E.multiply(a, ln2), E.multiply(b, ln2)), 1.0 / ln2)


# (explicit mantissa bits, smallest normal exponent, largest finite value) per float dtype.
_FLOAT_LAYOUT = {
    "float16": (10, -14, 65504.0),
    "bfloat16": (7, -126, 3.3895313892515355e38),
    "float32": (23, -126, 3.4028234663852886e38),
    "float64": (52, -1022, 1.7976931348623157e308),
}


def nextafter(x1, x2):
    """The next representable value after `x1` in the direction of `x2`, element-wise.

    The steps are computed in float64 from the dtype's layout (mantissa width, exponent
    range), so every float dtype is exact. The engine flushes subnormals to zero, so steps
    that land among them (below the smallest normal number) flush too, except the first step
    away from zero, which gives the smallest subnormal as NumPy does.

    Example:
    >>> float(nextafter(1.0, 2.0)) - 1.0
    1.1920928955078125e-07
    """
    dtype, (a, b) = _promoted(x1, x2, extra=(float,))
    bits, emin, largest = _FLOAT_LAYOUT[dtype]
    x, y = E.cast(a, "float64"), E.cast(b, "float64")
    magnitude = E.abs(x)
    finite = E.logical_and(E.isfinite(x), E.greater(magnitude, 0))
    safe = E.where(finite, magnitude, 1.0)
    # floor(log2 |x|), corrected where log2 rounds across a power of two.
    e = E.floor(E.divide(E.log(safe), _math.log(2.0)))
    e = E.where(E.greater(E.power(2.0, e), safe), E.subtract(e, 1.0), e)
    e = E.where(E.less_equal(E.power(2.0, E.add(e, 1.0)), safe), E.add(e, 1.0), e)
    e = E.maximum(e, float(emin))
    step = E.power(2.0, E.subtract(e, float(bits)))
    up = E.greater(y, x)
    away = E.equal(up, E.greater(x, 0))  # moving away from zero
    # Toward zero from an exact power of two the spacing halves.
    at_power = E.logical_and(E.equal(safe, E.power(2.0, e)), E.greater(e, float(emin)))
    step = E.where(E.logical_and(E.logical_not(away), at_power), E.multiply(step, 0.5), step)
    out = E.add(x, E.where(up, step, E.negative(step)))
    tiny = 2.0 ** (emin - bits)
    out = E.where(E.equal(x, 0), E.where(up, tiny, -tiny), out)
    out = E.where(E.isinf(x), E.where(E.greater(x, 0), largest, -largest), out)
    out = E.where(E.equal(x, y), y, out)
    out = E.where(E.logical_or(E.isnan(x), E.isnan(y)), float("nan"), out)
    return E.cast(out, dtype)


def isneginf(x):
    """True where `x` is negative infinity.

    Example:
    >>> isneginf([float("-inf"), 1.0, float("inf")]).numpy()
    array([ True, False, False])
    """
    x = tensor(x)
    return E.logical_and(E.isinf(x), E.less(x, 0))


def isposinf(x):
    """True where `x` is positive infinity.

    Example:
    >>> isposinf([float("-inf"), 1.0, float("inf")]).numpy()
    array([False, False,  True])
    """
    x = tensor(x)
    return E.logical_and(E.isinf(x), E.greater(x, 0))


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """True when every `|x1 - x2| <= atol + rtol * |x2|` (a 0-d bool tensor).

    Example:
    >>> bool(allclose([1.0, 2.0], [1.0, 2.0 + 1e-9]))
    True
    """
    close = isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return E.reduce("all", close, None, False)
