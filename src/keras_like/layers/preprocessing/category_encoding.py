"""CategoryEncoding: one-hot, multi-hot or count encoding of integer features."""

from keras_like import ops
from keras_like.layers._arg_checks import dimension
from keras_like.layers.layer import Layer

_MODES = ("count", "one_hot", "multi_hot")


class CategoryEncoding(Layer):
    """Encodes integer inputs in `[0, num_tokens)` as dense vectors of size `num_tokens`.

    Args:
        num_tokens: The number of distinct tokens.
        output_mode: `"multi_hot"` (default): one vector per sample (the last axis) with a 1
            for every token present; `"one_hot"`: one vector per element (a trailing axis of
            size 1 is replaced); `"count"`: like multi_hot, counting occurrences (weighted by
            `count_weights` when given).
        sparse: Must be False: keras_like has no sparse tensors.

    Call arguments:
        inputs: 1D or 2D integer inputs.
        count_weights: Optional weights shaped like `inputs`, only for `"count"` mode.

    Example:
    >>> CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1]).numpy()[0]
    array([0., 0., 0., 1.], dtype=float32)
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":  # the deprecated name of multi_hot
            output_mode = "multi_hot"
        if output_mode not in _MODES:
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not "
                "known beforehand, use the IntegerLookup layer instead."
            )
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, int) or num_tokens < 1:
            raise ValueError(f"CategoryEncoding: `num_tokens` must be >= 1. "
                             f"Received: num_tokens={num_tokens!r}.")
        dimension(self, "num_tokens", num_tokens)
        if sparse:
            raise ValueError(
                "keras_like has no sparse tensors: `CategoryEncoding` needs `sparse=False`. "
                f"Received: sparse={sparse}"
            )
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        # Token ids are integers: keep them away from float autocasting.
        self.autocast = False

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "`count_weights` is not used when `output_mode` is not `'count'`. "
                    f"Received `count_weights={count_weights}`."
                )
            count_weights = ops.convert_to_tensor(count_weights, dtype=self.compute_dtype)
        x = inputs if inputs.dtype.startswith(("int", "uint")) else ops.cast(inputs, "int32")
        original_shape = tuple(x.shape)
        if x.ndim == 0:
            x = ops.expand_dims(x, -1)
        if x.ndim > 2:
            raise ValueError(
                "When output_mode is not `'int'`, maximum supported output rank is 2. "
                f"Received output_mode {self.output_mode} and input shape {original_shape}, "
                f"which would result in output rank {x.ndim}."
            )
        dtype = self.dtype
        if self.output_mode == "multi_hot":
            return ops.multi_hot(x, self.num_tokens, dtype=dtype)
        if self.output_mode == "one_hot":
            if x.ndim > 1 and x.shape[-1] == 1:
                x = ops.squeeze(x, axis=-1)
            return ops.one_hot(x, self.num_tokens, dtype=dtype)
        # "count": a one-hot per element summed over the sample axis; its width is always
        # num_tokens (unlike bincount's, which follows the largest value).
        if count_weights is not None:
            dtype = count_weights.dtype
        encoded = ops.one_hot(x, self.num_tokens, dtype=dtype)
        if count_weights is not None:
            if count_weights.ndim < x.ndim:
                count_weights = ops.reshape(count_weights, tuple(x.shape))
            encoded = ops.multiply(encoded, ops.expand_dims(count_weights, -1))
        return ops.sum(encoded, axis=1 if x.ndim > 1 else 0)

    def compute_output_shape(self, input_shape):
        if input_shape is not None and len(input_shape) == 0:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and len(input_shape) > 1 and input_shape[-1] == 1:
            return (*input_shape[:-1], self.num_tokens)
        if self.output_mode == "one_hot":
            return (*input_shape, self.num_tokens)
        return (*input_shape[:-1], self.num_tokens)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens,
                "output_mode": self.output_mode}
