"""`Input` and `InputLayer` refuse shapes Keras refuses, with Keras's messages."""

import re

import pytest

import keras_like as keras


@pytest.mark.parametrize("kwargs, shape", [
    ({"shape": (-3,)}, "(-3,)"),
    ({"shape": (4, -1)}, "(4, -1)"),
    ({"batch_shape": (None, 2, -5)}, "(None, 2, -5)"),
])
def test_negative_dimensions_are_refused(kwargs, shape):
    with pytest.raises(ValueError, match=rf"Cannot convert '{re.escape(shape)}' to a shape\. "
                                         r"Negative dimensions are not allowed\."):
        keras.Input(**kwargs)


@pytest.mark.parametrize("entry", [2.5, "3"])
def test_non_integer_dimensions_are_refused(entry):
    with pytest.raises(ValueError, match=f"Found invalid entry '{entry}' of type"):
        keras.layers.InputLayer(shape=(entry,))


def test_valid_shapes_are_kept():
    assert keras.Input(shape=(None, 3)).shape == (None, None, 3)
    assert keras.Input(shape=[0, 2], batch_size=4).shape == (4, 0, 2)
    assert keras.Input(batch_shape=(None, 5)).shape == (None, 5)
