"""`AUC`: area under the ROC or precision-recall curve, from thresholded confusion counts."""

import numpy as np

from keras_like import ops
from keras_like.backend import config
from keras_like.metrics import metrics_utils
from keras_like.metrics.metric import Metric
from keras_like.metrics.metrics_utils import (
    FALSE_NEGATIVES,
    FALSE_POSITIVES,
    TRUE_NEGATIVES,
    TRUE_POSITIVES,
)

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


def _curve_from_str(curve):
    value = getattr(curve, "value", curve)  # Keras's AUCCurve enum members carry .value
    if isinstance(value, str) and value.lower() in _CURVES and value in (
            value.lower(), value.upper()):
        return _CURVES[value.lower()]
    raise ValueError(
        f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]'
    )


def _summation_from_str(method):
    value = getattr(method, "value", method)
    if isinstance(value, str) and value.lower() in _SUMMATIONS and value in (
            value.lower(), value.capitalize()):
        return value.lower()
    raise ValueError(
        f'Invalid AUC summation method value: "{method}". Expected values are '
        '["interpolation", "majoring", "minoring"]'
    )


class AUC(Metric):
    """Approximates the area under the ROC or PR curve with a Riemann sum over thresholds.

    The state holds TP/FP/TN/FN at `num_thresholds` thresholds; the curve's points are the
    rates at those thresholds. With the default evenly spaced thresholds each batch is
    bucketed in one pass (no batch x thresholds comparison).

    Args:
        num_thresholds: (Optional) Number of thresholds (> 1). Defaults to 200.
        curve: (Optional) `"ROC"` (default), `"PR"` or `"PRGAIN"`.
        summation_method: (Optional) `"interpolation"` (default; for PR, Davis & Goadrich's
            interpolation of precision), `"minoring"` or `"majoring"`.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        thresholds: (Optional) Explicit thresholds in [0, 1]; `num_thresholds` becomes
            `len(thresholds) + 2` (an epsilon below 0 and above 1 are added).
        multi_label: (Optional) Treat the last axis as separate labels, compute an AUC per
            label and average them (weighted by `label_weights`), instead of flattening.
        num_labels: (Optional) Number of labels with `multi_label`; creates the state now
            instead of on the first batch.
        label_weights: (Optional) Per-label weights (for the flattened counts, or for the
            average with `multi_label`).
        from_logits: (Optional) Apply a sigmoid to `y_pred` first.

    Example:
    >>> m = AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> round(float(m.result()), 4)
    0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(float(t) for t in thresholds)
            self._thresholds_distributed_evenly = (
                metrics_utils.is_evenly_distributed_thresholds([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1)
                          for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        eps = config.epsilon()
        # The end points sit just outside [0, 1] so that predictions of exactly 0 or 1 land
        # inside the curve.
        self._thresholds = np.array([0.0 - eps] + thresholds + [1.0 + eps])
        self.curve = _curve_from_str(curve)
        self.summation_method = _summation_from_str(summation_method)
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        if isinstance(label_weights, dict) and "config" in label_weights:
            label_weights = label_weights["config"]["value"]  # Keras's serialized tensor
        if label_weights is not None:
            self.label_weights = ops.convert_to_tensor(label_weights, dtype=self.dtype)
        else:
            self.label_weights = None
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self):
        """The thresholds, including the two epsilon-shifted end points."""
        return [float(t) for t in self._thresholds]

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                    f"{len(shape)}. Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape = [self.num_thresholds, self._num_labels]
        else:
            variable_shape = [self.num_thresholds]
        self._build_input_shape = shape
        self.true_positives = self.add_variable(shape=variable_shape, initializer="zeros",
                                                name="true_positives")
        self.false_positives = self.add_variable(shape=variable_shape, initializer="zeros",
                                                 name="false_positives")
        self.true_negatives = self.add_variable(shape=variable_shape, initializer="zeros",
                                                name="true_negatives")
        self.false_negatives = self.add_variable(shape=variable_shape, initializer="zeros",
                                                 name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates the confusion matrix at every threshold.

        Args:
            y_true: Labels (any nonzero value is positive).
            y_pred: Predictions in [0, 1] (logits with `from_logits=True`).
            sample_weight: Optional weights broadcastable to `y_pred`.
        """
        y_pred = ops.convert_to_tensor(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        metrics_utils.update_confusion_matrix_variables(
            {TRUE_POSITIVES: self.true_positives, TRUE_NEGATIVES: self.true_negatives,
             FALSE_POSITIVES: self.false_positives, FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _aggregate(self, terms):
        """Sums Riemann terms over thresholds; with multi_label, averages over labels."""
        if not self.multi_label:
            return ops.sum(terms)
        by_label_auc = ops.sum(terms, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label_auc)
        return ops.divide_no_nan(ops.sum(by_label_auc * self.label_weights),
                                 ops.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """PR-AUC with precision interpolated between thresholds (Davis & Goadrich, 2006).

        Between two adjacent thresholds TP grows linearly in P = TP + FP, so precision is
        `slope + intercept / P` and its integral over recall has a closed form.
        """
        n = self.num_thresholds
        tp = self.true_positives.value
        fp = self.false_positives.value
        fn = self.false_negatives.value
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        prec_slope = ops.divide_no_nan(dtp, ops.maximum(dp, 0.0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = ops.where(
            ops.logical_and(p[: n - 1] > 0, p[1:] > 0),
            ops.divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0.0)),
            ops.ones_like(p[1:]),
        )
        pr_auc_increment = ops.divide_no_nan(
            prec_slope * (dtp + intercept * ops.log(safe_p_ratio)),
            ops.maximum(tp[1:] + fn[1:], 0.0),
        )
        return self._aggregate(pr_auc_increment)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        n = self.num_thresholds
        tp = self.true_positives.value
        fp = self.false_positives.value
        tn = self.true_negatives.value
        fn = self.false_negatives.value
        recall = ops.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x = ops.divide_no_nan(fp, fp + tn)  # false positive rate
            y = recall
        elif self.curve == "PR":
            x = recall
            y = ops.divide_no_nan(tp, tp + fp)  # precision
        else:  # PRGAIN (Flach & Kull, 2015)
            scaling_factor = ops.divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scaling_factor * ops.divide_no_nan(fn, tp)
            precision_gain = 1.0 - scaling_factor * ops.divide_no_nan(fp, tp)
            no_tp = ops.equal(tp, 0.0)
            recall_gain = ops.maximum(ops.where(no_tp, 0.0, recall_gain), 0.0)
            precision_gain = ops.where(no_tp, 1.0, precision_gain)
            x, y = recall_gain, precision_gain
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        return self._aggregate((x[: n - 1] - x[1:]) * heights)

    def reset_state(self):
        if self._built:
            for v in (self.true_positives, self.false_positives, self.true_negatives,
                      self.false_negatives):
                v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def get_config(self):
        label_weights = self.label_weights
        if label_weights is not None:
            label_weights = [float(w) for w in np.asarray(label_weights.numpy()).reshape(-1)]
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}
