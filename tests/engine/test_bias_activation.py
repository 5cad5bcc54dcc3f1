"""bias_activation and bias_activation_grad: the fused epilogue of Dense and channels-last
convolution layers, against NumPy and float64 finite differences."""

import numpy as np
import pytest
from child_process import assert_clear_errors
from gradcheck import central_differences

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

SHAPES = [(7,), (5, 3), (4, 6, 6, 33), (2, 9000, 5)]  # the last one spans several row chunks


def reference(x, bias, activation):
    y = x + bias
    return np.maximum(y, 0) if activation == "relu" else y


@pytest.mark.parametrize("activation", ["linear", "relu"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES)
def test_forward_and_gradient_match_numpy(shape, dtype, activation):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype(dtype)
    bias = rng.normal(size=shape[-1]).astype(dtype)
    ct = rng.normal(size=shape).astype(dtype)
    y = E.bias_activation(E.from_numpy(x), E.from_numpy(bias), activation)
    want = reference(x, bias, activation)
    np.testing.assert_array_equal(y.numpy(), want)
    g, db = E.bias_activation_grad(E.from_numpy(ct), y, activation)
    mask = want > 0 if activation == "relu" else np.ones(shape, bool)
    np.testing.assert_array_equal(g.numpy(), np.where(mask, ct, 0))
    want_db = np.where(mask, ct, 0).astype(np.float64).reshape(-1, shape[-1]).sum(axis=0)
    tol = 1e-4 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(db.numpy(), want_db, rtol=tol, atol=tol * np.sqrt(ct.size))


@pytest.mark.parametrize("activation", ["linear", "relu"])
def test_gradients_match_finite_differences(activation):
    rng = np.random.default_rng(1)
    # Away from the relu kink, so a central difference sees one side only.
    x = rng.normal(size=(3, 4, 5))
    x += np.where(x >= 0, 0.1, -0.1)
    bias = rng.normal(size=5) * 0.01
    weights = rng.normal(size=x.shape)
    xv, bv = keras.Variable(x), keras.Variable(bias)
    with keras.GradientTape() as tape:
        total = ops.sum(E.bias_activation(xv.value, bv.value, activation) * weights)
    grads = [t.numpy() for t in tape.gradient(total, [xv, bv])]
    for value, grad in zip((x, bias), grads):
        numeric = central_differences(lambda: reference(x, bias, activation), value, weights,
                                      np.arange(value.size))
        np.testing.assert_allclose(grad, numeric.reshape(value.shape), atol=1e-7)


def test_second_order_gradient_goes_through_the_mask():
    # d/dct of sum((g * w1)) + sum(db * w2) is mask * (w1 + w2): the grad op's own vjp.
    rng = np.random.default_rng(2)
    x = rng.normal(size=(6, 4))
    bias = rng.normal(size=4)
    y = E.bias_activation(E.from_numpy(x), E.from_numpy(bias), "relu")
    w1, w2 = rng.normal(size=(6, 4)), rng.normal(size=4)
    ct = keras.Variable(rng.normal(size=(6, 4)))
    with keras.GradientTape() as tape:
        g, db = E.bias_activation_grad(ct.value, y, "relu")
        total = ops.sum(g * w1) + ops.sum(db * w2)
    got = tape.gradient(total, ct).numpy()
    np.testing.assert_allclose(got, np.where(x + bias > 0, w1 + w2, 0), atol=1e-12)


def test_relu_passes_nan_and_masks_its_gradient():
    x = np.array([[np.nan, -1.0, 2.0]], "float32")
    y = E.bias_activation(E.from_numpy(x), E.from_numpy(np.zeros(3, "float32")), "relu")
    assert np.isnan(y.numpy()[0, 0]) and y.numpy()[0, 1] == 0 and y.numpy()[0, 2] == 2
    g, _ = E.bias_activation_grad(E.from_numpy(np.ones((1, 3), "float32")), y, "relu")
    np.testing.assert_array_equal(g.numpy(), [[0, 0, 1]])


def test_empty_rows_give_a_zero_bias_gradient():
    ct = E.from_numpy(np.zeros((0, 4), "float32"))
    g, db = E.bias_activation_grad(ct, ct, "relu")
    assert g.numpy().shape == (0, 4)
    np.testing.assert_array_equal(db.numpy(), np.zeros(4))


def test_results_do_not_depend_on_threads():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 26, 26, 32)).astype("float32")
    ct = rng.normal(size=x.shape).astype("float32")
    bias = rng.normal(size=32).astype("float32")
    results, before = [], E.num_threads()
    try:
        for threads in (1, 3):
            keras.config.set_num_threads(threads)
            y = E.bias_activation(E.from_numpy(x), E.from_numpy(bias), "relu")
            g, db = E.bias_activation_grad(E.from_numpy(ct), y, "relu")
            results.append((y.numpy(), g.numpy(), db.numpy()))
    finally:
        keras.config.set_num_threads(before)
    for first, second in zip(*results):
        assert first.tobytes() == second.tobytes()


_E = "__import__('keras_like.backend.engine', fromlist=['_engine'])._engine"
_X = f"{_E}.from_numpy(np.ones((2, 3), 'float32'))"
BAD_CALLS = {
    "bias of the wrong length": "E.bias_activation(X, E.from_numpy(np.ones(4, 'float32')), "
                                "'relu')",
    "bias of another dtype": "E.bias_activation(X, E.from_numpy(np.ones(3)), 'relu')",
    "integer input": "E.bias_activation(E.cast(X, 'int32'), E.from_numpy(np.ones(3, 'int32')), "
                     "'relu')",
    "scalar input": "E.bias_activation(E.from_numpy(np.float32(1)), X, 'relu')",
    "unknown activation": "E.bias_activation(X, E.from_numpy(np.ones(3, 'float32')), 'gelu')",
    "grad with a mismatched output": "E.bias_activation_grad(X, E.from_numpy(np.ones(3, "
                                     "'float32')), 'relu')",
}


def test_hostile_arguments_raise_clear_errors():
    assert_clear_errors({label: code.replace("E.", _E + ".").replace("X", _X)
                         for label, code in BAD_CALLS.items()}, "bias_activation")
