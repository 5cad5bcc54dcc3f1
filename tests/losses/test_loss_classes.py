"""Loss classes: each reduces its function, passes its options through, and matches NumPy."""

import numpy as np
import pytest

from keras_like import losses, ops

RNG = np.random.default_rng(11)


def log_softmax(x, axis=-1):
    m = x.max(axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis, keepdims=True))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x, axis=-1):
    return np.exp(log_softmax(x, axis))


CLASS_FN = [
    (losses.MeanSquaredError, losses.mean_squared_error, {}),
    (losses.MeanAbsoluteError, losses.mean_absolute_error, {}),
    (losses.MeanAbsolutePercentageError, losses.mean_absolute_percentage_error, {}),
    (losses.MeanSquaredLogarithmicError, losses.mean_squared_logarithmic_error, {}),
    (losses.CosineSimilarity, losses.cosine_similarity, {"axis": 0}),
    (losses.Huber, losses.huber, {"delta": 0.4}),
    (losses.LogCosh, losses.log_cosh, {}),
    (losses.Hinge, losses.hinge, {}),
    (losses.SquaredHinge, losses.squared_hinge, {}),
    (losses.CategoricalHinge, losses.categorical_hinge, {}),
    (losses.KLDivergence, losses.kl_divergence, {}),
    (losses.Poisson, losses.poisson, {}),
    (losses.BinaryCrossentropy, losses.binary_crossentropy, {"label_smoothing": 0.1}),
    (losses.BinaryFocalCrossentropy, losses.binary_focal_crossentropy,
     {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0}),
    (losses.CategoricalCrossentropy, losses.categorical_crossentropy, {"label_smoothing": 0.2}),
    (losses.CategoricalFocalCrossentropy, losses.categorical_focal_crossentropy,
     {"alpha": 0.5, "gamma": 1.0}),
    (losses.Dice, losses.dice, {"axis": (1,)}),
    (losses.Tversky, losses.tversky, {"alpha": 0.2, "beta": 0.8, "axis": (1,)}),
]


@pytest.mark.parametrize("cls,fn,kwargs", CLASS_FN, ids=lambda v: getattr(v, "__name__", ""))
def test_class_is_its_function_reduced(cls, fn, kwargs):
    t = RNG.integers(0, 2, (4, 3)).astype("f8")
    p = RNG.uniform(0.1, 0.9, (4, 3))
    w = RNG.uniform(0, 1, (4,))
    per = fn(t, p, **kwargs).numpy()
    if per.shape == (3,):  # CosineSimilarity over axis 0 gives one value per column
        w = w[:3]
    got = cls(**kwargs, reduction="sum")(t, p, sample_weight=w).numpy()
    np.testing.assert_allclose(got, np.sum(per * w), rtol=1e-5)
    unreduced = cls(**kwargs, reduction=None)(t, p).numpy()
    np.testing.assert_allclose(unreduced, per, rtol=1e-5)


def test_binary_crossentropy_from_logits_equivalence():
    t = RNG.integers(0, 2, (6, 2)).astype("f8")
    logits = RNG.normal(size=(6, 2)) * 2
    a = losses.BinaryCrossentropy(from_logits=True)(t, logits).numpy()
    b = losses.BinaryCrossentropy()(t, sigmoid(logits)).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-5)
    c = losses.BinaryFocalCrossentropy(from_logits=True, gamma=2.0)(t, logits).numpy()
    d = losses.BinaryFocalCrossentropy(gamma=2.0)(t, sigmoid(logits)).numpy()
    np.testing.assert_allclose(c, d, rtol=1e-5)


def test_binary_crossentropy_labels_against_single_unit_output():
    t = RNG.integers(0, 2, (5,)).astype("f8")
    p = RNG.uniform(0.05, 0.95, (5, 1))
    want = -np.mean(t * np.log(p[:, 0]) + (1 - t) * np.log(1 - p[:, 0]))
    np.testing.assert_allclose(losses.BinaryCrossentropy()(t, p).numpy(), want, rtol=1e-5)


