"""NumPy references for the attention layers, written from the equations (not the layers).

Multi-head attention: `Q = x_q Wq + bq` (kernel `(dim, heads, key_dim)`), likewise K and V;
`P = softmax(Q K^T / sqrt(key_dim) + mask)` over the key positions of each head; the heads'
`P V` are projected by `Wo` (`(heads, value_dim, out...)`) plus `bo`. Attention may run over
several axes at once: their positions are flattened into one query and one key axis, and the
other non-feature axes act as batch axes.

A fully masked row is where the layers' two code paths differ (as in Keras): the fused
dot-product-attention op gives uniform weights over all keys, the masked Softmax layer zeros.
"""

import numpy as np

LARGE_NEGATIVE = -1e9


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def masked_softmax(scores, mask=None, fully_masked="uniform"):
    """Softmax over the last axis; `mask` (True = keep) broadcasts against `scores`.

    fully_masked: "uniform" (masked logits are replaced by a large negative number, so a
    row with nothing kept is uniform) or "zero" (masked probabilities are set to zero).
    """
    if mask is None:
        return softmax(scores)
    mask = np.broadcast_to(mask, scores.shape)
    probs = softmax(np.where(mask, scores, LARGE_NEGATIVE))
    return np.where(mask, probs, 0.0) if fully_masked == "zero" else probs


def project(x, kernel, bias=None):
    """Contract the last axis of `x` with the first axis of `kernel` (plus `bias`)."""
    out = np.tensordot(x, kernel, axes=([-1], [0]))
    return out if bias is None else out + bias


def _split_mha_weights(weights, use_bias, use_gate):
    """{name: (kernel, bias)} from weights in layer order: query, key, [gate], value, output."""
    names = ["query", "key"] + (["gate"] if use_gate else []) + ["value", "output"]
    step = 2 if use_bias else 1
    return {name: (weights[i * step], weights[i * step + 1] if use_bias else None)
            for i, name in enumerate(names)}


def attend(q, k, v, attention_axes, scale, mask=None, fully_masked="uniform"):
    """Attention of projected `(B, ..., heads, H)` tensors over `attention_axes` (axes of
    the projected tensors, between the batch and heads axes).

    `mask` broadcasts against the scores laid out as `(batch axes..., heads, query attention
    axes..., key attention axes...)`. Returns (output like `q` with v's channels, scores in
    that layout).
    """
    rank = q.ndim
    heads_axis = rank - 2
    assert all(0 < a < heads_axis for a in attention_axes), attention_axes
    batch_axes = [a for a in range(heads_axis) if a not in attention_axes]
    order = batch_axes + [heads_axis] + list(attention_axes) + [rank - 1]

    def flat(t):
        t = np.transpose(t, order)
        batch = t.shape[:len(batch_axes) + 1]
        return t.reshape(int(np.prod(batch[:-1])), batch[-1], -1, t.shape[-1]), t.shape

    qf, q_layout = flat(q)
    kf, k_layout = flat(k)
    vf, v_layout = flat(v)
    scores = np.einsum("bnqh,bnkh->bnqk", qf, kf) * scale
    lead = q_layout[:len(batch_axes) + 1]
    q_positions = q_layout[len(batch_axes) + 1:-1]
    k_positions = k_layout[len(batch_axes) + 1:-1]
    scores_layout = (*lead, *q_positions, *k_positions)
    if mask is not None:
        mask = np.broadcast_to(mask, scores_layout).reshape(scores.shape)
    probs = masked_softmax(scores, mask, fully_masked)
    out = np.einsum("bnqk,bnkh->bnqh", probs, vf)
    out = out.reshape(*lead, *q_positions, v_layout[-1])
    return np.transpose(out, np.argsort(order)), probs.reshape(scores_layout)


