"""The `Loss` base class and the reduction machinery every loss shares (`keras.Loss`).

The semantics follow Keras 3 exactly: per-sample losses come from `call`, a Keras mask on
`y_pred` (and one a loss sets on its own output, as `ignore_class` does) is merged into the
sample weights, the weights are squeezed/expanded by one trailing axis to the losses' rank and
multiplied in, and the result is reduced.
"""

import numpy as np

from keras_like import dtype_policies, ops, tree
from keras_like.backend import Tensor, config
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.backend.naming import auto_name, to_snake_case
from keras_like.utils.config_keys import known_kwargs

REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")
_NUMBERS = (int, float, bool, np.generic)
_MEAN_REDUCTIONS = ("sum_over_batch_size", "mean", "mean_with_sample_weight")


class Loss:
    """Loss base class: subclass it and implement `call(y_true, y_pred)`.

    `call` returns the unreduced losses (usually one value per sample); `__call__` applies
    masks, sample weights and the reduction.

    Args:
        name: Optional name for the loss instance.
        reduction: `"sum_over_batch_size"` (default) and `"mean"` sum the weighted losses
            and divide by their number; `"sum"` sums them; `"mean_with_sample_weight"`
            divides the sum by the sum of the sample weights; `"none"` or `None` return the
            weighted losses unreduced.
        dtype: The dtype of the loss's computations (default: `keras_like.config.floatx()`);
            a `DTypePolicy` contributes its `compute_dtype`.

    Example:
    >>> class MeanSquaredError(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.mean(ops.square(y_pred - y_true), axis=-1)
    >>> float(MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or auto_name(to_snake_case(self.__class__.__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype_policy = dtype_policies.get(dtype or config.floatx())
        self._dtype = self._dtype_policy.compute_dtype

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = getattr(y_pred, "_keras_mask", None)
        dtype = self._dtype
        y_pred = _convert(y_pred, dtype)
        y_true = _convert(y_true, dtype)

        losses = self.call(y_true, y_pred)
        out_mask = getattr(losses, "_keras_mask", None)
        if in_mask is not None and out_mask is not None:
            mask = ops.logical_and(in_mask, out_mask)
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(losses, sample_weight=sample_weight, mask=mask,
                                      reduction=self.reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config_kwargs(cls, config))

    def _obj_type(self):
        return "Loss"


def _is_structure(x):
    """Dicts, and lists/tuples of tensors or arrays, are structures; nested lists of Python
    numbers are array data (Keras would map over every number)."""
    if isinstance(x, dict):
        return True
    if not isinstance(x, (list, tuple)) or not x:
        return False
    first = x[0]
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    return not isinstance(first, _NUMBERS)


def as_tensor(x, dtype=None):
    """`ops.convert_to_tensor`, except that KerasTensors pass through (cast if needed), so the
    loss functions also build functional graphs, and ready tensors return at once."""
    kind = type(x)
    if kind is Tensor:
        if (dtype is None or x.dtype == dtype) and not x.weak:
            return x
    elif kind is KerasTensor:
        return x if dtype is None or x.dtype == dtype else ops.cast(x, dtype)
    return ops.convert_to_tensor(x, dtype=dtype)


def _convert(x, dtype):
    if type(x) is Tensor or not _is_structure(x):
        return as_tensor(x, dtype)
    return tree.map_structure(lambda v: as_tensor(v, dtype), x)


def config_kwargs(cls, config):
    """A loss config as arguments of `cls`: without the keys `cls` does not take (with a
    warning, see utils.config_keys), and tf.keras's `reduction="auto"` read as Keras 3's
    default, which is what "auto" meant outside TF distribution strategies."""
    config = known_kwargs(cls, config, stacklevel=4)
    if config.get("reduction") == "auto":
        config["reduction"] = "sum_over_batch_size"
    return config


def standardize_reduction(reduction):
    """Validates a `reduction` argument (Keras's set of names)."""
    if reduction not in REDUCTIONS:
        allowed = set(REDUCTIONS)
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {allowed}. "
            f"Received: reduction={reduction}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Squeezes or expands a trailing axis of size 1 when the ranks differ by exactly one.

    A rank-1 operand facing a `(n, 1)` one is expanded (with `expand_rank_1`); otherwise the
    operand with the extra size-1 axis is squeezed.

    Example:
    >>> a, b = squeeze_or_expand_to_same_rank(ops.ones((3,)), ops.ones((3, 1)))
    >>> a.shape, b.shape
    ((3, 1), (3, 1))
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def _num_elements(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduces (already weighted) losses; scalars and empty vectors pass through unchanged.

    Example:
    >>> float(reduce_values(ops.convert_to_tensor([1.0, 2.0, 3.0])))
    2.0
    """
    shape = tuple(values.shape)
    if reduction is None or reduction == "none" or shape == () or shape == (0,):
        return values
    loss = ops.sum(values)
    if reduction in _MEAN_REDUCTIONS:
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = ops.cast(ops.sum(sample_weight), loss.dtype)
            return ops.divide_no_nan(loss, divisor)
        if None in shape:  # symbolic: sum / size is the mean
            return ops.mean(values)
        n = _num_elements(shape)
        if n > 0:
            return loss / n
        return ops.divide_no_nan(loss, ops.zeros((), dtype=loss.dtype))
    return loss


def _check_weight_shape(values, sample_weight):
    a, b = tuple(values.shape), tuple(sample_weight.shape)
    if a == b:
        return
    for da, db in zip(reversed(a), reversed(b)):
        if da != db and da != 1 and db != 1:
            raise ValueError(
                "`sample_weight` cannot be broadcast to the per-sample losses. Expected a "
                f"shape like {a} (or one with a trailing axis of size 1 added or dropped). "
                f"Received: sample_weight.shape={b}, losses.shape={a}"
            )


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", dtype=None):
    """Merges `mask` into `sample_weight`, weights `values` and applies `reduction`.

    Example:
    >>> float(reduce_weighted_values(ops.convert_to_tensor([1.0, 3.0]), [1.0, 0.0]))
    0.5
    """
    reduction = standardize_reduction(reduction)
    values = as_tensor(values, dtype)
    if sample_weight is not None:
        sample_weight = as_tensor(sample_weight, dtype)
    if mask is not None:
        mask = as_tensor(mask, dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype=values.dtype, reduction=reduction)
    if sample_weight is not None:
        if sample_weight.dtype != values.dtype:
            sample_weight = ops.cast(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        _check_weight_shape(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


def apply_mask(sample_weight, mask, dtype, reduction):
    """Folds a mask into the sample weights.

    For the mean reductions the valid entries get weight `total / valid`, so the mean over
    all entries equals the mean over the valid ones.
    """
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        float_mask = ops.cast(mask, dtype)
        valid = ops.sum(float_mask)  # may be 0: divide_no_nan
        if None in tuple(mask.shape):
            total = ops.sum(ops.ones_like(float_mask))
        else:
            total = ops.convert_to_tensor(_num_elements(mask.shape), dtype=dtype)
        weight = ops.divide_no_nan(total, valid)
        float_mask = ops.where(ops.cast(mask, "bool"), weight, 0.0)
    else:
        float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    _check_weight_shape(float_mask, sample_weight)
    return sample_weight * float_mask


def scale_loss_for_distribution(value):
    """Identity: keras_like runs one replica (Keras scales by 1/replicas under tf.distribute)."""
    return value


def unscale_loss_for_distribution(value):
    """Identity: keras_like runs one replica."""
    return value


def check_shapes(loss_name, y_true, y_pred, same=False):
    """Raises a Keras-style ValueError naming the loss when `y_true` and `y_pred` cannot be
    combined element-wise (`same=True`: when their shapes differ at all).

    Unknown (None) dimensions are accepted.
    """
    a, b = tuple(y_true.shape), tuple(y_pred.shape)
    if a == b:
        return
    ok = len(a) == len(b) if same else True
    for da, db in zip(reversed(a), reversed(b)):
        if da is None or db is None or da == db:
            continue
        if same or (da != 1 and db != 1):
            ok = False
            break
    if not ok:
        rule = "the same shape" if same else "broadcast-compatible shapes"
        raise ValueError(
            f"Loss `{loss_name}` expects `y_true` and `y_pred` with {rule}. "
            f"Received: y_true.shape={a}, y_pred.shape={b}"
        )


class Reduction:
    """Legacy reduction names (`tf.keras.losses.Reduction`); Keras 3 losses take the strings.

    Example:
    >>> Reduction.SUM
    'sum'
    """

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')
