"""BatchNormalization, LayerNormalization, GroupNormalization and RMSNormalization.

Oracles: NumPy re-implementations of the formulas in Keras 3's layers (float64), float64
central differences for training-mode gradients, and real Keras's configs and variable layout
(tests/data/keras_layer_catalog.json, checked in tests/saving/test_config_coverage.py).
"""

import numpy as np
import pytest
from gradcheck import central_differences, cotangent_like
from helpers import random_array, run_layer_test

import keras_like as keras
from keras_like import initializers, layers, ops


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _along(v, axis, ndim):
    shape = [1] * ndim
    shape[axis] = -1
    return np.asarray(v, np.float64).reshape(shape)


def _bn_np(x, mean, variance, gamma=None, beta=None, axis=-1, epsilon=1e-3):
    x = np.asarray(x, np.float64)
    out = (x - _along(mean, axis, x.ndim)) / np.sqrt(_along(variance, axis, x.ndim) + epsilon)
    if gamma is not None:
        out = out * _along(gamma, axis, x.ndim)
    if beta is not None:
        out = out + _along(beta, axis, x.ndim)
    return out


def _batch_moments(x, axis):
    axes = tuple(a for a in range(x.ndim) if a != axis % x.ndim)
    x = np.asarray(x, np.float64)
    return x.mean(axis=axes), x.var(axis=axes)


# Constant, non-default weights so that a formula that mixes them up shows.
_BN_INITS = dict(gamma_initializer=initializers.Constant(1.5),
                 beta_initializer=initializers.Constant(-0.25),
                 moving_mean_initializer=initializers.Constant(0.2),
                 moving_variance_initializer=initializers.Constant(0.6))


# ---------------------------------------------------------------------------------------------
# BatchNormalization
# ---------------------------------------------------------------------------------------------


def test_batch_normalization_contract_training_uses_batch_statistics():
    x = random_array((6, 4), low=-1.0, high=3.0)
    # momentum=1 keeps the moving statistics still, so the harness's inference checks after
    # its training call still see the initial ones; the updates are tested below.
    kwargs = dict(momentum=1.0, epsilon=1e-2, **_BN_INITS)

    def inference(a, gamma, beta, mm, mv):
        return _bn_np(a, mm, mv, gamma, beta, epsilon=1e-2)

    def training(a, gamma, beta, mm, mv):
        return _bn_np(a, *_batch_moments(a, -1), gamma, beta, epsilon=1e-2)

    out = run_layer_test(layers.BatchNormalization, init_kwargs=kwargs, input_data=x,
                         reference=inference, training_reference=training,
                         expected_num_trainable_weights=2,
                         expected_num_non_trainable_weights=2, supports_masking=True,
                         atol=1e-5, rtol=1e-5)
    assert not np.allclose(_np(out), training(x, 1.5, -0.25, 0.2, 0.6), atol=1e-2)


def test_batch_normalization_contract_with_default_arguments():
    x = random_array((5, 3))
    # Inputs with exactly zero mean and unit variance per feature: the default moving
    # statistics (0 and 1) are then fixed points of the update, and training equals inference.
    x = ((x - x.mean(0)) / x.std(0)).astype("float32")
    run_layer_test(layers.BatchNormalization, input_data=x,
                   reference=lambda a, g, b, mm, mv: _bn_np(a, mm, mv, g, b),
                   expected_num_trainable_weights=2, expected_num_non_trainable_weights=2,
                   atol=1e-5, rtol=1e-5)


def test_batch_normalization_channels_first_axis_1():
    x = random_array((3, 2, 4, 5))
    kwargs = dict(axis=1, momentum=1.0, **_BN_INITS)
    out = run_layer_test(
        layers.BatchNormalization, init_kwargs=kwargs, input_data=x,
        reference=lambda a, g, b, mm, mv: _bn_np(a, mm, mv, g, b, axis=1),
        training_reference=lambda a, g, b, mm, mv: _bn_np(a, *_batch_moments(a, 1), g, b,
                                                          axis=1),
        expected_output_shape=(3, 2, 4, 5), atol=1e-5, rtol=1e-5)
    assert out.shape == (3, 2, 4, 5)
    layer = layers.BatchNormalization(axis=1)
    layer(ops.convert_to_tensor(x))
    assert [tuple(w.shape) for w in layer.weights] == [(2,)] * 4
    assert layer.input_spec.axes == {1: 2}


