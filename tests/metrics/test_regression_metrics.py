"""Regression, probabilistic, hinge and correlation metrics against NumPy formulas."""

import warnings

import numpy as np
import pytest
from metrics_reference import RunningMean

from keras_like import metrics, ops

rng = np.random.default_rng(3)
N, D = 10, 4
EPS = 1e-7


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _clip(p):
    return np.clip(p, EPS, 1 - EPS)


def _bce(t, p):
    p = _clip(p)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(-1)


def _hinge_labels(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def _cosine(t, p):
    def unit(x):
        return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), EPS)

    return np.sum(unit(t) * unit(p), -1)


def _pearson(t, p):
    tc, pc = t - t.mean(-1, keepdims=True), p - p.mean(-1, keepdims=True)
    return np.mean(tc / tc.std(-1, keepdims=True) * pc / pc.std(-1, keepdims=True), -1)


def _concordance(t, p):
    tm, pm = t.mean(-1, keepdims=True), p.mean(-1, keepdims=True)
    norm = t.var(-1, keepdims=True) + p.var(-1, keepdims=True) + (tm - pm) ** 2
    return np.mean(2 * (t - pm) * (p - pm) / (norm + EPS), -1)


def _real():
    return rng.normal(size=(N, D))


def _positive():
    return rng.random((N, D)) + 0.1


def _prob():
    return _softmax(rng.normal(size=(N, D)))


def _binary():
    return rng.integers(0, 2, (N, D)).astype(np.float64)


def _one_hot():
    return np.eye(D)[rng.integers(0, D, N)]


# (metric class, kwargs, y_true maker, y_pred maker, per-sample NumPy formula)
CASES = [
    (metrics.MeanSquaredError, {}, _real, _real, lambda t, p: ((t - p) ** 2).mean(-1)),
    (metrics.MeanAbsoluteError, {}, _real, _real, lambda t, p: np.abs(t - p).mean(-1)),
    (metrics.MeanAbsolutePercentageError, {}, _positive, _real,
     lambda t, p: 100 * np.abs((t - p) / np.maximum(np.abs(t), EPS)).mean(-1)),
    (metrics.MeanSquaredLogarithmicError, {}, _positive, _positive,
     lambda t, p: ((np.log1p(p) - np.log1p(t)) ** 2).mean(-1)),
    (metrics.LogCoshError, {}, _real, _real, lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
    (metrics.CosineSimilarity, {}, _real, _real, _cosine),
    (metrics.KLDivergence, {}, _prob, _prob,
     lambda t, p: np.sum(_clip(t) * np.log(_clip(t) / _clip(p)), -1)),
    (metrics.Poisson, {}, _positive, _positive, lambda t, p: (p - t * np.log(p + EPS)).mean(-1)),
    (metrics.BinaryCrossentropy, {}, _binary, lambda: rng.random((N, D)), _bce),
    (metrics.BinaryCrossentropy, {"from_logits": True, "label_smoothing": 0.2}, _binary, _real,
     lambda t, p: _bce(t * 0.8 + 0.1, 1 / (1 + np.exp(-p)))),
    (metrics.CategoricalCrossentropy, {}, _one_hot, _prob,
     lambda t, p: -np.sum(t * np.log(_clip(p)), -1)),
    (metrics.CategoricalCrossentropy, {"from_logits": True, "label_smoothing": 0.1}, _one_hot,
     _real, lambda t, p: -np.sum((t * 0.9 + 0.1 / D) * np.log(_softmax(p)), -1)),
    (metrics.Hinge, {}, _binary, _real,
     lambda t, p: np.maximum(1 - _hinge_labels(t) * p, 0).mean(-1)),
    (metrics.SquaredHinge, {}, lambda: rng.choice([-1.0, 1.0], (N, D)), _real,
     lambda t, p: (np.maximum(1 - t * p, 0) ** 2).mean(-1)),
    (metrics.CategoricalHinge, {}, _one_hot, _real,
     lambda t, p: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0)),
    (metrics.PearsonCorrelation, {}, _real, _real, _pearson),
    (metrics.ConcordanceCorrelation, {}, _real, _real, _concordance),
]


@pytest.mark.parametrize("cls, kwargs, make_true, make_pred, np_fn", CASES,
                         ids=[f"{c[0].__name__}{'+' if c[1] else ''}" for c in CASES])
def test_mean_metrics_against_numpy(cls, kwargs, make_true, make_pred, np_fn):
    m = cls(**kwargs)
    ref = RunningMean()
    for weighted in (True, False, True):
        y_true = make_true().astype("float32")
        y_pred = make_pred().astype("float32")
        weight = rng.random(N).astype("float32") if weighted else None
        m.update_state(y_true, y_pred, sample_weight=weight)
        ref.update(np_fn(y_true.astype(np.float64), y_pred.astype(np.float64)), weight)
    np.testing.assert_allclose(float(m.result()), ref.result(), rtol=2e-5, atol=1e-6)
    assert m.result().dtype == "float32" and m.result().shape == ()
    m.reset_state()
    assert float(m.result()) == 0.0
    config = m.get_config()
    assert cls.from_config(config).get_config() == config


