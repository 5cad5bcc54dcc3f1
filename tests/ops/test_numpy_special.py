"""Element-wise extras (cbrt, fmod, gcd, i0, sinc, nextafter, ...) against NumPy."""

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops

_NAN, _INF = float("nan"), float("inf")


@pytest.mark.parametrize("name,np_fn,low,high", [
    ("cbrt", np.cbrt, -3.0, 3.0),
    ("fabs", np.fabs, -2.0, 2.0),
    ("sinc", np.sinc, -2.0, 2.0),
    ("i0", np.i0, -12.0, 12.0),
])
def test_unary_forward_and_gradient(name, np_fn, low, high):
    check_op(getattr(ops, name), np_fn, [(3, 4)], dtype="float64", low=low, high=high,
             grad_rtol=1e-4)


@pytest.mark.parametrize("name,np_fn", [("fmax", np.fmax), ("fmin", np.fmin),
                                        ("logaddexp2", np.logaddexp2)])
def test_binary_forward_and_gradient(name, np_fn):
    check_op(getattr(ops, name), np_fn, [(2, 3), (3,)], dtype="float64")


def test_fmod_forward_and_gradient():
    x = np.array([-7.5, 7.5, 3.25, -0.5, 5.0])
    y = np.array([3.0, -2.0, 1.5, 0.75, -3.0])
    check_op(ops.fmod, np.fmod, [], arrays=[x, y], dtype="float64")


def test_cbrt_exact_on_cubes_and_dtypes():
    np.testing.assert_array_equal(ops.cbrt([-8.0, 27.0, 0.0]).numpy(), [-2.0, 3.0, 0.0])
    assert ops.cbrt(np.array([8], "int32")).dtype == "float32"
    assert ops.cbrt(np.array([8], "int64")).dtype == "float64"
    assert ops.cbrt(np.array([8.0], "float16")).dtype == "float16"
    np.testing.assert_array_equal(ops.cbrt([_NAN, -_INF]).numpy(), [_NAN, -_INF])


def test_fmax_fmin_nan_handling_and_dtypes():
    a = np.array([1.0, _NAN, _NAN, -_INF], "float32")
    b = np.array([_NAN, 2.0, _NAN, 0.0], "float32")
    np.testing.assert_array_equal(ops.fmax(a, b).numpy(), np.fmax(a, b))
    np.testing.assert_array_equal(ops.fmin(a, b).numpy(), np.fmin(a, b))
    assert ops.fmax(np.array([1], "int8"), np.array([2], "int16")).dtype == "int16"
    assert ops.fmax(np.array([1.0], "float16"), 2.0).dtype == "float16"


def test_fmod_sign_of_dividend_and_edges():
    a = np.array([-7, 7, -7, 7, 5], "int32")
    b = np.array([3, -3, -3, 3, 0], "int32")
    with np.errstate(divide="ignore", invalid="ignore"):
        np.testing.assert_array_equal(ops.fmod(a, b).numpy(), np.fmod(a, b))
    x = np.array([-5.0, 5.0, _INF, 1.0, -0.0], "float32")
    y = np.array([_INF, -_INF, 2.0, 0.0, 1.0], "float32")
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(ops.fmod(x, y).numpy(), np.fmod(x, y))
    assert ops.fmod(np.array([True]), np.array([True])).dtype == "int32"


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8"])
def test_gcd_lcm_match_numpy(dtype):
    rng = np.random.default_rng(3)
    hi = 100 if dtype in ("int8", "uint8") else 10_000
    lo = 0 if dtype == "uint8" else -hi
    a = rng.integers(lo, hi, size=50).astype(dtype)
    b = rng.integers(lo, hi, size=50).astype(dtype)
    a[:3], b[:3] = [0, 0, 7], [0, 5, 0]
    np.testing.assert_array_equal(ops.gcd(a, b).numpy(), np.gcd(a, b))
    small_a, small_b = (a % 11).astype(dtype), (b % 11).astype(dtype)
    np.testing.assert_array_equal(ops.lcm(small_a, small_b).numpy(), np.lcm(small_a, small_b))
    assert ops.gcd(a, b).dtype == dtype


def test_gcd_worst_case_fibonacci_and_float_error():
    a, b = np.array([1836311903], "int32"), np.array([1134903170], "int32")
    assert int(ops.gcd(a, b).numpy()[0]) == 1
    with pytest.raises(TypeError, match="integer"):
        ops.gcd([1.5], [2.0])


def test_heaviside():
    x = np.array([-1.5, 0.0, 2.0, _NAN], "float32")
    np.testing.assert_array_equal(ops.heaviside(x, 0.5).numpy(), np.heaviside(x, 0.5))
    assert ops.heaviside(np.array([1], "int32"), np.array([0], "int32")).dtype == "float32"
    assert ops.heaviside(np.array([1], "int64"), np.array([0], "int64")).dtype == "float64"


def test_i0_dtypes_and_large_values():
    x = np.array([0.0, 7.99, 8.0, 8.01, 30.0, -30.0])
    np.testing.assert_allclose(ops.i0(x).numpy(), np.i0(x), rtol=1e-13)
    assert ops.i0(np.array([1], "int32")).dtype == "float32"
    assert ops.i0(np.array([1], "int64")).dtype == "float64"


def test_sinc_at_zero_and_integer_dtypes():
    np.testing.assert_allclose(ops.sinc([0.0, 1.0, 0.5]).numpy(), np.sinc([0.0, 1.0, 0.5]),
                               atol=1e-7)
    assert ops.sinc(np.array([0], "int64")).dtype == "float32"


def test_ldexp():
    x = np.array([1.0, 3.0, 1e-30, 0.5], "float32")
    e = np.array([3, -1, 100, 128], "int32")
    np.testing.assert_array_equal(ops.ldexp(x, e).numpy(), np.ldexp(x, e))
    assert ops.ldexp(np.array([1], "int32"), np.array([2], "int32")).dtype == "float32"
    with pytest.raises(TypeError, match="integer"):
        ops.ldexp([1.0], [2.0])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_nextafter_matches_numpy_for_normal_numbers(dtype):
    x = np.array([1.0, 1.0, 2.0, 2.0, -2.0, -1.5, 1e3, 0.0, 3.0, _INF, -_INF, _NAN, 1.0],
                 dtype)
    y = np.array([2.0, 0.0, 0.0, 3.0, 0.0, -3.0, -1e4, 0.0, 3.0, 0.0, 0.0, 1.0, _NAN], dtype)
    np.testing.assert_array_equal(ops.nextafter(x, y).numpy(), np.nextafter(x, y))
    assert ops.nextafter(x, y).dtype == dtype


def test_nextafter_of_largest_value_reaches_infinity():
    big = np.finfo(np.float32).max
    assert ops.nextafter(np.float32(big), np.float32(_INF)).numpy() == np.inf


def test_isposinf_isneginf_allclose():
    x = np.array([-_INF, -1.0, _INF, _NAN], "float32")
    np.testing.assert_array_equal(ops.isposinf(x).numpy(), np.isposinf(x))
    np.testing.assert_array_equal(ops.isneginf(x).numpy(), np.isneginf(x))
    assert not ops.isposinf(np.array([1], "int32")).numpy()[0]
    assert bool(ops.allclose([1.0, 2.0], [1.0, 2.0 + 1e-9]))
    assert not bool(ops.allclose([1.0, _NAN], [1.0, _NAN]))
    assert bool(ops.allclose([1.0, _NAN], [1.0, _NAN], equal_nan=True))
    assert bool(ops.allclose(np.zeros((0,)), np.zeros((0,))))
