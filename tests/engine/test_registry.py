"""The kernel table and the gradient table cover every primitive."""

import math

import numpy as np
import pytest
from helpers import check_op, random_array

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

LINALG_KINDS = {"cholesky", "triangular_solve", "lu", "qr", "svd", "eigh"}
OP_KINDS = dict(E.op_kinds())


def _kind_param(name):
    if name in LINALG_KINDS and not OP_KINDS[name]:
        # Another change is adding these kernels; the test starts passing when it lands.
        return pytest.param(name, marks=pytest.mark.xfail(strict=False,
                                                          reason="linalg kernels in progress"))
    return name


def test_op_kinds_are_unique_and_named():
    names = [name for name, _ in E.op_kinds()]
    assert len(names) == len(set(names))
    assert all(isinstance(n, str) and n for n in names)
    for expected in ("unary", "binary", "reduce", "matmul", "slice", "random", "sort"):
        assert expected in names


# Metadata-only kinds: their outputs are views of an input (or of precomputed outputs for
# custom_vjp), so the dispatcher never runs a kernel for them.
VIEW_KINDS = {"reshape", "transpose", "slice", "broadcast_to", "custom_vjp"}


@pytest.mark.parametrize("kind", [_kind_param(n) for n in OP_KINDS if n not in VIEW_KINDS])
def test_every_op_kind_has_a_cpu_kernel(kind):
    assert OP_KINDS[kind], f"[{kind}] has no CPU kernel"


def test_view_kinds_are_really_views():
    assert VIEW_KINDS <= set(OP_KINDS)
    x = ops.convert_to_tensor(np.arange(24.0).reshape(2, 3, 4))
    for view in (E.reshape(x, [6, 4]), E.transpose(x, [2, 0, 1]),
                 E.slice(x, [1, 0, 3], [2, 3, -1], [1, 2, -1]), E.broadcast_to(x, [5, 2, 3, 4])):
        assert view.same_storage(x)
    out = x * 2.0
    (wrapped,) = E.custom_vjp([x], [out], lambda cts: cts)
    assert wrapped.same_storage(out)


# ---------------------------------------------------------------------------------------------
# Every element-wise engine function, classified. New engine functions must be added here.

def _erfinv_by_bisection(y):
    """Independent oracle: invert math.erf by bisection to full double precision."""
    lo, hi = -6.0, 6.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if math.erf(mid) < y:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _digamma_from_lgamma(x):
    """Independent oracle: d lgamma / dx by Richardson-extrapolated central differences."""
    def central(h):
        return (math.lgamma(x + h) - math.lgamma(x - h)) / (2 * h)

    h = 1e-3
    return (4 * central(h / 2) - central(h)) / 3


def _vec(fn):
    return lambda x: np.vectorize(lambda v: float(fn(v)))(x)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# name -> (NumPy reference, low, high): differentiable with a real (non-zero) gradient.
DIFFERENTIABLE_UNARY = {
    "abs": (np.abs, 0.1, 2.0),
    "negative": (np.negative, -2, 2),
    "exp": (np.exp, -2, 2),
    "expm1": (np.expm1, -2, 2),
    "log": (np.log, 0.2, 3),
    "log1p": (np.log1p, -0.5, 2),
    "sqrt": (np.sqrt, 0.2, 3),
    "rsqrt": (lambda x: 1 / np.sqrt(x), 0.2, 3),
    "square": (np.square, -2, 2),
    "reciprocal": (np.reciprocal, 0.3, 3),
    "sin": (np.sin, -3, 3),
    "cos": (np.cos, -3, 3),
    "tan": (np.tan, -1.2, 1.2),
    "arcsin": (np.arcsin, -0.9, 0.9),
    "arccos": (np.arccos, -0.9, 0.9),
    "arctan": (np.arctan, -3, 3),
    "sinh": (np.sinh, -2, 2),
    "cosh": (np.cosh, -2, 2),
    "tanh": (np.tanh, -2, 2),
    "arcsinh": (np.arcsinh, -2, 2),
    "arccosh": (np.arccosh, 1.2, 3),
    "arctanh": (np.arctanh, -0.9, 0.9),
    "sigmoid": (_sigmoid, -4, 4),
    "softplus": (lambda x: np.logaddexp(0.0, x), -4, 4),
    "relu": (lambda x: np.maximum(x, 0.0), -2, 2),
    "erf": (_vec(math.erf), -2, 2),
    "erfinv": (_vec(_erfinv_by_bisection), -0.9, 0.9),
    "lgamma": (_vec(math.lgamma), 0.2, 4),
    "digamma": (_vec(_digamma_from_lgamma), 0.2, 4),
}

