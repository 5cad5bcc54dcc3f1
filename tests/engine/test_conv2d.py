"""conv2d and conv2d_filter_grad: the direct stride-1 2-D convolution under `ops.conv`,
against NumPy sums over sliding windows written from the definition, and float64 finite
differences."""

import numpy as np
import pytest
from child_process import assert_clear_errors
from gradcheck import central_differences
from numpy.lib.stride_tricks import sliding_window_view

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E


def reference(x, w):
    """y[n, i, j, f] = sum over (a, b, c) of x[n, i + a, j + b, c] * w[a, b, c, f]."""
    windows = sliding_window_view(x, w.shape[:2], axis=(1, 2))  # (N, OH, OW, C, KH, KW)
    return np.einsum("nijcab,abcf->nijf", windows.astype(np.float64), w.astype(np.float64))


def reference_filter_grad(x, g):
    kh, kw = x.shape[1] - g.shape[1] + 1, x.shape[2] - g.shape[2] + 1
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))
    return np.einsum("nijcab,nijf->abcf", windows.astype(np.float64), g.astype(np.float64))


SHAPES = [
    # x shape, kernel shape: channel counts exercise 1 to 4 vectors of outputs, several
    # blocks, the scalar tail (F not a multiple of the vector), rows shorter than a block,
    # tap counts that do not fill the last block, and more than one filter-gradient chunk.
    ((2, 7, 9, 1), (3, 3, 1, 32)),
    ((3, 6, 5, 3), (2, 3, 3, 16)),
    ((1, 5, 5, 16), (3, 3, 16, 48)),
    ((2, 4, 12, 5), (1, 1, 5, 80)),
    ((2, 3, 3, 4), (3, 3, 4, 64)),      # one output pixel per image
    ((1, 6, 7, 2), (2, 2, 2, 5)),       # only the scalar tail
    ((1, 5, 6, 3), (3, 2, 3, 20)),      # a vector and a tail
    ((12, 12, 12, 8), (3, 3, 8, 16)),   # 12 images of 100 pixels: two chunks
]
TOLERANCE = {"float32": 2e-5, "float64": 1e-12}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("x_shape, k_shape", SHAPES)
def test_forward_and_filter_gradient_match_numpy(x_shape, k_shape, dtype):
    rng = np.random.default_rng(0)
    x = rng.normal(size=x_shape).astype(dtype)
    w = rng.normal(size=k_shape).astype(dtype)
    y = E.conv2d(E.from_numpy(x), E.from_numpy(w)).numpy()
    want = reference(x, w)
    scale = np.sqrt(np.prod(k_shape[:3]))
    np.testing.assert_allclose(y, want, rtol=0, atol=TOLERANCE[dtype] * scale)
    g = rng.normal(size=want.shape).astype(dtype)
    dw = E.conv2d_filter_grad(E.from_numpy(x), E.from_numpy(g)).numpy()
    assert dw.shape == k_shape
    np.testing.assert_allclose(dw, reference_filter_grad(x, g), rtol=0,
                               atol=TOLERANCE[dtype] * np.sqrt(g.size))


@pytest.mark.parametrize("channels", [3, 16])  # col2im route and the flipped-kernel route
def test_gradients_match_finite_differences(channels):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 5, 4, channels))
    w = rng.normal(size=(3, 2, channels, 16))
    weights = rng.normal(size=reference(x, w).shape)
    xv, wv = keras.Variable(x), keras.Variable(w)
    with keras.GradientTape() as tape:
        total = ops.sum(E.conv2d(xv.value, wv.value) * weights)
    grads = [t.numpy() for t in tape.gradient(total, [xv, wv])]
    for value, grad in zip((x, w), grads):
        numeric = central_differences(lambda: reference(x, w), value, weights,
                                      np.arange(value.size))
        np.testing.assert_allclose(grad, numeric.reshape(value.shape), atol=1e-6)


def test_filter_gradient_is_differentiable():
    # Second order (a gradient penalty): d/dx and d/dg of sum(dw * c), checked against the
    # bilinear reference with finite differences in float64.
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 4, 5, 16))
    g = rng.normal(size=(2, 3, 3, 16))
    c = rng.normal(size=(2, 3, 16, 16))
    xv, gv = keras.Variable(x), keras.Variable(g)
    with keras.GradientTape() as tape:
        total = ops.sum(E.conv2d_filter_grad(xv.value, gv.value) * c)
    dx, dg = (t.numpy() for t in tape.gradient(total, [xv, gv]))
    # Linear in each argument: the gradient is the reference applied to unit vectors.
    probe_x = np.zeros_like(x)
    probe_x[1, 2, 3, 5] = 1.0
    probe_g = np.zeros_like(g)
    probe_g[0, 1, 2, 7] = 1.0
    np.testing.assert_allclose(dx[1, 2, 3, 5], np.sum(reference_filter_grad(probe_x, g) * c),
                               atol=1e-10)
    np.testing.assert_allclose(dg[0, 1, 2, 7], np.sum(reference_filter_grad(x, probe_g) * c),
                               atol=1e-10)
    np.testing.assert_allclose(dg, reference(x, c), atol=1e-10)


