"""Loss functions (`keras_like.losses.mean_squared_error`, ...) against NumPy formulas, with
float64 finite-difference gradient checks for the differentiable ones."""

import itertools
import warnings

import numpy as np
import pytest
from helpers import check_op

from keras_like import losses, ops

EPS = 1e-7
RNG = np.random.default_rng(42)


def probs(shape, dtype="float64"):
    p = RNG.uniform(0.05, 1.0, shape)
    return (p / p.sum(-1, keepdims=True)).astype(dtype)


def one_hot(labels, n, dtype="float64"):
    return np.eye(n, dtype=dtype)[labels]


def log_softmax(x, axis=-1):
    m = x.max(axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis, keepdims=True))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def np_hinge_labels(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


# --- Regression ---------------------------------------------------------------------------

REGRESSION = [
    (losses.mean_squared_error, lambda t, p: np.mean((t - p) ** 2, -1)),
    (losses.mean_absolute_error, lambda t, p: np.mean(np.abs(t - p), -1)),
    (losses.mean_absolute_percentage_error,
     lambda t, p: 100 * np.mean(np.abs(t - p) / np.maximum(np.abs(t), EPS), -1)),
    (losses.mean_squared_logarithmic_error,
     lambda t, p: np.mean((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2,
                          -1)),
    (losses.cosine_similarity,
     lambda t, p: -np.sum(t / np.linalg.norm(t, axis=-1, keepdims=True)
                          * p / np.linalg.norm(p, axis=-1, keepdims=True), -1)),
    (losses.log_cosh, lambda t, p: np.mean(np.log(np.cosh(p - t)), -1)),
    (losses.huber, lambda t, p: np.mean(np.where(np.abs(p - t) <= 1.0, 0.5 * (p - t) ** 2,
                                                 np.abs(p - t) - 0.5), -1)),
]


@pytest.mark.parametrize("fn,np_fn", REGRESSION, ids=lambda f: getattr(f, "__name__", ""))
def test_regression_forward_and_gradient(fn, np_fn):
    t = RNG.uniform(0.2, 2.0, (4, 3))
    p = t + RNG.choice([-1, 1], (4, 3)) * RNG.uniform(0.1, 0.8, (4, 3))  # away from kinks
    if fn is losses.huber:
        p = t + RNG.choice([-1, 1], (4, 3)) * RNG.choice([0.5, 1.6], (4, 3))
    check_op(fn, np_fn, None, arrays=[t, p], dtype="float64", grad_args=[1])


@pytest.mark.parametrize("fn,np_fn", REGRESSION, ids=lambda f: getattr(f, "__name__", ""))
def test_regression_float32_rank3(fn, np_fn):
    t = RNG.normal(size=(2, 3, 4)).astype("float32")
    p = RNG.normal(size=(2, 3, 4)).astype("float32")
    got = fn(t, p)
    assert got.dtype == "float32" and got.shape == (2, 3)
    np.testing.assert_allclose(got.numpy(), np_fn(t.astype("f8"), p.astype("f8")), rtol=1e-4,
                               atol=1e-4)


def test_huber_delta_and_large_log_cosh():
    t = RNG.normal(size=(5, 4))
    p = RNG.normal(size=(5, 4)) * 3
    e = p - t
    want = np.mean(np.where(np.abs(e) <= 2.5, 0.5 * e**2, 2.5 * np.abs(e) - 0.5 * 2.5**2), -1)
    np.testing.assert_allclose(losses.huber(t, p, delta=2.5).numpy(), want, rtol=1e-12)
    # log(cosh(x)) ~ |x| - log 2 for large |x|; a naive cosh would overflow to inf.
    big = losses.log_cosh(np.zeros((1, 2)), np.array([[800.0, -900.0]])).numpy()
    np.testing.assert_allclose(big, [(800 + 900) / 2 - np.log(2)], rtol=1e-12)


def test_cosine_similarity_axis_and_zero_vector():
    t = RNG.normal(size=(3, 4))
    p = RNG.normal(size=(3, 4))
    want = -np.sum(t / np.linalg.norm(t, axis=0) * p / np.linalg.norm(p, axis=0), axis=0)
    np.testing.assert_allclose(losses.cosine_similarity(t, p, axis=0).numpy(), want, rtol=1e-10)
    assert losses.cosine_similarity(np.zeros((1, 3)), np.ones((1, 3))).numpy()[0] == 0


def test_rank_alignment_of_labels_and_predictions():
    t = RNG.normal(size=(6,))
    p = RNG.normal(size=(6, 1))
    # (batch,) against (batch, 1): the labels gain the trailing axis, one loss per sample.
    got = losses.mean_squared_error(t, p)
    np.testing.assert_allclose(got.numpy(), (t - p[:, 0]) ** 2, rtol=1e-12)


# --- Hinge --------------------------------------------------------------------------------


@pytest.mark.parametrize("binary", [True, False])
def test_hinge_and_squared_hinge(binary):
    t = RNG.integers(0, 2, (4, 5)).astype("f8") if binary else RNG.choice([-1.0, 1.0], (4, 5))
    p = RNG.normal(size=(4, 5))
    p = np.where(np.abs(1 - np_hinge_labels(t) * p) < 0.05, p + 0.2, p)  # away from the kink
    tt = np_hinge_labels(t)
    check_op(losses.hinge, lambda a, b: np.mean(np.maximum(1 - tt * b, 0), -1), None,
             arrays=[t, p], dtype="float64", grad_args=[1])
    check_op(losses.squared_hinge, lambda a, b: np.mean(np.maximum(1 - tt * b, 0) ** 2, -1),
             None, arrays=[t, p], dtype="float64", grad_args=[1])


def test_hinge_leaves_non_binary_labels():
    t = np.array([[0.0, 1.0, 0.5]])  # not all binary: used as given
    p = np.array([[0.3, -0.2, 2.0]])
    np.testing.assert_allclose(losses.hinge(t, p).numpy(), np.mean(np.maximum(1 - t * p, 0), -1))


def test_categorical_hinge():
    t = one_hot(RNG.integers(0, 4, 5), 4)
    p = RNG.normal(size=(5, 4))

    def ref(a, b):
        return np.maximum(np.max((1 - a) * b, -1) - np.sum(a * b, -1) + 1, 0)

    check_op(losses.categorical_hinge, ref, None, arrays=[t, p], dtype="float64", grad_args=[1])


# --- Probabilistic ------------------------------------------------------------------------


def test_kl_divergence_and_poisson():
    t, p = probs((4, 5)), probs((4, 5))

    def kld(a, b):
        a, b = np.clip(a, EPS, 1), np.clip(b, EPS, 1)
        return np.sum(a * np.log(a / b), -1)

    check_op(losses.kl_divergence, kld, None, arrays=[t, p], dtype="float64", grad_args=[1])
    t = RNG.uniform(0, 3, (4, 5))
    p = RNG.uniform(0.2, 3, (4, 5))
    check_op(losses.poisson, lambda a, b: np.mean(b - a * np.log(b + EPS), -1), None,
             arrays=[t, p], dtype="float64", grad_args=[1])


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_binary_crossentropy(smoothing):
    t = RNG.integers(0, 2, (4, 5)).astype("f8")
    p = RNG.uniform(0.05, 0.95, (4, 5))
    ts = t * (1 - smoothing) + 0.5 * smoothing

    def ref(a, b):
        return np.mean(np_bce(ts, b), -1)

    check_op(lambda a, b: losses.binary_crossentropy(a, b, label_smoothing=smoothing), ref,
             None, arrays=[t, p], dtype="float64", grad_args=[1])
    logits = RNG.normal(size=(4, 5)) * 3
    check_op(lambda a, b: losses.binary_crossentropy(a, b, from_logits=True,
                                                     label_smoothing=smoothing),
             lambda a, b: ref(a, sigmoid(b)), None, arrays=[t, logits], dtype="float64",
             grad_args=[1])


def test_binary_crossentropy_axis_and_extreme_logits():
    t = RNG.integers(0, 2, (3, 4)).astype("f8")
    p = RNG.uniform(0.05, 0.95, (3, 4))
    np.testing.assert_allclose(losses.binary_crossentropy(t, p, axis=0).numpy(),
                               np.mean(np_bce(t, p), 0), rtol=1e-10)
    # from_logits stays exact where probabilities would saturate.
    got = losses.binary_crossentropy([[1.0, 0.0]], [[-100.0, 100.0]], from_logits=True)
    np.testing.assert_allclose(got.numpy(), [100.0], rtol=1e-6)


@pytest.mark.parametrize("balance,gamma,smoothing", [(False, 2.0, 0.0), (True, 1.5, 0.1)])
def test_binary_focal_crossentropy(balance, gamma, smoothing):
    t = RNG.integers(0, 2, (4, 5)).astype("f8")
    p = RNG.uniform(0.05, 0.95, (4, 5))
    ts = t * (1 - smoothing) + 0.5 * smoothing

    def ref(a, b):
        p_t = ts * b + (1 - ts) * (1 - b)
        out = (1 - p_t) ** gamma * np_bce(ts, b)
        if balance:
            out = (ts * 0.3 + (1 - ts) * 0.7) * out
        return np.mean(out, -1)

    kwargs = dict(apply_class_balancing=balance, alpha=0.3, gamma=gamma,
                  label_smoothing=smoothing)
    check_op(lambda a, b: losses.binary_focal_crossentropy(a, b, **kwargs), ref, None,
             arrays=[t, p], dtype="float64", grad_args=[1])
    logits = RNG.normal(size=(4, 5))
    check_op(lambda a, b: losses.binary_focal_crossentropy(a, b, from_logits=True, **kwargs),
             lambda a, b: ref(a, sigmoid(b)), None, arrays=[t, logits], dtype="float64",
             grad_args=[1])


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_categorical_crossentropy(smoothing):
    t = one_hot(RNG.integers(0, 4, 5), 4)
    p = probs((5, 4))
    ts = t * (1 - smoothing) + smoothing / 4
    check_op(lambda a, b: losses.categorical_crossentropy(a, b, label_smoothing=smoothing),
             lambda a, b: -np.sum(ts * np.log(b / b.sum(-1, keepdims=True)), -1), None,
             arrays=[t, p], dtype="float64", grad_args=[1])
    logits = RNG.normal(size=(5, 4)) * 2
    check_op(lambda a, b: losses.categorical_crossentropy(a, b, from_logits=True,
                                                          label_smoothing=smoothing),
             lambda a, b: -np.sum(ts * log_softmax(b), -1), None, arrays=[t, logits],
             dtype="float64", grad_args=[1])


def test_categorical_crossentropy_axis_and_renormalisation():
    t = one_hot(RNG.integers(0, 3, 4), 3).T  # classes on axis 0
    p = RNG.uniform(0.1, 1.0, (3, 4))  # unnormalised: divided by its sum first
    want = -np.sum(t * np.log(p / p.sum(0, keepdims=True)), 0)
    np.testing.assert_allclose(losses.categorical_crossentropy(t, p, axis=0).numpy(), want,
                               rtol=1e-10)
    with pytest.raises(ValueError, match="`axis` must be of type `int`"):
        losses.categorical_crossentropy(t, p, axis=True)


def test_categorical_crossentropy_single_class_warns():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        losses.categorical_crossentropy([[1.0]], [[0.7]])
    assert any("binary_crossentropy" in str(w.message) for w in caught)


@pytest.mark.parametrize("alpha,from_logits", [(0.25, False), ([0.1, 0.2, 0.3, 0.4], True)])
def test_categorical_focal_crossentropy(alpha, from_logits):
    t = one_hot(RNG.integers(0, 4, 5), 4)
    raw = RNG.normal(size=(5, 4)) if from_logits else probs((5, 4))

    def ref(a, b):
        q = np.exp(log_softmax(b)) if from_logits else b
        q = np.clip(q / q.sum(-1, keepdims=True), EPS, 1 - EPS)
        return np.sum(np.asarray(alpha) * (1 - q) ** 2.0 * -a * np.log(q), -1)

    check_op(lambda a, b: losses.categorical_focal_crossentropy(a, b, alpha=alpha,
                                                                from_logits=from_logits),
             ref, None, arrays=[t, raw], dtype="float64", grad_args=[1])


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_crossentropy(from_logits):
    labels = RNG.integers(0, 4, 5)
    raw = RNG.normal(size=(5, 4)) if from_logits else probs((5, 4))
    logp = log_softmax(raw) if from_logits else np.log(raw)
    want = -logp[np.arange(5), labels]
    for lab in (labels, labels[:, None], labels.astype("f8")):
        check_op(lambda a, b: losses.sparse_categorical_crossentropy(a, b,
                                                                     from_logits=from_logits),
                 lambda a, b: want, None, arrays=[lab, raw], dtype="float64", grad_args=[1])


def test_sparse_matches_categorical_on_one_hot():
    labels = RNG.integers(0, 6, (3, 4))
    logits = RNG.normal(size=(3, 4, 6))
    a = losses.sparse_categorical_crossentropy(labels, logits, from_logits=True).numpy()
    b = losses.categorical_crossentropy(one_hot(labels, 6), logits, from_logits=True).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_sparse_categorical_crossentropy_ignore_class():
    labels = np.array([[0, -1, 2], [-1, 1, 1]])
    logits = RNG.normal(size=(2, 3, 3))
    valid = labels != -1
    picked = np.take_along_axis(log_softmax(logits), np.maximum(labels, 0)[..., None], -1)
    want = np.where(valid, -picked[..., 0], 0.0)
    got = losses.sparse_categorical_crossentropy(labels, logits, from_logits=True,
                                                 ignore_class=-1)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    np.testing.assert_array_equal(got._keras_mask.numpy(), valid)
    # Ignored entries get no gradient, and no NaN.
    check_op(lambda a, b: losses.sparse_categorical_crossentropy(a, b, from_logits=True,
                                                                 ignore_class=-1),
             lambda a, b: want, None, arrays=[labels, logits], dtype="float64", grad_args=[1])


def test_categorical_generalized_cross_entropy():
    labels = RNG.integers(0, 4, 5)
    p = probs((5, 4))
    want = (1 - p[np.arange(5), labels] ** 0.3) / 0.3
    for lab in (labels, labels[:, None]):
        check_op(lambda a, b: losses.categorical_generalized_cross_entropy(a, b, q=0.3),
                 lambda a, b: want, None, arrays=[lab, p], dtype="float64", grad_args=[1])


# --- Segmentation, Circle, CTC ------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, (1, 2)])
def test_dice_and_tversky(axis):
    t = RNG.integers(0, 2, (3, 4, 2)).astype("f8")
    p = RNG.uniform(0, 1, (3, 4, 2))

    def dice(a, b):
        return 1 - 2 * np.sum(a * b, axis) / (np.sum(a, axis) + np.sum(b, axis) + EPS)

    def tversky(a, b):
        tp = np.sum(a * b, axis)
        fp = np.sum((1 - b) * a, axis)
        fn = np.sum(b * (1 - a), axis)
        return 1 - tp / (tp + 0.3 * fp + 0.7 * fn + EPS)

    check_op(lambda a, b: losses.dice(a, b, axis=axis), dice, None, arrays=[t, p],
             dtype="float64", grad_args=[1])
    check_op(lambda a, b: losses.tversky(a, b, alpha=0.3, beta=0.7, axis=axis), tversky, None,
             arrays=[t, p], dtype="float64", grad_args=[1])


def np_circle(labels, emb, gamma, margin, remove_diagonal=True):
    dist = np.maximum(1 - emb @ emb.T, 0)
    pos = labels[:, None] == labels[None, :]
    neg = ~pos
    if remove_diagonal:
        pos = pos & ~np.eye(len(labels), dtype=bool)
    pw = np.maximum((margin + dist) * pos, 0)
    nw = np.maximum((1 + margin - dist) * neg, 0)
    pd = -gamma * pw * (margin - dist)
    nd = gamma * nw * ((1 - margin) - dist)

    def lse(x, m):
        x = np.where(m, x, -np.inf)
        top = x.max(1, keepdims=True)
        return (top + np.log(np.exp(x - top).sum(1, keepdims=True)))[:, 0]

    z = lse(pd, pos) + lse(nd, neg)
    return np.logaddexp(0, z)


def test_circle():
    labels = np.array([0, 1, 0, 2, 1, 2])
    emb = RNG.normal(size=(6, 4))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    got = losses.circle(labels, emb, gamma=8.0, margin=0.3)
    np.testing.assert_allclose(got.numpy(), np_circle(labels, emb, 8.0, 0.3), rtol=1e-10)
    np.testing.assert_array_equal(got._keras_mask.numpy(), got.numpy() > 0)
    check_op(lambda a, b: losses.circle(a, b, gamma=8.0, margin=0.3),
             lambda a, b: np_circle(a, b, 8.0, 0.3), None, arrays=[labels, emb],
             dtype="float64", grad_args=[1], grad_rtol=1e-4)


def np_ctc(labels, logits):
    """-log P(labels | logits) by summing over every alignment (brute force, blank = 0)."""
    logp = log_softmax(logits)
    out = []
    for b in range(logits.shape[0]):
        target = [int(v) for v in labels[b] if v != 0]
        steps, classes = logits.shape[1], logits.shape[2]
        total = -np.inf
        for path in itertools.product(range(classes), repeat=steps):
            collapsed = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
            if [k for k in collapsed if k != 0] == target:
                total = np.logaddexp(total, sum(logp[b, t, k] for t, k in enumerate(path)))
        out.append(-total)
    return np.array(out)


def test_ctc_matches_brute_force_and_has_gradients():
    labels = np.array([[1, 2, 0], [2, 2, 0], [1, 0, 0]])
    logits = RNG.normal(size=(3, 5, 3))
    check_op(losses.ctc, np_ctc, None, arrays=[labels, logits], dtype="float64",
             grad_args=[1], rtol=1e-8)


def test_ctc_rejects_bad_ranks():
    with pytest.raises(ValueError, match=r"`\(batch_size, max_length\)`"):
        losses.ctc(np.zeros((2,)), np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="Logits `y_pred`"):
        losses.ctc(np.zeros((2, 3)), np.zeros((2, 3)))


# --- Shape errors -------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [losses.mean_squared_error, losses.huber, losses.hinge,
                                losses.kl_divergence, losses.dice])
def test_incompatible_shapes_name_the_loss(fn):
    with pytest.raises(ValueError, match=rf"`{fn.__name__}`.*y_true.shape=\(4, 3\), "
                                         r"y_pred.shape=\(4, 2\)"):
        fn(np.ones((4, 3)), np.ones((4, 2)))


@pytest.mark.parametrize("fn", [losses.binary_crossentropy, losses.categorical_crossentropy,
                                losses.binary_focal_crossentropy,
                                losses.categorical_focal_crossentropy])
def test_crossentropies_need_equal_shapes(fn):
    with pytest.raises(ValueError, match=rf"`{fn.__name__}`.*same shape.*\(4, 1\).*\(4, 3\)"):
        fn(np.ones((4, 1)), np.full((4, 3), 0.3))


def test_sparse_label_shape_error():
    with pytest.raises(ValueError, match=r"`sparse_categorical_crossentropy`.*\(5,\).*\(4, 2\)"):
        losses.sparse_categorical_crossentropy(np.zeros(5), np.full((4, 2), 0.5))


def test_functions_accept_tensors_and_keep_float64():
    t = ops.convert_to_tensor(RNG.normal(size=(2, 3)))
    assert losses.mean_squared_error(t, t * 2.0).dtype == "float64"
