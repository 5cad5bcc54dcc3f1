"""Regression tests from a review of numpy_create / numpy_reduce / numpy_math against NumPy."""

import warnings

import numpy as np
import pytest
from helpers import check_op, random_array

import keras_like as keras
from keras_like import ops

# ---------------------------------------------------------------------------------------------
# Creation: arange, linspace, logspace, geomspace


def test_arange_accepts_step_none():
    np.testing.assert_array_equal(ops.arange(0, 5, None).numpy(), np.arange(0, 5, None))


def test_arange_dtype_follows_numpy_scalars_and_tensors():
    assert ops.arange(np.int32(3)).dtype == "int32"
    assert ops.arange(ops.convert_to_tensor(4)).dtype == "int32"
    assert ops.arange(np.float32(2.5)).dtype == "float32"


def test_arange_large_int64_bounds_are_exact():
    start = 2**53 + 1  # not representable as a double: the length must use integer math
    got = ops.arange(start, start + 7, 3, dtype="int64")
    np.testing.assert_array_equal(got.numpy(), np.arange(start, start + 7, 3))


START = np.array([0.0, 1.0])
STOP = np.array([[1.0, 5.0], [2.0, -3.0], [4.0, 4.0]])


@pytest.mark.parametrize("num", [0, 1, 2, 5])
@pytest.mark.parametrize("endpoint", [True, False])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_linspace_broadcasts_array_bounds(num, endpoint, axis):
    got = ops.linspace(START, STOP, num, endpoint=endpoint, axis=axis)
    expected = np.linspace(START, STOP, num, endpoint=endpoint, axis=axis)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("num", [1, 4])
def test_linspace_retstep_with_array_bounds(num):
    values, step = ops.linspace(START, STOP, num, retstep=True, axis=-1)
    np_values, np_step = np.linspace(START, STOP, num, retstep=True, axis=-1)
    np.testing.assert_allclose(values.numpy(), np_values, rtol=1e-12)
    np.testing.assert_allclose(step.numpy(), np_step, rtol=1e-12)


def test_linspace_integer_dtype_floors_like_numpy():
    got = ops.linspace(-5, 5, 7, dtype="int32")
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), np.linspace(-5, 5, 7, dtype=np.int32))
    _, step = ops.linspace(0, 10, 4, dtype="int32", retstep=True)
    assert step.dtype == "float32"  # the step of an int sequence is not truncated
    np.testing.assert_allclose(float(step), 10 / 3, rtol=1e-6)


def test_linspace_dtype_follows_float_tensor_bounds():
    start = ops.convert_to_tensor(np.array([1.0, 2.0], np.float16))
    assert ops.linspace(start, 3.0, 3).dtype == "float16"


@pytest.mark.parametrize("name", ["linspace", "logspace", "geomspace"])
def test_float64_sequences_from_python_floats_are_exact(name):
    # Python bounds must reach float64 directly, not through float32 (0.1 would be off 1e-9).
    got = getattr(ops, name)(0.1, 0.7, 7, dtype="float64").numpy()
    np.testing.assert_allclose(got, getattr(np, name)(0.1, 0.7, 7), rtol=1e-15, atol=0)


def test_linspace_errors():
    with pytest.raises(ValueError, match=r"`linspace`: axis 1 is out of bounds.*rank 1"):
        ops.linspace(0.0, 1.0, 4, axis=1)
    with pytest.raises(ValueError, match=r"`num`.*Received: num=-1"):
        ops.linspace(0.0, 1.0, -1)


def test_linspace_gradient():
    check_op(lambda a, b: ops.linspace(a, b, 5, axis=1),
             lambda a, b: np.linspace(a, b, 5, axis=1), [(3,), (2, 3)], dtype="float64")


