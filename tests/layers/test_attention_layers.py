"""Attention and AdditiveAttention: the layer contract, a NumPy reference, masks and errors.

MultiHeadAttention and GroupedQueryAttention have their own files next to this one; the
real-Keras fixtures of all four are replayed in test_attention_fixtures.py.
"""

import numpy as np
import pytest
from attention_reference import bahdanau_attention, luong_attention
from helpers import random_array, run_layer_test

import keras_like as keras
from keras_like import layers, ops

B, TQ, TV, D = 2, 3, 4, 5
Q = random_array((B, TQ, D), low=-1.0, high=1.0)
V = random_array((B, TV, D), low=-1.0, high=1.0)
K = random_array((B, TV, D), low=-1.0, high=1.0)
QUERY_MASK = np.array([[1, 1, 0], [1, 0, 1]], dtype=bool)
VALUE_MASK = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], dtype=bool)


def _np(x):
    return ops.convert_to_numpy(x)


def _weights(names, weights):
    return dict(zip(names, weights))


# ---------------------------------------------------------------------------------------------
# Attention
# ---------------------------------------------------------------------------------------------


def test_dot_attention_contract():
    run_layer_test(layers.Attention, input_data=[Q, V],
                   reference=lambda inputs: luong_attention(*inputs)[0],
                   expected_output_shape=(B, TQ, D), expected_num_trainable_weights=0,
                   supports_masking=True, atol=1e-6, rtol=1e-5)


def test_scaled_attention_with_key_contract():
    def reference(inputs, scale):
        return luong_attention(inputs[0], inputs[1], inputs[2], scale=scale)[0]

    run_layer_test(layers.Attention, init_kwargs={"use_scale": True}, input_data=[Q, V, K],
                   reference=reference, expected_num_trainable_weights=1, rtol=1e-5)


def test_concat_attention_contract():
    def reference(inputs, scale, concat_weight):
        return luong_attention(inputs[0], inputs[1], scale=scale, concat_weight=concat_weight)[0]

    run_layer_test(layers.Attention, init_kwargs={"score_mode": "concat", "use_scale": True},
                   input_data=[Q, V], reference=reference, expected_num_trainable_weights=2,
                   rtol=1e-5)


def test_masked_attention_contract():
    # The masks are a list call argument: model inputs next to the query and value.
    def reference(inputs):
        q, v = inputs["inputs"]
        q_mask, v_mask = inputs["mask"]
        return luong_attention(q, v, query_mask=q_mask, value_mask=v_mask)[0]

    run_layer_test(layers.Attention,
                   input_data={"inputs": [Q, V], "mask": [QUERY_MASK, VALUE_MASK]},
                   reference=reference, rtol=1e-5)


def test_causal_attention_contract():
    q = random_array((B, TV, D), low=-1.0, high=1.0)
    run_layer_test(layers.Attention, init_kwargs={"use_scale": True}, input_data=[q, V],
                   call_kwargs={"use_causal_mask": True},
                   reference=lambda inputs, scale: luong_attention(*inputs, scale=scale,
                                                                   causal=True)[0], rtol=1e-5)


def test_attention_dropout_contract():
    run_layer_test(layers.Attention, init_kwargs={"dropout": 0.5, "seed": 3}, input_data=[Q, V],
                   reference=lambda inputs: luong_attention(*inputs)[0],
                   random_in_training="dropout on the attention weights", rtol=1e-5)


def test_attention_scores_masks_and_causal_against_reference():
    layer = layers.Attention(use_scale=True)
    q = random_array((B, TV, D))
    out, scores = layer([q, V], mask=[VALUE_MASK, VALUE_MASK], use_causal_mask=True,
                        return_attention_scores=True)
    layer.scale.assign(0.7)
    out, scores = layer([q, V], mask=[VALUE_MASK, VALUE_MASK], use_causal_mask=True,
                        return_attention_scores=True)
    want, want_scores = luong_attention(q, V, scale=0.7, query_mask=VALUE_MASK,
                                        value_mask=VALUE_MASK, causal=True)
    np.testing.assert_allclose(_np(out), want, atol=1e-6)
    np.testing.assert_allclose(_np(scores), want_scores, atol=1e-6)
    # The output carries the query mask; the scores carry none.
    np.testing.assert_array_equal(_np(out._keras_mask), VALUE_MASK)
    assert getattr(scores, "_keras_mask", None) is None


def test_attention_reads_the_inputs_keras_masks():
    q, v = ops.convert_to_tensor(Q), ops.convert_to_tensor(V)
    q._keras_mask = ops.convert_to_tensor(QUERY_MASK)
    v._keras_mask = ops.convert_to_tensor(VALUE_MASK)
    out = layers.Attention()([q, v])
    want = luong_attention(Q, V, query_mask=QUERY_MASK, value_mask=VALUE_MASK)[0]
    np.testing.assert_allclose(_np(out), want, atol=1e-6)
    np.testing.assert_array_equal(_np(out._keras_mask), QUERY_MASK)
    # An explicit mask list wins over the inputs' masks.
    ones = [np.ones((B, TQ), bool), np.ones((B, TV), bool)]
    np.testing.assert_allclose(_np(layers.Attention()([q, v], mask=ones)),
                               luong_attention(Q, V)[0], atol=1e-6)


