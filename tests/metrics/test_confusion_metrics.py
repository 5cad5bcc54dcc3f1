"""TP/FP/TN/FN, Precision, Recall and the *At* metrics against NumPy counts."""

import numpy as np
import pytest
from metrics_reference import confusion_counts, safe_div

from keras_like import metrics

rng = np.random.default_rng(11)
N, C = 16, 4


def _batches(shape=(N, C), weighted=(True, False)):
    out = []
    for w in weighted:
        y_true = rng.integers(0, 2, shape).astype("float32")
        y_pred = rng.random(shape).astype("float32")
        weight = rng.random(shape[0]).astype("float32") if w else None
        out.append((y_true, y_pred, weight))
    return out


def _np_counts(batches, thresholds, transform=lambda t, p: (t, p)):
    total = 0
    for y_true, y_pred, weight in batches:
        t, p = transform(y_true, y_pred)
        w = None if weight is None else np.broadcast_to(
            weight.reshape((-1,) + (1,) * (t.ndim - 1)), t.shape)
        total = total + confusion_counts(t, p, thresholds, w)
    return total


@pytest.mark.parametrize("thresholds", [None, 0.3, [0.1, 0.5, 0.8], [0.0, 0.25, 0.5, 0.75, 1.0]])
@pytest.mark.parametrize("index, cls", [(0, metrics.TruePositives), (1, metrics.FalsePositives),
                                        (2, metrics.TrueNegatives),
                                        (3, metrics.FalseNegatives)])
def test_condition_counts(index, cls, thresholds):
    m = cls(thresholds=thresholds)
    batches = _batches()
    # Predictions on the evenly spaced thresholds themselves exercise the bucketed path.
    batches[1] = (batches[1][0], np.round(batches[1][1] * 4) / 4, None)
    for y_true, y_pred, weight in batches:
        m.update_state(y_true, y_pred, sample_weight=weight)
    thr = [0.5] if thresholds is None else np.atleast_1d(thresholds).tolist()
    expected = _np_counts(batches, thr)[index]
    np.testing.assert_allclose(np.atleast_1d(m.result().numpy()), expected, rtol=1e-5)
    assert m.result().shape == (() if len(thr) == 1 else (len(thr),))
    config = m.get_config()
    assert config == {"name": m.name, "dtype": "float32", "thresholds": thresholds}
    assert cls.from_config(config).get_config() == config
    m.reset_state()
    assert np.all(m.result().numpy() == 0)


def test_thresholds_outside_unit_interval_raise():
    with pytest.raises(ValueError, match=r"Threshold values must be in \[0, 1\]"):
        metrics.TruePositives(thresholds=[0.5, 1.5])


@pytest.mark.parametrize("kwargs", [{}, {"thresholds": [0.2, 0.6]}, {"class_id": 2},
                                    {"top_k": 2}, {"top_k": 1, "class_id": 1}])
@pytest.mark.parametrize("cls", [metrics.Precision, metrics.Recall])
def test_precision_recall(cls, kwargs):
    m = cls(**kwargs)
    batches = _batches()
    for y_true, y_pred, weight in batches:
        m.update_state(y_true, y_pred, sample_weight=weight)
    top_k, class_id = kwargs.get("top_k"), kwargs.get("class_id")
    thresholds = kwargs.get("thresholds", [0.5])

    def transform(t, p):
        if top_k is not None:  # only the top-k scores of a row can be positive
            kth = -np.sort(-p, axis=-1)[:, top_k - 1:top_k]
            p = np.where(p >= kth, 1.0, 0.0)
        if class_id is not None:
            t, p = t[:, class_id], p[:, class_id]
        return t, p

    tp, fp, _, fn = _np_counts(batches, [0.5] if top_k else thresholds, transform)
    expected = safe_div(tp, tp + (fp if cls is metrics.Precision else fn))
    np.testing.assert_allclose(np.atleast_1d(m.result().numpy()), expected, rtol=1e-5)
    config = m.get_config()
    assert config == {"name": m.name, "dtype": "float32",
                      "thresholds": kwargs.get("thresholds"), "top_k": top_k,
                      "class_id": class_id}
    m.reset_state()
    assert np.all(m.result().numpy() == 0)


def test_precision_of_nothing_predicted_is_zero():
    m = metrics.Precision()
    m.update_state([1, 1, 0], [0.1, 0.2, 0.3])
    assert float(m.result()) == 0.0


def test_class_id_needs_2d_predictions():
    with pytest.raises(ValueError, match="When class_id is provided, y_pred must be a 2D"):
        metrics.Precision(class_id=1).update_state([1, 0], [0.4, 0.6])


def _rates(counts):
    tp, fp, tn, fn = counts
    return {"sens": safe_div(tp, tp + fn), "spec": safe_div(tn, tn + fp),
            "prec": safe_div(tp, tp + fp)}


@pytest.mark.parametrize("cls, value, constrained, dependent", [
    (metrics.SensitivityAtSpecificity, 0.6, "spec", "sens"),
    (metrics.SpecificityAtSensitivity, 0.7, "sens", "spec"),
    (metrics.PrecisionAtRecall, 0.5, "sens", "prec"),
    (metrics.RecallAtPrecision, 0.55, "prec", "sens"),
])
@pytest.mark.parametrize("num_thresholds", [1, 9, 200])
def test_rate_at_rate_metrics(cls, value, constrained, dependent, num_thresholds):
    m = cls(value, num_thresholds=num_thresholds)
    batches = _batches(shape=(N, 1), weighted=(True, False, True))
    for y_true, y_pred, weight in batches:
        m.update_state(y_true, y_pred, sample_weight=weight)
    thresholds = [0.5] if num_thresholds == 1 else np.linspace(0, 1, num_thresholds)
    rates = _rates(_np_counts(batches, thresholds))
    feasible = rates[constrained] >= value
    expected = max(0.0, np.max(np.where(feasible, rates[dependent], 0.0)))
    np.testing.assert_allclose(float(m.result()), expected, rtol=1e-5)
    arg = {metrics.SensitivityAtSpecificity: "specificity",
           metrics.SpecificityAtSensitivity: "sensitivity",
           metrics.PrecisionAtRecall: "recall", metrics.RecallAtPrecision: "precision"}[cls]
    assert m.get_config() == {"name": m.name, "dtype": "float32", "class_id": None,
                              "num_thresholds": num_thresholds, arg: value}
    assert cls.from_config(m.get_config()).get_config() == m.get_config()


def test_rate_at_rate_validation():
    with pytest.raises(ValueError, match=r"`specificity` must be in the range \[0, 1\]"):
        metrics.SensitivityAtSpecificity(1.5)
    with pytest.raises(ValueError, match="`num_thresholds` must be an integer > 0"):
        metrics.PrecisionAtRecall(0.5, num_thresholds=0)


@pytest.mark.parametrize("make", [lambda: metrics.Precision(dtype="float64"),
                                  lambda: metrics.TruePositives(dtype="float64"),
                                  lambda: metrics.AUC(dtype="float64")])
def test_float64_state_and_result(make):
    m = make()
    y_true, y_pred, weight = _batches(shape=(N, 1), weighted=(True,))[0]
    m.update_state(y_true, y_pred, sample_weight=weight)
    assert all(v.dtype == "float64" for v in m.variables)
    assert m.result().dtype == "float64"
