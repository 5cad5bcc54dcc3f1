"""`keras_like.losses`: Keras 3's loss classes and functions, `get`, `serialize`, `deserialize`.

Example:
>>> loss = get("sparse_categorical_crossentropy")
>>> loss([1], [[0.5, 0.5]]).numpy().round(4)
array([0.6931], dtype=float32)
"""

import inspect

from keras_like.losses.ctc import ctc
from keras_like.losses.hinge import categorical_hinge, hinge, squared_hinge
from keras_like.losses.loss import (
    Loss,
    Reduction,
    reduce_values,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
    standardize_reduction,
)
from keras_like.losses.losses import (
    CTC,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    CategoricalHinge,
    Circle,
    CosineSimilarity,
    Dice,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    LossFunctionWrapper,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    Tversky,
    _serialize_fn,
)
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

# Legacy (Keras 2 / tf.keras) aliases, still exported by `tf.keras.losses`.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
bce = BCE = binary_crossentropy

ALL_OBJECTS = (
    Loss, LossFunctionWrapper,
    KLDivergence, Poisson, BinaryCrossentropy, BinaryFocalCrossentropy,
    CategoricalCrossentropy, CategoricalFocalCrossentropy, SparseCategoricalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCosh, Huber,
    Hinge, SquaredHinge, CategoricalHinge, Dice, Tversky, Circle, CTC,
    kl_divergence, poisson, binary_crossentropy, binary_focal_crossentropy,
    categorical_crossentropy, categorical_focal_crossentropy, sparse_categorical_crossentropy,
    categorical_generalized_cross_entropy,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, cosine_similarity, log_cosh, huber,
    hinge, squared_hinge, categorical_hinge, dice, tversky, circle, ctc,
)
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "kld": kl_divergence, "KLD": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
})


def serialize(loss):
    """Serializes a `Loss` instance or a loss function the way Keras writes it.

    Example:
    >>> serialize(MeanSquaredError())["config"]
    {'name': 'mean_squared_error', 'reduction': 'sum_over_batch_size'}
    >>> serialize(mean_squared_error)["config"]
    'mean_squared_error'
    """
    if loss is None:
        return None
    if isinstance(loss, Loss):
        return serialization.serialize_keras_object(loss)
    if callable(loss) and not inspect.isclass(loss):
        return _serialize_fn(loss)
    return serialization.serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """Builds a loss instance or function from `serialize`'s output or a name.

    Unknown names come back unchanged (`get` turns them into an error).

    Example:
    >>> deserialize({"class_name": "Huber", "config": {"delta": 2.0}}).delta
    2.0
    """
    return serialization.deserialize_keras_object(name, custom_objects,
                                                  module_objects=ALL_OBJECTS_DICT)


def get(identifier):
    """Retrieves a loss function or `Loss` instance.

    Args:
        identifier: `None`, a function or class name (`"mse"`,
            `"categorical_crossentropy"`, `"CategoricalCrossentropy"`), a config dict
            (`{"class_name": ..., "config": ...}`), a callable, or a `Loss` instance.

    Returns:
        A loss function or `Loss` instance (a class name gives a default instance).

    Example:
    >>> get("mse") is mean_squared_error
    True
    >>> get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}}).from_logits
    True
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier, None)
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret loss identifier: {identifier}")


__all__ = [name for name in ALL_OBJECTS_DICT] + [
    "Reduction", "deserialize", "get", "serialize", "reduce_values", "reduce_weighted_values",
    "squeeze_or_expand_to_same_rank", "standardize_reduction", "kullback_leibler_divergence",
    "logcosh",
]
