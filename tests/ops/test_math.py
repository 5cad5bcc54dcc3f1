"""keras_like.ops math functions: segments, top-k, logsumexp, erf family, sequences."""

import math

import numpy as np
import pytest
from helpers import check_op, random_array

import keras_like as keras
from keras_like import ops

_erf = np.vectorize(math.erf)


def _np_segment(data, ids, n, kind):
    fill = {"sum": 0.0, "max": -np.inf, "min": np.inf}[kind]
    if data.dtype.kind in "iu" and kind != "sum":
        info = np.iinfo(data.dtype)
        fill = info.min if kind == "max" else info.max
    out = np.full((n,) + data.shape[1:], fill, dtype=data.dtype)
    keep = (ids >= 0) & (ids < n)
    fn = {"sum": np.add, "max": np.maximum, "min": np.minimum}[kind]
    fn.at(out, ids[keep], data[keep])
    return out


IDS = np.array([0, 2, 0, 1, 2, 2], "int32")


@pytest.mark.parametrize("kind", ["sum", "max", "min"])
def test_segment_ops_forward_and_gradient(kind):
    fn = getattr(ops, f"segment_{kind}")
    check_op(lambda d: fn(d, IDS, num_segments=3), lambda d: _np_segment(d, IDS, 3, kind),
             [(6, 2)])
    # An empty segment (3) holds the identity (+-inf for max/min: no finite differences there)
    # and the segment count can be inferred from the ids.
    check_op(lambda d: fn(d, IDS, num_segments=4), lambda d: _np_segment(d, IDS, 4, kind),
             [(6,)], grad=kind == "sum")
    check_op(lambda d: fn(d, IDS), lambda d: _np_segment(d, IDS, 3, kind), [(6,)])
    assert ops.math.segment_sum is ops.segment_sum


@pytest.mark.parametrize("kind", ["sum", "max", "min"])
def test_segment_ops_drop_out_of_range_ids_and_keep_int_dtype(kind):
    fn = getattr(ops, f"segment_{kind}")
    data = np.array([1, 5, -3, 7, 2], "int32")
    ids = np.array([0, -1, 1, 3, 1], "int32")
    out = fn(data, ids, num_segments=3)
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out.numpy(), _np_segment(data, ids, 3, kind))


def test_segment_max_splits_gradient_among_ties():
    data = ops.convert_to_tensor(np.array([2.0, 2.0, 1.0, 5.0]))
    with keras.GradientTape() as tape:
        tape.watch(data)
        out = ops.segment_max(data, [0, 0, 0, 1], num_segments=2)
        loss = ops.sum(out * ops.convert_to_tensor(np.array([1.0, 3.0])))
    np.testing.assert_array_equal(tape.gradient(loss, data).numpy(), [0.5, 0.5, 0.0, 3.0])


def test_segment_errors():
    with pytest.raises(ValueError, match=r"segment_ids.shape=\(2,\)"):
        ops.segment_sum(np.ones((3, 2)), np.array([0, 1]))
    with pytest.raises(TypeError, match="integer"):
        ops.segment_max(np.ones(2), np.array([0.0, 1.0]))


def _np_top_k(x, k):
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, -1), order


def test_top_k():
    check_op(lambda x: ops.top_k(x, 3)[0], lambda x: _np_top_k(x, 3)[0], [(4, 6)])
    x = random_array((2, 3, 5))
    values, indices = ops.top_k(x, 2)
    assert indices.dtype == "int32"
    np.testing.assert_array_equal(indices.numpy(), _np_top_k(x, 2)[1])
    # Ties keep the lower index first; integer inputs keep their dtype.
    v, i = ops.top_k(np.array([1, 3, 3, 2, 3], "int32"), 4, sorted=False)
    assert v.dtype == "int32"
    assert v.numpy().tolist() == [3, 3, 3, 2] and i.numpy().tolist() == [1, 2, 4, 3]
    assert ops.top_k(x, 0)[0].shape == (2, 3, 0)


def test_top_k_errors():
    with pytest.raises(ValueError, match=r"`k` must be in \[0, 3\].*k=4"):
        ops.top_k(np.ones(3), 4)
    with pytest.raises(ValueError, match="rank >= 1"):
        ops.top_k(1.0, 1)


def _np_in_top_k(targets, predictions, k):
    at = np.take_along_axis(predictions, targets[:, None], -1)
    at = np.where(np.isnan(at), -np.inf, at)
    return 1 + np.sum(predictions > at, -1) <= k


