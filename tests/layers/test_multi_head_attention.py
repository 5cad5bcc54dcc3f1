"""MultiHeadAttention: the layer contract, a NumPy reference, masks, structure and errors."""

import numpy as np
import pytest
from attention_reference import band_mask, causal_mask, multi_head_attention, project
from helpers import random_array, run_layer_test

import keras_like as keras
from keras_like import layers, ops

B, T, S, D = 2, 4, 5, 6
QUERY = random_array((B, T, D), low=-1.0, high=1.0)
VALUE = random_array((B, S, D), low=-1.0, high=1.0)
KEY = random_array((B, S, 7), low=-1.0, high=1.0)
# Position 4 of sample 0 and positions 3-4 of sample 1 are padding.
VALUE_MASK = np.array([[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]], dtype=bool)
QUERY_MASK = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool)
ATTENTION_MASK = np.random.default_rng(3).random((B, T, S)) > 0.4
ATTENTION_MASK[..., 0] = True


def _np(x):
    return ops.convert_to_numpy(x)


def _heads_mask(mask):
    """(B, T, S) -> (B, 1, T, S): one mask for every head."""
    return mask[:, None]


def _reference(axes=(1,), mask=None, **kwargs):
    def reference(inputs, *weights):
        m = mask(inputs) if callable(mask) else mask
        return multi_head_attention(inputs["query"], inputs["value"], weights,
                                    key=inputs.get("key"), attention_axes=axes, mask=m,
                                    **kwargs)[0]
    return reference


def _mask_with_keras(x, mask):
    t = ops.convert_to_tensor(x)
    t._keras_mask = ops.convert_to_tensor(mask)
    return t


# ---------------------------------------------------------------------------------------------
# The contract (run_layer_test), each against the NumPy reference
# ---------------------------------------------------------------------------------------------


def test_cross_attention_contract():
    run_layer_test(layers.MultiHeadAttention,
                   init_kwargs={"num_heads": 2, "key_dim": 3, "attention_axes": (1,)},
                   input_data={"query": QUERY, "value": VALUE}, reference=_reference(),
                   expected_output_shape=(B, T, D), expected_num_trainable_weights=8,
                   expected_num_non_trainable_weights=0, supports_masking=True, atol=1e-5,
                   rtol=1e-5)


def test_self_attention_default_axes_contract():
    # Keras writes the resolved attention axes ([1]) into the config once the layer is built.
    run_layer_test(layers.MultiHeadAttention, init_kwargs={"num_heads": 3, "key_dim": 2},
                   input_data={"query": VALUE, "value": VALUE}, reference=_reference(),
                   config_exempt={"attention_axes": "Keras stores the axes resolved at build"},
                   atol=1e-5, rtol=1e-5)


def test_key_value_dim_output_shape_contract():
    out = run_layer_test(
        layers.MultiHeadAttention,
        init_kwargs={"num_heads": 3, "key_dim": 2, "value_dim": 4, "output_shape": (5,),
                     "attention_axes": (1,)},
        input_data={"query": QUERY, "value": VALUE, "key": KEY}, reference=_reference(),
        expected_output_shape=(B, T, 5), atol=1e-5, rtol=1e-5)
    assert out.shape == (B, T, 5)


def test_two_dimensional_output_shape_contract():
    run_layer_test(layers.MultiHeadAttention,
                   init_kwargs={"num_heads": 2, "key_dim": 3, "output_shape": (2, 3),
                                "attention_axes": (1,)},
                   input_data={"query": QUERY, "value": VALUE}, reference=_reference(),
                   expected_output_shape=(B, T, 2, 3), atol=1e-5, rtol=1e-5)


def test_value_and_attention_masks_contract():
    # Explicit masks are call arguments: model inputs (bool, so never differentiated).
    mask = _heads_mask(ATTENTION_MASK & VALUE_MASK[:, None, :])
    run_layer_test(layers.MultiHeadAttention,
                   init_kwargs={"num_heads": 2, "key_dim": 3, "attention_axes": (1,)},
                   input_data={"query": QUERY, "value": VALUE, "value_mask": VALUE_MASK,
                               "attention_mask": ATTENTION_MASK},
                   reference=_reference(mask=mask), atol=1e-5, rtol=1e-5)