def test_results_do_not_depend_on_threads():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 13, 13, 32)).astype("float32")
    w = rng.normal(size=(3, 3, 32, 64)).astype("float32")
    g = rng.normal(size=(40, 11, 11, 64)).astype("float32")
    results, before = [], E.num_threads()
    try:
        for threads in (1, 3):
            keras.config.set_num_threads(threads)
            results.append((E.conv2d(E.from_numpy(x), E.from_numpy(w)).numpy(),
                            E.conv2d_filter_grad(E.from_numpy(x), E.from_numpy(g)).numpy()))
    finally:
        keras.config.set_num_threads(before)
    for first, second in zip(*results):
        assert first.tobytes() == second.tobytes()


def test_ops_conv_takes_the_direct_path_and_matches_numpy():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 7, 6, 3)).astype("float32")
    w = rng.normal(size=(3, 3, 3, 32)).astype("float32")
    before = E.dispatch_count("conv2d")
    y = ops.conv(x, w, padding="same").numpy()
    assert E.dispatch_count("conv2d") - before == 1
    padded = np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)])
    np.testing.assert_allclose(y, reference(padded, w), atol=1e-4)
    before = E.dispatch_count("conv2d")
    ops.conv(x, w, strides=2)  # strided: im2col
    ops.conv(x, w[..., :10])   # filters not a multiple of 16: im2col
    assert E.dispatch_count("conv2d") == before


def test_empty_inputs():
    x = E.from_numpy(np.zeros((0, 5, 5, 3), "float32"))
    w = E.from_numpy(np.ones((3, 3, 3, 16), "float32"))
    assert E.conv2d(x, w).numpy().shape == (0, 3, 3, 16)
    g = E.from_numpy(np.zeros((0, 3, 3, 16), "float32"))
    np.testing.assert_array_equal(E.conv2d_filter_grad(x, g).numpy(), np.zeros((3, 3, 3, 16)))
    no_channels = E.conv2d(E.from_numpy(np.ones((1, 4, 4, 0), "float32")),
                           E.from_numpy(np.ones((2, 2, 0, 16), "float32")))
    np.testing.assert_array_equal(no_channels.numpy(), np.zeros((1, 3, 3, 16)))


_E = "__import__('keras_like.backend.engine', fromlist=['_engine'])._engine"
_X = f"{_E}.from_numpy(np.ones((1, 4, 4, 2), 'float32'))"
BAD_CALLS = {
    "kernel larger than the input": "E.conv2d(X, E.from_numpy(np.ones((5, 1, 2, 16), 'float32')))",
    "channel mismatch": "E.conv2d(X, E.from_numpy(np.ones((2, 2, 3, 16), 'float32')))",
    "rank mismatch": "E.conv2d(X, E.from_numpy(np.ones((2, 2, 16), 'float32')))",
    "integer input": "E.conv2d(E.cast(X, 'int32'), E.from_numpy(np.ones((2, 2, 2, 16), 'int32')))",
    "dtype mismatch": "E.conv2d(X, E.from_numpy(np.ones((2, 2, 2, 16))))",
    "zero-size kernel window": "E.conv2d(X, E.from_numpy(np.ones((0, 2, 2, 16), 'float32')))",
    "filter grad batch mismatch":
        "E.conv2d_filter_grad(X, E.from_numpy(np.ones((2, 3, 3, 16), 'float32')))",
    "filter grad cotangent larger than x":
        "E.conv2d_filter_grad(X, E.from_numpy(np.ones((1, 5, 3, 16), 'float32')))",
}


def test_hostile_arguments_raise_clear_errors():
    assert_clear_errors({label: code.replace("E.", _E + ".").replace("X", _X)
                         for label, code in BAD_CALLS.items()}, "conv2d")


