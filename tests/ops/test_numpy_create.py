"""Tensor creation (keras_like/ops/numpy_create.py) against NumPy, with Keras dtypes."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8",
          "float16", "bfloat16", "float32", "float64"]


def _np_dtype(dtype):
    return np.float32 if dtype == "bfloat16" else np.dtype(dtype)


@pytest.mark.parametrize("args", [
    (5,), (2, 9), (2, 9, 3), (10, 0, -3), (0, 1, 0.1), (1.0, 5), (-1.5, 2.5, 0.5),
    (0, -1, 0.25), (3, 3), (0.5, 2.6, 0.7), (5, 1), (-3,),
], ids=str)
def test_arange_matches_numpy(args):
    got = ops.arange(*args)
    expected = np.arange(*args)
    assert got.shape == expected.shape
    is_int = all(isinstance(a, int) for a in args)
    assert got.dtype == ("int32" if is_int else "float32")
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", ["int8", "int64", "float16", "float64", "uint8"])
def test_arange_dtype_argument(dtype):
    got = ops.arange(0, 10, 2, dtype=dtype)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), np.arange(0, 10, 2, dtype=dtype))


def test_arange_float64_steps_are_computed_not_accumulated():
    got = ops.arange(0.0, 100.0, 0.1, dtype="float64").numpy()
    np.testing.assert_allclose(got, np.arange(0.0, 100.0, 0.1), rtol=0, atol=1e-12)


def test_arange_zero_step():
    with pytest.raises(ValueError, match="step"):
        ops.arange(0, 5, 0)


@pytest.mark.parametrize("num", [0, 1, 2, 7, 50])
@pytest.mark.parametrize("endpoint", [True, False])
def test_linspace_matches_numpy(num, endpoint):
    got = ops.linspace(-1.5, 3.0, num, endpoint=endpoint)
    expected = np.linspace(-1.5, 3.0, num, endpoint=endpoint)
    assert got.dtype == "float32"
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-6)
    if num > 1 and endpoint:
        assert float(got[-1]) == 3.0  # the endpoint is exact


@pytest.mark.parametrize("endpoint", [True, False])
def test_linspace_retstep(endpoint):
    values, step = ops.linspace(2.0, 4.0, 5, endpoint=endpoint, retstep=True)
    np_values, np_step = np.linspace(2.0, 4.0, 5, endpoint=endpoint, retstep=True)
    np.testing.assert_allclose(values.numpy(), np_values, rtol=1e-6)
    np.testing.assert_allclose(float(step), np_step, rtol=1e-6)


def test_linspace_arrays_axis_and_dtype():
    start, stop = np.array([0.0, 1.0]), np.array([2.0, 5.0])
    np.testing.assert_allclose(ops.linspace(start, stop, 4).numpy(), np.linspace(start, stop, 4))
    np.testing.assert_allclose(ops.linspace(start, stop, 4, axis=1).numpy(),
                               np.linspace(start, stop, 4, axis=1))
    np.testing.assert_allclose(ops.linspace(start, stop, 4, axis=-1).numpy(),
                               np.linspace(start, stop, 4, axis=-1))
    got = ops.linspace(0, 10, 5, dtype="float64")
    assert got.dtype == "float64"
    got = ops.linspace(0, 10, 6, dtype="int32")
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), np.linspace(0, 10, 6, dtype=np.int32))


def test_logspace_geomspace():
    np.testing.assert_allclose(ops.logspace(0, 3, 4).numpy(), np.logspace(0, 3, 4), rtol=1e-6)
    np.testing.assert_allclose(ops.logspace(0, 3, 4, base=2, endpoint=False).numpy(),
                               np.logspace(0, 3, 4, base=2, endpoint=False), rtol=1e-6)
    np.testing.assert_allclose(ops.geomspace(1, 1000, 4).numpy(), np.geomspace(1, 1000, 4),
                               rtol=1e-6)


@pytest.mark.parametrize("n,m,k", [(3, None, 0), (3, 4, 1), (4, 3, -1), (3, 5, 3), (2, 2, -5),
                                   (1, None, 0), (0, 3, 0)])
def test_eye_tri_match_numpy(n, m, k):
    for fn in ("eye", "tri"):
        got = getattr(ops, fn)(n, m, k=k)
        assert got.dtype == "float32"
        np.testing.assert_array_equal(got.numpy(), getattr(np, fn)(n, m, k=k))


@pytest.mark.parametrize("dtype", DTYPES)
def test_eye_tri_identity_dtype(dtype):
    assert ops.eye(3, dtype=dtype).dtype == dtype
    assert ops.tri(3, dtype=dtype).dtype == dtype
    got = ops.identity(3, dtype=dtype)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), np.identity(3, dtype=_np_dtype(dtype)))


@pytest.mark.parametrize("k", [-2, -1, 0, 1, 3])
@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (2, 4, 3)])
def test_tril_triu_match_numpy(k, shape):
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) + 1.0
    for fn in ("tril", "triu"):
        got = getattr(ops, fn)(a, k=k)
        assert got.dtype == "float32"
        np.testing.assert_array_equal(got.numpy(), getattr(np, fn)(a, k=k))
    i = a.astype(np.int32)
    assert ops.tril(i).dtype == "int32"
    np.testing.assert_array_equal(ops.triu(i, k).numpy(), np.triu(i, k))


def test_tril_triu_gradient():
    x = ops.convert_to_tensor(np.ones((3, 3)))
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.tril(x) * 2.0) + ops.sum(ops.triu(x, 1))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(),
                                  np.tril(np.full((3, 3), 2.0)) + np.triu(np.ones((3, 3)), 1))


@pytest.mark.parametrize("dtype", DTYPES + [None])
@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_zeros_ones(name, dtype):
    got = getattr(ops, name)((2, 3), dtype=dtype)
    expected_dtype = dtype or "float32"
    assert got.dtype == expected_dtype
    assert got.shape == (2, 3)
    np.testing.assert_array_equal(got.numpy(),
                                  getattr(np, name)((2, 3), dtype=_np_dtype(expected_dtype)))
    assert getattr(ops, name)(4).shape == (4,)
    assert getattr(ops, name)(()).shape == ()
    assert getattr(ops, name)([0, 2]).shape == (0, 2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_full_with_dtype(dtype):
    value = 1 if dtype == "bool" else 3
    got = ops.full((2, 2), value, dtype=dtype)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), np.full((2, 2), value, dtype=_np_dtype(dtype)))


def test_full_with_array_fill_broadcasts():
    got = ops.full((3, 2), np.array([1.5, -2.0], np.float32))
    np.testing.assert_array_equal(got.numpy(), np.full((3, 2), [1.5, -2.0]))
    got = ops.full((2, 3), np.array([[1], [2]]), dtype="int8")
    assert got.dtype == "int8"
    np.testing.assert_array_equal(got.numpy(), np.full((2, 3), [[1], [2]]))


def test_full_float_fill():
    got = ops.full((2,), 2.5)
    assert got.dtype == "float32"
    np.testing.assert_array_equal(got.numpy(), [2.5, 2.5])


@pytest.mark.parametrize("fill", [3, True])
def test_full_default_dtype_is_floatx(fill):
    assert ops.full((2, 2), fill).dtype == "float32"


def test_full_large_int64_value_is_exact():
    big = 2**53 + 1
    got = ops.full((2,), big, dtype="int64")
    np.testing.assert_array_equal(got.numpy(), np.full((2,), big, dtype=np.int64))


@pytest.mark.parametrize("src", ["int8", "float16", "float64", "bool", "uint8"])
@pytest.mark.parametrize("dtype", [None, "float32", "int32"])
def test_like_functions(src, dtype):
    x = np.ones((2, 3), dtype=src)
    expected = dtype or src
    for name, np_name, extra in [("zeros_like", "zeros_like", ()), ("ones_like", "ones_like", ()),
                                 ("full_like", "full_like", (2,)),
                                 ("empty_like", "zeros_like", ())]:
        got = getattr(ops, name)(x, *extra, dtype=dtype)
        assert got.dtype == expected, name
        assert got.shape == (2, 3)
        np.testing.assert_array_equal(
            got.numpy(), getattr(np, np_name)(x, *extra, dtype=np.dtype(expected)))


def test_full_like_truncates_into_int_dtype():
    x = np.ones((3,), np.int8)
    np.testing.assert_array_equal(ops.full_like(x, 3.7).numpy(), np.full_like(x, 3.7))


def test_like_functions_accept_tensors_and_variables():
    t = ops.ones((2, 2), dtype="bfloat16")
    assert ops.zeros_like(t).dtype == "bfloat16"
    v = keras.Variable(np.ones((3,), np.float64))
    got = ops.ones_like(v)
    assert got.dtype == "float64"
    assert got.shape == (3,)


def test_empty_has_shape_and_dtype():
    got = ops.empty((2, 5), dtype="int16")
    assert got.shape == (2, 5)
    assert got.dtype == "int16"


def test_floatx_controls_default_dtype():
    original = keras.config.floatx()
    try:
        keras.config.set_floatx("float64")
        assert ops.zeros((2,)).dtype == "float64"
        assert ops.eye(2).dtype == "float64"
        assert ops.linspace(0, 1, 3).dtype == "float64"
        assert ops.arange(0.0, 1.0, 0.5).dtype == "float64"
    finally:
        keras.config.set_floatx(original)
    assert ops.zeros((2,)).dtype == original
