"""Every public class rebuilds from its config, and the configs are the ones real Keras writes.

The classes are found by walking the public modules, so a new class without a working config
fails here. Each object goes `serialize_keras_object` -> JSON -> `deserialize_keras_object`,
and `from_config(get_config())` through JSON; both must give the same config again (and no
warning about unknown keys: a config must only hold what the constructor takes) and, for
layers, the same outputs once the original's weights are copied.

Oracles from real Keras 3.15.1: `data/keras_layer_catalog.json` (the configs and variable
layout it writes per layer type), the compile configs of f1/f2.keras and the tf.keras 2.21
configs of k2_f1/k2_f2.h5 (../shared/FORMATS.md §1.3, §1.4, §3.2, §3.5).
"""

import inspect
import json
import os
import warnings

import numpy as np
import pytest
from config_check import to_json_like

import keras_like as keras
from keras_like import (
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    regularizers,
)
from keras_like.optimizers import schedules
from keras_like.saving import deserialize_keras_object, serialize_keras_object
from keras_like.utils.config_keys import accepted_keys, known_kwargs

DATA = os.path.join(os.path.dirname(__file__), "..", "data")
UNKNOWN_KEYS_WARNING = "ignores config keys"

FAMILIES = {
    "layers": (layers, layers.Layer),
    "optimizers": (optimizers, optimizers.Optimizer),
    "losses": (losses, losses.Loss),
    "metrics": (metrics, metrics.Metric),
    "initializers": (initializers, initializers.Initializer),
    "regularizers": (regularizers, regularizers.Regularizer),
    "constraints": (constraints, constraints.Constraint),
    "schedules": (schedules, schedules.LearningRateSchedule),
    "models": (models, layers.Layer),
}


def _public_classes(family):
    """`{"family.Name": class}` for the classes the public module exports (aliases once)."""
    module, base = FAMILIES[family]
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n[0] == "_"]
    found = {}
    for name in sorted(names):
        obj = getattr(module, name)
        if inspect.isclass(obj) and issubclass(obj, base):
            # An alias (`initializers.glorot_uniform`) is listed under the class's own name.
            found[obj] = name if name == obj.__name__ or obj not in found else found[obj]
    return {f"{family}.{name}": cls for cls, name in found.items()}


CLASSES = {key: cls for family in FAMILIES for key, cls in _public_classes(family).items()}

# Constructor arguments: the required ones, and values other than the defaults so that a
# config entry that is dropped or mis-read shows. Classes not listed are built with no
# arguments.
ARGS = {
    "optimizers.Optimizer": dict(learning_rate=0.1),
    "optimizers.Adam": dict(learning_rate=0.01, beta_1=0.8, amsgrad=True, clipnorm=1.0),
    "optimizers.SGD": dict(learning_rate=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "optimizers.RMSprop": dict(rho=0.8, centered=True, use_ema=True),
    "optimizers.Adagrad": dict(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.9)),
    "losses.LossFunctionWrapper": dict(fn=losses.huber, delta=2.0, name="huber_wrap"),
    "losses.Huber": dict(delta=2.0, reduction="sum"),
    "losses.BinaryCrossentropy": dict(from_logits=True, label_smoothing=0.1),
    "losses.SparseCategoricalCrossentropy": dict(from_logits=True, ignore_class=0),
    "metrics.AUC": dict(num_thresholds=50, curve="PR"),
    "metrics.IoU": dict(num_classes=3, target_class_ids=[0, 2]),
    "metrics.MeanIoU": dict(num_classes=3),
    "metrics.MeanMetricWrapper": dict(fn=metrics.binary_accuracy, name="acc"),
    "metrics.OneHotIoU": dict(num_classes=3, target_class_ids=[1]),
    "metrics.OneHotMeanIoU": dict(num_classes=3),
    "metrics.PrecisionAtRecall": dict(recall=0.5),
    "metrics.RecallAtPrecision": dict(precision=0.5),
    "metrics.SensitivityAtSpecificity": dict(specificity=0.5),
    "metrics.SpecificityAtSensitivity": dict(sensitivity=0.5),
    "metrics.TopKCategoricalAccuracy": dict(k=2),
    "initializers.Constant": dict(value=3.0),
    "initializers.Identity": dict(gain=2.0),
    "initializers.GlorotNormal": dict(seed=1),
    "initializers.GlorotUniform": dict(seed=2),
    "initializers.HeNormal": dict(seed=3),
    "initializers.HeUniform": dict(seed=4),
    "initializers.LecunNormal": dict(seed=5),
    "initializers.LecunUniform": dict(seed=6),
    "initializers.Orthogonal": dict(gain=0.5, seed=7),
    "initializers.RandomInitializer": dict(seed=8),
    "initializers.RandomNormal": dict(mean=1.0, stddev=0.5, seed=9),
    "initializers.RandomUniform": dict(minval=-1.0, maxval=2.0, seed=10),
    "initializers.TruncatedNormal": dict(mean=0.5, stddev=2.0, seed=11),
    "initializers.VarianceScaling": dict(scale=2.0, mode="fan_out", distribution="uniform",
                                         seed=12),
    "regularizers.L1": dict(l1=0.1),
    "regularizers.L2": dict(l2=0.2),
    "regularizers.L1L2": dict(l1=0.1, l2=0.2),
    "regularizers.OrthogonalRegularizer": dict(factor=0.1, mode="columns"),
    "constraints.MaxNorm": dict(max_value=2.0, axis=1),
    "constraints.MinMaxNorm": dict(min_value=0.5, max_value=2.0, rate=0.5, axis=1),
    "constraints.UnitNorm": dict(axis=1),
    "schedules.CosineDecay": dict(initial_learning_rate=0.1, decay_steps=10, alpha=0.1),
    "schedules.CosineDecayRestarts": dict(initial_learning_rate=0.1, first_decay_steps=10),
    "schedules.ExponentialDecay": dict(initial_learning_rate=0.1, decay_steps=10,
                                       decay_rate=0.9, staircase=True),
    "schedules.InverseTimeDecay": dict(initial_learning_rate=0.1, decay_steps=10,
                                       decay_rate=0.5),
    "schedules.PiecewiseConstantDecay": dict(boundaries=[2, 5], values=[0.1, 0.05, 0.01]),
    "schedules.PolynomialDecay": dict(initial_learning_rate=0.1, decay_steps=10, power=2.0),
}

