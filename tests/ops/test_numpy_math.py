"""keras_like.ops element-wise math (keras_like/ops/numpy_math.py) against NumPy."""

import numpy as np
import pytest
from helpers import check_op, random_array

import keras_like as keras
from keras_like import ops

# name -> (NumPy reference, low, high): inputs are drawn inside the function's smooth domain.
UNARY = {
    "exp": (np.exp, -2, 2),
    "expm1": (np.expm1, -2, 2),
    "exp2": (np.exp2, -2, 2),
    "log": (np.log, 0.2, 3),
    "log1p": (np.log1p, -0.5, 2),
    "log2": (np.log2, 0.2, 3),
    "log10": (np.log10, 0.2, 3),
    "sqrt": (np.sqrt, 0.2, 3),
    "reciprocal": (np.reciprocal, 0.3, 3),
    "square": (np.square, -2, 2),
    "negative": (np.negative, -2, 2),
    "positive": (np.positive, -2, 2),
    "abs": (np.abs, 0.1, 2),
    "absolute": (np.abs, -2, -0.1),
    "sin": (np.sin, -3, 3),
    "cos": (np.cos, -3, 3),
    "tan": (np.tan, -1.2, 1.2),
    "arcsin": (np.arcsin, -0.9, 0.9),
    "arccos": (np.arccos, -0.9, 0.9),
    "arctan": (np.arctan, -3, 3),
    "sinh": (np.sinh, -2, 2),
    "cosh": (np.cosh, -2, 2),
    "tanh": (np.tanh, -2, 2),
    "arcsinh": (np.arcsinh, -2, 2),
    "arccosh": (np.arccosh, 1.2, 3),
    "arctanh": (np.arctanh, -0.9, 0.9),
    "deg2rad": (np.deg2rad, -180, 180),
    "rad2deg": (np.rad2deg, -3, 3),
}

BINARY = {
    "add": (np.add, (-2, 2), (-2, 2)),
    "subtract": (np.subtract, (-2, 2), (-2, 2)),
    "multiply": (np.multiply, (-2, 2), (-2, 2)),
    "divide": (np.divide, (-2, 2), (0.5, 2)),
    "true_divide": (np.true_divide, (-2, 2), (-2, -0.5)),
    "power": (np.power, (0.3, 2), (-2, 2)),
    "maximum": (np.maximum, (-2, 2), (-2, 2)),
    "minimum": (np.minimum, (-2, 2), (-2, 2)),
    "arctan2": (np.arctan2, (-2, 2), (0.3, 2)),
    "logaddexp": (np.logaddexp, (-3, 3), (-3, 3)),
    "hypot": (np.hypot, (0.2, 2), (-2, -0.2)),
    "mod": (np.mod, (0.1, 3), (0.7, 1.3)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_forward_and_gradient(name):
    np_fn, low, high = UNARY[name]
    fn = getattr(ops, name)
    check_op(fn, np_fn, [(2, 3)], dtype="float64", low=low, high=high)
    # float32 forward keeps the dtype.
    out = check_op(fn, np_fn, [(4,)], dtype="float32", low=low, high=high, grad=False,
                   rtol=2e-6)
    assert out.dtype == "float32"


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("shapes", [[(2, 3), (2, 3)], [(2, 3), (3,)], [(2, 1), (1, 3)]],
                         ids=["same", "row", "outer"])
def test_binary_forward_and_gradient(name, shapes):
    np_fn, (lo1, hi1), (lo2, hi2) = BINARY[name]
    arrays = [random_array(shapes[0], "float64", lo1, hi1),
              random_array(shapes[1], "float64", lo2, hi2)]
    check_op(getattr(ops, name), np_fn, [], arrays=arrays, dtype="float64")


@pytest.mark.parametrize("name", ["add", "multiply", "divide", "maximum", "power", "arctan2"])
def test_binary_with_python_scalars(name):
    np_fn = BINARY[name][0]
    x = random_array((2, 3), "float32", 0.5, 2)
    fn = getattr(ops, name)
    got = fn(x, 1.5)
    assert got.dtype == "float32"
    np.testing.assert_allclose(got.numpy(), np_fn(x, np.float32(1.5)), rtol=1e-6)
    got = fn(1.5, ops.convert_to_tensor(x))
    np.testing.assert_allclose(got.numpy(), np_fn(np.float32(1.5), x), rtol=1e-6)
    # Two Python scalars give a strong (Keras default dtype) tensor.
    both = fn(2.0, 1.5)
    assert both.dtype == "float32"
    np.testing.assert_allclose(float(both), np_fn(2.0, 1.5), rtol=1e-6)


def test_clip_forward_and_gradient():
    check_op(lambda x: ops.clip(x, -1.0, 1.0), lambda x: np.clip(x, -1, 1), [(3, 4)],
             dtype="float64")
    lo, hi = np.array([-1.5, 0.0, -0.5]), np.array([0.5, 1.0, 1.5])
    check_op(lambda x: ops.clip(x, lo, hi), lambda x: np.clip(x, lo, hi), [(2, 3)],
             dtype="float64")


def test_clip_dtypes():
    i = ops.convert_to_tensor(np.array([-5, 0, 5], np.int32))
    got = ops.clip(i, -2, 2)
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), [-2, 0, 2])
    assert ops.clip(np.array([True, False]), 0, 1).dtype == "int32"


