"""Attention: dot-product (Luong-style) attention of a query over a value sequence."""

from keras_like import ops, random
from keras_like.layers.attention._masks import causal_mask
from keras_like.layers.layer import Layer


class Attention(Layer):
    """Dot-product attention, a.k.a. Luong-style attention.

    Inputs are `[query (B, Tq, dim), value (B, Tv, dim)]` or `[query, value, key]` (key
    defaults to value). Scores `query @ key^T` (optionally times a learned scalar `scale`),
    or with `score_mode="concat"` `concat_score_weight * sum(tanh(scale * (q + k)))`, are
    softmaxed over the value axis and weight the values.

    Args:
        use_scale: Learn a scalar `scale` for the scores.
        score_mode: `"dot"` or `"concat"`.
        dropout: Dropout rate on the attention weights (in training).
        seed: Seed of the dropout.

    Call arguments:
        inputs: `[query, value]` or `[query, value, key]`.
        mask: `[query_mask (B, Tq), value_mask (B, Tv)]`: masked values get no weight and
            masked query positions give zeros (taken from the inputs' Keras masks when not
            given).
        return_attention_scores: also return the `(B, Tq, Tv)` weights.
        training: applies dropout when True.
        use_causal_mask: query position i attends value positions j <= i only.

    Example:
    >>> q = np.ones((1, 2, 4), dtype="float32")
    >>> Attention()([q, q]).shape
    (1, 2, 4)
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = random.SeedGenerator(seed=seed)
        if self.score_mode not in ["dot", "concat"]:
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode}"
            )

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones",
                                         dtype=self.dtype, trainable=True)
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight", shape=(), initializer="ones", dtype=self.dtype,
                trainable=True)

    def _calculate_scores(self, query, key):
        """`(B, Tq, Tv)` scores of `(B, Tq, dim)` queries against `(B, Tv, dim)` keys."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            if self.scale is not None:
                scores = ops.multiply(scores, self.scale)
            return scores
        # "concat": broadcast (B, Tq, 1, dim) against (B, 1, Tv, dim).
        summed = ops.add(ops.expand_dims(query, axis=-2), ops.expand_dims(key, axis=-3))
        if self.scale is not None:
            summed = ops.multiply(self.scale, summed)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(summed), axis=-1))

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """(softmax(scores, masked) @ value, the weights); `scores_mask` is `(B, 1, Tv)`,
        `(B, Tv)` or `(B, Tq, Tv)`, True where a value counts."""
        if scores_mask is not None:
            padding_mask = ops.logical_not(scores_mask)
            # Keras subtracts a large number (65504 is float16's maximum) rather than
            # replacing the score.
            max_value = 65504.0 if scores.dtype == "float16" else 1.0e9
            if len(padding_mask.shape) == 2:
                padding_mask = ops.expand_dims(padding_mask, axis=-2)
            scores = ops.where(padding_mask, ops.subtract(scores, max_value), scores)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def _calculate_score_mask(self, scores, v_mask, use_causal_mask):
        if not use_causal_mask:
            return v_mask
        shape = ops.shape(scores)
        causal = causal_mask(shape[-2], shape[-1])  # (1, Tq, Tv)
        if v_mask is None:
            return causal
        return ops.logical_and(ops.expand_dims(v_mask, axis=-2), causal)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        self._validate_inputs(inputs=inputs, mask=mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._calculate_scores(query=q, key=k)
        scores_mask = self._calculate_score_mask(scores, v_mask, use_causal_mask)
        attention_output, attention_scores = self._apply_scores(
            scores=scores, value=v, scores_mask=scores_mask, training=training)
        if q_mask is not None:
            attention_output = ops.where(ops.expand_dims(q_mask, axis=-1), attention_output, 0)
        if return_attention_scores:
            return attention_output, attention_scores
        return attention_output

    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs=inputs, mask=mask)
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape):
        return (*input_shape[0][:-1], input_shape[1][-1])

    def _validate_inputs(self, inputs, mask=None):
        class_name = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError(
                f"{class_name} layer must be called on a list of inputs, namely [query, value] "
                f"or [query, value, key]. Received: inputs={inputs}."
            )
        if len(inputs) < 2 or len(inputs) > 3:
            raise ValueError(
                f"{class_name} layer accepts inputs list of length 2 or 3, namely [query, "
                f"value] or [query, value, key]. Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, list):
                raise ValueError(
                    f"{class_name} layer mask must be a list, namely [query_mask, "
                    f"value_mask]. Received: mask={mask}."
                )
            if len(mask) < 2 or len(mask) > 3:
                raise ValueError(
                    f"{class_name} layer accepts mask list of length 2 or 3. Received: "
                    f"inputs={inputs}, mask={mask}."
                )

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode, "dropout": self.dropout, "seed": self.seed}
