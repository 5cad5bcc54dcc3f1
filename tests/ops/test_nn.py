"""keras_like.ops nn functions: activations, softmax, encodings, losses, normalization."""

import math
import warnings

import numpy as np
import pytest
from helpers import check_op, random_array

from keras_like import config, ops

_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(0.0, x)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


_SELU_A, _SELU_S = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

ACTIVATIONS = [
    ("relu", ops.relu, lambda x: np.maximum(x, 0)),
    ("relu6", ops.relu6, lambda x: np.clip(x, 0, 6)),
    ("sigmoid", ops.sigmoid, _sigmoid),
    ("sparse_sigmoid", ops.sparse_sigmoid, lambda x: np.clip((x + 1) / 2, 0, 1)),
    ("softplus", ops.softplus, _softplus),
    ("softsign", ops.softsign, lambda x: x / (np.abs(x) + 1)),
    ("soft_shrink", ops.soft_shrink,
     lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0))),
    ("sparse_plus", ops.sparse_plus,
     lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))),
    ("silu", ops.silu, lambda x: x * _sigmoid(x)),
    ("squareplus", ops.squareplus, lambda x: (x + np.sqrt(x * x + 4)) / 2),
    ("log_sigmoid", ops.log_sigmoid, lambda x: -_softplus(-x)),
    ("leaky_relu", ops.leaky_relu, lambda x: np.where(x >= 0, x, 0.2 * x)),
    ("hard_sigmoid", ops.hard_sigmoid, lambda x: np.clip(x / 6 + 0.5, 0, 1)),
    ("hard_silu", ops.hard_silu, lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
    ("elu", ops.elu, _elu),
    ("selu", ops.selu, lambda x: _SELU_S * _elu(x, _SELU_A)),
    ("gelu", ops.gelu,
     lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))),
    ("gelu_exact", lambda x: ops.gelu(x, approximate=False),
     lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2)))),
    ("celu", lambda x: ops.celu(x, alpha=0.7),
     lambda x: np.where(x > 0, x, 0.7 * np.expm1(np.minimum(x, 0) / 0.7))),
    ("tanh_shrink", ops.tanh_shrink, lambda x: x - np.tanh(x)),
    ("hard_tanh", ops.hard_tanh, lambda x: np.clip(x, -1, 1)),
    ("hard_shrink", ops.hard_shrink, lambda x: np.where(np.abs(x) > 0.5, x, 0)),
    ("threshold", lambda x: ops.threshold(x, 0.3, -2.0), lambda x: np.where(x > 0.3, x, -2.0)),
]


@pytest.mark.parametrize("name,fn,np_fn", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_forward_and_gradient(name, fn, np_fn):
    # [-4, 4] reaches every piece of the piecewise functions (kinks at 0, +-0.5, +-1, +-3).
    check_op(fn, lambda x: np_fn(x.astype(np.float64)), [(4, 5)], low=-4.0, high=4.0,
             rtol=2e-5, atol=2e-6, expected_dtype="float32")


def test_activations_large_inputs_stay_finite():
    x = np.array([-1000.0, -50.0, 50.0, 1000.0], "float32")
    for fn in (ops.sigmoid, ops.softplus, ops.log_sigmoid, ops.elu, ops.selu, ops.silu,
               ops.gelu, ops.celu):
        assert np.all(np.isfinite(ops.convert_to_numpy(fn(x)))), fn.__name__
    np.testing.assert_allclose(ops.log_sigmoid(x).numpy(), [-1000.0, -50.0, 0.0, 0.0],
                               atol=1e-6)


def test_activation_dtypes():
    assert ops.relu(np.array([-1, 2], "int32")).dtype == "int32"
    assert ops.relu6(np.array([-1, 8], "int32")).numpy().tolist() == [0, 6]
    assert ops.sigmoid(np.array([0, 1], "int32")).dtype == "float32"
    assert ops.gelu(np.array([0.5], "float16")).dtype == "float16"
    assert ops.swish is ops.silu and ops.hard_swish is ops.hard_silu
    assert ops.nn.leaky_relu(np.array([-1.0]), negative_slope=0.5).numpy()[0] == -0.5


def test_glu():
    def np_glu(x, axis):
        a, b = np.split(x, 2, axis=axis)
        return a * _sigmoid(b)

    check_op(ops.glu, lambda x: np_glu(x, -1), [(3, 4)])
    check_op(lambda x: ops.glu(x, axis=0), lambda x: np_glu(x, 0), [(4, 3)])
    with pytest.raises(ValueError, match="must be even"):
        ops.glu(np.ones((2, 3), "float32"))


def _np_softmax(x, axis):
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 0, 1, (0, 2), (1, 2), None])
def test_softmax_and_log_softmax_axes(axis):
    np_axis = axis
    check_op(lambda x: ops.softmax(x, axis=axis), lambda x: _np_softmax(x, np_axis),
             [(2, 3, 4)], low=-3.0, high=3.0)
    check_op(lambda x: ops.log_softmax(x, axis=axis),
             lambda x: np.log(_np_softmax(x.astype(np.float64), np_axis)),
             [(2, 3, 4)], low=-3.0, high=3.0, rtol=1e-5, atol=2e-6, expected_dtype="float32")