# Float in, float out, but piecewise constant: the gradient is zero (or None, as in TF).
ZERO_GRAD_UNARY = {"floor": np.floor, "ceil": np.ceil, "round": np.round, "sign": np.sign}

# Predicates and logic: bool / int outputs that never carry a gradient.
NON_DIFFERENTIABLE_UNARY = {
    "isnan": (np.isnan, "float64"), "isinf": (np.isinf, "float64"),
    "isfinite": (np.isfinite, "float64"), "logical_not": (np.logical_not, "bool"),
    "bitwise_invert": (np.invert, "int32"),
}

DIFFERENTIABLE_BINARY = {
    "add": (np.add, (-2, 2), (-2, 2)),
    "subtract": (np.subtract, (-2, 2), (-2, 2)),
    "multiply": (np.multiply, (-2, 2), (-2, 2)),
    "divide": (np.divide, (-2, 2), (0.5, 2)),
    "power": (np.power, (0.3, 2), (-2, 2)),
    "maximum": (np.maximum, (-2, 2), (-2, 2)),
    "minimum": (np.minimum, (-2, 2), (-2, 2)),
    "mod": (np.mod, (0.1, 3), (0.7, 1.3)),
    "arctan2": (np.arctan2, (-2, 2), (0.3, 2)),
}

ZERO_GRAD_BINARY = {"floor_divide": np.floor_divide}

NON_DIFFERENTIABLE_BINARY = {
    "equal": (np.equal, "float64"), "not_equal": (np.not_equal, "float64"),
    "less": (np.less, "float64"), "less_equal": (np.less_equal, "float64"),
    "greater": (np.greater, "float64"), "greater_equal": (np.greater_equal, "float64"),
    "logical_and": (np.logical_and, "bool"), "logical_or": (np.logical_or, "bool"),
    "logical_xor": (np.logical_xor, "bool"),
    "bitwise_and": (np.bitwise_and, "int32"), "bitwise_or": (np.bitwise_or, "int32"),
    "bitwise_xor": (np.bitwise_xor, "int32"),
    "left_shift": (np.left_shift, "int32"), "right_shift": (np.right_shift, "int32"),
}

# Engine functions that are not element-wise (covered by test_autograd and the op tests).
NOT_ELEMENTWISE = {
    "Tensor", "arange", "arg_reduce", "assign", "blas_config", "blas_core_name",
    "broadcast_to", "cached_bytes", "cast", "concatenate", "copy", "cumulative",
    "default_num_threads", "empty", "empty_cache", "enter_no_grad", "exit_no_grad", "from_numpy",
    "full", "grad", "is_recording", "log_softmax", "matmul", "num_threads", "op_kinds", "pad",
    "pop_recording", "promote_types", "push_recording", "random", "reduce", "reshape",
    "result_dtype", "scalar", "scatter", "scatter_along_axis", "set_num_threads", "simd_isa",
    "slice", "softmax", "sort", "take", "take_along_axis", "transpose", "where",
    "cuda_device_count", "custom_vjp", "optimizer_update", "random_from_state", "dispatch_count",
    "host_read_count", "patches", "patches_adjoint", "max_pool",
    "max_pool_adjoint", "max_pool_gather", "bias_activation", "bias_activation_grad", "conv2d",
    "conv2d_bias_activation", "conv2d_filter_grad", "lstm_sequence", "gru_sequence",
    "simple_rnn_sequence", "dot_product_attention",
    "set_op_timing", "op_timings", "start_op_trace", "stop_op_trace", "Graph", "begin_capture",
    "end_capture", "abort_capture", "is_capturing", "set_host_read_hook",
}

ELEMENTWISE_TABLES = [DIFFERENTIABLE_UNARY, ZERO_GRAD_UNARY, NON_DIFFERENTIABLE_UNARY,
                      DIFFERENTIABLE_BINARY, ZERO_GRAD_BINARY, NON_DIFFERENTIABLE_BINARY]


def test_every_elementwise_engine_function_is_classified():
    public = {n for n in dir(E) if not n.startswith("_")}
    classified = set().union(*ELEMENTWISE_TABLES)
    # Anything else the engine exports (linalg and later additions) must be non-element-wise
    # or listed in one of the tables above.
    unknown = public - classified - NOT_ELEMENTWISE
    unknown = {n for n in unknown if not _looks_structural(n)}
    assert not unknown, f"classify these engine functions: {sorted(unknown)}"
    missing = classified - public
    assert not missing, f"tables name functions the engine lacks: {sorted(missing)}"