def test_in_top_k():
    pred = random_array((6, 5))
    targets = np.array([0, 1, 2, 3, 4, 0], "int32")
    for k in (1, 2, 4):
        out = ops.in_top_k(targets, pred, k)
        assert out.dtype == "bool"
        np.testing.assert_array_equal(out.numpy(), _np_in_top_k(targets, pred, k))
    # A tie with the best score counts as in the top 1; NaN never does.
    pred = np.array([[0.1, 0.9, 0.9], [np.nan, 0.2, 0.1], [0.3, 0.2, 0.1]], "float32")
    out = ops.in_top_k(np.array([2, 0, 5]), pred, 1)
    np.testing.assert_array_equal(out.numpy(), [True, False, False])
    with pytest.raises(ValueError, match="without its last axis"):
        ops.in_top_k(np.array([0, 1]), pred, 1)


def _np_logsumexp(x, axis=None, keepdims=False):
    x = x.astype(np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


@pytest.mark.parametrize("axis,keepdims", [(None, False), (None, True), (1, False),
                                           ((0, 2), True), (-1, False)])
def test_logsumexp(axis, keepdims):
    check_op(lambda x: ops.logsumexp(x, axis=axis, keepdims=keepdims),
             lambda x: _np_logsumexp(x, axis, keepdims), [(2, 3, 4)], low=-3.0, high=3.0,
             expected_dtype="float32")


def test_logsumexp_extremes():
    x = np.array([[1000.0, 1000.0], [-np.inf, -np.inf], [-1000.0, -np.inf]], "float32")
    np.testing.assert_allclose(ops.logsumexp(x, axis=1).numpy(),
                               [1000.0 + math.log(2), -np.inf, -1000.0], rtol=1e-6)
    assert ops.logsumexp(np.array([np.inf, 1.0], "float32")).numpy() == np.inf
    assert ops.logsumexp(np.zeros((0,), "float32")).numpy() == -np.inf
    assert ops.logsumexp(np.array([1, 2], "int32")).dtype == "float32"


def test_erf_erfinv_rsqrt():
    check_op(ops.erf, _erf, [(3, 4)], dtype="float64")
    check_op(ops.rsqrt, lambda x: 1 / np.sqrt(x), [(3, 4)], low=0.2, high=3.0)
    x = random_array((3, 4), "float64", -0.99, 0.99)
    y = check_op(ops.erfinv, _np_erfinv, [(3, 4)], arrays=[x], dtype="float64", rtol=1e-9,
                 grad_rtol=1e-5)
    np.testing.assert_allclose(_erf(y.numpy()), x, rtol=1e-12, atol=1e-14)
    assert ops.erf(np.array([0, 1], "int32")).dtype == "float32"


def _np_erfinv(x):
    # Newton's method on erf(y) = x, from a good start; converges to float64 precision.
    y = np.zeros_like(x)
    for _ in range(60):
        y = y - (_erf(y) - x) * np.sqrt(np.pi) / 2 * np.exp(y * y)
    return y


def test_extract_sequences():
    def np_extract(x, length, stride):
        count = 1 + (x.shape[-1] - length) // stride
        idx = np.arange(count)[:, None] * stride + np.arange(length)[None, :]
        return x[..., idx]

    check_op(lambda x: ops.extract_sequences(x, 3, 2), lambda x: np_extract(x, 3, 2), [(2, 7)])
    check_op(lambda x: ops.extract_sequences(x, 4, 1), lambda x: np_extract(x, 4, 1), [(5,)])
    out = ops.extract_sequences(np.arange(6, dtype="int32"), 3, 2)
    assert out.dtype == "int32" and out.numpy().tolist() == [[0, 1, 2], [2, 3, 4]]
    assert ops.extract_sequences(np.ones((2, 2), "float32"), 3, 1).shape == (2, 0, 3)
    with pytest.raises(ValueError, match="positive"):
        ops.extract_sequences(np.ones(4), 0, 1)


def test_cdist():
    def np_cdist(x, y):
        return np.sqrt(np.sum((x[..., :, None, :] - y[..., None, :, :]) ** 2, -1))

    check_op(ops.cdist, np_cdist, [(3, 2), (4, 2)])
    check_op(ops.cdist, np_cdist, [(2, 3, 2), (1, 4, 2)])
    with pytest.raises(ValueError, match="must match"):
        ops.cdist(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="rank >= 2"):
        ops.cdist(np.ones(3), np.ones((2, 3)))
