"""AdditiveAttention: Bahdanau-style attention, scores `sum(scale * tanh(query + key))`."""

from keras_like import ops
from keras_like.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention, a.k.a. Bahdanau-style attention.

    Like `Attention`, but the `(B, Tq, Tv)` scores are `sum(scale * tanh(query + key), -1)`
    with a learned per-feature `scale` of shape `(dim,)` (Glorot-uniform initialised).

    Args:
        use_scale: Learn the per-feature `scale` (else 1).
        dropout: Dropout rate on the attention weights (in training).

    Call arguments: as `Attention`.

    Example:
    >>> q = np.ones((1, 2, 4), dtype="float32")
    >>> AdditiveAttention()([q, q]).shape
    (1, 2, 4)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        dim = input_shape[0][-1]
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=[dim],
                                         initializer="glorot_uniform", dtype=self.dtype,
                                         trainable=True)

    def _calculate_scores(self, query, key):
        # (B, Tq, 1, dim) + (B, 1, Tv, dim), summed over the features.
        summed = ops.tanh(ops.add(ops.expand_dims(query, axis=-2),
                                  ops.expand_dims(key, axis=-3)))
        if self.use_scale:
            summed = ops.multiply(self.scale, summed)
        return ops.sum(summed, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
