"""Reductions, arg-reductions, sorting and scans (keras_like/ops/numpy_reduce.py)."""

import numpy as np
import pytest
from helpers import check_op, random_array

from keras_like import ops

AXES = [None, 0, 1, -1, (0, 2), (2, 0, 1)]
SHAPE = (2, 3, 2)


def _np_axis(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


REDUCTIONS = {
    "sum": np.sum, "prod": np.prod, "max": np.max, "min": np.min, "amax": np.amax,
    "amin": np.amin, "mean": np.mean, "var": np.var, "std": np.std,
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_forward_and_gradient(name, axis, keepdims):
    np_fn = REDUCTIONS[name]
    fn = getattr(ops, name)
    low, high = (0.5, 1.5) if name == "prod" else (-2, 2)
    check_op(lambda x: fn(x, axis=axis, keepdims=keepdims),
             lambda x: np_fn(x, axis=_np_axis(axis), keepdims=keepdims),
             [SHAPE], dtype="float64", low=low, high=high)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reduction_float32_forward(name):
    x = random_array((7, 5), "float32")
    for axis in (None, 0, 1):
        got = getattr(ops, name)(x, axis=axis)
        assert got.dtype == "float32"
        np.testing.assert_allclose(got.numpy(), REDUCTIONS[name](x, axis=axis), rtol=1e-5,
                                   atol=1e-6)


def test_reduction_of_a_scalar_and_empty_axes():
    x = np.float64(3.5)
    assert float(ops.sum(x)) == 3.5
    a = random_array((2, 3), "float64")
    np.testing.assert_array_equal(ops.sum(a, axis=()).numpy(), np.sum(a, axis=()))


def test_max_min_initial():
    a = np.array([[1.0, -3.0], [2.0, 0.5]])
    np.testing.assert_array_equal(ops.max(a, axis=1, initial=1.5).numpy(),
                                  np.max(a, axis=1, initial=1.5))
    np.testing.assert_array_equal(ops.min(a, axis=0, initial=0.0).numpy(),
                                  np.min(a, axis=0, initial=0.0))


def test_reductions_over_empty():
    e = np.zeros((0, 3))
    np.testing.assert_array_equal(ops.sum(e, axis=0).numpy(), np.zeros(3))
    np.testing.assert_array_equal(ops.prod(e, axis=0).numpy(), np.ones(3))
    assert np.all(np.isnan(ops.mean(e, axis=0).numpy()))
    np.testing.assert_array_equal(ops.any(e, axis=0).numpy(), [False] * 3)
    np.testing.assert_array_equal(ops.all(e, axis=0).numpy(), [True] * 3)


@pytest.mark.parametrize("name", ["any", "all"])
def test_any_all(name):
    x = np.array([[0.0, 1.0, 0.0], [0.0, 2.0, 3.0]])
    for axis in (None, 0, 1, (0, 1)):
        for keepdims in (False, True):
            got = getattr(ops, name)(x, axis=axis, keepdims=keepdims)
            assert got.dtype == "bool"
            np.testing.assert_array_equal(got.numpy(),
                                          getattr(np, name)(x, axis=axis, keepdims=keepdims))


def test_count_nonzero():
    x = np.array([[0, 1, 7], [0, 0, -3]], np.int32)
    for axis in (None, 0, 1, (0, 1)):
        got = ops.count_nonzero(x, axis=axis)
        assert got.dtype == "int32"
        np.testing.assert_array_equal(got.numpy(), np.count_nonzero(x, axis=axis))


# ---------------------------------------------------------------------------------------------
# Dtypes


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int16", "int32", "int64"])
def test_mean_var_std_of_ints_give_float32(dtype):
    x = (np.arange(6).reshape(2, 3) % 4).astype(dtype)
    for name in ("mean", "var", "std"):
        got = getattr(ops, name)(x, axis=1)
        assert got.dtype == "float32", name
        np.testing.assert_allclose(got.numpy(), getattr(np, name)(x.astype(np.float64), axis=1),
                                   rtol=1e-6)


@pytest.mark.parametrize("dtype,expected", [
    ("bool", "int32"), ("int8", "int32"), ("int16", "int32"), ("uint8", "uint32"),
    ("uint16", "uint32"), ("uint32", "uint32"),
    ("int32", "int32"), ("int64", "int64"), ("float16", "float16"), ("bfloat16", "bfloat16"),
])
def test_sum_prod_dtype(dtype, expected):
    x = ops.ones((3, 4), dtype=dtype)
    assert ops.sum(x).dtype == expected
    assert ops.prod(x).dtype == expected
    assert int(ops.sum(x)) == 12
    assert int(ops.prod(x)) == 1


def test_sum_of_bool_counts_trues():
    x = np.array([[True, False, True], [True, True, True]])
    got = ops.sum(x, axis=1)
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), [2, 3])


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "float16", "bfloat16", "float32",
                                   "float64", "bool"])