@pytest.mark.parametrize("center,scale", [(False, True), (True, False), (False, False)])
def test_batch_normalization_without_center_or_scale(center, scale):
    x = random_array((4, 3))
    kwargs = dict(center=center, scale=scale, momentum=1.0, **_BN_INITS)

    def split(weights):
        weights = list(weights)
        gamma = weights.pop(0) if scale else None
        beta = weights.pop(0) if center else None
        return gamma, beta, weights[0], weights[1]

    def inference(a, *weights):
        gamma, beta, mm, mv = split(weights)
        return _bn_np(a, mm, mv, gamma, beta)

    def training(a, *weights):
        gamma, beta, _, _ = split(weights)
        return _bn_np(a, *_batch_moments(a, -1), gamma, beta)

    run_layer_test(layers.BatchNormalization, init_kwargs=kwargs, input_data=x,
                   reference=inference, training_reference=training,
                   expected_num_trainable_weights=int(center) + int(scale),
                   expected_num_non_trainable_weights=2,
                   run_training_check=center or scale, atol=1e-5, rtol=1e-5)
    layer = layers.BatchNormalization(center=center, scale=scale, name="bn")
    layer(ops.convert_to_tensor(x))
    names = (["bn/gamma"] if scale else []) + (["bn/beta"] if center else []) + \
        ["bn/moving_mean", "bn/moving_variance"]
    assert [w.path for w in layer.weights] == names


