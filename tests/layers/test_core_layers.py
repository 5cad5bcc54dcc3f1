"""Core layers: Identity, Lambda, EinsumDense, Embedding, Masking (and UnitNormalization)."""

import numpy as np
import pytest
from helpers import check_op, random_array, run_layer_test

import keras_like as keras
from keras_like import layers, ops
from keras_like.saving import register_keras_serializable


def _np(x):
    return ops.convert_to_numpy(x)


# ---------------------------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------------------------


def test_identity_contract_and_values():
    x = random_array((3, 4))
    out = run_layer_test(layers.Identity, input_data=x, reference=lambda a: a,
                         expected_num_trainable_weights=0, supports_masking=True)
    assert out.shape == (3, 4)


def test_identity_passes_structures_and_masks():
    a, b = ops.ones((2, 3)), ops.zeros((2, 1))
    out = layers.Identity()([a, b])
    assert [tuple(t.shape) for t in out] == [(2, 3), (2, 1)]
    x = ops.ones((2, 3))
    x._keras_mask = ops.convert_to_tensor(np.array([[True, False, True], [False, True, True]]))
    y = layers.Identity()(x)
    np.testing.assert_array_equal(_np(y._keras_mask), _np(x._keras_mask))


# ---------------------------------------------------------------------------------------------
# Lambda
# ---------------------------------------------------------------------------------------------


@register_keras_serializable(package="test_core_layers")
def _double_plus(x, offset=0.0):
    return x * 2.0 + offset


def test_lambda_contract_with_registered_function():
    x = random_array((2, 3))
    run_layer_test(layers.Lambda, init_kwargs={"function": _double_plus,
                                               "arguments": {"offset": 1.5}},
                   input_data=x, reference=lambda a: a * 2.0 + 1.5, atol=1e-6)


def test_lambda_contract_with_ops_function():
    x = random_array((2, 3))
    run_layer_test(layers.Lambda, init_kwargs={"function": ops.square}, input_data=x,
                   reference=np.square)
    config = layers.Lambda(ops.square).get_config()
    # Written the way Keras writes a keras.ops function, so real Keras can resolve it.
    assert config["function"]["module"] == "keras.ops"
    assert config["function"]["config"] == "square"


def test_lambda_config_keys_like_keras():
    config = layers.Lambda(_double_plus).get_config()
    assert set(config) == {"name", "trainable", "dtype", "function", "arguments"}
    assert config["function"] == {"module": __name__, "class_name": "function",
                                  "config": "_double_plus",
                                  "registered_name": "test_core_layers>_double_plus"}
    config = layers.Lambda(_double_plus, output_shape=(3,), mask=None).get_config()
    assert config["output_shape"] == (3,)


