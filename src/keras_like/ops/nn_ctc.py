"""Connectionist Temporal Classification: `ctc_loss` and `ctc_decode` (`keras.ops.nn`).

The loss is the forward (alpha) recursion in log space (the formulation of optax's
`ctc_loss_with_forward_probs`, which Keras follows), one step of engine ops per time step, so
it is differentiable. Decoding has no gradient in Keras either: greedy decoding runs on
engine ops, beam search on the host.
"""

import numpy as np

from keras_like.backend.dtypes import result_type
from keras_like.ops._base import E, tensor
from keras_like.ops.numpy_math import logaddexp

__all__ = ["ctc_decode", "ctc_loss"]

_LOG_EPSILON = -1e5


def _lengths_to_paddings(lengths, max_length, dtype):
    """1.0 at positions `>= length` of each row, else 0.0: shape `(batch, max_length)`."""
    positions = E.reshape(E.arange(0.0, 1.0, max_length, "int32"), [1, max_length])
    return E.cast(E.greater_equal(positions, E.reshape(lengths, [-1, 1])), dtype)


def _one_hot(indices, depth, dtype):
    classes = E.arange(0.0, 1.0, depth, "int32")
    return E.cast(E.equal(E.reshape(indices, list(indices.shape) + [1]), classes), dtype)


def _columns(x, start, stop):
    return E.slice(x, [0, start], [x.shape[0], stop], [1, 1])


def _update_phi(phi, added):
    """`phi[:, 1:]` combined with `added` in log space (`phi[:, 0]` unchanged)."""
    n = phi.shape[1]
    return E.concatenate([_columns(phi, 0, 1), logaddexp(_columns(phi, 1, n), added)], 1)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """CTC loss per sequence: `-log p(target | output)`.

    Args:
        target: Integer labels `(batch, max_label_length)`.
        output: Logits `(batch, max_time, num_classes)` (not softmax-normalized).
        target_length: Label lengths `(batch,)`.
        output_length: Output lengths `(batch,)`.
        mask_index: The class index of the blank. Defaults to 0.

    Returns:
        The loss of each sequence, shape `(batch,)`, in at least float32.

    Example:
    >>> logits = np.zeros((1, 2, 2), "float32")
    >>> round(float(ctc_loss([[1]], logits, [1], [2])[0]), 4)  # 3 of 4 paths give "1"
    0.2877
    """
    target = E.cast(tensor(target), "int32")
    output = tensor(output)
    target_length = E.cast(tensor(target_length), "int32")
    output_length = E.cast(tensor(output_length), "int32")
    if output.ndim != 3 or target.ndim != 2:
        raise ValueError(
            "`ctc_loss` expects `target` of shape (batch, max_label_length) and `output` of "
            f"shape (batch, max_time, num_classes). Received: target.shape={target.shape}, "
            f"output.shape={output.shape}"
        )
    batch, max_time, num_classes = output.shape
    max_label = target.shape[1]
    dtype = result_type(output.dtype, "float32")
    output = E.cast(output, dtype)
    target_paddings = _lengths_to_paddings(target_length, max_label, dtype)
    output_paddings = _lengths_to_paddings(output_length, max_time, dtype)
    logprobs = E.log_softmax(output, -1)
    label_lengths = E.cast(E.subtract(float(max_label),
                                      E.reduce("sum", target_paddings, [1], False)), "int32")
    # repeat[b, n] == 1 where label n repeats label n + 1.
    if max_label > 1:
        same = E.equal(_columns(target, 0, max_label - 1), _columns(target, 1, max_label))
        repeat = E.pad(E.cast(same, dtype), [0, 0], [0, 1], 0.0)
    else:
        repeat = E.full([batch, max_label], 0.0, dtype)
    index = E.full([], float(mask_index), "int32")
    logprobs_phi = E.reshape(E.take(logprobs, index, 2), [batch, max_time, 1])
    logprobs_emit = E.matmul(logprobs, E.transpose(_one_hot(target, num_classes, dtype),
                                                   [0, 2, 1]))  # (batch, time, label)
    phi = E.concatenate([E.full([batch, 1], 0.0, dtype),
                         E.full([batch, max_label], _LOG_EPSILON, dtype)], 1)
    emit = E.full([batch, max_label], _LOG_EPSILON, dtype)
    no_repeat = E.multiply(E.subtract(1.0, repeat), _LOG_EPSILON)
    with_repeat = E.multiply(repeat, _LOG_EPSILON)
    for t in range(max_time):
        lp_emit = E.reshape(E.slice(logprobs_emit, [0, t, 0], [batch, t + 1, max_label],
                                    [1, 1, 1]), [batch, max_label])
        lp_phi = E.reshape(E.slice(logprobs_phi, [0, t, 0], [batch, t + 1, 1], [1, 1, 1]),
                           [batch, 1])
        pad = E.slice(output_paddings, [0, t], [batch, t + 1], [1, 1])
        prev_phi = phi
        phi_in = _update_phi(phi, E.add(emit, with_repeat))  # emit -> phi, unless repeated
        next_emit = logaddexp(E.add(_columns(phi_in, 0, max_label), lp_emit),
                              E.add(emit, lp_emit))
        next_phi = E.add(phi_in, lp_phi)
        next_phi = _update_phi(next_phi, E.add(E.add(emit, lp_phi), no_repeat))
        keep = E.subtract(1.0, pad)
        emit = E.add(E.multiply(pad, emit), E.multiply(keep, next_emit))
        phi = E.add(E.multiply(pad, prev_phi), E.multiply(keep, next_phi))
    phi_last = _update_phi(phi, emit)
    pick = _one_hot(label_lengths, max_label + 1, dtype)
    return E.negative(E.reduce("sum", E.multiply(phi_last, pick), [1], False))


