"""Accuracy metrics: exact match, binary, categorical, sparse and top-k accuracy."""

from keras_like import ops
from keras_like.backend import config
from keras_like.metrics.metrics_utils import squeeze_or_expand_to_same_rank
from keras_like.metrics.reduction_metrics import MeanMetricWrapper


def _matches(a, b):
    return ops.cast(ops.equal(a, b), config.floatx())


def accuracy(y_true, y_pred):
    """1.0 where `y_pred` equals `y_true` exactly, else 0.0 (element-wise).

    Example:
    >>> accuracy(ops.convert_to_tensor([1, 2]), ops.convert_to_tensor([1, 3])).numpy()
    array([1., 0.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _matches(y_true, y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `y_pred > threshold` agrees with the binary label `y_true` (element-wise).

    Example:
    >>> binary_accuracy(ops.convert_to_tensor([[1.0], [0.0]]),
    ...                 ops.convert_to_tensor([[0.7], [0.6]])).numpy()
    array([[1.],
           [0.]], dtype=float32)
    """
    y_true = ops.convert_to_tensor(y_true)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), y_true.dtype)
    return _matches(y_true, y_pred)


def categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of `y_pred` equals the argmax of the one-hot `y_true`.

    Example:
    >>> categorical_accuracy(ops.convert_to_tensor([[0, 0, 1], [0, 1, 0]]),
    ...                      ops.convert_to_tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]])).numpy()
    array([0., 1.], dtype=float32)
    """
    y_true = ops.argmax(y_true, axis=-1)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true_org_shape = tuple(y_true.shape)
    reshape_matches = False
    if len(y_true.shape) == len(y_pred.shape):
        y_true = ops.squeeze(y_true, -1)
        reshape_matches = True
    y_pred = ops.argmax(y_pred, axis=-1)
    matches = _matches(y_true, y_pred)
    if reshape_matches:
        matches = ops.reshape(matches, y_true_org_shape)
    return matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of `y_pred` equals the integer label `y_true`.

    Example:
    >>> sparse_categorical_accuracy(ops.convert_to_tensor([2, 1]),
    ...                             ops.convert_to_tensor([[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    ...                             ).numpy()
    array([0., 1.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true_org_shape = tuple(y_true.shape)
    reshape_matches = False
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
        reshape_matches = True
    y_pred = ops.argmax(y_pred, axis=-1)
    # Keras compares in y_pred's dtype: float labels like 2.0 match class 2.
    if ops.is_float_dtype(y_true.dtype):
        y_pred = ops.cast(y_pred, y_true.dtype)
    elif y_true.dtype != y_pred.dtype:
        y_true = ops.cast(y_true, y_pred.dtype)
    matches = _matches(y_true, y_pred)
    if reshape_matches:
        matches = ops.reshape(matches, y_true_org_shape)
    if len(matches.shape) > 1 and matches.shape[-1] == 1:
        matches = ops.squeeze(matches, -1)
    return matches


def _flatten_for_top_k(y_true, y_pred):
    """`y_pred` to (samples, classes) and `y_true` to (samples,); returns the original shape."""
    y_true_org_shape = tuple(y_true.shape)
    if len(y_pred.shape) > 2:
        y_pred = ops.reshape(y_pred, [-1, y_pred.shape[-1]])
    reshape = len(y_true.shape) > 1
    if reshape:
        y_true = ops.reshape(y_true, [-1])
    return y_true, y_pred, (y_true_org_shape if reshape else None)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot target's class is among the `k` highest predictions.

    Example:
    >>> top_k_categorical_accuracy(ops.convert_to_tensor([[0, 0, 1], [0, 1, 0]]),
    ...                            ops.convert_to_tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]),
    ...                            k=1).numpy()
    array([0., 1.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.argmax(y_true, axis=-1)
    y_true, y_pred, org_shape = _flatten_for_top_k(y_true, y_pred)
    matches = ops.cast(ops.in_top_k(y_true, y_pred, k=k), config.floatx())
    return matches if org_shape is None else ops.reshape(matches, org_shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer target is among the `k` highest predictions.

    With `from_sorted_ids=True`, `y_pred` holds class ids sorted by score (best first), e.g.
    the output of a retrieval layer, and the target only needs to appear in its first `k`.

    Example:
    >>> sparse_top_k_categorical_accuracy(ops.convert_to_tensor([2, 1]),
    ...     ops.convert_to_tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), k=1).numpy()
    array([0., 1.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype if from_sorted_ids else "int32")
    y_true, y_pred, org_shape = _flatten_for_top_k(y_true, y_pred)
    if from_sorted_ids:
        matches = ops.any(ops.equal(ops.expand_dims(y_true, axis=1), y_pred[:, :k]), axis=1)
    else:
        matches = ops.in_top_k(y_true, y_pred, k=k)
    matches = ops.cast(matches, config.floatx())
    return matches if org_shape is None else ops.reshape(matches, org_shape)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly (weighted mean of the matches).

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> float(m.result())
    0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        threshold: (Optional) predictions above it count as 1. Defaults to 0.5.

    Example:
    >>> m = BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    >>> float(m.result())
    0.75
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the predictions matches the one-hot labels.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = CategoricalAccuracy()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the predictions matches integer labels.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = SparseCategoricalAccuracy()
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the top `k` predictions.

    Args:
        k: (Optional) Number of top elements to look at. Defaults to 5.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = TopKCategoricalAccuracy(k=1)
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is among the top `k` predictions.

    Args:
        k: (Optional) Number of top elements to look at. Defaults to 5.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        from_sorted_ids: (Optional) `y_pred` holds class ids sorted by score instead of
            scores. Defaults to False.

    Example:
    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
