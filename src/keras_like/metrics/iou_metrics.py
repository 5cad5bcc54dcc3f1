"""Intersection-over-union metrics: IoU, BinaryIoU, MeanIoU, OneHotIoU and OneHotMeanIoU."""

import warnings

from keras_like import ops
from keras_like.backend import config
from keras_like.metrics.metric import Metric
from keras_like.metrics.metrics_utils import confusion_matrix


class _IoUBase(Metric):
    """Accumulates a `(num_classes, num_classes)` confusion matrix (rows: labels)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        # The matrix holds counts, so it is an integer state unless a dtype is given.
        super().__init__(name=name, dtype=dtype or "int")
        self._direction = "up"
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(name="total_confusion_matrix",
                                          shape=(num_classes, num_classes),
                                          initializer="zeros", dtype=self.dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds this batch's (label, prediction) counts to the confusion matrix.

        Labels or predictions outside `[0, num_classes)`, and labels equal to
        `ignore_class`, are left out.

        Args:
            y_true: Integer labels (or one-hot with `sparse_y_true=False`).
            y_pred: Integer predictions (or scores with `sparse_y_pred=False`).
            sample_weight: Optional weights, one per label.
        """
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        y_true = ops.reshape(ops.convert_to_tensor(y_true, dtype=self.dtype), [-1])
        y_pred = ops.reshape(ops.convert_to_tensor(y_pred, dtype=self.dtype), [-1])
        if sample_weight is None:
            sample_weight = ops.ones((), dtype=self.dtype)
        else:
            if (hasattr(sample_weight, "dtype") and "float" in str(sample_weight.dtype)
                    and "int" in str(self.dtype)):
                warnings.warn(
                    "You are passing weight as `float`, but dtype is `int`. This may result "
                    "in an incorrect weight due to type casting Consider using integer "
                    "weights.", stacklevel=2,
                )
            sample_weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)
            if len(sample_weight.shape) > 1:
                sample_weight = ops.reshape(sample_weight, [-1])
        sample_weight = ops.broadcast_to(sample_weight, y_true.shape)
        in_bounds = ops.logical_and(
            ops.logical_and(y_true >= 0, y_true < self.num_classes),
            ops.logical_and(y_pred >= 0, y_pred < self.num_classes),
        )
        if self.ignore_class is not None:
            in_bounds = ops.logical_and(in_bounds, ops.not_equal(y_true, self.ignore_class))
        y_true = ops.where(in_bounds, y_true, 0)
        y_pred = ops.where(in_bounds, y_pred, 0)
        sample_weight = ops.cast(ops.where(in_bounds, sample_weight, 0), self.dtype)
        current_cm = confusion_matrix(y_true, y_pred, self.num_classes, weights=sample_weight,
                                      dtype=self.dtype)
        self.total_cm.assign_add(current_cm)

    def reset_state(self):
        self.total_cm.assign(ops.zeros(self.total_cm.shape, dtype=self.total_cm.dtype))


class IoU(_IoUBase):
    """Intersection-over-union `TP / (TP + FP + FN)`, averaged over `target_class_ids`.

    Classes that never occur (zero denominator) are left out of the average.

    Args:
        num_classes: The number of possible labels.
        target_class_ids: The class ids whose IoU is averaged.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) dtype of the confusion-matrix state (default int32).
        ignore_class: (Optional) A label value left out of the counts.
        sparse_y_true: Whether labels are integers (True) or one-hot (False).
        sparse_y_pred: Whether predictions are integers (True) or scores (False).
        axis: (Optional) The class axis of one-hot inputs. Defaults to -1.

    Example:
    >>> m = IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name, num_classes=num_classes, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis,
                         dtype=dtype)
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[0, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)

    def result(self):
        cm = ops.cast(self.total_cm.value, "float32")
        true_positives = ops.diagonal(cm)
        # |label| + |prediction| - |both| for every class.
        denominator = ops.sum(cm, axis=0) + ops.sum(cm, axis=1) - true_positives
        ids = ops.convert_to_tensor(self.target_class_ids, dtype="int32")
        true_positives = ops.take(true_positives, ids)
        denominator = ops.take(denominator, ids)
        valid = ops.greater(denominator, 1e-9)
        num_valid = ops.sum(ops.cast(valid, "float32"))
        iou = ops.where(valid, true_positives / (denominator + config.epsilon()), 0.0)
        return ops.sum(iou, axis=self.axis) / (num_valid + config.epsilon())

    def get_config(self):
        config = {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                  "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                  "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}
        return {**super().get_config(), **config}


class BinaryIoU(IoU):
    """IoU of binary labels against predictions thresholded at `threshold` (`>=` is 1).

    Args:
        target_class_ids: Which of the classes 0 and 1 to average. Defaults to both.
        threshold: Predictions at or above it count as class 1. Defaults to 0.5.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) dtype of the confusion-matrix state (default int32).

    Example:
    >>> m = BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name,
                         dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype="float32")
        y_pred = ops.cast(y_pred >= self.threshold, self.dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self._dtype}


class MeanIoU(IoU):
    """Mean of the per-class IoU over every class that occurs.

    Args:
        num_classes: The number of possible labels.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) dtype of the confusion-matrix state (default int32).
        ignore_class: (Optional) A label value left out of the counts.
        sparse_y_true: Whether labels are integers (True) or one-hot (False).
        sparse_y_pred: Whether predictions are integers (True) or scores (False).
        axis: (Optional) The class axis of one-hot inputs. Defaults to -1.

    Example:
    >>> m = MeanIoU(num_classes=2)
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name, num_classes=num_classes,
                         target_class_ids=list(range(num_classes)), axis=axis, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self._dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotIoU(IoU):
    """IoU over `target_class_ids` for one-hot labels and score predictions.

    Args:
        num_classes: The number of possible labels.
        target_class_ids: The class ids whose IoU is averaged.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) dtype of the confusion-matrix state (default int32).
        ignore_class: (Optional) A label value left out of the counts.
        sparse_y_pred: Whether predictions are integers (True) or scores (False, default).
        axis: (Optional) The class axis. Defaults to -1.

    Example:
    >>> m = OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    >>> m.update_state([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]],
    ...                [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
    >>> round(float(m.result()), 4)
    0.1667
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids,
                         name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self._dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class OneHotMeanIoU(MeanIoU):
    """Mean IoU over every class for one-hot labels and score predictions.

    Args:
        num_classes: The number of possible labels.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) dtype of the confusion-matrix state (default int32).
        ignore_class: (Optional) A label value left out of the counts.
        sparse_y_pred: Whether predictions are integers (True) or scores (False, default).
        axis: (Optional) The class axis. Defaults to -1.

    Example:
    >>> m = OneHotMeanIoU(num_classes=3)
    >>> m.update_state([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]],
    ...                [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
    >>> round(float(m.result()), 4)
    0.1111
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, axis=axis, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred)

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self._dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}
