"""Engine reverse mode: E.grad, recording rules, and vjps of the structural primitives."""

import contextlib

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops
from keras_like.backend.engine import _engine as E

X = np.array([0.5, -1.5, 2.0])


@contextlib.contextmanager
def recording():
    E.push_recording()
    try:
        yield
    finally:
        E.pop_recording()


def leaf(a):
    t = ops.convert_to_tensor(np.array(a, dtype=np.float64))
    t.requires_grad = True
    return t


def test_grad_of_scalar_output():
    x = leaf(X)
    with recording():
        y = ops.sum(x * x * x)
        (g,) = E.grad([y], [x], [])
    np.testing.assert_allclose(g.numpy(), 3 * X ** 2)


def test_grad_with_cotangents():
    x = leaf(X)
    ct = np.array([1.0, -2.0, 0.5])
    with recording():
        y = ops.exp(x)
        (g,) = E.grad([y], [x], [ops.convert_to_tensor(ct)])
    np.testing.assert_allclose(g.numpy(), np.exp(X) * ct)


def test_grad_of_several_outputs_adds_them():
    x = leaf(X)
    with recording():
        y1 = x * x
        y2 = ops.sum(ops.sin(x))
        (g,) = E.grad([y1, y2], [x], [])
    np.testing.assert_allclose(g.numpy(), 2 * X + np.cos(X))


def test_grad_for_several_inputs_and_unconnected():
    x, w, u = leaf(X), leaf(X[::-1]), leaf(X)
    with recording():
        y = ops.sum(x * w)
        gx, gw, gu = E.grad([y], [x, w, u], [])
    np.testing.assert_allclose(gx.numpy(), X[::-1])
    np.testing.assert_allclose(gw.numpy(), X)
    assert gu is None


def test_cotangent_shape_mismatch_is_value_error():
    x = leaf(X)
    with recording():
        y = ops.sum(x)
        with pytest.raises(ValueError, match=r"\[grad\]"):
            E.grad([y], [x], [ops.ones((5,), dtype="float64")])


def test_nothing_is_recorded_without_recording_mode():
    x = leaf(X)
    assert not E.is_recording()
    y = x
    for _ in range(20):
        y = ops.tanh(y) * 2.0 + x
        assert not y.has_grad_node


def test_nothing_is_recorded_without_requires_grad():
    x = ops.convert_to_tensor(X)
    with recording():
        assert not (x * 2.0).has_grad_node


def test_integer_and_bool_outputs_carry_no_gradient():
    x = leaf(X)
    with recording():
        assert not (x > 0).has_grad_node
        assert not ops.cast(x, "int32").has_grad_node
        assert not ops.argmax(x).has_grad_node
        values, indices = E.sort(x, -1, False)
        assert values.has_grad_node
        assert not indices.has_grad_node
        i = ops.convert_to_tensor(np.array([1, 2], np.int32))
        i.requires_grad = True
        assert not (i * 2).has_grad_node
        (g,) = E.grad([ops.sum(ops.cast(ops.cast(x, "int32"), "float64"))], [x], [])
    assert g is None


def test_detach_and_no_grad_guard():
    x = leaf(X)
    with recording():
        assert not (x.detach() * 2.0).has_grad_node
        token = E.enter_no_grad()
        try:
            assert not E.is_recording()
            assert not (x * 2.0).has_grad_node
        finally:
            E.exit_no_grad(token)
        assert E.is_recording()
        assert (x * 2.0).has_grad_node


def test_second_order_through_engine_grad():
    x = leaf(X)
    with recording():
        (g,) = E.grad([ops.sum(x ** 3)], [x], [])
        assert g.has_grad_node  # the backward pass itself was recorded
        (g2,) = E.grad([ops.sum(g)], [x], [])
    np.testing.assert_allclose(g2.numpy(), 6 * X)


def test_grad_outside_recording_still_differentiates_recorded_graph():
    x = leaf(X)
    with recording():
        y = ops.sum(ops.square(x))
    (g,) = E.grad([y], [x], [])
    np.testing.assert_allclose(g.numpy(), 2 * X)
    assert not g.has_grad_node


# ---------------------------------------------------------------------------------------------
# Gradients of the structural primitives (float64 finite differences via check_op)

F64 = {"dtype": "float64"}


def test_matmul_grad():
    for a, b in [((3, 4), (4, 2)), ((4,), (4, 3)), ((2, 3), (3,)), ((2, 1, 3, 4), (5, 4, 2)),
                 ((1, 4), (4, 1))]:
        check_op(E.matmul, np.matmul, [a, b], **F64)


def test_vector_dot_vector():
    x = ops.convert_to_tensor(np.arange(4.0))
    r = x @ x
    assert r.shape == ()
    assert float(r) == 14.0
    check_op(E.matmul, np.matmul, [(4,), (4,)], **F64)


def test_reshape_transpose_slice_broadcast_grads():
    check_op(lambda x: E.reshape(x, [3, 2, 2]), lambda x: x.reshape(3, 2, 2), [(4, 3)], **F64)
    check_op(lambda x: E.transpose(x, [2, 0, 1]), lambda x: x.transpose(2, 0, 1), [(2, 3, 4)],
             **F64)
    check_op(lambda x: E.slice(x, [3, 0], [0, 4], [-2, 3]), lambda x: x[3:0:-2, 0:4:3],
             [(5, 4)], **F64)
    check_op(lambda x: E.broadcast_to(x, [2, 3, 4]), lambda x: np.broadcast_to(x, (2, 3, 4)),
             [(3, 1)], **F64)


