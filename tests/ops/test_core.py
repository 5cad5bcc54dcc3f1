"""Tests for keras_like.ops.core: slicing, scatter, control flow and conversions."""

import numpy as np
import pytest
from helpers import check_op, random_array

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

F64 = "float64"


def _grad(fn, *arrays):
    """Gradients of sum(fn(*tensors)) for float64 inputs (None where unconnected)."""
    tensors = [ops.convert_to_tensor(np.asarray(a, dtype=np.float64)) for a in arrays]
    with keras.GradientTape() as tape:
        tape.watch(tensors)
        loss = ops.sum(fn(*tensors))
    return tape.gradient(loss, tensors)


def _meta(shape, dtype="float32"):
    return E.full(list(shape), 0, dtype, "meta")


# ---------------------------------------------------------------------------------------------
# slice / slice_update
# ---------------------------------------------------------------------------------------------


def test_slice_forward_and_grad():
    check_op(lambda x: ops.slice(x, (1, 0, 2), (2, -1, 2)), lambda x: x[1:3, :, 2:4],
             [(4, 3, 5)], dtype=F64)


def test_slice_negative_and_tensor_start_indices():
    x = random_array((5, 6))
    got = ops.slice(ops.convert_to_tensor(x), ops.convert_to_tensor([-2, 1]), (2, 3))
    np.testing.assert_array_equal(ops.convert_to_numpy(got), x[3:5, 1:4])
    got = ops.slice(x, np.array([0, 4]), np.array([5, 2]))
    np.testing.assert_array_equal(ops.convert_to_numpy(got), x[:, 4:6])


def test_slice_errors():
    x = ops.zeros((4, 3, 5))
    with pytest.raises(ValueError, match=r"`slice`.*inputs.shape=\(4, 3, 5\).*start_indices"):
        ops.slice(x, (0, 0), (1, 1, 1))
    with pytest.raises(ValueError, match=r"`slice`.*shape=\[1, 1\]"):
        ops.slice(x, (0, 0, 0), (1, 1))
    with pytest.raises(IndexError, match=r"`slice`.*axis 2.*\(4, 3, 5\)"):
        ops.slice(x, (0, 0, 4), (1, 1, 2))
    with pytest.raises(IndexError, match=r"`slice`.*axis 0"):
        ops.slice(x, (-5, 0, 0), (1, 1, 1))


def _np_slice_update(x, starts, u):
    out = np.array(x, copy=True)
    out[tuple(slice(s, s + n) for s, n in zip(starts, u.shape, strict=True))] = u
    return out


def test_slice_update_forward_and_grad_both_args():
    check_op(lambda x, u: ops.slice_update(x, (1, 2), u),
             lambda x, u: _np_slice_update(x, (1, 2), u), [(4, 5), (2, 3)], dtype=F64)


def test_slice_update_3d_negative_start_and_full_replace():
    check_op(lambda x, u: ops.slice_update(x, (0, -2, 1), u),
             lambda x, u: _np_slice_update(x, (0, 1, 1), u), [(2, 3, 4), (2, 2, 3)], dtype=F64)
    gx, gu = _grad(lambda x, u: ops.slice_update(x, (0, 0), u), np.ones((2, 2)), np.ones((2, 2)))
    assert gx is None or not np.any(gx.numpy())
    np.testing.assert_array_equal(gu.numpy(), np.ones((2, 2)))


def test_slice_update_casts_updates_to_input_dtype():
    out = ops.slice_update(ops.zeros((3,), "float32"), (1,), np.array([7], dtype=np.int32))
    assert out.dtype == "float32"
    np.testing.assert_array_equal(out.numpy(), [0, 7, 0])


def test_slice_update_errors():
    x = ops.zeros((4, 5))
    with pytest.raises(ValueError, match=r"`slice_update`.*inputs.shape=\(4, 5\).*updates.shape"):
        ops.slice_update(x, (0, 0), ops.ones((2,)))
    with pytest.raises(ValueError, match=r"`slice_update`.*start_indices=\[0\]"):
        ops.slice_update(x, (0,), ops.ones((2, 2)))
    with pytest.raises(IndexError, match=r"`slice_update`.*axis 1.*\(4, 5\)"):
        ops.slice_update(x, (0, 4), ops.ones((2, 2)))


