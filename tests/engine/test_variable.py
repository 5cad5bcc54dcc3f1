"""keras_like.Variable: attributes, in-place updates, use in ops and operators."""

import operator

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import Tensor

INIT = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]], np.float32)


def make(value=INIT, **kwargs):
    return keras.Variable(np.array(value), **kwargs)


def test_attributes():
    v = make(name="kernel")
    assert v.name == "kernel"
    assert v.path == "kernel"
    assert v.trainable is True
    assert v.dtype == "float32"
    assert v.shape == (2, 3)
    assert v.ndim == 2
    assert type(v.value) is Tensor
    np.testing.assert_array_equal(v.value.numpy(), INIT)
    assert len(v) == 2


def test_path_follows_name_scope():
    with keras.name_scope("dense"):
        with keras.name_scope("inner"):
            v = make(name="bias")
    assert v.name == "bias"
    assert v.path == "dense/inner/bias"
    assert make(name="w").path == "w"


def test_invalid_name():
    with pytest.raises(ValueError, match="name"):
        make(name="a/b")


def test_dtype_argument_casts():
    v = make(dtype="float64")
    assert v.dtype == "float64"
    np.testing.assert_array_equal(v.numpy(), INIT.astype(np.float64))


def test_non_float_variables_are_not_differentiated():
    i = keras.Variable(np.array([1, 2], np.int32))
    assert i.dtype == "int32"
    assert not i.value.requires_grad
    assert make(trainable=False).value.requires_grad is False
    v = make()
    assert v.value.requires_grad
    v.trainable = False
    assert not v.value.requires_grad


@pytest.mark.parametrize("method,arg,expected", [
    ("assign", np.full((2, 3), 7.0, np.float32), np.full((2, 3), 7.0)),
    ("assign_add", np.ones((2, 3), np.float32), INIT + 1.0),
    ("assign_sub", np.full((2, 3), 0.5, np.float32), INIT - 0.5),
    ("assign_add", 2.0, INIT + 2.0),
    ("assign_add", np.array([1.0, 2.0, 3.0], np.float32), INIT + [1.0, 2.0, 3.0]),
])
def test_updates_are_in_place(method, arg, expected):
    v = make()
    ptr = v.value.data_ptr
    value_tensor = v.value
    out = getattr(v, method)(arg)
    assert v.value.data_ptr == ptr
    assert v.value is value_tensor or v.value.same_storage(value_tensor)
    np.testing.assert_allclose(v.numpy(), expected)
    # A tensor handed out earlier sees the update (same storage).
    np.testing.assert_allclose(value_tensor.numpy(), expected)
    assert out is v or out is None


def test_assign_accepts_tensors_and_casts():
    v = make()
    v.assign(ops.ones((2, 3)) * 3.0)
    np.testing.assert_array_equal(v.numpy(), np.full((2, 3), 3.0))
    v.assign(np.ones((2, 3), np.int32))
    assert v.dtype == "float32"
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 3)))


def test_assign_shape_mismatch():
    v = make()
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        v.assign(np.ones((3, 2), np.float32))
    with pytest.raises(ValueError):
        v.assign_add(np.ones((3, 2), np.float32))
    with pytest.raises(ValueError):
        v.assign_sub(np.ones((4, 2, 3), np.float32))
    np.testing.assert_array_equal(v.numpy(), INIT)


def test_numpy_is_a_copy():
    v = make()
    snapshot = v.numpy()
    snapshot_array = np.asarray(v)
    v.assign_add(1.0)
    np.testing.assert_array_equal(snapshot, INIT)
    np.testing.assert_array_equal(snapshot_array, INIT)
    assert snapshot.ctypes.data != v.value.data_ptr


def test_initializer_callable_with_shape():
    calls = []

    def init(shape, dtype=None):
        calls.append((shape, dtype))
        return np.full(shape, 0.25, dtype=dtype)

    v = keras.Variable(init, shape=(2, 2), dtype="float64")
    assert calls == [((2, 2), "float64")]
    assert v.shape == (2, 2)
    assert v.dtype == "float64"
    np.testing.assert_array_equal(v.numpy(), np.full((2, 2), 0.25))
    with pytest.raises(ValueError, match="shape"):
        keras.Variable(init)


def test_shape_argument_must_match_value():
    with pytest.raises(ValueError, match="shape"):
        keras.Variable(INIT, shape=(3, 2))


OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
             operator.lt, operator.ge, operator.eq, operator.ne]


@pytest.mark.parametrize("fn", OPERATORS, ids=lambda f: f.__name__)
def test_operators(fn):
    v = make(np.abs(INIT) + 0.5)
    base = np.abs(INIT) + 0.5
    other = np.array([1.5, 2.0, 0.5], np.float32)
    np.testing.assert_allclose(fn(v, other).numpy(), fn(base, other), rtol=1e-6)
    np.testing.assert_allclose(fn(v, 2.0).numpy(), fn(base, np.float32(2.0)), rtol=1e-6)
    np.testing.assert_allclose(fn(2.0, v).numpy(), fn(np.float32(2.0), base), rtol=1e-6)
    np.testing.assert_allclose(fn(v, v).numpy(), fn(base, base), rtol=1e-6)
    np.testing.assert_allclose(fn(ops.convert_to_tensor(other), v).numpy(), fn(other, base),
                               rtol=1e-6)


def test_unary_matmul_and_indexing():
    v = make()
    np.testing.assert_array_equal((-v).numpy(), -INIT)
    np.testing.assert_array_equal(abs(v).numpy(), np.abs(INIT))
    np.testing.assert_allclose((v @ INIT.T).numpy(), INIT @ INIT.T, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(INIT.T @ v), INIT.T @ INIT, rtol=1e-6)
    np.testing.assert_allclose((ops.convert_to_tensor(INIT.T) @ v).numpy(), INIT.T @ INIT,
                               rtol=1e-6)
    np.testing.assert_array_equal(v[1, ::-1].numpy(), INIT[1, ::-1])
    np.testing.assert_array_equal(v[INIT > 0].numpy(), INIT[INIT > 0])
    assert float(make(np.float32(2.5))) == 2.5
    assert int(keras.Variable(np.int32(3))) == 3


@pytest.mark.parametrize("name,np_fn", [
    ("exp", np.exp), ("abs", np.abs), ("square", np.square), ("tanh", np.tanh),
    ("sum", np.sum), ("mean", np.mean), ("max", np.max), ("cumsum", lambda a: np.cumsum(a)),
    ("negative", np.negative), ("sort", lambda a: np.sort(a, axis=-1)),
    ("argmax", lambda a: np.argmax(a)),
])
def test_usable_in_unary_ops(name, np_fn):
    v = make()
    np.testing.assert_allclose(ops.convert_to_numpy(getattr(ops, name)(v)), np_fn(INIT),
                               rtol=1e-6)


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "maximum",
                                  "minimum", "power", "greater", "equal", "arctan2"])
def test_usable_in_binary_ops(name):
    v = make(np.abs(INIT) + 0.5)
    base = np.abs(INIT) + 0.5
    fn, np_fn = getattr(ops, name), getattr(np, name)
    np.testing.assert_allclose(fn(v, v).numpy(), np_fn(base, base), rtol=1e-6)
    np.testing.assert_allclose(fn(v, 2.0).numpy(), np_fn(base, np.float32(2.0)), rtol=1e-6)
    np.testing.assert_allclose(fn(base, v).numpy(), np_fn(base, base), rtol=1e-6)


def test_usable_in_core_ops():
    v = make()
    assert ops.cast(v, "int32").dtype == "int32"
    assert ops.shape(v) == (2, 3)
    assert ops.dtype(v) == "float32"
    np.testing.assert_array_equal(ops.convert_to_tensor(v).numpy(), INIT)
    np.testing.assert_array_equal(ops.convert_to_numpy(v), INIT)
    np.testing.assert_array_equal(ops.where(v > 0, v, 0.0).numpy(), np.where(INIT > 0, INIT, 0))
    np.testing.assert_array_equal(ops.stop_gradient(v).numpy(), INIT)


def test_variable_in_gradient_tape():
    v = make()
    with keras.GradientTape() as tape:
        loss = ops.sum(v * v)
    np.testing.assert_allclose(tape.gradient(loss, v).numpy(), 2 * INIT)


def test_repr_names_path_and_shape():
    with keras.name_scope("block"):
        v = make(name="gamma")
    text = repr(v)
    assert "block/gamma" in text
    assert "(2, 3)" in text
    assert "float32" in text