def test_key_mask_contract():
    mask = _heads_mask(np.broadcast_to(VALUE_MASK[:, None, :], (B, T, S))
                       & np.roll(VALUE_MASK, 1, axis=1)[:, None, :])
    run_layer_test(layers.MultiHeadAttention,
                   init_kwargs={"num_heads": 2, "key_dim": 3, "attention_axes": (1,)},
                   input_data={"query": QUERY, "value": VALUE, "key": KEY,
                               "value_mask": VALUE_MASK,
                               "key_mask": np.roll(VALUE_MASK, 1, axis=1)},
                   reference=_reference(mask=mask), atol=1e-5, rtol=1e-5)


def test_causal_mask_contract():
    run_layer_test(layers.MultiHeadAttention,
                   init_kwargs={"num_heads": 2, "key_dim": 3, "attention_axes": (1,)},
                   input_data={"query": VALUE, "value": VALUE},
                   call_kwargs={"use_causal_mask": True},
                   reference=_reference(mask=causal_mask(S, S)[:, None]), atol=1e-5, rtol=1e-5)


def test_sliding_window_with_causal_mask_contract():
    mask = (causal_mask(S, S) & band_mask(S, S, 2))[:, None]
    run_layer_test(layers.MultiHeadAttention,
                   init_kwargs={"num_heads": 2, "key_dim": 3, "sliding_window": 2,
                                "attention_axes": (1,)},
                   input_data={"query": VALUE, "value": VALUE},
                   call_kwargs={"use_causal_mask": True},
                   reference=_reference(mask=mask), atol=1e-5, rtol=1e-5)


def test_gate_without_bias_contract():
    run_layer_test(layers.MultiHeadAttention,
                   init_kwargs={"num_heads": 2, "key_dim": 3, "use_gate": True,
                                "use_bias": False, "attention_axes": (1,)},
                   input_data={"query": QUERY, "value": VALUE},
                   reference=_reference(use_bias=False, use_gate=True),
                   expected_num_trainable_weights=5, atol=1e-5, rtol=1e-5)


def test_attention_over_two_axes_contract():
    query = random_array((B, 2, 3, D), low=-1.0, high=1.0)
    value = random_array((B, 2, 4, D), low=-1.0, high=1.0)
    run_layer_test(layers.MultiHeadAttention,
                   init_kwargs={"num_heads": 2, "key_dim": 3, "attention_axes": (1, 2)},
                   input_data={"query": query, "value": value},
                   reference=_reference(axes=(1, 2), fully_masked="zero"),
                   expected_output_shape=(B, 2, 3, D), atol=1e-5, rtol=1e-5)


def test_attention_over_second_axis_of_4d_inputs_contract():
    query = random_array((B, 3, 4, D), low=-1.0, high=1.0)
    value = random_array((B, 3, 5, D), low=-1.0, high=1.0)
    run_layer_test(layers.MultiHeadAttention,
                   init_kwargs={"num_heads": 2, "key_dim": 3, "attention_axes": (2,)},
                   input_data={"query": query, "value": value}, reference=_reference(axes=(2,)),
                   atol=1e-5, rtol=1e-5)


def test_dropout_contract_is_seeded():
    run_layer_test(layers.MultiHeadAttention,
                   init_kwargs={"num_heads": 2, "key_dim": 3, "dropout": 0.4, "seed": 11,
                                "attention_axes": (1,),
                                "kernel_initializer": keras.initializers.GlorotUniform(seed=5)},
                   input_data={"query": QUERY, "value": VALUE}, reference=_reference(),
                   random_in_training="dropout on the attention probabilities",
                   atol=1e-5, rtol=1e-5)


def test_regularizers_and_constraints_contract():
    layer = run_layer_test(
        layers.MultiHeadAttention,
        init_kwargs={"num_heads": 2, "key_dim": 3, "attention_axes": (1,),
                     "kernel_regularizer": "l2", "bias_regularizer": "l1",
                     "activity_regularizer": "l2", "kernel_constraint": "non_neg",
                     "bias_initializer": "ones"},
        input_data={"query": QUERY, "value": VALUE}, reference=_reference(),
        atol=1e-5, rtol=1e-5)
    assert layer.shape == (B, T, D)