# ---------------------------------------------------------------------------------------------
# scatter / scatter_update
# ---------------------------------------------------------------------------------------------


def _np_scatter(indices, values, shape):
    out = np.zeros(shape, dtype=values.dtype)
    idx = np.asarray(indices).reshape(-1, np.shape(indices)[-1])
    vals = values.reshape((idx.shape[0],) + tuple(shape[idx.shape[1]:]))
    np.add.at(out, tuple(idx.T), vals)
    return out


def test_scatter_full_indices_with_duplicates_add():
    idx = [[0, 1], [1, 1], [0, 1], [2, 0]]
    check_op(lambda v: ops.scatter(idx, v, (3, 2)), lambda v: _np_scatter(idx, v, (3, 2)),
             [(4,)], dtype=F64)


def test_scatter_partial_and_batched_indices():
    idx = np.array([[[1], [3], [1]], [[0], [2], [3]]])  # shape (2, 3, 1): slices of axis 0
    check_op(lambda v: ops.scatter(idx, v, (4, 2, 3)), lambda v: _np_scatter(idx, v, (4, 2, 3)),
             [(2, 3, 2, 3)], dtype=F64)


def test_scatter_dtype_negative_indices_and_broadcast_values():
    out = ops.scatter(ops.convert_to_tensor([[-1], [0]]), np.array([2, 5], dtype=np.int32), (3,))
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out.numpy(), [5, 0, 2])
    out = ops.scatter([[0], [2]], np.float32(1.5), (3, 2))
    np.testing.assert_array_equal(out.numpy(), [[1.5, 1.5], [0, 0], [1.5, 1.5]])


def test_scatter_errors():
    with pytest.raises(IndexError, match=r"`scatter`: index \(0, 3\).*shape \(4, 3\)"):
        ops.scatter([[0, 1], [0, 3]], np.ones(2), (4, 3))
    with pytest.raises(IndexError, match=r"`scatter`: index \(-5,\).*\(4, 3\)"):
        ops.scatter([[-5]], np.ones((1, 3)), (4, 3))
    with pytest.raises(TypeError, match=r"`scatter`.*integers"):
        ops.scatter(np.array([[0.0]]), np.ones(1), (2,))
    with pytest.raises(ValueError, match=r"`scatter`.*indices.shape=\(1, 3\)"):
        ops.scatter([[0, 0, 0]], np.ones(1), (2, 2))
    with pytest.raises(ValueError, match=r"`scatter`.*\(2, 3\).*values.shape=\(2, 4\)"):
        ops.scatter([[0], [1]], np.ones((2, 4)), (2, 3))


def _np_scatter_update(x, indices, u):
    out = np.array(x, copy=True)
    out[tuple(np.asarray(indices).T)] = u
    return out


def test_scatter_update_forward_and_grad_both_args():
    idx = [[1, 2, 3], [0, 1, 3], [2, 0, 0]]
    check_op(lambda x, u: ops.scatter_update(x, idx, u),
             lambda x, u: _np_scatter_update(x, idx, u), [(3, 4, 4), (3,)], dtype=F64)


def test_scatter_update_rows_with_negative_index():
    idx = [[1], [-1]]
    check_op(lambda x, u: ops.scatter_update(x, idx, u),
             lambda x, u: _np_scatter_update(x, [[1], [2]], u), [(3, 4), (2, 4)], dtype=F64)


def test_scatter_update_casts_and_errors():
    out = ops.scatter_update(ops.zeros((2, 2), "int32"), [[0, 1]], np.array([2.0]))
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out.numpy(), [[0, 2], [0, 0]])
    with pytest.raises(IndexError, match=r"`scatter_update`: index \(2, 0\).*\(2, 2\)"):
        ops.scatter_update(ops.zeros((2, 2)), [[0, 0], [2, 0]], np.ones(2))
    with pytest.raises(ValueError, match=r"`scatter_update`.*updates.shape=\(3,\)"):
        ops.scatter_update(ops.zeros((2, 2)), [[0, 0], [1, 0]], np.ones(3))


