"""Keras's result-dtype rules that keras_like's Python layer applies (issue 7, section 8)."""

import itertools

import numpy as np
import pytest

from keras_like import ops
from keras_like.backend import result_type


@pytest.mark.parametrize("fn", ["cumsum", "cumprod"])
@pytest.mark.parametrize("dtype,expected", [("int8", "int8"), ("int16", "int16"),
                                            ("uint8", "uint8"), ("bool", "int32")])
def test_scans_keep_small_int_dtypes(fn, dtype, expected):
    out = getattr(ops, fn)(np.array([1, 1, 1], dtype))
    assert out.dtype == expected
    np.testing.assert_array_equal(out.numpy(), getattr(np, fn)(np.array([1, 1, 1], dtype)))


def test_bool_max_min_with_initial_stay_bool():
    x = np.array([False, True])
    assert ops.max(x, initial=1).dtype == "bool"
    assert bool(ops.max(np.array([False]), initial=True))
    assert ops.min(x, initial=0).dtype == "bool"
    assert not bool(ops.min(x, initial=False))
    assert ops.max(np.array([1, 2], "int8"), initial=5).numpy() == 5


@pytest.mark.parametrize("a,b,expected", [("int8", "bool", "int8"), ("bool", "int8", "int8"),
                                          ("int8", "int8", "int32"), ("bool", "bool", "bool")])
def test_int8_and_bool_products(a, b, expected):
    x, y = np.ones((2, 2), a), np.ones((2, 2), b)
    for out in (ops.dot(x, y), ops.matmul(x, y), ops.einsum("ij,jk->ik", x, y),
                ops.tensordot(x, y, 1)):
        assert out.dtype == expected
    assert int(np.asarray(ops.matmul(x, y).numpy()).ravel()[0]) == (1 if expected == "bool"
                                                                    else 2)


def test_float16_bfloat16_promote_to_float32():
    assert result_type("float16", "bfloat16") == "float32"
    assert result_type("bfloat16", "float16", "float32") == "float32"


@pytest.mark.parametrize("q,kv", list(itertools.combinations(
    ["float16", "bfloat16", "float32", "float64"], 2)))
def test_dot_product_attention_dtype(q, kv):
    query = ops.ones((2, 3, 2, 4), dtype=q)
    key = ops.ones((2, 3, 2, 4), dtype=kv)
    out = ops.dot_product_attention(query, key, key)
    assert out.dtype == result_type(q, kv)
    np.testing.assert_allclose(np.asarray(out.numpy(), np.float64), 1.0)


@pytest.mark.parametrize("dtype", ["float8_e4m3fn", "float8_e5m2"])
def test_cast_to_float8_names_the_dtype(dtype):
    with pytest.raises(ValueError, match=dtype):
        ops.cast(ops.ones((2,)), dtype)


@pytest.mark.parametrize("shape,axis", [((1, 0), None), ((1, 0), 1), ((2, 0, 3), 1),
                                        ((0, 3), 1), ((0,), 0)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_max_min_of_nothing_is_the_initial_value(shape, axis, keepdims):
    x = np.zeros(shape)
    for fn, init in ((ops.max, 1.0), (ops.min, -2.0)):
        got = fn(x, axis=axis, keepdims=keepdims, initial=init)
        expected = getattr(np, fn.__name__)(x, axis=axis, keepdims=keepdims, initial=init)
        np.testing.assert_array_equal(got.numpy(), expected)
        assert got.dtype == "float64"


@pytest.mark.parametrize("order", [1, 2, 3])
def test_normalize_over_all_axes(order):
    x = np.arange(1.0, 7.0).reshape(2, 3)
    expected = x / np.sum(np.abs(x) ** order) ** (1.0 / order)
    np.testing.assert_allclose(ops.normalize(x, axis=None, order=order).numpy(), expected)