def test_batch_normalization_moving_statistics_follow_numpy():
    momentum = 0.8
    layer = layers.BatchNormalization(momentum=momentum, **_BN_INITS)
    mean, var = np.full(3, 0.2), np.full(3, 0.6)
    rng = np.random.default_rng(3)
    for step in range(4):
        x = rng.normal(loc=step, scale=1.0 + step, size=(8, 3)).astype("float32")
        before = _np(layer(ops.convert_to_tensor(x)))  # inference leaves the state alone
        np.testing.assert_allclose(before, _bn_np(x, mean, var, 1.5, -0.25), rtol=1e-5,
                                   atol=1e-5)
        batch_mean, batch_var = _batch_moments(x, -1)
        got = _np(layer(ops.convert_to_tensor(x), training=True))
        np.testing.assert_allclose(got, _bn_np(x, batch_mean, batch_var, 1.5, -0.25),
                                   rtol=1e-5, atol=1e-5)
        # Keras's update uses the biased batch variance.
        mean = mean * momentum + batch_mean * (1 - momentum)
        var = var * momentum + batch_var * (1 - momentum)
        np.testing.assert_allclose(_np(layer.moving_mean), mean, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(_np(layer.moving_variance), var, rtol=1e-5, atol=1e-6)
        layer(ops.convert_to_tensor(x), training=False)
        np.testing.assert_allclose(_np(layer.moving_mean), mean, rtol=1e-5, atol=1e-6)


def test_batch_normalization_channels_first_statistics_reduce_all_but_axis_1():
    x = random_array((2, 3, 4, 2), low=0.0, high=4.0)
    layer = layers.BatchNormalization(axis=1, momentum=0.5)
    layer(ops.convert_to_tensor(x), training=True)
    np.testing.assert_allclose(_np(layer.moving_mean), 0.5 * x.mean(axis=(0, 2, 3)),
                               rtol=1e-5)
    np.testing.assert_allclose(_np(layer.moving_variance),
                               0.5 + 0.5 * x.astype(np.float64).var(axis=(0, 2, 3)), rtol=1e-5)


def test_batch_normalization_fit_updates_moving_statistics():
    x = random_array((16, 3), low=1.0, high=5.0)
    model = keras.Sequential([layers.Input((3,)), layers.BatchNormalization(momentum=0.5)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    model.fit(x, np.zeros_like(x), batch_size=16, epochs=2, verbose=0, shuffle=False)
    bn = model.layers[-1]
    mean, var = _batch_moments(x, -1)
    np.testing.assert_allclose(_np(bn.moving_mean), 0.75 * mean, rtol=1e-5)
    np.testing.assert_allclose(_np(bn.moving_variance), 0.25 + 0.75 * var, rtol=1e-5)
    # predict / evaluate run in inference mode and leave the statistics alone.
    model.predict(x, verbose=0)
    model.evaluate(x, np.zeros_like(x), verbose=0)
    np.testing.assert_allclose(_np(bn.moving_mean), 0.75 * mean, rtol=1e-5)


def test_frozen_batch_normalization_runs_in_inference_mode():
    x = random_array((6, 3), low=-2.0, high=4.0)
    layer = layers.BatchNormalization(momentum=0.5, **_BN_INITS)
    layer(ops.convert_to_tensor(x))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4
    got = _np(layer(ops.convert_to_tensor(x), training=True))
    np.testing.assert_allclose(got, _bn_np(x, 0.2, 0.6, 1.5, -0.25), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(layer.moving_mean), 0.2)
    np.testing.assert_allclose(_np(layer.moving_variance), 0.6)
    assert layer.get_config()["trainable"] is False

    # Frozen inside a model: fit changes neither the statistics nor gamma/beta, and the
    # outputs are the inference ones.
    model = keras.Sequential([layers.Input((3,)), layers.Dense(3, name="d"), layer])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    dense_before = _np(model.get_layer("d").kernel).copy()
    model.fit(x, np.ones_like(x), epochs=1, batch_size=6, verbose=0)
    assert not np.array_equal(_np(model.get_layer("d").kernel), dense_before)
    for w, value in ((layer.moving_mean, 0.2), (layer.moving_variance, 0.6),
                     (layer.gamma, 1.5), (layer.beta, -0.25)):
        np.testing.assert_allclose(_np(w), value, rtol=1e-6)
    # Unfrozen again, training=True uses the batch statistics once more.
    layer.trainable = True
    got = _np(layer(ops.convert_to_tensor(x), training=True))
    np.testing.assert_allclose(got, _bn_np(x, *_batch_moments(x, -1), 1.5, -0.25), rtol=1e-5,
                               atol=1e-5)


def test_frozen_batch_normalization_keeps_the_keras_weight_order():
    layer = layers.BatchNormalization(name="bn")
    layer.build((None, 2))
    values = [np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([5.0, 6.0]),
              np.array([7.0, 8.0])]
    layer.trainable = False
    order = ["bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"]
    # Keras: a frozen layer's non_trainable_weights is its `weights`, in creation order.
    assert [w.path for w in layer.weights] == order
    assert [w.path for w in layer.non_trainable_weights] == order
    layer.set_weights(values)
    np.testing.assert_array_equal(_np(layer.gamma), [1.0, 2.0])
    np.testing.assert_array_equal(_np(layer.moving_variance), [7.0, 8.0])


def test_model_weights_list_each_layer_in_turn_as_keras_does():
    model = keras.Sequential([layers.Input((3,)), layers.Dense(2, name="d1"),
                              layers.BatchNormalization(name="bn"), layers.Dense(1, name="d2")])
    names = [w.path.split("/", 1)[1] for w in model.weights]
    assert names == ["d1/kernel", "d1/bias", "bn/gamma", "bn/beta", "bn/moving_mean",
                     "bn/moving_variance", "d2/kernel", "d2/bias"]
    assert [w.path.split("/", 1)[1] for w in model.trainable_weights] == \
        ["d1/kernel", "d1/bias", "bn/gamma", "bn/beta", "d2/kernel", "d2/bias"]
    assert [w.path.split("/", 1)[1] for w in model.non_trainable_weights] == \
        ["bn/moving_mean", "bn/moving_variance"]
    values = [np.full(tuple(w.shape), i, "float32") for i, w in enumerate(model.weights)]
    model.set_weights(values)
    np.testing.assert_array_equal(_np(model.get_layer("bn").moving_mean), [4.0, 4.0])
    model.get_layer("bn").trainable = False
    assert [w.path.split("/", 1)[1] for w in model.non_trainable_weights] == \
        ["bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"]
    np.testing.assert_array_equal(model.get_weights()[2], [2.0, 2.0])


def _training_output(layer, x, mask=None):
    kwargs = {} if mask is None else {"mask": ops.convert_to_tensor(mask)}
    return layer(ops.convert_to_tensor(x), training=True, **kwargs)


@pytest.mark.parametrize("kwargs", [dict(), dict(axis=1), dict(center=False, scale=False)])
def test_batch_normalization_training_gradients_match_central_differences(kwargs):
    x = random_array((4, 3, 2), "float64")
    axis = kwargs.get("axis", -1)
    c = cotangent_like(x.shape)

    def fresh():
        # momentum=1: repeated evaluations must not see statistics they changed themselves.
        layer = layers.BatchNormalization(momentum=1.0, dtype="float64", **kwargs)
        layer.build(x.shape)
        if layer.scale:
            layer.gamma.assign(np.linspace(0.5, 1.5, x.shape[axis]))
        return layer

    layer = fresh()
    tensor = ops.convert_to_tensor(x)
    with keras.GradientTape() as tape:
        tape.watch(tensor)
        loss = ops.sum(ops.multiply(_training_output(layer, tensor), ops.convert_to_tensor(c)))
    grad = _np(tape.gradient(loss, tensor)).reshape(-1)
    other = fresh()
    numeric = central_differences(lambda: _np(_training_output(other, x)), x, c,
                                  np.arange(x.size))
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-7)
    # Through the batch mean and variance the gradient sums to zero per feature.
    assert abs(grad.sum()) < 1e-8


def test_batch_normalization_mask_restricts_the_batch_statistics():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 4, 2)).astype("float32")
    mask = np.array([[1, 1, 0, 0], [1, 0, 1, 1], [0, 0, 0, 1]], bool)
    layer = layers.BatchNormalization(momentum=0.0)
    out = _np(_training_output(layer, x, mask))
    kept = x[mask].astype(np.float64)  # (number kept, channels)
    eps7 = 1e-7  # Keras divides by the unmasked count plus the backend epsilon
    mean = kept.sum(0) / (len(kept) + eps7)
    var = ((kept - mean) ** 2).sum(0) / (len(kept) + eps7)
    np.testing.assert_allclose(_np(layer.moving_mean), mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(layer.moving_variance), var, rtol=1e-5, atol=1e-6)
    # Every position, masked or not, is normalized with those statistics.
    np.testing.assert_allclose(out, _bn_np(x, mean, var), rtol=1e-5, atol=1e-5)
    # The mask set by a Masking layer reaches it, and passes through.
    padded = np.concatenate([x, np.zeros((3, 2, 2), "float32")], axis=1)
    masked = layers.Masking(0.0)(ops.convert_to_tensor(padded))
    bn = layers.BatchNormalization(momentum=0.0)
    y = bn(masked, training=True)
    np.testing.assert_allclose(_np(bn.moving_mean), x.reshape(-1, 2).mean(0), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_array_equal(_np(y._keras_mask), _np(masked._keras_mask))
    # A fully masked batch: the epsilon in the denominator gives zero statistics, not NaN.
    empty = layers.BatchNormalization(momentum=0.0)
    out = _np(_training_output(empty, x, np.zeros((3, 4), bool)))
    np.testing.assert_array_equal(_np(empty.moving_mean), 0.0)
    np.testing.assert_array_equal(_np(empty.moving_variance), 0.0)
    np.testing.assert_allclose(out, x / np.sqrt(1e-3), rtol=1e-5)
    with pytest.raises(ValueError, match="one dimension less than the inputs"):
        layers.BatchNormalization()(ops.convert_to_tensor(x), training=True,
                                    mask=ops.convert_to_tensor(np.ones((3, 4, 2), bool)))


def _renorm_np(x, renorm_mean, renorm_stddev, gamma, beta, epsilon, clipping):
    batch_mean, batch_var = _batch_moments(x, -1)
    stddev = np.sqrt(batch_var + epsilon)
    rs = np.maximum(renorm_stddev, np.sqrt(epsilon))
    r, d = stddev / rs, (batch_mean - renorm_mean) / rs
    if "rmin" in clipping:
        r = np.maximum(r, clipping["rmin"])
    if "rmax" in clipping:
        r = np.minimum(r, clipping["rmax"])
    if "dmax" in clipping:
        d = np.clip(d, -clipping["dmax"], clipping["dmax"])
    x_hat = (x - batch_mean) / stddev
    return (x_hat * r + d) * gamma + beta, batch_mean, stddev


def test_batch_renormalization_contract():
    x = random_array((6, 3), low=-1.0, high=3.0)
    clipping = {"rmax": 1.5, "rmin": 0.8, "dmax": 0.4}
    # epsilon=0 and both momenta 1: the training call leaves every statistic as it was
    # (moving_variance is re-derived as moving_stddev**2 - epsilon).
    kwargs = dict(renorm=True, renorm_clipping=clipping, renorm_momentum=1.0, momentum=1.0,
                  epsilon=0.0, **_BN_INITS)

    def inference(a, gamma, beta, mm, mv, *renorm_state):
        return _bn_np(a, mm, mv, gamma, beta, epsilon=0.0)

    def training(a, gamma, beta, mm, mv, moving_stddev, renorm_mean, renorm_stddev):
        return _renorm_np(a, renorm_mean, renorm_stddev, gamma, beta, 0.0, clipping)[0]

    run_layer_test(layers.BatchNormalization, init_kwargs=kwargs, input_data=x,
                   reference=inference, training_reference=training,
                   expected_num_trainable_weights=2, expected_num_non_trainable_weights=5,
                   atol=2e-5, rtol=2e-5)
    layer = layers.BatchNormalization(renorm=True, name="bn", **_BN_INITS)
    layer.build((None, 3))
    assert [w.path for w in layer.weights] == [
        "bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance", "bn/moving_stddev",
        "bn/renorm_mean", "bn/renorm_stddev"]
    np.testing.assert_allclose(_np(layer.moving_stddev), np.sqrt(0.6), rtol=1e-6)
    np.testing.assert_allclose(_np(layer.renorm_stddev), np.sqrt(0.6), rtol=1e-6)
    np.testing.assert_allclose(_np(layer.renorm_mean), 0.2)
    assert layer.get_config()["renorm_clipping"] == {}


def test_batch_renormalization_statistics_follow_numpy():
    momentum, renorm_momentum, eps = 0.7, 0.6, 1e-3
    clipping = {"rmax": 1.3, "dmax": 0.5}
    layer = layers.BatchNormalization(momentum=momentum, renorm=True, renorm_clipping=clipping,
                                      renorm_momentum=renorm_momentum, **_BN_INITS)
    moving_mean, moving_std = np.full(2, 0.2), np.full(2, np.sqrt(0.6))
    renorm_mean, renorm_std = moving_mean.copy(), moving_std.copy()
    rng = np.random.default_rng(11)
    for step in range(3):
        x = rng.normal(loc=1.0 + step, scale=2.0, size=(10, 2)).astype("float32")
        expected, batch_mean, stddev = _renorm_np(x, renorm_mean, renorm_std, 1.5, -0.25, eps,
                                                  clipping)
        got = _np(layer(ops.convert_to_tensor(x), training=True))
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
        renorm_mean = renorm_mean * renorm_momentum + batch_mean * (1 - renorm_momentum)
        renorm_std = renorm_std * renorm_momentum + stddev * (1 - renorm_momentum)
        moving_mean = moving_mean * momentum + batch_mean * (1 - momentum)
        moving_std = moving_std * momentum + stddev * (1 - momentum)
        for w, value in ((layer.renorm_mean, renorm_mean), (layer.renorm_stddev, renorm_std),
                         (layer.moving_mean, moving_mean), (layer.moving_stddev, moving_std),
                         (layer.moving_variance, np.maximum(moving_std ** 2 - eps, 0.0))):
            np.testing.assert_allclose(_np(w), value, rtol=1e-5, atol=1e-6, err_msg=w.path)
    # Inference is plain batch normalization with the moving statistics.
    x = rng.normal(size=(4, 2)).astype("float32")
    np.testing.assert_allclose(_np(layer(ops.convert_to_tensor(x))),
                               _bn_np(x, moving_mean, np.maximum(moving_std ** 2 - eps, 0.0),
                                      1.5, -0.25), rtol=1e-5, atol=1e-5)


def test_batch_renormalization_floors_a_zero_renorm_stddev():
    # A zero variance initializer gives renorm_stddev 0; sqrt(epsilon) stands in for it.
    x = random_array((6, 2), low=-1.0, high=2.0)
    layer = layers.BatchNormalization(renorm=True, moving_variance_initializer="zeros")
    layer.build(x.shape)
    np.testing.assert_array_equal(_np(layer.renorm_stddev), 0.0)
    got = _np(layer(ops.convert_to_tensor(x), training=True))
    expected = _renorm_np(x, np.zeros(2), np.zeros(2), 1.0, 0.0, 1e-3, {})[0]
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_batch_renormalization_corrections_carry_no_gradient():
    # Keras (and the paper) treat r and d as constants: the training-mode input gradient is
    # r times plain batch normalization's.
    x = random_array((5, 2), "float64", low=-1.0, high=2.0)
    c = cotangent_like(x.shape)
    renorm_stddev = np.array([0.5, 2.0])

    def input_gradient(layer):
        tensor = ops.convert_to_tensor(x)
        with keras.GradientTape() as tape:
            tape.watch(tensor)
            y = layer(tensor, training=True)
            loss = ops.sum(ops.multiply(y, ops.convert_to_tensor(c)))
        return _np(tape.gradient(loss, tensor))

    renorm = layers.BatchNormalization(renorm=True, dtype="float64")
    renorm.build(x.shape)
    renorm.renorm_stddev.assign(renorm_stddev)
    plain = layers.BatchNormalization(dtype="float64")
    r = np.sqrt(x.var(0) + 1e-3) / renorm_stddev
    np.testing.assert_allclose(input_gradient(renorm), r * input_gradient(plain), rtol=1e-10,
                               atol=1e-12)


def test_batch_normalization_argument_checks_like_keras():
    with pytest.raises(ValueError, match="synchronized=True is only supported"):
        layers.BatchNormalization(synchronized=True)
    with pytest.raises(ValueError, match="invalid keys for `renorm_clipping`"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 2.0, "bad": 1.0})
    with pytest.raises(ValueError, match="rmax should be greater than rmin"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 0.5, "rmin": 1.0})
    with pytest.raises(ValueError, match="dmax should be non-negative"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"dmax": -1.0})
    # Without renorm the clipping is stored as given and not checked (as Keras does).
    layer = layers.BatchNormalization(renorm_clipping={"rmax": 2.0})
    assert layer.get_config()["renorm_clipping"] == {"rmax": 2.0}
    config = layers.BatchNormalization(axis=1.0, momentum=1, epsilon=1).get_config()
    assert (config["axis"], config["momentum"], config["epsilon"]) == (1, 1.0, 1.0)
    assert isinstance(config["axis"], int) and isinstance(config["momentum"], float)
    with pytest.raises(ValueError, match="out of bounds"):
        layers.BatchNormalization(axis=2).build((None, 3))


