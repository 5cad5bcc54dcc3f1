"""MultiHeadAttention: scaled dot-product attention over several learned projections."""

import math

from keras_like import constraints, initializers, ops, regularizers
from keras_like.config import is_flash_attention_enabled
from keras_like.layers.activations.softmax import Softmax
from keras_like.layers.attention._equations import (
    build_attention_equation,
    build_proj_equation,
    partial_output_shape,
)
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


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017, "Attention is all you Need").

    `query`, `key` and `value` are projected to `num_heads` heads (EinsumDense sublayers
    `query`, `key`, `value` with kernels `(dim, num_heads, key_dim)`), each head computes
    `softmax(Q K^T / sqrt(key_dim) + mask) V`, and the heads are projected back by the
    `attention_output` sublayer (kernel `(num_heads, value_dim, out_dim)`).

    Args:
        num_heads: Number of attention heads.
        key_dim: Size of each head for query and key.
        value_dim: Size of each head for value (default `key_dim`).
        dropout: Dropout rate on the attention probabilities.
        use_bias: Whether the projections have biases.
        output_shape: Output shape besides the batch and attention axes (an int or a
            tuple); default: the query's last dimension.
        attention_axes: Axes attention runs over (an int or a tuple); default: every axis
            except the batch, heads and features axes.
        sliding_window: Optional positive int: each query position attends only keys within
            `sliding_window - 1` positions of itself.
        flash_attention: Only `None` or `False`: keras_like has no flash kernel.
        kernel_initializer, bias_initializer: Initializers of the projections.
        kernel_regularizer, bias_regularizer, activity_regularizer: Regularizers of the
            projections.
        kernel_constraint, bias_constraint: Constraints of the projections.
        use_gate: Adds a sigmoid gate projection of the query that multiplies the heads'
            outputs (Gated Attention, arXiv:2505.06708).
        seed: Seed of the dropout layer.

    Call arguments:
        query: `(B, T, dim)`. value: `(B, S, dim)`. key: optional `(B, S, dim)` (default
        `value`). attention_mask: boolean `(B, T, S)`, True where attention is allowed.
        return_attention_scores: also return the `(B, heads, T, S)` probabilities.
        training: applies dropout when True. use_causal_mask: query i attends keys j <= i.
        The query's and value's (and key's) Keras masks (`_keras_mask`) are combined into
        the attention mask; the output carries the query's mask.

    Example:
    >>> layer = MultiHeadAttention(num_heads=2, key_dim=4)
    >>> x = np.ones((1, 3, 8), dtype="float32")
    >>> layer(x, x).shape
    (1, 3, 8)
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, sliding_window=None,
                 flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate=False, seed=None, **kwargs):
        if not isinstance(num_heads, int) or num_heads <= 0:
            raise ValueError(
                "Received an invalid value for argument `num_heads`, expected a positive "
                f"integer. Received: num_heads={num_heads}"
            )
        if not isinstance(key_dim, int) or key_dim <= 0:
            raise ValueError(
                "Received an invalid value for argument `key_dim`, expected a positive "
                f"integer. Received: key_dim={key_dim}"
            )
        if value_dim is not None and (not isinstance(value_dim, int) or value_dim <= 0):
            raise ValueError(
                "Received an invalid value for argument `value_dim`, expected a positive "
                f"integer or `None`. Received: value_dim={value_dim}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            try:
                output_shape = tuple(output_shape)
            except TypeError:
                raise ValueError(
                    f"Invalid `output_shape`: {output_shape}. When specified, the "
                    "`output_shape` should be of type tuple, list, or int."
                ) from None
        self._output_shape = output_shape
        self._flash_attention = flash_attention or is_flash_attention_enabled()
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        # Keras gives the activity regularizer to the projections, not to this layer.
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                "`attention_axes` must be an int, list, or tuple."
                f"Received: attention_axes={attention_axes}"
            )
        self._attention_axes = attention_axes
        if sliding_window is not None and (not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError(
                "`sliding_window` must be `None` or a positive integer. "
                f"Received: sliding_window={sliding_window}"
            )
        self._sliding_window = sliding_window
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))
        if self._flash_attention and self._dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Please set "
                "dropout to 0.0 to use flash attention."
            )

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    # Public names of the projections: the weights file stores them under these names.
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        }

    # ---- building ----------------------------------------------------------------------------

    def build(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        _check_value_and_key(value_shape, key_shape)
        self._query_dense = self._projection(len(query_shape), self._key_dim, "query")
        build_sublayer(self._query_dense, query_shape)
        self._key_dense = self._projection(len(key_shape), self._key_dim, "key")
        build_sublayer(self._key_dense, key_shape)
        if self._use_gate:
            self._gate_dense = self._projection(len(query_shape), self._value_dim, "gate",
                                                activation="sigmoid")
            build_sublayer(self._gate_dense, query_shape)
        self._value_dense = self._projection(len(value_shape), self._value_dim, "value")
        build_sublayer(self._value_dense, value_shape)
        # Projected rank: the value's rank + 1 (its features became heads x channels).
        self._build_attention(len(value_shape) + 1)
        self._output_dense = self._make_output_dense(
            query_shape, self._get_common_kwargs_for_sublayer(), "attention_output")
        heads_shape = list(self._query_dense.compute_output_shape(query_shape))
        heads_shape[-1] = self._value_dim
        build_sublayer(self._output_dense, tuple(heads_shape))

    def _projection(self, input_rank, head_size, name, activation=None):
        equation, bias_axes, output_rank = build_proj_equation(input_rank - 1, bound_dims=1,
                                                               output_dims=2)
        return EinsumDense(
            equation,
            output_shape=partial_output_shape(output_rank - 1, [self._num_heads, head_size]),
            bias_axes=bias_axes if self._use_bias else None, activation=activation,
            name=name, **self._get_common_kwargs_for_sublayer())

    def _get_common_kwargs_for_sublayer(self):
        return {
            "kernel_regularizer": self._kernel_regularizer,
            "bias_regularizer": self._bias_regularizer,
            "activity_regularizer": self._activity_regularizer,
            "kernel_constraint": self._kernel_constraint,
            "bias_constraint": self._bias_constraint,
            "dtype": self.dtype_policy,
            "kernel_initializer": clone_initializer(self._kernel_initializer),
            "bias_initializer": clone_initializer(self._bias_initializer),
        }

    def _make_output_dense(self, query_shape, common_kwargs, name=None):
        """The projection from `(..., heads, value_dim)` to `output_shape` (default: the
        query's features)."""
        output_shape = self._output_shape if self._output_shape else [query_shape[-1]]
        equation, bias_axes, output_rank = build_proj_equation(
            len(query_shape) - 1, bound_dims=2, output_dims=len(output_shape))
        return EinsumDense(equation,
                           output_shape=partial_output_shape(output_rank - 1, output_shape),
                           bias_axes=bias_axes if self._use_bias else None, name=name,
                           **common_kwargs)

    def _build_attention(self, rank):
        """The einsum equations, softmax and dropout of the attention over `rank`-D projected
        tensors (overridable, as in Keras, for custom attention)."""
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            # Keras's normalisation of negative axes (relative to the projected rank - 1).
            self._attention_axes = tuple(axis if axis >= 0 else (rank - 1) + axis
                                         for axis in self._attention_axes)
        self._dot_product_equation, self._combine_equation, scores_rank = \
            build_attention_equation(rank, attn_axes=self._attention_axes)
        norm_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._softmax = Softmax(axis=norm_axes, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype_policy,
                                      seed=self.seed)

    # ---- calling -----------------------------------------------------------------------------

    def _mask_expansion_axis(self):
        # Masks gain axes just before the query attention axes: the heads axis first.
        return -len(self._attention_axes) * 2 - 1

    def _masked_softmax(self, attention_scores, attention_mask=None):
        if attention_mask is not None:
            attention_mask = expand_mask(attention_mask, len(attention_scores.shape),
                                         self._mask_expansion_axis())
        return self._softmax(attention_scores, mask=attention_mask)

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False, use_causal_mask=False):
        """Attention over projected `(B, T, N, key_dim)` query, `(B, S, N, key_dim)` key and
        `(B, S, N, value_dim)` value; returns (output, scores or None)."""
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is "
                "enabled. Please disable flash attention to access attention scores."
            )
        # Without dropout or requested scores, 3-D inputs take the fused op (as in Keras).
        if not (self._dropout > 0.0 or return_attention_scores or len(query.shape) != 4):
            if use_causal_mask and attention_mask is None:
                output = ops.dot_product_attention(
                    query=query, key=key, value=value, bias=None, mask=None,
                    scale=self._inverse_sqrt_key_dim, is_causal=True,
                    flash_attention=self._flash_attention)
                return output, None
            if attention_mask is not None:
                attention_mask = ops.cast(
                    expand_mask(attention_mask, 4, self._mask_expansion_axis()), "bool")
            output = ops.dot_product_attention(
                query=query, key=key, value=value, bias=None, mask=attention_mask,
                scale=self._inverse_sqrt_key_dim, is_causal=use_causal_mask,
                flash_attention=self._flash_attention)
            return output, None
        if use_causal_mask:
            # `call` left the causal mask to the fused op, which this path does not use.
            causal = self._compute_causal_mask(query, value)
            attention_mask = causal if attention_mask is None else ops.logical_and(
                ops.cast(attention_mask, "bool"), causal)
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, query.dtype))
        attention_scores = ops.einsum(self._dot_product_equation, key, query)
        attention_scores = self._masked_softmax(attention_scores, attention_mask)
        if self._dropout > 0.0:
            final_scores = self._dropout_layer(attention_scores, training=training)
        else:
            final_scores = attention_scores
        output = ops.einsum(self._combine_equation, final_scores, value)
        return output, attention_scores

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        if key is None:
            key = value
        # As Keras 3.15: the query's own Keras mask decides (an explicit `query_mask` is
        # ignored). Keras also deletes the inputs' masks here so the projections do not see
        # them; the projections here never read masks, so the caller's tensors keep theirs.
        query_mask = getattr(query, "_keras_mask", None)
        # Causal masking alone goes to the fused op's `is_causal` instead of a (T, S) mask,
        # unless a subclass replaced `_compute_attention` (it would get no mask at all).
        causal_only = (use_causal_mask and query_mask is None and value_mask is None
                       and key_mask is None and attention_mask is None
                       and self._sliding_window is None
                       and type(self)._compute_attention
                       is MultiHeadAttention._compute_attention)
        if causal_only:
            attention_mask = None
        else:
            attention_mask = self._compute_attention_mask(
                query, value, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask,
                attention_mask=attention_mask, use_causal_mask=use_causal_mask)
        gate = self._gate_dense(query) if self._use_gate else None
        query = self._query_dense(query)
        key = self._key_dense(key)
        value = self._value_dense(value)
        extra = {"use_causal_mask": True} if causal_only else {}
        attention_output, attention_scores = self._compute_attention(
            query, key, value, attention_mask, training, return_attention_scores, **extra)
        if gate is not None:
            attention_output = ops.multiply(attention_output, gate)
        attention_output = self._output_dense(attention_output)
        if query_mask is not None:
            attention_output._keras_mask = query_mask
        if return_attention_scores:
            return attention_output, attention_scores
        return attention_output

    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None,
                                key_mask=None, attention_mask=None, use_causal_mask=False):
        """The boolean `(B, T, S)` mask: the query mask as `(B, T, 1)`, the value and key
        masks as `(B, 1, S)`, the causal and sliding-window masks as `(1, T, S)` and the
        explicit `attention_mask`, combined with AND (None when there is none)."""
        positional = []
        if use_causal_mask:
            positional.append(self._compute_causal_mask(query, value))
        if self._sliding_window is not None:
            positional.append(self._compute_sliding_window_mask(query, value))
        return combined_attention_mask(query_mask, value_mask, key_mask, positional,
                                       attention_mask, cast_attention_mask=True)

    def _compute_causal_mask(self, query, value=None):
        """`(1, T, S)`: True where the key position is not after the query position."""
        query_length = ops.shape(query)[1]
        value_length = query_length if value is None else ops.shape(value)[1]
        return causal_mask(query_length, value_length)

    def _compute_sliding_window_mask(self, query, value=None):
        """`(1, T, S)`: True where the positions are less than `sliding_window` apart."""
        query_length = ops.shape(query)[1]
        value_length = query_length if value is None else ops.shape(value)[1]
        return sliding_window_mask(query_length, value_length, self._sliding_window)

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        _check_value_and_key(value_shape, key_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape


def _check_value_and_key(value_shape, key_shape):
    if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
        raise ValueError(
            "All dimensions of `value` and `key`, except the last one, must be equal. "
            f"Received: value_shape={tuple(value_shape)} and key_shape={tuple(key_shape)}"
        )
