"""max_pool, max_pool_adjoint and max_pool_gather: the engine primitives under `ops.max_pool`
for floats, against NumPy maxima over sliding windows written from the definition."""

import numpy as np
import pytest
from child_process import assert_clear_errors
from gradcheck import central_differences
from numpy.lib.stride_tricks import sliding_window_view

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

GEOMETRIES = [
    # input shape, window, strides, before, after
    ((2, 9, 3), (2,), (2,), (0,), (0,)),
    ((2, 7, 6, 5), (3, 2), (2, 1), (1, 0), (1, 1)),
    ((1, 8, 8, 70), (2, 2), (2, 2), (0, 0), (0, 0)),  # more channels than one block of 64
    ((2, 7, 10, 3), (2, 3), (2, 3), (0, 0), (0, 0)),  # tiling windows, a row and a column left
    ((1, 6, 6, 3), (3, 3), (1, 1), (1, 1), (1, 1)),  # overlapping windows
    ((1, 4, 5, 6, 2), (2, 2, 3), (1, 2, 1), (0, 1, 2), (1, 0, 1)),
]


def reference(x, window, strides, before, after):
    n = len(window)
    padded = np.pad(x, [(0, 0), *zip(before, after), (0, 0)], constant_values=-np.inf)
    views = sliding_window_view(padded, window, axis=tuple(range(1, n + 1)))
    views = views[(slice(None), *(slice(None, None, s) for s in strides))]
    return views.max(axis=tuple(range(-n, 0)))


def reference_gradient(x, window, strides, before, after, ct):
    """Each window's cotangent goes to its first maximum in row-major window order."""
    padded = np.pad(x, [(0, 0), *zip(before, after), (0, 0)], constant_values=-np.inf)
    grad = np.zeros_like(padded)
    for index in np.ndindex(*ct.shape[:-1]):
        b, out = index[0], index[1:]
        for c in range(x.shape[-1]):
            start = [o * s for o, s in zip(out, strides)]
            window_values = padded[(b, *(slice(st, st + w) for st, w in zip(start, window)), c)]
            first = np.unravel_index(np.argmax(window_values), window)
            grad[(b, *(st + f for st, f in zip(start, first)), c)] += ct[(*index, c)]
    return grad[(slice(None), *(slice(lo, lo + m) for lo, m in zip(before, x.shape[1:-1])))]


def reference_gather(x, window, strides, before, after, c):
    """c read back at each window's first maximum (the adjoint's transpose)."""
    padded = np.pad(x, [(0, 0), *zip(before, after), (0, 0)], constant_values=-np.inf)
    c_padded = np.pad(c, [(0, 0), *zip(before, after), (0, 0)])
    out = np.zeros(reference(x, window, strides, before, after).shape, x.dtype)
    for index in np.ndindex(*out.shape[:-1]):
        b, position = index[0], index[1:]
        start = [o * s for o, s in zip(position, strides)]
        region = (b, *(slice(st, st + w) for st, w in zip(start, window)))
        for ch in range(x.shape[-1]):
            first = np.unravel_index(np.argmax(padded[(*region, ch)]), window)
            out[(*index, ch)] = c_padded[(b, *(st + f for st, f in zip(start, first)), ch)]
    return out


def _args(geometry):
    return [list(v) for v in geometry[1:]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_forward_and_adjoint_match_numpy(geometry, dtype):
    rng = np.random.default_rng(0)
    x = rng.normal(size=geometry[0]).astype(dtype)
    y = E.max_pool(E.from_numpy(x), *_args(geometry))
    expected = reference(x, *geometry[1:])
    np.testing.assert_array_equal(y.numpy(), expected)
    ct = rng.normal(size=expected.shape).astype(dtype)
    back = E.max_pool_adjoint(E.from_numpy(x), y, E.from_numpy(ct), *_args(geometry))
    np.testing.assert_allclose(back.numpy(), reference_gradient(x, *geometry[1:], ct),
                               rtol=1e-6, atol=1e-6)


def test_gradient_matches_finite_differences():
    x = np.random.default_rng(1).normal(size=(2, 5, 6, 3))
    geometry = (x.shape, (3, 2), (2, 2), (1, 0), (1, 1))
    weights = np.random.default_rng(2).normal(size=reference(x, *geometry[1:]).shape)
    v = keras.Variable(x)
    with keras.GradientTape() as tape:
        total = ops.sum(E.max_pool(v.value, *_args(geometry)) * weights)
    grad = tape.gradient(total, v).numpy()
    numeric, eps = np.zeros_like(x), 1e-6
    for i in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = np.sum((reference(up, *geometry[1:]) - reference(down, *geometry[1:]))
                            * weights) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, atol=1e-7)


def test_nan_propagates_forward():
    x = np.ones((1, 4, 4, 2), "float32")
    x[0, 1, 0, 1] = np.nan
    y = E.max_pool(E.from_numpy(x), [2, 2], [2, 2], [0, 0], [0, 0]).numpy()
    assert np.isnan(y[0, 0, 0, 1]) and np.sum(np.isnan(y)) == 1


