"""Conv1D / Conv2D / Conv3D through run_layer_test, against the sliding-window NumPy
reference."""

import json
import os

import numpy as np
import pytest
from conv_reference import np_conv, np_conv_transpose
from helpers import run_layer_test

from keras_like import layers


def _tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def _conv_reference(rank, kwargs):
    strides = _tuple(kwargs.get("strides", 1), rank)
    dilation = _tuple(kwargs.get("dilation_rate", 1), rank)
    padding = kwargs.get("padding", "valid").lower()
    first = kwargs.get("data_format") == "channels_first"
    relu = kwargs.get("activation") == "relu"

    def reference(x, kernel, bias=None):
        x = np.moveaxis(x, 1, -1) if first else x
        if padding == "causal":
            x = np.pad(x, [(0, 0), (dilation[0] * (kernel.shape[0] - 1), 0), (0, 0)])
        y = np_conv(x.astype(np.float64), kernel.astype(np.float64), strides,
                    "valid" if padding == "causal" else padding, dilation,
                    x.shape[-1] // kernel.shape[-2])
        if bias is not None:
            y = y + bias
        if relu:
            y = np.maximum(y, 0)
        return np.moveaxis(y, -1, 1) if first else y

    return reference


CASES = [
    (layers.Conv1D, (2, 8, 3), dict(filters=4, kernel_size=3), (2, 6, 4)),
    (layers.Conv1D, (2, 8, 3), dict(filters=2, kernel_size=3, padding="causal",
                                    dilation_rate=2), (2, 8, 2)),
    (layers.Conv1D, (2, 9, 4), dict(filters=4, kernel_size=2, strides=2, padding="same",
                                    groups=2, use_bias=False), (2, 5, 4)),
    (layers.Conv1D, (2, 3, 7), dict(filters=2, kernel_size=3, data_format="channels_first"),
     (2, 2, 5)),
    (layers.Conv2D, (2, 6, 5, 2), dict(filters=3, kernel_size=3, padding="same",
                                       activation="relu"), (2, 6, 5, 3)),
    (layers.Conv2D, (2, 7, 7, 3), dict(filters=4, kernel_size=(3, 2), strides=(2, 1)),
     (2, 3, 6, 4)),
    (layers.Conv2D, (1, 7, 6, 2), dict(filters=2, kernel_size=2, dilation_rate=(2, 1),
                                       padding="same"), (1, 7, 6, 2)),
    (layers.Conv2D, (2, 5, 5, 4), dict(filters=6, kernel_size=3, groups=2), (2, 3, 3, 6)),
    (layers.Conv2D, (2, 2, 6, 5), dict(filters=3, kernel_size=3, padding="same", strides=2,
                                       data_format="channels_first"), (2, 3, 3, 3)),
    (layers.Conv3D, (1, 4, 5, 4, 2), dict(filters=2, kernel_size=2), (1, 3, 4, 3, 2)),
    (layers.Conv3D, (1, 2, 4, 4, 3), dict(filters=2, kernel_size=(2, 3, 2), padding="same",
                                          data_format="channels_first"), (1, 2, 4, 4, 3)),
]


@pytest.mark.parametrize("cls,input_shape,kwargs,output_shape", CASES)
def test_conv_layer_contract(cls, input_shape, kwargs, output_shape):
    rank = len(input_shape) - 2
    run_layer_test(cls, init_kwargs=kwargs, input_shape=input_shape,
                   reference=_conv_reference(rank, kwargs), expected_output_shape=output_shape,
                   expected_num_trainable_weights=1 if kwargs.get("use_bias") is False else 2,
                   expected_num_non_trainable_weights=0, atol=1e-5, rtol=1e-5)


def test_conv2d_weights_have_keras_layout():
    layer = layers.Conv2D(6, (3, 2), groups=3)
    layer.build((None, 8, 8, 9))
    assert [tuple(w.shape) for w in layer.weights] == [(3, 2, 3, 6), (6,)]
    assert [w.path for w in layer.weights] == [f"{layer.name}/kernel", f"{layer.name}/bias"]


def test_conv_layers_symbolic_shapes_and_compute_output_shape():
    x = layers.Input((None, 10, 3))
    assert tuple(layers.Conv2D(4, 3, strides=2)(x).shape) == (None, None, 4, 4)
    assert layers.Conv2D(4, 3, padding="same", strides=2).compute_output_shape(
        (None, 7, 8, 3)) == (None, 4, 4, 4)
    assert layers.Conv1D(2, 3, padding="causal", strides=2).compute_output_shape(
        (None, 7, 3)) == (None, 4, 2)


@pytest.mark.parametrize("kwargs,match", [
    (dict(filters=0, kernel_size=3), "filters"),
    (dict(filters=4, kernel_size=0), "kernel_size"),
    (dict(filters=4, kernel_size=(3, 3, 3)), "kernel_size"),
    (dict(filters=4, kernel_size="3"), "kernel_size"),
    (dict(filters=4, kernel_size=3, strides=-1), "strides"),
    (dict(filters=4, kernel_size=3, padding="causal"), "padding"),
    (dict(filters=5, kernel_size=3, groups=2), "divisible by the number of groups"),
    (dict(filters=4, kernel_size=3, strides=2, dilation_rate=2), "dilation_rate > 1"),
    (dict(filters=4, kernel_size=3, data_format="nhwc"), "data_format"),
    (dict(filters=1e12, kernel_size=3), "filters"),
])
def test_conv2d_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Conv2D(**kwargs)


def test_conv2d_build_errors():
    with pytest.raises(ValueError, match="evenly divisible by the number of groups"):
        layers.Conv2D(4, 3, groups=2)(np.ones((1, 5, 5, 3), "float32"))
    with pytest.raises(ValueError, match="output size would be negative"):
        layers.Conv2D(4, 7)(np.ones((1, 5, 5, 3), "float32"))


def test_configs_match_the_real_keras_catalog():
    path = os.path.join(os.path.dirname(__file__), "..", "data", "keras_layer_catalog.json")
    with open(path) as f:
        catalog = json.load(f)
    entries = [e for e in catalog["layers"]
               if e["keras_config"]["class_name"] in ("Conv2D", "MaxPooling2D")]
    assert len(entries) >= 3
    for entry in entries:
        stored = entry["keras_config"]
        cls = getattr(layers, stored["class_name"])
        layer = cls.from_config(stored["config"])
        layer.build(tuple(stored["build_config"]["input_shape"]))
        assert json.loads(json.dumps(layer.get_config())) == stored["config"], entry["title"]



def _layout(rank, first):
    def to_last(x):
        return np.moveaxis(x, 1, -1) if first else x

    def back(y):
        return np.moveaxis(y, -1, 1) if first else y

    return to_last, back


def _depthwise_np(x, kernel, strides, padding, dilation):
    # Channel c with filter m -> output channel c * multiplier + m.
    return np.concatenate([np_conv(x[..., c:c + 1], kernel[..., c:c + 1, :], strides, padding,
                                   dilation, 1) for c in range(x.shape[-1])], -1)


def _depthwise_reference(rank, kwargs):
    to_last, back = _layout(rank, kwargs.get("data_format") == "channels_first")
    args = (_tuple(kwargs.get("strides", 1), rank), kwargs.get("padding", "valid"),
            _tuple(kwargs.get("dilation_rate", 1), rank))

    def reference(x, kernel, bias=None):
        y = _depthwise_np(to_last(x).astype(np.float64), kernel.astype(np.float64), *args)
        return back(y if bias is None else y + bias)

    return reference


def _separable_reference(rank, kwargs):
    to_last, back = _layout(rank, kwargs.get("data_format") == "channels_first")
    args = (_tuple(kwargs.get("strides", 1), rank), kwargs.get("padding", "valid"),
            _tuple(kwargs.get("dilation_rate", 1), rank))

    def reference(x, depthwise, pointwise, bias=None):
        y = _depthwise_np(to_last(x).astype(np.float64), depthwise.astype(np.float64), *args)
        y = y @ pointwise.reshape(pointwise.shape[-2:])
        return back(y if bias is None else y + bias)

    return reference


def _transpose_reference(rank, kwargs):
    to_last, back = _layout(rank, kwargs.get("data_format") == "channels_first")
    extra = kwargs.get("output_padding")

    def reference(x, kernel, bias=None):
        y = np_conv_transpose(to_last(x).astype(np.float64), kernel.astype(np.float64),
                              _tuple(kwargs.get("strides", 1), rank),
                              kwargs.get("padding", "valid"),
                              None if extra is None else _tuple(extra, rank),
                              _tuple(kwargs.get("dilation_rate", 1), rank))
        return back(y if bias is None else y + bias)

    return reference


MORE_CASES = [
    (layers.DepthwiseConv2D, (2, 6, 5, 3), dict(kernel_size=3, padding="same",
                                                depth_multiplier=2), (2, 6, 5, 6),
     _depthwise_reference),
    (layers.DepthwiseConv2D, (1, 2, 7, 6), dict(kernel_size=(2, 3), strides=2,
                                                data_format="channels_first",
                                                use_bias=False), (1, 2, 3, 2),
     _depthwise_reference),
    (layers.DepthwiseConv1D, (2, 9, 2), dict(kernel_size=3, dilation_rate=2,
                                             depth_multiplier=3), (2, 5, 6),
     _depthwise_reference),
    (layers.SeparableConv2D, (2, 6, 6, 3), dict(filters=4, kernel_size=3, padding="same",
                                                depth_multiplier=2), (2, 6, 6, 4),
     _separable_reference),
    (layers.SeparableConv2D, (1, 2, 7, 6), dict(filters=3, kernel_size=2, strides=2,
                                                data_format="channels_first"), (1, 3, 3, 3),
     _separable_reference),
    (layers.SeparableConv1D, (2, 8, 3), dict(filters=2, kernel_size=3, strides=2),
     (2, 3, 2), _separable_reference),
    (layers.Conv2DTranspose, (2, 3, 4, 2), dict(filters=3, kernel_size=3, strides=2,
                                                padding="same"), (2, 6, 8, 3),
     _transpose_reference),
    (layers.Conv2DTranspose, (1, 2, 3, 3), dict(filters=2, kernel_size=(2, 3),
                                                strides=(2, 1), output_padding=(1, 0),
                                                data_format="channels_first"), (1, 2, 7, 5),
     _transpose_reference),
    (layers.Conv1DTranspose, (2, 4, 3), dict(filters=2, kernel_size=3, strides=3),
     (2, 12, 2), _transpose_reference),
    (layers.Conv1DTranspose, (2, 5, 2), dict(filters=2, kernel_size=2, dilation_rate=2,
                                             padding="same", use_bias=False), (2, 5, 2),
     _transpose_reference),
    (layers.Conv3DTranspose, (1, 2, 3, 2, 2), dict(filters=2, kernel_size=2, strides=2),
     (1, 4, 6, 4, 2), _transpose_reference),
]


@pytest.mark.parametrize("cls,input_shape,kwargs,output_shape,make_reference", MORE_CASES)
def test_depthwise_separable_transpose_contract(cls, input_shape, kwargs, output_shape,
                                                make_reference):
    rank = len(input_shape) - 2
    weights = 3 if cls.__name__.startswith("Separable") else 2
    run_layer_test(cls, init_kwargs=kwargs, input_shape=input_shape,
                   reference=make_reference(rank, kwargs), expected_output_shape=output_shape,
                   expected_num_trainable_weights=weights - (kwargs.get("use_bias") is False),
                   atol=1e-5, rtol=1e-5)


def test_depthwise_separable_transpose_weight_layouts():
    depthwise = layers.DepthwiseConv2D(3, depth_multiplier=2)
    depthwise.build((None, 8, 8, 5))
    assert [(w.name, tuple(w.shape)) for w in depthwise.weights] == \
        [("kernel", (3, 3, 5, 2)), ("bias", (10,))]
    separable = layers.SeparableConv1D(4, 3, depth_multiplier=2)
    separable.build((None, 8, 5))
    assert [(w.name, tuple(w.shape)) for w in separable.weights] == \
        [("depthwise_kernel", (3, 5, 2)), ("pointwise_kernel", (1, 10, 4)), ("bias", (4,))]
    transpose = layers.Conv2DTranspose(6, (3, 2))
    transpose.build((None, 8, 8, 5))
    assert [(w.name, tuple(w.shape)) for w in transpose.weights] == \
        [("kernel", (3, 2, 6, 5)), ("bias", (6,))]
    assert transpose.compute_output_shape((None, 4, None, 5)) == (None, 6, None, 6)


@pytest.mark.parametrize("build,match", [
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "must be < `strides`"),
    (lambda: layers.Conv2DTranspose(4, 3, output_padding=-1), "output_padding"),
    (lambda: layers.Conv1DTranspose(4, 3, padding="causal"), "padding"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda: layers.DepthwiseConv2D(3, strides=2, dilation_rate=2), "dilation_rate > 1"),
    (lambda: layers.SeparableConv2D(0, 3), "filters"),
    (lambda: layers.SeparableConv1D(2, (3, 3)), "kernel_size"),
])
def test_more_bad_constructor_arguments(build, match):
    with pytest.raises(ValueError, match=match):
        build()
    with pytest.raises(TypeError, match="groups"):
        layers.Conv2DTranspose(4, 3, groups=2)


def _bars(n, seed):
    """Images with one vertical (label 1) or horizontal (label 0) bar at a random offset."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.2, (n, 12, 12, 1)).astype("float32")
    y = rng.integers(0, 2, n)
    for i, p in enumerate(rng.integers(1, 10, n)):
        if y[i]:
            x[i, :, p:p + 2, 0] += 1
        else:
            x[i, p:p + 2, :, 0] += 1
    return x, y


def test_small_cnn_learns_bar_orientation():
    # Orientation at any offset needs translation-equivariant features: a CNN learns it in a
    # few epochs and generalizes to fresh images.
    import keras_like as keras

    keras.utils.set_random_seed(1)
    model = keras.Sequential([
        keras.Input((12, 12, 1)), layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(), layers.Conv2D(8, 3, activation="relu", padding="same"),
        layers.AveragePooling2D(5), layers.Flatten(), layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.Adam(0.01))
    x, y = _bars(128, 0)
    model.fit(x, y, batch_size=16, epochs=6, verbose=0)
    x_test, y_test = _bars(200, 1)
    accuracy = np.mean(np.argmax(model.predict(x_test, verbose=0), -1) == y_test)
    assert accuracy > 0.95, accuracy