# Layer constructor arguments (as ARGS) and the input each layer is called on (None: the
# layer is not called).
LAYERS = {
    "Activation": (dict(activation="tanh"), "x"),
    "LSTM": (dict(units=3, return_sequences=True, go_backwards=True, dropout=0.1, seed=2), "x3"),
    "GRU": (dict(units=3, reset_after=False, return_state=True), "x3"),
    "SimpleRNN": (dict(units=3, activation="relu", unroll=True), "x3"),
    "LSTMCell": (dict(units=3, unit_forget_bias=False), None),
    "GRUCell": (dict(units=3, recurrent_dropout=0.2), None),
    "SimpleRNNCell": (dict(units=3, use_bias=False), None),
    "RNN": (dict(cell=layers.GRUCell(2), return_sequences=True), "x3"),
    "StackedRNNCells": (dict(cells=[layers.LSTMCell(2), layers.SimpleRNNCell(3)]), None),
    "ConvLSTM1D": (dict(filters=2, kernel_size=2, padding="same", return_sequences=True), "x4"),
    "ConvLSTM2D": (dict(filters=2, kernel_size=(2, 1), strides=2, go_backwards=True,
                        dropout=0.1, seed=3), "x5"),
    "ConvLSTM3D": (dict(filters=2, kernel_size=2, data_format="channels_first",
                        unit_forget_bias=False), None),
    "ActivityRegularization": (dict(l1=0.1, l2=0.2), "x"),
    "AlphaDropout": (dict(rate=0.3, seed=3), "x"),
    "BatchNormalization": (dict(momentum=0.9, epsilon=0.01, center=False,
                                gamma_regularizer="l2", moving_variance_initializer="zeros",
                                renorm=True, renorm_clipping={"rmax": 2.0}), "x"),
    "CategoryEncoding": (dict(num_tokens=5, output_mode="count"), "ints"),
    "Concatenate": (dict(axis=1), "pair"),
    "Cropping1D": (dict(cropping=(1, 1)), "x3"),
    "Cropping2D": (dict(cropping=((1, 0), (1, 2)), data_format="channels_last"), "x4"),
    "Cropping3D": (dict(cropping=((0, 1), (1, 1), (1, 2))), "x5"),
    "Discretization": (dict(bin_boundaries=[-0.5, 0.0, 0.7], output_mode="one_hot"), "x"),
    "Dense": (dict(units=4, activation="relu", kernel_regularizer="l2",
                   bias_constraint="non_neg", kernel_initializer="he_normal"), "x"),
    "Dot": (dict(axes=1, normalize=True), "pair"),
    "Dropout": (dict(rate=0.25, noise_shape=(None, 1), seed=5), "x"),
    "ELU": (dict(alpha=0.5), "x"),
    "EinsumDense": (dict(equation="ab,bc->ac", output_shape=4, bias_axes="c",
                         activation="relu"), "x"),
    "Embedding": (dict(input_dim=6, output_dim=3, mask_zero=True,
                       embeddings_regularizer="l1"), "ints"),
    "Flatten": (dict(data_format="channels_first"), "x3"),
    "GaussianDropout": (dict(rate=0.2, seed=1), "x"),
    "GaussianNoise": (dict(stddev=0.2, seed=1), "x"),
    "GlobalAveragePooling1D": (dict(data_format="channels_first", keepdims=True), "x3"),
    "GlobalAveragePooling2D": (dict(keepdims=True), "x4"),
    "GlobalAveragePooling3D": (dict(data_format="channels_first"), "x5"),
    "GlobalMaxPooling1D": (dict(keepdims=True), "x3"),
    "GlobalMaxPooling2D": (dict(data_format="channels_first", keepdims=True), "x4"),
    "GlobalMaxPooling3D": (dict(keepdims=True), "x5"),
    "GroupNormalization": (dict(groups=2, epsilon=0.01, center=False,
                                gamma_constraint="non_neg"), "x3"),
    "InputLayer": (dict(shape=(3,), name="features", dtype="int32"), None),
    "IntegerLookup": (dict(vocabulary=[1, 2, 3], mask_token=0, output_mode="count"), "ints"),
    "Lambda": (dict(function=ops.square), "x"),
    "Layer": (dict(name="plain", trainable=False), None),
    "LayerNormalization": (dict(axis=[1, 2], epsilon=0.01, rms_scaling=True,
                                beta_regularizer="l1"), "x3"),
    "LeakyReLU": (dict(negative_slope=0.1), "x"),
    "Masking": (dict(mask_value=0.5), "x"),
    "Normalization": (dict(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0]), "x"),
    "PReLU": (dict(alpha_initializer="ones", shared_axes=[1]), "x3"),
    "Permute": (dict(dims=(2, 1)), "x3"),
    "RMSNormalization": (dict(axis=[1, 2], epsilon=1e-4), "x3"),
    "ReLU": (dict(max_value=2.0, negative_slope=0.1, threshold=0.5), "x"),
    "RepeatVector": (dict(n=3), "x"),
    "Rescaling": (dict(scale=2.0, offset=0.5), "x"),
    "Reshape": (dict(target_shape=(3, 1)), "x"),
    "Softmax": (dict(axis=-1), "x"),
    "SpatialDropout1D": (dict(rate=0.3, seed=2), "x3"),
    "SpatialDropout2D": (dict(rate=0.3, data_format="channels_first"), "x4"),
    "SpatialDropout3D": (dict(rate=0.3), "x5"),
    "StringLookup": (dict(vocabulary=["a", "b", "c"], num_oov_indices=0), "strings"),
    "TextVectorization": (dict(vocabulary=["a", "b", "c"], split=None, max_tokens=9), "strings"),
    "Hashing": (dict(num_bins=5, mask_value=0, output_mode="count"), "ints"),
    "HashedCrossing": (dict(num_bins=7, output_mode="one_hot"), None),
    "UnitNormalization": (dict(axis=-1), "x"),
    "UpSampling1D": (dict(size=3), "x3"),
    "UpSampling2D": (dict(size=(2, 3), data_format="channels_first",
                          interpolation="bilinear"), "x4"),
    "UpSampling3D": (dict(size=(1, 2, 3)), "x5"),
    "ZeroPadding1D": (dict(padding=(0, 2), data_format="channels_first"), "x3"),
    "ZeroPadding2D": (dict(padding=((1, 0), (2, 3))), "x4"),
    "ZeroPadding3D": (dict(padding=(1, 0, 2), data_format="channels_first"), "x5"),
    "AveragePooling1D": (dict(pool_size=3, strides=1, padding="same"), "x3"),
    "AveragePooling2D": (dict(pool_size=(2, 1), data_format="channels_first"), "x4"),
    "AveragePooling3D": (dict(pool_size=2, padding="same"), "x5"),
    "Conv1D": (dict(filters=2, kernel_size=2, padding="causal", dilation_rate=2), "x3"),
    "Conv1DTranspose": (dict(filters=2, kernel_size=3, strides=2, output_padding=1), "x3"),
    "Conv2D": (dict(filters=6, kernel_size=(2, 3), groups=3, padding="same",
                    data_format="channels_first", activation="relu",
                    kernel_regularizer="l2"), "x4"),
    "Conv2DTranspose": (dict(filters=3, kernel_size=2, strides=(1, 2), padding="same",
                             use_bias=False), "x4"),
    "Conv3D": (dict(filters=2, kernel_size=2, strides=(1, 2, 1), bias_constraint="non_neg"),
               "x5"),
    "Conv3DTranspose": (dict(filters=2, kernel_size=(1, 2, 2), dilation_rate=2), "x5"),
    "DepthwiseConv1D": (dict(kernel_size=2, depth_multiplier=2, strides=2), "x3"),
    "DepthwiseConv2D": (dict(kernel_size=(2, 3), padding="same", use_bias=False,
                             depthwise_regularizer="l1"), "x4"),
    "MaxPooling1D": (dict(pool_size=2, data_format="channels_first"), "x3"),
    "MaxPooling2D": (dict(pool_size=(2, 3), strides=1, padding="same"), "x4"),
    "MaxPooling3D": (dict(pool_size=(1, 2, 2)), "x5"),
    "SeparableConv1D": (dict(filters=3, kernel_size=2, depth_multiplier=2,
                             pointwise_initializer="he_normal"), "x3"),
    "SeparableConv2D": (dict(filters=2, kernel_size=2, strides=2,
                             data_format="channels_first"), "x4"),
    "CenterCrop": (dict(height=2, width=3, data_format="channels_last"), "x4"),
    "RandomBrightness": (dict(factor=(-0.2, 0.3), value_range=(-1, 1), seed=3), "x4"),
    "RandomContrast": (dict(factor=0.4, value_range=(-1, 1), seed=4), "x4"),
    "RandomCrop": (dict(height=2, width=3, seed=5), "x4"),
    "RandomFlip": (dict(mode="vertical", seed=6, data_format="channels_first"), "x4"),
    "RandomRotation": (dict(factor=(-0.1, 0.2), fill_mode="constant", fill_value=0.5,
                            interpolation="nearest", seed=7), "x4"),
    "RandomTranslation": (dict(height_factor=0.2, width_factor=(-0.1, 0.3), fill_mode="wrap",
                               seed=8), "x4"),
    "RandomZoom": (dict(height_factor=(-0.3, 0.2), width_factor=0.1, fill_mode="nearest",
                        seed=9), "x4"),
    "Resizing": (dict(height=5, width=2, interpolation="bicubic", crop_to_aspect_ratio=True,
                      antialias=True), "x4"),
}
for _name in ("Add", "Average", "Maximum", "Minimum", "Multiply", "Subtract"):
    LAYERS[_name] = ({}, "pair")
