"""Regularization layers: Dropout, GaussianNoise, GaussianDropout, AlphaDropout,
SpatialDropout1D/2D/3D, ActivityRegularization."""

import math

import numpy as np
import pytest
from helpers import random_array, run_layer_test

import keras_like as keras
from keras_like import layers, ops

# Why run_layer_test compares training-mode outputs of the dropout layers with no reference.
RANDOM_MASK = "drops a random subset in training; rates and scaling checked separately"
N = 200_000  # samples for rate statistics: 5 standard errors of a proportion are < 0.006


def _np(x):
    return ops.convert_to_numpy(x)


def _sigma_bound(p, n, k=5.0):
    return k * math.sqrt(p * (1 - p) / n)


# ---------------------------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [{"rate": 0.5}, {"rate": 0.0},
                                    {"rate": 0.3, "noise_shape": (None, 1), "seed": 3}])
def test_dropout_contract(kwargs):
    x = random_array((4, 5))
    # Inference (no `training`): the inputs come back unchanged; so does training at rate 0.
    run_layer_test(layers.Dropout, init_kwargs=kwargs, input_data=x, reference=lambda a: a,
                   random_in_training=RANDOM_MASK if kwargs["rate"] else None,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   supports_masking=True)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_training_statistics_and_scaling(rate):
    x = random_array((N,), low=1.0, high=2.0)
    layer = layers.Dropout(rate, seed=11)
    y = _np(layer(x, training=True))
    dropped = y == 0
    assert abs(dropped.mean() - rate) < _sigma_bound(rate, N)
    np.testing.assert_allclose(y[~dropped], x[~dropped] / (1 - rate), rtol=1e-6)
    for training in (False, None):
        np.testing.assert_array_equal(_np(layer(x, training=training)), x)


def test_dropout_seed_determinism():
    x = random_array((50, 40))
    a = _np(layers.Dropout(0.5, seed=42)(x, training=True))
    b = _np(layers.Dropout(0.5, seed=42)(x, training=True))
    np.testing.assert_array_equal(a, b)
    layer = layers.Dropout(0.5, seed=42)
    first, second = _np(layer(x, training=True)), _np(layer(x, training=True))
    np.testing.assert_array_equal(first, a)
    assert not np.array_equal(first == 0, second == 0)  # a new mask on every call
    c = _np(layers.Dropout(0.5, seed=43)(x, training=True))
    assert not np.array_equal(a == 0, c == 0)


def test_dropout_reproducible_after_set_random_seed():
    x = random_array((20, 20))
    keras.utils.set_random_seed(123)
    a = _np(layers.Dropout(0.5)(x, training=True))
    keras.utils.set_random_seed(123)
    b = _np(layers.Dropout(0.5)(x, training=True))
    np.testing.assert_array_equal(a, b)


def test_dropout_noise_shape_broadcasts():
    x = random_array((8, 6, 5), low=1.0, high=2.0)
    y = _np(layers.Dropout(0.5, noise_shape=(None, 1, 5), seed=1)(x, training=True))
    kept = y != 0
    # The same features are dropped at every timestep.
    np.testing.assert_array_equal(kept, np.broadcast_to(kept[:, :1, :], kept.shape))
    assert 0 < kept.mean() < 1


def test_dropout_gradient_flows_through_kept_entries():
    x = ops.convert_to_tensor(random_array((10, 10), low=1.0, high=2.0))
    layer = layers.Dropout(0.4, seed=5)
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        loss = ops.sum(y)
    (grad,) = tape.gradient(loss, [x])
    np.testing.assert_allclose(_np(grad), np.where(_np(y) != 0, 1 / 0.6, 0.0), rtol=1e-6)