def test_softmax_is_stable_and_int_inputs_give_floats():
    x = np.array([[1000.0, 1000.0], [-1000.0, 0.0]], "float32")
    np.testing.assert_allclose(ops.softmax(x).numpy(), [[0.5, 0.5], [0.0, 1.0]])
    np.testing.assert_allclose(ops.log_softmax(x).numpy()[0], [-math.log(2)] * 2, rtol=1e-6)
    np.testing.assert_allclose(ops.log_softmax(x.T, axis=0).numpy()[:, 0], [-math.log(2)] * 2,
                               rtol=1e-6)
    np.testing.assert_allclose(ops.softmax(x.T, axis=0).numpy(), [[0.5, 0.0], [0.5, 1.0]],
                               rtol=1e-6)
    out = ops.softmax(np.array([1, 2, 3], "int32"))
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), _np_softmax(np.array([1.0, 2, 3]), -1), rtol=1e-6)


def test_softmax_of_empty_tensors():
    empty = np.zeros((0, 5), "float32")
    for axis in (0, 1, None, (0, 1)):
        assert ops.softmax(empty, axis=axis).shape == (0, 5)
        assert ops.log_softmax(empty, axis=axis).shape == (0, 5)


def test_softmax_warns_on_size_one_axis():
    with pytest.warns(UserWarning, match="has size 1"):
        ops.softmax(np.ones((3, 1), "float32"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ops.softmax(np.ones((3, 2), "float32"))


def test_softmax_bad_axis():
    with pytest.raises(ValueError, match="out of bounds"):
        ops.softmax(np.ones((2, 3), "float32"), axis=2)


def _np_sparsemax(x):
    z = np.sort(x, axis=-1)[..., ::-1]
    k = np.arange(1, x.shape[-1] + 1)
    cs = np.cumsum(z, axis=-1)
    support = 1 + k * z > cs
    kz = support.sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cs, kz - 1, axis=-1) - 1) / kz
    return np.maximum(x - tau, 0)


def test_sparsemax():
    result = check_op(ops.sparsemax, _np_sparsemax, [(4, 5)], dtype="float64")
    np.testing.assert_allclose(result.numpy().sum(-1), np.ones(4), rtol=1e-12)
    t = check_op(lambda x: ops.sparsemax(x, axis=0), lambda x: _np_sparsemax(x.T).T, [(5, 3)],
                 dtype="float64")
    assert t.shape == (5, 3)