LAYERS.update({
    "Attention": (dict(use_scale=True, score_mode="concat", dropout=0.2, seed=1), "pair"),
    "AdditiveAttention": (dict(use_scale=False, dropout=0.1), "pair"),
    "MultiHeadAttention": (dict(num_heads=2, key_dim=3, value_dim=2, output_shape=5,
                                use_gate=True, sliding_window=2, attention_axes=(1,),
                                kernel_regularizer="l2", seed=4), "self_attention"),
    "GroupedQueryAttention": (dict(head_dim=2, num_query_heads=4, num_key_value_heads=2,
                                   use_bias=False, sliding_window=3, dropout=0.1),
                              "self_attention"),
})
LAYERS.update({
    "Bidirectional": (dict(layer=layers.LSTM(2, return_sequences=True), merge_mode="mul",
                           backward_layer=layers.SimpleRNN(2, return_sequences=True,
                                                           go_backwards=True)), "x3"),
    "TimeDistributed": (dict(layer=layers.Dense(2, activation="relu")), "x3"),
    "Wrapper": (dict(layer=layers.Dense(2)), None),  # abstract: no call
})

# Base classes whose get_config raises in Keras too: a subclass must write its own.
ABSTRACT = {"regularizers.Regularizer", "schedules.LearningRateSchedule"}


