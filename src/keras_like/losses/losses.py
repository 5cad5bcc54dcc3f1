"""`LossFunctionWrapper` and the built-in loss classes (`keras.losses.MeanSquaredError`, ...).

Every class wraps the loss function of the same name; `get_config()` writes exactly the keys
Keras 3.15 writes, except that `Huber` also records `delta` and `CosineSimilarity` `axis`
(Keras drops them, so a saved Huber(delta=2) would come back as delta=1; Keras itself loads
configs with these keys fine).

Reduction (all classes): `"sum_over_batch_size"` (default) and `"mean"` divide the weighted
sum by the number of loss values, `"sum"` sums, `"mean_with_sample_weight"` divides by the sum
of the sample weights, `"none"`/`None` returns the unreduced losses.
"""

from keras_like import tree
from keras_like.losses.ctc import ctc
from keras_like.losses.hinge import categorical_hinge, hinge, squared_hinge
from keras_like.losses.loss import Loss, config_kwargs, squeeze_or_expand_to_same_rank
from keras_like.losses.probabilistic import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from keras_like.losses.regression import (
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from keras_like.losses.segmentation import circle, dice, tversky
from keras_like.saving import serialization_lib as serialization


def _serialize_fn(fn):
    """Keras writes a plain function as module `builtins`, registered name `function`."""
    if isinstance(fn, Loss):
        return serialization.serialize_keras_object(fn)
    name = getattr(fn, "__name__", None)
    if name is None or name == "<lambda>":
        return serialization.serialize_keras_object(fn)  # raises Keras's "cannot serialize"
    return {"module": "builtins", "class_name": "function", "config": name,
            "registered_name": "function"}


class LossFunctionWrapper(Loss):
    """Turns a loss function `fn(y_true, y_pred, **kwargs)` into a `Loss`.

    Before `fn` runs, a trailing axis of size 1 is squeezed or added so the ranks of `y_true`
    and `y_pred` agree (labels `(batch,)` against predictions `(batch, 1)`).

    Args:
        fn: The loss function.
        reduction: See the module docstring.
        name: Optional name for the instance.
        dtype: The dtype of the loss's computations.
        **kwargs: Keyword arguments passed on to `fn`.

    Example:
    >>> loss = LossFunctionWrapper(huber, delta=2.0)
    >>> float(loss([[0.0]], [[3.0]]))
    4.0
    """

    # `**kwargs` go to `fn`, so a config key is never unknown (utils.config_keys).
    _config_kwargs = None

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if tree.is_nested(y_true) or tree.is_nested(y_pred):
            flat_true, flat_pred = tree.flatten(y_true), tree.flatten(y_pred)
            if len(flat_true) != len(flat_pred):
                raise ValueError(
                    f"Loss `{self.name}`: `y_true` and `y_pred` must have the same structure. "
                    f"Received: {len(flat_true)} and {len(flat_pred)} tensors"
                )
            pairs = [squeeze_or_expand_to_same_rank(t, p) for t, p in zip(flat_true, flat_pred)]
            y_true = tree.pack_sequence_as(y_true, [t for t, _ in pairs])
            y_pred = tree.pack_sequence_as(y_pred, [p for _, p in pairs])
        else:
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config["fn"] = _serialize_fn(self.fn)
        config.update({k: serialization.serialize_keras_object(v)
                       for k, v in self._fn_kwargs.items()})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            from keras_like.losses import deserialize

            config["fn"] = deserialize(config["fn"])
            config = {k: serialization.deserialize_keras_object(v) for k, v in config.items()}
        return cls(**config_kwargs(cls, config))

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class _Builtin(LossFunctionWrapper):
    """A built-in loss: its config is the base `Loss` config plus `_config_keys`."""

    _config_keys = ()

    def get_config(self):
        config = Loss.get_config(self)
        for key in self._config_keys:
            config[key] = serialization.serialize_keras_object(getattr(self, key))
        return config

    @classmethod
    def from_config(cls, config):
        # A tf.keras config names its function too (`"fn"`): dropped, since the class fixes it.
        return cls(**config_kwargs(cls, config))


class MeanSquaredError(_Builtin):
    """Mean of squared errors: `mean(square(y_true - y_pred))`.

    Example:
    >>> float(MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsoluteError(_Builtin):
    """Mean of absolute errors: `mean(abs(y_true - y_pred))`.

    Example:
    >>> float(MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsolutePercentageError(_Builtin):
    """`100 * mean(abs((y_true - y_pred) / y_true))` (denominator at least epsilon).

    Example:
    >>> float(MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]]))
    25.0
    """

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction,
                         dtype=dtype)


class MeanSquaredLogarithmicError(_Builtin):
    """`mean(square(log(y_true + 1) - log(y_pred + 1)))`.

    Example:
    >>> float(MeanSquaredLogarithmicError()([[1.0]], [[1.0]]))
    0.0
    """

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction,
                         dtype=dtype)


