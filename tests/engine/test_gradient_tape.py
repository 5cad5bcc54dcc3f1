"""keras_like.GradientTape with TensorFlow's semantics."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

X = np.array([0.5, -1.25, 2.0], np.float64)


def t_(a):
    return ops.convert_to_tensor(np.array(a))


def test_trainable_variables_are_watched_automatically():
    v = keras.Variable(X.astype(np.float32))
    with keras.GradientTape() as tape:
        loss = ops.sum(v * v * 3.0)
    np.testing.assert_allclose(tape.gradient(loss, v).numpy(), 6 * X, rtol=1e-6)


def test_non_trainable_variable_gets_none():
    v = keras.Variable(X, trainable=False)
    with keras.GradientTape() as tape:
        loss = ops.sum(v * 2.0)
    assert tape.gradient(loss, v) is None


def test_watch_tensor():
    x = t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.exp(x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.exp(X))


def test_unwatched_tensor_gets_none():
    x, w = t_(X), t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(x * w)
    gx, gw = tape.gradient(y, [x, w])
    np.testing.assert_allclose(gx.numpy(), X)
    assert gw is None


def test_watch_does_not_leak_into_later_tapes():
    x = t_(X)
    with keras.GradientTape() as first:
        first.watch(x)
        y = ops.sum(x * x)
    first.gradient(y, x)
    with keras.GradientTape() as second:
        y = ops.sum(x * x)
    assert second.gradient(y, x) is None


def test_gradient_inside_the_with_block():
    x = t_(X)
    with keras.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        g = tape.gradient(y, x)
    np.testing.assert_allclose(g.numpy(), 2 * X)


def test_watch_nested_structure_and_ignores_ints():
    a, b = t_(X), t_(X * 2)
    i = ops.convert_to_tensor(np.array([1, 2, 3], np.int32))
    with keras.GradientTape() as tape:
        tape.watch({"a": a, "pair": [b, i]})
        y = ops.sum(a * b)
    assert not i.requires_grad
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_allclose(ga.numpy(), 2 * X)
    np.testing.assert_allclose(gb.numpy(), X)


def test_gradient_keeps_source_structure():
    v = keras.Variable(X)
    x = t_(X)
    u = t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(v * x)
    grads = tape.gradient(y, {"v": v, "nested": [x, (u,)]})
    assert set(grads) == {"v", "nested"}
    assert isinstance(grads["nested"], list)
    assert isinstance(grads["nested"][1], tuple)
    np.testing.assert_allclose(grads["v"].numpy(), X)
    np.testing.assert_allclose(grads["nested"][0].numpy(), X)
    assert grads["nested"][1][0] is None


def test_unconnected_gradients_zero():
    x, u = t_(X), t_(np.ones((2, 2)))
    with keras.GradientTape() as tape:
        tape.watch([x, u])
        y = ops.sum(x)
    gx, gu = tape.gradient(y, [x, u], unconnected_gradients="zero")
    np.testing.assert_allclose(gx.numpy(), np.ones(3))
    assert gu.shape == (2, 2)
    assert gu.dtype == "float64"
    np.testing.assert_array_equal(gu.numpy(), np.zeros((2, 2)))


def test_unconnected_gradients_bad_value():
    x = t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(x)
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(y, x, unconnected_gradients="sometimes")


def test_non_scalar_target_is_summed():
    x = t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = x * x  # shape (3,)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2 * X)


def test_list_of_targets_is_summed():
    x = t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y1 = x * x
        y2 = ops.sum(ops.sin(x))
    np.testing.assert_allclose(tape.gradient([y1, y2], x).numpy(), 2 * X + np.cos(X))


def test_output_gradients():
    x = t_(X)
    weights = np.array([1.0, 0.0, -2.0])
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    g = tape.gradient(y, x, output_gradients=t_(weights))
    np.testing.assert_allclose(g.numpy(), 2 * X * weights)


def test_persistent_tape_allows_repeated_calls():
    x = t_(X)
    with keras.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = ops.sum(ops.exp(x))
    for _ in range(3):
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2 * X)
        np.testing.assert_allclose(tape.gradient(z, x).numpy(), np.exp(X))


def test_non_persistent_second_call_raises():
    x = t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(x * x)
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, x)


def test_non_float_target_raises():
    x = t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.cast(x, "int32")
    with pytest.raises(ValueError):
        tape.gradient(y, x)


def test_stop_recording():
    x = t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        a = x * 2.0
        with tape.stop_recording():
            b = x * x
            assert not b.has_grad_node
            assert not E.is_recording()
        c = a + b
    assert a.has_grad_node
    # b was computed off the tape: it is a constant for the gradient.
    np.testing.assert_allclose(tape.gradient(c, x).numpy(), np.full(3, 2.0))


def test_stop_recording_outside_tape_raises():
    tape = keras.GradientTape()
    with pytest.raises(ValueError):
        with tape.stop_recording():
            pass


def test_recording_ends_with_the_tape():
    x = t_(X)
    assert not E.is_recording()
    with keras.GradientTape() as tape:
        tape.watch(x)
        assert E.is_recording()
        inside = x * 2.0
    assert not E.is_recording()
    outside = x * 2.0
    assert inside.has_grad_node
    assert not outside.has_grad_node


def test_recording_ends_even_after_exception():
    with pytest.raises(KeyError):
        with keras.GradientTape():
            raise KeyError("boom")
    assert not E.is_recording()


def test_no_recording_and_no_graph_growth_without_tape():
    v = keras.Variable(X)
    assert v.value.requires_grad
    y = v.value
    for _ in range(50):
        y = ops.tanh(y * 1.01 + 0.1)
        assert not y.has_grad_node
    for _ in range(50):
        v.assign_add(0.01)
    assert not v.value.has_grad_node


def test_watch_accessed_variables_false():
    v = keras.Variable(X)
    w = keras.Variable(X * 2)
    with keras.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = ops.sum(v * w)
    gv, gw = tape.gradient(y, [v, w])
    assert gv is None
    np.testing.assert_allclose(gw.numpy(), X)


@pytest.mark.parametrize("fn,d1,d2", [
    (lambda x: x ** 3, lambda x: 3 * x ** 2, lambda x: 6 * x),
    (ops.sin, np.cos, lambda x: -np.sin(x)),
    (lambda x: ops.exp(x) * x, lambda x: np.exp(x) * (x + 1), lambda x: np.exp(x) * (x + 2)),
    (ops.tanh, lambda x: 1 - np.tanh(x) ** 2,
     lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
    (lambda x: ops.log(x * x + 1.0), lambda x: 2 * x / (x * x + 1),
     lambda x: 2 * (1 - x * x) / (x * x + 1) ** 2),
], ids=["cube", "sin", "x_exp", "tanh", "log"])
def test_second_order_with_nested_tapes(fn, d1, d2):
    x = t_(X)
    with keras.GradientTape() as outer:
        outer.watch(x)
        with keras.GradientTape() as inner:
            inner.watch(x)
            y = fn(x)
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    np.testing.assert_allclose(dy.numpy(), d1(X), rtol=1e-12)
    np.testing.assert_allclose(d2y.numpy(), d2(X), rtol=1e-12)


def test_third_order():
    x = t_(X)
    with keras.GradientTape() as t3:
        t3.watch(x)
        with keras.GradientTape() as t2:
            t2.watch(x)
            with keras.GradientTape() as t1:
                t1.watch(x)
                y = x ** 4
            g1 = t1.gradient(y, x)
        g2 = t2.gradient(g1, x)
    np.testing.assert_allclose(t3.gradient(g2, x).numpy(), 24 * X)


def test_mixed_second_derivative():
    x, y = t_(X), t_(X[::-1])
    with keras.GradientTape() as outer:
        outer.watch([x, y])
        with keras.GradientTape() as inner:
            inner.watch([x, y])
            z = ops.sum(x * x * y)
        gx = inner.gradient(z, x)  # 2xy
    gxy = outer.gradient(gx, y)  # 2x
    np.testing.assert_allclose(gxy.numpy(), 2 * X)


@pytest.mark.parametrize("a_shape,b_shape", [
    ((3, 1), (4,)), ((2, 3, 4), (4,)), ((1,), (5, 5)), ((), (3, 3)), ((2, 1, 4), (3, 1)),
    ((3, 4), (3, 4)),
])
def test_broadcast_gradients_sum_to_input_shape(a_shape, b_shape):
    rng = np.random.default_rng(0)
    a_np, b_np = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    a, b = t_(a_np), t_(b_np)
    with keras.GradientTape() as tape:
        tape.watch([a, b])
        y = ops.sum(a * b * 2.0)
    ga, gb = tape.gradient(y, [a, b])
    out_shape = np.broadcast_shapes(a_shape, b_shape)
    full_a = np.broadcast_to(2 * b_np, out_shape)
    full_b = np.broadcast_to(2 * a_np, out_shape)
    assert ga.shape == a_shape
    assert gb.shape == b_shape
    np.testing.assert_allclose(ga.numpy(), _sum_to(full_a, a_shape))
    np.testing.assert_allclose(gb.numpy(), _sum_to(full_b, b_shape))


def _sum_to(g, shape):
    while g.ndim > len(shape):
        g = g.sum(0)
    for i, d in enumerate(shape):
        if d == 1:
            g = g.sum(i, keepdims=True)
    return g


def test_gradients_through_views():
    base = np.arange(12.0).reshape(3, 4)
    x = t_(base)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = (ops.sum(x[1:, ::-2] * 2.0) + ops.sum(x.T[0])
             + ops.sum(E.reshape(x, [12])[::5]) + ops.sum(E.broadcast_to(x[0], [5, 4]))
             + ops.sum(E.transpose(x, [1, 0]) * t_(np.arange(3.0))))
    expected = np.zeros((3, 4))
    expected[1:, ::-2] += 2.0
    expected[:, 0] += 1.0
    expected.reshape(-1)[::5] += 1.0
    expected[0] += 5.0
    expected += np.arange(3.0)[:, None]
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), expected)


def test_gradient_through_advanced_indexing_accumulates_repeats():
    x = t_(np.arange(5.0))
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(x[[0, 2, 2, 4, 0, 0]] * t_([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [12.0, 0.0, 5.0, 0.0, 4.0])


def test_gradient_reused_input_accumulates():
    x = t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = x * x + ops.sin(x) * x + x
    np.testing.assert_allclose(tape.gradient(y, x).numpy(),
                               2 * X + np.cos(X) * X + np.sin(X) + 1)


def test_stop_gradient_blocks_flow():
    x = t_(X)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.stop_gradient(x * x) * x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), X * X)


def test_gradient_dtype_matches_source():
    for dtype in ("float16", "bfloat16", "float32", "float64"):
        x = ops.convert_to_tensor(np.array([1.0, 2.0], np.float32), dtype=dtype)
        with keras.GradientTape() as tape:
            tape.watch(x)
            y = ops.sum(x * x)
        g = tape.gradient(y, x)
        assert g.dtype == dtype
        np.testing.assert_allclose(np.asarray(g.numpy(), np.float64), [2.0, 4.0])
