"""Probabilistic losses as functions: cross-entropies (plain, focal, sparse, generalized),
KL divergence and Poisson.

The cross-entropies build on `keras_like.ops`' fused, numerically stable kernels
(`ops.binary_crossentropy`, `ops.categorical_crossentropy`, `ops.sparse_categorical_crossentropy`).
"""

import warnings

from keras_like import ops
from keras_like.backend import config
from keras_like.losses.label_checks import check_sparse_labels
from keras_like.losses.loss import as_tensor, check_shapes


def _check_axis(axis):
    if isinstance(axis, bool):
        raise ValueError(
            f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}"
        )


def _warn_single_class(name, y_pred):
    if y_pred.ndim and y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={y_pred.shape}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _smooth_categorical(y_true, label_smoothing):
    if not label_smoothing:
        return y_true
    num_classes = y_true.shape[-1]
    return y_true * (1.0 - label_smoothing) + (label_smoothing / num_classes)


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred), axis=-1)`.

    Both arguments are clipped to `[epsilon, 1]` first.

    Example:
    >>> kl_divergence([[0.5, 0.5]], [[0.5, 0.5]]).numpy()
    array([0.], dtype=float32)
    """
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true, y_pred.dtype)
    check_shapes("kl_divergence", y_true, y_pred)
    eps = config.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Poisson loss `mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`.

    Example:
    >>> poisson([[1.0]], [[1.0]]).numpy().round(4)
    array([1.], dtype=float32)
    """
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true, y_pred.dtype)
    check_shapes("poisson", y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + config.epsilon()), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy averaged over `axis`.

    Args:
        y_true: Targets in [0, 1], shape `(batch_size, d0, .. dN)`.
        y_pred: Probabilities, or logits with `from_logits=True`; same shape.
        from_logits: Whether `y_pred` holds logits.
        label_smoothing: Float in [0, 1]: targets become
            `y_true * (1 - label_smoothing) + 0.5 * label_smoothing`.
        axis: The axis the mean is taken over. Defaults to `-1`.

    Returns:
        Losses of shape `(batch_size, d0, .. dN-1)`.

    Example:
    >>> binary_crossentropy([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]).numpy().round(3)
    array([0.916, 0.714], dtype=float32)
    """
    y_pred = as_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    check_shapes("binary_crossentropy", y_true, y_pred, same=True)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary focal cross-entropy (Lin et al., 2018) averaged over `axis`.

    Each element's cross-entropy is scaled by `(1 - p_t) ** gamma`, where `p_t` is the
    predicted probability of the true class; with `apply_class_balancing` also by `alpha`
    for class 1 and `1 - alpha` for class 0.

    Example:
    >>> binary_focal_crossentropy([[0.0, 1.0]], [[0.6, 0.4]], gamma=2.0).numpy().round(3)
    array([0.33], dtype=float32)
    """
    y_pred = as_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    check_shapes("binary_focal_crossentropy", y_true, y_pred, same=True)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal_bce = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal_bce
    return ops.mean(focal_bce, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy between one-hot (or soft) targets and predictions.

    Args:
        y_true: One-hot targets, shape `(batch_size, num_classes)` (more axes allowed).
        y_pred: Probabilities, or logits with `from_logits=True`; same shape.
        from_logits: Whether `y_pred` holds logits.
        label_smoothing: Float in [0, 1]: targets become
            `y_true * (1 - label_smoothing) + label_smoothing / num_classes`.
        axis: The class axis. Defaults to `-1`.

    Returns:
        Losses with the class axis removed.

    Example:
    >>> y_true = [[0, 1, 0], [0, 0, 1]]
    >>> y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    >>> categorical_crossentropy(y_true, y_pred).numpy().round(4)
    array([0.0513, 2.3026], dtype=float32)
    """
    _check_axis(axis)
    y_pred = as_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    _warn_single_class("categorical_crossentropy", y_pred)
    check_shapes("categorical_crossentropy", y_true, y_pred, same=True)
    y_true = _smooth_categorical(y_true, label_smoothing)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical focal cross-entropy: `sum(alpha * (1 - p) ** gamma * -y_true * log(p))`
    over the class axis, with `p` the (renormalised, clipped) predicted probabilities.

    `alpha` may be a scalar or a list with one weight per class.

    Example:
    >>> y_true = [[0, 1, 0], [0, 0, 1]]
    >>> y_pred = [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]
    >>> [round(float(v), 4) for v in categorical_focal_crossentropy(y_true, y_pred)]
    [0.0003, 0.6759]
    """
    _check_axis(axis)
    y_pred = as_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    _warn_single_class("categorical_focal_crossentropy", y_pred)
    check_shapes("categorical_focal_crossentropy", y_true, y_pred, same=True)
    y_true = _smooth_categorical(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    eps = config.epsilon()
    output = ops.clip(y_pred / ops.sum(y_pred, axis=axis, keepdims=True), eps, 1.0 - eps)
    cce = -y_true * ops.log(output)
    if not isinstance(alpha, (int, float)):
        alpha = ops.convert_to_tensor(alpha, dtype=y_pred.dtype)
    weighting = ops.power(1.0 - output, gamma) * alpha
    return ops.sum(weighting * cce, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Cross-entropy between integer class labels and predicted distributions.

    Args:
        y_true: Integer labels, shaped like `y_pred` without the class axis (a trailing
            axis of size 1 is accepted).
        y_pred: Probabilities, or logits with `from_logits=True`.
        from_logits: Whether `y_pred` holds logits.
        ignore_class: Optional label whose entries get zero loss and are masked out of the
            reduction (e.g. a "void" class -1 or 255 in segmentation maps).
        axis: The class axis. Defaults to `-1`.

    Returns:
        Losses shaped like the labels; with `ignore_class` they carry a `_keras_mask`.

    Example:
    >>> y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    >>> sparse_categorical_crossentropy([1, 2], y_pred).numpy().round(4)
    array([0.0513, 2.3026], dtype=float32)
    """
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true)
    rank = y_pred.ndim
    if y_true.ndim == rank and rank and y_true.shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
    if rank:
        class_axis = axis % rank if -rank <= axis < rank else axis
        expected = tuple(d for i, d in enumerate(y_pred.shape) if i != class_axis)
        if tuple(y_true.shape) != expected and None not in expected:
            raise ValueError(
                "Loss `sparse_categorical_crossentropy` expects `y_true` shaped like "
                f"`y_pred` without its class axis ({axis}), i.e. {expected}. Received: "
                f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}"
            )
    num_classes = y_pred.shape[axis] if rank else None
    if ignore_class is None:
        check_sparse_labels(y_true, num_classes, "sparse_categorical_crossentropy")
        return ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                                   axis=axis)
    # Ignored entries take label 0 and have their loss zeroed; since classes are independent
    # per entry, leaving their predictions alone changes nothing else (and keeps NaN-free
    # gradients, unlike zeroing the probabilities).
    valid_mask = ops.not_equal(y_true, ignore_class)
    y_true = ops.where(valid_mask, y_true, 0)
    check_sparse_labels(y_true, num_classes, "sparse_categorical_crossentropy")
    res = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                              axis=axis)
    res = ops.where(valid_mask, res, 0.0)
    res._keras_mask = valid_mask
    return res


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized cross-entropy (Zhang & Sabuncu, 2018): `(1 - p ** q) / q`, with `p` the
    predicted probability of the true (integer) class.

    Small `q` behaves like cross-entropy, `q` near 1 like mean absolute error.

    Example:
    >>> categorical_generalized_cross_entropy([0], [[0.25, 0.75]], q=0.5).numpy()
    array([1.], dtype=float32)
    """
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true)
    # A trailing label axis of size 1 would otherwise broadcast into a (batch, batch) grid.
    if y_true.ndim == y_pred.ndim and y_true.ndim and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    one_hot = ops.one_hot(ops.cast(y_true, "int32"), y_pred.shape[-1], dtype=y_pred.dtype)
    p = ops.sum(y_pred * one_hot, axis=-1)
    return (1.0 - ops.power(p, q)) / q