def test_regularization_losses_come_from_the_projections():
    layer = layers.MultiHeadAttention(2, 3, kernel_regularizer="l2", activity_regularizer="l1")
    layer(QUERY, VALUE)
    w = layer.get_weights()
    # Activity penalties of the 4 projections' outputs (none for the layer itself, as in
    # Keras), then the 4 kernel penalties.
    assert len(layer.losses) == 8
    attended = multi_head_attention(QUERY, VALUE, w)[0]  # the output projection's output
    outputs = [project(QUERY, w[0], w[1]), project(VALUE, w[2], w[3]),
               project(VALUE, w[4], w[5])]
    # Keras 3.15 divides each activity penalty by the batch size.
    activity = [0.01 * np.abs(o).sum() / B for o in outputs]
    got = [float(_np(x)) for x in layer.losses]
    np.testing.assert_allclose(got[:3], activity, rtol=1e-5)
    np.testing.assert_allclose(got[3], 0.01 * np.abs(attended).sum() / B, rtol=1e-5)
    np.testing.assert_allclose(got[4:], [0.01 * np.square(w[i]).sum() for i in (0, 2, 4, 6)],
                               rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# Attention scores and the two softmax paths
# ---------------------------------------------------------------------------------------------


def test_return_attention_scores_matches_reference():
    layer = layers.MultiHeadAttention(2, 3)
    out, scores = layer(QUERY, VALUE, attention_mask=ATTENTION_MASK,
                        return_attention_scores=True)
    want, want_scores = multi_head_attention(QUERY, VALUE, layer.get_weights(),
                                             mask=_heads_mask(ATTENTION_MASK),
                                             fully_masked="zero")
    assert scores.shape == (B, 2, T, S)
    np.testing.assert_allclose(_np(scores), want_scores, atol=1e-6)
    np.testing.assert_allclose(_np(out), want, atol=1e-5)
    # The scores carry the mask the Softmax sublayer used (as in Keras), not the query's.
    assert _np(scores._keras_mask).shape == (B, 1, T, S)


def test_fully_masked_query_rows_fused_path_is_uniform_softmax_path_is_zero():
    mask = ATTENTION_MASK.copy()
    mask[0, 1] = False
    layer = layers.MultiHeadAttention(2, 3)
    fused = _np(layer(QUERY, VALUE, attention_mask=mask))
    explicit, scores = layer(QUERY, VALUE, attention_mask=mask, return_attention_scores=True)
    np.testing.assert_array_equal(_np(scores)[0, :, 1], 0.0)
    weights = layer.get_weights()
    np.testing.assert_allclose(fused, multi_head_attention(
        QUERY, VALUE, weights, mask=_heads_mask(mask))[0], atol=1e-5)
    np.testing.assert_allclose(_np(explicit), multi_head_attention(
        QUERY, VALUE, weights, mask=_heads_mask(mask), fully_masked="zero")[0], atol=1e-5)
    # Only the masked row differs between the two paths.
    np.testing.assert_allclose(np.delete(fused[0], 1, 0), np.delete(_np(explicit)[0], 1, 0),
                               atol=1e-5)


def test_causal_scores_are_lower_triangular():
    layer = layers.MultiHeadAttention(2, 3)
    out, scores = layer(VALUE, VALUE, use_causal_mask=True, return_attention_scores=True)
    upper = np.triu(np.ones((S, S), dtype=bool), 1)
    assert np.all(_np(scores)[..., upper] == 0.0)
    np.testing.assert_allclose(_np(out), _np(layer(VALUE, VALUE, use_causal_mask=True)),
                               atol=1e-5)


# ---------------------------------------------------------------------------------------------
# Keras masks travelling with the inputs
# ---------------------------------------------------------------------------------------------


def test_masks_of_the_inputs_build_the_attention_mask_and_the_output_keeps_the_query_mask():
    layer = layers.MultiHeadAttention(2, 3)
    q, v = _mask_with_keras(QUERY, QUERY_MASK), _mask_with_keras(VALUE, VALUE_MASK)
    out = layer(q, v)
    mask = _heads_mask(QUERY_MASK[:, :, None] & VALUE_MASK[:, None, :])
    np.testing.assert_allclose(_np(out), multi_head_attention(QUERY, VALUE, layer.get_weights(),
                                                              mask=mask)[0], atol=1e-5)
    np.testing.assert_array_equal(_np(out._keras_mask), QUERY_MASK)
    # Called by keyword the same masks apply.
    by_name = layer(query=q, value=v)
    np.testing.assert_allclose(_np(by_name), _np(out), atol=1e-6)
    np.testing.assert_array_equal(_np(by_name._keras_mask), QUERY_MASK)
    # The caller's tensors keep their masks (Keras clears them; see the module docs).
    np.testing.assert_array_equal(_np(q._keras_mask), QUERY_MASK)


def test_explicit_query_mask_is_ignored_like_keras_but_value_mask_counts():
    layer = layers.MultiHeadAttention(2, 3)
    out = layer(QUERY, VALUE, query_mask=QUERY_MASK, value_mask=VALUE_MASK)
    want = multi_head_attention(QUERY, VALUE, layer.get_weights(),
                                mask=_heads_mask(np.broadcast_to(VALUE_MASK[:, None, :],
                                                                 (B, T, S))))[0]
    np.testing.assert_allclose(_np(out), want, atol=1e-5)
    assert getattr(out, "_keras_mask", None) is None


def test_explicit_value_mask_wins_over_the_inputs_mask():
    layer = layers.MultiHeadAttention(2, 3)
    other = np.ones((B, S), dtype=bool)
    out = layer(QUERY, _mask_with_keras(VALUE, VALUE_MASK), value_mask=other)
    np.testing.assert_allclose(_np(out), multi_head_attention(QUERY, VALUE,
                                                              layer.get_weights())[0], atol=1e-5)


def test_scores_do_not_get_the_query_mask():
    layer = layers.MultiHeadAttention(2, 3)
    out, scores = layer(_mask_with_keras(QUERY, QUERY_MASK), VALUE,
                        return_attention_scores=True)
    np.testing.assert_array_equal(_np(out._keras_mask), QUERY_MASK)
    assert _np(scores._keras_mask).shape == (B, 1, T, 1)  # the Softmax sublayer's mask


def test_masks_flow_through_a_functional_model():
    tokens = keras.Input((S,), dtype="int32")
    embedded = layers.Embedding(10, D, mask_zero=True)(tokens)
    attended = layers.MultiHeadAttention(2, 3, name="mha")(embedded, embedded)
    pooled = layers.GlobalAveragePooling1D()(layers.Add()([embedded, attended]))
    model = keras.Model(tokens, pooled)
    ids = np.array([[3, 4, 5, 0, 0], [1, 2, 3, 4, 5]], dtype="int32")
    got = _np(model(ids))
    embed = model.layers[1].get_weights()[0][ids]
    keep = ids != 0
    att = multi_head_attention(embed, embed, model.get_layer("mha").get_weights(),
                               mask=_heads_mask(keep[:, :, None] & keep[:, None, :]))[0]
    summed = embed + att
    want = (summed * keep[..., None]).sum(1) / keep.sum(1, keepdims=True)
    np.testing.assert_allclose(got, want, atol=1e-5)
    rebuilt = keras.Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(_np(rebuilt(ids)), got, atol=1e-6)


# ---------------------------------------------------------------------------------------------
# Structure: sublayers, weights, build, shapes
# ---------------------------------------------------------------------------------------------


def test_sublayers_weights_and_kernel_layout():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=8, name="mha")
    x = random_array((1, 3, 16))
    layer(x, x)
    assert [layer.query_dense.name, layer.key_dense.name, layer.value_dense.name,
            layer.output_dense.name] == ["query", "key", "value", "attention_output"]
    assert [(w.path, tuple(w.shape)) for w in layer.weights] == [
        ("mha/query/kernel", (16, 2, 8)), ("mha/query/bias", (2, 8)),
        ("mha/key/kernel", (16, 2, 8)), ("mha/key/bias", (2, 8)),
        ("mha/value/kernel", (16, 2, 8)), ("mha/value/bias", (2, 8)),
        ("mha/attention_output/kernel", (2, 8, 16)), ("mha/attention_output/bias", (16,))]
    assert layer.query_dense.equation == "abc,cde->abde"
    assert layer.output_dense.equation == "abcd,cde->abe"
    assert layer.num_heads == 2 and layer.key_dim == 8 and layer.value_dim == 8
    assert layer.attention_axes == (1,)