def test_slice_and_scatter_on_meta_tensors_give_shapes():
    assert ops.slice(_meta((4, 5)), (1, 1), (2, -1)).shape == (2, 4)
    assert ops.slice_update(_meta((4, 5)), (1, 1), _meta((2, 2))).shape == (4, 5)
    out = ops.scatter_update(_meta((4, 5)), _meta((3, 1), "int32"), _meta((3, 5)))
    assert out.shape == (4, 5) and out.device.startswith("meta")
    assert ops.scatter(_meta((3, 2), "int32"), _meta((3,)), (4, 4)).shape == (4, 4)


# ---------------------------------------------------------------------------------------------
# unstack
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unstack_forward_and_grad(axis):
    weights = [1.0, -2.0, 0.5]

    def fn(x):
        parts = ops.unstack(x, axis=axis)
        return sum(p * w for p, w in zip(parts, weights, strict=True))

    def np_fn(x):
        parts = [np.take(x, i, axis=axis) for i in range(3)]
        return sum(p * w for p, w in zip(parts, weights, strict=True))

    check_op(fn, np_fn, [(3, 3, 3)], dtype=F64)


def test_unstack_shapes_and_errors():
    x = random_array((2, 4))
    parts = ops.unstack(x, num=4, axis=1)
    assert len(parts) == 4 and parts[2].shape == (2,)
    np.testing.assert_array_equal(parts[2].numpy(), x[:, 2])
    with pytest.raises(ValueError, match=r"`unstack`.*num=3.*\(2, 4\)"):
        ops.unstack(x, num=3, axis=1)
    with pytest.raises(ValueError, match=r"`unstack`.*axis.*2.*rank 2"):
        ops.unstack(x, axis=2)
    with pytest.raises(ValueError, match=r"`unstack`.*scalar"):
        ops.unstack(ops.convert_to_tensor(1.0))


# ---------------------------------------------------------------------------------------------
# cond / switch
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pred", [True, False])
def test_cond_forward_and_grad(pred):
    def fn(x):
        return ops.cond(ops.convert_to_tensor(pred), lambda: ops.sin(x) * 2.0, lambda: x * x)

    check_op(fn, lambda x: np.sin(x) * 2.0 if pred else x * x, [(3, 2)], dtype=F64)


def test_cond_with_data_dependent_predicate_and_errors():
    x = ops.convert_to_tensor([1.0, 2.0])
    assert float(ops.cond(ops.sum(x) > 2, lambda: ops.sum(x), lambda: ops.max(x))) == 3.0
    assert ops.cond(0, lambda: "t", lambda: "f") == "f"
    with pytest.raises(ValueError, match=r"`cond`.*scalar.*\(2,\)"):
        ops.cond(x > 0, lambda: x, lambda: x)


def test_cond_on_meta_predicate_checks_branches():
    x = _meta((2, 3))
    assert ops.cond(_meta((), "bool"), lambda: x, lambda: x).shape == (2, 3)
    with pytest.raises(ValueError, match=r"`true_fn` and `false_fn`"):
        ops.cond(_meta((), "bool"), lambda: x, lambda: _meta((3,)))


def test_switch_selects_and_clamps():
    branches = [lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y]
    x, y = ops.convert_to_tensor(2.0), ops.convert_to_tensor(0.5)
    assert float(ops.switch(0, branches, x, y)) == 2.5
    assert float(ops.switch(ops.convert_to_tensor(1), branches, x, y)) == 1.5
    assert float(ops.switch(7, branches, x, y)) == 1.0
    assert float(ops.switch(-3, branches, x, y)) == 2.5
    check_op(lambda a, b: ops.switch(2, branches, a, b), np.multiply, [(3,), (3,)], dtype=F64)
    with pytest.raises(TypeError, match=r"`switch`.*index"):
        ops.switch(1.5, branches, x, y)


