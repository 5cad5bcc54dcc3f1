"""Normalization with zero and near-zero variance.

Keras divides by `max(sqrt(variance), epsilon)` with `epsilon = keras.config.epsilon()` (1e-7)
read at call time (keras/src/layers/preprocessing/normalization.py), so a constant feature
gives finite outputs and variances below epsilon**2 all give the same scale.
"""

import numpy as np
import pytest
from helpers import run_layer_test

import keras_like as keras
from keras_like import layers

VARIANCES = [0.0, 1e-20, 1e-14, 4e-14, 1e-10, 1.0]


def _np_std(variance, epsilon=1e-7):
    return np.maximum(np.sqrt(np.asarray(variance, np.float32)), np.float32(epsilon))


def test_given_near_zero_variances_use_the_epsilon_floor():
    x = np.array([[1.0, 2.0, -1.0, 0.5, 3.0, 2.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], "float32")
    mean = np.array([0.5, 0.0, 0.0, 0.5, -1.0, 1.0], "float32")
    std = _np_std(VARIANCES)
    # sqrt(1e-14) = 1e-7 sits exactly on the floor; sqrt(4e-14) = 2e-7 is above it.
    assert std[2] == np.float32(1e-7) and std[3] == np.float32(2e-7)
    out = run_layer_test(layers.Normalization, init_kwargs={"mean": mean.tolist(),
                                                            "variance": VARIANCES},
                         input_data=x, reference=lambda a: (a - mean) / std,
                         rtol=1e-6, atol=1e-6)
    assert np.all(np.isfinite(out.numpy()))


def test_invert_with_near_zero_variances():
    x = np.array([[1.0, 2.0, -1.0, 0.5, 3.0, 2.0]], "float32")
    mean = np.zeros(6, "float32") + 0.25
    layer = layers.Normalization(mean=mean.tolist(), variance=VARIANCES, invert=True)
    np.testing.assert_allclose(layer(x).numpy(), mean + x * _np_std(VARIANCES), rtol=1e-6)


def test_adapt_on_a_constant_feature_gives_finite_outputs():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(50, 3)).astype("float32")
    data[:, 1] = 0.1  # constant: variance exactly 0
    data[:, 2] = 5.0 + np.float32(1e-9) * rng.normal(size=50).astype("float32")  # rounds away
    layer = layers.Normalization()
    layer.adapt(data)
    variance = layer.variance.numpy().reshape(-1)
    assert variance[1] == 0.0 and variance[2] < 1e-14
    out = layer(data).numpy()
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(out[:, 1], 0.0)
    shifted = layer(data + np.float32(1e-3)).numpy()
    # The constant feature is scaled by 1 / epsilon: 1e-3 / 1e-7 = 1e4.
    np.testing.assert_allclose(shifted[:, 1], (np.float32(0.1) + np.float32(1e-3)
                                               - np.float32(0.1)) / np.float32(1e-7), rtol=1e-5)


@pytest.mark.parametrize("epsilon", [1e-3, 1e-7])
def test_the_floor_follows_keras_config_epsilon(epsilon):
    old = keras.config.epsilon()
    try:
        keras.config.set_epsilon(epsilon)
        layer = layers.Normalization(mean=[0.0, 0.0], variance=[1e-8, 4.0])
        x = np.array([[1.0, 1.0]], "float32")
        np.testing.assert_allclose(layer(x).numpy(), x / _np_std([1e-8, 4.0], epsilon),
                                   rtol=1e-6)
    finally:
        keras.config.set_epsilon(old)
