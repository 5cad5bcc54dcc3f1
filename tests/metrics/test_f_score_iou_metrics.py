"""F-beta/F1 scores and the IoU family against NumPy."""

import numpy as np
import pytest

from keras_like import metrics

rng = np.random.default_rng(21)
N, C = 14, 4
EPS = 1e-7


def _fbeta_reference(batches, beta, threshold, average):
    tp = fp = fn = support = 0.0
    for y_true, y_pred, weight in batches:
        if threshold is None:
            pred = (y_pred >= y_pred.max(-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            pred = y_pred > threshold
        pred = pred.astype(np.float64)
        w = np.ones((len(y_true), 1)) if weight is None else weight[:, None]
        axis = None if average == "micro" else 0
        tp = tp + np.sum(pred * y_true * w, axis=axis)
        fp = fp + np.sum(pred * (1 - y_true) * w, axis=axis)
        fn = fn + np.sum((1 - pred) * y_true * w, axis=axis)
        support = support + np.sum(y_true * w, axis=axis)
    precision = tp / (tp + fp + EPS)
    recall = tp / (tp + fn + EPS)
    score = (1 + beta**2) * precision * recall / (beta**2 * precision + recall + EPS)
    if average == "weighted":
        return np.sum(score * support / (np.sum(support) + EPS))
    if average is not None:
        return np.mean(score)
    return score


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("beta, threshold", [(1.0, None), (2.0, 0.4), (0.5, 0.6)])
def test_fbeta_score(average, beta, threshold):
    m = metrics.FBetaScore(average=average, beta=beta, threshold=threshold)
    batches = []
    for weighted in (True, False):
        y_true = rng.integers(0, 2, (N, C)).astype("float32")
        y_pred = rng.random((N, C)).astype("float32")
        weight = rng.random(N).astype("float32") if weighted else None
        m.update_state(y_true, y_pred, sample_weight=weight)
        batches.append((y_true, y_pred, weight))
    expected = _fbeta_reference(batches, beta, threshold, average)
    np.testing.assert_allclose(m.result().numpy(), expected, rtol=1e-5, atol=1e-7)
    assert m.result().shape == np.shape(expected)
    config = m.get_config()
    assert config == {"name": "fbeta_score", "dtype": "float32", "average": average,
                      "beta": beta, "threshold": threshold}
    assert metrics.FBetaScore.from_config(config).get_config() == config
    m.reset_state()
    assert np.all(m.true_positives.numpy() == 0)


def test_f1_score_is_fbeta_one_with_keras_config():
    y_true = rng.integers(0, 2, (N, C)).astype("float32")
    y_pred = rng.random((N, C)).astype("float32")
    f1, fb = metrics.F1Score(average="macro", threshold=0.5), metrics.FBetaScore("macro", 1.0, 0.5)
    f1.update_state(y_true, y_pred)
    fb.update_state(y_true, y_pred)
    assert float(f1.result()) == float(fb.result())
    assert f1.get_config() == {"name": "f1_score", "dtype": "float32", "average": "macro",
                               "threshold": 0.5}
    assert metrics.F1Score.from_config(f1.get_config()).get_config() == f1.get_config()


def test_fbeta_validation():
    with pytest.raises(ValueError, match="Invalid `average` argument value"):
        metrics.FBetaScore(average="samples")
    with pytest.raises(ValueError, match="It should be a Python float"):
        metrics.FBetaScore(beta=2)
    with pytest.raises(ValueError, match="0 < threshold <= 1"):
        metrics.F1Score(threshold=1.5)
    with pytest.raises(ValueError, match="FBetaScore expects 2D inputs"):
        metrics.F1Score().update_state(np.ones(3), np.ones(3))


def _iou_reference(labels, preds, weights, num_classes, target_ids, ignore_class=None):
    cm = np.zeros((num_classes, num_classes))
    for t, p, w in zip(labels, preds, weights):
        if 0 <= t < num_classes and 0 <= p < num_classes and t != ignore_class:
            cm[t, p] += w
    tp = np.diag(cm)
    denom = cm.sum(0) + cm.sum(1) - tp
    tp, denom = tp[target_ids], denom[target_ids]
    valid = denom > 0
    iou = np.where(valid, tp / (denom + EPS), 0.0)
    return iou.sum() / (valid.sum() + EPS)


@pytest.mark.parametrize("ignore_class", [None, 0])
def test_mean_iou_and_iou_over_batches(ignore_class):
    mean_iou = metrics.MeanIoU(C, ignore_class=ignore_class)
    iou = metrics.IoU(C, target_class_ids=[1, 3], ignore_class=ignore_class)
    all_t, all_p, all_w = [], [], []
    for weighted in (True, False):
        labels = rng.integers(0, C + 1, N)  # C is out of range and must be skipped
        preds = rng.integers(0, C, N)
        weights = rng.integers(1, 4, N) if weighted else np.ones(N, int)
        for m in (mean_iou, iou):
            m.update_state(labels, preds, sample_weight=weights if weighted else None)
        all_t += list(labels)
        all_p += list(preds)
        all_w += list(weights)
    np.testing.assert_allclose(
        float(mean_iou.result()),
        _iou_reference(all_t, all_p, all_w, C, list(range(C)), ignore_class), rtol=1e-5)
    np.testing.assert_allclose(
        float(iou.result()), _iou_reference(all_t, all_p, all_w, C, [1, 3], ignore_class),
        rtol=1e-5)
    assert mean_iou.total_cm.dtype == "int32" and mean_iou.result().dtype == "float32"
    mean_iou.reset_state()
    assert np.all(mean_iou.total_cm.numpy() == 0)


def test_binary_iou_thresholds_predictions():
    labels = rng.integers(0, 2, N)
    scores = rng.random(N).astype("float32")
    m = metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    m.update_state(labels, scores)
    expected = _iou_reference(labels, (scores >= 0.3).astype(int), np.ones(N), 2, [0, 1])
    np.testing.assert_allclose(float(m.result()), expected, rtol=1e-5)
    assert m.get_config() == {"target_class_ids": [0, 1], "threshold": 0.3, "name": m.name,
                              "dtype": "int32"}


def test_one_hot_iou_variants_take_argmax():
    labels = rng.integers(0, C, N)
    one_hot = np.eye(C, dtype="float32")[labels]
    scores = rng.random((N, C)).astype("float32")
    preds = scores.argmax(-1)
    one_hot_iou = metrics.OneHotIoU(C, target_class_ids=[0, 2])
    one_hot_mean = metrics.OneHotMeanIoU(C)
    one_hot_iou.update_state(one_hot, scores)
    one_hot_mean.update_state(one_hot, scores)
    np.testing.assert_allclose(float(one_hot_iou.result()),
                               _iou_reference(labels, preds, np.ones(N), C, [0, 2]), rtol=1e-5)
    np.testing.assert_allclose(float(one_hot_mean.result()),
                               _iou_reference(labels, preds, np.ones(N), C, list(range(C))),
                               rtol=1e-5)


@pytest.mark.parametrize("make", [
    lambda: metrics.IoU(3, [0, 2], name="iou_a"), lambda: metrics.MeanIoU(3, name="miou"),
    lambda: metrics.BinaryIoU(name="biou"), lambda: metrics.OneHotIoU(3, [1], name="ohiou"),
    lambda: metrics.OneHotMeanIoU(3, name="ohmiou")])
def test_iou_configs_round_trip(make):
    m = make()
    config = m.get_config()
    assert type(m).from_config(config).get_config() == config


def test_iou_target_class_out_of_range():
    with pytest.raises(ValueError, match=r"Target class id 3 is out of range, which is \[0, 3\)"):
        metrics.IoU(3, target_class_ids=[0, 3])