def test_one_hot():
    x = np.array([[0, 2], [1, -1]], "int32")
    out = ops.one_hot(x, 3)
    assert out.dtype == "float32" and out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.numpy(), np.eye(3)[x] * (x >= 0)[..., None])
    np.testing.assert_array_equal(ops.one_hot(x, 3, axis=0).numpy(),
                                  np.moveaxis(out.numpy(), -1, 0))
    np.testing.assert_array_equal(ops.one_hot(x, 3, axis=1).numpy(),
                                  np.moveaxis(out.numpy(), -1, 1))
    # Negative and too-large labels give all-zero rows (JAX semantics).
    np.testing.assert_array_equal(ops.one_hot([5, -3], 4).numpy(), np.zeros((2, 4)))
    assert ops.one_hot([1], 2, dtype="int32").dtype == "int32"
    with pytest.raises(ValueError, match="axis"):
        ops.one_hot(x, 3, axis=3)
    with pytest.raises(ValueError, match="sparse"):
        ops.one_hot(x, 3, sparse=True)


def test_multi_hot():
    np.testing.assert_array_equal(ops.multi_hot([0, 3, 3], 5).numpy(), [1, 0, 0, 1, 0])
    batch = np.array([[0, 1], [2, 2]], "int32")
    np.testing.assert_array_equal(ops.multi_hot(batch, num_classes=3).numpy(),
                                  [[1, 1, 0], [0, 0, 1]])
    assert ops.multi_hot(batch, num_tokens=3, dtype="int32").dtype == "int32"
    with pytest.raises(ValueError, match="num_classes"):
        ops.multi_hot(batch)


# ---------------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------------

EPS = 1e-7


def _np_bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def test_binary_crossentropy_probabilities():
    t = random_array((3, 4), low=0.0, high=1.0)
    check_op(lambda p: ops.binary_crossentropy(t, p), lambda p: _np_bce(t, p), [(3, 4)],
             low=0.05, high=0.95, rtol=1e-5, atol=1e-6)
    # Clipping keeps the loss finite at exactly 0 and 1 and matches Keras's -log(epsilon).
    out = ops.binary_crossentropy(np.array([1.0, 0.0]), np.array([0.0, 1.0])).numpy()
    np.testing.assert_allclose(out, [-np.log(EPS)] * 2, rtol=1e-5)


def test_binary_crossentropy_logits():
    t = random_array((3, 4), low=0.0, high=1.0)
    check_op(lambda o: ops.binary_crossentropy(t, o, from_logits=True),
             lambda o: _np_bce(t, _sigmoid(o)), [(3, 4)], low=-4.0, high=4.0, rtol=1e-4)
    check_op(lambda t_, o: ops.binary_crossentropy(t_, o, from_logits=True),
             lambda t_, o: _softplus(o) - t_ * o, [(2, 3), (2, 3)], dtype="float64")
    big = ops.binary_crossentropy(np.array([0.0, 1.0]), np.array([1000.0, -1000.0]),
                                  from_logits=True)
    np.testing.assert_allclose(big.numpy(), [1000.0, 1000.0])


def test_binary_crossentropy_shape_error():
    with pytest.raises(ValueError, match=r"same shape.*target.shape=\(2,\)"):
        ops.binary_crossentropy(np.ones(2), np.ones(3))


def _np_cce(t, p, axis=-1):
    p = p / p.sum(axis=axis, keepdims=True)
    return -np.sum(t * np.log(np.clip(p, EPS, 1 - EPS)), axis=axis)


def _np_log_softmax(x, axis=-1):
    return np.log(_np_softmax(x.astype(np.float64), axis))


def test_categorical_crossentropy():
    t = np.eye(4, dtype="float32")[[0, 3, 1]]
    check_op(lambda p: ops.categorical_crossentropy(t, p), lambda p: _np_cce(t, p), [(3, 4)],
             low=0.1, high=1.0, expected_dtype="float32")
    check_op(lambda o: ops.categorical_crossentropy(t, o, from_logits=True),
             lambda o: -np.sum(t * _np_log_softmax(o), -1), [(3, 4)], rtol=1e-5, atol=2e-6,
             expected_dtype="float32")
    # Soft targets are differentiable too; axis=0 reduces the first axis.
    check_op(lambda t_, o: ops.categorical_crossentropy(t_, o, from_logits=True, axis=0),
             lambda t_, o: -np.sum(t_ * _np_log_softmax(o, 0), 0), [(4, 3), (4, 3)],
             dtype="float64")
    big = ops.categorical_crossentropy([[0.0, 1.0]], [[1000.0, 0.0]], from_logits=True)
    np.testing.assert_allclose(big.numpy(), [1000.0])


