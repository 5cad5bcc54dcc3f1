"""Merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot) against
NumPy: eager and functional calls, shapes, masks, errors, configs, gradients and training."""

import json
import os

import numpy as np
import pytest
from helpers import check_op, random_array, run_layer_test

import keras_like as keras
from keras_like import layers, models, ops

DATA = os.path.join(os.path.dirname(__file__), "..", "data")


def np_dot(a, b, axes):
    """Keras's reference: per-sample tensordot; a rank-1 result gets a trailing axis."""
    if isinstance(axes, int):
        axes = (axes, axes)
    axes = [axis if axis < 0 else axis - 1 for axis in axes]
    res = np.stack([np.tensordot(a[i], b[i], axes) for i in range(a.shape[0])])
    return res[:, None] if res.ndim == 1 else res


def np_l2(x, axis):
    return x / np.sqrt(np.sum(x * x, axis=axis, keepdims=True))


CASES = [
    ("add", layers.Add, {}, lambda a, b: a + b, (2, 4, 5), (2, 4, 5)),
    ("subtract", layers.Subtract, {}, lambda a, b: a - b, (2, 4, 5), (2, 4, 5)),
    ("multiply", layers.Multiply, {}, lambda a, b: a * b, (2, 4, 5), (2, 4, 5)),
    ("average", layers.Average, {}, lambda a, b: (a + b) * 0.5, (2, 4, 5), (2, 4, 5)),
    ("maximum", layers.Maximum, {}, np.maximum, (2, 4, 5), (2, 4, 5)),
    ("minimum", layers.Minimum, {}, np.minimum, (2, 4, 5), (2, 4, 5)),
    ("concat", layers.Concatenate, {"axis": -1},
     lambda a, b: np.concatenate([a, b], axis=-1), (2, 4, 5), (2, 4, 10)),
    ("concat_axis1", layers.Concatenate, {"axis": 1},
     lambda a, b: np.concatenate([a, b], axis=1), (2, 4, 5), (2, 8, 5)),
    ("dot_2d", layers.Dot, {"axes": -1}, lambda a, b: np_dot(a, b, -1), (2, 4), (2, 1)),
    ("dot_3d", layers.Dot, {"axes": -1}, lambda a, b: np_dot(a, b, -1), (2, 4, 5), (2, 4, 4)),
    ("dot_axes_pair", layers.Dot, {"axes": (1, 1)}, lambda a, b: np_dot(a, b, (1, 1)),
     (2, 4, 5), (2, 5, 5)),
    ("dot_normalize", layers.Dot, {"axes": 1, "normalize": True},
     lambda a, b: np_dot(np_l2(a, 1), np_l2(b, 1), 1), (3, 6), (3, 1)),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("name,cls,kwargs,np_fn,shape,out_shape", CASES, ids=IDS)
def test_eager_matches_numpy(name, cls, kwargs, np_fn, shape, out_shape):
    x1, x2 = random_array(shape), random_array(shape)
    layer = cls(**kwargs)
    out = layer([x1, x2])
    assert layer.built
    assert tuple(out.shape) == out_shape
    np.testing.assert_allclose(out.numpy(), np_fn(x1, x2), rtol=1e-5, atol=1e-5)
    assert layer.weights == []
    assert layer.supports_masking
    assert layer.compute_output_shape([shape, shape]) == out_shape


@pytest.mark.parametrize("static", [True, False], ids=["static_batch", "dynamic_batch"])
@pytest.mark.parametrize("name,cls,kwargs,np_fn,shape,out_shape", CASES, ids=IDS)
def test_functional_model_matches_numpy(name, cls, kwargs, np_fn, shape, out_shape, static):
    batch = shape[0] if static else None
    in1 = layers.Input(shape=shape[1:], batch_size=batch)
    in2 = layers.Input(shape=shape[1:], batch_size=batch)
    layer = cls(**kwargs)
    out = layer([in1, in2])
    assert out.shape == (batch, *out_shape[1:])
    model = models.Model([in1, in2], out)
    x1, x2 = random_array(shape), random_array(shape)
    res = model([x1, x2])
    np.testing.assert_allclose(res.numpy(), np_fn(x1, x2), rtol=1e-5, atol=1e-5)
    assert layer.compute_mask([in1, in2], [None, None]) is None


@pytest.mark.parametrize("name,cls,kwargs,np_fn,shape,out_shape", CASES, ids=IDS)
def test_layer_contract(name, cls, kwargs, np_fn, shape, out_shape):
    run_layer_test(cls, init_kwargs=kwargs, input_shape=[shape, shape],
                   reference=lambda xs: np_fn(*xs), expected_output_shape=out_shape,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   supports_masking=True, rtol=1e-5, atol=1e-6)


THREE_INPUTS = [(layers.Add, lambda xs: xs[0] + xs[1] + xs[2]),
                (layers.Multiply, lambda xs: xs[0] * xs[1] * xs[2]),
                (layers.Average, lambda xs: (xs[0] + xs[1] + xs[2]) / 3),
                (layers.Maximum, lambda xs: np.maximum(np.maximum(xs[0], xs[1]), xs[2])),
                (layers.Minimum, lambda xs: np.minimum(np.minimum(xs[0], xs[1]), xs[2])),
                (layers.Concatenate, lambda xs: np.concatenate(xs, axis=-1))]


@pytest.mark.parametrize("cls,np_fn", THREE_INPUTS, ids=[c[0].__name__ for c in THREE_INPUTS])
def test_layer_contract_three_inputs(cls, np_fn):
    run_layer_test(cls, input_shape=[(2, 3), (2, 3), (2, 3)], reference=np_fn, rtol=1e-5,
                   atol=1e-6)


@pytest.mark.parametrize("name,cls,kwargs,np_fn,shape,out_shape", CASES, ids=IDS)
def test_gradients_match_finite_differences(name, cls, kwargs, np_fn, shape, out_shape):
    layer = cls(dtype="float64", **kwargs)
    check_op(lambda a, b: layer([a, b]), np_fn, [shape, shape], dtype="float64", low=0.2,
             high=2.0)


def test_three_inputs_and_functional_forms():
    xs = [random_array((3, 4)) for _ in range(3)]
    expected = {
        "add": xs[0] + xs[1] + xs[2], "multiply": xs[0] * xs[1] * xs[2],
        "average": (xs[0] + xs[1] + xs[2]) / 3, "maximum": np.maximum.reduce(xs),
        "minimum": np.minimum.reduce(xs), "concatenate": np.concatenate(xs, axis=-1),
    }
    for fname, value in expected.items():
        out = getattr(layers, fname)(xs)
        np.testing.assert_allclose(out.numpy(), value, rtol=1e-5, atol=1e-6, err_msg=fname)
    np.testing.assert_allclose(layers.subtract(xs[:2]).numpy(), xs[0] - xs[1], rtol=1e-6)
    np.testing.assert_allclose(layers.dot(xs[:2], axes=1).numpy(), np_dot(xs[0], xs[1], 1),
                               rtol=1e-5)
    np.testing.assert_allclose(layers.concatenate(xs[:2], axis=0).numpy(),
                               np.concatenate(xs[:2], axis=0))
    # Standard layer kwargs pass through the functional forms.
    a, b = layers.Input(shape=(4,)), layers.Input(shape=(4,))
    out = layers.add([a, b], name="my_sum")
    assert out._keras_history[0].name == "my_sum"
    assert isinstance(out._keras_history[0], layers.Add)


def test_broadcasting_across_ranks():
    x1, x2 = random_array((2, 3, 4)), random_array((2, 4))
    out = layers.Add()([x1, x2])
    np.testing.assert_allclose(out.numpy(), x1 + x2[:, None, :], rtol=1e-6)
    a, b = layers.Input(shape=(3, 4)), layers.Input(shape=(4,))
    assert layers.Maximum()([a, b]).shape == (None, 3, 4)
    assert layers.Multiply()([layers.Input(shape=(3, 1)), layers.Input(shape=(3, 4))]).shape \
        == (None, 3, 4)
    assert layers.Add().compute_output_shape([(None, 3, 1), (None, 3, 4)]) == (None, 3, 4)


def test_dot_higher_rank():
    a_shape, b_shape = (1, 3, 2), (1, 1, 2, 3)
    a, b = layers.Input(batch_shape=a_shape), layers.Input(batch_shape=b_shape)
    assert layers.Dot(axes=(-2, -1))([a, b]).shape == (1, 2, 1, 2)
    xa, xb = random_array(a_shape), random_array(b_shape)
    out = layers.Dot(axes=(-2, -1))([xa, xb])
    np.testing.assert_allclose(out.numpy(), np_dot(xa, xb, (-2, -1)), rtol=1e-5, atol=1e-6)
    assert layers.Dot(axes=(1, 2)).compute_output_shape([(None, 3, 5), (None, 10, 3)]) == \
        (None, 5, 10)


def test_concatenate_mixed_and_unknown_shapes():
    x1, x2 = np.ones((1, 1, 1, 1, 5), "float32"), np.ones((1, 1, 1, 1, 4), "float32")
    assert tuple(layers.Concatenate(axis=-1)([x1, x2]).shape) == (1, 1, 1, 1, 9)
    a, b = layers.Input(shape=(None, 3)), layers.Input(shape=(4, 3))
    assert layers.Concatenate(axis=1)([a, b]).shape == (None, None, 3)
    assert layers.Concatenate(axis=1).compute_output_shape([(None, None, 3), (None, 4, 3)]) == \
        (None, None, 3)
    assert layers.Concatenate().compute_output_shape([(None, 2, 3), (None, 2, 4)]) == (None, 2, 7)


# ---- masks -----------------------------------------------------------------------------------


def masked(values):
    """A tensor with the mask `Masking(0.0)` would give it (a step is valid if any value != 0)."""
    x = ops.convert_to_tensor(np.asarray(values, dtype="float32"))
    x._keras_mask = ops.any(ops.not_equal(x, 0.0), axis=-1)
    return x


def out_mask(out):
    mask = getattr(out, "_keras_mask", None)
    return None if mask is None else ops.convert_to_numpy(mask)


A = [[[0, 0], [1, 2], [0, 0], [3, 4]]]
B = [[[0, 0], [0, 0], [1, 2], [3, 4]]]


@pytest.mark.parametrize("cls,one_mask,both_masks", [
    (layers.Add, [[[0, 0], [1, 2], [1, 2], [6, 8]]], [[[0, 0], [1, 2], [1, 2], [6, 8]]]),
    (layers.Subtract, [[[0, 0], [1, 2], [-1, -2], [0, 0]]], [[[0, 0], [1, 2], [-1, -2], [0, 0]]]),
    (layers.Average, [[[0, 0], [0.5, 1], [0.5, 1], [3, 4]]],
     [[[0, 0], [0.5, 1], [0.5, 1], [3, 4]]]),
    # Masked-out steps count as 1 in a product and as "absent" in a minimum.
    (layers.Multiply, [[[0, 0], [0, 0], [1, 2], [9, 16]]], [[[0, 0], [1, 2], [1, 2], [9, 16]]]),
    (layers.Minimum, [[[0, 0], [0, 0], [1, 2], [3, 4]]], [[[0, 0], [1, 2], [1, 2], [3, 4]]]),
], ids=lambda v: getattr(v, "__name__", ""))
def test_masked_merges(cls, one_mask, both_masks):
    x2 = ops.convert_to_tensor(np.asarray(B, "float32"))
    out = cls()([masked(A), x2])
    np.testing.assert_allclose(out.numpy(), one_mask)
    assert out_mask(out) is None  # one unmasked input: no output mask
    out = cls()([masked(A), masked(B)])
    np.testing.assert_allclose(out.numpy(), both_masks)
    np.testing.assert_array_equal(out_mask(out), [[False, True, True, True]])


def test_masked_maximum():
    a = [[[0, 0], [-1, -2], [0, 0], [-3, -4]]]
    b = [[[0, 0], [0, 0], [-1, -2], [-3, -4]]]
    out = layers.Maximum()([masked(a), ops.convert_to_tensor(np.asarray(b, "float32"))])
    np.testing.assert_allclose(out.numpy(), [[[0, 0], [0, 0], [-1, -2], [-3, -4]]])
    assert out_mask(out) is None
    out = layers.Maximum()([masked(a), masked(b)])
    np.testing.assert_allclose(out.numpy(), [[[0, 0], [-1, -2], [-1, -2], [-3, -4]]])
    np.testing.assert_array_equal(out_mask(out), [[False, True, True, True]])


def test_concatenate_masks():
    x2 = ops.convert_to_tensor(np.asarray(B, "float32"))
    out = layers.Concatenate(axis=1)([masked(A), x2])
    np.testing.assert_allclose(out.numpy(), np.concatenate([A, B], axis=1))
    np.testing.assert_array_equal(out_mask(out), [[0, 1, 0, 1, 1, 1, 1, 1]])
    out = layers.Concatenate(axis=2)([masked(A), x2])
    np.testing.assert_allclose(out.numpy(), np.concatenate([A, B], axis=2))
    np.testing.assert_array_equal(out_mask(out), [[1, 1, 1, 1]])
    ones = np.ones((2, 4), bool)
    mask = layers.Concatenate().compute_mask([random_array((2, 4, 5))] * 2, [ones, ones])
    assert ops.convert_to_numpy(mask).all()


def test_dot_drops_masks():
    out = layers.Dot(axes=-1)([masked(A), masked(B)])
    assert out_mask(out) is None
    assert layers.Dot(axes=-1).compute_mask([None, None], [np.ones(2), np.ones(2)]) is None


def test_masks_flow_through_a_functional_model():
    if not hasattr(layers, "Masking"):
        pytest.skip("Masking layer not available")
    in1, in2 = layers.Input(shape=(4, 2)), layers.Input(shape=(4, 2))
    out = layers.Concatenate(axis=1)([layers.Masking()(in1), in2])
    model = models.Model([in1, in2], out)
    res = model([np.asarray(A, "float32"), np.asarray(B, "float32")])
    np.testing.assert_allclose(res.numpy(), np.concatenate([A, B], axis=1))
    np.testing.assert_array_equal(out_mask(res), [[0, 1, 0, 1, 1, 1, 1, 1]])


@pytest.mark.parametrize("cls,kwargs", [
    (layers.Add, {}), (layers.Multiply, {}), (layers.Concatenate, {}), (layers.Maximum, {})])
def test_compute_mask_errors(cls, kwargs):
    layer = cls(**kwargs)
    a, b = layers.Input(shape=(4, 5)), layers.Input(shape=(4, 5))
    with pytest.raises(ValueError, match="`mask` should be a list."):
        layer.compute_mask([a, b], np.ones((2, 4)))
    with pytest.raises(ValueError, match="`inputs` should be a list."):
        layer.compute_mask(a, [None, None])
    with pytest.raises(ValueError, match=" should have the same length."):
        layer.compute_mask([a, b], [None])


# ---- errors ----------------------------------------------------------------------------------


def test_merge_needs_a_list():
    with pytest.raises(ValueError, match="A merge layer should be called on a list of inputs"):
        layers.Add()(random_array((2, 3)))
    with pytest.raises(ValueError, match="A merge layer should be called on a list of inputs"):
        layers.Add()(layers.Input(shape=(3,)))
    layer = layers.Add()
    layer.build([(2, 3), (2, 3)])
    with pytest.raises(ValueError, match="not a list of tensors"):
        layer.call(ops.ones((2, 3)))


def test_merge_shape_errors():
    with pytest.raises(ValueError, match=r"Inputs have incompatible shapes. Received shapes "
                                         r"\(3,\) and \(4,\)"):
        layers.Add()([layers.Input(shape=(3,)), layers.Input(shape=(4,))])
    with pytest.raises(ValueError, match="Cannot merge tensors with different batch sizes"):
        layers.Average()([random_array((2, 3)), random_array((3, 3))])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([layers.Input(shape=(3,))] * 3)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([layers.Input(shape=(3,))])


def test_concatenate_errors():
    with pytest.raises(ValueError, match="requires inputs with matching shapes except for the "
                                         "concatenation axis"):
        layers.Concatenate(axis=-1)([np.ones((1, 2, 1, 1, 5)), np.ones((1, 1, 1, 1, 4))])
    with pytest.raises(ValueError, match="requires inputs with matching shapes"):
        layers.Concatenate(axis=1)([np.ones((1, 2, 1, 2, 1)), np.ones((1, 1, 1, 3, 1))])
    with pytest.raises(ValueError, match="requires inputs with matching shapes"):
        layers.Concatenate()([layers.Input(shape=(2, 3)), layers.Input(shape=(3,))])
    with pytest.raises(ValueError, match="should be called on a list of at least 1 input"):
        layers.Concatenate()(layers.Input(shape=(3,)))


def test_dot_errors():
    with pytest.raises(TypeError, match="Invalid type for argument `axes`"):
        layers.Dot(axes="1")
    with pytest.raises(ValueError, match="it should contain two elements"):
        layers.Dot(axes=(1, 2, 3))
    with pytest.raises(ValueError, match="list elements should be integers"):
        layers.Dot(axes=(1, 2.0))
    with pytest.raises(ValueError, match=r"Incompatible input shapes: axis values 3 \(at axis 1\)"
                                         r" != 4 \(at axis 1\)"):
        layers.Dot(axes=1)([layers.Input(shape=(3,)), layers.Input(shape=(4,))])
    with pytest.raises(ValueError, match="should be called on a list of 2 inputs"):
        layers.Dot(axes=1)([layers.Input(shape=(3,))] * 3)
    with pytest.raises(ValueError, match="Cannot perform batch_dot over axis 0"):
        layers.Dot(axes=0)([random_array((2, 3)), random_array((2, 3))])


# ---- configs ---------------------------------------------------------------------------------


def keras_entries():
    with open(os.path.join(DATA, "keras_f4_config.json")) as f:
        config = json.load(f)["config"]
    return {entry["class_name"]: entry for entry in config["layers"]}


@pytest.mark.parametrize("name,cls,kwargs,np_fn,shape,out_shape", CASES, ids=IDS)
def test_config_round_trip(name, cls, kwargs, np_fn, shape, out_shape):
    layer = cls(**kwargs)
    layer([random_array(shape), random_array(shape)])
    config = layer.get_config()
    expected_keys = ["name", "trainable", "dtype"] + {
        layers.Concatenate: ["axis"], layers.Dot: ["axes", "normalize"]}.get(cls, [])
    assert list(config) == expected_keys
    clone = cls.from_config(config)
    assert clone.get_config() == config
    x1, x2 = random_array(shape), random_array(shape)
    np.testing.assert_allclose(clone([x1, x2]).numpy(), layer([x1, x2]).numpy())
    assert layer.get_build_config() == {"input_shape": [list(shape), list(shape)]}
    rebuilt = cls.from_config(config)
    rebuilt.build_from_config(layer.get_build_config())
    assert rebuilt.built


def test_configs_match_real_keras():
    entries = keras_entries()
    for cls, kwargs, inputs in [(layers.Add, {"name": "residual"}, [(None, 16), (None, 16)]),
                                (layers.Concatenate, {"name": "concat"}, [(None, 16), (None, 8)])]:
        keras_entry = entries[cls.__name__]
        layer = cls(**kwargs)
        layer([layers.Input(batch_shape=s) for s in inputs])
        entry = keras.saving.serialize_keras_object(layer)
        keras_config = dict(keras_entry["config"])
        keras_config["dtype"] = {k: v for k, v in keras_config["dtype"].items()
                                 if k != "shared_object_id"}
        assert entry["module"] == keras_entry["module"] == "keras.layers"
        assert entry["config"] == keras_config
        assert layer.get_build_config() == keras_entry["build_config"]
        revived = keras.saving.deserialize_keras_object(keras_entry)
        assert isinstance(revived, cls) and revived.name == kwargs["name"] and revived.built


# ---- training --------------------------------------------------------------------------------


@pytest.mark.parametrize("merge", [layers.Add, layers.Multiply, layers.Average, layers.Maximum,
                                   layers.Concatenate, layers.Subtract])
def test_training_through_a_merge(merge):
    keras.utils.set_random_seed(3)
    in1, in2 = layers.Input(shape=(4,)), layers.Input(shape=(4,))
    d1, d2 = layers.Dense(3), layers.Dense(3)
    out = layers.Dense(1)(merge()([d1(in1), d2(in2)]))
    model = models.Model([in1, in2], out)
    model.compile(optimizer="sgd", loss="mse")
    x1, x2 = random_array((16, 4)), random_array((16, 4))
    y = np.sum(x1, axis=1, keepdims=True) - np.sum(x2, axis=1, keepdims=True)
    before = [w.numpy().copy() for w in d1.weights + d2.weights]
    losses = [float(model.train_on_batch([x1, x2], y)) for _ in range(5)]
    after = [w.numpy() for w in d1.weights + d2.weights]
    # Gradients reach both branches through the merge, and the loss goes down.
    assert all(not np.array_equal(b, a) for b, a in zip(before, after))
    assert losses[-1] < losses[0]


def test_dot_cosine_model_trains():
    keras.utils.set_random_seed(5)
    in1, in2 = layers.Input(shape=(6,)), layers.Input(shape=(6,))
    shared = layers.Dense(4)
    sim = layers.Dot(axes=1, normalize=True)([shared(in1), shared(in2)])
    model = models.Model([in1, in2], sim)
    x1, x2 = random_array((8, 6)), random_array((8, 6))
    res = model.predict([x1, x2], verbose=0)
    w, b = shared.get_weights()
    e1, e2 = x1 @ w + b, x2 @ w + b
    np.testing.assert_allclose(res, np_dot(np_l2(e1, 1), np_l2(e2, 1), 1), rtol=1e-4,
                               atol=1e-5)
    assert np.all(np.abs(res) <= 1 + 1e-5)
    model.compile(optimizer="sgd", loss="mse")
    before = shared.get_weights()[0].copy()
    model.train_on_batch([x1, x2], np.ones((8, 1), "float32"))
    assert not np.array_equal(before, shared.get_weights()[0])
