"""unique, isin, histogram and argpartition against NumPy."""

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_unique_matches_numpy(axis):
    x = np.array([[3, 1, 3], [2, 1, 2], [3, 1, 3]], "int32")
    got = ops.unique(x, return_index=True, return_inverse=True, return_counts=True, axis=axis)
    expected = np.unique(x, return_index=True, return_inverse=True, return_counts=True,
                         axis=axis)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(g.numpy(), np.asarray(e).reshape(g.shape))
    np.testing.assert_array_equal(ops.unique(x, axis=axis).numpy(), np.unique(x, axis=axis))


def test_unique_size_and_fill_and_empty():
    x = np.array([4, 1, 4, 2])
    np.testing.assert_array_equal(ops.unique(x, size=5, fill_value=-1).numpy(),
                                  [1, 2, 4, -1, -1])
    values, counts = ops.unique(x, size=2, return_counts=True)
    np.testing.assert_array_equal(values.numpy(), [1, 2])
    np.testing.assert_array_equal(counts.numpy(), [1, 1])
    assert ops.unique(np.zeros((0,), "float32")).shape == (0,)


def test_unique_values_carry_gradients():
    x = np.array([0.5, -1.0, 1.5, 2.0])  # distinct: finite differences keep the set
    check_op(ops.unique, np.unique, [], arrays=[x], dtype="float64")


def test_isin():
    a = np.array([[1, 2], [3, 4]])
    b = np.array([4, 1, 9])
    np.testing.assert_array_equal(ops.isin(a, b).numpy(), np.isin(a, b))
    np.testing.assert_array_equal(ops.isin(a, b, invert=True).numpy(), np.isin(a, b, invert=True))
    np.testing.assert_array_equal(ops.isin(a, np.zeros((0,), "int64")).numpy(),
                                  np.zeros((2, 2), bool))
    np.testing.assert_array_equal(ops.isin([1.5, 2.0], [2]).numpy(), [False, True])


@pytest.mark.parametrize("bins,rng", [(10, None), (4, None), (5, (0.2, 0.7)), (3, (2, 8))])
def test_histogram(bins, rng):
    x = np.random.default_rng(2).random(20)
    x[0] = 0.7 if rng else x[0]
    counts, edges = ops.histogram(x, bins=bins, range=rng)
    e_counts, e_edges = np.histogram(x, bins=bins, range=rng)
    np.testing.assert_array_equal(counts.numpy(), e_counts)
    np.testing.assert_allclose(edges.numpy(), e_edges)
    assert counts.dtype == "int32"


def test_histogram_errors():
    with pytest.raises(TypeError):
        ops.histogram(np.ones(3), bins=2.5)
    with pytest.raises(ValueError):
        ops.histogram(np.ones(3), bins=-1)
    with pytest.raises(ValueError):
        ops.histogram(np.ones(3), range=(3, 1))
    with pytest.raises(ValueError, match="1-dimensional"):
        ops.histogram(np.ones((2, 2)))


@pytest.mark.parametrize("kth,axis", [(2, -1), (0, 0), (1, 1), (3, None)])
def test_argpartition_partitions(kth, axis):
    x = np.random.default_rng(3).permutation(12).reshape(3, 4)
    got = ops.argpartition(x, kth, axis=axis).numpy()
    assert got.dtype == np.int32
    flat = x.reshape(-1) if axis is None else x
    ax = 0 if axis is None else axis
    values = np.take_along_axis(flat, got, axis=ax)
    kth_value = np.take(np.sort(flat, axis=ax), [kth], axis=ax)
    before = np.take(values, range(kth), axis=ax)
    after = np.take(values, range(kth, flat.shape[ax]), axis=ax)
    assert np.all(before <= kth_value) and np.all(after >= kth_value)
    with pytest.raises(ValueError):
        ops.argpartition(x, (1, 3))


def test_unique_keeps_nans_distinct():
    values = ops.unique(np.array([1.0, np.nan, 2.0, np.nan], "float32")).numpy()
    assert values.shape == (4,) and np.isnan(values).sum() == 2
    np.testing.assert_array_equal(values[:2], [1.0, 2.0])
