"""Confusion-matrix metrics: TP/FP/TN/FN counts, precision, recall and the
sensitivity/specificity family."""

from keras_like import ops
from keras_like.metrics import metrics_utils
from keras_like.metrics.metric import Metric
from keras_like.metrics.metrics_utils import (
    FALSE_NEGATIVES,
    FALSE_POSITIVES,
    TRUE_NEGATIVES,
    TRUE_POSITIVES,
)


class _ConfusionMatrixConditionCount(Metric):
    """Counts one confusion-matrix cell (per threshold)."""

    def __init__(self, confusion_matrix_cond, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._confusion_matrix_cond = confusion_matrix_cond
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
            self.thresholds)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),),
                                             initializer="zeros", name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates the cell count; `sample_weight` weights each prediction.

        Args:
            y_true: Labels (any nonzero value is positive).
            y_pred: Predictions; positive when greater than the threshold.
            sample_weight: Optional weights broadcastable to `y_pred`.
        """
        metrics_utils.update_confusion_matrix_variables(
            {self._confusion_matrix_cond: self.accumulator}, y_true, y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


_THRESHOLDS_DOC = """
    Args:
        thresholds: (Optional) A float or list of floats in [0, 1]: a prediction is positive
            when it is above the threshold. One value per threshold is returned. Defaults to
            0.5.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
"""


class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted count of false positives (prediction above threshold, label 0).
    {args}
    Example:
    >>> m = FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
    >>> float(m.result())
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(FALSE_POSITIVES, thresholds=thresholds, name=name, dtype=dtype)


class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of false negatives (prediction not above threshold, label 1).
    {args}
    Example:
    >>> m = FalseNegatives()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(FALSE_NEGATIVES, thresholds=thresholds, name=name, dtype=dtype)


class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of true negatives (prediction not above threshold, label 0).
    {args}
    Example:
    >>> m = TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(TRUE_NEGATIVES, thresholds=thresholds, name=name, dtype=dtype)


class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted count of true positives (prediction above threshold, label 1).
    {args}
    Example:
    >>> m = TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> float(m.result())
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(TRUE_POSITIVES, thresholds=thresholds, name=name, dtype=dtype)


for _cls in (FalsePositives, FalseNegatives, TrueNegatives, TruePositives):
    _cls.__doc__ = _cls.__doc__.replace("{args}", _THRESHOLDS_DOC)


class _PrecisionRecallBase(Metric):
    _second = None  # the cell next to TP in the ratio: "fp" (precision) or "fn" (recall)
    _second_name = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default_threshold = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(
            thresholds, default_threshold=default_threshold)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
            self.thresholds)
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape=shape, initializer="zeros",
                                                name="true_positives")
        setattr(self, self._second_name,
                self.add_variable(shape=shape, initializer="zeros", name=self._second_name))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates true positives and the other cell of the ratio.

        Args:
            y_true: Labels (any nonzero value is positive).
            y_pred: Predictions; positive when greater than the threshold.
            sample_weight: Optional weights broadcastable to `y_pred`.
        """
        metrics_utils.update_confusion_matrix_variables(
            {TRUE_POSITIVES: self.true_positives,
             self._second: getattr(self, self._second_name)},
            y_true, y_pred, thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k, class_id=self.class_id, sample_weight=sample_weight,
        )

    def result(self):
        tp = self.true_positives.value
        result = ops.divide_no_nan(tp, tp + getattr(self, self._second_name).value)
        return result[0] if len(self.thresholds) == 1 else result

    def get_config(self):
        config = {"thresholds": self.init_thresholds, "top_k": self.top_k,
                  "class_id": self.class_id}
        return {**super().get_config(), **config}


class Precision(_PrecisionRecallBase):
    """Precision `TP / (TP + FP)` of the predictions with respect to the labels.

    Args:
        thresholds: (Optional) A float or list of floats in [0, 1]; predictions above a
            threshold are positive. With a list, one precision per threshold is returned.
            Defaults to 0.5 (or, with `top_k`, to "every top-k prediction is positive").
        top_k: (Optional) Only the `k` highest predictions of each sample can be positive.
        class_id: (Optional) Restrict the metric to this class of the last axis.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)
    0.6667
    """

    _second = FALSE_POSITIVES
    _second_name = "false_positives"