# ---------------------------------------------------------------------------------------------
# while_loop / fori_loop
# ---------------------------------------------------------------------------------------------


def test_while_loop_structures():
    assert int(ops.while_loop(lambda i: i < 10, lambda i: i + 1, 0)) == 10
    x, y = ops.while_loop(lambda x, y: x < 10, lambda x, y: (x + 1, y + 1), (0, 1))
    assert (int(x), int(y)) == (10, 11)
    out = ops.while_loop(lambda x, y: x < 10, lambda x, y: [x + 1, y + 1], [0, 1])
    assert isinstance(out, tuple) and int(out[1]) == 11
    i, (a, b) = ops.while_loop(lambda i, ab: i < 3, lambda i, ab: (i + 1, (ab[1], ab[0])),
                               (0, (1.0, 2.0)))
    assert (int(i), float(a), float(b)) == (3, 2.0, 1.0)


def test_while_loop_maximum_iterations_and_errors():
    out = ops.while_loop(lambda i: i < 10, lambda i: i + 1, 0, maximum_iterations=4)
    assert int(out) == 4
    with pytest.raises(ValueError, match=r"`while_loop`.*same structure"):
        ops.while_loop(lambda x, y: x < 3, lambda x, y: (x + 1,), (0, 1))


def test_while_loop_grad():
    def fn(x):
        _, v = ops.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * v * 0.5 + v), (0, x))
        return v

    def np_fn(x):
        for _ in range(3):
            x = x * x * 0.5 + x
        return x

    check_op(fn, np_fn, [(4,)], dtype=F64, low=-1.0, high=1.0)


def test_fori_loop_forward_and_grad():
    assert int(ops.fori_loop(0, 10, lambda i, s: s + i, 0)) == 45
    assert int(ops.fori_loop(ops.convert_to_tensor(2), 2, lambda i, s: s + 1, 7)) == 7

    def np_fn(x):
        for i in range(1, 4):
            x = np.sin(x) + i * x
        return x

    check_op(lambda x: ops.fori_loop(1, 4, lambda i, v: ops.sin(v) + i * v, x), np_fn,
             [(2, 3)], dtype=F64, low=-1.0, high=1.0)


# ---------------------------------------------------------------------------------------------
# scan / map / vectorized_map / associative_scan
# ---------------------------------------------------------------------------------------------


def _np_scan(init, xs, reverse=False):
    carry, ys = init, [None] * len(xs)
    order = range(len(xs) - 1, -1, -1) if reverse else range(len(xs))
    for i in order:
        carry = carry + xs[i]
        ys[i] = carry * xs[i]
    return carry, np.stack(ys)


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_forward_and_grad(reverse):
    def f(c, x):
        c = c + x
        return c, c * x

    check_op(lambda init, xs: ops.scan(f, init, xs, reverse=reverse)[1],
             lambda init, xs: _np_scan(init, xs, reverse)[1], [(3,), (5, 3)], dtype=F64)
    check_op(lambda init, xs: ops.scan(f, init, xs, reverse=reverse)[0],
             lambda init, xs: _np_scan(init, xs, reverse)[0], [(3,), (5, 3)], dtype=F64)


def test_scan_keras_example_and_length_only():
    carry, ys = ops.scan(lambda c, x: (c + x, c + x), ops.convert_to_tensor(0),
                         ops.convert_to_tensor([1, 2, 3, 4, 5]))
    assert int(carry) == 15
    np.testing.assert_array_equal(ys.numpy(), np.cumsum([1, 2, 3, 4, 5]))
    carry, ys = ops.scan(lambda c, x: (c * 2, c), 1, length=4)
    assert int(carry) == 16
    np.testing.assert_array_equal(ys.numpy(), [1, 2, 4, 8])
    carry, ys = ops.scan(lambda c, x: (c + x, None), 0.0, ops.ones((3,)))
    assert float(carry) == 3.0 and ys is None