def _inputs(kind):
    rng = np.random.default_rng(0)
    shapes = {"x": (2, 3), "x3": (2, 3, 4), "x4": (2, 3, 4, 5), "x5": (2, 2, 3, 4, 5),
              "self_attention": (2, 3, 4)}
    if kind in shapes:
        return rng.uniform(-1.0, 1.0, shapes[kind]).astype("float32")
    if kind == "pair":
        return [rng.uniform(-1.0, 1.0, (2, 3)).astype("float32") for _ in range(2)]
    if kind == "strings":
        return np.array([["a", "c", "b"], ["c", "c", "a"]])
    assert kind == "ints", kind
    return rng.integers(0, 5, (2, 3)).astype("int32")


def _call(layer, kind):
    x = _inputs(kind)
    if kind == "strings":  # the engine has no string tensors: StringLookup takes NumPy
        return ops.convert_to_numpy(layer(x))
    x = [ops.convert_to_tensor(a) for a in x] if isinstance(x, list) else ops.convert_to_tensor(x)
    if kind == "self_attention":  # query and value as two arguments
        return ops.convert_to_numpy(layer(x, x, training=False))
    return ops.convert_to_numpy(layer(x, training=False))


def _no_unknown_key_warnings(caught):
    messages = [str(w.message) for w in caught if UNKNOWN_KEYS_WARNING in str(w.message)]
    assert not messages, f"get_config() wrote keys from_config does not take: {messages}"


