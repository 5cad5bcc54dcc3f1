"""F-scores: `FBetaScore` and `F1Score`."""

from keras_like import ops
from keras_like.backend import config
from keras_like.metrics.metric import Metric


class FBetaScore(Metric):
    """F-beta score: `(1 + beta^2) * precision * recall / (beta^2 * precision + recall)`.

    Inputs are 2D `(batch_size, num_classes)`: one-hot (or multi-hot) labels and scores.

    Args:
        average: Averaging over classes: None (one score per class), `"micro"` (pool the
            counts of every class), `"macro"` (unweighted mean of the class scores) or
            `"weighted"` (mean weighted by each class's number of true instances).
        beta: Python float > 0: weight of recall relative to precision.
        threshold: Python float in (0, 1]: predictions above it are positive. None: the
            highest prediction of each row is positive (one label per sample).
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = FBetaScore(beta=2.0, threshold=0.5)
    >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]],
    ...                [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> m.result().numpy().round(4)
    array([0.3846, 0.9091, 0.8333], dtype=float32)
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: "
                "{None, 'micro', 'macro', 'weighted'}. "
                f"Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python float. "
                f"Received: beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(
                f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}"
            )
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. "
                    f"Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify "
                    f"0 < threshold <= 1. Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received "
                f"input shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim), with "
                "output_dim fully defined (not None). Received input shapes: "
                f"y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        init_shape = () if self.average == "micro" else (y_pred_shape[-1],)

        def zeros_variable(name):
            return self.add_variable(name=name, shape=init_shape, initializer="zeros",
                                     dtype=self.dtype)

        self.true_positives = zeros_variable("true_positives")
        self.false_positives = zeros_variable("false_positives")
        self.false_negatives = zeros_variable("false_negatives")
        self.intermediate_weights = zeros_variable("intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates per-class TP, FP, FN and label totals.

        Args:
            y_true: `(batch_size, num_classes)` labels in {0, 1}.
            y_pred: `(batch_size, num_classes)` scores.
            sample_weight: Optional `(batch_size,)` weights.
        """
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        if self.threshold is None:
            row_max = ops.max(y_pred, axis=-1, keepdims=True)
            y_pred = ops.logical_and(y_pred >= row_max, ops.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = ops.cast(y_pred, self.dtype)
        weight = None
        if sample_weight is not None:
            weight = ops.expand_dims(ops.convert_to_tensor(sample_weight, dtype=self.dtype), 1)

        def weighted_sum(val):
            if weight is not None:
                val = val * weight
            return ops.sum(val, axis=self.axis)

        true_positives = y_pred * y_true
        self.true_positives.assign_add(weighted_sum(true_positives))
        self.false_positives.assign_add(weighted_sum(y_pred - true_positives))
        self.false_negatives.assign_add(weighted_sum(y_true - true_positives))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        if not self._built:  # nothing seen yet
            return ops.zeros((), dtype=self.dtype)
        eps = config.epsilon()
        tp = self.true_positives.value
        precision = tp / (tp + self.false_positives.value + eps)
        recall = tp / (tp + self.false_negatives.value + eps)
        beta_sq = self.beta**2
        f_score = precision * recall / (beta_sq * precision + recall + eps) * (1.0 + beta_sq)
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            weights = weights / (ops.sum(weights) + eps)
            f_score = ops.sum(f_score * weights)
        elif self.average is not None:  # "micro" (already pooled) or "macro"
            f_score = ops.mean(f_score)
        return f_score

    def reset_state(self):
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "average": self.average,
                  "beta": self.beta, "threshold": self.threshold}
        return {**super().get_config(), **config}


class F1Score(FBetaScore):
    """F1 score: the harmonic mean of precision and recall (`FBetaScore` with beta=1).

    Args:
        average: None, `"micro"`, `"macro"` or `"weighted"` (see `FBetaScore`).
        threshold: Python float in (0, 1], or None for "the row's highest score".
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = F1Score(threshold=0.5)
    >>> m.update_state([[1, 1, 1], [1, 0, 0], [1, 1, 0]],
    ...                [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])
    >>> m.result().numpy().round(4)
    array([0.5   , 0.8   , 0.6667], dtype=float32)
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name,
                         dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
