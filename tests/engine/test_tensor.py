"""Tensors: views, NumPy-style indexing, Python operators and protocol methods."""

import operator

import numpy as np
import pytest

from keras_like import ops
from keras_like.backend.engine import Tensor
from keras_like.backend.engine import _engine as E

A = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)


def t_(array):
    return ops.convert_to_tensor(array)


# ---------------------------------------------------------------------------------------------
# Views share storage


def test_reshape_is_a_view():
    t = t_(np.arange(12.0, dtype=np.float32))
    r = E.reshape(t, [3, 4])
    assert r.same_storage(t)
    assert r.data_ptr == t.data_ptr
    assert r.shape == (3, 4)
    np.testing.assert_array_equal(r.numpy(), np.arange(12.0).reshape(3, 4))


def test_transpose_is_a_view():
    a = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    t = t_(a)
    for perm in ([2, 0, 1], [1, 0, 2], []):
        v = E.transpose(t, perm)
        assert v.same_storage(t)
        assert v.data_ptr == t.data_ptr
        np.testing.assert_array_equal(v.numpy(), np.transpose(a, perm or None))
    assert not E.transpose(t, [2, 0, 1]).is_contiguous
    np.testing.assert_array_equal(t.T.numpy(), a.T)


def test_slice_is_a_view_with_offset():
    a = np.arange(20.0, dtype=np.float32).reshape(4, 5)
    t = t_(a)
    v = t[1:3, 2:]
    assert v.same_storage(t)
    itemsize = a.itemsize
    assert v.data_ptr == t.data_ptr + (1 * 5 + 2) * itemsize
    np.testing.assert_array_equal(v.numpy(), a[1:3, 2:])
    rev = t[::-1, ::-2]
    assert rev.same_storage(t)
    assert rev.strides == (-5, -2)
    np.testing.assert_array_equal(rev.numpy(), a[::-1, ::-2])


def test_broadcast_is_a_view_with_zero_strides():
    a = np.arange(4.0, dtype=np.float32)
    t = t_(a)
    b = E.broadcast_to(t, [3, 4])
    assert b.same_storage(t)
    assert b.strides == (0, 1)
    np.testing.assert_array_equal(b.numpy(), np.broadcast_to(a, (3, 4)))


def test_expand_via_indexing_is_a_view():
    t = t_(A)
    for key in [(None,), (Ellipsis, None), (slice(None), None, 0), (0, None, Ellipsis, None, 1)]:
        v = t[key]
        assert v.same_storage(t), key
        assert v.shape == A[key].shape
        np.testing.assert_array_equal(v.numpy(), A[key])


def test_int_index_is_a_view():
    t = t_(A)
    v = t[1, 2]
    assert v.same_storage(t)
    assert v.data_ptr == t.data_ptr + (1 * 60 + 2 * 20) * 4


def test_views_of_views_compose():
    a = np.arange(60.0, dtype=np.float32).reshape(3, 4, 5)
    t = t_(a)
    v = E.transpose(t[1:, ::-1, 1::2], [2, 0, 1])[1:]
    assert v.same_storage(t)
    np.testing.assert_array_equal(v.numpy(), np.transpose(a[1:, ::-1, 1::2], (2, 0, 1))[1:])
    # Reshaping a non-contiguous view must still give NumPy's values.
    np.testing.assert_array_equal(E.reshape(v, [-1]).numpy(), v.numpy().reshape(-1))


