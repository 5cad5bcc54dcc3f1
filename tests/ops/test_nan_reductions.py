"""NaN-ignoring reductions, percentile and ptp against NumPy."""

import warnings

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops

_NAN = float("nan")


def _with_nans(shape=(3, 4, 2), seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=shape)
    x[rng.random(shape) < 0.3] = _NAN
    x[0, 0, :] = _NAN  # an all-NaN slice along the last axis
    return x.astype("float32")


def _np(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args, **kwargs)


@pytest.mark.parametrize("name", ["nansum", "nanprod", "nanmax", "nanmin", "nanmean",
                                  "nanvar", "nanstd", "nanmedian"])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_nan_reduction_forward(name, axis, keepdims):
    x = _with_nans()
    got = getattr(ops, name)(x, axis=axis, keepdims=keepdims)
    expected = _np(getattr(np, name), x.astype(np.float64), axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-6)
    assert got.shape == np.shape(expected)
    assert got.dtype == "float32"


@pytest.mark.parametrize("name", ["nansum", "nanmean", "nanmax", "nanvar", "nanprod"])
def test_nan_reduction_gradient(name):
    x = np.array([[1.5, _NAN, -0.5], [0.25, 2.0, _NAN]])

    def np_fn(a):
        return _np(getattr(np, name), a, axis=1)

    check_op(lambda t: getattr(ops, name)(t, axis=1), np_fn, [], arrays=[x], dtype="float64")


@pytest.mark.parametrize("name", ["nanargmax", "nanargmin"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_nanarg(name, axis):
    x = np.array([[1.0, _NAN, 3.0], [_NAN, _NAN, _NAN], [4.0, 2.0, _NAN]])
    got = getattr(ops, name)(x, axis=axis)
    nan_rows = np.all(np.isnan(x), axis=axis)
    safe = np.where(np.isnan(x), -np.inf if name == "nanargmax" else np.inf, x)
    expected = np.where(nan_rows, -1, getattr(np, name[3:])(safe, axis=axis))
    np.testing.assert_array_equal(got.numpy(), expected)
    assert got.dtype == "int32"
    assert getattr(ops, name)(np.array([3, 1, 2]), axis=0).numpy() == (0 if "max" in name else 1)


@pytest.mark.parametrize("name", ["nancumsum", "nancumprod"])
@pytest.mark.parametrize("axis", [None, 0, -1])
def test_nan_cumulative(name, axis):
    x = np.array([[1.5, _NAN, -0.5], [0.25, 2.0, _NAN]])
    check_op(lambda t: getattr(ops, name)(t, axis=axis),
             lambda a: getattr(np, name)(a, axis=axis), [], arrays=[x], dtype="float64")
    assert getattr(ops, name)(np.array([True, False])).dtype == "int32"
    assert getattr(ops, name)(np.array([1, 2], "int8")).dtype == "int8"
    assert getattr(ops, name)(np.array([1, 2], "int8"), dtype="float32").dtype == "float32"


def test_nan_dtypes():
    ints = np.array([[1, 2], [3, 4]], "int8")
    assert ops.nansum(ints).dtype == "int32"
    assert ops.nanprod(np.array([True, True])).dtype == "int32"
    assert ops.nanmax(ints).dtype == "int8"
    assert ops.nanmean(ints).dtype == "float32"
    assert ops.nanmean(np.ones(2, "float16")).dtype == "float16"
    assert ops.nanvar(np.ones(2, "float16")).dtype == "float16"
    assert ops.nanmedian(np.ones(2, "float64")).dtype == "float64"
    assert ops.nanpercentile(ints, 50).dtype == "float32"


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("axis", [None, 1, (0, 2)])
def test_nanquantile_and_nanpercentile(method, axis):
    x = _with_nans()
    q = [0.0, 0.3, 0.5, 1.0]
    got = ops.nanquantile(x, q, axis=axis, method=method)
    expected = _np(np.nanquantile, x.astype(np.float64), q, axis=axis, method=method)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)
    got = ops.nanpercentile(x, 40, axis=axis, method=method, keepdims=True)
    expected = _np(np.nanpercentile, x.astype(np.float64), 40, axis=axis, method=method,
                   keepdims=True)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)
    assert got.shape == expected.shape


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_percentile(method):
    x = np.random.default_rng(1).normal(size=(4, 5)).astype("float32")
    for q in (50, [0, 25, 100]):
        got = ops.percentile(x, q, axis=1, method=method)
        np.testing.assert_allclose(got.numpy(), np.percentile(x, q, axis=1, method=method),
                                   rtol=1e-5)
    check_op(lambda t: ops.percentile(t, [30, 70], axis=0),
             lambda a: np.percentile(a, [30, 70], axis=0), [(5, 3)], dtype="float64")
    with pytest.raises(ValueError, match="range"):
        ops.percentile(x, 101)


def test_ptp():
    x = np.array([[4, 9, 2], [1, 5, 7]], "int32")
    for axis in (None, 0, 1, -1):
        np.testing.assert_array_equal(ops.ptp(x, axis=axis).numpy(), np.ptp(x, axis=axis))
    assert ops.ptp(x, axis=1, keepdims=True).shape == (2, 1)
    check_op(lambda t: ops.ptp(t, axis=0), lambda a: np.ptp(a, axis=0), [(4, 3)],
             dtype="float64")
    with pytest.raises(TypeError):
        ops.ptp(np.array([True, False]))


def test_empty_and_invalid_axes():
    empty = np.zeros((0, 3), "float32")
    np.testing.assert_array_equal(ops.nansum(empty, axis=0).numpy(), np.nansum(empty, axis=0))
    np.testing.assert_array_equal(ops.nanmean(empty, axis=0).numpy(),
                                  _np(np.nanmean, empty, axis=0))
    with pytest.raises(ValueError):
        ops.nansum(np.ones((2, 2)), axis=2)
    with pytest.raises(ValueError):
        ops.nanquantile(np.ones(3), 0.5, method="bogus")
