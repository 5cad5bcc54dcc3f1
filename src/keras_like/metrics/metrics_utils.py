"""Shared helpers of the metrics: rank alignment, masks and confusion-matrix accumulation."""

import math

import numpy as np

from keras_like import ops
from keras_like.backend import config

NEG_INF = -1e10

TRUE_POSITIVES = "tp"
FALSE_POSITIVES = "fp"
TRUE_NEGATIVES = "tn"
FALSE_NEGATIVES = "fn"
CONFUSION_KEYS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)


def get_keras_mask(x):
    """The `_keras_mask` a layer attached to `x`, or None."""
    return getattr(x, "_keras_mask", None)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Aligns ranks that differ by a trailing axis of size 1 (Keras's loss helper).

    A rank-1 operand is expanded rather than the other squeezed when `expand_rank_1`.
    """
    x1_rank, x2_rank = len(x1.shape), len(x2.shape)
    if x1_rank == x2_rank:
        return x1, x2
    if x1_rank == x2_rank + 1 and x1.shape[-1] == 1:
        if x2_rank == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    if x2_rank == x1_rank + 1 and x2.shape[-1] == 1:
        if x1_rank == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def apply_mask(sample_weight, mask, dtype, reduction):
    """Folds a Keras mask into `sample_weight` (as Keras's `losses.loss.apply_mask`)."""
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = float(math.prod(mask.shape))
        valid = ops.sum(ops.cast(mask, dtype))
        float_mask = ops.where(ops.cast(mask, "bool"), ops.divide_no_nan(total, valid), 0.0)
    else:
        float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def to_list(x):
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, np.ndarray):
        return x.tolist() if x.ndim else [x.item()]
    return [x]


def assert_thresholds_range(thresholds):
    if thresholds is not None:
        invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")


def parse_init_thresholds(thresholds, default_threshold=0.5):
    if thresholds is not None:
        assert_thresholds_range(to_list(thresholds))
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds):
    """True for `[0, 1/(n-1), ..., 1]` with n >= 3: those allow the O(n + batch) bucketing."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(np.asarray(thresholds, dtype=np.float64), even,
                            atol=config.epsilon()))


def _filter_top_k(x, k):
    """Keeps the top-k entries of the last axis; the others become NEG_INF."""
    _, top_k_idx = ops.top_k(x, k)
    top_k_mask = ops.sum(ops.one_hot(top_k_idx, x.shape[-1], axis=-1, dtype=x.dtype), axis=-2)
    return x * top_k_mask + NEG_INF * (1.0 - top_k_mask)


def update_confusion_matrix_variables(variables_to_update, y_true, y_pred, thresholds,
                                      top_k=None, class_id=None, sample_weight=None,
                                      multi_label=False, label_weights=None,
                                      thresholds_distributed_evenly=False):
    """Adds this batch's weighted TP/FP/TN/FN counts, per threshold, to the given variables.

    `variables_to_update` maps "tp"/"fp"/"tn"/"fn" to Variables of shape `(num_thresholds,)`
    (or `(num_thresholds, num_labels)` with `multi_label`). A prediction is positive at a
    threshold when it is strictly greater than it. Each variable gets one `assign_add`.

    Args:
        variables_to_update: Dict of confusion-matrix key to Variable.
        y_true: Labels; any nonzero value is a positive label.
        y_pred: Predictions, usually probabilities in [0, 1].
        thresholds: Python list of float thresholds.
        top_k: Keep only the top-k predictions of the last axis before thresholding.
        class_id: Restrict to one class of the last axis.
        sample_weight: Optional weights broadcastable to `y_pred`.
        multi_label: Keep the last axis (labels) separate instead of flattening.
        label_weights: Per-label weights (only without `multi_label`).
        thresholds_distributed_evenly: Thresholds are `[0, 1/(n-1), ..., 1]` (optionally with
            the ends nudged by epsilon), so predictions can be bucketed instead of compared
            with every threshold.
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` for multilabel data should be handled outside of "
            "`update_confusion_matrix_variables` when `multi_label` is True."
        )
    if variables_to_update is None:
        return
    invalid_keys = [k for k in variables_to_update if k not in CONFUSION_KEYS]
    if not variables_to_update or invalid_keys:
        raise ValueError(
            f'Invalid keys: "{invalid_keys}". Valid variable key options are: '
            f'"{list(CONFUSION_KEYS)}"'
        )
    dtype = next(iter(variables_to_update.values())).dtype
    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype)
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = ops.expand_dims(ops.cast(sample_weight, dtype), axis=-1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight,
                                                          expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(y_pred.shape) == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {y_pred.shape}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]

    weights = None
    if sample_weight is not None:
        weights = ops.broadcast_to(sample_weight, y_pred.shape)
    if label_weights is not None:
        lw = ops.broadcast_to(ops.expand_dims(ops.cast(label_weights, dtype), 0), y_pred.shape)
        weights = lw if weights is None else weights * lw
    if not multi_label:
        y_pred = ops.reshape(y_pred, [-1])
        y_true = ops.reshape(y_true, [-1])
        if weights is not None:
            weights = ops.reshape(weights, [-1])
    # Weighted positive/negative label masks, stacked on a trailing axis so that one pass
    # counts both: [..., 0] feeds TP/FN, [..., 1] feeds FP/TN.
    positive = ops.cast(ops.not_equal(y_true, 0), dtype)
    labels = ops.stack([positive, 1.0 - positive], axis=-1)
    if weights is not None:
        labels = labels * ops.expand_dims(weights, -1)

    if thresholds_distributed_evenly:
        with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        counts = _bucketed_counts(labels, y_pred, len(thresholds), with_epsilon, multi_label)
    else:
        counts = _compared_counts(labels, y_pred, thresholds, dtype, multi_label)
    # counts[..., 0] = TP, counts[..., 1] = FP for every threshold (and label).
    if TRUE_POSITIVES in variables_to_update:
        variables_to_update[TRUE_POSITIVES].assign_add(counts[..., 0])
    if FALSE_POSITIVES in variables_to_update:
        variables_to_update[FALSE_POSITIVES].assign_add(counts[..., 1])
    if TRUE_NEGATIVES in variables_to_update or FALSE_NEGATIVES in variables_to_update:
        totals = ops.sum(labels, axis=0)  # [positives, negatives] (per label)
        missed = ops.subtract(totals, counts)  # [FN, TN]
        if FALSE_NEGATIVES in variables_to_update:
            variables_to_update[FALSE_NEGATIVES].assign_add(missed[..., 0])
        if TRUE_NEGATIVES in variables_to_update:
            variables_to_update[TRUE_NEGATIVES].assign_add(missed[..., 1])


def _compared_counts(labels, y_pred, thresholds, dtype, multi_label):
    """Counts per threshold by comparing every prediction with every threshold."""
    thresholds = ops.convert_to_tensor(np.asarray(thresholds, dtype=np.float64), dtype=dtype)
    if multi_label:  # y_pred (N, L), labels (N, L, 2) -> (T, L, 2)
        # One batched (L, T, N) @ (L, N, 2) product: no (T, N, L, 2) intermediate.
        above = ops.cast(ops.greater(ops.expand_dims(ops.transpose(y_pred), 1),
                                     ops.reshape(thresholds, [1, -1, 1])), dtype)
        counts = ops.matmul(above, ops.transpose(labels, (1, 0, 2)))
        return ops.transpose(counts, (1, 0, 2))
    # y_pred (M,), labels (M, 2): one (T, M) @ (M, 2) product counts TP and FP.
    above = ops.cast(ops.greater(ops.expand_dims(y_pred, 0), ops.expand_dims(thresholds, 1)),
                     dtype)
    return ops.matmul(above, labels)


def _bucketed_counts(labels, y_pred, num_thresholds, with_epsilon, multi_label):
    """Counts per evenly spaced threshold with one segment sum and a reversed cumsum.

    A prediction p exceeds threshold j/(T-1) exactly when its bucket ceil(p*(T-1)) - 1 >= j,
    so the count above threshold j is the sum of the buckets j..T-1.
    """
    y_pred = ops.clip(y_pred, 0.0, 1.0)
    buckets = ops.ceil(y_pred * float(num_thresholds - 1)) - 1.0
    if with_epsilon:  # thresholds -eps and 1+eps: p = 0 still exceeds the first one
        buckets = ops.relu(buckets)
    buckets = ops.cast(buckets, "int32")
    if multi_label:
        num_labels = y_pred.shape[-1]
        column = ops.arange(num_labels, dtype="int32")
        # Bucket -1 (p == 0 without epsilon) exceeds no threshold: give it an id that the
        # segment sum drops.
        segment_ids = ops.where(buckets >= 0, buckets * num_labels + column, -1)
        num_segments = num_thresholds * num_labels
        sums = ops.segment_sum(ops.reshape(labels, [-1, 2]), ops.reshape(segment_ids, [-1]),
                               num_segments=num_segments)
        sums = ops.reshape(sums, [num_thresholds, num_labels, 2])
    else:
        sums = ops.segment_sum(labels, buckets, num_segments=num_thresholds)
    return ops.flip(ops.cumsum(ops.flip(sums, axis=0), axis=0), axis=0)


def confusion_matrix(labels, predictions, num_classes, weights=None, dtype="int32"):
    """The `(num_classes, num_classes)` matrix of weighted (label, prediction) counts.

    Rows are labels and columns predictions; indices must lie in `[0, num_classes)`.
    """
    labels = ops.cast(ops.reshape(ops.convert_to_tensor(labels), [-1]), "int32")
    predictions = ops.cast(ops.reshape(ops.convert_to_tensor(predictions), [-1]), "int32")
    num_classes = int(num_classes)
    if weights is None:
        values = ops.ones(labels.shape, dtype=dtype)
    else:
        values = ops.cast(ops.broadcast_to(ops.convert_to_tensor(weights), labels.shape), dtype)
    flat = ops.segment_sum(values, labels * num_classes + predictions,
                           num_segments=num_classes * num_classes)
    return ops.reshape(flat, [num_classes, num_classes])
