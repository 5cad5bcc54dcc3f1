"""`keras_like.metrics`: stateful metrics and metric functions (Keras 3 `keras.metrics`)."""

import inspect

from keras_like.backend.naming import to_snake_case
from keras_like.losses import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from keras_like.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from keras_like.metrics.auc import AUC
from keras_like.metrics.confusion_metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from keras_like.metrics.correlation_metrics import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from keras_like.metrics.f_score_metrics import F1Score, FBetaScore
from keras_like.metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from keras_like.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from keras_like.metrics.metric import Metric
from keras_like.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from keras_like.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from keras_like.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

ALL_OBJECTS = {
    # Base
    Metric, Mean, Sum, MeanMetricWrapper,
    # Regression
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, R2Score,
    # Classification
    AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall,
    RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives,
    TruePositives,
    # Correlation
    ConcordanceCorrelation, PearsonCorrelation,
    # Hinge
    Hinge, SquaredHinge, CategoricalHinge,
    # Probabilistic
    KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    # Accuracy
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    # F-Score
    F1Score, FBetaScore,
    # IoU
    IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU,
}
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
# Short ids Keras accepts for a few classes (they keep the class's default name).
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
})

# The functions `keras.metrics` exports, for deserializing `{"class_name": "function"}`.
_FUNCTIONS = {fn.__name__: fn for fn in (
    binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy, top_k_categorical_accuracy, concordance_correlation,
    pearson_correlation, binary_crossentropy, binary_focal_crossentropy,
    categorical_crossentropy, categorical_focal_crossentropy, categorical_hinge, hinge, huber,
    kl_divergence, log_cosh, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_error, mean_squared_logarithmic_error, poisson,
    sparse_categorical_crossentropy, squared_hinge,
)}


def serialize(metric):
    """Serializes a `Metric` instance or a metric function to a Keras config dict.

    Example:
    >>> serialize(Mean())["class_name"]
    'Mean'
    """
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """Rebuilds a metric (instance or function) from `serialize`'s output or a string id.

    Args:
        config: A config dict or a string id.
        custom_objects: Optional dict of names to custom classes and functions.

    Example:
    >>> type(deserialize({"class_name": "Mean", "config": {"name": "m"}})).__name__
    'Mean'
    """
    obj = deserialize_keras_object(config, custom_objects, module_objects=ALL_OBJECTS_DICT)
    if isinstance(config, str) and obj is config:
        return config  # unknown ids come back unchanged (as in Keras); `get` raises
    return obj() if inspect.isclass(obj) else obj


def deserialize_function(config, custom_objects=None):
    """A metric function from its serialized form, a name or the function itself.

    "mean_squared_error" names both a function and (snake_case) a class: as a function
    reference, the function wins.
    """
    if callable(config):
        return config
    found = deserialize_keras_object(config, custom_objects, module_objects=_FUNCTIONS)
    if isinstance(found, str):
        found = deserialize_keras_object(found, custom_objects, module_objects=ALL_OBJECTS_DICT)
    if not callable(found):
        raise ValueError(
            f"Could not locate function '{found}'. Make sure custom functions are decorated "
            "with `@keras_like.saving.register_keras_serializable()` or passed in "
            f"`custom_objects`. Full object config: {config}")
    return found


def get(identifier):
    """Retrieves a metric: an instance for a class name/id or a config dict.

    Strings are class names (`"CategoricalCrossentropy"`), their snake_case ids
    (`"categorical_crossentropy"`, `"accuracy"`) or the short ids "mse", "mae", "mape",
    "msle", "bce"; a class is instantiated with its defaults; functions and instances pass
    through. (`compile` resolves "accuracy"/"acc" by the data instead: see
    `keras_like.trainers.compile_utils.get_metric_for_compile`.)

    Example:
    >>> type(get("mse")).__name__
    'MeanSquaredError'
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
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


__all__ = [
    "AUC", "Accuracy", "BinaryAccuracy", "BinaryCrossentropy", "BinaryIoU",
    "CategoricalAccuracy", "CategoricalCrossentropy", "CategoricalHinge",
    "ConcordanceCorrelation", "CosineSimilarity", "F1Score", "FBetaScore", "FalseNegatives",
    "FalsePositives", "Hinge", "IoU", "KLDivergence", "LogCoshError", "Mean",
    "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanIoU", "MeanMetricWrapper",
    "MeanSquaredError", "MeanSquaredLogarithmicError", "Metric", "OneHotIoU", "OneHotMeanIoU",
    "PearsonCorrelation", "Poisson", "Precision", "PrecisionAtRecall", "R2Score", "Recall",
    "RecallAtPrecision", "RootMeanSquaredError", "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy", "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy", "SpecificityAtSensitivity", "SquaredHinge", "Sum",
    "TopKCategoricalAccuracy", "TrueNegatives", "TruePositives", "binary_accuracy",
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_accuracy",
    "categorical_crossentropy", "categorical_focal_crossentropy", "categorical_hinge",
    "concordance_correlation", "deserialize", "get", "hinge", "huber",
    "kl_divergence", "log_cosh",
    "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
    "mean_squared_logarithmic_error", "pearson_correlation", "poisson", "serialize",
    "sparse_categorical_accuracy", "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy", "squared_hinge", "top_k_categorical_accuracy",
]

