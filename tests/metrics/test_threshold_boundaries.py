"""Confusion metrics with predictions exactly at a threshold.

Keras counts a prediction as positive when it is strictly greater than the threshold, both
compared in the metric's dtype (keras/src/metrics/metrics_utils.py casts the thresholds to the
variables' dtype and uses `>`; evenly spaced thresholds go through buckets
`ceil(p * (T - 1)) - 1`, which give the same answer). A prediction equal to a threshold is
therefore negative at it, and its next float32 neighbour upwards is positive.
"""

import numpy as np
import pytest

from keras_like import metrics


def _float32_counts(y_true, y_pred, thresholds):
    """(tp, fp, tn, fn) per threshold, comparing float32 predictions with float32 thresholds."""
    y_true = np.asarray(y_true).reshape(-1) != 0
    y_pred = np.asarray(y_pred, np.float32).reshape(-1)
    rows = []
    for t in np.asarray(thresholds, np.float32):
        pos = y_pred > t
        rows.append([np.sum(pos & y_true), np.sum(pos & ~y_true), np.sum(~pos & ~y_true),
                     np.sum(~pos & y_true)])
    return np.array(rows, np.float64).T


def _at_and_around(thresholds):
    """Each threshold in float32, with its float32 neighbours below and above (inside [0, 1]).

    Above 0 the neighbour is the smallest normal float32: kernels run with denormals flushed
    to zero (as TensorFlow's and XLA's CPU kernels do), so a subnormal compares equal to 0.
    """
    tiny = np.finfo(np.float32).tiny
    values = []
    for t in np.asarray(thresholds, np.float32):
        below, above = np.nextafter(t, np.float32(-1)), np.nextafter(t, np.float32(2))
        values += [below if below >= tiny else np.float32(0), t, max(above, tiny)]
    return np.clip(np.array(values, np.float32), 0, 1)


def _labels(n):
    return (np.arange(n) % 2).astype("float32")


CONDITIONS = [(metrics.TruePositives, 0), (metrics.FalsePositives, 1),
              (metrics.TrueNegatives, 2), (metrics.FalseNegatives, 3)]
THRESHOLDS = [None, 0.3, 0.7, 0.0, 1.0, [0.3, 0.5, 0.9],
              [0.0, 0.25, 0.5, 0.75, 1.0],       # evenly spaced: the bucketed path
              [0.0, 1 / 3, 2 / 3, 1.0]]           # evenly spaced, not exact in binary


@pytest.mark.parametrize("thresholds", THRESHOLDS, ids=str)
@pytest.mark.parametrize("cls,row", CONDITIONS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_condition_counts_at_the_threshold(cls, row, thresholds):
    ts = [0.5] if thresholds is None else np.atleast_1d(thresholds)
    y_pred = _at_and_around(ts)
    for y_true in (_labels(len(y_pred)), 1 - _labels(len(y_pred))):
        m = cls(thresholds=thresholds)
        m.update_state(y_true, y_pred)
        expected = _float32_counts(y_true, y_pred, ts)[row]
        np.testing.assert_array_equal(np.atleast_1d(m.result().numpy()), expected)


@pytest.mark.parametrize("thresholds", THRESHOLDS, ids=str)
def test_precision_and_recall_at_the_threshold(thresholds):
    ts = [0.5] if thresholds is None else np.atleast_1d(thresholds)
    y_pred = _at_and_around(ts)
    y_true = _labels(len(y_pred))
    tp, fp, _, fn = _float32_counts(y_true, y_pred, ts)
    precision, recall = metrics.Precision(thresholds), metrics.Recall(thresholds)
    precision.update_state(y_true, y_pred)
    recall.update_state(y_true, y_pred)
    with np.errstate(invalid="ignore", divide="ignore"):
        want_p = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        want_r = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
    np.testing.assert_allclose(np.atleast_1d(precision.result().numpy()), want_p, rtol=1e-6)
    np.testing.assert_allclose(np.atleast_1d(recall.result().numpy()), want_r, rtol=1e-6)


def test_prediction_equal_to_the_default_threshold_is_negative():
    tp, fp = metrics.TruePositives(), metrics.FalsePositives()
    tp.update_state([1, 1, 0], [0.5, np.nextafter(np.float32(0.5), np.float32(1)), 0.5])
    fp.update_state([1, 1, 0], [0.5, np.nextafter(np.float32(0.5), np.float32(1)), 0.5])
    assert float(tp.result()) == 1.0 and float(fp.result()) == 0.0
    recall = metrics.Recall(thresholds=0.3)
    recall.update_state([1, 1], np.array([0.3, 0.31], "float32"))
    assert float(recall.result()) == 0.5


def test_binary_accuracy_at_the_threshold():
    y_pred = np.array([0.5, np.nextafter(np.float32(0.5), np.float32(1)), 0.2, 0.2], "float32")
    m = metrics.BinaryAccuracy()
    m.update_state([0, 1, 0, 1], y_pred)  # 0.5 is class 0 (not > 0.5): right, right, right, wrong
    assert float(m.result()) == 0.75
    # Keras casts the threshold to the predictions' dtype: float32(0.2) is not above 0.2
    # (in float64 it would be: 0.2f = 0.20000000298).
    m = metrics.BinaryAccuracy(threshold=0.2)
    m.update_state([0, 0], np.array([0.2, 0.2], "float32"))
    assert float(m.result()) == 1.0


def test_auc_counts_the_end_points():
    # AUC's thresholds are [-eps, ..., 1 + eps]: p = 0 is above the first, p = 1 below the last.
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 1, 0, 1], [0.0, 1.0, 0.5, 0.5])
    tp, fp = m.true_positives.numpy(), m.false_positives.numpy()
    np.testing.assert_array_equal(tp, [2, 1, 0])  # 0.5 is not above the middle threshold 0.5
    np.testing.assert_array_equal(fp, [2, 0, 0])
