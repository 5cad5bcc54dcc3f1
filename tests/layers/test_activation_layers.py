"""Activation layers: Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax."""

import math

import numpy as np
import pytest
from helpers import check_op, random_array, run_layer_test

import keras_like as keras
from keras_like import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


def _np_relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    y = np.where(x >= threshold, x, negative_slope * (x - threshold))
    if max_value is not None:
        y = np.minimum(y, max_value)
    return y


def _np_softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_gelu(x):
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / np.sqrt(2.0)))


def _avoid_kinks(x, points):
    """Moves entries away from non-differentiable points (finite differences need that)."""
    x = np.array(x)
    for p in points:
        close = np.abs(x - p) < 0.05
        x[close] = p + 0.1
    return x


# ---------------------------------------------------------------------------------------------
# Activation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,np_fn", [("relu", lambda x: np.maximum(x, 0)),
                                         ("tanh", np.tanh), ("gelu", _np_gelu),
                                         ("linear", lambda x: x)])
def test_activation_values_and_contract(name, np_fn):
    x = random_array((3, 4))
    run_layer_test(layers.Activation, init_kwargs={"activation": name}, input_data=x,
                   reference=np_fn, supports_masking=True, atol=1e-6, rtol=1e-5)


def test_activation_with_callable_and_config_like_keras():
    layer = layers.Activation(keras.activations.sigmoid)
    x = random_array((2, 3))
    np.testing.assert_allclose(_np(layer(x)), 1 / (1 + np.exp(-x)), rtol=1e-6)
    config = layers.Activation("gelu", name="activation").get_config()
    assert config == {"name": "activation", "trainable": True,
                      "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                "config": {"name": "float32"}, "registered_name": None},
                      "activation": "gelu"}
    assert layers.Activation.from_config(config).activation is keras.activations.gelu


def test_activation_gradient_float64():
    check_op(layers.Activation("tanh", dtype="float64"), np.tanh, [(3, 4)], dtype="float64")


def test_activation_keeps_mask():
    x = ops.ones((2, 3))
    x._keras_mask = ops.convert_to_tensor(np.array([[True, False, True], [True, True, False]]))
    y = layers.Activation("relu")(x)
    np.testing.assert_array_equal(_np(y._keras_mask), _np(x._keras_mask))


# ---------------------------------------------------------------------------------------------
# ReLU / LeakyReLU / ELU
# ---------------------------------------------------------------------------------------------

RELU_CASES = [{}, {"max_value": 0.5}, {"negative_slope": 0.2},
              {"threshold": 0.3}, {"max_value": 1.0, "negative_slope": 0.1, "threshold": 0.2}]


@pytest.mark.parametrize("kwargs", RELU_CASES, ids=str)
def test_relu_values_and_contract(kwargs):
    x = random_array((4, 5), low=-2.0, high=2.0)
    run_layer_test(layers.ReLU, init_kwargs=kwargs, input_data=x,
                   reference=lambda a: _np_relu(a, **kwargs), supports_masking=True)


@pytest.mark.parametrize("kwargs", RELU_CASES, ids=str)
def test_relu_gradient_float64(kwargs):
    kinks = [kwargs.get("threshold", 0.0)] + ([kwargs["max_value"]] if "max_value" in kwargs
                                               else [])
    x = _avoid_kinks(random_array((3, 4), "float64"), kinks)
    check_op(layers.ReLU(dtype="float64", **kwargs), lambda a: _np_relu(a, **kwargs), [],
             arrays=[x], dtype="float64")


def test_relu_docstring_example_and_config():
    layer = layers.ReLU(max_value=10, negative_slope=0.5, threshold=0)
    y = layer(np.array([-10.0, -5.0, 0.0, 5.0, 10.0], dtype="float32"))
    np.testing.assert_allclose(_np(y), [-5.0, -2.5, 0.0, 5.0, 10.0])
    config = layer.get_config()
    assert {k: config[k] for k in ("max_value", "negative_slope", "threshold")} == \
        {"max_value": 10, "negative_slope": 0.5, "threshold": 0}
    assert set(config) == {"name", "trainable", "dtype", "max_value", "negative_slope",
                           "threshold"}


