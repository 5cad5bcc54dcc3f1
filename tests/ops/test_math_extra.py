"""erfc, logdet and segment_prod against NumPy and Python's math module."""

import math

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops


def _erfc(x):
    return np.vectorize(math.erfc, otypes=[np.float64])(x).astype(np.asarray(x).dtype)


def test_erfc():
    check_op(ops.erfc, _erfc, [(3, 4)], dtype="float64")
    x = np.array([-3.0, 0.0, 0.5, 2.0, 4.0], "float32")
    np.testing.assert_allclose(ops.erfc(x).numpy(), _erfc(x), rtol=1e-5)
    assert ops.erfc(np.array([1], "int32")).dtype == "float32"
    assert ops.erfc(np.array([1.0], "float16")).dtype == "float16"


def test_logdet():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(2, 4, 4))
    spd = a @ np.swapaxes(a, -1, -2) + 4 * np.eye(4)
    np.testing.assert_allclose(ops.logdet(spd).numpy(), np.linalg.slogdet(spd)[1], rtol=1e-10)
    def spd_logdet(t):
        return ops.logdet(ops.matmul(t, ops.transpose(t)) + 3 * ops.eye(3, dtype="float64"))

    check_op(spd_logdet, lambda t: np.linalg.slogdet(t @ t.T + 3 * np.eye(3))[1], [(3, 3)],
             dtype="float64")


def _np_segment_prod(data, ids, n):
    out = np.ones((n,) + data.shape[1:], data.dtype)
    for row, s in zip(data, ids):
        if 0 <= s < n:
            out[s] *= row
    return out


@pytest.mark.parametrize("num_segments", [None, 5])
def test_segment_prod(num_segments):
    data = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 4.0], [2.0, 2.0]])
    ids = np.array([0, 2, 0, 2])
    n = 3 if num_segments is None else num_segments
    got = ops.segment_prod(data, ids, num_segments=num_segments)
    np.testing.assert_allclose(got.numpy(), _np_segment_prod(data, ids, n))
    check_op(lambda t: ops.segment_prod(t, ids, num_segments=n),
             lambda t: _np_segment_prod(t, ids, n), [], arrays=[data], dtype="float64")


def test_segment_prod_ints_and_dropped_ids():
    got = ops.segment_prod(np.array([2, 3, 4, 5]), np.array([1, -1, 1, 7]), num_segments=2)
    np.testing.assert_array_equal(got.numpy(), [1, 8])
    with pytest.raises(TypeError):
        ops.segment_prod(np.ones(2), np.array([0.0, 1.0]))
