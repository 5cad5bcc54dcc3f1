"""Correlation metrics: Pearson and concordance correlation (running means)."""

from keras_like import ops
from keras_like.backend import config
from keras_like.metrics.metrics_utils import squeeze_or_expand_to_same_rank
from keras_like.metrics.reduction_metrics import MeanMetricWrapper


def _pair(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    if not ops.is_float_dtype(y_pred.dtype):
        y_pred = ops.cast(y_pred, config.floatx())
    y_true = ops.cast(y_true, y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson correlation coefficient between `y_true` and `y_pred` along `axis`.

    Example:
    >>> pearson_correlation(ops.convert_to_tensor([[1.0, 2.0, 3.0]]),
    ...                     ops.convert_to_tensor([[2.0, 4.0, 6.0]])).numpy().round(4)
    array([1.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    y_true_norm = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    y_pred_norm = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    y_true_norm = y_true_norm / ops.std(y_true_norm, axis=axis, keepdims=True)
    y_pred_norm = y_pred_norm / ops.std(y_pred_norm, axis=axis, keepdims=True)
    return ops.mean(y_true_norm * y_pred_norm, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along `axis`, as Keras computes it.

    Example:
    >>> v = concordance_correlation(ops.convert_to_tensor([[1.0, 2.0, 3.0]]),
    ...                             ops.convert_to_tensor([[1.0, 2.0, 3.0]]))
    >>> v.shape
    (1,)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    y_true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    y_pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    y_true_var = ops.var(y_true - y_true_mean, axis=axis, keepdims=True)
    y_pred_var = ops.var(y_pred - y_pred_mean, axis=axis, keepdims=True)
    # Keras centres y_true on y_pred's mean here; kept for identical results.
    covar = (y_true - y_pred_mean) * (y_pred - y_pred_mean)
    norm = y_true_var + y_pred_var + ops.square(y_true_mean - y_pred_mean)
    return ops.mean(2.0 * covar / (norm + config.epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """Mean Pearson correlation coefficient of each sample's `y_true` and `y_pred`.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        axis: (Optional) The axis along which the correlation is computed. Defaults to -1.

    Example:
    >>> m = PearsonCorrelation()
    >>> m.update_state([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])
    >>> round(float(m.result()), 4)
    1.0
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """Mean concordance correlation coefficient of each sample's `y_true` and `y_pred`.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        axis: (Optional) The axis along which the correlation is computed. Defaults to -1.

    Example:
    >>> m = ConcordanceCorrelation()
    >>> m.update_state([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])
    >>> m.result().shape
    ()
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
