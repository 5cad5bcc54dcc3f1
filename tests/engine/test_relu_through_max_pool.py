"""A relu epilogue followed by max_pool is differentiated on the pooled side (autograd masks
the pooled cotangent instead of the routed one). The gradients must equal the plain path's,
which runs whenever the relu output has another reader, and float64 finite differences."""

import numpy as np
import pytest
from gradcheck import central_differences

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

# (input shape, pool window, strides, padding before, after): tiling windows, a remainder row
# and column no window covers, overlapping windows, and windows over padding.
GEOMETRIES = [
    ((3, 8, 8, 16), [2, 2], [2, 2], [0, 0], [0, 0]),
    ((2, 9, 7, 16), [2, 2], [2, 2], [0, 0], [0, 0]),
    ((2, 7, 7, 16), [3, 3], [1, 1], [0, 0], [0, 0]),
    ((2, 7, 6, 16), [3, 2], [2, 2], [1, 0], [1, 1]),
]


def conv_relu(x, k, b):
    return E.conv2d_bias_activation(x, k, b, "relu", 0, 0)


def dense_relu(x, k, b):
    return E.bias_activation(ops.matmul(x, k), b, "relu")


def gradients(layer, pool, x, k, b, weights, extra_reader):
    xv, kv, bv = keras.Variable(x), keras.Variable(k), keras.Variable(b)
    with keras.GradientTape() as tape:
        y = layer(xv.value, kv.value, b=bv.value)
        loss = ops.sum(E.max_pool(y, *pool) * weights)
        if extra_reader:  # a second reader of the relu output: the plain path
            loss = loss + ops.sum(y * 0.0)
    return [g.numpy() for g in tape.gradient(loss, [xv, kv, bv])]


def conv_case(shape, dtype, rng):
    x = rng.normal(size=(shape[0], shape[1] + 2, shape[2] + 2, 8)).astype(dtype)
    k = (rng.normal(size=(3, 3, 8, shape[3])) * 0.3).astype(dtype)
    return x, k


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_conv_relu_pool_gradients_equal_the_plain_path(geometry, dtype):
    shape, *pool = geometry
    rng = np.random.default_rng(0)
    x, k = conv_case(shape, dtype, rng)
    b = rng.normal(size=shape[3]).astype(dtype)  # some channels mostly dead, some alive
    pooled = E.max_pool(conv_relu(E.from_numpy(x), E.from_numpy(k), E.from_numpy(b)), *pool)
    weights = rng.normal(size=tuple(pooled.shape)).astype(dtype)
    fused = gradients(conv_relu, pool, x, k, b, weights, extra_reader=False)
    plain = gradients(conv_relu, pool, x, k, b, weights, extra_reader=True)
    # Input and kernel gradients come from the same routed, masked cotangent: the same bits.
    np.testing.assert_array_equal(fused[0], plain[0])
    np.testing.assert_array_equal(fused[1], plain[1])
    # The bias gradient sums the same values in another order.
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(fused[2], plain[2], rtol=tol, atol=tol)


def test_dense_relu_pool_gradients_equal_the_plain_path():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 6, 6, 5)).astype("float32")
    k = rng.normal(size=(5, 16)).astype("float32")
    b = rng.normal(size=16).astype("float32")
    pool = ([2, 2], [2, 2], [0, 0], [0, 0])
    weights = rng.normal(size=(2, 3, 3, 16)).astype("float32")
    fused = gradients(dense_relu, pool, x, k, b, weights, extra_reader=False)
    plain = gradients(dense_relu, pool, x, k, b, weights, extra_reader=True)
    np.testing.assert_array_equal(fused[0], plain[0])
    np.testing.assert_array_equal(fused[1], plain[1])
    np.testing.assert_allclose(fused[2], plain[2], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("geometry", [GEOMETRIES[1], GEOMETRIES[3]])
def test_conv_relu_pool_gradients_match_finite_differences(geometry):
    shape, *pool = geometry
    rng = np.random.default_rng(2)
    x, k = conv_case(shape, "float64", rng)
    b = rng.normal(size=shape[3]) * 0.1
    pooled_shape = tuple(E.max_pool(E.from_numpy(np.zeros(
        (shape[0], shape[1], shape[2], shape[3]))), *pool).shape)
    weights = rng.normal(size=pooled_shape)
    grads = gradients(conv_relu, pool, x, k, b, weights, extra_reader=False)

    def forward():
        y = conv_relu(E.from_numpy(x), E.from_numpy(k), E.from_numpy(b))
        return E.max_pool(y, *pool).numpy()

    for value, grad in zip((x, k, b), grads):
        coords = rng.choice(value.size, size=min(value.size, 40), replace=False)
        numeric = central_differences(forward, value, weights, coords)
        np.testing.assert_allclose(grad.reshape(-1)[coords], numeric, atol=1e-6)


def test_nan_windows_get_no_gradient_on_either_path():
    rng = np.random.default_rng(3)
    x, k = conv_case((1, 6, 6, 16), "float32", rng)
    x[0, 1, 1, 0] = np.nan  # poisons the relu outputs whose window covers it
    b = rng.normal(size=16).astype("float32")
    pool = ([2, 2], [2, 2], [0, 0], [0, 0])
    weights = rng.normal(size=(1, 3, 3, 16)).astype("float32")
    fused = gradients(conv_relu, pool, x, k, b, weights, extra_reader=False)
    plain = gradients(conv_relu, pool, x, k, b, weights, extra_reader=True)
    for f, p in zip(fused[:2], plain[:2]):
        np.testing.assert_array_equal(f, p)
    np.testing.assert_allclose(fused[2], plain[2], rtol=1e-5, atol=1e-5)


def test_watched_relu_output_keeps_its_own_gradient():
    # A gradient requested for the relu output itself is the routed, unmasked cotangent.
    rng = np.random.default_rng(4)
    x, k = conv_case((1, 4, 4, 16), "float32", rng)
    b = np.full(16, -0.5, "float32")
    pool = ([2, 2], [2, 2], [0, 0], [0, 0])
    weights = rng.normal(size=(1, 2, 2, 16)).astype("float32")
    kv = keras.Variable(k)
    with keras.GradientTape() as tape:
        y = conv_relu(E.from_numpy(x), kv.value, E.from_numpy(b))
        tape.watch(y)
        loss = ops.sum(E.max_pool(y, *pool) * weights)
    dy, dk = tape.gradient(loss, [y, kv])
    routed = E.max_pool_adjoint(y, E.max_pool(y, *pool), E.from_numpy(weights), *pool).numpy()
    np.testing.assert_array_equal(dy.numpy(), routed)
    masked = np.where(y.numpy() > 0, routed, 0)
    want_dk = E.conv2d_filter_grad(E.from_numpy(x), E.from_numpy(masked)).numpy()
    np.testing.assert_allclose(dk.numpy(), want_dk, rtol=1e-6, atol=1e-6)
