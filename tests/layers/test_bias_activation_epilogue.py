"""Dense and channels-last convolution layers run their bias and relu/linear activation as
one fused engine op; outputs and gradients equal the unfused ops exactly."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import layers, ops
from keras_like.backend.engine import _engine as E


def _fused_calls(fn):
    before = E.dispatch_count("bias_activation")
    result = fn()
    return result, E.dispatch_count("bias_activation") - before


def _unfused(layer, x):
    """The layer's math from separate ops: kernel product, bias add, activation."""
    if isinstance(layer, layers.Dense):
        y = ops.matmul(x, layer.kernel.value)
    else:
        y = ops.conv(x, layer.kernel.value, layer.strides, layer.padding)
    y = ops.add(y, layer.bias.value)
    return ops.relu(y) if layer.activation is keras.activations.relu else y


@pytest.mark.parametrize("make, shape", [
    (lambda act: layers.Dense(7, activation=act), (5, 4)),
    (lambda act: layers.Conv2D(6, 3, activation=act), (2, 8, 8, 3)),
    (lambda act: layers.Conv1D(4, 2, padding="same", activation=act), (3, 9, 2)),
])
@pytest.mark.parametrize("activation", ["relu", None])
def test_fused_epilogue_matches_separate_ops(make, shape, activation):
    layer = make(activation)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    layer.build(shape)
    layer.bias.assign(np.random.default_rng(1).normal(size=layer.bias.shape))
    with keras.GradientTape() as tape:
        y, calls = _fused_calls(lambda: layer(x))
        total = ops.sum(y * y)
    fused_grads = [g.numpy() for g in tape.gradient(total, layer.trainable_variables)]
    assert calls == 1
    with keras.GradientTape() as tape:
        reference = _unfused(layer, x)
        total = ops.sum(reference * reference)
    grads = [g.numpy() for g in tape.gradient(total, layer.trainable_variables)]
    np.testing.assert_array_equal(y.numpy(), reference.numpy())
    for got, want in zip(fused_grads, grads):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_other_activations_and_channels_first_keep_the_separate_ops():
    x = np.ones((2, 5, 5, 3), "float32")
    _, calls = _fused_calls(lambda: layers.Conv2D(4, 3, activation="tanh")(x))
    assert calls == 0
    _, calls = _fused_calls(lambda: layers.Conv2D(4, 3, data_format="channels_first")(
        np.ones((2, 3, 5, 5), "float32")))
    assert calls == 0
    _, calls = _fused_calls(lambda: layers.Dense(3, activation="relu", use_bias=False)(x))
    assert calls == 0


def test_symbolic_functional_model_builds_and_runs_through_the_fused_path():
    inputs = keras.Input((6,))
    outputs = layers.Dense(3, activation="relu")(inputs)
    model = keras.Model(inputs, outputs)
    assert tuple(outputs.shape) == (None, 3)
    y, calls = _fused_calls(lambda: model(np.ones((2, 6), "float32")))
    assert calls == 1 and y.shape == (2, 3)


def test_conv2d_layer_fuses_bias_and_relu_into_the_direct_kernel():
    layer = layers.Conv2D(32, 3, padding="same", activation="relu")
    x = np.random.default_rng(2).normal(size=(2, 6, 7, 3)).astype("float32")
    layer.build(x.shape)
    layer.bias.assign(np.random.default_rng(3).normal(size=32))
    conv_before = E.dispatch_count("conv2d")
    with keras.GradientTape() as tape:
        y, epilogues = _fused_calls(lambda: layer(x))
        total = ops.sum(y * y)
    fused_grads = [g.numpy() for g in tape.gradient(total, layer.trainable_variables)]
    assert E.dispatch_count("conv2d") - conv_before >= 1 and epilogues == 0
    with keras.GradientTape() as tape:
        reference = ops.relu(ops.add(ops.conv(x, layer.kernel.value, 1, "same"),
                                     layer.bias.value))
        total = ops.sum(reference * reference)
    grads = [g.numpy() for g in tape.gradient(total, layer.trainable_variables)]
    np.testing.assert_allclose(y.numpy(), reference.numpy(), rtol=1e-6, atol=1e-6)
    for got, want in zip(fused_grads, grads):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
