"""Regression losses as functions: squared/absolute errors, Huber, log-cosh, cosine.

Each returns one value per sample (the last axis is averaged away) and is also usable as a
metric function, as in Keras.
"""

import math

from keras_like import ops
from keras_like.backend import config
from keras_like.losses.loss import as_tensor, check_shapes, squeeze_or_expand_to_same_rank

_LOG2 = math.log(2.0)


def _operands(name, y_true, y_pred):
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_shapes(name, y_true, y_pred)
    return y_true, y_pred


def mean_squared_error(y_true, y_pred):
    """Mean squared error over the last axis: `mean(square(y_true - y_pred), axis=-1)`.

    Args:
        y_true: Ground truth values, shape `(batch_size, d0, .. dN)`.
        y_pred: Predicted values, same shape.

    Returns:
        Losses of shape `(batch_size, d0, .. dN-1)`.

    Example:
    >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
    array([0.5], dtype=float32)
    """
    y_true, y_pred = _operands("mean_squared_error", y_true, y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean absolute error over the last axis: `mean(abs(y_true - y_pred), axis=-1)`.

    Example:
    >>> mean_absolute_error([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
    array([0.5], dtype=float32)
    """
    y_true, y_pred = _operands("mean_absolute_error", y_true, y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)`.

    Example:
    >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 4.0]]).numpy()
    array([25.], dtype=float32)
    """
    y_true, y_pred = _operands("mean_absolute_percentage_error", y_true, y_pred)
    diff = ops.abs((y_true - y_pred) / ops.maximum(ops.abs(y_true), config.epsilon()))
    return 100.0 * ops.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """`mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)`; values below epsilon are
    raised to epsilon first.

    Example:
    >>> float(mean_squared_logarithmic_error([[0.0]], [[0.0]])[0])
    0.0
    """
    y_true, y_pred = _operands("mean_squared_logarithmic_error", y_true, y_pred)
    eps = config.epsilon()
    first_log = ops.log(ops.maximum(y_pred, eps) + 1.0)
    second_log = ops.log(ops.maximum(y_true, eps) + 1.0)
    return ops.mean(ops.square(first_log - second_log), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along `axis`: `-sum(l2_norm(y_true) * l2_norm(y_pred))`.

    It lies in [-1, 1]; -1 means the vectors point the same way. A zero vector gives 0.

    Example:
    >>> cosine_similarity([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]).numpy().round(4)
    array([-0., -1.], dtype=float32)
    """
    y_true, y_pred = _operands("cosine_similarity", y_true, y_pred)
    y_pred = ops.normalize(y_pred, axis=axis)
    y_true = ops.normalize(y_true, axis=axis)
    return -ops.sum(y_true * y_pred, axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss: quadratic (`0.5 * x**2`) for `|x| <= delta`, linear
    (`delta * |x| - 0.5 * delta**2`) beyond, averaged over the last axis.

    Example:
    >>> round(float(huber([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]).numpy().mean()), 3)
    0.155
    """
    y_true, y_pred = _operands("huber", y_true, y_pred)
    delta = float(delta)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    return ops.mean(
        ops.where(abs_error <= delta, 0.5 * ops.square(error),
                  delta * abs_error - 0.5 * delta * delta),
        axis=-1,
    )


def log_cosh(y_true, y_pred):
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, computed without overflow as
    `x + softplus(-2x) - log(2)`.

    Example:
    >>> log_cosh([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]).numpy().round(4)
    array([0.2169, 0.    ], dtype=float32)
    """
    y_true, y_pred = _operands("log_cosh", y_true, y_pred)
    x = y_pred - y_true
    return ops.mean(x + ops.softplus(x * -2.0) - _LOG2, axis=-1)
