"""AUC against an exact Mann-Whitney statistic and NumPy Riemann sums of the curves."""

import numpy as np
import pytest
from metrics_reference import confusion_counts, safe_div

from keras_like import metrics

rng = np.random.default_rng(5)
EPS = 1e-7


def _mann_whitney(labels, scores, weights):
    """Weighted probability that a positive outscores a negative (ties count half)."""
    pos, neg = labels == 1, labels == 0
    s_p, s_n = scores[pos][:, None], scores[neg][None, :]
    w = weights[pos][:, None] * weights[neg][None, :]
    return np.sum(w * ((s_p > s_n) + 0.5 * (s_p == s_n))) / np.sum(w)


def _grid_batch(n, levels=16):
    # Scores (k + 1/2)/16 fall one per cell between the thresholds j/16 of AUC(17): every
    # distinct score is separated, so the thresholded ROC curve is the exact one.
    labels = rng.integers(0, 2, n).astype("float32")
    scores = ((rng.integers(0, levels, n) + 0.5) / levels).astype("float32")
    return labels, scores, rng.random(n).astype("float32")


def test_roc_auc_is_exact_mann_whitney_on_grid_scores():
    m = metrics.AUC(num_thresholds=17)
    batches = [_grid_batch(20), _grid_batch(15)]
    for labels, scores, weights in batches:
        m.update_state(labels, scores, sample_weight=weights)
    labels, scores, weights = (np.concatenate(x) for x in zip(*batches))
    np.testing.assert_allclose(float(m.result()), _mann_whitney(labels, scores, weights),
                               rtol=1e-5)
    m.reset_state()
    assert float(m.result()) == 0.0


def _reference_auc(counts, curve, summation):
    tp, fp, tn, fn = counts
    if curve == "PR" and summation == "interpolation":
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = safe_div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = np.where((p[:-1] > 0) & (p[1:] > 0), safe_div(p[:-1], np.maximum(p[1:], 0)), 1)
        return np.sum(safe_div(slope * (dtp + intercept * np.log(ratio)),
                               np.maximum(tp[1:] + fn[1:], 0)), axis=0)
    recall = safe_div(tp, tp + fn)
    if curve == "ROC":
        x, y = safe_div(fp, fp + tn), recall
    else:
        x, y = recall, safe_div(tp, tp + fp)
    heights = {"interpolation": (y[:-1] + y[1:]) / 2, "minoring": np.minimum(y[:-1], y[1:]),
               "majoring": np.maximum(y[:-1], y[1:])}[summation]
    return np.sum((x[:-1] - x[1:]) * heights, axis=0)


def _auc_thresholds(num_thresholds=None, thresholds=None):
    if thresholds is None:
        thresholds = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [-EPS] + sorted(thresholds) + [1 + EPS]


@pytest.mark.parametrize("curve, summation", [
    ("ROC", "interpolation"), ("ROC", "minoring"), ("ROC", "majoring"),
    ("PR", "interpolation"), ("PR", "minoring"), ("PR", "majoring")])
