"""array, copy, view, unravel_index, vectorize and the axis-named splits against NumPy."""

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops


def test_array_and_copy():
    assert ops.array([1, 2, 3], dtype="float32").dtype == "float32"
    assert ops.array(np.arange(3)).dtype == "int64"
    src = ops.convert_to_tensor(np.arange(4.0))
    dup = ops.copy(src)
    np.testing.assert_array_equal(dup.numpy(), np.arange(4.0))
    assert not np.shares_memory(dup.numpy(), src.numpy())
    check_op(ops.copy, np.copy, [(2, 3)], dtype="float64")


@pytest.mark.parametrize("src,dst", [("float32", "int32"), ("int32", "int16"),
                                     ("int16", "int32"), ("float64", "int8"), ("uint8", "int8")])
def test_view_matches_numpy(src, dst):
    x = np.arange(1, 9).astype(src).reshape(2, 4)
    got = ops.view(x, dst)
    expected = x.view(dst)
    np.testing.assert_array_equal(got.numpy(), expected)
    assert got.dtype == dst


def test_view_invalid_shape():
    with pytest.raises(ValueError):
        ops.view(np.ones(3, "int16"), "int32")


def test_unravel_index():
    for shape in [(2, 4), (3, 1, 5), (7,)]:
        idx = np.arange(int(np.prod(shape)))
        got = ops.unravel_index(idx, shape)
        for g, e in zip(got, np.unravel_index(idx, shape)):
            np.testing.assert_array_equal(g.numpy(), e)
    assert ops.unravel_index(np.array([3], "int32"), (2, 2))[0].dtype == "int32"
    np.testing.assert_array_equal(ops.unravel_index(np.array([[1, 5]]), (2, 3))[1].numpy(),
                                  [[1, 2]])


def test_vectorize_without_and_with_signature():
    add = ops.vectorize(lambda a, b: ops.add(a, b))
    np.testing.assert_array_equal(add([1, 2, 3, 4], 2).numpy(), [3, 4, 5, 6])
    batch = np.stack([np.eye(4), 2 * np.eye(4)])
    traces = ops.vectorize(ops.trace, signature="(d,d)->()")(batch)
    np.testing.assert_allclose(traces.numpy(), [4.0, 8.0])
    diags = ops.vectorize(ops.diag, signature="(d,d)->(d)")(batch)
    np.testing.assert_allclose(diags.numpy(), np.vectorize(np.diag, signature="(d,d)->(d)")(
        batch))
    mv = ops.vectorize(ops.matmul, signature="(m,n),(n)->(m)")
    a = np.random.default_rng(0).normal(size=(3, 2, 4))
    v = np.random.default_rng(1).normal(size=(4,))
    np.testing.assert_allclose(mv(a, v).numpy(), a @ v)
    scale = ops.vectorize(lambda x, k: ops.multiply(x, k), excluded={1})
    np.testing.assert_allclose(scale(np.ones(3), 2.0).numpy(), [2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="signature"):
        ops.vectorize(ops.trace, signature="d,d->")


@pytest.mark.parametrize("name,shape,arg", [
    ("hsplit", (6,), 3), ("hsplit", (2, 6), [1, 4]), ("vsplit", (4, 3), 2),
    ("dsplit", (2, 2, 6), [2]), ("dsplit", (1, 2, 4, 3), 2),
])
def test_directional_splits(name, shape, arg):
    x = np.arange(np.prod(shape)).reshape(shape)
    got = getattr(ops, name)(x, arg)
    expected = getattr(np, name)(x, arg)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g.numpy(), e)


def test_directional_split_rank_errors():
    with pytest.raises(ValueError):
        ops.vsplit(np.ones(4), 2)
    with pytest.raises(ValueError):
        ops.dsplit(np.ones((2, 2)), 2)
