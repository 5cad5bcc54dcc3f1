"""split_dataset on NumPy arrays, tuples and lists, with Keras's size rules and errors."""

import random

import numpy as np
import pytest

from keras_like import utils


def test_array_fraction_split():
    data = np.arange(40).reshape(10, 4)
    left, right = utils.split_dataset(data, left_size=0.8)
    np.testing.assert_array_equal(left, data[:8])
    np.testing.assert_array_equal(right, data[8:])


def test_int_sizes_and_complement():
    data = np.arange(10)
    left, right = utils.split_dataset(data, right_size=3)
    np.testing.assert_array_equal(left, data[:7])
    np.testing.assert_array_equal(right, data[7:])
    # Both given and smaller than the whole: the middle samples are dropped.
    left, right = utils.split_dataset(data, left_size=2, right_size=3)
    np.testing.assert_array_equal(left, data[:2])
    np.testing.assert_array_equal(right, data[7:])


@pytest.mark.parametrize("container", [tuple, list])
def test_tuple_and_list_give_tuples_of_arrays(container):
    x = np.arange(12).reshape(6, 2).astype("float32")
    y = np.arange(6)
    left, right = utils.split_dataset(container([x, y]), left_size=0.5)
    assert isinstance(left, tuple) and isinstance(right, tuple)
    np.testing.assert_array_equal(left[0], x[:3])
    np.testing.assert_array_equal(right[1], y[3:])
    assert left[0].dtype == np.float32


def test_shuffle_uses_keras_permutation():
    x, y = np.arange(20), np.arange(20) * 10
    left, right = utils.split_dataset((x, y), left_size=15, shuffle=True, seed=7)
    order = list(range(20))
    random.seed(7)
    random.shuffle(order)  # what Keras does to its list of samples
    np.testing.assert_array_equal(left[0], x[order[:15]])
    np.testing.assert_array_equal(right[0], x[order[15:]])
    np.testing.assert_array_equal(left[1], left[0] * 10)


def test_shuffle_keeps_global_random_state():
    random.seed(3)
    expected = random.random()
    random.seed(3)
    utils.split_dataset(np.arange(10), left_size=0.5, shuffle=True, seed=1)
    assert random.random() == expected


@pytest.mark.parametrize("kwargs,error,match", [
    ({}, ValueError, "At least one of the `left_size` or `right_size`"),
    ({"left_size": 0, "right_size": 0}, ValueError, "Both `left_size` and `right_size` are zero"),
    ({"left_size": 10}, ValueError, "`left_size` should be either a positive integer smaller"),
    ({"left_size": 1.5}, ValueError, "`left_size` should be either"),
    ({"right_size": -1}, ValueError, "`right_size` should be either"),
    ({"left_size": 0.6, "right_size": 0.6}, ValueError, "is greater than 1"),
    ({"left_size": 6, "right_size": 6}, ValueError, "should be smaller than the 10"),
    ({"left_size": "a"}, TypeError, "Invalid `left_size` Type"),
    ({"left_size": "a", "right_size": "b"}, TypeError, "Invalid `left_size` and `right_size`"),
    ({"left_size": 0.01}, ValueError, "Resulting left side dataset split will be empty"),
])
def test_size_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        utils.split_dataset(np.arange(10), **kwargs)


def test_dataset_errors():
    with pytest.raises(TypeError, match="The `dataset` argument must be"):
        utils.split_dataset({"x": np.arange(4)}, left_size=0.5)
    with pytest.raises(ValueError, match="Received an empty tuple dataset"):
        utils.split_dataset((), left_size=0.5)
    with pytest.raises(ValueError, match="Received an empty dataset"):
        utils.split_dataset(np.zeros((0, 3)), left_size=0.5)
    with pytest.raises(ValueError, match="Expected a list of `numpy.ndarray` objects"):
        utils.split_dataset([np.arange(4), [1, 2, 3, 4]], left_size=0.5)
    with pytest.raises(ValueError, match="NumPy arrays with different lengths"):
        utils.split_dataset((np.arange(4), np.arange(5)), left_size=0.5)