def test_build_config_and_build_from_config():
    layer = layers.MultiHeadAttention(2, 3)
    layer(QUERY, VALUE, KEY)
    build_config = layer.get_build_config()
    assert build_config == {"shapes_dict": {"query_shape": [B, T, D], "value_shape": [B, S, D],
                                            "key_shape": [B, S, 7]}}
    clone = layers.MultiHeadAttention.from_config(layer.get_config())
    clone.build_from_config(build_config)
    assert [tuple(w.shape) for w in clone.weights] == [tuple(w.shape) for w in layer.weights]
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(_np(clone(QUERY, VALUE, KEY)), _np(layer(QUERY, VALUE, KEY)))
    # Without a key (or with key=None) no key_shape is recorded.
    plain = layers.MultiHeadAttention(2, 3)
    plain(QUERY, VALUE, key=None)
    assert plain.get_build_config() == {
        "shapes_dict": {"query_shape": [B, T, D], "value_shape": [B, S, D]}}


def test_explicit_build_then_call():
    layer = layers.MultiHeadAttention(2, 3)
    layer.build((None, T, D), (None, S, D))
    assert len(layer.weights) == 8
    assert layer(QUERY, VALUE).shape == (B, T, D)


def test_compute_output_shape_and_symbolic_scores():
    layer = layers.MultiHeadAttention(2, 3, output_shape=(4, 2))
    assert layer.compute_output_shape((None, T, D), (None, S, D)) == (None, T, 4, 2)
    q, v = keras.Input((T, D)), keras.Input((S, D))
    out, scores = layers.MultiHeadAttention(2, 3)(q, v, return_attention_scores=True)
    assert out.shape == (None, T, D) and scores.shape == (None, 2, T, S)