def test_maximum_minimum_away_from_ties_and_at_ties():
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([3.0, 2.0, 1.0])
    x, y = ops.convert_to_tensor(a), ops.convert_to_tensor(b)
    with keras.GradientTape() as tape:
        tape.watch([x, y])
        out = ops.sum(ops.maximum(x, y))
    gx, gy = tape.gradient(out, [x, y])
    np.testing.assert_allclose(gx.numpy()[[0, 2]], [0.0, 1.0])
    np.testing.assert_allclose(gy.numpy()[[0, 2]], [1.0, 0.0])
    # At a tie the two gradients must still add up to the total derivative.
    np.testing.assert_allclose(gx.numpy()[1] + gy.numpy()[1], 1.0)


def test_divide_no_nan():
    a = np.array([1.0, 2.0, -3.0, 0.0])
    b = np.array([2.0, 0.0, 4.0, 0.0])
    np.testing.assert_allclose(ops.divide_no_nan(a, b).numpy(), [0.5, 0.0, -0.75, 0.0])
    x, y = ops.convert_to_tensor(a), ops.convert_to_tensor(b)
    with keras.GradientTape() as tape:
        tape.watch([x, y])
        out = ops.sum(ops.divide_no_nan(x, y))
    gx, gy = tape.gradient(out, [x, y])
    # Finite everywhere, exact where the divisor is non-zero.
    assert np.all(np.isfinite(gx.numpy())) and np.all(np.isfinite(gy.numpy()))
    np.testing.assert_allclose(gx.numpy()[[0, 2]], 1 / b[[0, 2]])
    np.testing.assert_allclose(gy.numpy()[[0, 2]], -a[[0, 2]] / b[[0, 2]] ** 2)


@pytest.mark.parametrize("name,np_fn", [("floor", np.floor), ("ceil", np.ceil),
                                        ("trunc", np.trunc), ("fix", np.fix),
                                        ("round", np.round), ("sign", np.sign)])
def test_piecewise_constant_functions(name, np_fn):
    x = np.array([-2.5, -1.5, -0.5, -0.2, 0.0, 0.3, 0.5, 1.5, 2.5, 3.7])
    got = getattr(ops, name)(x)
    np.testing.assert_array_equal(got.numpy(), np_fn(x))
    t = ops.convert_to_tensor(x)
    with keras.GradientTape() as tape:
        tape.watch(t)
        y = ops.sum(getattr(ops, name)(t))
    g = tape.gradient(y, t)
    assert g is None or not np.any(g.numpy())


def test_round_with_decimals():
    x = np.array([1.25, -2.35, 123.456, 0.125], np.float64)
    for decimals in (1, 2, -1):
        np.testing.assert_allclose(ops.round(x, decimals).numpy(), np.round(x, decimals),
                                   rtol=1e-12)


def test_round_integers_with_negative_decimals():
    i = np.array([15, 25, -35, 1234], np.int32)
    got = ops.round(i, -1)
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), np.round(i, -1))


def test_floor_divide_and_mod_match_numpy_signs():
    a = np.array([7.5, -7.5, 7.5, -7.5, 3.0])
    b = np.array([2.0, 2.0, -2.0, -2.0, 1.5])
    np.testing.assert_allclose(ops.floor_divide(a, b).numpy(), np.floor_divide(a, b))
    np.testing.assert_allclose(ops.mod(a, b).numpy(), np.mod(a, b))
    i = np.array([7, -7, 7, -7], np.int32)
    j = np.array([2, 2, -2, -2], np.int32)
    np.testing.assert_array_equal(ops.floor_divide(i, j).numpy(), np.floor_divide(i, j))
    np.testing.assert_array_equal(ops.mod(i, j).numpy(), np.mod(i, j))


def test_integer_power_is_exact():
    i = np.array([2, -3, 5, 0], np.int32)
    got = ops.power(i, 3)
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), i ** 3)
    np.testing.assert_array_equal(ops.power(np.int32(3), np.arange(10, dtype=np.int32)).numpy(),
                                  3 ** np.arange(10))