class Recall(_PrecisionRecallBase):
    """Recall `TP / (TP + FN)` of the predictions with respect to the labels.

    Args:
        thresholds: (Optional) A float or list of floats in [0, 1]; predictions above a
            threshold are positive. With a list, one recall per threshold is returned.
            Defaults to 0.5 (or, with `top_k`, to "every top-k prediction is positive").
        top_k: (Optional) Only the `k` highest predictions of each sample can be positive.
        class_id: (Optional) Restrict the metric to this class of the last axis.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)
    0.6667
    """

    _second = FALSE_NEGATIVES
    _second_name = "false_negatives"


class SensitivitySpecificityBase(Metric):
    """Base of the metrics that maximise one rate subject to a floor on another.

    The state holds TP/FP/TN/FN at `num_thresholds` evenly spaced thresholds in [0, 1].
    """

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. "
                f"Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._thresholds_distributed_evenly = True
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape=shape, initializer="zeros",
                                                name="true_positives")
        self.false_positives = self.add_variable(shape=shape, initializer="zeros",
                                                 name="false_positives")
        self.true_negatives = self.add_variable(shape=shape, initializer="zeros",
                                                name="true_negatives")
        self.false_negatives = self.add_variable(shape=shape, initializer="zeros",
                                                 name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates the confusion matrix at every threshold.

        Args:
            y_true: Labels (any nonzero value is positive).
            y_pred: Predictions in [0, 1].
            sample_weight: Optional weights broadcastable to `y_pred`.
        """
        metrics_utils.update_confusion_matrix_variables(
            {TRUE_POSITIVES: self.true_positives, TRUE_NEGATIVES: self.true_negatives,
             FALSE_POSITIVES: self.false_positives, FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id, sample_weight=sample_weight,
        )

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}

    def _rates(self):
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {
            "sensitivity": ops.divide_no_nan(tp, tp + fn),  # = recall
            "specificity": ops.divide_no_nan(tn, tn + fp),
            "precision": ops.divide_no_nan(tp, tp + fp),
        }

    def _find_max_under_constraint(self, constrained, dependent):
        feasible = ops.greater_equal(constrained, self.value)
        return ops.max(ops.where(feasible, dependent, 0.0), initial=0)


def _check_rate(name, value):
    if value < 0 or value > 1:
        raise ValueError(f"Argument `{name}` must be in the range [0, 1]. "
                         f"Received: {name}={value}")


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """Best sensitivity (recall) over the thresholds whose specificity is >= `specificity`.

    Args:
        specificity: A float in [0, 1].
        num_thresholds: (Optional) Number of thresholds to evaluate. Defaults to 200.
        class_id: (Optional) Restrict the metric to this class of the last axis.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = SensitivityAtSpecificity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> float(m.result())
    0.5
    """

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["sensitivity"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "specificity": self.specificity}


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """Best specificity over the thresholds whose sensitivity is >= `sensitivity`.

    Args:
        sensitivity: A float in [0, 1].
        num_thresholds: (Optional) Number of thresholds to evaluate. Defaults to 200.
        class_id: (Optional) Restrict the metric to this class of the last axis.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = SpecificityAtSensitivity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> round(float(m.result()), 4)
    0.6667
    """

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["specificity"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "sensitivity": self.sensitivity}


class PrecisionAtRecall(SensitivitySpecificityBase):
    """Best precision over the thresholds whose recall is >= `recall`.

    Args:
        recall: A float in [0, 1].
        num_thresholds: (Optional) Number of thresholds to evaluate. Defaults to 200.
        class_id: (Optional) Restrict the metric to this class of the last axis.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = PrecisionAtRecall(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> float(m.result())
    0.5
    """

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(value=recall, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["precision"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "recall": self.recall}


class RecallAtPrecision(SensitivitySpecificityBase):
    """Best recall over the thresholds whose precision is >= `precision`.

    Args:
        precision: A float in [0, 1].
        num_thresholds: (Optional) Number of thresholds to evaluate. Defaults to 200.
        class_id: (Optional) Restrict the metric to this class of the last axis.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = RecallAtPrecision(0.8)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> float(m.result())
    0.5
    """

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(value=precision, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["sensitivity"])

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds,
                "precision": self.precision}