def test_ops_on_strided_views_match_numpy():
    a = np.random.default_rng(0).standard_normal((6, 8)).astype(np.float32)
    t = t_(a)
    view = t[::2, ::-3].T
    np.testing.assert_allclose((view * 2.0 + 1.0).numpy(), a[::2, ::-3].T * 2 + 1, rtol=1e-6)
    np.testing.assert_allclose(ops.exp(view).numpy(), np.exp(a[::2, ::-3].T), rtol=1e-6)
    np.testing.assert_allclose(ops.sum(view, axis=0).numpy(), a[::2, ::-3].T.sum(0), rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# Indexing

INDEX_KEYS = [
    0, -1, 1, (1, 2), (0, -1, 3, -5),
    slice(None), slice(None, None, -1), slice(1, None), slice(-100, 100), slice(3, 1),
    slice(5, 1, -2), (slice(1, None), slice(None, None, -2)), (slice(None), slice(0, 3, 2)),
    (Ellipsis, 1), (Ellipsis,), (0, Ellipsis, 2), (Ellipsis, slice(None, None, -1)),
    None, (None, 0), (0, Ellipsis, None, 2), (slice(None), None, slice(0, 2), Ellipsis),
    (None, None, 1, None),
    A[..., 0] > 30, A[:, :, 0, 0] > 20, (1, A[0] > 50),
    (1, slice(None), np.array([1, 0, 1, 1], bool)),
    [0, 1, 1], [-1, 0], (slice(None), [2, 0]), (0, [1, 2], slice(None), [0, 4]),
    (slice(None), [0, 2], [1, 3]), ([1, 0], slice(None), [3, 2]), (np.array([[0, 1], [1, 0]]), 1),
    (Ellipsis, [4, -1]), (slice(None, None, -1), [0, 1]), (None, [0, 1], None),
    (1, None, slice(None), [0, 2], 3), ([0, 1], [0, 1], [0, 1], [0, 1]),
    (slice(None), np.array([[2], [0]]), np.array([1, 3])),
    (0, 0, 0, 0), (np.int64(1), np.int32(2)),
]


@pytest.mark.parametrize("key", INDEX_KEYS, ids=[repr(k)[:40] for k in INDEX_KEYS])
def test_indexing_matches_numpy(key):
    got = t_(A)[key]
    expected = A[key]
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got.numpy(), expected)


def test_indexing_with_tensor_keys():
    t = t_(A)
    idx = ops.convert_to_tensor(np.array([2, 0], np.int32))
    np.testing.assert_array_equal(t[:, idx].numpy(), A[:, [2, 0]])
    mask = ops.convert_to_tensor(A[0, 0] > 7)
    np.testing.assert_array_equal(t[0, 0][mask].numpy(), A[0, 0][A[0, 0] > 7])
    i = ops.convert_to_tensor(np.int32(1))
    np.testing.assert_array_equal(t[i].numpy(), A[1])


def test_indexing_scalar_tensor_with_ellipsis_and_none():
    t = t_(np.float32(3.5))
    assert t[...].shape == ()
    assert t[None].shape == (1,)
    assert float(t[()]) == 3.5


def test_indexing_float_key_raises_index_error():
    with pytest.raises(IndexError):
        t_(A)[1.5]


# ---------------------------------------------------------------------------------------------
# Operators

X = np.array([[1.5, -2.0, 3.0], [4.0, 0.5, -6.0]], np.float32)
Y = np.array([2.0, -3.0, 0.7], np.float32)

ARITH = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
         operator.mod, operator.pow]
COMPARE = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


@pytest.mark.parametrize("fn", ARITH + COMPARE, ids=lambda f: f.__name__)
def test_binary_operators_match_numpy(fn):
    x, y = (np.abs(X), np.abs(Y)) if fn is operator.pow else (X, Y)
    tx, ty = t_(x), t_(y)
    for got, expected in [
        (fn(tx, ty), fn(x, y)),
        (fn(tx, 2.0), fn(x, np.float32(2.0))),
        (fn(3.0, tx), fn(np.float32(3.0), x)),
        (fn(tx, y), fn(x, y)),  # NumPy operand on the right
    ]:
        assert type(got) is Tensor
        assert got.dtype == np.asarray(expected).dtype.name
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)


def test_reflected_operator_with_numpy_left_operand_returns_tensor():
    # __array_priority__ makes NumPy defer to the tensor's reflected method.
    got = Y + t_(X)
    assert type(got) is Tensor
    np.testing.assert_allclose(got.numpy(), Y + X)


@pytest.mark.parametrize("fn", [operator.floordiv, operator.mod], ids=lambda f: f.__name__)
def test_integer_floordiv_mod_follow_python_signs(fn):
    i = np.array([7, -7, 7, -7, 0], np.int32)
    j = np.array([3, 3, -3, -3, 5], np.int32)
    got = fn(t_(i), t_(j))
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), fn(i, j))


def test_matmul_operator():
    tx = t_(X)
    np.testing.assert_allclose((tx @ t_(X.T)).numpy(), X @ X.T, rtol=1e-6)
    np.testing.assert_allclose((tx @ Y).numpy(), X @ Y, rtol=1e-6)
    np.testing.assert_allclose((Y[:2] @ tx).numpy(), Y[:2] @ X, rtol=1e-6)
    b = np.random.default_rng(0).standard_normal((4, 3, 2)).astype(np.float32)
    np.testing.assert_allclose((tx @ t_(b)).numpy(), X @ b, rtol=1e-5)


