"""Test helpers: compare ops to NumPy and gradients to float64 central differences."""

import numpy as np

import keras_like as keras
from keras_like import ops

_RNG = np.random.default_rng(1234)


def random_array(shape, dtype="float32", low=-2.0, high=2.0, rng=None):
    rng = rng or _RNG
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        return rng.integers(int(low), int(high) + 1, size=shape).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(dtype)


def numerical_grad(fn, arrays, index, eps=1e-6):
    """d sum(fn(*arrays) * weights) / d arrays[index] by central differences (float64)."""
    base = [np.array(a, dtype=np.float64) for a in arrays]
    out = np.asarray(fn(*[ops.convert_to_tensor(a) for a in base]).numpy(), dtype=np.float64)
    weights = np.random.default_rng(7).uniform(0.5, 1.5, size=out.shape)
    grad = np.zeros_like(base[index])
    flat = grad.reshape(-1)
    target = base[index].reshape(-1)
    for i in range(target.size):
        old = target[i]
        target[i] = old + eps
        plus = np.sum(np.asarray(fn(*[ops.convert_to_tensor(a) for a in base]).numpy()) * weights)
        target[i] = old - eps
        minus = np.sum(np.asarray(fn(*[ops.convert_to_tensor(a) for a in base]).numpy()) * weights)
        target[i] = old
        flat[i] = (plus - minus) / (2 * eps)
    return grad, weights


def analytic_grad(fn, arrays, weights):
    tensors = [ops.convert_to_tensor(np.array(a, dtype=np.float64)) for a in arrays]
    with keras.GradientTape() as tape:
        tape.watch(tensors)
        y = fn(*tensors)
        loss = ops.sum(ops.multiply(y, ops.convert_to_tensor(weights)))
    return [None if g is None else g.numpy() for g in tape.gradient(loss, tensors)]


def check_op(fn, np_fn, shapes, grad=True, dtype="float32", rtol=None, atol=None,
             low=-2.0, high=2.0, grad_args=None, arrays=None, grad_rtol=1e-5, grad_atol=1e-6):
    """Checks fn against np_fn on random inputs, then its gradient against finite differences.

    `shapes` lists input shapes; `grad_args` limits which inputs are differentiated.
    Returns the forward result for further assertions.
    """
    if arrays is None:
        arrays = [random_array(s, dtype, low, high) for s in shapes]
    result = fn(*[ops.convert_to_tensor(a) for a in arrays])
    expected = np_fn(*arrays)
    got = ops.convert_to_numpy(result)
    if rtol is None:
        rtol = {"float16": 1e-2, "bfloat16": 2e-2, "float32": 1e-5, "float64": 1e-10}.get(dtype, 0)
    if atol is None:
        atol = {"float16": 1e-2, "bfloat16": 2e-2, "float32": 1e-6, "float64": 1e-12}.get(dtype, 0)
    np.testing.assert_allclose(got, np.asarray(expected), rtol=rtol, atol=atol)
    assert tuple(result.shape) == tuple(np.shape(expected)), (result.shape, np.shape(expected))
    if grad:
        indices = range(len(arrays)) if grad_args is None else grad_args
        for i in indices:
            numeric, weights = numerical_grad(fn, arrays, i)
            analytic = analytic_grad(fn, arrays, weights)[i]
            assert analytic is not None, f"no gradient for input {i}"
            np.testing.assert_allclose(analytic, numeric, rtol=grad_rtol, atol=grad_atol,
                                       err_msg=f"gradient of input {i}")
    return result