def test_python_lambda_needs_unsafe_mode():
    scale = 3.0
    layer = layers.Lambda(lambda x, bias=1.0: x * scale + bias)
    config = layer.get_config()
    assert config["function"]["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="potential risk of arbitrary code execution"):
        layers.Lambda.from_config(config)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    clone = layers.Lambda.from_config(config, safe_mode=False)
    x = random_array((2, 3))
    np.testing.assert_allclose(_np(clone(x)), x * 3.0 + 1.0, rtol=1e-6)


def test_lambda_loaded_lambda_can_use_ops():
    layer = layers.Lambda(lambda x: ops.square(x) + 1.0)
    clone = layers.Lambda.from_config(layer.get_config(), safe_mode=False)
    x = random_array((2, 2))
    np.testing.assert_allclose(_np(clone(x)), x**2 + 1.0, rtol=1e-6)


def test_lambda_unknown_function_error():
    config = layers.Lambda(_double_plus).get_config()
    config["function"] = {"module": "somewhere", "class_name": "function", "config": "nope",
                          "registered_name": "nope"}
    with pytest.raises(ValueError, match="Could not locate function 'nope'"):
        layers.Lambda.from_config(config)


def test_lambda_output_shape_tuple_and_callable():
    inp = layers.Input(shape=(4,))
    out = layers.Lambda(lambda x: ops.reshape(x, (-1, 2, 2)), output_shape=(2, 2))(inp)
    assert out.shape == (None, 2, 2)
    out = layers.Lambda(lambda x: ops.concatenate([x, x], axis=-1),
                        output_shape=lambda s: (s[0], 2 * s[1]))(inp)
    assert out.shape == (None, 8)
    # Inferred when not given.
    out = layers.Lambda(lambda x: ops.sum(x, axis=-1, keepdims=True))(inp)
    assert out.shape == (None, 1)
    assert layers.Lambda(lambda x: x[:, :2]).compute_output_shape((None, 4)) == (None, 2)


def test_lambda_mask_and_training_arguments():
    seen = {}

    def fn(x, mask=None, training=None):
        seen["mask"], seen["training"] = mask, training
        return x

    x = ops.ones((2, 3))
    m = ops.convert_to_tensor(np.array([[True, False, True], [True, True, False]]))
    x._keras_mask = m
    layers.Lambda(fn)(x, training=True)
    assert seen["training"] is True
    np.testing.assert_array_equal(_np(seen["mask"]), _np(m))

    fixed = ops.convert_to_tensor(np.array([True, False]))
    y = layers.Lambda(lambda t: t, mask=fixed)(ops.ones((2, 3)))
    np.testing.assert_array_equal(_np(y._keras_mask), [True, False])
    y = layers.Lambda(lambda t: t, mask=lambda t, mask: ops.greater(t[:, 0], 0.0))(
        ops.convert_to_tensor(np.array([[1.0, 1.0], [-1.0, 1.0]], dtype="float32")))
    np.testing.assert_array_equal(_np(y._keras_mask), [True, False])
    assert not layers.Lambda(lambda t: t).supports_masking


def test_lambda_rejects_non_callable():
    with pytest.raises(ValueError, match="must be callable"):
        layers.Lambda(3)


# ---------------------------------------------------------------------------------------------
# EinsumDense
# ---------------------------------------------------------------------------------------------

EINSUM_CASES = [
    # equation, output_shape, bias_axes, input shape, kernel shape, bias shape, output shape
    ("ab,bc->ac", 4, "c", (2, 3), (3, 4), (4,), (2, 4)),
    ("ab,bc->ac", 4, None, (2, 3), (3, 4), None, (2, 4)),
    ("abc,cd->abd", (None, 5), "d", (2, 3, 4), (4, 5), (5,), (2, 3, 5)),
    ("abc,cde->abde", (None, 2, 3), "be", (2, 3, 4), (4, 2, 3), (3, 1, 3), (2, 3, 2, 3)),
    ("...b,bc->...c", 5, "c", (2, 3, 4), (4, 5), (5,), (2, 3, 5)),
    ("ab...,bc->ac...", (5,), "c", (2, 3, 4), (3, 5), (5, 1), (2, 5, 4)),
]


@pytest.mark.parametrize("case", EINSUM_CASES, ids=lambda c: f"{c[0]}-{c[2]}")
def test_einsum_dense_matches_numpy(case):
    equation, output_shape, bias_axes, in_shape, k_shape, b_shape, out_shape = case
    x = random_array(in_shape)
    layer = layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes,
                               bias_initializer="random_normal", activation="tanh")
    y = layer(x)
    assert tuple(layer.kernel.shape) == k_shape
    assert (layer.bias is None) == (b_shape is None)
    expected = np.einsum(equation, x, layer.kernel.numpy())
    if b_shape is not None:
        assert tuple(layer.bias.shape) == b_shape
        expected = expected + layer.bias.numpy()
    np.testing.assert_allclose(_np(y), np.tanh(expected), rtol=1e-5, atol=1e-6)
    assert tuple(y.shape) == out_shape
    assert layer.compute_output_shape(in_shape) == out_shape


@pytest.mark.parametrize("case", EINSUM_CASES, ids=lambda c: f"{c[0]}-{c[2]}")
def test_einsum_dense_contract(case):
    equation, output_shape, bias_axes, in_shape, _, b_shape, out_shape = case
    run_layer_test(layers.EinsumDense,
                   init_kwargs={"equation": equation, "output_shape": output_shape,
                                "bias_axes": bias_axes},
                   input_shape=in_shape, expected_output_shape=out_shape,
                   reference=lambda x, kernel, bias=0.0: np.einsum(equation, x, kernel) + bias,
                   expected_num_trainable_weights=1 if b_shape is None else 2,
                   expected_num_non_trainable_weights=0)


