"""`keras_like.utils.to_categorical` and `keras_like.utils.normalize`."""

import numpy as np


def _is_tensor(x):
    # Imported lazily: keras_like.backend imports keras_like.utils while it initialises.
    from keras_like.backend import is_tensor

    return is_tensor(x) or hasattr(x, "_keras_like_value")


def normalize(x, axis=-1, order=2):
    """Normalizes an array.

    A NumPy input gives a NumPy output (computed with NumPy, rows of zero norm left as they
    are); a tensor input gives a tensor (`keras_like.ops.normalize`).

    Args:
        x: Array to normalize.
        axis: Axis along which to normalize.
        order: Normalization order (e.g. `order=2` for the L2 norm).

    Returns:
        A normalized copy of the array.

    Example:
    >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        # Keras writes `axis or -1` here, which turns axis=0 into -1 and divides along the
        # wrong axis; `None` (a norm over everything) is the only case that needs the default.
        axis = -1 if axis is None else axis
        return x / np.expand_dims(norm, axis)

    from keras_like import ops

    return ops.nn.normalize(x, axis=axis, order=order)


def to_categorical(x, num_classes=None):
    """Converts a class vector (integers) to a binary class matrix.

    E.g. for use with `categorical_crossentropy`. A trailing axis of size 1 is dropped
    before the class axis is appended, so labels shaped `(n, 1)` give `(n, num_classes)`.

    Args:
        x: Array-like with class values to be converted into a matrix (integers from 0 to
            `num_classes - 1`). A tensor input gives a tensor (`keras_like.ops.one_hot`).
        num_classes: Total number of classes. If `None`, it is inferred as `max(x) + 1`.

    Returns:
        A binary matrix representation of the input as a NumPy array (float64, like Keras).
        The class axis is placed last.

    Example:
    >>> to_categorical([0, 1, 2, 3], num_classes=4)
    array([[1., 0., 0., 0.],
           [0., 1., 0., 0.],
           [0., 0., 1., 0.],
           [0., 0., 0., 1.]])
    """
    if _is_tensor(x):
        from keras_like import ops

        return ops.one_hot(x, num_classes)
    x = np.array(x, dtype="int64")
    input_shape = x.shape

    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])

    x = x.reshape(-1)
    if not num_classes:
        num_classes = np.max(x) + 1
    batch_size = x.shape[0]
    categorical = np.zeros((batch_size, num_classes))
    categorical[np.arange(batch_size), x] = 1
    return np.reshape(categorical, input_shape + (num_classes,))
