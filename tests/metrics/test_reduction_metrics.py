"""Sum, Mean and MeanMetricWrapper against NumPy, with Keras's sample-weight rules."""

import numpy as np
import pytest
from metrics_reference import RunningMean

from keras_like import ops
from keras_like.metrics import Mean, MeanMetricWrapper, Sum, deserialize, serialize

rng = np.random.default_rng(42)


def _weighted_batches():
    """(values, sample_weight, per-sample values, per-sample weights) in Keras's semantics."""
    v1 = rng.normal(size=(6,)).astype("float32")
    w1 = rng.random(6).astype("float32")
    v2 = rng.normal(size=(5, 3)).astype("float32")  # rank-1 weight: values averaged per row
    w2 = rng.random(5).astype("float32")
    v3 = rng.normal(size=(4, 3)).astype("float32")  # full weights: both averaged per row
    w3 = rng.random((4, 3)).astype("float32")
    v4 = rng.normal(size=(4, 2)).astype("float32")  # (N, 1) weight broadcast along the row
    w4 = rng.random((4, 1)).astype("float32")
    v5 = rng.normal(size=(3, 2)).astype("float32")  # no weight
    return [
        (v1, w1, v1, w1),
        (v2, w2, v2.mean(1), w2),
        (v3, w3, (v3 * w3).mean(1) / w3.mean(1), w3.mean(1)),
        (v4, w4, v4.mean(1), w4[:, 0]),
        (v5, None, v5.mean(1), None),
    ]


def test_mean_over_batches_with_sample_weights():
    m, ref = Mean(), RunningMean()
    for values, weight, per_sample, per_weight in _weighted_batches():
        m.update_state(values, sample_weight=weight)
        ref.update(per_sample, per_weight)
        np.testing.assert_allclose(float(m.result()), ref.result(), rtol=1e-5)
    assert m.result().dtype == "float32" and m.result().shape == ()


def test_sum_over_batches_with_sample_weights():
    m, expected = Sum(), 0.0
    for values, weight, _, _ in _weighted_batches():
        m.update_state(values, sample_weight=weight)
        # Sum reduces the axes the weight lacks, so the weight spans them.
        w = 1.0 if weight is None else weight.reshape(
            weight.shape + (1,) * (values.ndim - weight.ndim))
        expected += float(np.sum(values.astype(np.float64) * w))
    np.testing.assert_allclose(float(m.result()), expected, rtol=1e-5)


def test_mean_scalar_weight_and_scalar_value():
    m = Mean()
    # The trainer's loss tracker: a scalar value weighted by the batch size.
    m.update_state(ops.convert_to_tensor(np.float32(2.0)), sample_weight=3)
    m.update_state(ops.convert_to_tensor(np.float32(4.0)), sample_weight=1)
    np.testing.assert_allclose(float(m.result()), (2.0 * 3 + 4.0) / 4, rtol=1e-6)
    # A scalar weight on a vector: the batch counts once, with that weight.
    m.reset_state()
    m.update_state(np.array([1.0, 3.0], "float32"), sample_weight=2.0)
    m.update_state(np.array([6.0], "float32"))
    np.testing.assert_allclose(float(m.result()), (2.0 * 2 + 6.0) / 3, rtol=1e-6)


def test_mean_reset_and_empty_result():
    m = Mean()
    assert float(m.result()) == 0.0  # no division by zero
    m.update_state([1.0, 2.0])
    m.reset_state()
    assert float(m.result()) == 0.0
    assert [float(v.numpy()) for v in m.variables] == [0.0, 0.0]


def test_mean_float64_dtype():
    m = Mean(dtype="float64")
    m.update_state(np.array([1.0, 2.0 + 1e-12]))
    assert m.result().dtype == "float64"
    np.testing.assert_allclose(float(m.result()), 1.5 + 5e-13, rtol=0, atol=1e-15)


def _abs_error(y_true, y_pred, scale=1.0):
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1) * scale


def test_mean_metric_wrapper_matches_numpy_and_passes_kwargs():
    m = MeanMetricWrapper(_abs_error, name="abs_err", scale=2.0)
    ref = RunningMean()
    for _ in range(3):
        y_true = rng.normal(size=(5, 4)).astype("float32")
        y_pred = rng.normal(size=(5, 4)).astype("float32")
        weight = rng.random(5).astype("float32")
        m.update_state(y_true, y_pred, sample_weight=weight)
        ref.update(2.0 * np.abs(y_true - y_pred).mean(-1), weight)
    np.testing.assert_allclose(float(m.result()), ref.result(), rtol=1e-5)
    assert m.name == "abs_err"


def test_mean_metric_wrapper_applies_keras_mask_of_y_pred():
    y_true = np.zeros((4, 2), "float32")
    y_pred = ops.convert_to_tensor(np.array([[1, 1], [2, 2], [3, 3], [4, 4]], "float32"))
    y_pred._keras_mask = ops.convert_to_tensor(np.array([True, False, True, False]))
    m = MeanMetricWrapper(_abs_error)
    m.update_state(y_true, y_pred, sample_weight=np.array([1.0, 1.0, 3.0, 1.0], "float32"))
    np.testing.assert_allclose(float(m.result()), (1.0 + 3.0 * 3) / 4, rtol=1e-6)


def test_mean_metric_wrapper_config_round_trip_with_builtin_fn():
    from keras_like.metrics import mean_squared_error

    m = MeanMetricWrapper(mean_squared_error, name="mse_wrapper")
    config = serialize(m)
    assert config["config"]["fn"] == {"module": "builtins", "class_name": "function",
                                      "config": "mean_squared_error",
                                      "registered_name": "function"}
    clone = deserialize(config)
    assert clone._fn is mean_squared_error and clone.name == "mse_wrapper"
    assert clone._direction == "down"


def test_mean_metric_wrapper_custom_fn_needs_custom_objects():
    m = MeanMetricWrapper(_abs_error, scale=3.0)
    config = serialize(m)
    with pytest.raises(TypeError, match="Could not locate function '_abs_error'"):
        deserialize(config)
    clone = deserialize(config, custom_objects={"_abs_error": _abs_error})
    assert clone._fn is _abs_error and clone._fn_kwargs == {"scale": 3.0}


def test_mean_and_sum_configs():
    assert Mean().get_config() == {"name": "mean", "dtype": "float32"}
    assert Sum(name="s", dtype="float64").get_config() == {"name": "s", "dtype": "float64"}
    assert Mean.from_config(Mean(name="m2").get_config()).name == "m2"
