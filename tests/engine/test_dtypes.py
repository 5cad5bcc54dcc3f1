"""Dtypes: NumPy round trips, the JAX/Keras promotion lattice, weak Python scalars."""

import itertools

import numpy as np
import pytest

import keras_like
from keras_like import ops
from keras_like.backend.engine import _engine as E

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
          "float16", "bfloat16", "float32", "float64"]
INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32"]
FLOAT_DTYPES = ["float16", "bfloat16", "float32", "float64"]

# The promotion lattice Keras 3 adapted from JAX (keras/src/backend/common/dtypes.py): each
# node points at the types immediately above it. "i*" / "f*" are the weak Python int / float.
# The engine keeps 64-bit results (like JAX with x64 enabled), so there is no 64->32 step.
_LATTICE = {
    "bool": ["i*"],
    "i*": ["uint8", "int8"],
    "uint8": ["int16", "uint16"],
    "uint16": ["int32", "uint32"],
    "uint32": ["int64", "uint64"],
    "uint64": ["f*"],
    "int8": ["int16"],
    "int16": ["int32"],
    "int32": ["int64"],
    "int64": ["f*"],
    "f*": ["bfloat16", "float16"],
    "bfloat16": ["float32"],
    "float16": ["float32"],
    "float32": ["float64"],
    "float64": [],
}


def _upper_bounds(node):
    seen, todo = {node}, [node]
    while todo:
        for up in _LATTICE[todo.pop()]:
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return seen


def lattice_join(*nodes):
    """Least upper bound of the nodes on the lattice above."""
    common = set.intersection(*[_upper_bounds(n) for n in nodes])
    least = [c for c in common if common <= _upper_bounds(c)]
    assert len(least) == 1, (nodes, least)
    return least[0]


def expected_with_scalar(dtype, scalar_type):
    """Keras/JAX result of `tensor(dtype) <op> python scalar`: weak results become 32-bit."""
    weak = {int: "i*", float: "f*"}[scalar_type]
    joined = lattice_join(dtype, weak)
    return {"i*": "int32", "f*": "float32"}.get(joined, joined)


def _sample(dtype, shape=(2, 3)):
    """Values every dtype holds exactly (bfloat16 has an 8-bit mantissa)."""
    base = np.arange(int(np.prod(shape))).reshape(shape)
    if dtype == "bool":
        return base % 2 == 0
    if dtype == "bfloat16":
        return (base - 2).astype(np.float32)
    return (base - (0 if dtype.startswith("uint") else 2)).astype(dtype)


def test_lattice_helper_matches_documented_examples():
    # Sanity of the oracle itself against examples stated in the Keras / JAX docs.
    assert lattice_join("int8", "uint8") == "int16"
    assert lattice_join("int32", "float16") == "float16"
    assert lattice_join("float16", "bfloat16") == "float32"
    assert lattice_join("bool", "int8") == "int8"
    assert lattice_join("uint8", "int64") == "int64"


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_round_trip(dtype):
    array = _sample(dtype)
    t = ops.convert_to_tensor(array, dtype=dtype)
    assert t.dtype == dtype
    assert isinstance(t.dtype, str)
    out = t.numpy()
    # NumPy has no bfloat16: it exports as float32.
    assert out.dtype == np.dtype("float32" if dtype == "bfloat16" else dtype)
    np.testing.assert_array_equal(out, array)
    back = ops.convert_to_tensor(out, dtype=dtype)
    np.testing.assert_array_equal(back.numpy(), array)


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_dtype_maps_to_tensor_dtype(dtype):
    if dtype == "bfloat16":
        pytest.skip("NumPy has no native bfloat16")
    t = ops.convert_to_tensor(np.zeros((3,), dtype=dtype))
    assert t.dtype == dtype
    assert ops.dtype(t) == dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_cast_round_trip(dtype):
    values = np.array([0.0, 1.0, 2.0, 3.0], np.float32)
    t = ops.cast(ops.convert_to_tensor(values), dtype)
    assert t.dtype == dtype
    back = ops.cast(t, "float32").numpy()
    np.testing.assert_array_equal(back, values.astype(dtype if dtype != "bfloat16" else "float32"))


def test_bfloat16_rounds_to_nearest_even():
    # 1 + 2**-8 lies halfway between two bfloat16 values: ties go to the even mantissa (1.0).
    values = np.array([1.0 + 2.0**-8, 1.0 + 3 * 2.0**-8, 256.0 + 1.0], np.float32)
    got = ops.cast(ops.convert_to_tensor(values), "bfloat16").numpy()
    np.testing.assert_array_equal(got, np.array([1.0, 1.0 + 2.0**-6, 256.0], np.float32))


@pytest.mark.parametrize("a,b", list(itertools.combinations_with_replacement(DTYPES, 2)))
def test_promote_types_matches_lattice(a, b):
    expected = lattice_join(a, b)
    assert E.promote_types(a, b) == expected
    assert E.promote_types(b, a) == expected
    assert keras_like.backend.result_type(a, b) == expected