def test_dropout_only_active_in_fit():
    inp = layers.Input(shape=(1000,))
    model = keras.Model(inp, layers.Dropout(0.5, seed=0)(inp))
    x = np.ones((2, 1000), dtype="float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    np.testing.assert_array_equal(_np(model(x)), x)
    y = _np(model(x, training=True))
    assert 0.4 < (y == 0).mean() < 0.6
    assert set(np.unique(y)) == {0.0, 2.0}


@pytest.mark.parametrize("rate", [1.5, -0.1, 1.0, "0.5", None])
def test_dropout_rate_errors(rate):
    with pytest.raises(ValueError, match=r"Invalid value for argument `rate`. Expected a float "
                                         r"in \[0, 1\). Received: rate="):
        layers.Dropout(rate)


def test_dropout_noise_shape_errors_and_config():
    with pytest.raises(ValueError, match="Expected a tuple or list of integers"):
        layers.Dropout(0.5, noise_shape="abc")
    with pytest.raises(ValueError, match="Expected an iterable"):
        layers.Dropout(0.5, noise_shape=3)
    with pytest.raises(ValueError, match="Received element at index 1: 2.5"):
        layers.Dropout(0.5, noise_shape=(None, 2.5))
    with pytest.raises(ValueError, match="Received negative or zero value at index 0: 0"):
        layers.Dropout(0.5, noise_shape=[0, 1])
    config = layers.Dropout(0.5, noise_shape=[None, 1], seed=3, name="dropout").get_config()
    assert config == {"name": "dropout", "trainable": True,
                      "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                "config": {"name": "float32"}, "registered_name": None},
                      "rate": 0.5, "seed": 3, "noise_shape": (None, 1)}


# ---------------------------------------------------------------------------------------------
# GaussianNoise / GaussianDropout
# ---------------------------------------------------------------------------------------------


def test_gaussian_noise():
    x = random_array((N,))
    run_layer_test(layers.GaussianNoise, init_kwargs={"stddev": 0.5, "seed": 1},
                   input_data=x[:12].reshape(3, 4), reference=lambda a: a,
                   random_in_training="adds N(0, stddev) noise; statistics checked below",
                   supports_masking=True)
    layer = layers.GaussianNoise(0.5, seed=7)
    noise = _np(layer(x, training=True)) - x
    assert abs(noise.mean()) < 5 * 0.5 / math.sqrt(N)
    assert abs(noise.std() - 0.5) < 0.01
    np.testing.assert_array_equal(_np(layer(x)), x)
    again = _np(layers.GaussianNoise(0.5, seed=7)(x, training=True)) - x
    np.testing.assert_allclose(again, noise, atol=1e-6)
    assert layers.GaussianNoise(0.5).get_config()["stddev"] == 0.5
    np.testing.assert_array_equal(_np(layers.GaussianNoise(0.0)(x, training=True)), x)
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=f"Received: stddev={bad}"):
            layers.GaussianNoise(bad)


def test_gaussian_dropout():
    x = random_array((N,), low=0.5, high=1.5)
    run_layer_test(layers.GaussianDropout, init_kwargs={"rate": 0.3, "seed": 5},
                   input_data=x[:12].reshape(3, 4), reference=lambda a: a,
                   random_in_training="multiplies by N(1, rate / (1 - rate)) noise; statistics "
                                      "checked below",
                   supports_masking=True)
    rate = 0.3
    factor = _np(layers.GaussianDropout(rate, seed=3)(x, training=True)) / x
    assert abs(factor.mean() - 1.0) < 0.01
    assert abs(factor.std() - math.sqrt(rate / (1 - rate))) < 0.01
    again = _np(layers.GaussianDropout(rate, seed=3)(x, training=True)) / x
    np.testing.assert_allclose(again, factor, rtol=1e-6)
    config = layers.GaussianDropout(0.3, seed=3).get_config()
    assert {config["rate"], config["seed"]} == {0.3, 3}
    with pytest.raises(ValueError, match="Received: rate=1.5"):
        layers.GaussianDropout(1.5)


# ---------------------------------------------------------------------------------------------
# AlphaDropout
# ---------------------------------------------------------------------------------------------


def test_alpha_dropout():
    rate = 0.2
    x = random_array((3, 4))
    run_layer_test(layers.AlphaDropout, init_kwargs={"rate": rate, "seed": 2}, input_data=x,
                   reference=lambda a: a, random_in_training=RANDOM_MASK, supports_masking=True)
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    b = -a * alpha_p * rate
    z = np.random.default_rng(0).normal(size=N).astype("float32")
    y = _np(layers.AlphaDropout(rate, seed=4)(z, training=True))
    dropped = np.isclose(y, a * alpha_p + b, atol=1e-6)
    assert abs(dropped.mean() - rate) < _sigma_bound(rate, N)
    np.testing.assert_allclose(y[~dropped], a * z[~dropped] + b, rtol=1e-5, atol=1e-6)
    # The point of alpha dropout: standard-normal inputs keep mean 0 and variance 1.
    assert abs(y.mean()) < 0.02 and abs(y.var() - 1.0) < 0.03
    y2 = _np(layers.AlphaDropout(rate, seed=4)(z, training=True))
    np.testing.assert_array_equal(y, y2)
    xs = random_array((6, 5, 4))
    y3 = _np(layers.AlphaDropout(0.5, noise_shape=(None, 1, 4), seed=2)(xs, training=True))
    a5 = (0.5 * (1 + 0.5 * alpha_p**2)) ** -0.5
    dropped = np.isclose(y3, a5 * alpha_p - a5 * alpha_p * 0.5, atol=1e-6)
    np.testing.assert_array_equal(dropped, np.broadcast_to(dropped[:, :1], dropped.shape))
    with pytest.raises(ValueError, match="Received: rate=-1"):
        layers.AlphaDropout(-1)
    assert set(layers.AlphaDropout(0.1).get_config()) == {"name", "trainable", "dtype", "rate",
                                                           "seed", "noise_shape"}


# ---------------------------------------------------------------------------------------------
# SpatialDropout
# ---------------------------------------------------------------------------------------------

