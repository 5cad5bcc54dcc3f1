"""uint16 and uint32 are native dtypes (as in Keras): values, promotion and reductions as NumPy."""

import numpy as np
import pytest

from keras_like import ops

_RNG = np.random.default_rng(5)


def _values(dtype, shape=(4, 5)):
    info = np.iinfo(dtype)
    values = _RNG.integers(0, info.max, size=shape, dtype=np.uint64, endpoint=True)
    values.flat[:3] = [0, 1, info.max]  # the boundaries, where wrap-around shows
    return values.astype(dtype)


@pytest.mark.parametrize("dtype", ["uint16", "uint32"])
@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "floor_divide", "mod",
                                  "maximum", "minimum", "bitwise_and", "bitwise_xor",
                                  "less", "greater_equal", "equal"])
def test_binary_ops_match_numpy(dtype, name):
    a, b = _values(dtype), _values(dtype)
    b[b == 0] = 1  # NumPy warns on integer division by zero; the result there is 0 anyway
    got = getattr(ops, name)(a, b).numpy()
    with np.errstate(over="ignore"):
        expected = getattr(np, name)(a, b)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("dtype", ["uint16", "uint32"])
def test_numpy_round_trip_is_zero_copy_and_exact(dtype):
    a = _values(dtype)
    t = ops.convert_to_tensor(a)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), a)
    assert np.shares_memory(t.numpy(), a)


@pytest.mark.parametrize("a,b,expected", [
    ("uint16", "int8", "int32"), ("uint16", "int16", "int32"), ("uint16", "int32", "int32"),
    ("uint32", "int32", "int64"), ("uint32", "int8", "int64"), ("uint32", "int64", "int64"),
    ("uint8", "uint16", "uint16"), ("uint16", "uint32", "uint32"), ("uint32", "float16",
                                                                    "float16"),
    ("uint32", "bool", "uint32"),
])
def test_promotion_follows_the_keras_lattice(a, b, expected):
    x = ops.ones((2,), dtype=a)
    y = ops.ones((2,), dtype=b)
    assert ops.add(x, y).dtype == expected
    assert ops.add(y, x).dtype == expected


@pytest.mark.parametrize("dtype,expected", [("uint8", "uint32"), ("uint16", "uint32"),
                                            ("uint32", "uint32")])
def test_sums_of_narrow_unsigned_ints_are_uint32(dtype, expected):
    a = _values(dtype, (300,))
    got = ops.sum(a)
    assert got.dtype == expected
    assert int(got) == int(a.astype(np.uint64).sum()) % 2**32


@pytest.mark.parametrize("case", [
    'ops.convert_to_tensor([-1], dtype="uint32")',
    'ops.convert_to_tensor([2**32], dtype="uint32")',
    'ops.full((2,), 70000, dtype="uint16")',
    'ops.add(np.array([1], "uint16"), 2**16)',
    'ops.add(np.array([1], "uint32"), -1)',
])
def test_out_of_range_python_ints_raise(case):
    with pytest.raises(OverflowError):
        eval(case)


def test_weak_python_ints_keep_the_unsigned_dtype():
    t = ops.convert_to_tensor(np.array([65535], np.uint16))
    got = ops.add(t, 1)
    assert got.dtype == "uint16"
    assert int(got[0]) == 0  # wraps like NumPy's uint16
    assert ops.cast(ops.convert_to_tensor(np.array([4e9])), "uint32").numpy()[0] == 4000000000
