"""Reduction metrics: `Sum`, `Mean` and `MeanMetricWrapper`."""

from keras_like import ops
from keras_like.backend import config
from keras_like.metrics import metrics_utils
from keras_like.metrics.metric import Metric
from keras_like.utils.config_keys import known_kwargs


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Weights `values` and reduces them to one value per sample (Keras's semantics).

    `sample_weight` is aligned to `values` (a trailing axis of size 1 is squeezed or added);
    axes of `values` beyond the weight's rank are reduced with `reduce_fn` first, then the
    weight is broadcast and multiplied in; finally every axis but the first is reduced.

    Returns:
        `(values, sample_weight)`: values of rank <= 1 and the weight reduced to per-sample
        totals (None when no weight was given).
    """
    dtype = dtype or config.floatx()
    mask = metrics_utils.get_keras_mask(values)
    values = ops.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, dtype)
        if mask is not None:
            sample_weight = metrics_utils.apply_mask(sample_weight, mask, dtype=dtype,
                                                     reduction="sum")
        values, sample_weight = metrics_utils.squeeze_or_expand_to_same_rank(
            values, sample_weight)
        weight_ndim = len(sample_weight.shape)
        values_ndim = len(values.shape)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=list(range(weight_ndim, values_ndim)))
        # Broadcasting here does not change the product, but makes the weight total below
        # count every value the weight applies to.
        if tuple(sample_weight.shape) != tuple(values.shape):
            sample_weight = ops.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, weight_ndim)))
    values_ndim = len(values.shape)
    if values_ndim > 1:
        values = reduce_fn(values, axis=list(range(1, values_ndim)))
    return values, sample_weight


class Sum(Metric):
    """Computes the (weighted) sum of the given values.

    With values `[1, 3, 5, 7]` the sum is 16; with `sample_weight=[1, 1, 0, 0]` it is 4.

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = Sum()
    >>> m.update_state([1, 3, 5, 7])
    >>> float(m.result())
    16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype,
                                       name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, reduce_fn=ops.sum,
                                                dtype=self.dtype)
        self.total.assign_add(ops.sum(values))

    def reset_state(self):
        self.total.assign(ops.zeros((), dtype=self.total.dtype))

    def result(self):
        return ops.cast(self.total.value, self.dtype)


class Mean(Metric):
    """Computes the (weighted) mean of the given values.

    With values `[1, 3, 5, 7]` the mean is 4; with `sample_weight=[1, 1, 0, 0]` it is 2. The
    state is a running `total` and `count`; `result()` is `total / count` (0 when empty).

    Args:
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.

    Example:
    >>> m = Mean()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype,
                                       name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype,
                                       name="count")

    def update_state(self, values, sample_weight=None):
        # Fast path for the trainer's loss tracker: a scalar value with a Python weight.
        if (isinstance(sample_weight, (int, float)) and not isinstance(sample_weight, bool)
                and hasattr(values, "shape") and len(values.shape) == 0):
            self.total.assign_add(ops.cast(values, self.dtype) * float(sample_weight))
            self.count.assign_add(float(sample_weight))
            return
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, reduce_fn=ops.mean, dtype=self.dtype)
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            num_samples = ops.sum(sample_weight)
        elif len(values.shape) >= 1:
            num_samples = float(values.shape[0])
        else:
            num_samples = 1.0
        self.count.assign_add(num_samples)

    def reset_state(self):
        self.total.assign(ops.zeros((), dtype=self.total.dtype))
        self.count.assign(ops.zeros((), dtype=self.count.dtype))

    def result(self):
        return ops.divide_no_nan(self.total.value, ops.cast(self.count.value, self.dtype))


class MeanMetricWrapper(Mean):
    """Wraps a stateless function `fn(y_true, y_pred, **kwargs)` into a running-mean metric.

    `fn` returns per-sample (or per-element) values; `result()` is their weighted mean over
    every batch seen. A Keras mask on `y_pred` is folded into the sample weights.

    Args:
        fn: The metric function to wrap, with signature `fn(y_true, y_pred, **kwargs)`.
        name: (Optional) string name of the metric instance.
        dtype: (Optional) data type of the metric result.
        **kwargs: Keyword arguments to pass on to `fn`.

    Example:
    >>> def squared_error(y_true, y_pred):
    ...     return (y_true - y_pred) ** 2
    >>> m = MeanMetricWrapper(fn=squared_error)
    >>> float(m(ops.convert_to_tensor([1.0, 2.0]), ops.convert_to_tensor([3.0, 2.0])))
    2.0
    """

    # `**kwargs` go to `fn`, so a config key is never unknown (utils.config_keys).
    _config_kwargs = None

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        # Wrapping a loss (function or Loss object): the metric should go down during
        # training (EarlyStopping's mode="auto" reads this).
        if (str(getattr(fn, "__module__", "")).startswith("keras_like.losses")
                or type(fn).__module__.startswith("keras_like.losses")):
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = metrics_utils.get_keras_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if mask is not None:
            sample_weight = metrics_utils.apply_mask(sample_weight, mask, dtype=self.dtype,
                                                     reduction="sum")
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        from keras_like.saving.serialization_lib import serialize_keras_object

        base_config = super().get_config()
        config = {"fn": serialize_keras_object(self._fn)}
        config.update({k: serialize_keras_object(v) for k, v in self._fn_kwargs.items()})
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config):
        from keras_like.metrics import deserialize_function

        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_function(config["fn"])
        return cls(**known_kwargs(cls, config))
