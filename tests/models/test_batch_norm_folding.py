"""Inference folds a BatchNormalization into the convolution before it (Sequential and
functional models, training=False). Outputs must equal the two layers run one after the
other, and the pair must run unfolded wherever folding would change the result."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import layers


def randomize_batch_norm(bn, rng):
    channels = bn.moving_mean.shape[0]
    weights = {"gamma": rng.uniform(0.5, 2.0, channels), "beta": rng.normal(size=channels),
               "moving_mean": rng.normal(size=channels),
               "moving_variance": rng.uniform(0.2, 3.0, channels)}
    for name, value in weights.items():
        variable = getattr(bn, name, None)
        if variable is not None:
            variable.assign(value.astype(variable.dtype))


def count_calls(bn):
    calls = []
    original = bn.call

    def call(*args, **kwargs):
        calls.append(kwargs.get("training"))
        return original(*args, **kwargs)

    bn.call = call
    return calls


def unfolded(conv, bn, x):
    return bn(conv(x), training=False).numpy()


CASES = {
    "conv2d direct kernel": (lambda d: layers.Conv2D(16, 3, dtype=d), (2, 9, 9, 3), {}),
    "conv2d same, no bias": (lambda d: layers.Conv2D(8, 3, padding="same", use_bias=False,
                                                     dtype=d), (2, 6, 6, 4), {}),
    "conv2d channels_first": (lambda d: layers.Conv2D(6, 2, data_format="channels_first",
                                                      dtype=d), (2, 3, 7, 7), {"axis": 1}),
    "conv1d causal": (lambda d: layers.Conv1D(5, 3, padding="causal", dtype=d), (2, 10, 4), {}),
    "conv3d strided": (lambda d: layers.Conv3D(4, 2, strides=2, dtype=d), (1, 6, 6, 6, 2), {}),
    "no center or scale": (lambda d: layers.Conv2D(16, 3, dtype=d), (2, 8, 8, 2),
                           {"center": False, "scale": False}),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_sequential_inference_folds_and_matches_the_two_layers(case, dtype):
    make_conv, shape, bn_kwargs = CASES[case]
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype(dtype)
    conv, bn = make_conv(dtype), layers.BatchNormalization(**bn_kwargs, dtype=dtype)
    model = keras.Sequential([keras.Input(shape[1:], dtype=dtype), conv, bn])
    randomize_batch_norm(bn, rng)
    want = unfolded(conv, bn, x)
    plain = model(x).numpy()  # a bare call: BatchNormalization infers, nothing folds
    calls = count_calls(bn)
    got = model.predict(x, verbose=0)
    assert calls == [], "BatchNormalization ran instead of folding into the convolution"
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(model(x, training=False).numpy(), plain, rtol=tol, atol=tol)
    assert calls == []


def test_functional_inference_folds_only_a_convolution_read_once():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 8, 8, 3)).astype("float32")
    inputs = keras.Input((8, 8, 3))
    conv_a, bn_a = layers.Conv2D(16, 3), layers.BatchNormalization()
    conv_b, bn_b = layers.Conv2D(16, 3), layers.BatchNormalization()
    folded = bn_a(conv_a(inputs))
    shared = conv_b(inputs)  # also read by the Add: its BatchNormalization must run
    outputs = layers.Add()([folded, bn_b(shared), shared])
    model = keras.Model(inputs, outputs)
    for bn in (bn_a, bn_b):
        randomize_batch_norm(bn, rng)
    want = unfolded(conv_a, bn_a, x) + unfolded(conv_b, bn_b, x) + conv_b(x).numpy()
    calls_a, calls_b = count_calls(bn_a), count_calls(bn_b)
    got = model.predict(x, verbose=0)
    assert calls_a == [] and calls_b and set(calls_b) == {False}
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_activated_convolutions_and_training_calls_do_not_fold():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 7, 7, 2)).astype("float32")
    relu_conv, bn = layers.Conv2D(16, 3, activation="relu"), layers.BatchNormalization()
    model = keras.Sequential([keras.Input((7, 7, 2)), relu_conv, bn])
    randomize_batch_norm(bn, rng)
    calls = count_calls(bn)
    np.testing.assert_allclose(model.predict(x, verbose=0), unfolded(relu_conv, bn, x),
                               rtol=1e-5, atol=1e-5)
    assert calls and set(calls) == {False}

    conv, bn = layers.Conv2D(16, 3), layers.BatchNormalization()
    model = keras.Sequential([keras.Input((7, 7, 2)), conv, bn])
    before = bn.moving_mean.numpy().copy()
    model(x, training=True)
    assert not np.allclose(bn.moving_mean.numpy(), before), "training must update statistics"


def test_folded_weights_follow_the_current_variables():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 6, 6, 3)).astype("float32")
    conv, bn = layers.Conv2D(16, 3), layers.BatchNormalization()
    model = keras.Sequential([keras.Input((6, 6, 3)), conv, bn])
    first = model.predict(x, verbose=0)
    randomize_batch_norm(bn, rng)
    conv.kernel.assign(conv.kernel.numpy() * 2)
    np.testing.assert_allclose(model.predict(x, verbose=0), unfolded(conv, bn, x), rtol=1e-5,
                               atol=1e-5)
    assert not np.allclose(first, model.predict(x, verbose=0))