def round_trip(obj):
    """The object rebuilt through the registry and through `from_config`, both via JSON."""
    stored = to_json_like(obj.get_config())
    entry = to_json_like(serialize_keras_object(obj))
    assert entry["config"] == stored
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        revived = deserialize_keras_object(entry)
        cloned = type(obj).from_config(json.loads(json.dumps(stored)))
    _no_unknown_key_warnings(caught)
    for other in (revived, cloned):
        assert type(other) is type(obj)
        assert to_json_like(other.get_config()) == stored, (
            f"{type(obj).__name__}: the rebuilt object's config differs:\n"
            f"{to_json_like(other.get_config())}\ninstead of\n{stored}")
    return revived, cloned


def test_every_public_family_is_enumerated():
    # A walk that finds nothing would make the parametrized tests below pass vacuously.
    counts = {family: sum(key.startswith(family + ".") for key in CLASSES) for family in FAMILIES}
    assert all(counts.values()), counts
    assert {"layers.Dense", "models.Sequential", "metrics.AUC", "losses.Huber",
            "schedules.CosineDecay", "initializers.Orthogonal"} <= set(CLASSES)
    assert "initializers.glorot_uniform" not in CLASSES  # aliases are listed once
    assert set(LAYERS) <= {k.split(".", 1)[1] for k in CLASSES if k.startswith("layers.")}
    assert set(ARGS) <= set(CLASSES)


@pytest.mark.parametrize("name", sorted(k.split(".", 1)[1] for k in CLASSES
                                        if k.startswith("layers.")))
def test_layer_round_trips(name):
    cls = CLASSES["layers." + name]
    kwargs, kind = LAYERS.get(name, ({}, "x"))
    layer = cls(**kwargs)
    expected = None if kind is None else _call(layer, kind)
    revived, cloned = round_trip(layer)
    if kind is None:
        return
    if layer.weights:
        # The revived layer was built from its build_config, with the same variables.
        assert revived.built
        assert [tuple(v.shape) for v in revived.weights] == \
               [tuple(v.shape) for v in layer.weights]
    for other in (revived, cloned):
        if not other.built:
            _call(other, kind)
        other.set_weights(layer.get_weights())
        np.testing.assert_array_equal(_call(other, kind), expected,
                                      err_msg=f"rebuilt {name} computes something else")


@pytest.mark.parametrize("key", sorted(k for k in CLASSES
                                       if not k.startswith(("layers.", "models."))))
def test_object_round_trips(key):
    cls = CLASSES[key]
    if key in ABSTRACT:
        with pytest.raises(NotImplementedError):
            cls().get_config()
        return
    obj = cls(**ARGS.get(key, {}))
    revived, cloned = round_trip(obj)
    family = key.split(".")[0]
    for other in (revived, cloned):
        _assert_same_behaviour(family, obj, other)


def _assert_same_behaviour(family, obj, other):
    w = np.linspace(-2.0, 2.0, 12, dtype="float32").reshape(3, 4)
    if family == "initializers" and type(obj).__call__ is not initializers.Initializer.__call__:
        # Seeded or deterministic initializers (see ARGS) draw the same values again.
        np.testing.assert_array_equal(ops.convert_to_numpy(other((3, 4))),
                                      ops.convert_to_numpy(obj((3, 4))))
    elif family in ("regularizers", "constraints"):
        np.testing.assert_allclose(ops.convert_to_numpy(other(ops.convert_to_tensor(w))),
                                   ops.convert_to_numpy(obj(ops.convert_to_tensor(w))),
                                   rtol=1e-6)
    elif family == "schedules":
        for step in (0, 3, 7, 20):
            assert float(other(step)) == float(obj(step))


# ---- models ----------------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="config_coverage")
class ScaledDense(keras.Model):
    """A subclassed model whose constructor argument comes back through get_config."""

    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale = units, scale
        self.dense = layers.Dense(units)

    def call(self, x):
        return self.dense(x) * self.scale

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}


def _sequential():
    return models.Sequential([layers.Input((3,)), layers.Dense(4, activation="relu"),
                              layers.Dropout(0.5), layers.Dense(2)], name="seq")


def _functional():
    a, b = layers.Input((3,), name="a"), layers.Input((3,), name="b")
    shared = layers.Dense(4, name="shared")
    x = layers.Concatenate()([shared(a), shared(b)])
    return models.Model([a, b], layers.Dense(2)(x), name="two_inputs")


def _nested():
    inner = _sequential()
    x = layers.Input((3,))
    return models.Model(x, layers.Dense(1)(inner(x)), name="outer")


MODELS = {
    "Sequential": (_sequential, "x"),
    "Functional": (_functional, "pair"),
    "Model": (lambda: ScaledDense(3, scale=0.5, name="scaled"), "x"),
    "nested": (_nested, "x"),
}


def test_every_model_class_has_a_case():
    assert {k.split(".", 1)[1] for k in CLASSES if k.startswith("models.")} <= set(MODELS)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_round_trips(name):
    build, kind = MODELS[name]
    model = build()
    expected = _call(model, kind)
    revived, cloned = round_trip(model)
    for other in (revived, cloned):
        if not other.built:
            _call(other, kind)
        other.set_weights(model.get_weights())
        np.testing.assert_array_equal(_call(other, kind), expected)