def _greedy_decode(inputs, sequence_lengths, merge_repeated, mask_index):
    batch, max_length, num_classes = inputs.shape
    if mask_index is None:
        mask_index = num_classes - 1
    indices = E.cast(E.arg_reduce(inputs, True, 2, False), "int32")
    scores = E.reduce("max", inputs, [2], False)
    positions = E.reshape(E.arange(0.0, 1.0, max_length, "int32"), [1, max_length])
    beyond = E.greater_equal(positions, E.reshape(sequence_lengths, [-1, 1]))
    indices = E.where(beyond, int(mask_index), indices)
    scores = E.where(beyond, 0.0, scores)
    if merge_repeated and max_length > 1:
        same = E.equal(_columns(indices, 1, max_length), _columns(indices, 0, max_length - 1))
        same = E.concatenate([E.full([batch, 1], 0.0, "bool"), same], 1)
        indices = E.where(same, int(mask_index), indices)
    blank = E.equal(indices, int(mask_index))
    indices = E.where(blank, -1, indices)
    # Move the blanks to the end of each row, keeping the order of the labels.
    order = E.where(blank, max_length, E.broadcast_to(positions, [batch, max_length]))
    order = E.sort(order, 1, False)[1]
    indices = E.take_along_axis(indices, order, 1)
    scores = E.negative(E.reduce("sum", scores, [1], True))
    return E.reshape(indices, [1, batch, max_length]), scores


def _log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _merge_scores(inverse, scores):
    top = np.max(scores)
    if not np.isfinite(top):
        top = 0.0
    merged = np.zeros_like(scores)
    np.add.at(merged, inverse, np.exp(scores - top))
    with np.errstate(divide="ignore"):
        return np.log(merged) + top


