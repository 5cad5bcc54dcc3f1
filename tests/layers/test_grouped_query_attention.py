"""GroupedQueryAttention: the layer contract, a NumPy reference, masks, structure, errors."""

import numpy as np
import pytest
from attention_reference import band_mask, causal_mask, grouped_query_attention
from helpers import random_array, run_layer_test

import keras_like as keras
from keras_like import layers, ops

B, T, S, D = 2, 4, 5, 8
QUERY = random_array((B, T, D), low=-1.0, high=1.0)
VALUE = random_array((B, S, D), low=-1.0, high=1.0)
KEY = random_array((B, S, 6), low=-1.0, high=1.0)
VALUE_MASK = np.array([[1, 1, 1, 1, 0], [1, 1, 0, 0, 0]], dtype=bool)
QUERY_MASK = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool)
HEADS = {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2}


def _np(x):
    return ops.convert_to_numpy(x)


def _reference(mask=None, **kwargs):
    def reference(inputs, *weights):
        return grouped_query_attention(inputs["query"], inputs["value"], weights,
                                       key=inputs.get("key"), mask=mask, **kwargs)[0]
    return reference


def test_grouped_query_attention_contract():
    run_layer_test(layers.GroupedQueryAttention, init_kwargs=HEADS,
                   input_data={"query": QUERY, "value": VALUE}, reference=_reference(),
                   expected_output_shape=(B, T, D), expected_num_trainable_weights=8,
                   supports_masking=True, atol=1e-5, rtol=1e-5)


def test_multi_query_attention_without_bias_with_key_contract():
    run_layer_test(layers.GroupedQueryAttention,
                   init_kwargs={"head_dim": 2, "num_query_heads": 3, "num_key_value_heads": 1,
                                "use_bias": False},
                   input_data={"query": QUERY, "value": VALUE, "key": KEY},
                   reference=_reference(use_bias=False), expected_num_trainable_weights=4,
                   atol=1e-5, rtol=1e-5)


def test_masks_contract():
    mask = (QUERY_MASK[:, :, None] & VALUE_MASK[:, None, :])[:, None]
    run_layer_test(layers.GroupedQueryAttention, init_kwargs=HEADS,
                   input_data={"query": QUERY, "value": VALUE, "query_mask": QUERY_MASK,
                               "value_mask": VALUE_MASK},
                   reference=_reference(mask=mask), atol=1e-5, rtol=1e-5)


def test_causal_gate_and_sliding_window_contract():
    mask = (causal_mask(S, S) & band_mask(S, S, 2))[:, None]
    run_layer_test(layers.GroupedQueryAttention,
                   init_kwargs={**HEADS, "use_gate": True, "sliding_window": 2},
                   input_data={"query": VALUE, "value": VALUE},
                   call_kwargs={"use_causal_mask": True},
                   reference=_reference(mask=mask, use_gate=True),
                   expected_num_trainable_weights=10, atol=1e-5, rtol=1e-5)


def test_causal_only_contract():
    run_layer_test(layers.GroupedQueryAttention, init_kwargs=HEADS,
                   input_data={"query": VALUE, "value": VALUE},
                   call_kwargs={"use_causal_mask": True},
                   reference=_reference(mask=causal_mask(S, S)[:, None]), atol=1e-5, rtol=1e-5)


def test_dropout_contract():
    run_layer_test(layers.GroupedQueryAttention,
                   init_kwargs={**HEADS, "dropout": 0.3, "seed": 4,
                                "kernel_initializer": keras.initializers.GlorotUniform(seed=1)},
                   input_data={"query": QUERY, "value": VALUE}, reference=_reference(),
                   random_in_training="dropout on the attention probabilities",
                   atol=1e-5, rtol=1e-5)


