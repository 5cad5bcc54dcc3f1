"""Errors are Keras-style Python exceptions naming the op and the shapes, never crashes."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

A = ops.ones((3, 4))
B = ops.ones((5, 6))


@pytest.mark.parametrize("fn", [
    lambda: A + B, lambda: ops.add(A, B), lambda: E.add(A, B),
])
def test_add_shape_mismatch(fn):
    with pytest.raises(ValueError, match=r"\[add\].*\(3, 4\).*\(5, 6\)"):
        fn()


@pytest.mark.parametrize("name", ["subtract", "multiply", "divide", "maximum", "power",
                                  "equal", "less", "arctan2", "logical_and"])
def test_binary_shape_mismatch_names_the_op(name):
    with pytest.raises(ValueError, match=rf"\[{name}\].*\(3, 4\).*\(5, 6\)"):
        getattr(ops, name)(A, B)


def test_where_shape_mismatch():
    with pytest.raises(ValueError, match=r"\[where\].*\(2,\).*\(3, 4\)"):
        E.where(ops.ones((2,), dtype="bool"), A, A)


def test_matmul_inner_mismatch():
    with pytest.raises(ValueError, match=r"\[matmul\].*\(3, 4\).*\(5, 6\)"):
        A @ B
    with pytest.raises(ValueError, match=r"\[matmul\]"):
        E.matmul(ops.ones((2, 3, 4)), ops.ones((3, 3)))
    with pytest.raises(ValueError, match=r"\[matmul\].*\(\)"):
        E.matmul(ops.ones(()), A)


def test_matmul_batch_mismatch():
    with pytest.raises(ValueError, match=r"\[matmul\].*\(2,\).*\(3,\)|\[matmul\]"):
        E.matmul(ops.ones((2, 3, 4)), ops.ones((3, 4, 5)))


def test_reshape_size_mismatch():
    with pytest.raises(ValueError, match=r"\[reshape\].*\(3, 4\).*\(5,\)"):
        E.reshape(A, [5])
    with pytest.raises(ValueError, match=r"\[reshape\]"):
        E.reshape(A, [-1, -1])
    with pytest.raises(ValueError, match=r"\[reshape\]"):
        E.reshape(A, [5, -1])


@pytest.mark.parametrize("fn,op", [
    (lambda: ops.sum(A, axis=2), "sum"),
    (lambda: ops.sum(A, axis=-3), "sum"),
    (lambda: ops.max(A, axis=5), "max"),
    (lambda: ops.mean(A, axis=(0, 2)), "mean"),
    (lambda: ops.logsumexp(A, axis=5), "logsumexp"),
    (lambda: ops.var(A, axis=-4), "var"),
    (lambda: ops.argmax(A, axis=2), "argmax"),
    (lambda: ops.cumsum(A, axis=2), "cumsum"),
    (lambda: ops.sort(A, axis=-3), "sort"),
    (lambda: E.softmax(A, 2), "softmax"),
    (lambda: E.concatenate([A, A], 2), "concatenate"),
])
def test_axis_out_of_range_is_index_error(fn, op):
    # Engine messages start "[op]", Python-level ones "`op`:"; both name the public op.
    with pytest.raises(IndexError, match=rf"(\[{op}\]|`{op}`).*axis.*rank 2"):
        fn()


def test_repeated_reduce_axis():
    with pytest.raises(ValueError, match=r"`sum`.*repeated"):
        ops.sum(A, axis=(0, 0))
    with pytest.raises(ValueError, match=r"repeated"):
        ops.sum(A, axis=(1, -1))


def test_unknown_reduction_kind():
    with pytest.raises(ValueError, match="bogus"):
        E.reduce("bogus", A, None, False)


@pytest.mark.parametrize("key", [3, -4, (0, 4), (slice(None), -5)])
def test_index_out_of_bounds(key):
    with pytest.raises(IndexError, match="out of bounds"):
        A[key]


def test_array_index_out_of_bounds():
    with pytest.raises(IndexError, match="out of bounds"):
        A[[0, 5]]
    with pytest.raises(IndexError, match="out of bounds"):
        A[:, np.array([-5])]
    with pytest.raises(IndexError, match=r"\[take\].*out of bounds"):
        E.take(A, ops.convert_to_tensor(np.array([7])), 0)


def test_too_many_indices():
    with pytest.raises(IndexError, match="too many indices"):
        A[0, 0, 0]
    with pytest.raises(IndexError):
        A[..., 0, ...]


def test_bool_mask_shape_mismatch():
    with pytest.raises(IndexError, match="boolean index"):
        A[np.ones((4,), bool)]


@pytest.mark.parametrize("name", ["float17", "int3", "complex64", "string", "foo"])
def test_bad_dtype_name(name):
    with pytest.raises(ValueError, match=name):
        ops.zeros((2,), dtype=name)
    with pytest.raises(ValueError, match=name):
        ops.cast(A, name)
    with pytest.raises(ValueError):
        E.cast(A, name)


def test_unconvertible_inputs():
    with pytest.raises(TypeError):
        ops.convert_to_tensor(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="sparse"):
        ops.convert_to_tensor([1.0], sparse=True)


def test_concatenate_errors():
    with pytest.raises(ValueError, match=r"\[concatenate\].*rank.*\(3, 4\).*\(3,\)"):
        E.concatenate([A, ops.ones((3,))], 0)
    with pytest.raises(ValueError, match=r"\[concatenate\].*\(3, 4\).*\(2, 5\)"):
        E.concatenate([A, ops.ones((2, 5))], 0)
    with pytest.raises(ValueError, match=r"\[concatenate\]"):
        E.concatenate([A, ops.ones((3, 4), dtype="int32")[None]], 0)


def test_shape_op_errors():
    with pytest.raises(ValueError, match=r"\[transpose\].*\(0, 0\)"):
        E.transpose(A, [0, 0])
    with pytest.raises(ValueError, match=r"\[broadcast_to\].*\(3, 4\).*\(2, 3\)"):
        E.broadcast_to(A, [2, 3])
    with pytest.raises(ValueError, match=r"\[slice\].*\(3, 4\)"):
        E.slice(A, [0], [1], [1])
    with pytest.raises(ValueError, match=r"\[pad\].*\(3, 4\)"):
        E.pad(A, [1], [1], 0.0)
    with pytest.raises(ValueError, match=r"negative"):
        E.full([-1], 0.0, "float32")


def test_dtype_errors():
    with pytest.raises(ValueError, match=r"\[bitwise_and\].*float32"):
        E.bitwise_and(A, A)
    with pytest.raises(ValueError, match=r"\[matmul\].*bool"):
        E.matmul(ops.ones((2, 2), dtype="bool"), ops.ones((2, 2), dtype="bool"))


def test_unknown_distribution():
    with pytest.raises(ValueError, match="bogus"):
        E.random("bogus", [2], "float32", 0, 0)


def test_variable_errors():
    v = keras.Variable(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        v.assign(np.ones((3, 2), np.float32))


def test_set_num_threads_validation():
    with pytest.raises(ValueError, match="n=0"):
        keras.config.set_num_threads(0)
    with pytest.raises(ValueError):
        keras.config.set_num_threads(1.5)


def test_errors_leave_the_engine_usable():
    for _ in range(3):
        with pytest.raises(ValueError):
            A + B
    np.testing.assert_array_equal((A + A).numpy(), np.full((3, 4), 2.0))


def test_pad_errors_use_keras_wording():
    # keras/src/backend/*/numpy.py::pad
    with pytest.raises(ValueError, match=r"^Argument `constant_values` can only be provided when "
                                         r"`mode == 'constant'`\. Received: mode=reflect, "
                                         r"constant_values=1$"):
        ops.pad(np.ones((2, 2)), 1, mode="reflect", constant_values=1)


@pytest.mark.parametrize("fn,op", [
    (lambda: ops.argsort(np.ones((2, 3)), axis=(0, 1)), "argsort"),
    (lambda: ops.sort(np.ones((2, 3)), axis=(1,)), "sort"),
    (lambda: ops.cumsum(np.ones(3), axis=1.5), "cumsum"),
    (lambda: ops.argmax(np.ones(3), axis=[0]), "argmax"),
])
def test_single_axis_ops_refuse_tuples_and_floats(fn, op):
    with pytest.raises(TypeError, match=rf"`{op}`: `axis` must be an integer or None"):
        fn()