def _beam_decode_one(inputs, seqlen_mask, beam_width, top_paths, mask_index):
    """Beam search over one sequence `(time, classes)` of (flipped) log-probabilities."""
    max_len, num_classes = inputs.shape
    pad = -1
    width = 2 * beam_width
    paths = np.full((width, max_len), pad, dtype=np.int32)
    n_init = min(num_classes, beam_width)
    best = np.argsort(inputs[0])[-n_init:]
    paths[:n_init, 0] = np.where(best == mask_index, pad, best)
    scores = np.full(width, -np.inf, dtype=inputs.dtype)
    scores[:n_init] = inputs[0][best]
    masked = paths[:, 0] == pad

    def unique_rows(p):
        p, inverse = np.unique(p, return_inverse=True, axis=0)
        extra = width * num_classes - len(p)
        if extra > 0:
            p = np.pad(p, [[0, extra], [0, 0]], constant_values=pad)
        return p[: width * num_classes], inverse.reshape(-1)

    for t in range(1, max_len):
        if seqlen_mask[t]:
            continue
        paths = np.repeat(paths, num_classes, axis=0)
        scores = np.repeat(scores, num_classes)
        prev_masked = np.repeat(masked, num_classes)
        tail_index = np.argmax(paths == pad, axis=1)
        rows = np.arange(width * num_classes)
        tails = np.where(tail_index == 0, pad, paths[rows, tail_index - 1])
        classes = np.arange(num_classes)
        classes[mask_index] = pad
        classes = np.tile(classes, width)
        masked = classes == pad
        classes = np.where(~prev_masked & (tails == classes), pad, classes)
        paths[rows, tail_index] = classes
        scores = scores + np.tile(inputs[t], width)
        paths, inverse = unique_rows(paths)
        emit = _merge_scores(inverse, np.where(masked, -np.inf, scores))
        blank = _merge_scores(inverse, np.where(masked, scores, -np.inf))
        total = np.logaddexp(emit, blank)
        top = np.argsort(total, kind="stable")[-beam_width:]
        paths = np.tile(paths[top], (2, 1))
        scores = np.concatenate([emit[top], blank[top]])
        masked = np.concatenate([np.zeros(beam_width, bool), np.ones(beam_width, bool)])
    paths, inverse = unique_rows(paths)
    scores = _merge_scores(inverse, scores)
    top = np.argsort(scores)[-top_paths:][::-1]
    return paths[top], scores[top]


def _beam_search_decode(inputs, sequence_lengths, beam_width, top_paths, mask_index):
    x = np.asarray(inputs.numpy())
    lengths = np.asarray(sequence_lengths.numpy())
    batch, max_len, num_classes = x.shape
    if mask_index is None:
        mask_index = num_classes - 1
    x = _log_softmax(x)
    seqlen_mask = np.arange(max_len)[None, :] >= lengths[:, None]
    # Flipping the classes makes argsort's tie order match TensorFlow's decoder.
    x = np.flip(x, axis=2)
    flipped_mask = num_classes - mask_index - 1
    results = [_beam_decode_one(x[b], seqlen_mask[b], beam_width, top_paths, flipped_mask)
               for b in range(batch)]
    paths = np.stack([r[0] for r in results])
    scores = np.stack([r[1] for r in results])
    paths = np.where(paths == -1, -1, num_classes - paths - 1)
    return (tensor(np.ascontiguousarray(np.transpose(paths, [1, 0, 2])).astype(np.int32)),
            tensor(np.ascontiguousarray(scores), inputs.dtype))


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Decodes CTC logits by greedy (best path) or beam search.

    Args:
        inputs: Logits `(batch, max_length, num_classes)`, not softmax-normalized.
        sequence_lengths: Lengths `(batch,)`.
        strategy: `"greedy"` or `"beam_search"`.
        beam_width: Beam width for beam search.
        top_paths: Number of paths beam search returns.
        merge_repeated: Greedy only: merge repeated labels.
        mask_index: Class index of the blank.

    Returns:
        `(decoded, scores)`: int32 labels `(paths, batch, max_length)` padded with -1, and
        `(batch, paths)` scores (greedy: minus the sum of the best logits).

    Example:
    >>> logits = np.log(np.array([[[0.1, 0.9], [0.1, 0.9], [0.9, 0.1]]], "float32"))
    >>> decoded, _ = ctc_decode(logits, [3])
    >>> decoded.numpy()
    array([[[ 1, -1, -1]]], dtype=int32)
    """
    inputs = tensor(inputs)
    inputs = E.cast(inputs, result_type(inputs.dtype, "float32"))
    lengths = E.cast(tensor(sequence_lengths), "int32")
    if inputs.ndim != 3:
        raise ValueError(
            "`ctc_decode` expects `inputs` of shape (batch, max_length, num_classes). "
            f"Received: inputs.shape={inputs.shape}"
        )
    if strategy == "greedy":
        return _greedy_decode(inputs, lengths, merge_repeated, mask_index)
    if strategy == "beam_search":
        return _beam_search_decode(inputs, lengths, int(beam_width), int(top_paths),
                                   mask_index)
    raise ValueError(
        "Invalid value for argument `strategy`. Expected 'greedy' or 'beam_search'. "
        f"Received: strategy={strategy}"
    )
