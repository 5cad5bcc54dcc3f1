"""Accuracy metrics and their functional forms against NumPy."""

import numpy as np
import pytest
from metrics_reference import RunningMean

from keras_like import metrics

rng = np.random.default_rng(7)
N, C = 12, 5


def _top_k_hits(labels, scores, k):
    """Keras's in_top_k: fewer than k scores strictly greater than the label's score."""
    picked = scores[np.arange(len(labels)), labels]
    return (np.sum(scores > picked[:, None], axis=1) < k).astype(np.float64)


def _run(metric, batches, np_fn):
    ref = RunningMean()
    for y_true, y_pred, weight in batches:
        metric.update_state(y_true, y_pred, sample_weight=weight)
        ref.update(np_fn(y_true, y_pred), weight)
    np.testing.assert_allclose(float(metric.result()), ref.result(), rtol=1e-6)
    assert metric.result().dtype == "float32"
    metric.reset_state()
    assert float(metric.result()) == 0.0


def _weights():
    return rng.random(N).astype("float32")


def test_accuracy():
    batches = [(rng.integers(0, 3, (N, 1)), rng.integers(0, 3, (N, 1)), _weights()),
               (rng.integers(0, 3, N), rng.integers(0, 3, N), None)]
    _run(metrics.Accuracy(), batches,
         lambda t, p: (np.reshape(t, -1) == np.reshape(p, -1)).astype(float))


@pytest.mark.parametrize("threshold", [0.5, 0.3])
def test_binary_accuracy(threshold):
    batches = [(rng.integers(0, 2, (N, 1)).astype("float32"), rng.random((N, 1)), _weights()),
               (rng.integers(0, 2, (N, 1)), rng.random((N, 1)).astype("float32"), None),
               (rng.integers(0, 2, N).astype("float32"), rng.random((N, 1)), _weights())]
    _run(metrics.BinaryAccuracy(threshold=threshold), batches,
         lambda t, p: (np.reshape(t, -1) == (np.reshape(p, -1) > threshold)).astype(float))


def test_binary_accuracy_multi_column_averages_per_sample():
    y_true = rng.integers(0, 2, (N, 3)).astype("float32")
    y_pred = rng.random((N, 3)).astype("float32")
    weight = _weights()
    m = metrics.BinaryAccuracy()
    m.update_state(y_true, y_pred, sample_weight=weight)
    per_sample = (y_true == (y_pred > 0.5)).mean(1)
    np.testing.assert_allclose(float(m.result()), np.sum(per_sample * weight) / weight.sum(),
                               rtol=1e-6)


def test_categorical_accuracy():
    def batch():
        y_true = np.eye(C, dtype="float32")[rng.integers(0, C, N)]
        return y_true, rng.random((N, C)).astype("float32")

    batches = [(*batch(), _weights()), (*batch(), None), (*batch(), _weights())]
    _run(metrics.CategoricalAccuracy(), batches,
         lambda t, p: (t.argmax(-1) == p.argmax(-1)).astype(float))


def test_sparse_categorical_accuracy_label_shapes_and_dtypes():
    batches = [(rng.integers(0, C, N), rng.random((N, C)), _weights()),
               (rng.integers(0, C, (N, 1)), rng.random((N, C)), _weights()),
               (rng.integers(0, C, N).astype("float32"), rng.random((N, C)), None)]
    _run(metrics.SparseCategoricalAccuracy(), batches,
         lambda t, p: (np.reshape(t, -1) == p.argmax(-1)).astype(float))


@pytest.mark.parametrize("k", [1, 3])
def test_top_k_categorical_accuracy(k):
    def batch():
        y_true = np.eye(C, dtype="float32")[rng.integers(0, C, N)]
        return y_true, rng.random((N, C)).astype("float32"), _weights()

    _run(metrics.TopKCategoricalAccuracy(k=k), [batch(), batch()],
         lambda t, p: _top_k_hits(t.argmax(-1), p, k))


@pytest.mark.parametrize("k", [1, 2])
def test_sparse_top_k_categorical_accuracy(k):
    batches = [(rng.integers(0, C, N), rng.random((N, C)).astype("float32"), _weights()),
               (rng.integers(0, C, (N, 1)), rng.random((N, C)).astype("float32"), None)]
    _run(metrics.SparseTopKCategoricalAccuracy(k=k), batches,
         lambda t, p: _top_k_hits(np.reshape(t, -1), p, k))


def test_sparse_top_k_from_sorted_ids():
    labels = rng.integers(0, C, N)
    sorted_ids = np.argsort(-rng.random((N, C)), axis=-1).astype("int32")
    m = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    m.update_state(labels, sorted_ids)
    expected = np.mean([labels[i] in sorted_ids[i, :2] for i in range(N)])
    np.testing.assert_allclose(float(m.result()), expected, rtol=1e-6)
    assert m.get_config()["from_sorted_ids"] is True


def test_top_k_on_rank_3_predictions_keeps_label_shape():
    labels = rng.integers(0, C, (2, N))
    scores = rng.random((2, N, C)).astype("float32")
    out = metrics.sparse_top_k_categorical_accuracy(labels, scores, k=2)
    assert out.shape == (2, N)
    expected = _top_k_hits(labels.reshape(-1), scores.reshape(-1, C), 2).reshape(2, N)
    np.testing.assert_array_equal(out.numpy(), expected)


def test_functional_forms_return_per_sample_float32():
    y_true = rng.integers(0, C, N)
    y_pred = rng.random((N, C)).astype("float32")
    one_hot = np.eye(C, dtype="float32")[y_true]
    for fn, args in [(metrics.sparse_categorical_accuracy, (y_true, y_pred)),
                     (metrics.categorical_accuracy, (one_hot, y_pred)),
                     (metrics.top_k_categorical_accuracy, (one_hot, y_pred)),
                     (metrics.binary_accuracy, (one_hot, y_pred))]:
        out = fn(*args)
        assert out.dtype == "float32"
        assert out.shape == ((N,) if fn is not metrics.binary_accuracy else (N, C))


@pytest.mark.parametrize("cls, extra", [
    (metrics.Accuracy, {}), (metrics.BinaryAccuracy, {"threshold": 0.5}),
    (metrics.CategoricalAccuracy, {}), (metrics.SparseCategoricalAccuracy, {}),
    (metrics.TopKCategoricalAccuracy, {"k": 5}), (metrics.SparseTopKCategoricalAccuracy,
                                                  {"k": 5}),
])
def test_configs_match_keras_keys_and_round_trip(cls, extra):
    m = cls()
    config = m.get_config()
    assert config == {"name": m.name, "dtype": "float32", **extra}
    assert cls.from_config(config).get_config() == config
    assert m._direction == "up"
