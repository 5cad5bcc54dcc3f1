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


def combined_attention_mask(query_mask, value_mask, key_mask, positional_masks, attention_mask,
                            cast_attention_mask):
    """Keras's `_compute_attention_mask`: the query mask as `(B, T, 1)`, the value and key
    masks as `(B, 1, S)` and the positional (causal, sliding-window) `(1, T, S)` masks, ANDed
    with `attention_mask`.
    `cast_attention_mask`: whether an `attention_mask` that no other mask meets is still made
    boolean (MultiHeadAttention) or passed through unchanged (GroupedQueryAttention)."""
    masks = []
    if query_mask is not None:
        masks.append(ops.expand_dims(ops.cast(query_mask, "bool"), -1))
    for mask in (value_mask, key_mask):
        if mask is not None:
            masks.append(ops.expand_dims(ops.cast(mask, "bool"), -2))
    masks.extend(positional_masks)
    auto_mask = _all_of(masks)
    if attention_mask is not None and (cast_attention_mask or auto_mask is not None):
        attention_mask = ops.cast(attention_mask, "bool")
    if auto_mask is None:
        return attention_mask
    return auto_mask if attention_mask is None else ops.logical_and(attention_mask, auto_mask)


def _all_of(masks):
    if not masks:
        return None
    combined = masks[0]
    for mask in masks[1:]:
        combined = ops.logical_and(combined, mask)
    return combined
