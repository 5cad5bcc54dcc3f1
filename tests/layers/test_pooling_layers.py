"""MaxPooling1D/2D/3D and AveragePooling1D/2D/3D through run_layer_test, against the
sliding-window NumPy reference."""

import numpy as np
import pytest
from conv_reference import np_pool
from helpers import run_layer_test

from keras_like import layers


def _tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def _pool_reference(rank, kind, kwargs, default_pool):
    pool = _tuple(kwargs.get("pool_size", default_pool), rank)
    strides = pool if kwargs.get("strides") is None else _tuple(kwargs["strides"], rank)
    first = kwargs.get("data_format") == "channels_first"

    def reference(x):
        x = np.moveaxis(x, 1, -1) if first else x
        y = np_pool(x, pool, strides, kwargs.get("padding", "valid").lower(), kind)
        return np.moveaxis(y, -1, 1) if first else y

    return reference


CASES = [
    (1, (2, 9, 3), dict(), (2, 4, 3)),
    (1, (2, 9, 3), dict(pool_size=3, strides=2, padding="same"), (2, 5, 3)),
    (1, (2, 3, 8), dict(pool_size=2, data_format="channels_first"), (2, 3, 4)),
    (2, (2, 6, 7, 3), dict(), (2, 3, 3, 3)),
    (2, (2, 7, 7, 2), dict(pool_size=3, strides=1, padding="same"), (2, 7, 7, 2)),
    (2, (1, 7, 6, 2), dict(pool_size=(3, 2), strides=(2, 1), padding="same"), (1, 4, 6, 2)),
    (2, (2, 2, 5, 6), dict(pool_size=2, padding="same", data_format="channels_first"),
     (2, 2, 3, 3)),
    (3, (1, 4, 5, 4, 2), dict(), (1, 2, 2, 2, 2)),
    (3, (1, 2, 5, 4, 3), dict(pool_size=(2, 3, 2), strides=1, padding="same",
                              data_format="channels_first"), (1, 2, 5, 4, 3)),
]


@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("rank,input_shape,kwargs,output_shape", CASES)
def test_pooling_layer_contract(kind, rank, input_shape, kwargs, output_shape):
    cls = getattr(layers, f"{'Max' if kind == 'max' else 'Average'}Pooling{rank}D")
    run_layer_test(cls, init_kwargs=kwargs, input_shape=input_shape,
                   reference=_pool_reference(rank, kind, kwargs, 2),
                   expected_output_shape=output_shape, expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0, atol=1e-6, rtol=1e-6)


def test_pooling_defaults_and_config():
    layer = layers.MaxPooling2D(name="max_pooling2d")
    assert layer.get_config() == {
        "name": "max_pooling2d", "trainable": True, "dtype": layer.get_config()["dtype"],
        "pool_size": (2, 2), "padding": "valid", "strides": (2, 2),
        "data_format": "channels_last"}
    assert layers.AveragePooling1D(3).strides == (3,)
    assert layers.AveragePooling2D(padding="SAME").get_config()["padding"] == "same"
    assert layers.MaxPooling3D(strides=1).get_config()["strides"] == (1, 1, 1)


def test_pooling_compute_output_shape_and_symbolic():
    assert layers.MaxPooling2D(3, 2, "same").compute_output_shape((None, 7, 8, 3)) == \
        (None, 4, 4, 3)
    x = layers.Input((9, 9, 4))
    assert tuple(layers.AveragePooling2D(3)(x).shape) == (None, 3, 3, 4)


@pytest.mark.parametrize("kwargs,match", [
    (dict(pool_size=0), "pool_size"), (dict(pool_size=(2, 2, 2)), "pool_size"),
    (dict(strides=0), "strides"), (dict(padding="causal"), "padding"),
    (dict(data_format="nchw"), "data_format"), (dict(pool_size=2.5), "pool_size"),
])
def test_pooling_bad_arguments(kwargs, match):
    for cls in (layers.MaxPooling2D, layers.AveragePooling2D):
        with pytest.raises(ValueError, match=match):
            cls(**kwargs)


def test_pooling_rejects_wrong_rank():
    with pytest.raises(ValueError):
        layers.MaxPooling2D()(np.ones((1, 4, 4), "float32"))
