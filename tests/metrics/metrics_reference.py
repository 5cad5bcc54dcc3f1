"""NumPy references for the metric tests: Keras's weighting rules written out directly."""

import numpy as np


class RunningMean:
    """Keras's `Mean` over batches: per-sample values weighted by per-sample weights."""

    def __init__(self):
        self.total = 0.0
        self.count = 0.0

    def update(self, per_sample, weights=None):
        per_sample = np.asarray(per_sample, dtype=np.float64).reshape(-1)
        if weights is None:
            weights = np.ones_like(per_sample)
        weights = np.broadcast_to(np.asarray(weights, dtype=np.float64).reshape(-1),
                                  per_sample.shape)
        self.total += float(np.sum(per_sample * weights))
        self.count += float(np.sum(weights))

    def result(self):
        return self.total / self.count if self.count else 0.0


def confusion_counts(y_true, y_pred, thresholds, weights=None):
    """Weighted (tp, fp, tn, fn) per threshold; a prediction is positive when > threshold."""
    shape = np.shape(y_pred)
    y_true = np.asarray(y_true, dtype=np.float64).reshape(-1) != 0
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(-1)
    w = np.ones_like(y_pred) if weights is None else np.broadcast_to(
        np.asarray(weights, dtype=np.float64), shape).reshape(-1)
    out = []
    for t in thresholds:
        pos = y_pred > t
        out.append([np.sum(w[pos & y_true]), np.sum(w[pos & ~y_true]),
                    np.sum(w[~pos & ~y_true]), np.sum(w[~pos & y_true])])
    return np.array(out).T  # (4, T): tp, fp, tn, fn


def safe_div(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))
