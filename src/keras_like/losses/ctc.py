"""CTC (Connectionist Temporal Classification) loss.

`keras_like.ops` has no `ctc_loss` yet, so the forward algorithm (the formulation of optax's
`ctc_loss_with_forward_probs`, which Keras's backends follow) is written here with ops; its
gradient comes from autodiff. If `ops.ctc_loss` appears it is used instead.
"""

from keras_like import ops
from keras_like.losses.loss import as_tensor

_LOG_EPSILON = -1e5


def _log_add(a, b):
    return ops.logaddexp(a, b)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sequence CTC negative log-likelihood.

    Args:
        target: `(batch, max_label_length)` integer labels.
        output: `(batch, max_time, num_classes)` logits.
        target_length: `(batch,)` label lengths.
        output_length: `(batch,)` output lengths.
        mask_index: The blank class. Defaults to `0`.

    Returns:
        A `(batch,)` tensor of losses.

    Example:
    >>> loss = ctc_loss([[1]], ops.zeros((1, 1, 2)), [1], [1])
    >>> round(float(loss[0]), 4)  # -log(softmax([0, 0])[1])
    0.6931
    """
    native = getattr(ops, "ctc_loss", None)
    if native is not None:
        return native(target, output, target_length, output_length, mask_index=mask_index)
    target = ops.cast(target, "int32")
    output = as_tensor(output)
    if output.dtype not in ("float32", "float64"):
        output = ops.cast(output, "float32")
    dtype = output.dtype
    target_length = ops.cast(target_length, "int32")
    output_length = ops.cast(output_length, "int32")
    batch, max_time, num_classes = output.shape
    max_label = target.shape[1]

    logprobs = ops.log_softmax(output, axis=-1)  # (B, T, K)
    # repeat[b, n] is 1 where label n equals label n + 1: a blank must separate them.
    same = ops.cast(ops.equal(target[:, :-1], target[:, 1:]), dtype)
    repeat = ops.pad(same, [(0, 0), (0, 1)])
    logprobs_phi = logprobs[:, :, mask_index:mask_index + 1]  # (B, T, 1)
    index = ops.broadcast_to(ops.expand_dims(target, 1), (batch, max_time, max_label))
    logprobs_emit = ops.take_along_axis(logprobs, index, axis=2)  # (B, T, N)
    time = ops.arange(max_time, dtype="int32")
    pad = ops.cast(ops.greater_equal(time[None, :], output_length[:, None]), dtype)  # (B, T)

    phi = ops.concatenate(
        [ops.zeros((batch, 1), dtype=dtype),
         ops.full((batch, max_label), _LOG_EPSILON, dtype=dtype)], axis=1)
    emit = ops.full((batch, max_label), _LOG_EPSILON, dtype=dtype)
    no_repeat_penalty = _LOG_EPSILON * repeat
    repeat_penalty = _LOG_EPSILON * (1.0 - repeat)

    def update_phi(phi, added):
        return ops.concatenate([phi[:, :1], _log_add(phi[:, 1:], added)], axis=1)

    for t in range(max_time):
        lp_emit = logprobs_emit[:, t, :]
        lp_phi = logprobs_phi[:, t, :]
        p = pad[:, t:t + 1]
        prev_phi_orig = phi
        phi_in = update_phi(phi, emit + no_repeat_penalty)
        next_emit = _log_add(phi_in[:, :-1] + lp_emit, emit + lp_emit)
        next_phi = update_phi(phi_in + lp_phi, emit + lp_phi + repeat_penalty)
        emit = p * emit + (1.0 - p) * next_emit
        phi = p * prev_phi_orig + (1.0 - p) * next_phi

    phi = update_phi(phi, emit)
    lengths = ops.minimum(target_length, max_label)
    pick = ops.one_hot(lengths, max_label + 1, dtype=dtype)
    return -ops.sum(phi * pick, axis=1)


def ctc(y_true, y_pred):
    """CTC loss for padded integer labels (0 = blank/padding) and logits.

    Args:
        y_true: `(batch_size, max_length)` integer labels; 0 marks padding and is never a
            class.
        y_pred: `(batch_size, max_length, num_classes)` logits (not softmax-normalised).

    Returns:
        A `(batch_size,)` tensor of losses.

    Example:
    >>> ctc([[1, 0]], ops.zeros((1, 3, 2))).shape
    (1,)
    """
    y_true = as_tensor(y_true)
    y_pred = as_tensor(y_pred)
    if y_true.ndim != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` "
            f"in integer format. Received: y_true.shape={tuple(y_true.shape)}"
        )
    if y_pred.ndim != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape "
            f"`(batch_size, max_length, num_classes)`. Received: y_pred.shape={tuple(y_pred.shape)}"
        )
    batch, max_time = y_pred.shape[0], y_pred.shape[1]
    output_length = ops.full((batch,), max_time, dtype="int32")
    label_length = ops.cast(ops.sum(ops.not_equal(y_true, 0), axis=-1), "int32")
    return ctc_loss(y_true, y_pred, label_length, output_length, mask_index=0)