def _looks_structural(name):
    # Linear-algebra primitives arrive in a separate change with their own tests.
    return any(k in name for k in ("cholesky", "triangular", "lu", "qr", "svd", "eig", "solve",
                                   "linalg", "cuda"))


NO_VJP = {"digamma": "digamma has no vjp (needs trigamma / polygamma(1, x))"}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=NO_VJP[n])) if n in NO_VJP else n
    for n in sorted(DIFFERENTIABLE_UNARY)
])
def test_differentiable_unary(name):
    np_fn, low, high = DIFFERENTIABLE_UNARY[name]
    check_op(getattr(E, name), np_fn, [(2, 3)], dtype="float64", low=low, high=high,
             rtol=1e-9, atol=1e-12, grad_rtol=1e-5, grad_atol=1e-6)


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE_BINARY))
def test_differentiable_binary(name):
    np_fn, (lo1, hi1), (lo2, hi2) = DIFFERENTIABLE_BINARY[name]
    a = random_array((2, 3), "float64", lo1, hi1)
    b = random_array((3,), "float64", lo2, hi2)
    check_op(getattr(E, name), np_fn, [], arrays=[a, b], dtype="float64", rtol=1e-9,
             atol=1e-12)


def _grad_or_zero(fn, arrays):
    tensors = [ops.convert_to_tensor(a) for a in arrays]
    with keras.GradientTape() as tape:
        tape.watch(tensors)
        y = fn(*tensors)
    grads = tape.gradient(y, tensors)
    return y, grads


@pytest.mark.parametrize("name", sorted(ZERO_GRAD_UNARY))
def test_zero_gradient_unary(name):
    x = random_array((2, 3), "float64", -3, 3)
    y, (g,) = _grad_or_zero(getattr(E, name), [x])
    assert y.dtype == "float64"
    np.testing.assert_array_equal(y.numpy(), ZERO_GRAD_UNARY[name](x))
    assert g is None or not np.any(g.numpy())


@pytest.mark.parametrize("name", sorted(ZERO_GRAD_BINARY))
def test_zero_gradient_binary(name):
    a = random_array((2, 3), "float64", -3, 3)
    b = random_array((3,), "float64", 0.5, 2)
    y, grads = _grad_or_zero(getattr(E, name), [a, b])
    np.testing.assert_array_equal(y.numpy(), ZERO_GRAD_BINARY[name](a, b))
    for g in grads:
        assert g is None or not np.any(g.numpy())


def _inputs(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype == "int32":
        return rng.integers(0, 8, size=shape).astype(np.int32)
    a = rng.uniform(-2, 2, size=shape)
    a[0, 0] = np.nan
    a[0, 1] = np.inf
    a[1, 0] = 1.0
    return a


@pytest.mark.parametrize("name", sorted(NON_DIFFERENTIABLE_UNARY))
def test_non_differentiable_unary(name):
    np_fn, dtype = NON_DIFFERENTIABLE_UNARY[name]
    x = _inputs(dtype, (2, 3), 0)
    t = ops.convert_to_tensor(x)
    t.requires_grad = True
    with keras.GradientTape():
        y = getattr(E, name)(t)
    assert y.dtype in ("bool", "int32")
    assert not y.has_grad_node
    np.testing.assert_array_equal(y.numpy(), np_fn(x))


@pytest.mark.parametrize("name", sorted(NON_DIFFERENTIABLE_BINARY))
def test_non_differentiable_binary(name):
    np_fn, dtype = NON_DIFFERENTIABLE_BINARY[name]
    a, b = _inputs(dtype, (2, 3), 1), _inputs(dtype, (2, 3), 2)
    if dtype == "float64":
        b[1, 0] = 1.0  # one exact tie for the comparisons
    if name in ("left_shift", "right_shift"):
        b = b % 5
    ta, tb = ops.convert_to_tensor(a), ops.convert_to_tensor(b)
    ta.requires_grad = tb.requires_grad = True
    with keras.GradientTape():
        y = getattr(E, name)(ta, tb)
    assert y.dtype in ("bool", "int32")
    assert not y.has_grad_node
    np.testing.assert_array_equal(y.numpy(), np_fn(a, b))