def test_concatenate_and_pad_grads():
    check_op(lambda a, b: E.concatenate([a, b, a], 1),
             lambda a, b: np.concatenate([a, b, a], 1), [(2, 3), (2, 1)], **F64)
    check_op(lambda x: E.pad(x, [1, 0], [2, 1], 0.5),
             lambda x: np.pad(x, [(1, 2), (0, 1)], constant_values=0.5), [(2, 3)], **F64)


def test_take_and_take_along_axis_grads():
    idx = np.array([[2, 0], [0, 0]])
    check_op(lambda x: E.take(x, ops.convert_to_tensor(idx), 1),
             lambda x: np.take(x, idx, axis=1), [(2, 3)], **F64)
    along = np.array([[2, 0, 2], [1, 1, 0]])
    check_op(lambda x: E.take_along_axis(x, ops.convert_to_tensor(along), 1),
             lambda x: np.take_along_axis(x, along, 1), [(2, 3)], **F64)


def _np_scatter_add(base, idx, updates, axis):
    out = np.array(base)
    moved = np.moveaxis(out, axis, 0)
    np.add.at(moved, idx, np.moveaxis(updates, axis, 0))
    return out


def test_scatter_add_grad():
    idx = np.array([0, 2, 0])
    check_op(lambda b, u: E.scatter(b, ops.convert_to_tensor(idx), u, 1, "add"),
             lambda b, u: _np_scatter_add(b, idx, u, 1), [(2, 4), (2, 3)], **F64)


def test_scatter_along_axis_update_grad():
    idx = np.array([[1, 0], [2, 1]])

    def np_fn(b, u):
        out = np.array(b)
        np.put_along_axis(out, idx, u, axis=1)
        return out

    check_op(lambda b, u: E.scatter_along_axis(b, ops.convert_to_tensor(idx), u, 1, "update"),
             np_fn, [(2, 3), (2, 2)], **F64)


def test_where_grad():
    cond = np.array([[True, False, True], [False, False, True]])
    check_op(lambda a, b: E.where(ops.convert_to_tensor(cond), a, b),
             lambda a, b: np.where(cond, a, b), [(2, 3), (3,)], **F64)


def test_softmax_log_softmax_grads():
    def np_softmax(x, axis):
        e = np.exp(x - x.max(axis, keepdims=True))
        return e / e.sum(axis, keepdims=True)

    for axis in (0, -1):
        check_op(lambda x, a=axis: E.softmax(x, a), lambda x, a=axis: np_softmax(x, a),
                 [(3, 4)], **F64)
        check_op(lambda x, a=axis: E.log_softmax(x, a),
                 lambda x, a=axis: np.log(np_softmax(x, a)), [(3, 4)], **F64)





@pytest.mark.parametrize("kind,np_fn", [
    ("sum", np.cumsum), ("prod", np.cumprod),
    ("max", np.maximum.accumulate),
    ("min", np.minimum.accumulate),
])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumulative_grads(kind, np_fn, reverse):
    def np_ref(x):
        if reverse:
            return np.flip(np_fn(np.flip(x, 1), axis=1), 1)
        return np_fn(x, axis=1)

    check_op(lambda x: E.cumulative(kind, x, 1, reverse), np_ref, [(2, 5)], **F64)


def test_cummax_grad_minimal():
    x = leaf([1.0, 3.0, 2.0])
    with recording():
        (g,) = E.grad([ops.sum(E.cumulative("max", x, 0, False))], [x], [])
    # cummax = [1, 3, 3]: x[1] feeds two outputs.
    np.testing.assert_array_equal(g.numpy(), [1.0, 2.0, 0.0])


@pytest.mark.parametrize("kind,np_fn", [("sum", np.sum), ("prod", np.prod), ("max", np.max),
                                        ("min", np.min)])
def test_reduce_grads(kind, np_fn):
    for axes, keep in [(None, False), ([1], False), ([0, 2], True), ([-1], True)]:
        np_axis = None if axes is None else tuple(axes)
        check_op(lambda x, a=axes, k=keep: E.reduce(kind, x, a, k),
                 lambda x, a=np_axis, k=keep: np_fn(x, axis=a, keepdims=k),
                 [(2, 3, 2)], **F64)


def test_sort_values_grad():
    check_op(lambda x: E.sort(x, 0, False)[0], lambda x: np.sort(x, 0), [(5, 2)], **F64)
    check_op(lambda x: E.sort(x, -1, True)[0], lambda x: -np.sort(-x, -1), [(2, 5)], **F64)


def test_copy_grad():
    check_op(E.copy, np.copy, [(2, 3)], **F64)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_cast_grad_is_cast_back(dtype):
    # Finite differences cannot see through a float32 rounding, so check the rule directly:
    # the cotangent is cast back to the source dtype.
    x = leaf(X)
    w = np.array([0.25, -2.0, 1.5])
    with recording():
        y = ops.sum(E.cast(x, dtype) * ops.convert_to_tensor(w, dtype=dtype))
        (g,) = E.grad([y], [x], [])
    assert g.dtype == "float64"
    np.testing.assert_array_equal(g.numpy(), w)