@pytest.mark.parametrize("kwargs,match", [
    ({"max_value": -1.0}, "max_value of a ReLU layer cannot be a negative value. "
                          "Received: max_value=-1.0"),
    ({"negative_slope": -0.1}, "Received: negative_slope=-0.1"),
    ({"negative_slope": None}, "cannot be None"),
    ({"threshold": -2}, "Received: threshold=-2"),
])
def test_relu_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.ReLU(**kwargs)


def test_leaky_relu():
    x = random_array((3, 4))
    run_layer_test(layers.LeakyReLU, input_data=x, reference=lambda a: np.where(a > 0, a, 0.3 * a),
                   supports_masking=True)
    run_layer_test(layers.LeakyReLU, init_kwargs={"negative_slope": 0.05}, input_data=x,
                   reference=lambda a: np.where(a > 0, a, 0.05 * a))
    x64 = _avoid_kinks(random_array((3, 4), "float64"), [0.0])
    check_op(layers.LeakyReLU(0.2, dtype="float64"), lambda a: np.where(a > 0, a, 0.2 * a),
             [], arrays=[x64], dtype="float64")
    assert layers.LeakyReLU().get_config()["negative_slope"] == 0.3
    with pytest.warns(UserWarning, match="`alpha` is deprecated"):
        assert layers.LeakyReLU(alpha=0.1).negative_slope == 0.1
    with pytest.raises(ValueError, match="Received: negative_slope=-1"):
        layers.LeakyReLU(negative_slope=-1)


def _np_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1.0))


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_elu(alpha):
    x = random_array((3, 4))
    run_layer_test(layers.ELU, init_kwargs={"alpha": alpha}, input_data=x,
                   reference=lambda a: _np_elu(a, alpha), supports_masking=True, rtol=1e-5)
    x64 = _avoid_kinks(random_array((3, 4), "float64"), [0.0])
    check_op(layers.ELU(alpha=alpha, dtype="float64"), lambda a: _np_elu(a, alpha), [],
             arrays=[x64], dtype="float64")
    # `alpha` survives a config round trip (Keras 3.15 drops it; see elu.py).
    assert layers.ELU.from_config(layers.ELU(alpha=alpha).get_config()).alpha == alpha


# ---------------------------------------------------------------------------------------------
# PReLU
# ---------------------------------------------------------------------------------------------


def _np_prelu(x, alpha):
    return np.where(x >= 0, x, alpha * x)


def test_prelu_values_and_contract():
    x = random_array((4, 3, 5))
    run_layer_test(layers.PReLU, input_data=x, reference=_np_prelu,
                   expected_num_trainable_weights=1, supports_masking=True)
    run_layer_test(layers.PReLU, init_kwargs={"alpha_initializer": "random_normal",
                                              "shared_axes": [1]},
                   input_data=x, reference=_np_prelu, expected_num_trainable_weights=1)


@pytest.mark.parametrize("shared_axes,alpha_shape", [(None, (3, 5)), ([1], (1, 5)),
                                                     (2, (3, 1)), ((1, 2), (1, 1))])
def test_prelu_shared_axes(shared_axes, alpha_shape):
    layer = layers.PReLU(alpha_initializer="random_uniform", shared_axes=shared_axes)
    x = random_array((2, 3, 5))
    y = layer(x)
    alpha = layer.alpha.numpy()
    assert alpha.shape == alpha_shape
    np.testing.assert_allclose(_np(y), np.where(x > 0, x, alpha * x), rtol=1e-6)


def test_prelu_gradients_float64():
    layer = layers.PReLU(alpha_initializer="random_uniform", shared_axes=[1], dtype="float64")
    layer.build((2, 3, 4))
    alpha = layer.alpha.numpy()
    x = _avoid_kinks(random_array((2, 3, 4), "float64"), [0.0])
    check_op(layer, lambda a: np.where(a > 0, a, alpha * a), [], arrays=[x], dtype="float64")
    # d sum(w * y) / d alpha = sum over the shared/batch axes of w * x where x < 0.
    w = np.random.default_rng(5).uniform(0.5, 1.5, size=x.shape)
    with keras.GradientTape() as tape:
        loss = ops.sum(ops.multiply(layer(x), ops.convert_to_tensor(w)))
    (grad,) = tape.gradient(loss, [layer.alpha])
    expected = np.sum(np.where(x < 0, w * x, 0.0), axis=(0, 1), keepdims=True)[0]
    np.testing.assert_allclose(_np(grad), expected, rtol=1e-10)


