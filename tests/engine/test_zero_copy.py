"""Zero-copy exchange with NumPy and DLPack, in both directions, and lifetimes."""

import gc

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E


def test_convert_wraps_numpy_memory():
    a = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    t = ops.convert_to_tensor(a)
    assert t.data_ptr == a.ctypes.data
    assert t.strides == (4, 1)  # elements, not bytes
    assert not t.writable


@pytest.mark.parametrize("dtype", ["bool", "int8", "int16", "int32", "int64", "uint8",
                                   "float16", "float32", "float64"])
def test_every_native_dtype_is_wrapped_without_copy(dtype):
    a = np.ones((5,), dtype=dtype)
    t = ops.convert_to_tensor(a)
    assert t.dtype == dtype
    assert t.data_ptr == a.ctypes.data


def test_borrowed_memory_is_read_only():
    a = np.arange(4.0, dtype=np.float32)
    t = ops.convert_to_tensor(a)
    with pytest.raises(ValueError, match="read-only"):
        E.assign(t, ops.zeros((4,)))
    np.testing.assert_array_equal(a, np.arange(4.0))
    # A view of borrowed memory is borrowed too.
    with pytest.raises(ValueError):
        E.assign(t[1:], ops.zeros((3,)))


def test_wrapping_sees_later_numpy_writes():
    # Sharing is real: the tensor reads the NumPy buffer, it holds no snapshot.
    a = np.zeros((3,), dtype=np.float32)
    t = ops.convert_to_tensor(a)
    a[1] = 7.0
    assert float(t[1]) == 7.0


def test_conversion_with_dtype_change_copies():
    a = np.arange(3.0, dtype=np.float64)
    t = ops.convert_to_tensor(a, dtype="float32")
    assert t.dtype == "float32"
    assert t.data_ptr != a.ctypes.data


def test_tensor_keeps_numpy_array_alive():
    a = np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32)
    expected = a.copy()
    ptr = a.ctypes.data
    t = ops.convert_to_tensor(a)
    del a
    gc.collect()
    # Allocate over where a freed buffer would be reused.
    _ = [np.ones((64, 64), np.float32) for _ in range(8)]
    assert t.data_ptr == ptr
    np.testing.assert_array_equal(t.numpy(), expected)
    np.testing.assert_array_equal((t + 0.0).numpy(), expected)


def test_numpy_export_shares_memory():
    t = ops.ones((3, 4)) * 2.0
    a = t.numpy()
    b = np.asarray(t)
    assert a.ctypes.data == t.data_ptr
    assert b.ctypes.data == t.data_ptr
    assert np.shares_memory(a, b)
    assert not a.flags.writeable  # the tensor owns the memory and tensors are immutable


def test_exported_array_outlives_tensor():
    t = ops.arange(1000, dtype="float32") * 3.0
    a = t.numpy()
    b = np.asarray(t)
    expected = np.arange(1000, dtype=np.float32) * 3.0
    del t
    gc.collect()
    _ = [ops.ones((1000,)) * 5.0 for _ in range(8)]  # would reuse a freed block
    np.testing.assert_array_equal(a, expected)
    np.testing.assert_array_equal(b, expected)


def test_export_of_views_keeps_strides():
    base = ops.arange(24, dtype="float32")
    v = E.reshape(base, [4, 6])[1:, ::-2].T
    a = v.numpy()
    assert np.shares_memory(a, base.numpy())
    expected = np.arange(24, dtype=np.float32).reshape(4, 6)[1:, ::-2].T
    np.testing.assert_array_equal(a, expected)
    assert a.strides == expected.strides


def test_dlpack_round_trip_shares_memory():
    t = ops.arange(10, dtype="float32") * 1.5
    d = np.from_dlpack(t)
    assert d.ctypes.data == t.data_ptr
    np.testing.assert_array_equal(d, np.arange(10, dtype=np.float32) * 1.5)
    assert t.__dlpack_device__() == (1, 0)
    del t
    gc.collect()
    np.testing.assert_array_equal(d, np.arange(10, dtype=np.float32) * 1.5)


def test_dlpack_producer_is_accepted_by_convert():
    class Producer:
        def __init__(self, array):
            self._array = array

        def __dlpack__(self, **kwargs):
            return self._array.__dlpack__(**kwargs)

        def __dlpack_device__(self):
            return self._array.__dlpack_device__()

    a = np.arange(6.0, dtype=np.float32)
    t = ops.convert_to_tensor(Producer(a))
    np.testing.assert_array_equal(t.numpy(), a)
    assert t.data_ptr == a.ctypes.data


def test_non_contiguous_numpy_input():
    a = np.arange(48.0, dtype=np.float32).reshape(6, 8)[1::2, ::3]
    t = ops.convert_to_tensor(a)
    assert t.shape == a.shape
    np.testing.assert_array_equal(t.numpy(), a)
    np.testing.assert_allclose((t * 2.0).numpy(), a * 2.0)
    np.testing.assert_allclose(ops.sum(t, axis=0).numpy(), a.sum(0))
    t_T = ops.convert_to_tensor(np.arange(12.0).reshape(3, 4).T)
    np.testing.assert_array_equal(E.reshape(t_T, [-1]).numpy(),
                                  np.arange(12.0).reshape(3, 4).T.ravel())


def test_negative_stride_numpy_input():
    a = np.arange(24.0, dtype=np.float32).reshape(4, 6)[::-1, 5::-2]
    t = ops.convert_to_tensor(a)
    assert t.shape == a.shape
    np.testing.assert_array_equal(t.numpy(), a)
    np.testing.assert_allclose((t + 1.0).numpy(), a + 1.0)
    np.testing.assert_allclose(E.matmul(t, ops.convert_to_tensor(a.T)).numpy(), a @ a.T, rtol=1e-6)
    r = np.arange(10.0)[::-1]
    np.testing.assert_array_equal(ops.convert_to_tensor(r).numpy(), r)
    np.testing.assert_array_equal(ops.cumsum(ops.convert_to_tensor(r)).numpy(), np.cumsum(r))


def test_zero_size_and_scalar_arrays():
    e = ops.convert_to_tensor(np.zeros((0, 3), np.float32))
    assert e.shape == (0, 3)
    assert e.numpy().shape == (0, 3)
    s = ops.convert_to_tensor(np.array(4.5, np.float32))
    assert s.shape == ()
    assert float(s) == 4.5


def test_non_native_byte_order_is_converted():
    a = np.arange(4, dtype=">i4")
    t = ops.convert_to_tensor(a)
    assert t.dtype == "int32"
    np.testing.assert_array_equal(t.numpy(), np.arange(4))


def test_variable_owns_a_copy():
    a = np.arange(3.0, dtype=np.float32)
    v = keras.Variable(a)
    assert v.value.data_ptr != a.ctypes.data
    a[0] = 100.0
    assert float(v.value[0]) == 0.0
    v.assign_add(np.ones(3, np.float32))
    np.testing.assert_array_equal(a, [100.0, 1.0, 2.0])