@pytest.mark.parametrize("with_bias", [True, False])
@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_fused_bias_and_activation_match_numpy_and_finite_differences(activation, with_bias):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 5, 6, 3))
    w = rng.normal(size=(2, 3, 3, 16))
    bias = rng.normal(size=16)

    def numpy_forward(x_, w_, b_):
        y = reference(x_, w_) + (b_ if with_bias else 0)
        return np.maximum(y, 0) if activation == "relu" else y

    xv, wv, bv = keras.Variable(x), keras.Variable(w), keras.Variable(bias)
    weights = rng.normal(size=numpy_forward(x, w, bias).shape)
    with keras.GradientTape() as tape:
        y = E.conv2d_bias_activation(xv.value, wv.value, bv.value if with_bias else None,
                                     activation)
        total = ops.sum(y * weights)
    np.testing.assert_allclose(y.numpy(), numpy_forward(x, w, bias), atol=1e-12)
    sources = [xv, wv, bv] if with_bias else [xv, wv]
    grads = [t.numpy() for t in tape.gradient(total, sources)]
    for value, grad in zip((x, w, bias), grads):
        numeric = central_differences(lambda: numpy_forward(x, w, bias), value, weights,
                                      np.arange(value.size))
        np.testing.assert_allclose(grad, numeric.reshape(value.shape), atol=1e-6)


@pytest.mark.parametrize("filters", [16, 20])  # the vector epilogue and the scalar tail
def test_fused_relu_passes_nan_like_the_relu_primitive(filters):
    x = np.ones((1, 2, 2, 1), "float32")
    w = np.ones((1, 1, 1, filters), "float32")
    bias = np.full(filters, -2.0, "float32")
    bias[[1, -1]] = np.nan
    y = E.conv2d_bias_activation(E.from_numpy(x), E.from_numpy(w), E.from_numpy(bias),
                                 "relu").numpy()
    assert np.isnan(y[..., [1, -1]]).all() and (y[..., 0] == 0).all()


def test_fused_arguments_are_checked():
    assert_clear_errors({
        "bias of the wrong length": (
            f"{_E}.conv2d_bias_activation({_X}, {_E}.from_numpy(np.ones((2, 2, 2, 16), "
            f"'float32')), {_E}.from_numpy(np.ones(8, 'float32')), 'relu')"),
        "unknown activation": (
            f"{_E}.conv2d_bias_activation({_X}, {_E}.from_numpy(np.ones((2, 2, 2, 16), "
            f"'float32')), None, 'gelu')"),
    }, "conv2d")


@pytest.mark.parametrize("top, bottom", [(1, 1), (2, 0), (0, 2), (1, 2)])
@pytest.mark.parametrize("channels", [3, 16])  # the col2im and the direct input gradient
def test_implicit_row_padding_matches_explicit_zero_rows(top, bottom, channels):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 4, 5, channels))
    w = rng.normal(size=(3, 2, channels, 16))
    bias = rng.normal(size=16)
    padded = np.pad(x, [(0, 0), (top, bottom), (0, 0), (0, 0)])
    want = np.maximum(reference(padded, w) + bias, 0)
    xv, wv, bv = keras.Variable(x), keras.Variable(w), keras.Variable(bias)
    weights = rng.normal(size=want.shape)
    with keras.GradientTape() as tape:
        y = E.conv2d_bias_activation(xv.value, wv.value, bv.value, "relu", top, bottom)
        total = ops.sum(y * weights)
    np.testing.assert_allclose(y.numpy(), want, atol=1e-12)
    dx, dw, db = (t.numpy() for t in tape.gradient(total, [xv, wv, bv]))
    # The same gradients through explicit zero rows (the unpadded direct kernel).
    pv = keras.Variable(padded)
    with keras.GradientTape() as tape:
        total = ops.sum(E.conv2d_bias_activation(pv.value, wv.value, bv.value, "relu") * weights)
    dp, dw_ref, db_ref = (t.numpy() for t in tape.gradient(total, [pv, wv, bv]))
    np.testing.assert_allclose(dx, dp[:, top:top + x.shape[1]], atol=1e-12)
    np.testing.assert_allclose(dw, dw_ref, atol=1e-12)
    np.testing.assert_allclose(db, db_ref, atol=1e-12)
    # And the input gradient against finite differences of the NumPy forward.
    i = (1, 0, 2, channels - 1)
    numeric = central_differences(
        lambda: np.maximum(reference(np.pad(x, [(0, 0), (top, bottom), (0, 0), (0, 0)]), w)
                           + bias, 0),
        x, weights, [np.ravel_multi_index(i, x.shape)])
    np.testing.assert_allclose(dx[i], numeric[0], atol=1e-6)


def test_implicit_row_padding_is_checked():
    w = f"{_E}.from_numpy(np.ones((2, 2, 2, 16), 'float32'))"
    assert_clear_errors({
        "padding as tall as the kernel": f"{_E}.conv2d({_X}, {w}, 2, 0)",
        "negative padding": f"{_E}.conv2d({_X}, {w}, 0, -1)",
    }, "conv2d")
