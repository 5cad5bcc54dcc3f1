"""diff, trapezoid, vander and corrcoef against NumPy."""

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops


@pytest.mark.parametrize("n,axis", [(1, -1), (2, 0), (3, 1), (0, -1)])
def test_diff(n, axis):
    check_op(lambda t: ops.diff(t, n=n, axis=axis), lambda a: np.diff(a, n=n, axis=axis),
             [(4, 5)], dtype="float64")


def test_diff_bool_empty_and_errors():
    b = np.array([True, True, False, True])
    np.testing.assert_array_equal(ops.diff(b).numpy(), np.diff(b))
    np.testing.assert_array_equal(ops.diff(np.ones(1)).numpy(), np.diff(np.ones(1)))
    np.testing.assert_array_equal(ops.diff(np.arange(3), n=5).numpy(), np.diff(np.arange(3), 5))
    with pytest.raises(ValueError):
        ops.diff(np.ones(3), n=-1)


@pytest.mark.parametrize("axis", [-1, 0])
def test_trapezoid(axis):
    check_op(lambda y: ops.trapezoid(y, axis=axis), lambda y: np.trapezoid(y, axis=axis),
             [(4, 3)], dtype="float64")
    check_op(lambda y: ops.trapezoid(y, dx=0.5, axis=axis),
             lambda y: np.trapezoid(y, dx=0.5, axis=axis), [(4, 3)], dtype="float64")
    pts = np.array([0.0, 0.5, 2.0, 2.5])
    y = np.random.default_rng(0).normal(size=(4, 4))
    np.testing.assert_allclose(ops.trapezoid(y, x=pts, axis=axis).numpy(),
                               np.trapezoid(y, x=pts, axis=axis))
    assert ops.trapezoid(np.array([1, 2, 3])).dtype == "float32"


@pytest.mark.parametrize("n,increasing", [(None, False), (None, True), (2, False), (5, True),
                                          (0, False), (1, False)])
def test_vander(n, increasing):
    x = np.array([1, 2, 3, -4], "int32")
    got = ops.vander(x, N=n, increasing=increasing)
    np.testing.assert_array_equal(got.numpy(), np.vander(x, N=n, increasing=increasing))
    assert got.dtype == "int32"
    check_op(lambda t: ops.vander(t, 3), lambda a: np.vander(a, 3), [(4,)], dtype="float64")
    with pytest.raises(ValueError):
        ops.vander(np.ones((2, 2)))
    with pytest.raises(TypeError):
        ops.vander(x, N=2.0)


def test_corrcoef():
    x = np.random.default_rng(4).normal(size=(3, 6))
    check_op(ops.corrcoef, np.corrcoef, [], arrays=[x], dtype="float64")
    np.testing.assert_allclose(ops.corrcoef(x[0]).numpy(), np.corrcoef(x[0]))
    assert ops.corrcoef(np.ones((2, 3), "int32")).dtype == "float32"
    assert ops.corrcoef(np.ones((2, 3), "int64")).dtype == "float64"
    assert ops.corrcoef(np.ones((2, 3), "float16")).dtype == "float16"