def test_results_do_not_depend_on_threads():
    x = np.round(np.random.default_rng(3).normal(size=(3, 20, 20, 70)), 1).astype("float32")
    ct = np.random.default_rng(4).normal(size=(3, 18, 18, 70)).astype("float32")
    results, before = [], E.num_threads()
    try:
        for threads in (1, 3):
            keras.config.set_num_threads(threads)
            y = E.max_pool(E.from_numpy(x), [3, 3], [1, 1], [0, 0], [0, 0])
            results.append(E.max_pool_adjoint(E.from_numpy(x), y, E.from_numpy(ct), [3, 3],
                                              [1, 1], [0, 0], [0, 0]).numpy())
    finally:
        keras.config.set_num_threads(before)
    np.testing.assert_array_equal(results[0], results[1])


_X = "ops.convert_to_tensor(np.ones((1, 4, 4, 2), 'float32'))"
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_gather_matches_numpy_and_is_the_adjoints_transpose(geometry, dtype):
    rng = np.random.default_rng(4)
    x = rng.normal(size=geometry[0]).astype(dtype)
    y = E.max_pool(E.from_numpy(x), *_args(geometry))
    c = rng.normal(size=x.shape).astype(dtype)
    gathered = E.max_pool_gather(E.from_numpy(x), y, E.from_numpy(c), *_args(geometry)).numpy()
    np.testing.assert_array_equal(gathered, reference_gather(x, *geometry[1:], c))
    ct = rng.normal(size=gathered.shape).astype(dtype)
    routed = E.max_pool_adjoint(E.from_numpy(x), y, E.from_numpy(ct), *_args(geometry)).numpy()
    tol = 1e-4 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(np.sum(routed * c, dtype=np.float64),
                               np.sum(ct * gathered, dtype=np.float64), rtol=tol)


@pytest.mark.parametrize("geometry", [GEOMETRIES[1], GEOMETRIES[4]])
def test_second_order_gradient_matches_finite_differences(geometry):
    # s(x) = sum(grad_x sum(max_pool(x)^3) * v): its gradient goes through the adjoint's vjp.
    rng = np.random.default_rng(5)
    x = rng.normal(size=geometry[0])
    v = rng.normal(size=x.shape)

    def first_order(values):
        xv = keras.Variable(values)
        with keras.GradientTape() as tape:
            total = ops.sum(E.max_pool(xv.value, *_args(geometry)) ** 3)
        return tape.gradient(total, xv)

    xv = keras.Variable(x)
    with keras.GradientTape() as outer:
        with keras.GradientTape() as inner:
            total = ops.sum(E.max_pool(xv.value, *_args(geometry)) ** 3)
        s = ops.sum(inner.gradient(total, xv) * v)
    got = outer.gradient(s, xv).numpy()
    coords = rng.choice(x.size, size=40, replace=False)
    numeric = central_differences(lambda: first_order(x).numpy(), x, v, coords)
    np.testing.assert_allclose(got.reshape(-1)[coords], numeric, atol=1e-6)


_E = "__import__('keras_like.backend.engine', fromlist=['_engine'])._engine"
BAD_CALLS = {
    "zero stride": "E.max_pool(X, [2, 2], [0, 1], [0, 0], [0, 0])",
    "negative window": "E.max_pool(X, [-2, 2], [1, 1], [0, 0], [0, 0])",
    "padding as large as the window": "E.max_pool(X, [2, 2], [1, 1], [2, 0], [0, 0])",
    "rank mismatch": "E.max_pool(X, [2], [1], [0], [0])",
    "integer input": "E.max_pool(E.cast(X, 'int32'), [2, 2], [1, 1], [0, 0], [0, 0])",
    "huge padding": "E.max_pool(X, [2, 2], [1, 1], [2**40, 0], [0, 2**40])",
    "overflowing int": "E.max_pool(X, [2**70, 2], [1, 1], [0, 0], [0, 0])",
    "adjoint wrong pooled shape": "E.max_pool_adjoint(X, X, X, [2, 2], [2, 2], [0, 0], [0, 0])",
    "gather wrong pooled shape": "E.max_pool_gather(X, X, X, [2, 2], [2, 2], [0, 0], [0, 0])",
    "gather wrong values shape": "E.max_pool_gather(X, E.max_pool(X, [2, 2], [2, 2], [0, 0], "
                                 "[0, 0]), E.max_pool(X, [2, 2], [2, 2], [0, 0], [0, 0]), "
                                 "[2, 2], [2, 2], [0, 0], [0, 0])",
}


def test_hostile_arguments_raise_clear_errors():
    assert_clear_errors({label: code.replace("E.", _E + ".").replace("X", _X)
                         for label, code in BAD_CALLS.items()}, "max_pool")


def test_window_longer_than_the_input_gives_an_empty_result():
    x = E.from_numpy(np.ones((1, 4, 4, 2), "float32"))
    assert E.max_pool(x, [2**31, 2], [1, 1], [0, 0], [0, 0]).numpy().shape == (1, 0, 3, 2)