def test_copysign_signbit():
    a = np.array([1.0, -2.0, 3.0, -0.0, 0.0, 4.0])
    b = np.array([-1.0, 1.0, -0.0, 1.0, -3.0, 0.0])
    np.testing.assert_array_equal(ops.copysign(a, b).numpy(), np.copysign(a, b))
    np.testing.assert_array_equal(ops.signbit(b).numpy(), np.signbit(b))
    np.testing.assert_array_equal(ops.signbit(np.array([-1, 0, 2], np.int32)).numpy(),
                                  [True, False, False])
    check_op(lambda x: ops.copysign(x, b[:3]), lambda x: np.copysign(x, b[:3]), [(3,)],
             dtype="float64", low=0.2, high=2)


def test_nan_to_num():
    x = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0], np.float32)
    np.testing.assert_array_equal(ops.nan_to_num(x).numpy(), np.nan_to_num(x))
    np.testing.assert_array_equal(
        ops.nan_to_num(x, nan=7.0, posinf=100.0, neginf=-100.0).numpy(),
        np.nan_to_num(x, nan=7.0, posinf=100.0, neginf=-100.0))
    check_op(ops.nan_to_num, np.nan_to_num, [(2, 3)], dtype="float64")


def test_nan_and_inf_predicates():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -1.0], np.float32)
    for name in ("isnan", "isinf", "isfinite"):
        got = getattr(ops, name)(x)
        assert got.dtype == "bool"
        np.testing.assert_array_equal(got.numpy(), getattr(np, name)(x))
    ints = np.array([1, 2], np.int32)
    np.testing.assert_array_equal(ops.isfinite(ints).numpy(), [True, True])
    np.testing.assert_array_equal(ops.isnan(ints).numpy(), [False, False])


def test_nan_propagation_in_elementwise():
    a = np.array([np.nan, 1.0, np.nan, 2.0])
    b = np.array([0.0, np.nan, np.nan, 1.0])
    for name in ("maximum", "minimum", "add", "logaddexp", "hypot"):
        got = getattr(ops, name)(a, b).numpy()
        with np.errstate(invalid="ignore"):
            expected = getattr(np, name)(a, b)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(expected), name)


def test_isclose():
    a = np.array([1.0, 1.0 + 1e-9, 1.1, np.nan, np.inf, 0.0])
    b = np.array([1.0, 1.0, 1.0, np.nan, np.inf, 1e-9])
    np.testing.assert_array_equal(ops.isclose(a, b).numpy(), np.isclose(a, b))
    np.testing.assert_array_equal(ops.isclose(a, b, equal_nan=True).numpy(),
                                  np.isclose(a, b, equal_nan=True))
    np.testing.assert_array_equal(ops.isclose(a, b, rtol=0.2, atol=0.0).numpy(),
                                  np.isclose(a, b, rtol=0.2, atol=0.0))


@pytest.mark.parametrize("name", ["equal", "not_equal", "less", "less_equal", "greater",
                                  "greater_equal"])
def test_comparisons(name):
    a = np.array([[1.0, 2.0, np.nan], [4.0, -1.0, 0.0]], np.float32)
    b = np.array([2.0, 2.0, np.nan], np.float32)
    got = getattr(ops, name)(a, b)
    assert got.dtype == "bool"
    np.testing.assert_array_equal(got.numpy(), getattr(np, name)(a, b))
    i = np.array([1, 5, 3], np.int32)
    np.testing.assert_array_equal(getattr(ops, name)(i, 3).numpy(), getattr(np, name)(i, 3))


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logical(name):
    a = np.array([True, True, False, False])
    b = np.array([True, False, True, False])
    np.testing.assert_array_equal(getattr(ops, name)(a, b).numpy(), getattr(np, name)(a, b))
    x = np.array([0.0, 2.0, -1.0, 0.0])
    np.testing.assert_array_equal(getattr(ops, name)(x, b).numpy(), getattr(np, name)(x, b))
    np.testing.assert_array_equal(ops.logical_not(x).numpy(), np.logical_not(x))


@pytest.mark.parametrize("name,np_name", [
    ("bitwise_and", "bitwise_and"), ("bitwise_or", "bitwise_or"),
    ("bitwise_xor", "bitwise_xor"), ("left_shift", "left_shift"),
    ("right_shift", "right_shift"), ("bitwise_left_shift", "left_shift"),
    ("bitwise_right_shift", "right_shift"),
])
def test_bitwise(name, np_name):
    for dtype in ("int8", "uint8", "int32", "int64"):
        a = np.array([5, 12, 127, 3], dtype)
        b = np.array([3, 2, 1, 4], dtype)
        got = getattr(ops, name)(a, b)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got.numpy(), getattr(np, np_name)(a, b))
    a = np.array([-5, 12], np.int32)
    np.testing.assert_array_equal(ops.bitwise_invert(a).numpy(), np.invert(a))
    np.testing.assert_array_equal(ops.bitwise_not(a).numpy(), np.invert(a))