def test_einsum_dense_symbolic_shapes():
    out = layers.EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")(
        layers.Input(shape=(32, 128)))
    assert out.shape == (None, 32, 64)
    out = layers.EinsumDense("...x,xy->...y", output_shape=64, bias_axes="y")(
        layers.Input(shape=(32, 128)))
    assert out.shape == (None, 32, 64)


def test_einsum_dense_gradient_float64():
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d",
                               dtype="float64", bias_initializer="random_normal")
    layer.build((2, 4, 5))
    kernel, bias = layer.kernel.numpy(), layer.bias.numpy()
    check_op(layer, lambda x: np.einsum("abc,cd->abd", x, kernel) + bias, [(2, 4, 5)],
             dtype="float64")


def test_einsum_dense_config_like_keras():
    layer = layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")
    config = layer.get_config()
    assert set(config) == {"name", "trainable", "dtype", "output_shape", "equation",
                           "activation", "bias_axes", "kernel_initializer", "bias_initializer",
                           "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                           "kernel_constraint", "bias_constraint", "quantization_config"}
    assert config["output_shape"] == (4,)
    assert config["activation"] == "linear"


def test_einsum_dense_errors():
    with pytest.raises(ValueError, match="Invalid einsum equation 'ab->b'"):
        layers.EinsumDense("ab->b", output_shape=3)
    with pytest.raises(ValueError, match="Bias dimension 'q' was requested"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="q")(ops.ones((2, 4)))
    with pytest.raises(ValueError, match="do not match at shared dimension 'b'"):
        layers.EinsumDense("abc,cd->abd", output_shape=(7, 3))(ops.ones((2, 4, 5)))
    with pytest.raises(ValueError, match="Weight dimension 'z'"):
        layers.EinsumDense("ab,bz->ab", output_shape=(4,))(ops.ones((2, 4)))
    with pytest.raises(ValueError, match="do not match the input spec 'abc'"):
        layers.EinsumDense("abc,cd->abd", output_shape=(None, 3))(ops.ones((2, 4)))
    with pytest.raises(NotImplementedError, match="LoRA"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, lora_rank=2)


# ---------------------------------------------------------------------------------------------
# Embedding
# ---------------------------------------------------------------------------------------------


def _np_embedding(indices, table):
    return table[indices]


def test_embedding_contract():
    idx = np.random.default_rng(0).integers(0, 10, size=(3, 4)).astype("int32")
    run_layer_test(layers.Embedding, init_kwargs={"input_dim": 10, "output_dim": 5},
                   input_data=idx, expected_output_shape=(3, 4, 5), reference=_np_embedding,
                   expected_num_trainable_weights=1, expected_num_non_trainable_weights=0,
                   supports_masking=False)
    run_layer_test(layers.Embedding,
                   init_kwargs={"input_dim": 10, "output_dim": 5, "mask_zero": True},
                   input_data=idx, reference=_np_embedding, supports_masking=True)


def test_embedding_values_and_float_indices():
    layer = layers.Embedding(7, 3, embeddings_initializer="random_normal")
    idx = np.array([[0, 6, 2], [3, 3, 1]])
    table = None
    out = layer(idx)
    table = layer.embeddings.numpy()
    np.testing.assert_array_equal(_np(out), table[idx])
    assert out.dtype == "float32"
    out = layer(idx.astype("float32"))  # cast to int32 like Keras
    np.testing.assert_array_equal(_np(out), table[idx])
    out = layer(idx.astype("int64"))
    np.testing.assert_array_equal(_np(out), table[idx])


def test_embedding_mask_zero():
    idx = np.array([[1, 2, 0, 0], [3, 0, 4, 0]])
    out = layers.Embedding(5, 2, mask_zero=True)(idx)
    np.testing.assert_array_equal(_np(out._keras_mask), idx != 0)
    out = layers.Embedding(5, 2)(idx)
    assert getattr(out, "_keras_mask", None) is None


def test_embedding_gradient_is_scatter_add():
    layer = layers.Embedding(6, 3, dtype="float64")
    idx = np.array([[1, 1, 4], [0, 1, 5]])
    weights = np.random.default_rng(3).normal(size=(2, 3, 3))
    with keras.GradientTape() as tape:
        loss = ops.sum(ops.multiply(layer(idx), ops.convert_to_tensor(weights)))
    (grad,) = tape.gradient(loss, [layer.embeddings])
    expected = np.zeros((6, 3))
    np.add.at(expected, idx.ravel(), weights.reshape(-1, 3))
    np.testing.assert_allclose(_np(grad), expected, rtol=1e-12)


def test_embedding_initial_weights_and_config_like_keras():
    table = np.arange(12, dtype="float32").reshape(4, 3)
    layer = layers.Embedding(4, 3, weights=table)
    np.testing.assert_array_equal(layer.embeddings.numpy(), table)
    np.testing.assert_array_equal(_np(layer(np.array([[3]]))), table[[[3]]])
    config = layers.Embedding(100, 16).get_config()
    assert set(config) == {"name", "trainable", "dtype", "input_dim", "output_dim",
                           "embeddings_initializer", "embeddings_regularizer",
                           "activity_regularizer", "embeddings_constraint", "mask_zero",
                           "quantization_config"}
    assert config["embeddings_initializer"]["class_name"] == "RandomUniform"
    assert config["embeddings_initializer"]["config"] == {"seed": None, "minval": -0.05,
                                                          "maxval": 0.05}


def test_embedding_errors():
    with pytest.raises(ValueError, match="Received: input_dim=0"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match="Received: output_dim=2.5"):
        layers.Embedding(3, 2.5)
    with pytest.raises(AttributeError, match="build the layer"):
        _ = layers.Embedding(3, 2).embeddings


def test_embedding_symbolic():
    out = layers.Embedding(10, 4)(layers.Input(shape=(7,), dtype="int32"))
    assert out.shape == (None, 7, 4)
    assert out.dtype == "float32"


# ---------------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------------


def _masking_data():
    x = random_array((2, 4, 3))
    x[0, 1] = 0.0
    x[1, 3] = 0.0
    x[1, 0, 1] = 0.0  # only one feature equal to the mask value: not masked
    return x


def test_masking_values_and_mask():
    x = _masking_data()
    y = layers.Masking(mask_value=0.0)(x)
    expected_mask = np.any(x != 0.0, axis=-1)
    np.testing.assert_array_equal(_np(y._keras_mask), expected_mask)
    np.testing.assert_array_equal(_np(y), x * expected_mask[..., None])
    x2 = np.full((1, 2, 2), -1.0, dtype="float32")
    x2[0, 1, 0] = 3.0
    y = layers.Masking(mask_value=-1.0)(x2)
    np.testing.assert_array_equal(_np(y._keras_mask), [[False, True]])
    np.testing.assert_array_equal(_np(y), [[[0.0, 0.0], [3.0, -1.0]]])


def test_masking_contract():
    x = _masking_data()
    run_layer_test(layers.Masking, init_kwargs={"mask_value": 0.0}, input_data=x,
                   reference=lambda a: a * np.any(a != 0, axis=-1, keepdims=True),
                   supports_masking=True,
                   # The mask is a step function of the input: at a masked (all mask_value)
                   # step, finite differences jump across it while the gradient (mask held
                   # constant, as in Keras) is 0. test_masking_gradient checks it instead.
                   run_gradient_check=False)
    assert layers.Masking(mask_value=0.5).get_config()["mask_value"] == 0.5


def test_masking_gradient():
    # Kept steps pass the cotangent through; masked steps get 0 (the mask is a constant).
    x = _masking_data().astype("float64")
    keep = np.any(x != 0, axis=-1, keepdims=True)
    w = np.random.default_rng(3).uniform(0.5, 1.5, size=x.shape)
    t = ops.convert_to_tensor(x)
    with keras.GradientTape() as tape:
        tape.watch(t)
        loss = ops.sum(layers.Masking(dtype="float64")(t) * w)
    np.testing.assert_allclose(_np(tape.gradient(loss, t)), w * keep, rtol=1e-12)


def test_masking_mask_reaches_next_layer_in_a_model():
    def masked_mean(x, mask=None):
        # Symbolic (shape-only) calls get no mask here; the eager run gets Masking's mask.
        if mask is None:
            mask = ops.ones(tuple(x.shape)[:2], dtype="bool")
        weights = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        return ops.sum(x * weights, axis=1) / ops.sum(weights, axis=1)

    inp = layers.Input(shape=(4, 3))
    out = layers.Lambda(masked_mean)(layers.Masking()(inp))
    model = keras.Model(inp, out)
    x = _masking_data()
    mask = np.any(x != 0, axis=-1)
    expected = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    np.testing.assert_allclose(_np(model(x)), expected, rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# UnitNormalization
# ---------------------------------------------------------------------------------------------


def _unit_norm(x, axis):
    return x / np.sqrt(np.maximum(np.sum(x**2, axis=axis, keepdims=True), 1e-12))


@pytest.mark.parametrize("axis", [-1, 1, [1, 2], (0, 2)])
def test_unit_normalization_values(axis):
    x = random_array((2, 3, 4))
    y = layers.UnitNormalization(axis=axis)(x)
    np.testing.assert_allclose(_np(y), _unit_norm(x, tuple(np.atleast_1d(axis))), rtol=1e-5)


def test_unit_normalization_contract_and_gradient():
    x = random_array((3, 5))
    run_layer_test(layers.UnitNormalization, input_data=x,
                   reference=lambda a: _unit_norm(a, -1),
                   supports_masking=True, atol=1e-6, rtol=1e-5)
    check_op(layers.UnitNormalization(axis=[1, 2], dtype="float64"),
             lambda a: _unit_norm(a, (1, 2)), [(2, 3, 2)], dtype="float64", low=0.2)
    config = layers.UnitNormalization(axis=(1, 2)).get_config()
    assert config["axis"] == [1, 2]


def test_unit_normalization_errors_and_zero_input():
    with pytest.raises(TypeError, match="Invalid value for `axis` argument"):
        layers.UnitNormalization(axis="x")
    y = layers.UnitNormalization()(np.zeros((1, 3), dtype="float32"))
    np.testing.assert_array_equal(_np(y), np.zeros((1, 3)))


# ---------------------------------------------------------------------------------------------
# Keras compatibility and mixed precision
# ---------------------------------------------------------------------------------------------

# Written by Keras 3.15.1 (shared fixtures, layer_catalog.json).
KERAS_EMBEDDING = {
    "module": "keras.layers", "class_name": "Embedding",
    "config": {"name": "embedding", "trainable": True,
               "dtype": {"module": "keras", "class_name": "DTypePolicy",
                         "config": {"name": "float32"}, "registered_name": None},
               "input_dim": 100, "output_dim": 16,
               "embeddings_initializer": {"module": "keras.initializers",
                                          "class_name": "RandomUniform",
                                          "config": {"seed": None, "minval": -0.05,
                                                     "maxval": 0.05},
                                          "registered_name": None},
               "embeddings_regularizer": None, "activity_regularizer": None,
               "embeddings_constraint": None, "mask_zero": False, "quantization_config": None},
    "registered_name": None, "build_config": {"input_shape": [None, 12]}}


def test_embedding_loads_keras_config():
    layer = keras.saving.deserialize_keras_object(KERAS_EMBEDDING)
    assert isinstance(layer, layers.Embedding) and layer.built
    assert tuple(layer.embeddings.shape) == (100, 16)
    assert layer.get_config() == KERAS_EMBEDDING["config"]
    assert keras.saving.serialize_keras_object(layer)["module"] == "keras.layers"


def test_mixed_precision_computes_in_float16():
    x = random_array((2, 3))
    dense = layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c",
                               dtype="mixed_float16")
    y = dense(x)
    assert y.dtype == "float16" and dense.kernel.dtype == "float32"
    expected = x @ dense.kernel.numpy() + dense.bias.numpy()
    np.testing.assert_allclose(_np(y).astype("float32"), expected, rtol=1e-2, atol=1e-2)
    emb = layers.Embedding(5, 2, dtype="mixed_float16")
    assert emb(np.array([[1, 4]])).dtype == "float16"
    assert layers.UnitNormalization(dtype="mixed_float16")(x).dtype == "float16"