def test_float16_layer_computes_in_float16():
    layer = layers.MultiHeadAttention(2, 3, dtype="float16")
    out = layer(QUERY.astype("float16"), VALUE.astype("float16"))
    assert out.dtype == "float16"
    want = multi_head_attention(QUERY, VALUE, [w.astype("float32") for w in layer.get_weights()])
    np.testing.assert_allclose(_np(out).astype("float32"), want[0], atol=2e-2)


def test_mixed_precision_keeps_float32_variables():
    layer = layers.MultiHeadAttention(2, 3, dtype="mixed_float16")
    out = layer(QUERY, VALUE)
    assert out.dtype == "float16"
    assert all(w.dtype == "float32" for w in layer.weights)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs,match", [
    ({"num_heads": 0, "key_dim": 2}, "argument `num_heads`, expected a positive integer"),
    ({"num_heads": 2, "key_dim": 0}, "argument `key_dim`, expected a positive integer"),
    ({"num_heads": 2, "key_dim": 2, "value_dim": 0.5}, "argument `value_dim`"),
    ({"num_heads": 2, "key_dim": 2, "sliding_window": -1}, "`sliding_window` must be"),
    ({"num_heads": 2, "key_dim": 2, "attention_axes": "x"}, "`attention_axes` must be"),
    ({"num_heads": 2, "key_dim": 2, "output_shape": object()}, "Invalid `output_shape`"),
    ({"num_heads": 2, "key_dim": 2, "dropout": 0.1, "flash_attention": True},
     "Dropout is not supported when flash attention is enabled"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.MultiHeadAttention(**kwargs)


def test_value_and_key_must_agree_except_features():
    with pytest.raises(ValueError, match="All dimensions of `value` and `key`, except the last"):
        layers.MultiHeadAttention(2, 3)(QUERY, VALUE, random_array((B, 3, D)))
    with pytest.raises(ValueError, match="All dimensions of `value` and `key`"):
        layers.MultiHeadAttention(2, 3)(keras.Input((T, D)), keras.Input((S, D)),
                                        keras.Input((3, D)))


def test_flash_attention_is_refused_at_call():
    layer = layers.MultiHeadAttention(2, 3, flash_attention=True)
    with pytest.raises(ValueError, match="Flash attention is not supported"):
        layer(QUERY, VALUE)
    with pytest.raises(ValueError, match="Returning attention scores is not supported"):
        layer(QUERY, VALUE, return_attention_scores=True)