@pytest.mark.parametrize("a,b", [(a, b) for a, b in itertools.product(DTYPES, DTYPES)
                                 if a != "bool" and b != "bool"])
def test_binary_op_result_dtype(a, b):
    x = ops.convert_to_tensor(_sample(a), dtype=a)
    y = ops.convert_to_tensor(_sample(b), dtype=b)
    out = x + y
    assert out.dtype == lattice_join(a, b)
    expected = _sample(a).astype(np.float64) + _sample(b).astype(np.float64)
    np.testing.assert_allclose(out.numpy().astype(np.float64), expected)


@pytest.mark.parametrize("a,b,expected", [
    ("int8", "uint8", "int16"),
    ("int32", "float16", "float16"),
    ("float16", "bfloat16", "float32"),
    ("bool", "int8", "int8"),
    ("uint8", "int32", "int32"),
    ("int64", "bfloat16", "bfloat16"),
    ("float32", "float64", "float64"),
])
def test_named_promotions(a, b, expected):
    x, y = ops.ones((2,), dtype=a), ops.ones((2,), dtype=b)
    assert ops.multiply(x, y).dtype == expected
    assert E.result_dtype(x, y) == expected


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scalar", [2, 2.5])
def test_weak_python_scalars(dtype, scalar):
    t = ops.ones((3,), dtype=dtype)
    expected = expected_with_scalar(dtype, type(scalar))
    assert (t + scalar).dtype == expected
    assert (scalar + t).dtype == expected
    assert (t * scalar).dtype == expected
    assert ops.add(t, scalar).dtype == expected


def test_weak_scalar_examples():
    assert (ops.ones((2,), dtype="float16") + 2.0).dtype == "float16"
    assert (ops.ones((2,), dtype="int32") + 2.5).dtype == "float32"
    assert (ops.ones((2,), dtype="int8") + 1).dtype == "int8"
    assert (ops.ones((2,), dtype="bfloat16") * 3).dtype == "bfloat16"
    assert (ops.ones((2,), dtype="bool") + 1).dtype == "int32"
    np.testing.assert_allclose((ops.ones((2,), dtype="int32") + 2.5).numpy(), [3.5, 3.5])


def test_weak_int_wraps_in_small_int_dtype():
    # A weak int keeps int8, so arithmetic wraps like NumPy's int8 does.
    t = ops.convert_to_tensor(np.array([100, -100], np.int8))
    got = (t * 3).numpy()
    assert got.dtype == np.int8
    np.testing.assert_array_equal(got, np.array([100, -100], np.int8) * np.int8(3))


def test_python_bool_scalar_is_strong():
    # JAX treats Python bools as strong bools: int8 + True stays int8 (bool sits below ints).
    t = ops.ones((2,), dtype="int8")
    assert (t + True).dtype == "int8"


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_strings(dtype):
    t = ops.zeros((2, 2), dtype=dtype)
    assert t.dtype == dtype
    assert type(t.dtype) is str
    assert keras_like.backend.standardize_dtype(t.dtype) == dtype


@pytest.mark.parametrize("value,expected", [
    (np.float32, "float32"), (np.dtype("int16"), "int16"), ("float", "float32"),
    (float, "float32"), (int, "int32"), (bool, "bool"), ("double", "float64"),
])
def test_standardize_dtype_aliases(value, expected):
    assert keras_like.backend.standardize_dtype(value) == expected


def test_python_data_defaults():
    # Keras picks 32-bit defaults for Python data, not NumPy's 64-bit ones.
    assert ops.convert_to_tensor([1.0, 2.0]).dtype == "float32"
    assert ops.convert_to_tensor([1, 2]).dtype == "int32"
    assert ops.convert_to_tensor(3).dtype == "int32"
    assert ops.convert_to_tensor(True).dtype == "bool"
    # NumPy arrays keep their dtype.
    assert ops.convert_to_tensor(np.zeros(2)).dtype == "float64"
    assert ops.convert_to_tensor(np.zeros(2, np.int64)).dtype == "int64"


@pytest.mark.parametrize("value", [np.float32(1.5), np.int64(3), np.int8(2), np.float16(0.5),
                                   np.bool_(True)])
def test_numpy_scalars_keep_their_dtype(value):
    assert ops.convert_to_tensor(value).dtype == np.asarray(value).dtype.name


def test_numpy_float64_scalar_keeps_float64():
    assert ops.convert_to_tensor(np.float64(1.5)).dtype == "float64"
    assert ops.add(np.float64(1.0), np.float64(2.0)).dtype == "float64"


def test_ml_dtypes_bfloat16_array_converts():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    a = np.array([1.5, -2.0, 3.0], dtype=ml_dtypes.bfloat16)
    t = ops.convert_to_tensor(a)
    assert t.dtype == "bfloat16"
    np.testing.assert_array_equal(t.numpy(), a.astype(np.float32))