def multi_head_attention(query, value, weights, key=None, attention_axes=(1,), mask=None,
                         use_bias=True, use_gate=False, fully_masked="uniform"):
    """MultiHeadAttention's (output, scores) for weights in the layer's order."""
    key = value if key is None else key
    w = _split_mha_weights(weights, use_bias, use_gate)
    q, k, v = project(query, *w["query"]), project(key, *w["key"]), project(value, *w["value"])
    out, scores = attend(q, k, v, attention_axes, 1.0 / np.sqrt(q.shape[-1]), mask,
                         fully_masked)
    if use_gate:
        out = out * sigmoid(project(query, *w["gate"]))
    kernel, bias = w["output"]
    out = np.tensordot(out, kernel, axes=([-2, -1], [0, 1]))
    return (out if bias is None else out + bias), scores


def grouped_query_attention(query, value, weights, key=None, mask=None, use_bias=True,
                            use_gate=False, fully_masked="uniform"):
    """GroupedQueryAttention's (output, scores): each key/value head serves
    `query heads / key-value heads` consecutive query heads."""
    key = value if key is None else key
    w = _split_mha_weights(weights, use_bias, use_gate)
    q = project(query, *w["query"])
    repeats = q.shape[-2] // w["key"][0].shape[1]
    k = np.repeat(project(key, *w["key"]), repeats, axis=-2)
    v = np.repeat(project(value, *w["value"]), repeats, axis=-2)
    out, scores = attend(q, k, v, (1,), 1.0 / np.sqrt(q.shape[-1]), mask, fully_masked)
    if use_gate:
        out = out * sigmoid(project(query, *w["gate"]))
    kernel, bias = w["output"]
    out = np.tensordot(out, kernel, axes=([-2, -1], [0, 1]))
    return (out if bias is None else out + bias), scores


def luong_attention(query, value, key=None, scale=None, concat_weight=None, query_mask=None,
                    value_mask=None, causal=False):
    """Attention's (output, weights): dot scores `q k^T` (times `scale`), or concat scores
    `concat_weight * sum(tanh(scale * (q + k)))` when `concat_weight` is given."""
    key = value if key is None else key
    if concat_weight is None:
        scores = query @ np.swapaxes(key, -1, -2)
        if scale is not None:
            scores = scores * scale
    else:
        summed = query[:, :, None, :] + key[:, None, :, :]
        if scale is not None:
            summed = scale * summed
        scores = concat_weight * np.tanh(summed).sum(-1)
    return _apply_scores(scores, value, query_mask, value_mask, causal)


def bahdanau_attention(query, value, key=None, scale=None, query_mask=None, value_mask=None,
                       causal=False):
    """AdditiveAttention's (output, weights): scores `sum(scale * tanh(q + k))`."""
    key = value if key is None else key
    summed = np.tanh(query[:, :, None, :] + key[:, None, :, :])
    scores = (summed if scale is None else scale * summed).sum(-1)
    return _apply_scores(scores, value, query_mask, value_mask, causal)


def _apply_scores(scores, value, query_mask, value_mask, causal):
    keep = np.ones(scores.shape, dtype=bool)
    if value_mask is not None:
        keep &= value_mask[:, None, :]
    if causal:
        keep &= causal_mask(scores.shape[-2], scores.shape[-1])
    # Masked scores drop by 1e9 (they are not replaced), then the softmax.
    weights = softmax(np.where(keep, scores, scores - 1e9))
    out = weights @ value
    if query_mask is not None:
        out = np.where(query_mask[:, :, None], out, 0.0)
    return out, weights


def causal_mask(query_length, key_length):
    """`(1, T, S)`: True where key position j <= query position i."""
    return (np.arange(key_length)[None, :] <= np.arange(query_length)[:, None])[None]


def band_mask(query_length, key_length, window):
    """`(1, T, S)`: True where |i - j| < window."""
    diff = np.arange(query_length)[:, None] - np.arange(key_length)[None, :]
    return (np.abs(diff) < window)[None]


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))