def test_max_min_keep_dtype(dtype):
    x = ops.ones((2, 3), dtype=dtype)
    assert ops.max(x).dtype == dtype
    assert ops.min(x, axis=0).dtype == dtype


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64", "float16", "float32",
                                   "bool"])
def test_argmax_argmin_give_int32(dtype):
    x = np.array([[1, 0, 1], [0, 1, 1]]).astype(dtype)
    for name in ("argmax", "argmin"):
        got = getattr(ops, name)(x, axis=1)
        assert got.dtype == "int32"
        np.testing.assert_array_equal(got.numpy(), getattr(np, name)(x, axis=1))


def test_mean_of_float16_is_accurate():
    x = np.full((4096,), 0.1, np.float16)
    got = ops.mean(x)
    assert got.dtype == "float16"
    np.testing.assert_allclose(float(got), float(np.float16(0.1)), rtol=1e-3)


# ---------------------------------------------------------------------------------------------
# NaN handling and arg-reductions


def test_nan_propagates_through_max_min():
    x = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, -1.0]])
    np.testing.assert_array_equal(ops.max(x, axis=1).numpy(), np.max(x, axis=1))
    np.testing.assert_array_equal(ops.min(x, axis=0).numpy(), np.min(x, axis=0))
    assert np.isnan(float(ops.max(x)))
    assert np.isnan(float(ops.min(x)))
    assert np.isnan(float(ops.sum(x)))


def test_argmax_argmin_pick_nan_like_numpy():
    x = np.array([[1.0, np.nan, 3.0, np.nan], [2.0, 5.0, -1.0, 0.0]])
    for name in ("argmax", "argmin"):
        np.testing.assert_array_equal(getattr(ops, name)(x, axis=1).numpy(),
                                      getattr(np, name)(x, axis=1))
        assert int(getattr(ops, name)(x)) == getattr(np, name)(x)


def test_argmax_first_of_ties_and_keepdims():
    x = np.array([[3, 1, 3], [0, 2, 2]], np.int32)
    np.testing.assert_array_equal(ops.argmax(x, axis=1).numpy(), [0, 1])
    np.testing.assert_array_equal(ops.argmin(x, axis=0).numpy(), np.argmin(x, axis=0))
    got = ops.argmax(x, axis=0, keepdims=True)
    assert got.shape == (1, 3)
    np.testing.assert_array_equal(got.numpy(), np.argmax(x, axis=0, keepdims=True))
    full = ops.argmax(x, keepdims=True)
    assert full.shape == (1, 1)
    assert int(ops.argmax(x)) == np.argmax(x)
    assert int(ops.argmin(x, axis=-1)[0]) == 1


# ---------------------------------------------------------------------------------------------
# Sorting, scans, quantiles


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_sort_values_and_gradient(axis):
    check_op(lambda x: ops.sort(x, axis=axis), lambda x: np.sort(x, axis=axis), [(3, 4)],
             dtype="float64")


def test_sort_and_argsort_match_numpy_stably():
    x = np.array([[3, 1, 3, 1, 2], [5, 5, 5, 0, 5]], np.int32)
    np.testing.assert_array_equal(ops.sort(x).numpy(), np.sort(x))
    got = ops.argsort(x)
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), np.argsort(x, kind="stable"))
    np.testing.assert_array_equal(ops.argsort(x, axis=0).numpy(),
                                  np.argsort(x, axis=0, kind="stable"))
    np.testing.assert_array_equal(ops.argsort(x, axis=None).numpy(),
                                  np.argsort(x, axis=None, kind="stable"))
    f = np.array([2.0, np.nan, -1.0, np.inf, -np.inf])
    np.testing.assert_array_equal(ops.sort(f).numpy(), np.sort(f))
    np.testing.assert_array_equal(ops.argsort(f).numpy(), np.argsort(f, kind="stable"))