# ---- what real Keras writes -----------------------------------------------------------------

with open(os.path.join(DATA, "keras_layer_catalog.json")) as _f:
    CATALOG = {entry["title"]: entry for entry in json.load(_f)["layers"]}

# How each catalog entry's layer was made (read off its config): building the same layer
# here must give exactly Keras's config, so every default keras_like fills in is checked.
CATALOG_CALLS = {
    "Dense": lambda: layers.Dense(4, activation="relu", name="dense"),
    "Dense (with regularizer/constraint/custom init)": lambda: layers.Dense(
        4, kernel_initializer=initializers.HeNormal(seed=7),
        kernel_regularizer=regularizers.L2(0.01), bias_constraint=constraints.NonNeg(),
        name="dense_reg"),
    "Flatten": lambda: layers.Flatten(name="flatten"),
    "Dropout": lambda: layers.Dropout(0.5, name="dropout"),
    "Embedding": lambda: layers.Embedding(100, 16, name="embedding"),
    "Activation": lambda: layers.Activation("gelu", name="activation"),
    "Add": lambda: layers.Add(name="add"),
    "Concatenate": lambda: layers.Concatenate(name="concatenate"),
    "GlobalAveragePooling2D": lambda: layers.GlobalAveragePooling2D(name="gap"),
    "BatchNormalization": lambda: layers.BatchNormalization(name="bn"),
    "BatchNormalization (center=False)": lambda: layers.BatchNormalization(
        center=False, name="bn_nocenter"),
    "LayerNormalization": lambda: layers.LayerNormalization(name="ln"),
    "Conv2D": lambda: layers.Conv2D(8, 3, padding="same", activation="relu", name="conv2d"),
    "Conv2D (strides=2, no bias)": lambda: layers.Conv2D(16, 3, strides=2, use_bias=False,
                                                         name="conv2d_nb"),
    "MaxPooling2D": lambda: layers.MaxPooling2D(name="max_pooling2d"),
    "LSTM": lambda: layers.LSTM(8, return_sequences=True, name="lstm"),
    "GRU": lambda: layers.GRU(8, name="gru"),
    "GRU (reset_after=False)": lambda: layers.GRU(8, reset_after=False, name="gru_v1"),
    "SimpleRNN": lambda: layers.SimpleRNN(8, name="simple_rnn"),
    "MultiHeadAttention": lambda: layers.MultiHeadAttention(2, 8, name="mha"),
}


def _strip_ids(value):
    # `shared_object_id`s are CPython ids of the writing process (FORMATS.md §1.2).
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "shared_object_id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def test_catalog_calls_cover_every_layer_type_we_have():
    have = {t for t, e in CATALOG.items() if hasattr(layers, e["keras_config"]["class_name"])}
    assert have == set(CATALOG_CALLS)


def _build(layer, build_config):
    if "shapes_dict" in build_config:  # one argument per shape: query_shape -> query=
        layer(**{name[:-len("_shape")]: layers.Input(batch_shape=shape)
                 for name, shape in build_config["shapes_dict"].items()})
        return
    shape = build_config["input_shape"]
    several = shape and isinstance(shape[0], list)
    inputs = [layers.Input(batch_shape=s) for s in shape] if several else \
        layers.Input(batch_shape=shape)
    layer(inputs)


@pytest.mark.parametrize("title", sorted(CATALOG_CALLS))
def test_layer_config_is_what_keras_writes(title):
    keras_entry = _strip_ids(CATALOG[title]["keras_config"])
    layer = CATALOG_CALLS[title]()
    _build(layer, keras_entry["build_config"])
    assert to_json_like(serialize_keras_object(layer)) == keras_entry
    variables = [(v.path, list(v.shape)) for v in layer.weights]
    # A recurrent layer owns no variables itself: they live under its cell.
    expected = (CATALOG[title]["own_vars_in_vars_group_order"]
                or CATALOG[title]["all_weights_legacy_order"])
    assert variables == [(v["path"], v["shape"]) for v in expected]
    assert [v.trainable for v in layer.weights] == [
        v.get("trainable", True) for v in expected]


