"""Refusing integer labels outside `[0, num_classes)` in the sparse cross-entropy losses.

Keras on TensorFlow raises for such labels; the `ops` function (like Keras on JAX) gives them
zero loss, which hides a wrong label encoding. The check runs on the engine: labels outside
the range are mapped to an index past the end of a `num_classes` table and gathered, so the
engine's own bounds check fails the step. A valid batch costs three small ops and no host
read; the labels are read back only to write the error message.
"""

import numpy as np

from keras_like import ops

_PREVIEW = 8
_TABLES = {}
_MAX_TABLES = 64


def check_sparse_labels(labels, num_classes, loss_name):
    """Raises ValueError if an integer label lies outside `[0, num_classes)`.

    `labels` are the integer labels as the loss uses them (entries an `ignore_class` masks
    out already replaced by a valid class).
    """
    if num_classes is None:
        return
    if not labels.dtype.startswith(("int", "uint")):
        # int64: a label like 2**32 must not wrap into range the way an int32 cast would.
        labels = ops.cast(labels, "int64")
    # take() wraps negative indices like NumPy, so they are sent past the end explicitly.
    index = ops.where(ops.less(labels, 0), num_classes, labels)
    try:
        ops.take(_table(num_classes), index)
    except IndexError:
        raise _out_of_range_error(labels, num_classes, loss_name) from None


def _table(num_classes):
    # One small tensor per class count, made once: the gather only needs its length.
    table = _TABLES.get(num_classes)
    if table is None:
        if len(_TABLES) >= _MAX_TABLES:
            _TABLES.clear()
        table = _TABLES[num_classes] = ops.zeros((num_classes,), "bool")
    return table


def _out_of_range_error(labels, num_classes, loss_name):
    values = np.asarray(ops.convert_to_numpy(labels)).reshape(-1)
    bad = values[(values < 0) | (values >= num_classes)]
    preview = ", ".join(str(v) for v in bad[:_PREVIEW]) + (", ..." if bad.size > _PREVIEW else "")
    return ValueError(
        f"Loss `{loss_name}` received a label value of {bad[0]}, which is outside the valid "
        f"range of [0, {num_classes}) for `y_pred` with {num_classes} classes. Labels must be "
        f"integer class indices. Received out-of-range labels: [{preview}]"
    )