def test_scan_pytrees():
    xs = {"a": random_array((4, 2)), "b": random_array((4,))}

    def f(carry, x):
        s, n = carry
        s = s + x["a"] * x["b"]
        return (s, n + 1), {"s": s, "pair": (n, x["b"])}

    (s, n), ys = ops.scan(f, (ops.zeros((2,)), 0), xs)
    expected = np.cumsum(xs["a"] * xs["b"][:, None], axis=0)
    np.testing.assert_allclose(s.numpy(), expected[-1], rtol=1e-5)
    assert int(n) == 4
    np.testing.assert_allclose(ys["s"].numpy(), expected, rtol=1e-5)
    np.testing.assert_array_equal(ys["pair"][0].numpy(), np.arange(4))
    np.testing.assert_array_equal(ys["pair"][1].numpy(), xs["b"])


def test_scan_zero_length_and_errors():
    carry, ys = ops.scan(lambda c, x: (c + x, (c * 2)[None]), ops.zeros((2,)), ops.zeros((0, 2)))
    assert carry.shape == (2,) and ys.shape == (0, 1, 2) and ys.dtype == "float32"
    with pytest.raises(ValueError, match=r"`unroll`.*unroll=0"):
        ops.scan(lambda c, x: (c, x), 0, ops.ones((2,)), unroll=0)
    with pytest.raises(ValueError, match=r"`scan`.*`length` not provided"):
        ops.scan(lambda c, x: (c, x), 0)
    with pytest.raises(ValueError, match=r"`scan`.*pair"):
        ops.scan(lambda c, x: c + x, 0, ops.ones((2,)))
    with pytest.raises(ValueError, match=r"`scan`.*`length` \(3\).*\(2\)"):
        ops.scan(lambda c, x: (c, x), 0, ops.ones((2,)), length=3)
    with pytest.raises(ValueError, match=r"`scan`.*same leading size"):
        ops.scan(lambda c, x: (c, x), 0, (ops.ones((2,)), ops.ones((3,))))
    with pytest.raises(ValueError, match=r"`scan`.*same shape.*iteration 1"):
        ops.scan(lambda c, x: (c + 1, ops.ones((int(c) + 1,))), 0, length=2)


def test_map_forward_grad_and_structures():
    check_op(lambda x: ops.map(lambda r: ops.sum(r * r), x), lambda x: np.sum(x * x, axis=1),
             [(4, 3)], dtype=F64)
    ys = ops.map(lambda x: {"y1": x ** 2, "y2": x * 10}, ops.arange(5))
    np.testing.assert_array_equal(ys["y1"].numpy(), np.arange(5) ** 2)
    np.testing.assert_array_equal(ys["y2"].numpy(), np.arange(5) * 10)
    empty = ops.map(lambda x: x * 2, ops.zeros((0, 3)))
    assert empty.shape == (0, 3)


def test_vectorized_map_forward_grad_and_tuples():
    check_op(lambda x: ops.vectorized_map(lambda r: ops.sin(r) * r[0], x),
             lambda x: np.sin(x) * x[:, :1], [(3, 4)], dtype=F64)
    a, b = random_array((3, 2)), random_array((3, 2))
    out = ops.vectorized_map(lambda t: t[0] * t[1], (a, b))
    np.testing.assert_allclose(out.numpy(), a * b, rtol=1e-6)
    with pytest.raises(ValueError, match=r"`vectorized_map`.*same leading size"):
        ops.vectorized_map(lambda t: t[0], (a, ops.ones((2, 2))))
    with pytest.raises(ValueError, match=r"`vectorized_map`.*empty"):
        ops.vectorized_map(lambda t: t, [])


@pytest.mark.parametrize("axis,reverse", [(0, False), (1, False), (1, True), (-1, True)])
def test_associative_scan_cumsum_forward_and_grad(axis, reverse):
    def np_fn(x):
        if reverse:
            return np.flip(np.cumsum(np.flip(x, axis), axis), axis)
        return np.cumsum(x, axis)

    check_op(lambda x: ops.associative_scan(lambda a, b: a + b, x, reverse=reverse, axis=axis),
             np_fn, [(5, 7)], dtype=F64)


@pytest.mark.parametrize("n", [1, 2, 6, 9])
def test_associative_scan_non_commutative_pytree(n):
    # Composition of affine maps x -> a*x + b is associative but not commutative.
    def compose(first, second):
        (a1, b1), (a2, b2) = first, second
        return (a2 * a1, a2 * b1 + b2)

    a, b = random_array((n, 3), low=0.5, high=1.5), random_array((n, 3))
    exp_a, exp_b = [a[0]], [b[0]]
    for i in range(1, n):
        exp_a.append(a[i] * exp_a[-1])
        exp_b.append(a[i] * exp_b[-1] + b[i])
    ra, rb = ops.associative_scan(compose, (a, b))
    np.testing.assert_allclose(ra.numpy(), np.stack(exp_a), rtol=1e-5)
    np.testing.assert_allclose(rb.numpy(), np.stack(exp_b), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="same first dimension"):
        ops.associative_scan(compose, (a, ops.ones((n + 1, 3))))


# ---------------------------------------------------------------------------------------------
# conversions, cast, saturate_cast
# ---------------------------------------------------------------------------------------------


def test_conversion_and_introspection():
    x = ops.convert_to_tensor(np.arange(6, dtype=np.int32).reshape(2, 3))
    assert ops.is_tensor(x) and not ops.is_tensor(np.ones(2))
    assert ops.shape(x) == (2, 3) and isinstance(ops.shape(x), tuple)
    assert ops.dtype(x) == "int32" and ops.size(x) == 6
    np.testing.assert_array_equal(ops.convert_to_numpy(x), np.arange(6).reshape(2, 3))
    assert ops.convert_to_tensor(x, dtype="float16").dtype == "float16"
    assert ops.cast(x, np.float64).dtype == "float64"
    with pytest.raises(ValueError, match="ragged"):
        ops.convert_to_tensor([1.0], ragged=True)


def test_stop_gradient_blocks_gradient():
    (g,) = _grad(lambda x: ops.stop_gradient(x) * x, np.array([1.0, 2.0]))
    np.testing.assert_array_equal(g.numpy(), [1.0, 2.0])


@pytest.mark.parametrize("src,dst", [("float32", "uint8"), ("float32", "int8"),
                                     ("float64", "int16"), ("int32", "int8"), ("int32", "uint8"),
                                     ("int64", "int32"), ("float32", "float16")])
def test_saturate_cast_matches_clip_then_cast(src, dst):
    values = np.array([-1e6, -300, -129.5, -1, 0, 1.5, 127, 200, 256, 70000, 1e6])
    x = values.astype(src)
    lo, hi = (np.iinfo(dst).min, np.iinfo(dst).max) if dst != "float16" else (-65504, 65504)
    expected = np.clip(x, lo, hi).astype(dst)
    got = ops.saturate_cast(ops.convert_to_tensor(x), dst)
    assert got.dtype == dst
    np.testing.assert_array_equal(got.numpy(), expected)


def test_saturate_cast_infinities_and_wide_float_to_int():
    x = ops.convert_to_tensor(np.array([np.inf, -np.inf, 3e9, -3e9], dtype=np.float32))
    got = ops.saturate_cast(x, "int32").numpy()
    limit = int(np.nextafter(np.float32(2**31), np.float32(0)))  # largest float32 below 2**31
    np.testing.assert_array_equal(got, [limit, -(2**31), limit, -(2**31)])
    h = ops.saturate_cast(ops.convert_to_tensor(np.array([np.inf, -np.inf], np.float16)), "float32")
    np.testing.assert_array_equal(h.numpy(), [65504.0, -65504.0])
    b = ops.saturate_cast(ops.convert_to_tensor(np.array([1e9], np.float32)), "bfloat16")
    assert b.dtype == "bfloat16"
    check_op(lambda v: ops.saturate_cast(v, "float64"), lambda v: v, [(5,)], dtype=F64)
