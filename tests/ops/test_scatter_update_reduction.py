"""scatter_update(reduction=...) against NumPy's ufunc.at."""

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops

_AT = {None: None, "add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}


def _np_scatter(x, indices, updates, reduction):
    out = np.array(x, copy=True)
    idx = tuple(np.transpose(np.asarray(indices)))
    if reduction is None:
        out[idx] = updates
    else:
        _AT[reduction].at(out, idx, updates)
    return out


@pytest.mark.parametrize("reduction", ["add", "max", "min", "mul"])
def test_reductions_with_repeated_indices(reduction):
    x = np.arange(1.0, 13.0).reshape(3, 4)
    indices = [[0, 1], [0, 1], [2, 3], [1, 0]]
    updates = np.array([2.0, 30.0, -1.0, 0.5])
    got = ops.scatter_update(x, indices, updates, reduction=reduction)
    np.testing.assert_allclose(got.numpy(), _np_scatter(x, indices, updates, reduction))


@pytest.mark.parametrize("reduction", ["add", "mul"])
def test_slice_updates_and_gradients(reduction):
    indices = [[1], [1], [0]]
    check_op(lambda x, u: ops.scatter_update(x, indices, u, reduction=reduction),
             lambda x, u: _np_scatter(x, indices, u, reduction), [(3, 2), (3, 2)],
             dtype="float64")


def test_reduction_names_and_default():
    x = np.zeros(4)
    np.testing.assert_array_equal(
        ops.scatter_update(x, [[0], [2]], np.array([1.0, 2.0]), reduction="ADD").numpy(),
        [1.0, 0.0, 2.0, 0.0])
    np.testing.assert_array_equal(
        ops.scatter_update(x, [[3]], np.array([5.0])).numpy(), [0.0, 0.0, 0.0, 5.0])
    with pytest.raises(ValueError, match="Invalid reduction"):
        ops.scatter_update(x, [[0]], np.array([1.0]), reduction="avg")