def test_logspace_array_bounds_and_base():
    np.testing.assert_allclose(ops.logspace(START, STOP, 4, axis=1).numpy(),
                               np.logspace(START, STOP, 4, axis=1), rtol=1e-12)
    base = np.array([2.0, 10.0])
    np.testing.assert_allclose(ops.logspace(0, 3, 4, base=base).numpy(),
                               np.logspace(0, 3, 4, base=base), rtol=1e-6)
    check_op(lambda a, b: ops.logspace(a, b, 4, base=base, endpoint=False),
             lambda a, b: np.logspace(a, b, 4, base=base, endpoint=False), [(2,), (2,)],
             dtype="float64", low=-1.0, high=1.0)


def test_geomspace_negative_array_bounds_and_axis():
    start, stop = np.array([1.0, -2.0]), np.array([8.0, -32.0])
    got = ops.geomspace(start, stop, 4, axis=-1)
    np.testing.assert_allclose(got.numpy(), np.geomspace(start, stop, 4, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(ops.geomspace(-1, -1000, 4).numpy(),
                               np.geomspace(-1, -1000, 4), rtol=1e-6)


@pytest.mark.parametrize("num", [0, 1, 2, 5])
@pytest.mark.parametrize("endpoint", [True, False])
def test_geomspace_ends_are_exact(num, endpoint):
    got = ops.geomspace(3.0, 7.0, num, endpoint=endpoint, dtype="float64").numpy()
    expected = np.geomspace(3.0, 7.0, num, endpoint=endpoint)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    if num:
        assert got[0] == 3.0
    if endpoint and num > 1:
        assert got[-1] == 7.0


def test_geomspace_zero_and_gradient():
    with pytest.raises(ValueError, match="cannot include zero"):
        ops.geomspace(0, 16, 4)
    check_op(lambda a, b: ops.geomspace(a, b, 4),
             lambda a, b: np.geomspace(a, b, 4), [(3,), (3,)], dtype="float64",
             low=0.5, high=4.0)


# ---------------------------------------------------------------------------------------------
# Reductions: average, quantile, mean/var/std


X3 = random_array((3, 4, 5), "float64")


@pytest.mark.parametrize("axis,wshape", [
    (None, (3, 4, 5)), (1, (4,)), (-2, (4,)), (1, (3, 4, 5)), ((1, 2), (4, 5)),
    ((2, 0), (5, 3)), ((0, 2), (3, 4, 5)),
], ids=str)
def test_average_weights_and_axes(axis, wshape):
    w = random_array(wshape, "float64", 0.5, 1.5)
    check_op(lambda x, w: ops.average(x, axis=axis, weights=w),
             lambda x, w: np.average(x, axis=axis, weights=w), [], dtype="float64",
             arrays=[X3, w])


def test_average_weight_shape_errors():
    with pytest.raises(ValueError, match=r"Axis must be specified.*\(3, 4, 5\).*\(4,\)"):
        ops.average(X3, weights=np.ones(4))
    with pytest.raises(ValueError, match=r"consistent with the shape of `x`.*\(3,\), axis=1"):
        ops.average(X3, axis=1, weights=np.ones(3))


def test_average_dtype_promotes_with_weights():
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    assert ops.average(x, axis=1, weights=[1, 2, 3]).dtype == "float32"
    got = ops.average(x.astype(np.float32), axis=1, weights=np.array([1.0, 2.0, 3.0]))
    assert got.dtype == "float64"


QUANTILE_METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]


@pytest.mark.parametrize("method", QUANTILE_METHODS)
@pytest.mark.parametrize("axis", [None, -1, (0, 2), (2, 0), [0, 1, 2]], ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_quantile_methods_axes_keepdims(method, axis, keepdims):
    # q * (n - 1) hits exact samples (0.0, 0.5, 1.0 on n = 5) as well as points between them.
    for q in (0.0, 0.5, 1.0, [0.0, 0.3, 1.0], [[0.2, 0.5], [0.6, 0.95]]):
        got = ops.quantile(X3, q, axis=axis, method=method, keepdims=keepdims)
        expected = np.quantile(X3, q, axis=axis, method=method, keepdims=keepdims)
        assert got.shape == expected.shape, (q, got.shape, expected.shape)
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)


def test_quantile_nearest_breaks_ties_to_even():
    x = np.arange(6.0)  # positions q * 5 = k + 0.5 are ties
    for q in (0.1, 0.3, 0.5, 0.7, 0.9):
        assert float(ops.quantile(x, q, method="nearest")) == np.quantile(x, q, method="nearest")


@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_quantile_gradient(method):
    check_op(lambda x: ops.quantile(x, [0.25, 0.6], axis=(0, 2), method=method),
             lambda x: np.quantile(x, [0.25, 0.6], axis=(0, 2), method=method), [(2, 3, 4)],
             dtype="float64")


def test_quantile_nan_and_bad_arguments():
    x = np.array([[1.0, np.nan, 3.0], [1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(ops.median(x, axis=1).numpy(), np.median(x, axis=1))
    with pytest.raises(ValueError, match=r"range \[0, 1\].*q=1.5"):
        ops.quantile(x, 1.5)
    with pytest.raises(ValueError, match="empty axis"):
        ops.quantile(np.zeros((0, 3)), 0.5, axis=0)
    with pytest.raises(ValueError, match="out of bounds"):
        ops.quantile(x, 0.5, axis=2)


def test_mean_var_of_float16_do_not_overflow():
    x = np.full(4, 60000, np.float16)  # the float16 sum (240000) is inf
    got = ops.mean(x)
    assert got.dtype == "float16"
    assert float(got) == 60000.0
    y = np.array([300.0, 500.0], np.float16)  # squared deviations sum beyond float16 too
    np.testing.assert_allclose(float(ops.var(y)), np.var(y.astype(np.float64)), rtol=1e-3)
    np.testing.assert_allclose(float(ops.std(y)), np.std(y.astype(np.float64)), rtol=1e-3)


@pytest.mark.parametrize("axis", [None, 0, 1, ()], ids=str)
def test_var_std_of_empty_axes(axis):
    e = np.zeros((0, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for name in ("var", "std", "mean"):
            got = getattr(ops, name)(e, axis=axis)
            expected = getattr(np, name)(e, axis=axis)
            assert got.shape == expected.shape
            np.testing.assert_array_equal(got.numpy(), expected)


# ---------------------------------------------------------------------------------------------
# Element-wise math: round, clip, nan_to_num, copysign/signbit, logaddexp, hypot


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("decimals", [-3, -2, -1, 1, 2])
def test_round_float_decimals_match_numpy(dtype, decimals):
    x = np.array([1234.5678, -1250.0, 15.0, 25.0, -35.0, 0.125, 2.5, 45.0, 1e6 + 500]).astype(dtype)
    np.testing.assert_array_equal(ops.round(x, decimals).numpy(), np.round(x, decimals))


@pytest.mark.parametrize("dtype,decimals", [
    ("int64", -1), ("int64", -2), ("int64", -19), ("int32", -1), ("int8", -2), ("int8", -3),
    ("uint8", -1), ("int32", 2),
])
def test_round_integers_exact(dtype, decimals):
    info = np.iinfo(dtype)
    values = [15, 25, -35, 45, 5, -5, 0, 127, 250, 2**40 + 15, 2**53 + 5]
    x = np.array([v for v in values if info.min <= v <= info.max], dtype)
    got = ops.round(x, decimals)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), np.round(x, decimals))


def test_clip_open_bounds_and_bool():
    x = random_array((5,), "float32")
    np.testing.assert_array_equal(ops.clip(x, None, 0.5).numpy(), np.clip(x, None, 0.5))
    np.testing.assert_array_equal(ops.clip(x, -0.5, None).numpy(), np.clip(x, -0.5, None))
    got = ops.clip(np.array([True, False]), None, 0)
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), [0, 0])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_nan_to_num_replaces_from_the_input(dtype):
    x = np.array([np.nan, np.inf, -np.inf, 1.0], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for kwargs in ({}, {"nan": np.inf}, {"nan": -np.inf, "posinf": 1.0, "neginf": np.nan},
                       {"nan": 5, "posinf": 7, "neginf": -9}):
            got = ops.nan_to_num(x, **kwargs)
            assert got.dtype == dtype
            np.testing.assert_array_equal(got.numpy(), np.nan_to_num(x, **kwargs))


def test_copysign_signbit_signed_zeros():
    mag = np.array([1.0, -2.0, 0.0, -0.0, -3.0, 3.0, np.inf])
    sgn = np.array([-0.0, 0.0, -1.0, 2.0, -np.inf, np.inf, -1.0])
    for a, b in ((mag, sgn), (sgn, mag)):
        got = ops.copysign(a, b).numpy()
        np.testing.assert_array_equal(got, np.copysign(a, b))
        np.testing.assert_array_equal(np.signbit(got), np.signbit(np.copysign(a, b)))
    np.testing.assert_array_equal(ops.signbit(sgn).numpy(), np.signbit(sgn))
    half = ops.copysign(mag.astype(np.float16), sgn.astype(np.float16))
    assert half.dtype == "float16"


def test_copysign_gradient():
    x2 = np.array([-1.5, 0.7, -0.3, 2.0])
    check_op(lambda a: ops.copysign(a, x2), lambda a: np.copysign(a, x2), [(4,)],
             dtype="float64", low=0.1, high=2.0)
    check_op(lambda a: ops.copysign(a, x2), lambda a: np.copysign(a, x2), [(4,)],
             dtype="float64", low=-2.0, high=-0.1)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_logaddexp_infinities_and_tiny_terms():
    a = np.array([np.inf, -np.inf, np.inf, -np.inf, 1.0, np.nan, 1000.0, 0.0, -745.0])
    b = np.array([np.inf, -np.inf, -np.inf, 2.0, np.inf, 1.0, 1000.0, -40.0, -745.0])
    got = ops.logaddexp(a, b).numpy()
    np.testing.assert_allclose(got, np.logaddexp(a, b), rtol=1e-14)  # 0 vs -40: ~4e-18
    np.testing.assert_allclose(ops.logaddexp(b, a).numpy(), np.logaddexp(b, a), rtol=1e-14)


def test_logaddexp_gradient_including_ties():
    x = random_array((6,), "float64")
    check_op(ops.logaddexp, np.logaddexp, [], arrays=[x, x.copy()], dtype="float64")
    check_op(ops.logaddexp, np.logaddexp, [(3, 4), (4,)], dtype="float64", low=-5, high=5)
    a = ops.convert_to_tensor(np.array([np.inf, 0.0]))
    b = ops.convert_to_tensor(np.array([1.0, -np.inf]))
    with keras.GradientTape() as tape:
        tape.watch([a, b])
        y = ops.sum(ops.logaddexp(a, b))
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_array_equal(ga.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(gb.numpy(), [0.0, 0.0])


def test_hypot_no_overflow_and_special_values():
    a = np.array([3e200, 3e-200, np.inf, np.nan, 0.0, -5.0])
    b = np.array([4e200, 4e-200, np.nan, -np.inf, 0.0, 12.0])
    np.testing.assert_allclose(ops.hypot(a, b).numpy(), np.hypot(a, b), rtol=1e-15)
    a32, b32 = np.float32([3e30, 0.0]), np.float32([4e30, 2.0])
    np.testing.assert_allclose(ops.hypot(a32, b32).numpy(), np.hypot(a32, b32), rtol=1e-6)
    check_op(ops.hypot, np.hypot, [(3, 4), (4,)], dtype="float64", low=0.2, high=3.0)
    check_op(ops.hypot, np.hypot, [(5,), (5,)], dtype="float64", low=-3.0, high=-0.2)