@pytest.mark.parametrize("name,np_fn", [("cumsum", np.cumsum), ("cumprod", np.cumprod)])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_cumulative_forward_and_gradient(name, np_fn, axis):
    low, high = (0.5, 1.5) if name == "cumprod" else (-2, 2)
    check_op(lambda x: getattr(ops, name)(x, axis=axis), lambda x: np_fn(x, axis=axis),
             [(2, 3, 2)], dtype="float64", low=low, high=high)


@pytest.mark.xfail(strict=True, reason="engine cumulative prod vjp divides by x: NaN gradient "
                   "where an input is 0")
def test_cumprod_gradient_with_a_zero():
    x = np.array([2.0, 0.0, 3.0, 4.0])
    check_op(ops.cumprod, np.cumprod, [], arrays=[x], dtype="float64")


@pytest.mark.parametrize("dtype,expected", [("bool", "int32"), ("int8", "int8"),
                                            ("int32", "int32"), ("float16", "float16")])
def test_cumsum_dtype(dtype, expected):
    x = ops.ones((4,), dtype=dtype)
    got = ops.cumsum(x)
    assert got.dtype == expected
    np.testing.assert_array_equal(got.numpy().astype(np.float64), [1, 2, 3, 4])
    assert ops.cumsum(x, dtype="float32").dtype == "float32"


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_median_forward_and_gradient(axis, keepdims):
    for shape in [(3, 4), (3, 5)]:
        check_op(lambda x: ops.median(x, axis=axis, keepdims=keepdims),
                 lambda x: np.median(x, axis=axis, keepdims=keepdims), [shape],
                 dtype="float64")


@pytest.mark.parametrize("q", [0.0, 0.3, 1.0, [0.25, 0.5, 0.9]], ids=str)
@pytest.mark.parametrize("axis", [None, 1])
def test_quantile_linear_forward_and_gradient(q, axis):
    check_op(lambda x: ops.quantile(x, q, axis=axis),
             lambda x: np.quantile(x, q, axis=axis), [(2, 7)], dtype="float64")


@pytest.mark.parametrize("method", [
    "lower", "higher", "midpoint", "nearest",
])
def test_quantile_methods(method):
    x = random_array((3, 6), "float64")
    for q in (0.0, 0.25, 0.5, 0.7, 1.0):
        np.testing.assert_allclose(ops.quantile(x, q, axis=1, method=method).numpy(),
                                   np.quantile(x, q, axis=1, method=method), rtol=1e-12)


def test_quantile_methods_between_samples():
    x = random_array((3, 6), "float64")
    for method in ("higher", "midpoint"):
        for q in (0.25, 0.5, 0.7):  # positions 1.25, 2.5, 3.5: never an exact index
            np.testing.assert_allclose(ops.quantile(x, q, axis=1, method=method).numpy(),
                                       np.quantile(x, q, axis=1, method=method), rtol=1e-12)


def test_quantile_keepdims_and_int_input():
    x = np.arange(12, dtype=np.int32).reshape(3, 4)
    got = ops.quantile(x, [0.5, 0.75], axis=1, keepdims=True)
    assert got.dtype == "float32"
    np.testing.assert_allclose(got.numpy(), np.quantile(x, [0.5, 0.75], axis=1, keepdims=True))
    with pytest.raises(ValueError, match="method"):
        ops.quantile(x, 0.5, method="bogus")


def test_average():
    x = random_array((3, 4), "float64")
    w = np.array([1.0, 2.0, 0.5, 0.25])
    np.testing.assert_allclose(ops.average(x).numpy(), np.average(x))
    np.testing.assert_allclose(ops.average(x, axis=1, weights=w).numpy(),
                               np.average(x, axis=1, weights=w))
    w2 = np.abs(random_array((3, 4), "float64")) + 0.1
    np.testing.assert_allclose(ops.average(x, axis=0, weights=w2).numpy(),
                               np.average(x, axis=0, weights=w2))
    check_op(lambda a: ops.average(a, axis=1, weights=w),
             lambda a: np.average(a, axis=1, weights=w), [(3, 4)], dtype="float64")
