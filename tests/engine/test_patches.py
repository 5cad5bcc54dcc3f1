"""patches (im2col) and patches_adjoint (col2im): the engine primitives under convolution and
pooling, against a NumPy reference written from the definition."""

import itertools

import numpy as np
import pytest
from child_process import assert_clear_errors

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

GEOMETRIES = [
    # input shape, window, strides, dilation, before, after
    ((2, 7, 3), (3,), (2,), (1,), (1,), (1,)),
    ((1, 5, 2), (5,), (1,), (1,), (0,), (0,)),
    ((3, 9, 1), (2,), (3,), (2,), (2,), (0,)),
    ((2, 6, 5, 3), (3, 2), (1, 2), (2, 1), (1, 0), (2, 1)),
    ((1, 8, 8, 4), (3, 3), (2, 2), (1, 1), (1, 1), (1, 1)),
    ((2, 4, 4, 2), (1, 1), (1, 1), (1, 1), (0, 0), (0, 0)),
    ((1, 4, 5, 6, 2), (2, 2, 3), (1, 2, 1), (1, 1, 2), (0, 1, 2), (1, 0, 1)),
    ((2, 3, 3, 3), (5, 5), (1, 1), (1, 1), (0, 0), (0, 0)),  # window longer: no positions
]


def reference_patches(x, window, strides, dilation, before, after):
    n = len(window)
    padded = np.pad(x, [(0, 0)] + list(zip(before, after)) + [(0, 0)])
    outs = [max(0, (padded.shape[i + 1] - dilation[i] * (window[i] - 1) - 1) // strides[i] + 1)
            if padded.shape[i + 1] >= dilation[i] * (window[i] - 1) + 1 else 0
            for i in range(n)]
    result = np.zeros([x.shape[0], *outs, int(np.prod(window)) * x.shape[-1]], x.dtype)
    for o in itertools.product(*[range(k) for k in outs]):
        features = []
        for k in itertools.product(*[range(w) for w in window]):
            at = tuple(o[i] * strides[i] + k[i] * dilation[i] for i in range(n))
            features.append(padded[(slice(None), *at, slice(None))])
        result[(slice(None), *o, slice(None))] = np.concatenate(features, -1)
    return result


def _call(x, geometry):
    _, window, strides, dilation, before, after = geometry
    return E.patches(ops.convert_to_tensor(x), list(window), list(strides), list(dilation),
                     list(before), list(after))


@pytest.mark.parametrize("geometry", GEOMETRIES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32", "uint8"])
def test_patches_match_numpy(geometry, dtype):
    x = (np.random.default_rng(0).normal(size=geometry[0]) * 10).astype(dtype)
    np.testing.assert_array_equal(_call(x, geometry).numpy(),
                                  reference_patches(x, *geometry[1:]))


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_adjoint_is_the_transpose(geometry):
    rng = np.random.default_rng(1)
    x = rng.normal(size=geometry[0])
    forward = reference_patches(x, *geometry[1:])
    y = rng.normal(size=forward.shape)
    _, window, strides, dilation, before, after = geometry
    back = E.patches_adjoint(ops.convert_to_tensor(y), list(geometry[0]), list(window),
                             list(strides), list(dilation), list(before), list(after)).numpy()
    assert back.shape == x.shape
    # <P x, y> = <x, P^T y> for every x, y: the adjoint of the gather.
    np.testing.assert_allclose(np.sum(forward * y), np.sum(x * back), rtol=1e-12, atol=1e-12)
    # And directly: P^T y scatters each row entry back where it was read from.
    expected = np.zeros_like(x)
    padded = np.pad(expected, [(0, 0)] + list(zip(before, after)) + [(0, 0)])
    n, channels = len(window), x.shape[-1]
    for o in itertools.product(*[range(k) for k in forward.shape[1:-1]]):
        for j, k in enumerate(itertools.product(*[range(w) for w in window])):
            at = tuple(o[i] * strides[i] + k[i] * dilation[i] for i in range(n))
            padded[(slice(None), *at, slice(None))] += \
                y[(slice(None), *o, slice(j * channels, (j + 1) * channels))]
    inner = tuple(slice(b, b + s) for b, s in zip(before, x.shape[1:-1]))
    np.testing.assert_allclose(back, padded[(slice(None), *inner, slice(None))], atol=1e-12)


@pytest.mark.parametrize("geometry", [GEOMETRIES[0], GEOMETRIES[3], GEOMETRIES[6]])
def test_gradients_match_finite_differences(geometry):
    rng = np.random.default_rng(2)
    x = rng.normal(size=geometry[0])
    weights = rng.normal(size=reference_patches(x, *geometry[1:]).shape)

    def loss(values):
        return float(np.sum(reference_patches(values, *geometry[1:]) * weights))

    xt = ops.convert_to_tensor(x)
    with keras.GradientTape() as tape:
        tape.watch(xt)
        out = ops.sum(_call(xt, geometry) * weights)
    grad = tape.gradient(out, xt).numpy()
    eps = 1e-6
    for index in list(np.ndindex(*x.shape))[::5]:
        step = np.zeros_like(x)
        step[index] = eps
        numeric = (loss(x + step) - loss(x - step)) / (2 * eps)
        np.testing.assert_allclose(grad[index], numeric, rtol=1e-6, atol=1e-8)
    # Second order: the adjoint's own gradient is patches again.
    y = ops.convert_to_tensor(weights)
    _, window, strides, dilation, before, after = geometry
    with keras.GradientTape() as tape:
        tape.watch(y)
        back = E.patches_adjoint(y, list(x.shape), list(window), list(strides), list(dilation),
                                 list(before), list(after))
        total = ops.sum(back * x)
    np.testing.assert_allclose(tape.gradient(total, y).numpy(),
                               reference_patches(x, *geometry[1:]), atol=1e-12)


def test_results_do_not_depend_on_threads():
    x = np.random.default_rng(3).normal(size=(3, 20, 20, 70)).astype("float32")
    geometry = (x.shape, (3, 3), (1, 1), (1, 1), (1, 1), (1, 1))
    rows = _call(x, geometry)
    sums, before = [], E.num_threads()
    try:
        for threads in (1, 3):
            keras.config.set_num_threads(threads)
            back = E.patches_adjoint(rows, list(x.shape), [3, 3], [1, 1], [1, 1], [1, 1],
                                     [1, 1])
            sums.append(back.numpy())
    finally:
        keras.config.set_num_threads(before)
    np.testing.assert_array_equal(sums[0], sums[1])


_X = "ops.convert_to_tensor(np.ones((1, 4, 4, 2), 'float32'))"
_E = "__import__('keras_like.backend.engine', fromlist=['_engine'])._engine"
BAD_CALLS = {
    "zero stride": "E.patches(X, [2, 2], [0, 1], [1, 1], [0, 0], [0, 0])",
    "negative window": "E.patches(X, [-2, 2], [1, 1], [1, 1], [0, 0], [0, 0])",
    "negative padding": "E.patches(X, [2, 2], [1, 1], [1, 1], [-1, 0], [0, 0])",
    "rank mismatch": "E.patches(X, [2], [1], [1], [0], [0])",
    "entries mismatch": "E.patches(X, [2, 2], [1], [1, 1], [0, 0], [0, 0])",
    "huge padding": "E.patches(X, [2, 2], [1, 1], [1, 1], [2**40, 2**40], [2**40, 2**40])",
    "huge window": "E.patches(X, [2**31, 2**31], [1, 1], [1, 1], [0, 0], [0, 0])",
    "overflowing int": "E.patches(X, [2**70, 2], [1, 1], [1, 1], [0, 0], [0, 0])",
    "adjoint wrong rows": "E.patches_adjoint(X, [1, 4, 4, 2], [2, 2], [1, 1], [1, 1], [0, 0],"
                          " [0, 0])",
    "adjoint int rows": "E.patches_adjoint(E.cast(X, 'int32'), [1, 5, 5, 2], [2, 2], [1, 1], "
                        "[1, 1], [0, 0], [0, 0])",
}


def test_hostile_arguments_raise_clear_errors():
    assert_clear_errors({label: code.replace("E.", _E + ".").replace("X", _X)
                         for label, code in BAD_CALLS.items()}, "patches")