def test_prelu_config_like_keras_and_errors():
    config = layers.PReLU(shared_axes=2).get_config()
    assert set(config) == {"name", "trainable", "dtype", "alpha_initializer",
                           "alpha_regularizer", "alpha_constraint", "shared_axes"}
    assert config["shared_axes"] == [2]
    assert config["alpha_initializer"]["class_name"] == "Zeros"
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=[3])(ops.ones((2, 3)))
    layer = layers.PReLU(shared_axes=[1])
    layer(ops.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="expected axis 2 of input shape to have value 4"):
        layer(ops.ones((2, 3, 5)))


# ---------------------------------------------------------------------------------------------
# Softmax
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [-1, 1, (1, 2), [2]])
def test_softmax_values_and_contract(axis):
    x = random_array((2, 3, 4))
    np_axis = tuple(axis) if isinstance(axis, (tuple, list)) else axis
    run_layer_test(layers.Softmax, init_kwargs={"axis": axis}, input_data=x,
                   reference=lambda a: _np_softmax(a, np_axis), supports_masking=True, rtol=1e-5)


def test_softmax_gradient_float64():
    check_op(layers.Softmax(dtype="float64"), _np_softmax, [(3, 4)], dtype="float64")
    check_op(layers.Softmax(axis=(0, 1), dtype="float64"), lambda a: _np_softmax(a, (0, 1)),
             [(3, 4)], dtype="float64")


def test_softmax_mask():
    x = random_array((2, 5))
    mask = np.array([[True, True, False, True, False], [False, True, True, True, True]])
    y = _np(layers.Softmax()(x, mask=mask))
    # Masked entries get (numerically) zero probability; the rest is a softmax over the kept.
    np.testing.assert_array_less(y[~mask], 1e-30)
    for row in range(2):
        np.testing.assert_allclose(y[row, mask[row]], _np_softmax(x[row, mask[row]]),
                                   rtol=1e-5)
    # A 0/1 float mask works the same; it broadcasts like in Keras.
    y2 = _np(layers.Softmax()(x, mask=mask.astype("float32")))
    np.testing.assert_allclose(y2, y, rtol=1e-6)
    scores = random_array((2, 3, 4))
    key_mask = np.array([[[True, True, False, False]], [[True, False, True, True]]])
    y3 = _np(layers.Softmax()(scores, mask=key_mask))
    np.testing.assert_array_less(y3[np.broadcast_to(~key_mask, y3.shape)], 1e-30)
    np.testing.assert_allclose(y3.sum(-1), np.ones((2, 3)), rtol=1e-6)


def test_softmax_mask_from_previous_layer_and_float16():
    x = random_array((2, 4))
    t = ops.convert_to_tensor(x)
    t._keras_mask = ops.convert_to_tensor(np.array([[True, False, True, True]] * 2))
    y = layers.Softmax()(t)
    assert _np(y)[:, 1].max() < 1e-30
    np.testing.assert_array_equal(_np(y._keras_mask), _np(t._keras_mask))
    y16 = layers.Softmax(dtype="float16")(x.astype("float16"),
                                          mask=np.array([[True, False, True, True]] * 2))
    assert y16.dtype == "float16"
    assert np.isfinite(_np(y16)).all() and _np(y16)[:, 1].max() == 0.0


def test_softmax_config():
    assert layers.Softmax(axis=(1, 2)).get_config()["axis"] == (1, 2)
    assert set(layers.Softmax().get_config()) == {"name", "trainable", "dtype", "axis"}


def test_mixed_precision_computes_in_float16():
    x = random_array((2, 3))
    for layer in (layers.PReLU(alpha_initializer="random_uniform", dtype="mixed_float16"),
                  layers.ReLU(max_value=1.0, dtype="mixed_float16"),
                  layers.Softmax(dtype="mixed_float16"), layers.ELU(dtype="mixed_float16")):
        assert layer(x).dtype == "float16", type(layer).__name__
    layer = layers.PReLU(alpha_initializer="random_uniform", dtype="mixed_float16")
    y = _np(layer(x)).astype("float32")
    np.testing.assert_allclose(y, np.where(x > 0, x, layer.alpha.numpy() * x), atol=2e-3)
