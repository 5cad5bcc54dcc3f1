"""Hinge metrics: hinge, squared hinge and categorical hinge (running means)."""

from keras_like.losses import categorical_hinge, hinge, squared_hinge
from keras_like.metrics.reduction_metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """Mean of `maximum(1 - y_true * y_pred, 0)`; 0/1 labels are mapped to -1/1.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = Hinge()
    >>> m.update_state([[0.0, 1.0]], [[0.5, 0.5]])
    >>> float(m.result())
    1.0
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """Mean of `square(maximum(1 - y_true * y_pred, 0))`; 0/1 labels are mapped to -1/1.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = SquaredHinge()
    >>> m.update_state([[1.0]], [[0.5]])
    >>> float(m.result())
    0.25
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=squared_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """Mean of `maximum(neg - pos + 1, 0)` for one-hot labels.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = CategoricalHinge()
    >>> m.update_state([[0.0, 1.0]], [[0.3, 0.7]])
    >>> round(float(m.result()), 4)
    0.6
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