def test_unary_operators():
    tx = t_(X)
    np.testing.assert_array_equal((-tx).numpy(), -X)
    np.testing.assert_array_equal(abs(tx).numpy(), np.abs(X))
    assert (+tx) is tx or np.array_equal((+tx).numpy(), X)
    i = np.array([5, 0, -7], np.int32)
    np.testing.assert_array_equal((~t_(i)).numpy(), ~i)
    np.testing.assert_array_equal(abs(t_(i)).numpy(), np.abs(i))
    b = np.array([True, False])
    np.testing.assert_array_equal((~t_(b)).numpy(), ~b)


@pytest.mark.parametrize("fn", [operator.and_, operator.or_, operator.xor],
                         ids=lambda f: f.__name__)
def test_logical_operators_on_bool(fn):
    a = np.array([True, True, False, False])
    b = np.array([True, False, True, False])
    got = fn(t_(a), t_(b))
    assert got.dtype == "bool"
    np.testing.assert_array_equal(got.numpy(), fn(a, b))
    np.testing.assert_array_equal(fn(t_(a), True).numpy(), fn(a, True))


@pytest.mark.parametrize("fn", [operator.and_, operator.or_, operator.xor],
                         ids=lambda f: f.__name__)
def test_bitwise_operators_on_int(fn):
    i = np.array([5, 3, -7, 12], np.int32)
    j = np.array([3, 6, 2, 10], np.int32)
    got = fn(t_(i), t_(j))
    assert got.dtype == "int32"
    np.testing.assert_array_equal(got.numpy(), fn(i, j))


def test_operators_broadcast():
    a = np.arange(6, dtype=np.float32).reshape(2, 3, 1)
    b = np.arange(4, dtype=np.float32)
    np.testing.assert_array_equal((t_(a) * t_(b)).numpy(), a * b)
    np.testing.assert_array_equal((t_(a) < t_(b)).numpy(), a < b)


# ---------------------------------------------------------------------------------------------
# Python protocol


def test_len_shape_ndim_size():
    t = t_(A)
    assert len(t) == 2
    assert t.shape == (2, 3, 4, 5)
    assert type(t.shape) is tuple
    assert all(type(d) is int for d in t.shape)
    assert t.ndim == 4
    assert t.size == A.size
    with pytest.raises(TypeError):
        len(t_(np.float32(1.0)))


def test_iteration_yields_rows():
    t = t_(X)
    rows = list(t)
    assert len(rows) == 2
    for row, expected in zip(rows, X, strict=True):
        np.testing.assert_array_equal(row.numpy(), expected)
    with pytest.raises(TypeError):
        iter(t_(np.float32(1.0))).__next__()


def test_scalar_conversions():
    t = t_(np.array([[2.5]], np.float32))
    assert t.item() == 2.5
    assert float(t) == 2.5
    assert int(t) == 2
    assert bool(t) is True
    assert bool(t_(np.float32(0.0))) is False
    assert type(t_(np.int32(3)).item()) is int
    assert [10, 20, 30][t_(np.int32(1))] == 20  # __index__


def test_scalar_conversions_reject_size_above_one():
    t = t_(X)
    with pytest.raises(ValueError, match="ambiguous"):
        bool(t)
    with pytest.raises((TypeError, ValueError)):
        float(t)
    with pytest.raises((TypeError, ValueError)):
        int(t)
    with pytest.raises((TypeError, ValueError)):
        t.item()
    with pytest.raises(TypeError):
        [1, 2][t_(np.float32(1.0))]


def test_array_protocol():
    t = t_(X)
    a = np.asarray(t)
    np.testing.assert_array_equal(a, X)
    assert np.array(t, dtype=np.float64).dtype == np.float64
    assert np.add(t, 1).shape == X.shape


def test_repr_is_readable():
    text = repr(t_(X))
    assert "shape=(2, 3)" in text
    assert "float32" in text
    assert "-6" in text
    assert "int32" in repr(t_(np.array([1, 2], np.int32)))
    assert "2.5" in str(t_(np.float32(2.5)))


def test_tensors_are_immutable():
    t = t_(np.array(X))
    with pytest.raises(TypeError, match="immutable"):
        t[0] = 1.0
    with pytest.raises(TypeError):
        t[0, 1] = t_(np.float32(2.0))


def test_astype_and_detach():
    t = t_(X)
    assert t.astype("int32").dtype == "int32"
    np.testing.assert_array_equal(t.astype("int32").numpy(), X.astype(np.int32))
    d = t.detach()
    assert d.same_storage(t)
    assert not d.has_grad_node