def test_sparse_categorical_crossentropy_with_ignore_class():
    labels = rng.integers(0, D, N)
    probs = _prob().astype("float32")
    weight = rng.random(N).astype("float32")
    per_sample = -np.log(_clip(probs[np.arange(N), labels]))
    m = metrics.SparseCategoricalCrossentropy()
    m.update_state(labels, probs, sample_weight=weight)
    np.testing.assert_allclose(float(m.result()), np.sum(per_sample * weight) / weight.sum(),
                               rtol=1e-5)
    # Weighted: ignored samples leave the mean entirely (the loss's mask joins the weight).
    m = metrics.SparseCategoricalCrossentropy(ignore_class=1)
    m.update_state(labels, probs, sample_weight=weight)
    keep = (labels != 1) * weight
    np.testing.assert_allclose(float(m.result()), np.sum(per_sample * keep) / keep.sum(),
                               rtol=1e-5)
    assert m.get_config() == {"name": m.name, "dtype": "float32", "from_logits": False,
                              "ignore_class": 1, "axis": -1}


def test_root_mean_squared_error():
    m, ref = metrics.RootMeanSquaredError(), RunningMean()
    for weight in (rng.random(N).astype("float32"), None):
        y_true, y_pred = _real().astype("float32"), _real().astype("float32")
        m.update_state(y_true, y_pred, sample_weight=weight)
        ref.update(((y_true - y_pred) ** 2).mean(-1), weight)
    np.testing.assert_allclose(float(m.result()), np.sqrt(ref.result()), rtol=1e-5)


def _r2_reference(y_true, y_pred, w, aggregation, num_regressors):
    w = w[:, None]
    mean = (w * y_true).sum(0) / w.sum()
    ss_tot = (w * (y_true - mean) ** 2).sum(0)
    ss_res = (w * (y_true - y_pred) ** 2).sum(0)
    scores = 1 - ss_res / ss_tot
    if aggregation == "uniform_average":
        score = scores.mean()
    elif aggregation == "variance_weighted_average":
        score = np.sum(ss_tot * scores) / ss_tot.sum()
    else:
        score = scores
    if num_regressors:
        n = y_true.size
        score = 1 - (1 - score) * (n - 1) / (n - num_regressors - 1)
    return score


@pytest.mark.parametrize("aggregation, num_regressors", [
    ("uniform_average", 0), ("variance_weighted_average", 0), (None, 0),
    ("uniform_average", 3)])
def test_r2_score_over_batches(aggregation, num_regressors):
    m = metrics.R2Score(class_aggregation=aggregation, num_regressors=num_regressors)
    ys, ps, ws = [], [], []
    for _ in range(3):
        y_true = _real().astype("float32")
        y_pred = (y_true + 0.5 * _real()).astype("float32")
        w = rng.random(N).astype("float32")
        m.update_state(y_true, y_pred, sample_weight=w)
        ys.append(y_true), ps.append(y_pred), ws.append(w)
    expected = _r2_reference(np.concatenate(ys).astype(np.float64), np.concatenate(ps),
                             np.concatenate(ws), aggregation, num_regressors)
    np.testing.assert_allclose(m.result().numpy(), expected, rtol=1e-4)
    assert [v.name for v in m.variables] == ["num_samples", "squared_sum", "sum", "residual",
                                             "count"]
    m.reset_state()
    assert float(m.variables[1].numpy().sum()) == 0.0


def test_r2_score_errors_and_fallback():
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="median")
    with pytest.raises(ValueError, match="num_regressors"):
        metrics.R2Score(num_regressors=-1)
    with pytest.raises(ValueError, match="R2Score expects 2D inputs"):
        metrics.R2Score().update_state(np.ones((2, 2, 2)), np.ones((2, 2, 2)))
    m = metrics.R2Score(num_regressors=10)
    m.update_state(np.array([[1.0], [2.0], [4.0]]), np.array([[1.0], [2.5], [3.0]]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = float(m.result())
    assert any("More independent predictors" in str(w.message) for w in caught)
    plain = 1 - (0.25 + 1.0) / np.sum((np.array([1, 2, 4]) - 7 / 3) ** 2)
    np.testing.assert_allclose(value, plain, rtol=1e-5)
    assert m.get_config() == {"name": "r2_score", "dtype": "float32",
                              "class_aggregation": "uniform_average", "num_regressors": 10}


def test_loss_functions_exported_as_metric_functions():
    y_true, y_pred = _real().astype("float32"), _real().astype("float32")
    out = metrics.mean_squared_error(y_true, y_pred)
    np.testing.assert_allclose(out.numpy(), ((y_true - y_pred) ** 2).mean(-1), rtol=1e-5)
    err = np.abs(y_pred - y_true)
    expected = np.where(err <= 1.0, 0.5 * err**2, err - 0.5).mean(-1)
    np.testing.assert_allclose(metrics.huber(y_true, y_pred).numpy(), expected, rtol=1e-5)
    assert ops.convert_to_tensor(metrics.poisson(_positive(), _positive())).shape == (N,)
