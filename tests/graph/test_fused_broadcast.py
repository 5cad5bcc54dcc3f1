"""Element-wise chains with broadcast operands: a suffix of the output's shape (a bias row, a
per-channel scale, leading ones allowed) joins the fused program and repeats along the leading
axes tile by tile; other broadcasts (a column) end the chain. Same bits as eager, on any thread
count, and the values NumPy gives."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import backend, ops

RNG = np.random.default_rng(21)


def _fused_nodes(fn, *args):
    return [node.op for node in fn.get_concrete_function(*args).graph.nodes
            if node.op.startswith("fused_elementwise[")]


def _replay_on_thread_counts(fn, *args):
    previous = keras.config.get_num_threads()
    try:
        results = []
        for threads in (1, 2, 3):
            keras.config.set_num_threads(threads)
            results.append(fn(*args).numpy())
        return results
    finally:
        keras.config.set_num_threads(previous)


# Periods that divide the 1024-element tile and ones that do not, ranks 1-3 of suffix, and
# outputs large enough for several parallel tasks.
@pytest.mark.parametrize("x_shape,row_shape", [
    ((3000, 33), (33,)), ((64, 256), (1, 256)), ((4, 50, 7), (50, 7)), ((9, 2, 3, 5), (3, 5)),
    ((70_000, 3), (3,)), ((5, 1), (1,))])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_suffix_operands_fuse_with_the_eager_bits(x_shape, row_shape, dtype):
    def body(x, row, scale):
        return ops.tanh(x * scale + row) * 2.0 - row

    fn = keras.function(body)
    x = RNG.standard_normal(x_shape).astype(dtype)
    row = RNG.standard_normal(row_shape).astype(dtype)
    scale = RNG.random(row_shape).astype(dtype) + 0.5
    fn(x, row, scale)
    assert _fused_nodes(fn, x, row, scale) == [
        "fused_elementwise[multiply, add, tanh, multiply, subtract]"]
    eager = body(*(backend.convert_to_tensor(a) for a in (x, row, scale))).numpy()
    for replayed in _replay_on_thread_counts(fn, x, row, scale):
        np.testing.assert_array_equal(replayed, eager)
    want = np.tanh(x.astype(np.float64) * scale + row) * 2 - row
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(eager, want, rtol=tol, atol=tol)


def test_a_column_broadcast_ends_the_chain():
    def body(x, column, row):
        a = ops.exp(x * 0.1) + row      # fused: a row
        b = a * column                  # (n, 1) is not a suffix: its own node
        return ops.sqrt(b * b + 1.0)    # a new chain

    fn = keras.function(body)
    x = RNG.standard_normal((300, 40)).astype("float32")
    column = RNG.random((300, 1)).astype("float32")
    row = RNG.random(40).astype("float32")
    fn(x, column, row)
    graph = fn.get_concrete_function(x, column, row).graph
    assert [node.op for node in graph.nodes] == [
        "fused_elementwise[multiply, exp, add]", "multiply",
        "fused_elementwise[multiply, add, sqrt]"]
    got = fn(x, column, row).numpy()
    np.testing.assert_array_equal(got, body(x, column, row).numpy())
    a = np.exp(x.astype(np.float64) * np.float32(0.1)) + row
    np.testing.assert_allclose(got, np.sqrt((a * column) ** 2 + 1), rtol=1e-5)


def test_a_broadcast_operand_longer_than_the_rows_is_not_a_suffix():
    """(2, 3) broadcast into (4, 2, 3) is a suffix; (4, 1, 3) into (4, 2, 3) is not."""
    def body(x, y):
        return ops.exp(x) * y + 1.0

    fn = keras.function(body)
    x = RNG.standard_normal((4, 2, 3)).astype("float32")
    y = RNG.standard_normal((4, 1, 3)).astype("float32")
    fn(x, y)
    assert _fused_nodes(fn, x, y) != ["fused_elementwise[exp, multiply, add]"]
    np.testing.assert_array_equal(fn(x, y).numpy(), body(x, y).numpy())
    np.testing.assert_allclose(fn(x, y).numpy(), np.exp(x) * y + 1, rtol=1e-6)
