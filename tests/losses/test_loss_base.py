"""`Loss.__call__`: reductions, sample weights, masks, dtypes and subclassing, against NumPy."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import losses, ops

RNG = np.random.default_rng(3)
REDUCTIONS = ["sum_over_batch_size", "mean", "sum", "mean_with_sample_weight", "none", None]


def np_reduce(values, weights, reduction):
    """Keras's reduction of `values * weights` (weights already shaped like Keras does)."""
    weighted = values if weights is None else values * weights
    if reduction in (None, "none"):
        return weighted
    total = weighted.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weights is not None:
        return total / weights.sum()
    return total / weighted.size


def mse_per_sample(t, p):
    return np.mean((t - p) ** 2, axis=-1)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_reductions_without_weights(reduction):
    t, p = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    got = losses.MeanSquaredError(reduction=reduction)(t, p)
    want = np_reduce(mse_per_sample(t, p), None, reduction)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sample_weight_of_shape_batch(reduction):
    t, p = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    w = RNG.uniform(0, 2, (5,))
    got = losses.MeanSquaredError(reduction=reduction)(t, p, sample_weight=w)
    want = np_reduce(mse_per_sample(t, p), w, reduction)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sample_weight_of_shape_batch_by_1(reduction):
    t, p = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    w = RNG.uniform(0, 2, (5, 1))
    got = losses.MeanSquaredError(reduction=reduction)(t, p, sample_weight=w)
    # The (batch,) losses gain a trailing axis to meet the (batch, 1) weights (Keras's rule),
    # so unreduced losses come back as (batch, 1).
    want = np_reduce(mse_per_sample(t, p)[:, None], w, reduction)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("trailing", [False, True])
def test_per_timestep_sample_weight(reduction, trailing):
    t, p = RNG.normal(size=(3, 4, 2)), RNG.normal(size=(3, 4, 2))
    w = RNG.uniform(0, 2, (3, 4, 1) if trailing else (3, 4))
    got = losses.MeanSquaredError(reduction=reduction)(t, p, sample_weight=w)
    want = np_reduce(mse_per_sample(t, p), w.reshape(3, 4), reduction)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)


def test_batch_weights_against_per_timestep_losses_fail_clearly():
    t, p = RNG.normal(size=(3, 4, 2)), RNG.normal(size=(3, 4, 2))
    with pytest.raises(ValueError, match=r"sample_weight.shape=\(3,\), losses.shape=\(3, 4\)"):
        losses.MeanSquaredError()(t, p, sample_weight=np.ones(3))


def test_sparse_labels_with_weights_and_logits():
    labels = RNG.integers(0, 4, (6,))
    logits = RNG.normal(size=(6, 4))
    w = RNG.uniform(0, 1, (6,))
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    per = -logp[np.arange(6), labels]
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    np.testing.assert_allclose(loss(labels, logits, sample_weight=w).numpy(),
                               np.sum(per * w) / 6, rtol=1e-5)
    np.testing.assert_allclose(loss(labels[:, None], logits).numpy(), per.mean(), rtol=1e-5)


def masked(y_pred, mask):
    t = ops.convert_to_tensor(y_pred)
    t._keras_mask = ops.convert_to_tensor(mask)
    return t


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("with_weights", [False, True])
def test_mask_on_predictions(reduction, with_weights):
    t, p = RNG.normal(size=(3, 5, 2)), RNG.normal(size=(3, 5, 2))
    mask = RNG.random((3, 5)) < 0.6
    mask[0, 0] = True
    w = RNG.uniform(0.5, 2, (3, 5)) if with_weights else None
    got = losses.MeanSquaredError(reduction=reduction)(t, masked(p, mask), sample_weight=w)
    per = mse_per_sample(t, p)
    m = mask.astype("f8")
    if reduction in ("sum_over_batch_size", "mean"):
        # valid entries weigh total/valid: the mean runs over the valid entries only
        m = m * mask.size / mask.sum()
    weights = m if w is None else m * w
    np.testing.assert_allclose(got.numpy(), np_reduce(per, weights, reduction), rtol=1e-5)


def test_all_false_mask_gives_zero_not_nan():
    t, p = RNG.normal(size=(2, 3, 2)), RNG.normal(size=(2, 3, 2))
    got = losses.MeanSquaredError()(t, masked(p, np.zeros((2, 3), bool)))
    assert float(got) == 0.0


def test_ignore_class_masks_the_mean():
    labels = np.array([[1, 3, 0], [3, 2, 3]])
    logits = RNG.normal(size=(2, 3, 4))
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    per = -np.take_along_axis(logp, labels[..., None], -1)[..., 0]
    valid = labels != 3
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=3)
    np.testing.assert_allclose(loss(labels, logits).numpy(), per[valid].mean(), rtol=1e-5)
    summed = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=3,
                                                  reduction="sum")
    np.testing.assert_allclose(summed(labels, logits).numpy(), per[valid].sum(), rtol=1e-5)
    # A mask on y_pred combines with the ignored entries.
    mask = np.array([[True, True, False], [True, True, True]])
    both = valid & mask
    np.testing.assert_allclose(loss(labels, masked(logits, mask)).numpy(), per[both].mean(),
                               rtol=1e-5)


