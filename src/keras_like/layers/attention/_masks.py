"""Position masks shared by the attention layers: boolean `(1, T, S)` tensors."""

from keras_like import ops


def causal_mask(query_length, value_length):
    """True where query position i may attend key position j: j <= i (lower triangle)."""
    rows = ops.reshape(ops.arange(query_length, dtype="int32"), (1, query_length, 1))
    cols = ops.reshape(ops.arange(value_length, dtype="int32"), (1, 1, value_length))
    return ops.greater_equal(rows, cols)


def sliding_window_mask(query_length, value_length, window):
    """True where |i - j| < window: a symmetric band (with a causal mask, Mistral's window)."""
    rows = ops.reshape(ops.arange(query_length, dtype="int32"), (1, query_length, 1))
    cols = ops.reshape(ops.arange(value_length, dtype="int32"), (1, 1, value_length))
    return ops.less(ops.abs(ops.subtract(rows, cols)), window)


def expand_mask(mask, target_rank, axis):
    """Adds axes at `axis` until `mask` has `target_rank` dims (the heads axis and any batch
    axes a `(B, T, S)` mask lacks for `(B, N, T, S)` scores)."""
    for _ in range(target_rank - len(mask.shape)):
        mask = ops.expand_dims(mask, axis=axis)
    return mask