SPATIAL = [(layers.SpatialDropout1D, (6, 7, 5), None, (1,)),
           (layers.SpatialDropout2D, (6, 3, 4, 5), "channels_last", (1, 2)),
           (layers.SpatialDropout2D, (6, 5, 3, 4), "channels_first", (2, 3)),
           (layers.SpatialDropout3D, (6, 2, 3, 2, 5), "channels_last", (1, 2, 3)),
           (layers.SpatialDropout3D, (6, 5, 2, 3, 2), "channels_first", (2, 3, 4))]


@pytest.mark.parametrize("cls,shape,data_format,spatial", SPATIAL,
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_spatial_dropout(cls, shape, data_format, spatial):
    kwargs = {"rate": 0.5} if data_format is None else {"rate": 0.5, "data_format": data_format}
    x = random_array(shape, low=1.0, high=2.0)
    run_layer_test(cls, init_kwargs={**kwargs, "seed": 4}, input_data=x, reference=lambda a: a,
                   random_in_training=RANDOM_MASK)
    y = _np(cls(seed=9, **kwargs)(x, training=True))
    kept = y != 0
    first = kept[tuple(slice(0, 1) if i in spatial else slice(None) for i in range(len(shape)))]
    np.testing.assert_array_equal(kept, np.broadcast_to(first, kept.shape))
    assert 0 < kept.mean() < 1
    np.testing.assert_allclose(y[kept], x[kept] * 2.0, rtol=1e-6)


def test_spatial_dropout_config_like_keras_and_input_rank():
    config = layers.SpatialDropout1D(0.2, seed=1, name="sd").get_config()
    assert config == {"rate": 0.2, "seed": 1, "name": "sd", "dtype": "float32"}
    config = layers.SpatialDropout2D(0.2, data_format="channels_first").get_config()
    assert set(config) == {"rate", "seed", "name", "dtype", "data_format"}
    assert layers.SpatialDropout3D.from_config(config).data_format == "channels_first"
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        layers.SpatialDropout1D(0.5)(ops.ones((2, 3)))
    with pytest.raises(ValueError, match="data_format"):
        layers.SpatialDropout2D(0.5, data_format="channels_middle")


# ---------------------------------------------------------------------------------------------
# ActivityRegularization
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("l1,l2", [(0.1, 0.0), (0.0, 0.2), (0.05, 0.01)])
def test_activity_regularization(l1, l2):
    x = random_array((3, 4))
    run_layer_test(layers.ActivityRegularization, init_kwargs={"l1": l1, "l2": l2},
                   input_data=x, reference=lambda a: a, supports_masking=True)
    layer = layers.ActivityRegularization(l1=l1, l2=l2)
    layer(x)
    assert len(layer.losses) == 1
    # Keras 3.15 divides activity penalties by the batch size (3 here).
    expected = (l1 * np.abs(x).sum() + l2 * (x.astype("float64") ** 2).sum()) / 3
    np.testing.assert_allclose(float(_np(layer.losses[0])), expected, rtol=1e-5)
    config = layer.get_config()
    assert set(config) == {"name", "trainable", "dtype", "l1", "l2"}
    assert (config["l1"], config["l2"]) == (l1, l2)


def test_activity_regularization_adds_to_model_loss():
    inp = layers.Input(shape=(3,))
    model = keras.Model(inp, layers.ActivityRegularization(l2=0.5)(inp))
    x = random_array((2, 3))
    model(x)
    np.testing.assert_allclose(float(_np(model.losses[0])), 0.5 * (x**2).sum() / 2, rtol=1e-5)


def test_dropout_loads_keras_config():
    # Written by Keras 3.15.1 (shared fixtures, layer_catalog.json).
    config = {"module": "keras.layers", "class_name": "Dropout",
              "config": {"name": "dropout", "trainable": True,
                         "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                   "config": {"name": "float32"}, "registered_name": None},
                         "rate": 0.5, "seed": None, "noise_shape": None},
              "registered_name": None, "build_config": {"input_shape": [None, 8]}}
    layer = keras.saving.deserialize_keras_object(config)
    assert isinstance(layer, layers.Dropout) and layer.rate == 0.5
    assert layer.get_config() == config["config"]
    assert layer.get_build_config() == {"input_shape": [None, 8]}


@pytest.mark.parametrize("cls,kwargs", [(layers.Dropout, {"rate": 0.5}),
                                        (layers.GaussianNoise, {"stddev": 0.5}),
                                        (layers.GaussianDropout, {"rate": 0.5}),
                                        (layers.AlphaDropout, {"rate": 0.5})])
def test_noise_layers_mixed_precision_and_symbolic_training(cls, kwargs):
    x = random_array((4, 6))
    assert cls(dtype="mixed_float16", **kwargs)(x, training=True).dtype == "float16"
    inp = layers.Input(shape=(6,))
    model = keras.Model(inp, cls(seed=1, **kwargs)(inp, training=True))
    y = _np(model(x))
    assert y.shape == x.shape and not np.allclose(y, x)
