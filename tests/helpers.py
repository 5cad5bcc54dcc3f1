"""Test helpers: ops against NumPy (values, dtypes, float64 and float32 gradients against
float64 central differences) and `run_layer_test` (layer_check.py)."""

import numpy as np
from gradcheck import central_differences, cotangent_like, random_array
from layer_check import run_layer_test  # noqa: F401  (re-exported for the layer tests)

import keras_like as keras
from keras_like import ops

__all__ = ["BROADCAST_SHAPES", "check_binary_op", "check_op", "random_array", "run_layer_test"]

# Shape pairs every element-wise binary op is checked on: equal shapes, a row against a
# matrix, an outer (column x row) broadcast, scalars on either side, and rank promotion.
BROADCAST_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((3, 1), (1, 4)), ((), (2, 3)),
                    ((2, 3), ()), ((4,), (3, 1)), ((2, 1, 3), (4, 1))]

_DEFAULT_RTOL = {"float16": 1e-2, "bfloat16": 2e-2, "float32": 1e-5, "float64": 1e-10}
_DEFAULT_ATOL = {"float16": 1e-2, "bfloat16": 2e-2, "float32": 1e-6, "float64": 1e-12}


def numerical_grad(fn, arrays, index, eps=1e-6):
    """d sum(fn(*arrays) * weights) / d arrays[index] by central differences (float64)."""
    base = [np.array(a, dtype=np.float64) for a in arrays]

    def evaluate():
        return fn(*[ops.convert_to_tensor(a) for a in base]).numpy()

    weights = cotangent_like(np.shape(evaluate()))
    target = base[index]
    grad = central_differences(evaluate, target, weights, np.arange(target.size), eps)
    return grad.reshape(target.shape), weights


def analytic_grad(fn, arrays, weights, dtype="float64"):
    """Tape gradients of sum(fn(*arrays) * weights), computed in `dtype`."""
    tensors = [ops.convert_to_tensor(np.array(a, dtype=dtype)) for a in arrays]
    with keras.GradientTape() as tape:
        tape.watch(tensors)
        y = fn(*tensors)
        loss = ops.sum(ops.multiply(y, ops.convert_to_tensor(np.asarray(weights, dtype))))
    return [None if g is None else g.numpy() for g in tape.gradient(loss, tensors)]


def check_op(fn, np_fn, shapes, grad=True, dtype="float32", rtol=None, atol=None,
             low=-2.0, high=2.0, grad_args=None, arrays=None, grad_rtol=1e-5, grad_atol=1e-6,
             expected_dtype=None, grad32_rtol=2e-3, grad32_atol=2e-4):
    """Checks fn against np_fn on random inputs, then its gradients against finite differences.

    `shapes` lists input shapes (or pass `arrays`); `grad_args` limits which inputs are
    differentiated. The output dtype must equal `expected_dtype`, by default NumPy's result
    dtype. Gradients are computed in float64 (tight tolerance) and, for float32 inputs, also
    in float32 (looser `grad32_*` tolerance), both against float64 central differences.
    Returns the forward result for further assertions.
    """
    if arrays is None:
        arrays = [random_array(s, dtype, low, high) for s in shapes]
    result = fn(*[ops.convert_to_tensor(a) for a in arrays])
    expected = np_fn(*arrays)
    got = ops.convert_to_numpy(result)
    if rtol is None:
        rtol = _DEFAULT_RTOL.get(dtype, 0)
    if atol is None:
        atol = _DEFAULT_ATOL.get(dtype, 0)
    np.testing.assert_allclose(got, np.asarray(expected), rtol=rtol, atol=atol)
    assert tuple(result.shape) == tuple(np.shape(expected)), (result.shape, np.shape(expected))
    want_dtype = np.asarray(expected).dtype if expected_dtype is None else expected_dtype
    assert str(result.dtype) == str(np.dtype(want_dtype)), (
        f"output dtype {result.dtype}, expected {np.dtype(want_dtype)}")
    if grad:
        indices = range(len(arrays)) if grad_args is None else grad_args
        for i in indices:
            numeric, weights = numerical_grad(fn, arrays, i)
            analytic = analytic_grad(fn, arrays, weights)[i]
            assert analytic is not None, f"no gradient for input {i}"
            np.testing.assert_allclose(analytic, numeric, rtol=grad_rtol, atol=grad_atol,
                                       err_msg=f"float64 gradient of input {i}")
            if np.asarray(arrays[i]).dtype == np.float32:
                analytic32 = analytic_grad(fn, arrays, weights, "float32")[i]
                assert analytic32 is not None, f"no float32 gradient for input {i}"
                assert analytic32.dtype == np.float32, analytic32.dtype
                scale = max(1.0, float(np.max(np.abs(numeric), initial=0.0)))
                np.testing.assert_allclose(analytic32, numeric, rtol=grad32_rtol,
                                           atol=grad32_atol * scale,
                                           err_msg=f"float32 gradient of input {i}")
    return result


def check_binary_op(fn, np_fn, ranges=((-2, 2), (-2, 2)), dtypes=("float64", "float32"),
                    shapes=BROADCAST_SHAPES, grad=True, **kwargs):
    """check_op on every pair of `BROADCAST_SHAPES`, inputs drawn from `ranges`, per dtype."""
    (lo1, hi1), (lo2, hi2) = ranges
    for dtype in dtypes:
        for sa, sb in shapes:
            arrays = [random_array(sa, dtype, lo1, hi1), random_array(sb, dtype, lo2, hi2)]
            check_op(fn, np_fn, [], arrays=arrays, dtype=dtype, grad=grad, **kwargs)