def test_batch_normalization_float16_inputs_are_normalized_in_float32():
    x = np.array([[60000.0, 1.0], [-60000.0, 3.0]], "float16")
    layer = layers.BatchNormalization(dtype="mixed_float16", momentum=0.0)
    out = layer(ops.convert_to_tensor(x), training=True)
    assert str(out.dtype) == "float16"
    # The variance 3.6e9 overflows float16 but not the float32 the layer computes in.
    np.testing.assert_allclose(_np(out).astype(np.float64),
                               _bn_np(x, *_batch_moments(x, -1)), rtol=2e-3, atol=2e-3)
    assert str(layer.moving_variance.dtype) == "float32"
    np.testing.assert_allclose(_np(layer.moving_variance)[0], 3.6e9, rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# LayerNormalization
# ---------------------------------------------------------------------------------------------


def _ln_np(x, axes, gamma=None, beta=None, epsilon=1e-3, rms_scaling=False):
    x = np.asarray(x, np.float64)
    axes = tuple(a % x.ndim for a in axes)
    shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    out = (x if rms_scaling else x - mean) / np.sqrt(var + epsilon)
    if gamma is not None:
        out = out * np.asarray(gamma, np.float64).reshape(shape)
    if beta is not None:
        out = out + np.asarray(beta, np.float64).reshape(shape)
    return out


def test_layer_normalization_contract():
    x = random_array((3, 5))
    kwargs = dict(gamma_initializer="random_uniform", beta_initializer="random_normal")
    run_layer_test(layers.LayerNormalization, init_kwargs=kwargs, input_data=x,
                   reference=lambda a, g, b: _ln_np(a, [-1], g, b),
                   expected_num_trainable_weights=2, expected_num_non_trainable_weights=0,
                   supports_masking=True, atol=1e-5, rtol=1e-5)


def test_layer_normalization_over_several_axes():
    x = random_array((2, 3, 4))
    kwargs = dict(axis=[1, 2], epsilon=1e-2, gamma_initializer="random_uniform",
                  beta_initializer="random_uniform")
    run_layer_test(layers.LayerNormalization, init_kwargs=kwargs, input_data=x,
                   reference=lambda a, g, b: _ln_np(a, [1, 2], g, b, epsilon=1e-2),
                   atol=1e-5, rtol=1e-5)
    layer = layers.LayerNormalization(axis=(1, 2))
    layer(ops.convert_to_tensor(x))
    assert tuple(layer.gamma.shape) == (3, 4) and tuple(layer.beta.shape) == (3, 4)
    assert layer.get_config()["axis"] == [1, 2]


def test_layer_normalization_middle_axis():
    x = random_array((2, 3, 4))
    kwargs = dict(axis=1, gamma_initializer="random_uniform", beta_initializer="random_uniform")
    run_layer_test(layers.LayerNormalization, init_kwargs=kwargs, input_data=x,
                   reference=lambda a, g, b: _ln_np(a, [1], g, b), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("kwargs,n_weights", [
    (dict(center=False), 1), (dict(scale=False), 1), (dict(center=False, scale=False), 0),
    (dict(rms_scaling=True), 1), (dict(rms_scaling=True, scale=False, center=True), 1)])
def test_layer_normalization_options(kwargs, n_weights):
    x = random_array((3, 4))
    kwargs = dict(kwargs, gamma_initializer="random_uniform",
                  beta_initializer=initializers.Constant(0.5))
    rms = kwargs.get("rms_scaling", False)
    has_gamma = kwargs.get("scale", True) or rms
    has_beta = kwargs.get("center", True) and not rms

    def reference(a, *weights):
        weights = list(weights)
        gamma = weights.pop(0) if has_gamma else None
        beta = weights.pop(0) if has_beta else None
        return _ln_np(a, [-1], gamma, beta, rms_scaling=rms)

    run_layer_test(layers.LayerNormalization, init_kwargs=kwargs, input_data=x,
                   reference=reference, expected_num_trainable_weights=n_weights,
                   run_training_check=n_weights > 0, atol=1e-5, rtol=1e-5)


def test_layer_normalization_config_axis_and_errors():
    layer = layers.LayerNormalization(name="ln")
    assert layer.get_config()["axis"] == -1  # an int until built, as in Keras
    layer.build((None, 8))
    assert layer.get_config()["axis"] == [-1]
    assert [(w.path, tuple(w.shape)) for w in layer.weights] == [("ln/gamma", (8,)),
                                                                 ("ln/beta", (8,))]
    with pytest.raises(TypeError, match="Expected an int or a list/tuple of ints"):
        layers.LayerNormalization(axis="last")
    with pytest.raises(ValueError, match="out of bounds"):
        layers.LayerNormalization(axis=3).build((None, 4))


def test_layer_normalization_float16_policy():
    x = random_array((2, 6), low=-3.0, high=3.0)
    layer = layers.LayerNormalization(dtype="mixed_float16")
    out = layer(ops.convert_to_tensor(x.astype("float16")))
    assert str(out.dtype) == "float16" and str(layer.gamma.dtype) == "float32"
    np.testing.assert_allclose(_np(out).astype(np.float64), _ln_np(x.astype("float16"), [-1]),
                               atol=5e-3)


# ---------------------------------------------------------------------------------------------
# GroupNormalization
# ---------------------------------------------------------------------------------------------


def _gn_np(x, groups, axis=-1, gamma=None, beta=None, epsilon=1e-3):
    x = np.asarray(x, np.float64)
    axis = axis % x.ndim
    moved = np.moveaxis(x, axis, -1)  # (N, ..., C)
    n, c = moved.shape[0], moved.shape[-1]
    grouped = moved.reshape(n, -1, groups, c // groups)
    mean = grouped.mean(axis=(1, 3), keepdims=True)
    var = grouped.var(axis=(1, 3), keepdims=True)
    out = ((grouped - mean) / np.sqrt(var + epsilon)).reshape(moved.shape)
    if gamma is not None:
        out = out * np.asarray(gamma, np.float64)
    if beta is not None:
        out = out + np.asarray(beta, np.float64)
    return np.moveaxis(out, -1, axis)


def test_group_normalization_contract():
    x = random_array((2, 5, 6))
    kwargs = dict(groups=3, gamma_initializer="random_uniform", beta_initializer="random_normal")
    run_layer_test(layers.GroupNormalization, init_kwargs=kwargs, input_data=x,
                   reference=lambda a, g, b: _gn_np(a, 3, -1, g, b),
                   expected_num_trainable_weights=2, supports_masking=True,
                   atol=1e-5, rtol=1e-5)


def test_group_normalization_channels_first():
    x = random_array((2, 4, 3, 3))
    kwargs = dict(groups=2, axis=1, epsilon=1e-2, gamma_initializer="random_uniform",
                  beta_initializer="random_uniform")
    run_layer_test(layers.GroupNormalization, init_kwargs=kwargs, input_data=x,
                   reference=lambda a, g, b: _gn_np(a, 2, 1, g, b, epsilon=1e-2),
                   atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("kwargs", [dict(center=False), dict(scale=False)])
def test_group_normalization_without_center_or_scale(kwargs):
    x = random_array((3, 4))
    kwargs = dict(kwargs, groups=2, gamma_initializer="random_uniform",
                  beta_initializer=initializers.Constant(0.5))
    has_gamma, has_beta = kwargs.get("scale", True), kwargs.get("center", True)

    def reference(a, w):
        return _gn_np(a, 2, -1, w if has_gamma else None, w if has_beta else None)

    run_layer_test(layers.GroupNormalization, init_kwargs=kwargs, input_data=x,
                   reference=reference, expected_num_trainable_weights=1,
                   atol=1e-5, rtol=1e-5)


def test_group_normalization_groups_extremes_and_errors():
    x = random_array((2, 3, 4))
    # groups=-1: one channel per group (instance normalization); the count is resolved.
    layer = layers.GroupNormalization(groups=-1, epsilon=1e-5)
    out = _np(layer(ops.convert_to_tensor(x)))
    assert layer.groups == 4 and layer.get_config()["groups"] == 4
    np.testing.assert_allclose(out, _gn_np(x, 4, epsilon=1e-5), rtol=1e-4, atol=1e-5)
    # groups=1 normalizes each example over everything.
    out = _np(layers.GroupNormalization(groups=1)(ops.convert_to_tensor(x)))
    np.testing.assert_allclose(out, _ln_np(x, [1, 2]), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="cannot be more than the number of channels"):
        layers.GroupNormalization(groups=8)(ops.convert_to_tensor(x))
    with pytest.raises(ValueError, match="must be a multiple"):
        layers.GroupNormalization(groups=3)(ops.convert_to_tensor(x))
    with pytest.raises(ValueError, match="should have a defined dimension"):
        layers.GroupNormalization(groups=2).build((None, 3, None))


def test_group_normalization_float16_statistics_do_not_overflow():
    x = np.array([[300.0, -300.0, 1.0, 3.0]], "float16")
    layer = layers.GroupNormalization(groups=2, dtype="mixed_float16")
    out = layer(ops.convert_to_tensor(x))
    assert str(out.dtype) == "float16"
    # The first group's variance, 90000, is beyond float16's range (65504).
    np.testing.assert_allclose(_np(out).astype(np.float64), _gn_np(x, 2), rtol=2e-3, atol=2e-3)


# ---------------------------------------------------------------------------------------------
# RMSNormalization
# ---------------------------------------------------------------------------------------------


def _rms_np(x, axes, scale, epsilon=1e-6):
    x = np.asarray(x, np.float64)
    axes = tuple(a % x.ndim for a in axes)
    shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]
    ms = (x ** 2).mean(axis=axes, keepdims=True)
    return x / np.sqrt(ms + epsilon) * np.asarray(scale, np.float64).reshape(shape)


def test_rms_normalization_contract():
    x = random_array((3, 5))
    out = run_layer_test(layers.RMSNormalization, input_data=x,
                         reference=lambda a, s: _rms_np(a, [-1], s),
                         expected_num_trainable_weights=1, supports_masking=False,
                         atol=1e-5, rtol=1e-5)
    # Unlike LayerNormalization, the mean stays in.
    assert not np.allclose(_np(out), _ln_np(x, [-1], epsilon=1e-6), atol=1e-2)


@pytest.mark.parametrize("axis", [[1, 2], 1])
def test_rms_normalization_other_axes(axis):
    x = random_array((2, 3, 4))
    axes = axis if isinstance(axis, list) else [axis]
    run_layer_test(layers.RMSNormalization, init_kwargs=dict(axis=axis, epsilon=1e-3),
                   input_data=x, reference=lambda a, s: _rms_np(a, axes, s, 1e-3),
                   atol=1e-5, rtol=1e-5)


def test_rms_normalization_weights_and_config():
    layer = layers.RMSNormalization(axis=[2, 1], name="rms")
    layer.build((None, 3, 4))
    assert [(w.path, tuple(w.shape)) for w in layer.weights] == [("rms/scale", (3, 4))]
    np.testing.assert_array_equal(_np(layer.scale), np.ones((3, 4)))
    config = layer.get_config()
    assert config["axis"] == [1, 2] and config["epsilon"] == 1e-6
    assert layers.RMSNormalization().get_config()["axis"] == -1


@pytest.mark.parametrize("make", [
    lambda: layers.BatchNormalization(), lambda: layers.LayerNormalization(),
    lambda: layers.GroupNormalization(groups=2), lambda: layers.RMSNormalization()])
def test_an_explicit_build_is_not_repeated_by_the_first_call(make):
    layer = make()
    layer.build((None, 4))
    assert layer.built
    first = layer.weights[0]
    first.assign(np.array([2.0, 2.0, 2.0, 2.0]))
    x = random_array((3, 4))
    out = _np(layer(ops.convert_to_tensor(x)))
    assert layer.weights[0] is first
    reference = make()
    reference(ops.convert_to_tensor(x))
    reference.weights[0].assign(np.array([2.0, 2.0, 2.0, 2.0]))
    np.testing.assert_allclose(out, _np(reference(ops.convert_to_tensor(x))), rtol=1e-6)
    assert len(layer.weights) == len(reference.weights)
