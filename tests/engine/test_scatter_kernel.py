"""The scatter kernel: column blocks in parallel with every index in order (so duplicates
combine the same way on any thread count), strided and broadcast bases, and take's gradient
(a scatter-add into a broadcast zero) against NumPy's np.add.at."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E


def numpy_scatter(base, indices, updates, mode):
    out = np.array(base, copy=True)
    ufunc = {"add": np.add, "max": np.maximum, "min": np.minimum}.get(mode)
    if ufunc is None:  # update: the last write of a duplicate wins, as in order
        for j, i in enumerate(indices.reshape(-1)):
            out[i] = updates.reshape(-1, *out.shape[1:])[j]
        return out
    ufunc.at(out, indices.reshape(-1), updates.reshape(-1, *out.shape[1:]))
    return out


@pytest.mark.parametrize("mode", ["add", "update", "max", "min"])
@pytest.mark.parametrize("columns", [1, 63, 64, 200])
def test_scatter_matches_numpy_with_duplicates(mode, columns):
    rng = np.random.default_rng(columns)
    base = rng.standard_normal((30, columns)).astype("float32")
    indices = rng.integers(0, 30, size=(7, 9))  # 63 writes into 30 rows: many duplicates
    updates = rng.standard_normal((7, 9, columns)).astype("float32")
    got = E.scatter(E.from_numpy(base), E.from_numpy(indices), E.from_numpy(updates), 0, mode)
    np.testing.assert_array_equal(got.numpy(), numpy_scatter(base, indices, updates, mode))


def test_strided_and_broadcast_bases():
    rng = np.random.default_rng(1)
    indices = rng.integers(0, 5, size=(6,))
    updates = rng.standard_normal((6, 4)).astype("float32")
    transposed = E.transpose(E.from_numpy(rng.standard_normal((4, 5)).astype("float32")), [1, 0])
    got = E.scatter(transposed, E.from_numpy(indices), E.from_numpy(updates), 0, "add")
    np.testing.assert_array_equal(got.numpy(),
                                  numpy_scatter(transposed.numpy(), indices, updates, "add"))
    filled = E.broadcast_to(E.from_numpy(np.array(2.5, "float32")), [5, 4])
    got = E.scatter(filled, E.from_numpy(indices), E.from_numpy(updates), 0, "add")
    np.testing.assert_array_equal(got.numpy(),
                                  numpy_scatter(np.full((5, 4), 2.5, "float32"), indices,
                                                updates, "add"))
    # A broadcast row (stride 0 on one axis only) is a strided copy, not a fill.
    row = E.broadcast_to(E.from_numpy(np.arange(4, dtype="float32")), [5, 4])
    got = E.scatter(row, E.from_numpy(indices), E.from_numpy(updates), 0, "add")
    np.testing.assert_array_equal(got.numpy(), numpy_scatter(np.tile(np.arange(4, dtype="float32"),
                                                                     (5, 1)), indices, updates,
                                                             "add"))


def test_take_gradient_is_np_add_at_on_any_thread_count():
    rng = np.random.default_rng(2)
    table = rng.standard_normal((50, 130)).astype("float32")
    indices = rng.integers(0, 50, size=(8, 40))
    cotangent = rng.standard_normal((8, 40, 130)).astype("float32")
    expected = numpy_scatter(np.zeros_like(table), indices, cotangent, "add")
    grads = []
    for threads in (1, 2, 3):
        keras.config.set_num_threads(threads)
        variable = keras.Variable(table)
        with keras.GradientTape() as tape:
            taken = ops.take(variable.value, indices, axis=0)
        grads.append(tape.gradient(taken, [variable], output_gradients=cotangent)[0].numpy())
    keras.config.set_num_threads(2)
    np.testing.assert_allclose(grads[0], expected, rtol=1e-6, atol=1e-5)
    for other in grads[1:]:
        np.testing.assert_array_equal(grads[0], other)


def test_copy_of_a_broadcast_scalar_fills():
    for dtype in ("float32", "float64", "int8", "float16", "bool"):
        value = np.array(1, dtype)
        got = E.copy(E.broadcast_to(E.from_numpy(value), [3, 70001]))
        np.testing.assert_array_equal(got.numpy(), np.full((3, 70001), value))
