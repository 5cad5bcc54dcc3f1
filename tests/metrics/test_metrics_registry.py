"""metrics.get / serialize / deserialize and compile's "accuracy" resolution."""

import numpy as np
import pytest

from keras_like import losses, metrics
from keras_like.trainers.compile_utils import get_metric_for_compile


@pytest.mark.parametrize("identifier, cls", [
    ("accuracy", metrics.Accuracy), ("Accuracy", metrics.Accuracy),
    ("mse", metrics.MeanSquaredError), ("MAE", metrics.MeanAbsoluteError),
    ("mape", metrics.MeanAbsolutePercentageError), ("msle", metrics.MeanSquaredLogarithmicError),
    ("bce", metrics.BinaryCrossentropy), ("categorical_crossentropy",
                                          metrics.CategoricalCrossentropy),
    ("auc", metrics.AUC), ("mean_io_u", None),
    ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
    ("r2_score", metrics.R2Score), ("f1_score", metrics.F1Score),
])
def test_get_by_string(identifier, cls):
    if cls is None:  # classes needing arguments cannot be built from a bare id
        with pytest.raises(TypeError):
            metrics.get(identifier)
        return
    m = metrics.get(identifier)
    assert type(m) is cls


def test_get_passes_through_and_rejects_unknown():
    m = metrics.Mean()
    assert metrics.get(m) is m
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    assert metrics.get(None) is None
    assert type(metrics.get(metrics.Recall)) is metrics.Recall
    with pytest.raises(ValueError, match="Could not interpret metric identifier: acc"):
        metrics.get("acc")
    with pytest.raises(ValueError, match="Could not interpret metric identifier: nope"):
        metrics.get("nope")


def test_get_from_config_dict():
    m = metrics.get({"class_name": "CategoricalCrossentropy",
                     "config": {"from_logits": True, "name": "cce"}})
    assert type(m) is metrics.CategoricalCrossentropy and m.from_logits and m.name == "cce"


@pytest.mark.parametrize("metric", [
    metrics.Mean(name="m"), metrics.BinaryAccuracy(threshold=0.3), metrics.AUC(curve="PR"),
    metrics.Precision(thresholds=[0.2, 0.4], top_k=2), metrics.R2Score(num_regressors=2),
    metrics.F1Score(average="micro"), metrics.MeanIoU(4, ignore_class=0),
    metrics.SensitivityAtSpecificity(0.3), metrics.SparseCategoricalCrossentropy(axis=1),
])
def test_serialize_round_trip_in_keras_format(metric):
    config = metrics.serialize(metric)
    assert config["module"] == "keras.metrics"
    assert config["class_name"] == type(metric).__name__
    assert config["registered_name"] is None
    assert config["config"] == metric.get_config()
    clone = metrics.deserialize(config)
    assert type(clone) is type(metric) and clone.get_config() == metric.get_config()


def test_deserialize_strings_and_custom_objects():
    assert type(metrics.deserialize("mse")) is metrics.MeanSquaredError
    assert metrics.deserialize("not_a_metric") == "not_a_metric"

    class MyMetric(metrics.Mean):
        pass

    config = metrics.serialize(MyMetric(name="mine"))
    assert config["class_name"] == "MyMetric" and config["module"] == __name__
    with pytest.raises(TypeError, match="Could not locate class 'MyMetric'"):
        metrics.deserialize(config)
    clone = metrics.deserialize(config, custom_objects={"MyMetric": MyMetric})
    assert type(clone) is MyMetric and clone.name == "mine"


def test_serialize_function():
    assert metrics.serialize(metrics.binary_accuracy) == {
        "module": "builtins", "class_name": "function", "config": "binary_accuracy",
        "registered_name": "function"}


@pytest.mark.parametrize("y_true, y_pred, expected", [
    ((8, 1), (8, 1), metrics.BinaryAccuracy),
    ((8,), (8, 1), metrics.BinaryAccuracy),
    ((8,), (8, 10), metrics.SparseCategoricalAccuracy),
    ((8, 1), (8, 10), metrics.SparseCategoricalAccuracy),
    ((8, 10), (8, 10), metrics.CategoricalAccuracy),
    ((8, 5, 1), (8, 5, 3), metrics.SparseCategoricalAccuracy),
])
@pytest.mark.parametrize("identifier", ["accuracy", "acc", "Accuracy"])
def test_compile_accuracy_resolution_by_shapes(identifier, y_true, y_pred, expected):
    m = get_metric_for_compile(identifier, y_true, y_pred)
    assert type(m) is expected and m.name == identifier


def test_compile_accuracy_resolution_accepts_arrays_and_falls_back_to_loss():
    m = get_metric_for_compile("accuracy", np.zeros((4,)), np.zeros((4, 3)))
    assert type(m) is metrics.SparseCategoricalAccuracy
    for loss, expected in [("sparse_categorical_crossentropy", "SparseCategoricalAccuracy"),
                           ("binary_crossentropy", "BinaryAccuracy"),
                           (metrics.categorical_crossentropy, "CategoricalAccuracy"),
                           (losses.SparseCategoricalCrossentropy(), "SparseCategoricalAccuracy"),
                           (losses.BinaryCrossentropy(), "BinaryAccuracy"),
                           (None, "CategoricalAccuracy")]:
        assert type(get_metric_for_compile("acc", loss=loss)).__name__ == expected


def test_compile_other_identifiers():
    m = get_metric_for_compile("mse", (4, 1), (4, 1))
    assert type(m) is metrics.MeanSquaredError and m.name == "mse"
    wrapped = get_metric_for_compile(metrics.mean_absolute_error, (4, 2), (4, 2))
    assert type(wrapped) is metrics.MeanMetricWrapper and wrapped.name == "mean_absolute_error"
    wrapped.update_state(np.zeros((4, 2), "float32"), np.ones((4, 2), "float32"))
    assert float(wrapped.result()) == 1.0
    obj = metrics.AUC(name="my_auc")
    assert get_metric_for_compile(obj, (4, 1), (4, 1)) is obj and obj.name == "my_auc"
    with pytest.raises(ValueError, match="Expected metric, received `None`"):
        get_metric_for_compile(None, (4,), (4,))


def test_metric_function_exports():
    for name in ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                 "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
                 "binary_crossentropy", "categorical_crossentropy", "hinge", "huber", "poisson",
                 "kl_divergence", "log_cosh", "mean_squared_error", "squared_hinge",
                 "binary_focal_crossentropy", "categorical_focal_crossentropy",
                 "pearson_correlation", "concordance_correlation"]:
        assert callable(getattr(metrics, name)), name