@pytest.mark.parametrize("title", sorted(CATALOG_CALLS))
def test_keras_layer_configs_load_and_write_back(title):
    keras_entry = _strip_ids(CATALOG[title]["keras_config"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = deserialize_keras_object(keras_entry)
        legacy = layers.deserialize(CATALOG[title]["legacy_h5_config"])
    _no_unknown_key_warnings(caught)
    assert layer.built  # from the build_config
    assert to_json_like(serialize_keras_object(layer)) == keras_entry
    assert to_json_like(legacy.get_config()) == keras_entry["config"]


# The config of an InputLayer as Keras writes it (FORMATS.md §1.3: bare-string dtype,
# `batch_shape`, no `trainable`), the compile configs of f1.keras and f2.keras, and the
# recurrent initializer of the catalog's LSTM (FORMATS.md §1.2).
KERAS_CONFIGS = [
    (lambda: layers.InputLayer(shape=(20,), name="features"),
     {"batch_shape": [None, 20], "dtype": "float32", "sparse": False, "ragged": False,
      "name": "features", "optional": False}),
    (lambda: optimizers.Adam(name="adam"),
     {"name": "adam", "learning_rate": 0.0010000000474974513, "weight_decay": None,
      "clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False,
      "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
      "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
      "amsgrad": False}),
    (lambda: optimizers.SGD(learning_rate=0.05, momentum=0.9, name="sgd"),
     {"name": "sgd", "learning_rate": 0.05000000074505806, "weight_decay": None,
      "clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False,
      "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
      "gradient_accumulation_steps": None, "momentum": 0.9, "nesterov": False}),
    (lambda: losses.SparseCategoricalCrossentropy(from_logits=True),
     {"name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size",
      "from_logits": True, "ignore_class": None}),
    (lambda: initializers.Orthogonal(), {"seed": None, "gain": 1.0}),
]


@pytest.mark.parametrize("make, expected", KERAS_CONFIGS,
                         ids=["InputLayer", "Adam", "SGD", "SparseCategoricalCrossentropy",
                              "Orthogonal"])
def test_default_configs_are_what_keras_writes(make, expected):
    obj = make()
    assert to_json_like(obj.get_config()) == expected
    revived, _ = round_trip(obj)
    assert to_json_like(revived.get_config()) == expected


# ---- config keys keras_like does not know ----------------------------------------------------

FUTURE_KEY = "key_from_a_newer_keras"


def _from_config_with(cls, config):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        obj = cls.from_config(config)
    return obj, [str(w.message) for w in caught if UNKNOWN_KEYS_WARNING in str(w.message)]


@pytest.mark.parametrize("key", sorted(k for k in CLASSES if k not in ABSTRACT))
def test_unknown_config_key_is_dropped_with_a_warning(key):
    cls = CLASSES[key]
    if key.startswith("layers."):
        kwargs = LAYERS.get(key.split(".", 1)[1], ({}, None))[0]
        obj = cls(**kwargs)
    elif key.startswith("models."):
        obj = MODELS[key.split(".", 1)[1]][0]()
    else:
        obj = cls(**ARGS.get(key, {}))
    stored = to_json_like(obj.get_config())
    if accepted_keys(cls) is None:
        # Wrappers hand unknown keys to their function: nothing to drop.
        assert key in ("losses.LossFunctionWrapper", "metrics.MeanMetricWrapper"), key
        return
    rebuilt, messages = _from_config_with(type(obj), {**stored, FUTURE_KEY: [1, 2]})
    assert to_json_like(rebuilt.get_config()) == stored
    assert len(messages) == 1 and FUTURE_KEY in messages[0] and \
        type(obj).__name__ in messages[0], messages


def test_direct_constructor_calls_stay_strict():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Dense"):
        layers.Dense(4, time_major=False)
    with pytest.raises(ValueError, match=r"Argument\(s\) not recognized"):
        optimizers.SGD(jit_compile=False)
    with pytest.raises(TypeError):
        losses.SparseCategoricalCrossentropy(fn="sparse_categorical_crossentropy")
    with pytest.raises(TypeError):
        initializers.GlorotUniform(dtype="float32")


def test_tf_keras_configs_load():
    """Configs tf.keras 2.21 wrote (k2_f1.h5, k2_f2.h5 training configs): unknown keys are
    dropped, `reduction="auto"` is Keras 3's default, `decay=0.0` (legacy optimizers) is
    ignored as Keras 3 ignores it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loss = deserialize_keras_object({"class_name": "SparseCategoricalCrossentropy", "config": {
            "reduction": "auto", "name": "sparse_categorical_crossentropy",
            "from_logits": True, "ignore_class": None, "fn": "sparse_categorical_crossentropy"}})
        metric = deserialize_keras_object({"class_name": "MeanMetricWrapper", "config": {
            "name": "accuracy", "dtype": "float32", "fn": "sparse_categorical_accuracy"}})
        sgd = deserialize_keras_object({"class_name": "SGD", "config": {
            "name": "SGD", "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
            "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
            "ema_overwrite_frequency": None, "jit_compile": False, "is_legacy_optimizer": False,
            "learning_rate": 0.05000000074505806, "momentum": 0.9, "nesterov": False}})
        adam = optimizers.Adam.from_config({"name": "Adam", "learning_rate": 0.001,
                                            "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999,
                                            "epsilon": 1e-07, "amsgrad": False})
    assert loss.get_config() == {"name": "sparse_categorical_crossentropy",
                                 "reduction": "sum_over_batch_size", "from_logits": True,
                                 "ignore_class": None}
    y_true, logits = np.array([1, 0]), np.array([[0.0, 2.0], [1.0, -1.0]], "float32")
    expected = np.log1p(np.exp(-2.0))  # -log softmax of the right class, for both samples
    np.testing.assert_allclose(float(loss(y_true, logits)), expected, rtol=1e-6)
    metric.update_state(np.array([1, 0]), np.array([[0.2, 0.8], [0.3, 0.7]], "float32"))
    assert float(metric.result()) == 0.5
    assert (sgd.momentum, sgd.name, adam.beta_1) == (0.9, "SGD", 0.9)
    messages = [str(w.message) for w in caught]
    assert any("SparseCategoricalCrossentropy" in m and "'fn'" in m for m in messages)
    assert any("SGD" in m and "'is_legacy_optimizer', 'jit_compile'" in m for m in messages)
    assert any("`decay` is no longer supported" in m for m in messages)


def test_tf_keras_layer_keys_are_dropped_in_a_model():
    """A tf.keras Sequential config: the first layer's `batch_input_shape` is taken, Dense's
    `activity_regularizer` is taken, keys added by other versions are dropped."""
    config = {"class_name": "Sequential", "config": {"name": "k2", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 3],
                                                "dtype": "float32", "sparse": False,
                                                "ragged": False, "name": "in"}},
        {"class_name": "Dense", "config": {"name": "d", "trainable": True, "dtype": "float32",
                                           "units": 2, "activation": "linear",
                                           "use_bias": True, "activity_regularizer": None,
                                           "time_major": False}}]}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = deserialize_keras_object(config)
    assert [m for m in map(str, (w.message for w in caught)) if UNKNOWN_KEYS_WARNING in m] \
        == ["Dense.from_config ignores config keys that Dense does not take (written by "
            "another Keras version?): ['time_major']"]
    assert model.get_layer("d").units == 2 and tuple(model.input_shape) == (None, 3)


class _PopsItsOwnKey(layers.Layer):
    def __init__(self, **kwargs):
        self.factor = kwargs.pop("factor")
        super().__init__(**kwargs)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class _Closed(layers.Layer):
    def __init__(self, size, name=None):
        super().__init__(name=name)
        self.size = size


def test_accepted_keys_follow_the_constructor_chain():
    dense = accepted_keys(layers.Dense)
    assert {"units", "kernel_initializer", "name", "dtype", "trainable",
            "activity_regularizer", "input_shape", "batch_input_shape"} <= dense
    assert "time_major" not in dense and "kwargs" not in dense
    # Model hands **kwargs to Layer.
    assert {"name", "trainable", "dtype", "batch_input_shape"} <= accepted_keys(models.Model)
    assert accepted_keys(optimizers.Adam) >= {"beta_1", "learning_rate", "name", "decay"}
    assert accepted_keys(initializers.Zeros) == frozenset()
    # A user's **kwargs may hold keys it pops itself: all go through.
    assert accepted_keys(_PopsItsOwnKey) is None
    layer = _PopsItsOwnKey.from_config({"name": "p", "factor": 3})
    assert layer.factor == 3
    assert accepted_keys(_Closed) == {"size", "name"}
    rebuilt, messages = _from_config_with(_Closed, {"size": 2, "name": "c", "trainable": True})
    assert rebuilt.size == 2 and messages == [
        "_Closed.from_config ignores config keys that _Closed does not take (written by "
        "another Keras version?): ['trainable']"]
    assert known_kwargs(_Closed, {"size": 1}) == {"size": 1}


class _MakesASublayer(layers.Layer):
    def __init__(self, sublayer_kwargs, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(2, **sublayer_kwargs)


def test_user_layers_forwarding_kwargs_drop_unknown_keys_at_layer():
    # ScaledDense's **kwargs may hold keys it pops, so its config goes through whole; the
    # key that reaches Layer.__init__ unknown is dropped there, for this one instance only.
    config = {**ScaledDense(3, scale=0.5, name="s").get_config(), FUTURE_KEY: True}
    model, messages = _from_config_with(ScaledDense, config)
    assert (model.units, model.scale, model.name) == (3, 0.5, "s")
    assert messages == [f"ScaledDense.from_config ignores config keys that ScaledDense does "
                        f"not take (written by another Keras version?): ['{FUTURE_KEY}']"]
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to ScaledDense"):
        ScaledDense(3, **{FUTURE_KEY: True})
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Dense"):
        _MakesASublayer.from_config({"name": "m", "sublayer_kwargs": {FUTURE_KEY: 1}})
    # The next construction outside from_config is strict again.
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        _PopsItsOwnKey(factor=1, **{FUTURE_KEY: 1})
