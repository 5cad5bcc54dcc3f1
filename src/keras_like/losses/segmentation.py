"""Segmentation and metric-learning losses as functions: Dice, Tversky and Circle."""

from keras_like import ops
from keras_like.backend import config
from keras_like.losses.loss import as_tensor, check_shapes


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def dice(y_true, y_pred, axis=None):
    """Dice loss `1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon)`.

    Args:
        y_true: Target masks.
        y_pred: Predicted masks, same shape.
        axis: Axes the sums run over; `None` (default) sums everything into one value.

    Example:
    >>> round(float(dice([[1.0, 0.0]], [[1.0, 0.0]])), 4)
    0.0
    """
    y_pred = as_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    check_shapes("dice", y_true, y_pred)
    axis = _axis(axis)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    union = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis) + config.epsilon()
    return 1.0 - 2.0 * intersection / union


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss `1 - TP / (TP + alpha * FP + beta * FN + epsilon)` (Salehi et al., 2017).

    `FP = sum((1 - y_pred) * y_true)` and `FN = sum(y_pred * (1 - y_true))` as Keras defines
    them; `alpha = beta = 0.5` gives the Dice loss.

    Example:
    >>> round(float(tversky([[1.0, 0.0]], [[1.0, 1.0]], alpha=0.5, beta=0.5)), 4)
    0.3333
    """
    y_pred = as_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    check_shapes("tversky", y_true, y_pred)
    axis = _axis(axis)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    fp = ops.sum((1.0 - y_pred) * y_true, axis=axis)
    fn = ops.sum(y_pred * (1.0 - y_true), axis=axis)
    return 1.0 - intersection / (intersection + fp * alpha + fn * beta + config.epsilon())


def build_pos_neg_masks(query_labels, key_labels, remove_diagonal=True):
    """Boolean (query, key) masks of same-label pairs and different-label pairs.

    Example:
    >>> pos, neg = build_pos_neg_masks(ops.convert_to_tensor([0, 0, 1]),
    ...                                ops.convert_to_tensor([0, 0, 1]))
    >>> pos.numpy().astype(int).tolist()
    [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    """
    if query_labels.ndim == 1:
        query_labels = ops.reshape(query_labels, (-1, 1))
    if key_labels.ndim == 1:
        key_labels = ops.reshape(key_labels, (-1, 1))
    positive = ops.equal(query_labels, ops.transpose(key_labels))
    negative = ops.logical_not(positive)
    if remove_diagonal:
        eye = ops.eye(query_labels.size, key_labels.size, k=0, dtype="bool")
        positive = ops.logical_and(positive, ops.logical_not(eye))
    return positive, negative


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True,
           gamma=80, margin=0.4):
    """Circle loss (Sun et al., 2020) between integer labels and L2-normalised embeddings.

    Args:
        y_true: Integer labels, shape `(batch_size,)`.
        y_pred: Unit-norm embeddings, shape `(batch_size, dim)`.
        ref_labels: Labels of the reference embeddings (default `y_true`).
        ref_embeddings: Reference embeddings (default `y_pred`).
        remove_diagonal: Whether self-pairs are dropped from the positives.
        gamma: Scale of the similarity scores.
        margin: Relaxation margin.

    Returns:
        One loss per sample; samples with zero loss are masked out (`_keras_mask`).

    Example:
    >>> emb = ops.normalize(ops.convert_to_tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]))
    >>> circle(ops.convert_to_tensor([0, 0, 1]), emb).shape
    (3,)
    """
    y_pred = as_tensor(y_pred)
    y_true = ops.cast(y_true, "int32")
    ref_embeddings = y_pred if ref_embeddings is None else as_tensor(ref_embeddings)
    ref_labels = y_true if ref_labels is None else ops.cast(ref_labels, "int32")

    distances = ops.maximum(1.0 - ops.matmul(y_pred, ops.transpose(ref_embeddings)), 0.0)
    positive, negative = build_pos_neg_masks(y_true, ref_labels, remove_diagonal)
    pos_mask = ops.cast(positive, distances.dtype)
    neg_mask = ops.cast(negative, distances.dtype)

    pos_weights = ops.maximum((margin + distances) * pos_mask, 0.0)
    neg_weights = ops.maximum((1.0 + margin - distances) * neg_mask, 0.0)
    pos_wdists = -gamma * pos_weights * (margin - distances)
    neg_wdists = gamma * neg_weights * ((1.0 - margin) - distances)

    p_loss = ops.logsumexp(ops.where(positive, pos_wdists, float("-inf")), axis=1)
    n_loss = ops.logsumexp(ops.where(negative, neg_wdists, float("-inf")), axis=1)
    loss = ops.softplus(p_loss + n_loss)
    loss._keras_mask = loss > 0
    return loss