def test_categorical_crossentropy_errors():
    with pytest.raises(ValueError, match="same shape"):
        ops.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="at least rank 1"):
        ops.categorical_crossentropy(1.0, 1.0)


def test_sparse_categorical_crossentropy():
    labels = np.array([0, 3, 1], "int32")
    t = np.eye(4)[labels]
    check_op(lambda p: ops.sparse_categorical_crossentropy(labels, p),
             lambda p: _np_cce(t, p), [(3, 4)], low=0.1, high=1.0, expected_dtype="float32")
    check_op(lambda o: ops.sparse_categorical_crossentropy(labels, o, from_logits=True),
             lambda o: -np.sum(t * _np_log_softmax(o), -1), [(3, 4)], rtol=1e-5, atol=2e-6,
             expected_dtype="float32")
    # A trailing label axis of size 1 is squeezed; int labels in a float tensor work.
    out = ops.sparse_categorical_crossentropy(labels[:, None].astype("float32"),
                                              np.full((3, 4), 0.25, "float32"))
    np.testing.assert_allclose(out.numpy(), [np.log(4)] * 3, rtol=1e-6)
    big = ops.sparse_categorical_crossentropy([1], [[1000.0, 0.0]], from_logits=True)
    np.testing.assert_allclose(big.numpy(), [1000.0])


def test_sparse_categorical_crossentropy_axis_and_bad_labels():
    labels = np.array([[0, 2], [1, 1]], "int32")  # (batch=2, steps=2), classes on axis 1
    logits = random_array((2, 3, 2))
    t = np.moveaxis(np.eye(3)[labels], -1, 1)
    check_op(lambda o: ops.sparse_categorical_crossentropy(labels, o, from_logits=True, axis=1),
             lambda o: -np.sum(t * _np_log_softmax(o, 1), 1), [(2, 3, 2)], arrays=[logits],
             rtol=1e-5, atol=2e-6, expected_dtype="float32")
    # Out-of-range labels select nothing, so they add no loss (like JAX's one-hot).
    out = ops.sparse_categorical_crossentropy([-1, 7], np.full((2, 3), 1 / 3, "float32"))
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0])
    with pytest.raises(ValueError, match="up until the last dimension"):
        ops.sparse_categorical_crossentropy(np.zeros(3, "int32"), np.ones((2, 4)))


def test_crossentropy_epsilon_follows_config():
    old = config.epsilon()
    try:
        config.set_epsilon(1e-3)
        out = ops.binary_crossentropy(np.array([1.0]), np.array([0.0])).numpy()
        np.testing.assert_allclose(out, [-np.log(1e-3)], rtol=1e-5)
    finally:
        config.set_epsilon(old)


# ---------------------------------------------------------------------------------------------
# Statistics and normalization
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("axes,keepdims", [([0], False), ([0, 2], True), ((1,), False), (-1, True)])
def test_moments(axes, keepdims):
    np_axes = tuple(axes) if isinstance(axes, (list, tuple)) else axes
    check_op(lambda x: ops.moments(x, axes, keepdims)[0],
             lambda x: np.mean(x, axis=np_axes, keepdims=keepdims), [(2, 3, 4)])
    check_op(lambda x: ops.moments(x, axes, keepdims)[1],
             lambda x: np.var(x.astype(np.float64), axis=np_axes, keepdims=keepdims),
             [(2, 3, 4)], rtol=1e-5, atol=1e-6, expected_dtype="float32")