def test_scores_and_keras_masks():
    layer = layers.GroupedQueryAttention(**HEADS)
    q, v = ops.convert_to_tensor(QUERY), ops.convert_to_tensor(VALUE)
    q._keras_mask = ops.convert_to_tensor(QUERY_MASK)
    v._keras_mask = ops.convert_to_tensor(VALUE_MASK)
    out, scores = layer(q, v, return_attention_scores=True)
    mask = (QUERY_MASK[:, :, None] & VALUE_MASK[:, None, :])[:, None]
    want, want_scores = grouped_query_attention(QUERY, VALUE, layer.get_weights(), mask=mask,
                                                fully_masked="zero")
    assert scores.shape == (B, 4, T, S)
    np.testing.assert_allclose(_np(scores), want_scores, atol=1e-6)
    np.testing.assert_allclose(_np(out), want, atol=1e-5)
    np.testing.assert_array_equal(_np(out._keras_mask), QUERY_MASK)


def test_structure_and_build_config():
    layer = layers.GroupedQueryAttention(**HEADS, name="gqa")
    layer(QUERY, VALUE, KEY)
    assert [(w.path, tuple(w.shape)) for w in layer.weights] == [
        ("gqa/query/kernel", (D, 4, 3)), ("gqa/query/bias", (4, 3)),
        ("gqa/key/kernel", (6, 2, 3)), ("gqa/key/bias", (2, 3)),
        ("gqa/value/kernel", (D, 2, 3)), ("gqa/value/bias", (2, 3)),
        ("gqa/attention_output/kernel", (4, 3, D)), ("gqa/attention_output/bias", (D,))]
    assert layer.get_build_config() == {"shapes_dict": {
        "query_shape": [B, T, D], "value_shape": [B, S, D], "key_shape": [B, S, 6]}}
    assert layer.num_repeats == 2
    assert layers.GroupQueryAttention is layers.GroupedQueryAttention


def test_symbolic_shapes_and_shape_checks():
    q, v = keras.Input((T, D)), keras.Input((S, D))
    out, scores = layers.GroupedQueryAttention(**HEADS)(q, v, return_attention_scores=True)
    assert out.shape == (None, T, D) and scores.shape == (None, 4, T, S)
    with pytest.raises(ValueError, match="The last dimension of `query_shape` and "
                                         "`value_shape` must be equal"):
        layers.GroupedQueryAttention(**HEADS)(q, keras.Input((S, 4)))
    with pytest.raises(ValueError, match="All dimensions of `value` and `key`"):
        layers.GroupedQueryAttention(**HEADS)(q, v, keras.Input((3, D)))
    # Eagerly (as in Keras) a narrower value is fine: the output takes the query's width.
    assert layers.GroupedQueryAttention(**HEADS)(QUERY, VALUE[..., :4]).shape == (B, T, D)


@pytest.mark.parametrize("kwargs,match", [
    ({"head_dim": 2, "num_query_heads": 3, "num_key_value_heads": 2},
     "`num_query_heads` must be divisible by `num_key_value_heads`"),
    ({**HEADS, "sliding_window": 0}, "`sliding_window` must be `None` or a positive integer"),
    ({**HEADS, "dropout": 0.5, "flash_attention": True}, "Dropout is not supported"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.GroupedQueryAttention(**kwargs)


def test_activity_regularizer_also_applies_to_the_layer_output():
    layer = layers.GroupedQueryAttention(**HEADS, activity_regularizer="l2")
    out = layer(QUERY, VALUE)
    # One penalty per projection (4) and one for the layer's own output, as in Keras.
    assert len(layer.losses) == 5
    np.testing.assert_allclose(float(_np(layer.losses[0])),
                               0.01 * np.square(_np(out)).sum() / B, rtol=1e-5)


def test_serialized_under_keras_export_name():
    # Keras writes (and only reads) `GroupQueryAttention`; older files may use the class name.
    config = layers.serialize(layers.GroupedQueryAttention(**HEADS))
    assert (config["module"], config["class_name"]) == ("keras.layers", "GroupQueryAttention")
    assert type(layers.deserialize(config)) is layers.GroupedQueryAttention
    config["class_name"] = "GroupedQueryAttention"
    assert type(layers.deserialize(config)) is layers.GroupedQueryAttention