class CosineSimilarity(_Builtin):
    """Negative cosine similarity along `axis` (-1 means identical directions).

    Example:
    >>> round(float(CosineSimilarity()([[1.0, 1.0]], [[2.0, 2.0]])), 4)
    -1.0
    """

    _config_keys = ("axis",)

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype,
                         axis=axis)
        self.axis = axis


class Huber(_Builtin):
    """Huber loss: quadratic for errors up to `delta`, linear beyond.

    Example:
    >>> float(Huber(delta=1.0)([[0.0]], [[3.0]]))
    2.5
    """

    _config_keys = ("delta",)

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)
        self.delta = delta


class LogCosh(_Builtin):
    """Mean of `log(cosh(y_pred - y_true))`.

    Example:
    >>> float(LogCosh()([[0.0]], [[0.0]]))
    0.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)


class Hinge(_Builtin):
    """Hinge loss `maximum(1 - y_true * y_pred, 0)`; 0/1 labels become -1/1.

    Example:
    >>> float(Hinge()([[1.0, 0.0]], [[0.5, -2.0]]))
    0.25
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(_Builtin):
    """Squared hinge loss `square(maximum(1 - y_true * y_pred, 0))`.

    Example:
    >>> float(SquaredHinge()([[1.0, 0.0]], [[0.5, -2.0]]))
    0.125
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(_Builtin):
    """Categorical hinge loss `maximum(neg - pos + 1, 0)`.

    Example:
    >>> round(float(CategoricalHinge()([[0.0, 1.0, 0.0]], [[0.2, 0.6, 0.2]])), 4)
    0.6
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)


class KLDivergence(_Builtin):
    """Kullback-Leibler divergence `y_true * log(y_true / y_pred)` summed over classes.

    Example:
    >>> float(KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]]))
    0.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


class Poisson(_Builtin):
    """Poisson loss `y_pred - y_true * log(y_pred)`.

    Example:
    >>> round(float(Poisson()([[1.0]], [[1.0]])), 4)
    1.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)