def test_moments_half_precision_is_reduced_in_float32():
    x = np.full((4096,), 100.0, "float16")
    mean, var = ops.moments(x, axes=[0])
    assert mean.dtype == "float16" and var.dtype == "float16"
    assert float(mean) == 100.0 and float(var) == 0.0
    mean, _ = ops.moments(np.array([1, 2, 3], "int32"), axes=[0])
    assert mean.dtype == "float32"


def _np_bn(x, mean, var, offset, scale, eps=1e-3, axis=-1):
    shape = [1] * x.ndim
    shape[axis] = -1
    out = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return out * scale.reshape(shape) + offset.reshape(shape)


def test_batch_normalization():
    check_op(lambda x, m, v, o, s: ops.batch_normalization(x, m, v, -1, o, s),
             lambda x, m, v, o, s: _np_bn(x, m, v, o, s), [(3, 4), (4,), (4,), (4,), (4,)],
             arrays=[random_array((3, 4)), random_array((4,)), random_array((4,), low=0.5),
                     random_array((4,)), random_array((4,))], rtol=1e-5, atol=2e-6)
    x = random_array((2, 3, 2))
    m, v = random_array((3,)), random_array((3,), low=0.5)
    out = ops.batch_normalization(x, m, v, axis=1, epsilon=0.1)
    np.testing.assert_allclose(out.numpy(), _np_bn(x, m, v, np.zeros(3), np.ones(3), 0.1, 1),
                               rtol=1e-5, atol=1e-6)


def test_batch_normalization_shape_error():
    with pytest.raises(ValueError, match=r"`variance` must be a vector.*Expected: `\(3,\)`"):
        ops.batch_normalization(np.ones((2, 3)), np.zeros(3), np.ones(4), axis=-1)


def test_normalize():
    def np_norm(x, order, axis=-1):
        n = np.sum(np.abs(x) ** order, axis=axis, keepdims=True) ** (1 / order)
        return x / np.maximum(n, EPS)

    check_op(ops.normalize, lambda x: np_norm(x, 2), [(3, 4)])
    check_op(lambda x: ops.normalize(x, axis=0, order=1), lambda x: np_norm(x, 1, 0), [(3, 4)],
             low=0.1, high=2.0)
    check_op(lambda x: ops.normalize(x, order=3), lambda x: np_norm(x, 3), [(3, 4)],
             low=0.1, high=2.0, rtol=1e-5)
    # A zero vector stays zero instead of becoming NaN.
    np.testing.assert_array_equal(ops.normalize(np.zeros((1, 3), "float32")).numpy(),
                                  np.zeros((1, 3)))
    with pytest.raises(ValueError, match="order"):
        ops.normalize(np.ones(3), order=0)


def test_rms_and_layer_normalization():
    def np_rms(x, scale, eps=EPS):
        return x / np.sqrt(np.mean(x * x, -1, keepdims=True) + eps) * scale

    check_op(lambda x: ops.rms_normalization(x, scale=2.0), lambda x: np_rms(x, 2.0), [(3, 4)],
             rtol=1e-5)

    def np_ln(x, g, b, axis, eps=1e-3):
        m = x.mean(axis=axis, keepdims=True)
        v = x.var(axis=axis, keepdims=True)
        return (x - m) / np.sqrt(v + eps) * g + b

    check_op(lambda x, g, b: ops.layer_normalization(x, g, b, epsilon=1e-3),
             lambda x, g, b: np_ln(x, g, b, -1), [(3, 4), (4,), (4,)], rtol=1e-5, atol=2e-6)
    check_op(lambda x: ops.layer_normalization(x, axis=[1, 2], epsilon=1e-3),
             lambda x: np_ln(x, 1.0, 0.0, (1, 2)), [(2, 3, 4)], rtol=1e-5, atol=2e-6)
    x = random_array((3, 4))
    rms = ops.layer_normalization(x, np.full(4, 2.0, "float32"), rms_scaling=True, epsilon=1e-3)
    np.testing.assert_allclose(rms.numpy(), x / np.sqrt(x.var(-1, keepdims=True) + 1e-3) * 2,
                               rtol=1e-5)


