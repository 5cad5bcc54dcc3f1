"""The bundled UCI digits."""

import os

import numpy as np
import pytest

from keras_like.datasets import digits


def test_shapes_dtypes_and_labels():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1437, 8, 8) and x_test.shape == (360, 8, 8)  # int(1797 * 0.8)
    assert y_train.shape == (1437,) and y_test.shape == (360,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8
    assert x_train.max() <= 16
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))


def test_split_is_a_seeded_permutation_of_the_bundled_file():
    with np.load(digits._PATH) as f:
        x, y = f["x"], f["y"]
    order = np.arange(len(x))
    np.random.RandomState(5).shuffle(order)
    (x_train, y_train), (x_test, y_test) = digits.load_data(test_split=0.5, seed=5)
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), x[order])
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), y[order])
    assert len(x_train) == 898
    (x_again, _), _ = digits.load_data(test_split=0.5, seed=5)
    np.testing.assert_array_equal(x_again, x_train)


def test_bundled_inside_the_package_with_provenance():
    data_dir = os.path.dirname(digits._PATH)
    assert os.path.dirname(data_dir) == os.path.dirname(digits.__file__)
    readme = open(os.path.join(data_dir, "README.md")).read()
    assert "Alpaydin" in readme and "CC BY 4.0" in readme


def test_bad_test_split():
    with pytest.raises(ValueError, match="Expected a float in \\[0, 1\\)"):
        digits.load_data(test_split=-0.1)