def test_where():
    cond = np.array([[True, False, True], [False, True, False]])
    a = np.arange(6.0).reshape(2, 3)
    b = np.array([-1.0, -2.0, -3.0])
    np.testing.assert_array_equal(ops.where(cond, a, b).numpy(), np.where(cond, a, b))
    np.testing.assert_array_equal(ops.where(cond, a, 0.0).numpy(), np.where(cond, a, 0.0))
    assert ops.where(cond, 1, 0).dtype == "int32"
    assert ops.where(cond, ops.ones((3,), dtype="float16"), 0.5).dtype == "float16"
    check_op(lambda x, y: ops.where(cond, x, y), lambda x, y: np.where(cond, x, y),
             [(2, 3), (3,)], dtype="float64")
    with pytest.raises(ValueError):
        ops.where(cond, a)


# ---------------------------------------------------------------------------------------------
# Result dtypes (Keras/JAX rules)

FLOAT_MATH = ["exp", "log", "sqrt", "sin", "tanh", "reciprocal", "arctan", "log1p", "exp2",
              "log2", "log10", "deg2rad"]


@pytest.mark.parametrize("name", FLOAT_MATH)
@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int32", "int64"])
def test_float_math_on_integers_gives_float32(name, dtype):
    x = np.array([1, 2, 3]).astype(dtype)
    got = getattr(ops, name)(x)
    assert got.dtype == "float32"
    expected = UNARY[name][0](x.astype(np.float64))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("name", FLOAT_MATH)
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
def test_float_math_keeps_float_dtype(name, dtype):
    x = ops.convert_to_tensor(np.array([1.0, 2.0, 3.0], np.float32), dtype=dtype)
    assert getattr(ops, name)(x).dtype == dtype


@pytest.mark.parametrize("a,b,expected", [
    ("int32", "int32", "float32"), ("int8", "int8", "float32"), ("uint8", "int16", "float32"),
    ("bool", "bool", "float32"), ("float16", "int32", "float16"), ("int64", "int64", "float32"),
    ("float64", "int32", "float64"),
])
def test_true_divide_dtype(a, b, expected):
    x, y = ops.ones((2,), dtype=a), ops.full((2,), 2, dtype=b)
    got = ops.divide(x, y)
    assert got.dtype == expected
    quotient = 1.0 if b == "bool" else 0.5
    np.testing.assert_allclose(got.numpy().astype(np.float64), [quotient, quotient])


@pytest.mark.parametrize("name,dtype,expected", [
    ("abs", "int8", "int8"), ("negative", "int16", "int16"), ("sign", "int32", "int32"),
    ("square", "uint8", "uint8"), ("trunc", "int32", "int32"), ("round", "int32", "int32"),
    ("mod", "int32", "int32"), ("floor_divide", "int8", "int8"), ("power", "int32", "int32"),
    ("maximum", "uint8", "uint8"), ("add", "bool", "bool"), ("multiply", "int64", "int64"),
])
def test_integer_preserving_ops(name, dtype, expected):
    x = ops.full((3,), 2, dtype=dtype) if dtype != "bool" else ops.ones((3,), dtype="bool")
    fn = getattr(ops, name)
    out = fn(x) if name in ("abs", "negative", "sign", "square", "trunc", "round") else fn(x, x)
    assert out.dtype == expected


@pytest.mark.parametrize("name", ["floor", "ceil"])
def test_floor_ceil_of_int_give_float32(name):
    got = getattr(ops, name)(np.array([1, -2, 3], np.int32))
    assert got.dtype == "float32"


def test_square_of_bool_gives_int32():
    got = ops.square(np.array([True, False]))
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), [1, 0])


@pytest.mark.parametrize("name", ["logaddexp", "hypot"])
def test_mixed_float16_int_float_math(name):
    x = ops.ones((2,), dtype="float16")
    y = ops.ones((2,), dtype="int32")
    assert getattr(ops, name)(x, y).dtype == "float16"


def test_copysign_of_int_gives_float32():
    got = ops.copysign(np.array([1, 2], np.int32), np.array([-1, 1], np.int32))
    assert got.dtype == "float32"


def test_float16_math_is_accurate_enough():
    x = random_array((50,), "float32", -2, 2).astype(np.float16)
    for name in ("exp", "tanh", "sin", "square"):
        got = getattr(ops, name)(x)
        assert got.dtype == "float16"
        np.testing.assert_allclose(got.numpy().astype(np.float32),
                                   UNARY[name][0](x.astype(np.float32)), rtol=2e-3, atol=2e-3)
