"""lstm_sequence: an LSTM layer's whole recurrence as one engine call each way, against a NumPy
loop written from the equations (Keras's gate order i, f, c, o) and float64 finite
differences."""

import numpy as np
import pytest
from child_process import assert_clear_errors
from gradcheck import central_differences

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def reference(xproj, u, h0, c0):
    batch, steps, four_units = xproj.shape
    units = four_units // 4
    h, c = h0.astype(np.float64), c0.astype(np.float64)
    hs, cs = np.zeros((batch, steps, units)), np.zeros((batch, steps, units))
    for t in range(steps):
        z = xproj[:, t] + h @ u
        i, f = sigmoid(z[:, :units]), sigmoid(z[:, units:2 * units])
        g, o = np.tanh(z[:, 2 * units:3 * units]), sigmoid(z[:, 3 * units:])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs[:, t], cs[:, t] = h, c
    return hs, cs


def case(batch, steps, units, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(batch, steps, 4 * units)).astype(dtype),
            (rng.normal(size=(units, 4 * units)) * 0.5).astype(dtype),
            rng.normal(size=(batch, units)).astype(dtype),
            rng.normal(size=(batch, units)).astype(dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(1, 1, 1), (3, 7, 5), (37, 4, 16), (2, 0, 3), (0, 3, 2)])
def test_forward_matches_numpy(shape, dtype):
    arrays = case(*shape, dtype)
    hs, cs, gates = E.lstm_sequence(*[E.from_numpy(a) for a in arrays])
    want_h, want_c = reference(*arrays)
    tol = 2e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(hs.numpy(), want_h, rtol=tol, atol=tol)
    np.testing.assert_allclose(cs.numpy(), want_c, rtol=tol, atol=tol)
    assert gates.shape == (shape[0], shape[1], 4 * shape[2])


def test_gradients_match_finite_differences():
    arrays = [a.copy() for a in case(3, 5, 4, "float64", seed=1)]
    rng = np.random.default_rng(2)
    w_h, w_c = rng.normal(size=(3, 5, 4)), rng.normal(size=(3, 5, 4))
    variables = [keras.Variable(a) for a in arrays]
    with keras.GradientTape() as tape:
        hs, cs, _ = E.lstm_sequence(*[v.value for v in variables])
        total = ops.sum(hs * w_h) + ops.sum(cs * w_c)
    grads = tape.gradient(total, variables)

    def evaluate():
        hs, cs = reference(*arrays)
        return np.stack([hs, cs])

    weights = np.stack([w_h, w_c])
    for value, grad in zip(arrays, grads):
        coords = rng.choice(value.size, size=min(value.size, 30), replace=False)
        numeric = central_differences(evaluate, value, weights, coords)
        np.testing.assert_allclose(grad.numpy().reshape(-1)[coords], numeric, atol=1e-7)


def test_results_do_not_depend_on_the_thread_count():
    arrays = [E.from_numpy(a) for a in case(40, 6, 8, "float32", seed=3)]
    runs = []
    for threads in (1, 2):
        keras.config.set_num_threads(threads)
        variables = [keras.Variable(a.numpy()) for a in arrays]
        with keras.GradientTape() as tape:
            hs, _, _ = E.lstm_sequence(*[v.value for v in variables])
            total = ops.sum(hs * hs)
        runs.append([hs.numpy()] + [g.numpy() for g in tape.gradient(total, variables)])
    keras.config.set_num_threads(2)
    for first, second in zip(*runs):
        np.testing.assert_array_equal(first, second)


_E = "__import__('keras_like.backend.engine', fromlist=['_engine'])._engine"
_Z = "__import__('numpy').zeros"
BAD_CALLS = {
    "kernel not 4 * units wide": f"E.lstm_sequence(E.from_numpy({_Z}((2, 3, 8), 'float32')), "
                                 f"E.from_numpy({_Z}((2, 6), 'float32')), "
                                 f"E.from_numpy({_Z}((2, 2), 'float32')), "
                                 f"E.from_numpy({_Z}((2, 2), 'float32')))",
    "state of the wrong batch": f"E.lstm_sequence(E.from_numpy({_Z}((2, 3, 8), 'float32')), "
                                f"E.from_numpy({_Z}((2, 8), 'float32')), "
                                f"E.from_numpy({_Z}((5, 2), 'float32')), "
                                f"E.from_numpy({_Z}((2, 2), 'float32')))",
    "integer input": f"E.lstm_sequence(E.from_numpy({_Z}((2, 3, 8), 'int32')), "
                     f"E.from_numpy({_Z}((2, 8), 'int32')), E.from_numpy({_Z}((2, 2), 'int32')), "
                     f"E.from_numpy({_Z}((2, 2), 'int32')))",
    "rank 2 input": f"E.lstm_sequence(E.from_numpy({_Z}((2, 8), 'float32')), "
                    f"E.from_numpy({_Z}((2, 8), 'float32')), "
                    f"E.from_numpy({_Z}((2, 2), 'float32')), "
                    f"E.from_numpy({_Z}((2, 2), 'float32')))",
}


def test_bad_arguments_raise_clear_errors():
    assert_clear_errors({label: code.replace("E.", _E + ".") for label, code in BAD_CALLS.items()},
                        "lstm_sequence")