def test_gradient_of_a_reduced_loss():
    t = RNG.normal(size=(4, 3))
    p = ops.convert_to_tensor(RNG.normal(size=(4, 3)))
    w = RNG.uniform(0, 1, (4,))
    with keras.GradientTape() as tape:
        tape.watch(p)
        value = losses.MeanSquaredError(dtype="float64")(t, p, sample_weight=w)
    grad = tape.gradient(value, p).numpy()
    want = 2 * (p.numpy() - t) / 3 * w[:, None] / 4
    np.testing.assert_allclose(grad, want, rtol=1e-10)


def test_scalar_and_empty_losses_pass_through():
    # A loss that is already a scalar (Dice with axis=None) is returned as is.
    t, p = RNG.integers(0, 2, (3, 4)).astype("f8"), RNG.uniform(0, 1, (3, 4))
    got = losses.Dice(reduction="sum")(t, p)
    want = 1 - 2 * np.sum(t * p) / (t.sum() + p.sum() + 1e-7)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)
    empty = losses.MeanSquaredError()(np.zeros((0, 3)), np.zeros((0, 3)))
    assert empty.shape == (0,)
    zero = losses.MeanSquaredError()(np.zeros((0, 2, 3)), np.zeros((0, 2, 3)))
    assert zero.shape == () and float(zero) == 0.0


def test_dtype_argument():
    t, p = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    assert losses.MeanSquaredError()(t, p).dtype == "float32"
    out = losses.MeanSquaredError(dtype="float64")(t, p)
    assert out.dtype == "float64"
    np.testing.assert_allclose(out.numpy(), mse_per_sample(t, p).mean(), rtol=1e-12)
    assert losses.Loss(dtype=keras.DTypePolicy("mixed_float16")).dtype == "float16"
    keras.config.set_floatx("float64")
    try:
        assert losses.MeanSquaredError().dtype == "float64"
    finally:
        keras.config.set_floatx("float32")


def test_invalid_reduction():
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`.*"
                                         "Received: reduction=auto"):
        losses.MeanSquaredError(reduction="auto")


def test_subclass_with_call_and_auto_name():
    class MyScaledAbsoluteError(losses.Loss):
        def __init__(self, scale=2.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * ops.mean(ops.abs(y_true - y_pred), axis=-1)

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    t, p = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    loss = MyScaledAbsoluteError(scale=3.0, reduction="sum")
    np.testing.assert_allclose(loss(t, p).numpy(), 3 * np.abs(t - p).mean(-1).sum(), rtol=1e-5)
    assert loss.name.startswith("my_scaled_absolute_error")
    assert MyScaledAbsoluteError().name != MyScaledAbsoluteError().name  # uniquified
    clone = MyScaledAbsoluteError.from_config(loss.get_config())
    assert (clone.scale, clone.reduction, clone.name) == (3.0, "sum", loss.name)
    with pytest.raises(NotImplementedError):
        losses.Loss()(t, p)


def test_nested_structures_reach_call():
    class PairLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return (ops.mean(ops.square(y_true["a"] - y_pred["a"]), axis=-1)
                    + ops.mean(ops.abs(y_true["b"] - y_pred["b"]), axis=-1))

    t = {"a": RNG.normal(size=(3, 2)), "b": RNG.normal(size=(3, 4))}
    p = {"a": RNG.normal(size=(3, 2)), "b": RNG.normal(size=(3, 4))}
    want = (mse_per_sample(t["a"], p["a"]) + np.abs(t["b"] - p["b"]).mean(-1)).mean()
    np.testing.assert_allclose(PairLoss()(t, p).numpy(), want, rtol=1e-5)


def test_nested_lists_of_numbers_are_arrays():
    # Keras maps over every number of a nested list; here such a list is array data.
    got = losses.SparseCategoricalCrossentropy()([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    want = -(np.log(0.95) + np.log(0.1)) / 2
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)


def test_reduce_helpers_directly():
    values = ops.convert_to_tensor(np.array([1.0, 2.0, 6.0]))
    assert float(losses.reduce_values(values)) == 3.0
    assert float(losses.reduce_weighted_values(values, [1.0, 1.0, 0.0], reduction="sum")) == 3.0
    a, b = losses.squeeze_or_expand_to_same_rank(ops.ones((2, 3, 1)), ops.ones((2, 3)))
    assert a.shape == (2, 3) and b.shape == (2, 3)
    a, b = losses.squeeze_or_expand_to_same_rank(ops.ones((2,)), ops.ones((2, 1)))
    assert a.shape == (2, 1) and b.shape == (2, 1)
    a, b = losses.squeeze_or_expand_to_same_rank(ops.ones((2,)), ops.ones((2, 1)),
                                                 expand_rank_1=False)
    assert a.shape == (2,) and b.shape == (2,)
    assert losses.Reduction.all() == ("auto", "none", "sum", "sum_over_batch_size")
    with pytest.raises(ValueError, match="Invalid Reduction Key: bad"):
        losses.Reduction.validate("bad")


def test_symbolic_inputs_build_graph_nodes():
    x, y = keras.Input((3,)), keras.Input((3,))
    labels = keras.Input((), dtype="int32")
    assert losses.mean_squared_error(x, y).shape == (None,)
    assert losses.MeanSquaredError()(x, y).shape == ()
    out = losses.SparseCategoricalCrossentropy(ignore_class=0)(labels, y, sample_weight=None)
    assert isinstance(out, keras.KerasTensor) and out.shape == ()
    weighted = losses.CategoricalCrossentropy(from_logits=True)(x, y,
                                                                sample_weight=keras.Input(()))
    assert weighted.shape == ()