class BinaryCrossentropy(_Builtin):
    """Binary cross-entropy between 0/1 targets and probabilities (or logits).

    Args:
        from_logits: Whether `y_pred` holds logits (recommended: more stable).
        label_smoothing: Float in [0, 1]; squeezes targets towards 0.5.
        axis: The axis the per-sample mean runs over. Defaults to `-1`.
        reduction, name, dtype: See `Loss`.

    Example:
    >>> bce = BinaryCrossentropy(from_logits=True)
    >>> round(float(bce([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8])), 3)
    0.865
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class BinaryFocalCrossentropy(_Builtin):
    """Binary focal cross-entropy: cross-entropy scaled by `(1 - p_t) ** gamma`.

    Args:
        apply_class_balancing: Whether to weight class 1 by `alpha`, class 0 by `1 - alpha`.
        alpha: Balancing factor for class 1. Defaults to `0.25`.
        gamma: Focusing parameter. Defaults to `2.0`.
        from_logits, label_smoothing, axis: As in `BinaryCrossentropy`.
        reduction, name, dtype: See `Loss`.

    Example:
    >>> loss = BinaryFocalCrossentropy(gamma=2, from_logits=True)
    >>> round(float(loss([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8])), 3)
    0.691
    """

    _config_keys = ("from_logits", "label_smoothing", "axis", "apply_class_balancing",
                    "alpha", "gamma")

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma


class CategoricalCrossentropy(_Builtin):
    """Cross-entropy between one-hot targets and predicted distributions (or logits).

    Args:
        from_logits: Whether `y_pred` holds logits.
        label_smoothing: Float in [0, 1]; targets become
            `y_true * (1 - s) + s / num_classes`.
        axis: The class axis. Defaults to `-1`.
        reduction, name, dtype: See `Loss`.

    Example:
    >>> cce = CategoricalCrossentropy()
    >>> round(float(cce([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 3)
    1.177
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalFocalCrossentropy(_Builtin):
    """Alpha-balanced focal cross-entropy for one-hot targets.

    Args:
        alpha: Weight factor, a scalar or one value per class. Defaults to `0.25`.
        gamma: Focusing parameter. Defaults to `2.0`.
        from_logits, label_smoothing, axis: As in `CategoricalCrossentropy`.
        reduction, name, dtype: See `Loss`.

    Example:
    >>> cfce = CategoricalFocalCrossentropy()
    >>> round(float(cfce([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
    0.2332
    """

    _config_keys = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy",
                 dtype=None):
        super().__init__(categorical_focal_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma


class SparseCategoricalCrossentropy(_Builtin):
    """Cross-entropy between integer labels and predicted distributions (or logits).

    Args:
        from_logits: Whether `y_pred` holds logits.
        ignore_class: Optional label to ignore (zero loss, masked out of the mean).
        reduction, name, dtype: See `Loss`.

    Example:
    >>> scce = SparseCategoricalCrossentropy()
    >>> round(float(scce([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 3)
    1.177
    """

    _config_keys = ("from_logits", "ignore_class")

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class)
        self.from_logits = from_logits
        self.ignore_class = ignore_class


class CategoricalGeneralizedCrossEntropy(_Builtin):
    """Generalized cross-entropy `(1 - p ** q) / q` for integer labels (noise-robust).

    Args:
        q: Float in (0, 1); near 0 behaves like cross-entropy, near 1 like MAE.
        reduction, name, dtype: See `Loss`.

    Example:
    >>> float(CategoricalGeneralizedCrossEntropy(q=0.5)([0], [[0.25, 0.75]]))
    1.0
    """

    _config_keys = ("q",)

    def __init__(self, q=0.5, reduction="sum_over_batch_size",
                 name="categorical_generalized_cross_entropy", dtype=None):
        if not 0 < q < 1:
            raise ValueError("q must be in the interval (0, 1)")
        super().__init__(categorical_generalized_cross_entropy, name=name, reduction=reduction,
                         dtype=dtype, q=q)
        self.q = q


class CTC(_Builtin):
    """Connectionist Temporal Classification loss.

    `y_true`: `(batch, max_label_length)` integer labels, 0 = blank/padding;
    `y_pred`: `(batch, time, num_classes)` logits.

    Example:
    >>> CTC()([[1, 2]], ops.zeros((1, 4, 3))).shape
    ()
    """

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)


class Dice(_Builtin):
    """Dice loss `1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))`.

    Args:
        reduction, name, dtype: See `Loss`.
        axis: Axes the sums run over (`None`: all, giving a single value).

    Example:
    >>> round(float(Dice()([[1.0, 0.0]], [[1.0, 1.0]])), 4)
    0.3333
    """

    _config_keys = ("axis",)

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis


class Tversky(_Builtin):
    """Tversky loss, weighting false positives by `alpha` and false negatives by `beta`.

    Args:
        alpha: Weight of false positives. Defaults to `0.5`.
        beta: Weight of false negatives. Defaults to `0.5`.
        reduction, name, dtype: See `Loss`.
        axis: Axes the sums run over (`None`: all).

    Example:
    >>> round(float(Tversky()([[1.0, 0.0]], [[1.0, 1.0]])), 4)
    0.3333
    """

    _config_keys = ("alpha", "beta", "axis")

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky",
                 axis=None, dtype=None):
        super().__init__(tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha,
                         beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis


class Circle(_Builtin):
    """Circle loss between integer labels and L2-normalised embeddings.

    Args:
        gamma: Scale of the similarity scores. Defaults to `80`.
        margin: Relaxation margin. Defaults to `0.4`.
        remove_diagonal: Whether self-pairs are dropped from the positives.
        reduction, name, dtype: See `Loss`.

    Example:
    >>> emb = ops.normalize(ops.convert_to_tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]))
    >>> Circle()([0, 0, 1], emb).shape
    ()
    """

    _config_keys = ("gamma", "margin", "remove_diagonal")

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True,
                 reduction="sum_over_batch_size", name="circle", dtype=None):
        super().__init__(circle, name=name, reduction=reduction, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal
