"""Every kernel runs through `dispatch`: in-place ops included, strided inputs staged there.

`_engine.dispatch_count(kind)` counts kernel runs per op kind on this thread, so a path that
reached a kernel by another way would not be counted.
"""

import numpy as np
import pytest

import keras_like as keras
from keras_like import _engine as E
from keras_like import ops


def _runs(kind, fn):
    before = E.dispatch_count(kind)
    fn()
    return E.dispatch_count(kind) - before


def test_assign_goes_through_dispatch():
    v = keras.Variable(np.zeros((3, 4), "float32"))
    assert _runs("copy", lambda: v.assign(np.ones((3, 4), "float32"))) >= 1
    np.testing.assert_array_equal(v.numpy(), np.ones((3, 4)))


def test_optimizer_update_goes_through_dispatch():
    v = keras.Variable(np.ones(5, "float32"))
    opt = keras.optimizers.Adam(0.1)
    grad = ops.convert_to_tensor(np.full(5, 0.5, "float32"))
    assert _runs("optimizer_update", lambda: opt.apply([grad], [v])) == 1
    assert np.all(v.numpy() < 1)


def test_assign_into_borrowed_memory_is_refused():
    t = ops.convert_to_tensor(np.zeros(3, "float32"))  # wraps NumPy memory read-only
    with pytest.raises(ValueError, match=r"\[assign\].*read-only"):
        E.assign(t, ops.ones((3,)))


def test_unknown_op_kind_is_refused():
    with pytest.raises(ValueError, match="unknown op kind"):
        E.dispatch_count("no_such_kind")


@pytest.mark.parametrize("name,fn,reference", [
    ("matmul", lambda a: ops.matmul(a[:, ::2], a[:4, ::2]), lambda a: a[:, ::2] @ a[:4, ::2]),
    ("sort", lambda a: ops.sort(a[::-1, 1::3], axis=0), lambda a: np.sort(a[::-1, 1::3], axis=0)),
    ("take", lambda a: ops.take(ops.transpose(a)[::2], [0, 2], axis=1),
     lambda a: a.T[::2][:, [0, 2]]),
    ("softmax", lambda a: E.softmax(ops.convert_to_tensor(a)[:, ::2], 0),
     lambda a: np.exp(a[:, ::2]) / np.exp(a[:, ::2]).sum(0)),
    ("sum scattered axes", lambda a: ops.sum(ops.reshape(a, (2, 3, 2, 4))[:, ::-1], axis=(0, 2)),
     lambda a: a.reshape(2, 3, 2, 4)[:, ::-1].sum(axis=(0, 2))),
    ("max scattered keepdims", lambda a: ops.max(ops.reshape(a, (2, 3, 2, 4)), axis=(1, 3),
                                                 keepdims=True),
     lambda a: a.reshape(2, 3, 2, 4).max(axis=(1, 3), keepdims=True)),
])
def test_strided_inputs_are_staged_by_the_dispatcher(name, fn, reference):
    a = np.random.default_rng(3).standard_normal((6, 8)).astype("float32")
    copies = _runs("copy", lambda: fn(ops.convert_to_tensor(a)))
    np.testing.assert_allclose(ops.convert_to_numpy(fn(ops.convert_to_tensor(a))),
                               reference(a), rtol=1e-5, atol=1e-6)
    assert copies >= 1, f"{name}: no contiguous copy was staged through dispatch"


def test_scattered_axis_reduction_gradient():
    a = np.random.default_rng(4).standard_normal((2, 3, 4)).astype("float64")
    x = ops.convert_to_tensor(a)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.square(ops.max(x, axis=(0, 2), keepdims=True)))
    g = tape.gradient(y, x).numpy()
    m = a.max(axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(g, np.where(a == m, 2 * m, 0.0))


def test_long_rows_reduce_through_dispatcher_scratch():
    # Rows longer than the fixed chunk keep per-chunk partials in scratch the dispatcher hands
    # the kernel; results must match NumPy and not depend on the thread count.
    a = np.random.default_rng(9).standard_normal((3, 50_000)).astype("float32")
    original = keras.config.get_num_threads()
    try:
        results = []
        for threads in (1, 2, 3):
            keras.config.set_num_threads(threads)
            results.append(ops.sum(a, axis=1).numpy().tobytes())
            np.testing.assert_allclose(ops.max(a, axis=1).numpy(), a.max(axis=1))
        assert len(set(results)) == 1
    finally:
        keras.config.set_num_threads(original)
    np.testing.assert_allclose(ops.sum(a, axis=1).numpy(), a.astype(np.float64).sum(axis=1),
                               rtol=1e-5)
