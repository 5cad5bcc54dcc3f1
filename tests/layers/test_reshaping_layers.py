"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector."""

import numpy as np
import pytest
from helpers import check_op, random_array, run_layer_test

from keras_like import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


# ---------------------------------------------------------------------------------------------
# Flatten
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (2, 3, 4, 5), (4,)])
def test_flatten_channels_last(shape):
    x = random_array(shape)
    run_layer_test(layers.Flatten, input_data=x, reference=lambda a: a.reshape(len(a), -1),
                   expected_output_shape=(shape[0], int(np.prod(shape[1:]))))


@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 3, 4, 5)])
def test_flatten_channels_first_moves_channels_last(shape):
    x = random_array(shape)
    run_layer_test(layers.Flatten, init_kwargs={"data_format": "channels_first"}, input_data=x,
                   reference=lambda a: np.moveaxis(a, 1, -1).reshape(len(a), -1))


def test_flatten_symbolic_and_output_shape():
    assert layers.Flatten()(layers.Input(shape=(10, 64))).shape == (None, 640)
    assert layers.Flatten().compute_output_shape((None, 3, None)) == (None, None)
    assert layers.Flatten().compute_output_shape((5,)) == (5, 1)


def test_flatten_gradient_and_config():
    check_op(layers.Flatten(data_format="channels_first", dtype="float64"),
             lambda a: np.moveaxis(a, 1, -1).reshape(2, -1), [(2, 3, 2, 2)], dtype="float64")
    config = layers.Flatten(name="flatten").get_config()
    assert config == {"name": "flatten", "trainable": True,
                      "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                "config": {"name": "float32"}, "registered_name": None},
                      "data_format": "channels_last"}
    with pytest.raises(ValueError, match="data_format"):
        layers.Flatten(data_format="nchw")


# ---------------------------------------------------------------------------------------------
# Reshape
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("in_shape,target", [((4, 12), (3, 4)), ((4, 12), (-1, 2, 2)),
                                             ((2, 3, 4), (-1,)), ((2, 6), (2, -1, 1)),
                                             ((3, 2, 2), (4,))])
def test_reshape_values_and_contract(in_shape, target):
    x = random_array(in_shape)
    run_layer_test(layers.Reshape, init_kwargs={"target_shape": target}, input_data=x,
                   reference=lambda a: a.reshape(len(a), *target),
                   expected_output_shape=x.reshape(in_shape[0], *target).shape)


def test_reshape_symbolic_shapes():
    x = layers.Input(shape=(12,))
    assert layers.Reshape((3, 4))(x).shape == (None, 3, 4)
    assert layers.Reshape((-1, 2, 2))(x).shape == (None, 3, 2, 2)
    assert layers.Reshape((-1, 4)).compute_output_shape((None, None, 2)) == (None, None, 4)
    assert layers.Reshape((3, -1)).compute_output_shape((7, 6)) == (7, 3, 2)


def test_reshape_gradient_and_config():
    check_op(layers.Reshape((3, -1), dtype="float64"), lambda a: a.reshape(2, 3, 2), [(2, 6)],
             dtype="float64")
    config = layers.Reshape([2, -1]).get_config()
    assert config["target_shape"] == (2, -1)
    assert set(config) == {"name", "trainable", "dtype", "target_shape"}


def test_reshape_errors():
    with pytest.raises(ValueError, match="must not contain more than one `-1` value"):
        layers.Reshape((-1, -1))
    with pytest.raises(ValueError, match="non-negative integers"):
        layers.Reshape((2, -3))
    with pytest.raises(ValueError, match=r"total size of the tensor must be unchanged. "
                                         r"Received: input_shape=\(12,\), target_shape=\(5,\)"):
        layers.Reshape((5,))(ops.ones((2, 12)))
    with pytest.raises(ValueError, match="total size of the tensor must be unchanged"):
        layers.Reshape((5, -1))(ops.ones((2, 12)))


# ---------------------------------------------------------------------------------------------
# Permute
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dims", [(2, 1), (1, 2), (3, 1, 2)])
def test_permute(dims):
    shape = (2, 3, 4) if len(dims) == 2 else (2, 3, 4, 5)
    x = random_array(shape)
    run_layer_test(layers.Permute, init_kwargs={"dims": dims}, input_data=x,
                   reference=lambda a: np.transpose(a, (0, *dims)),
                   expected_output_shape=np.transpose(x, (0, *dims)).shape)


def test_permute_symbolic_gradient_config_errors():
    assert layers.Permute((2, 1))(layers.Input(shape=(10, 64))).shape == (None, 64, 10)
    check_op(layers.Permute((2, 3, 1), dtype="float64"),
             lambda a: np.transpose(a, (0, 2, 3, 1)), [(2, 3, 2, 2)], dtype="float64")
    assert layers.Permute([2, 1]).get_config()["dims"] == (2, 1)
    with pytest.raises(ValueError, match=r"must be consecutive and start from 1. "
                                         r"Received dims=\(0, 1\)"):
        layers.Permute((0, 1))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        layers.Permute((2, 1))(ops.ones((2, 3)))


# ---------------------------------------------------------------------------------------------
# RepeatVector
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_repeat_vector(n):
    x = random_array((2, 5))
    run_layer_test(layers.RepeatVector, init_kwargs={"n": n}, input_data=x,
                   reference=lambda a: np.repeat(a[:, None, :], n, axis=1),
                   expected_output_shape=(2, n, 5))


def test_repeat_vector_symbolic_gradient_config_errors():
    assert layers.RepeatVector(3)(layers.Input(shape=(32,))).shape == (None, 3, 32)
    check_op(layers.RepeatVector(4, dtype="float64"),
             lambda a: np.repeat(a[:, None, :], 4, axis=1), [(2, 3)], dtype="float64")
    assert layers.RepeatVector(np.int64(2)).get_config()["n"] == 2
    with pytest.raises(TypeError, match="Expected an integer value for `n`"):
        layers.RepeatVector(2.5)
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=3"):
        layers.RepeatVector(2)(ops.ones((2, 3, 4)))


def test_flatten_loads_keras_config():
    # Written by Keras 3.15.1 (shared fixtures, layer_catalog.json).
    config = {"module": "keras.layers", "class_name": "Flatten",
              "config": {"name": "flatten", "trainable": True,
                         "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                   "config": {"name": "float32"}, "registered_name": None},
                         "data_format": "channels_last"},
              "registered_name": None, "build_config": {"input_shape": [None, 7, 7, 8]}}
    from keras_like.saving import deserialize_keras_object

    layer = deserialize_keras_object(config)
    assert isinstance(layer, layers.Flatten)
    assert layer.get_config() == config["config"]
    assert layer(ops.ones((2, 7, 7, 8))).shape == (2, 392)