def test_attention_in_a_functional_model_with_embedding_masks():
    q_ids, v_ids = keras.Input((TQ,), dtype="int32"), keras.Input((TV,), dtype="int32")
    embedding = layers.Embedding(9, D, mask_zero=True)
    out = layers.Attention()([embedding(q_ids), embedding(v_ids)])
    model = keras.Model([q_ids, v_ids], out)
    qi = np.array([[1, 2, 0], [3, 0, 4]], "int32")
    vi = np.array([[5, 6, 7, 0], [8, 1, 0, 0]], "int32")
    table = embedding.get_weights()[0]
    want = luong_attention(table[qi], table[vi], query_mask=qi != 0, value_mask=vi != 0)[0]
    np.testing.assert_allclose(_np(model([qi, vi])), want, atol=1e-6)


def test_attention_symbolic_shapes():
    q, v = keras.Input((TQ, D)), keras.Input((TV, 7))
    out, scores = layers.Attention()([q, v, keras.Input((TV, D))],
                                     return_attention_scores=True)
    assert out.shape == (None, TQ, 7) and scores.shape == (None, TQ, TV)
    assert layers.Attention().compute_output_shape([(None, TQ, D), (None, TV, 7)]) == \
        (None, TQ, 7)


@pytest.mark.parametrize("cls", [layers.Attention, layers.AdditiveAttention])
def test_call_errors(cls):
    name = cls.__name__
    with pytest.raises(ValueError, match=f"{name} layer must be called on a list of inputs"):
        cls()(Q)
    with pytest.raises(ValueError, match=f"{name} layer accepts inputs list of length 2 or 3"):
        cls()([Q])
    with pytest.raises(ValueError, match=f"{name} layer mask must be a list"):
        cls()([Q, V], mask=QUERY_MASK)
    with pytest.raises(ValueError, match=f"{name} layer accepts mask list of length 2 or 3"):
        cls()([Q, V], mask=[QUERY_MASK])


def test_bad_score_mode():
    with pytest.raises(ValueError, match="Expected one of {'dot', 'concat'}. Received: "
                                         "score_mode=add"):
        layers.Attention(score_mode="add")


def test_attention_config():
    config = layers.Attention(use_scale=True, score_mode="concat", dropout=0.1, seed=2,
                              name="att").get_config()
    assert {k: config[k] for k in ("use_scale", "score_mode", "dropout", "seed")} == {
        "use_scale": True, "score_mode": "concat", "dropout": 0.1, "seed": 2}


# ---------------------------------------------------------------------------------------------
# AdditiveAttention
# ---------------------------------------------------------------------------------------------


def test_additive_attention_contract():
    run_layer_test(layers.AdditiveAttention, input_data=[Q, V],
                   reference=lambda inputs, scale: bahdanau_attention(*inputs, scale=scale)[0],
                   expected_num_trainable_weights=1, supports_masking=True, rtol=1e-5)


def test_additive_attention_without_scale_with_key_contract():
    run_layer_test(layers.AdditiveAttention, init_kwargs={"use_scale": False},
                   input_data=[Q, V, K],
                   reference=lambda inputs: bahdanau_attention(*inputs)[0],
                   expected_num_trainable_weights=0, rtol=1e-5)


def test_additive_attention_masks_contract():
    def reference(inputs, scale):
        (q, v), (q_mask, v_mask) = inputs["inputs"], inputs["mask"]
        return bahdanau_attention(q, v, scale=scale, query_mask=q_mask, value_mask=v_mask)[0]

    run_layer_test(layers.AdditiveAttention,
                   input_data={"inputs": [Q, V], "mask": [QUERY_MASK, VALUE_MASK]},
                   reference=reference, rtol=1e-5)


def test_additive_attention_causal_scores():
    layer = layers.AdditiveAttention()
    q = random_array((B, TV, D))
    out, scores = layer([q, V], use_causal_mask=True, return_attention_scores=True)
    scale = layer.get_weights()[0]
    assert scale.shape == (D,)
    want, want_scores = bahdanau_attention(q, V, scale=scale, causal=True)
    np.testing.assert_allclose(_np(out), want, atol=1e-6)
    np.testing.assert_allclose(_np(scores), want_scores, atol=1e-6)


def test_additive_attention_config_has_no_score_mode():
    config = layers.AdditiveAttention(use_scale=False, dropout=0.2).get_config()
    assert "score_mode" not in config
    assert config["use_scale"] is False and config["dropout"] == 0.2
    assert layers.AdditiveAttention.from_config(config).get_config() == config