def test_psnr():
    check_op(lambda a, b: ops.psnr(a, b, 2.0),
             lambda a, b: 20 * np.log10(2.0) - 10 * np.log10(np.mean((a - b) ** 2)),
             [(3, 4), (3, 4)], rtol=1e-5, atol=1e-5, expected_dtype="float32")
    with pytest.raises(ValueError, match="must match"):
        ops.psnr(np.ones((2, 2)), np.ones((2, 3)), 1.0)


# ---------------------------------------------------------------------------------------------
# Attention
# ---------------------------------------------------------------------------------------------


def _np_attention(q, k, v, bias=None, mask=None, is_causal=False, scale=None):
    n, kh = q.shape[2], k.shape[2]
    k = np.repeat(k, n // kh, axis=2)
    v = np.repeat(v, n // kh, axis=2)
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= mask
    if is_causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -0.7 * np.finfo(logits.dtype).max)
    return np.einsum("bnts,bsnh->btnh", _np_softmax(logits, -1), v)


def test_dot_product_attention():
    shapes = [(1, 3, 2, 4), (1, 5, 2, 4), (1, 5, 2, 4)]
    # The reference scales by a NumPy float64 scalar, which promotes to float64.
    check_op(ops.dot_product_attention, _np_attention, shapes, rtol=1e-5, atol=1e-6,
             expected_dtype="float32")
    check_op(lambda q, k, v: ops.dot_product_attention(q, k, v, is_causal=True, scale=0.3),
             lambda q, k, v: _np_attention(q, k, v, is_causal=True, scale=0.3),
             [(1, 4, 2, 3)] * 3, rtol=1e-5, atol=1e-6, expected_dtype="float32")


def test_dot_product_attention_bias_mask_and_grouped_heads():
    q, k, v = random_array((2, 3, 4, 2)), random_array((2, 5, 2, 2)), random_array((2, 5, 2, 2))
    bias = random_array((1, 4, 3, 5))
    mask = np.random.default_rng(0).random((2, 1, 3, 5)) > 0.3
    out = ops.dot_product_attention(q, k, v, bias=bias, mask=mask)
    np.testing.assert_allclose(out.numpy(), _np_attention(q, k, v, bias, mask), rtol=1e-5,
                               atol=1e-6)
    assert out.shape == q.shape
    with pytest.raises(ValueError, match="only supports 4D"):
        ops.dot_product_attention(q[0], k[0], v[0])
    with pytest.raises(ValueError, match="multiple"):
        ops.dot_product_attention(random_array((1, 2, 3, 2)), k, v)
    with pytest.raises(ValueError, match="Flash attention"):
        ops.dot_product_attention(q, k, v, flash_attention=True)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_of_many_short_rows_matches_numpy(dtype, log):
    """Rows shorter than a cache line run a block of rows at a time (softmax_short_rows):
    block edges, parallel tasks, and rows holding NaN, +inf or only -inf behave as one row."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((5000, 7)).astype(dtype) * 4
    x[3, 2], x[64, 1], x[65, :] = np.nan, np.inf, -np.inf
    got = np.asarray((ops.log_softmax if log else ops.softmax)(x))
    x64 = x.astype(np.float64)
    m = np.max(x64, axis=1, keepdims=True)
    m = np.where(np.isfinite(m) | np.isnan(m), m, 0.0)
    z = x64 - m
    e = np.exp(z)
    want = z - np.log(e.sum(1, keepdims=True)) if log else e / e.sum(1, keepdims=True)
    assert np.isnan(got[3]).all() and np.isnan(got[65]).all()
    assert np.isnan(got[64, 1]) and np.all(got[64, [0, 2]] == (-np.inf if log else 0))
    ok = np.ones(len(x), bool)
    ok[[3, 64, 65]] = False
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got[ok], want[ok], rtol=tol, atol=tol)