@pytest.mark.parametrize("kwargs", [{"num_thresholds": 50}, {"thresholds": [0.7, 0.1, 0.45]}])
def test_auc_curves_against_numpy(curve, summation, kwargs):
    m = metrics.AUC(curve=curve, summation_method=summation, **kwargs)
    counts = 0
    for weighted in (True, False):
        y_true = rng.integers(0, 2, (24, 3)).astype("float32")
        y_pred = rng.random((24, 3)).astype("float32")
        weight = rng.random(24).astype("float32") if weighted else None
        m.update_state(y_true, y_pred, sample_weight=weight)
        w = None if weight is None else np.broadcast_to(weight[:, None], y_pred.shape)
        counts = counts + confusion_counts(y_true, y_pred, _auc_thresholds(**kwargs), w)
    np.testing.assert_allclose(float(m.result()), _reference_auc(counts, curve, summation),
                               rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("kwargs", [{"num_thresholds": 33}, {"thresholds": [0.2, 0.5, 0.9]}])
def test_multi_label_auc_averages_per_label_with_label_weights(kwargs):
    label_weights = np.array([1.0, 3.0, 0.5], "float32")
    m = metrics.AUC(multi_label=True, label_weights=label_weights, **kwargs)
    plain = metrics.AUC(multi_label=True, num_labels=3, **kwargs)
    y_true = rng.integers(0, 2, (40, 3)).astype("float32")
    y_pred = rng.random((40, 3)).astype("float32")
    weight = rng.random(40).astype("float32")
    m.update_state(y_true, y_pred, sample_weight=weight)
    plain.update_state(y_true, y_pred, sample_weight=weight)
    thresholds = _auc_thresholds(**kwargs)
    assert m.true_positives.shape == (len(thresholds), 3)
    per_label = np.array([
        _reference_auc(confusion_counts(y_true[:, j], y_pred[:, j], thresholds, weight),
                       "ROC", "interpolation") for j in range(3)])
    np.testing.assert_allclose(float(m.result()),
                               np.sum(per_label * label_weights) / label_weights.sum(),
                               rtol=1e-5)
    np.testing.assert_allclose(float(plain.result()), per_label.mean(), rtol=1e-5)


def test_label_weights_weight_flattened_counts():
    label_weights = np.array([2.0, 0.0, 1.0], "float32")
    m = metrics.AUC(num_thresholds=20, label_weights=label_weights)
    y_true = rng.integers(0, 2, (30, 3)).astype("float32")
    y_pred = rng.random((30, 3)).astype("float32")
    m.update_state(y_true, y_pred)
    w = np.broadcast_to(label_weights, y_pred.shape)
    expected = _reference_auc(confusion_counts(y_true, y_pred, _auc_thresholds(20), w), "ROC",
                              "interpolation")
    np.testing.assert_allclose(float(m.result()), expected, rtol=1e-5)


def test_from_logits_applies_sigmoid():
    labels, scores, _ = _grid_batch(30)
    logits = np.log(np.clip(scores, 1e-3, 1 - 1e-3) / (1 - np.clip(scores, 1e-3, 1 - 1e-3)))
    a, b = metrics.AUC(from_logits=True), metrics.AUC()
    a.update_state(labels, logits.astype("float32"))
    b.update_state(labels, 1 / (1 + np.exp(-logits.astype("float32"))))
    np.testing.assert_allclose(float(a.result()), float(b.result()), rtol=1e-6)


def test_auc_config_matches_keras_keys_and_round_trips():
    m = metrics.AUC()
    assert m.get_config() == {
        "name": m.name, "dtype": "float32", "num_thresholds": 200, "curve": "ROC",
        "summation_method": "interpolation", "multi_label": False, "num_labels": None,
        "label_weights": None, "from_logits": False}
    m = metrics.AUC(thresholds=[0.8, 0.2], curve="pr", label_weights=[1.0, 2.0],
                    from_logits=True)
    config = m.get_config()
    assert config["num_thresholds"] == 4 and config["thresholds"] == [0.2, 0.8]
    assert config["curve"] == "PR" and config["label_weights"] == [1.0, 2.0]
    clone = metrics.AUC.from_config(config)
    assert clone.get_config() == config
    assert [round(t, 7) for t in clone.thresholds] == [-EPS, 0.2, 0.8, 1 + EPS]


def test_auc_validation():
    with pytest.raises(ValueError, match="`num_thresholds` must be an integer > 1"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match='Invalid AUC curve value: "XY"'):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="Invalid AUC summation method"):
        metrics.AUC(summation_method="mean")
    with pytest.raises(ValueError, match="`num_labels` is needed only when `multi_label`"):
        metrics.AUC(num_labels=3)
    with pytest.raises(ValueError, match="`y_pred` must have rank 2 when `multi_label=True`"):
        metrics.AUC(multi_label=True).update_state(np.ones(3), np.ones(3))
