"""GroupedQueryAttention: several query heads share each key/value head."""

import math

from keras_like import constraints, initializers, ops, regularizers
from keras_like.config import is_flash_attention_enabled
from keras_like.layers.activations.softmax import Softmax
from keras_like.layers.attention._masks import (
    causal_mask,
    combined_attention_mask,
    expand_mask,
    sliding_window_mask,
)
from keras_like.layers.attention._sublayers import build_sublayer, clone_initializer
from keras_like.layers.core.einsum_dense import EinsumDense
from keras_like.layers.layer import Layer
from keras_like.layers.regularization.dropout import Dropout

# Masks gain the heads axis just before the (query, key) axes of `(B, heads, T, S)` scores.
_MASK_EXPANSION_AXIS = -3


class GroupedQueryAttention(Layer):
    """Grouped-query attention (Ainslie et al., 2023).

    `num_key_value_heads` key/value heads are each repeated for
    `num_query_heads // num_key_value_heads` query heads; 1 gives multi-query attention,
    `num_query_heads` gives multi-head attention. Sublayers (EinsumDense): `query`
    (`bqm,muh->bquh`), `key` and `value` (`bkm,mvh->bkvh`), optional `gate`, and
    `attention_output` (`bquh,uhm->bqm`).

    Args:
        head_dim: Size of each head.
        num_query_heads: Number of query heads.
        num_key_value_heads: Number of key and value heads (must divide `num_query_heads`).
        dropout: Dropout rate on the attention probabilities.
        use_bias: Whether the projections have biases.
        sliding_window: Optional positive int: each query attends only keys within
            `sliding_window - 1` positions.
        flash_attention: Only `None` or `False`: keras_like has no flash kernel.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: As in
            `MultiHeadAttention`.
        use_gate: Adds a sigmoid gate projection of the query that multiplies the heads'
            outputs.
        seed: Seed of the dropout layer.

    Call arguments: as `MultiHeadAttention` (3-D inputs; `query_mask`, `value_mask` and
    `key_mask` are taken from the inputs' Keras masks when not given).

    Example:
    >>> layer = GroupedQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
    >>> x = np.ones((1, 3, 8), dtype="float32")
    >>> layer(x, x).shape
    (1, 3, 8)
    """

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0,
                 use_bias=True, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None,
                 **kwargs):
        # Unlike MultiHeadAttention, Keras also regularizes this layer's own outputs.
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError("`num_query_heads` must be divisible by `num_key_value_heads`.")
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        if sliding_window is not None and (not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError(
                "`sliding_window` must be `None` or a positive integer. "
                f"Received: sliding_window={sliding_window}"
            )
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention or is_flash_attention_enabled()
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))
        self._return_attention_scores = False
        if self._flash_attention and self.dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Please set "
                "dropout to 0.0 to use flash attention."
            )

    def build(self, query_shape, value_shape, key_shape=None):
        # Einsum letters: b batch, q query length, k key/value length, m model dim,
        # u query heads, v key/value heads, h head dim.
        key_shape = value_shape if key_shape is None else key_shape
        self.feature_dim = query_shape[-1]
        self._query_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh",
                                             "query")
        build_sublayer(self._query_dense, query_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh",
                                           "key")
        build_sublayer(self._key_dense, key_shape)
        if self.use_gate:
            self._gate_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh",
                                                "gate", activation="sigmoid")
            build_sublayer(self._gate_dense, query_shape)
        self._value_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh",
                                             "value")
        build_sublayer(self._value_dense, value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self.dropout, dtype=self.dtype_policy,
                                      seed=self.seed)
        self._dot_product_equation = "bquh,bkuh->buqk"
        self._combine_equation = "buqk,bkuh->bquh"
        self._output_dense = EinsumDense(
            "bquh,uhm->bqm", output_shape=(None, self.feature_dim),
            bias_axes="m" if self.use_bias else None, name="attention_output",
            **self._get_common_kwargs_for_sublayer())
        build_sublayer(self._output_dense, (None, None, self.num_query_heads, self.head_dim))

    def _projection(self, equation, heads, bias_axes, name, activation=None):
        return EinsumDense(equation, output_shape=(None, heads, self.head_dim),
                           bias_axes=bias_axes if self.use_bias else None,
                           activation=activation, name=name,
                           **self._get_common_kwargs_for_sublayer())

    def _get_common_kwargs_for_sublayer(self):
        return {
            "kernel_regularizer": self.kernel_regularizer,
            "bias_regularizer": self.bias_regularizer,
            "activity_regularizer": self.activity_regularizer,
            "kernel_constraint": self.kernel_constraint,
            "bias_constraint": self.bias_constraint,
            "dtype": self.dtype_policy,
            "kernel_initializer": clone_initializer(self.kernel_initializer),
            "bias_initializer": clone_initializer(self.bias_initializer),
        }

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        self._return_attention_scores = return_attention_scores
        if key is None:
            key = value
        # Causal masking alone goes to the fused op's `is_causal` (see MultiHeadAttention).
        causal_only = (use_causal_mask and query_mask is None and value_mask is None
                       and key_mask is None and attention_mask is None
                       and self.sliding_window is None
                       and type(self)._compute_attention
                       is GroupedQueryAttention._compute_attention)
        if causal_only:
            attention_mask = None
        else:
            attention_mask = self._compute_attention_mask(
                query, value, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask,
                attention_mask=attention_mask, use_causal_mask=use_causal_mask)
        gate = self._gate_dense(query) if self.use_gate else None
        query = self._query_dense(query)
        key = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        value = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        extra = {"use_causal_mask": True} if causal_only else {}
        output, scores = self._compute_attention(query, key, value,
                                                 attention_mask=attention_mask,
                                                 training=training, **extra)
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None,
                                key_mask=None, attention_mask=None, use_causal_mask=False):
        """The boolean `(B, T, S)` AND of the query `(B, T, 1)`, value and key `(B, 1, S)`,
        causal and sliding-window `(1, T, S)` masks with `attention_mask` (which, as in
        Keras, is passed through unchanged when no other mask applies)."""
        positional = []
        if use_causal_mask:
            positional.append(self._compute_causal_mask(query, value))
        if self.sliding_window is not None:
            positional.append(self._compute_sliding_window_mask(query, value))
        return combined_attention_mask(query_mask, value_mask, key_mask, positional,
                                       attention_mask, cast_attention_mask=False)

    def _compute_causal_mask(self, query, value=None):
        query_length = ops.shape(query)[1]
        value_length = query_length if value is None else ops.shape(value)[1]
        return causal_mask(query_length, value_length)

    def _compute_sliding_window_mask(self, query, value=None):
        query_length = ops.shape(query)[1]
        value_length = query_length if value is None else ops.shape(value)[1]
        return sliding_window_mask(query_length, value_length, self.sliding_window)

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           use_causal_mask=False):
        if self._flash_attention and self._return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is "
                "enabled. Please disable flash attention to access attention scores."
            )
        if not (self.dropout > 0.0 or self._return_attention_scores or len(query.shape) != 4):
            if use_causal_mask and attention_mask is None:
                output = ops.dot_product_attention(
                    query=query, key=key, value=value, bias=None, mask=None,
                    scale=self._inverse_sqrt_head_dim, is_causal=True,
                    flash_attention=self._flash_attention)
                return output, None
            if attention_mask is not None:
                attention_mask = ops.cast(expand_mask(attention_mask, 4, _MASK_EXPANSION_AXIS),
                                          "bool")
            output = ops.dot_product_attention(
                query=query, key=key, value=value, bias=None, mask=attention_mask,
                scale=self._inverse_sqrt_head_dim, is_causal=use_causal_mask,
                flash_attention=self._flash_attention)
            return output, None
        if use_causal_mask:
            causal = self._compute_causal_mask(query, value)
            attention_mask = causal if attention_mask is None else ops.logical_and(
                ops.cast(attention_mask, "bool"), causal)
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_head_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, query, key)  # (B, heads, T, S)
        scores = self._masked_softmax(scores, attention_mask=attention_mask)
        # Dropout removes whole key positions a query attends to (as in the Transformer).
        dropped = self._dropout_layer(scores, training=training) if self.dropout > 0.0 \
            else scores
        return ops.einsum(self._combine_equation, dropped, value), scores

    def _masked_softmax(self, scores, attention_mask=None):
        if attention_mask is not None:
            attention_mask = expand_mask(attention_mask, len(scores.shape), _MASK_EXPANSION_AXIS)
        return self._softmax(scores, mask=attention_mask)

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        if key_shape is None:
            key_shape = value_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                "The last dimension of `query_shape` and `value_shape` must be equal, but are "
                f"{query_shape[-1]}, {value_shape[-1]}. Received: query_shape={query_shape}, "
                f"value_shape={value_shape}"
            )
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        return query_shape

    def compute_output_spec(self, query, value, key=None, **kwargs):
        # Keras checks the shapes only on symbolic calls (an eager call with different query
        # and value widths runs).
        self.compute_output_shape(query.shape, value.shape,
                                  None if key is None else key.shape)
        return super().compute_output_spec(query, value, key, **kwargs)

    def get_config(self):
        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        }


# Keras exports the class as `keras.layers.GroupQueryAttention`.
GroupQueryAttention = GroupedQueryAttention