def test_categorical_from_logits_equivalence_and_label_smoothing():
    labels = RNG.integers(0, 5, (6,))
    t = np.eye(5)[labels]
    logits = RNG.normal(size=(6, 5))
    for smoothing in (0.0, 0.3):
        a = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing)
        b = losses.CategoricalCrossentropy(label_smoothing=smoothing)
        np.testing.assert_allclose(a(t, logits).numpy(), b(t, softmax(logits)).numpy(),
                                   rtol=1e-5)
        ts = t * (1 - smoothing) + smoothing / 5
        want = -np.sum(ts * log_softmax(logits), -1).mean()
        np.testing.assert_allclose(a(t, logits).numpy(), want, rtol=1e-5)
    sparse = losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits).numpy()
    dense = losses.CategoricalCrossentropy(from_logits=True)(t, logits).numpy()
    np.testing.assert_allclose(sparse, dense, rtol=1e-5)
    c = losses.CategoricalFocalCrossentropy(from_logits=True)(t, logits).numpy()
    d = losses.CategoricalFocalCrossentropy()(t, softmax(logits)).numpy()
    np.testing.assert_allclose(c, d, rtol=1e-5)


def test_binary_crossentropy_axis_option():
    t = RNG.integers(0, 2, (3, 4)).astype("f8")
    p = RNG.uniform(0.05, 0.95, (3, 4))
    bce = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    got = losses.BinaryCrossentropy(axis=0, reduction=None)(t, p).numpy()
    np.testing.assert_allclose(got, bce.mean(0), rtol=1e-5)


def test_categorical_generalized_cross_entropy_class():
    labels = RNG.integers(0, 3, (4,))
    p = softmax(RNG.normal(size=(4, 3)))
    want = np.mean((1 - p[np.arange(4), labels] ** 0.7) / 0.7)
    got = losses.CategoricalGeneralizedCrossEntropy(q=0.7)(labels, p).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5)
    with pytest.raises(ValueError, match=r"q must be in the interval \(0, 1\)"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.0)


def test_circle_and_ctc_classes_reduce_their_functions():
    labels = np.array([0, 1, 0, 1, 2, 2])
    emb = RNG.normal(size=(6, 3))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    per = losses.circle(labels, emb, gamma=20.0).numpy()
    got = losses.Circle(gamma=20.0)(labels, emb).numpy()
    valid = per > 0  # zero-loss samples are masked out of the mean
    np.testing.assert_allclose(got, per[valid].mean() if valid.any() else 0.0, rtol=1e-5)
    y = np.array([[1, 2, 0], [3, 0, 0]])
    logits = RNG.normal(size=(2, 4, 4))
    np.testing.assert_allclose(losses.CTC()(y, logits).numpy(),
                               losses.ctc(y, logits).numpy().mean(), rtol=1e-5)


def test_loss_function_wrapper():
    loss = losses.LossFunctionWrapper(losses.huber, reduction="sum", name="my_huber",
                                      delta=0.5)
    t = RNG.normal(size=(5,))
    p = RNG.normal(size=(5, 1))  # (batch,) vs (batch, 1): aligned before the function runs
    e = p[:, 0] - t
    want = np.sum(np.where(np.abs(e) <= 0.5, 0.5 * e**2, 0.5 * np.abs(e) - 0.125))
    np.testing.assert_allclose(loss(t, p).numpy(), want, rtol=1e-5)
    assert loss.name == "my_huber" and "delta" in repr(loss)
    assert losses.LossFunctionWrapper(losses.hinge).name.startswith("loss_function_wrapper")


def test_class_shape_error_names_the_loss():
    with pytest.raises(ValueError, match=r"`mean_squared_error`.*\(4, 3\).*\(4, 2\)"):
        losses.MeanSquaredError()(np.ones((4, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"`binary_crossentropy`.*same shape"):
        losses.BinaryCrossentropy()(np.ones((4, 3)), np.full((4, 2), 0.5))


def test_python_lists_and_integer_labels():
    got = losses.CategoricalCrossentropy()([[0, 1, 0], [0, 0, 1]],
                                           [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    want = -(np.log(0.95) + np.log(np.clip(0.1, 1e-7, 1))) / 2
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)
    lab = ops.convert_to_tensor(np.array([2, 0], dtype="int32"))
    probs = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    got = losses.SparseCategoricalCrossentropy(reduction=None)(lab, probs).numpy()
    np.testing.assert_allclose(got, -np.log([0.5, 0.6]), rtol=1e-5)
