"""to_categorical and normalize against NumPy."""

import numpy as np
import pytest

from keras_like import ops, utils


@pytest.mark.parametrize("shape", [(6,), (6, 1), (2, 3), (2, 3, 1)])
def test_to_categorical_matches_eye(shape):
    x = np.random.default_rng(0).integers(0, 5, size=shape)
    got = utils.to_categorical(x, num_classes=5)
    squeezed = x[..., 0] if len(shape) > 1 and shape[-1] == 1 else x
    np.testing.assert_array_equal(got, np.eye(5)[squeezed])
    assert got.shape == squeezed.shape + (5,)
    assert got.dtype == np.float64


def test_to_categorical_infers_num_classes_and_takes_lists():
    got = utils.to_categorical([0, 2, 1])
    np.testing.assert_array_equal(got, np.eye(3)[[0, 2, 1]])


def test_to_categorical_tensor_input_gives_tensor():
    got = utils.to_categorical(ops.convert_to_tensor([1, 0, 3]), 4)
    assert ops.is_tensor(got)
    np.testing.assert_array_equal(ops.convert_to_numpy(got), np.eye(4)[[1, 0, 3]])


def test_to_categorical_label_out_of_range():
    with pytest.raises(IndexError, match="out of bounds"):
        utils.to_categorical([0, 3], num_classes=3)


@pytest.mark.parametrize("axis,order", [(-1, 2), (1, 1), (0, 2), (-2, 3)])
def test_normalize_numpy(axis, order):
    x = np.random.default_rng(1).normal(size=(4, 3))
    x[1] = 0.0  # a zero row stays zero instead of dividing by zero
    got = utils.normalize(x, axis=axis, order=order)
    norm = np.linalg.norm(x, order, axis, keepdims=True)
    expected = x / np.where(norm == 0, 1, norm)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert isinstance(got, np.ndarray)


def test_normalize_tensor_input_gives_tensor():
    x = np.random.default_rng(2).normal(size=(3, 5)).astype("float32")
    got = utils.normalize(ops.convert_to_tensor(x))
    assert ops.is_tensor(got)
    np.testing.assert_allclose(
        ops.convert_to_numpy(got), x / np.linalg.norm(x, axis=-1, keepdims=True), rtol=1e-5)
