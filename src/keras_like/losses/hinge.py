"""Hinge losses as functions: hinge, squared hinge and categorical hinge."""

from keras_like import ops
from keras_like.losses.loss import as_tensor, check_shapes


def convert_binary_labels_to_hinge(y_true):
    """Maps labels in {0, 1} to {-1, 1}; labels that are not all binary pass unchanged.

    Both outcomes are computed and selected on the device, so no value is read back to the
    host (Keras uses `ops.cond`, which would sync every step).

    Example:
    >>> convert_binary_labels_to_hinge(ops.convert_to_tensor([0.0, 1.0])).numpy()
    array([-1.,  1.], dtype=float32)
    """
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


def _operands(name, y_true, y_pred):
    y_pred = as_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    check_shapes(name, y_true, y_pred)
    return y_true, y_pred


def hinge(y_true, y_pred):
    """Hinge loss `mean(maximum(1 - y_true * y_pred, 0), axis=-1)`.

    `y_true` holds -1/1 labels; 0/1 labels are converted to -1/1.

    Example:
    >>> hinge([[1.0, 0.0]], [[0.5, -2.0]]).numpy()
    array([0.25], dtype=float32)
    """
    y_true, y_pred = _operands("hinge", y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Squared hinge loss `mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`.

    Example:
    >>> squared_hinge([[1.0, 0.0]], [[0.5, -2.0]]).numpy()
    array([0.125], dtype=float32)
    """
    y_true, y_pred = _operands("squared_hinge", y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ops.mean(ops.square(ops.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """Categorical hinge loss `maximum(neg - pos + 1, 0)` with `pos = sum(y_true * y_pred)`
    and `neg = max((1 - y_true) * y_pred)` over the last axis.

    Example:
    >>> categorical_hinge([[0.0, 1.0, 0.0]], [[0.2, 0.6, 0.2]]).numpy().round(4)
    array([0.6], dtype=float32)
    """
    y_true, y_pred = _operands("categorical_hinge", y_true, y_pred)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, 0.0)
