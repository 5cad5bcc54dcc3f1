"""lstm_sequence, gru_sequence, simple_rnn_sequence: a whole recurrent layer as one engine call
each way, against NumPy loops written from Keras's equations (gate orders i, f, c, o and
z, r, h; a masked step carries the states through; go_backwards runs the steps from the last
and keeps outputs in processing order) and float64 finite differences."""

import numpy as np
import pytest
from child_process import assert_clear_errors
from gradcheck import central_differences

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


ACTIVATIONS = {"tanh": np.tanh, "sigmoid": sigmoid, "relu": lambda v: np.maximum(v, 0),
               "linear": lambda v: v}


def run_steps(step, xproj, states, mask, reverse):
    """Runs step(x_t, states) -> states over time; returns every step's states, stacked."""
    steps = xproj.shape[1]
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    history = []
    for t in order:
        new = step(xproj[:, t], states)
        if mask is not None:
            keep = mask[:, t:t + 1]
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
        states = new
        history.append(states)
    return [np.stack([h[i] for h in history], 1) if history else
            np.zeros((xproj.shape[0], 0, states[i].shape[1])) for i in range(len(states))]


def lstm_reference(xproj, u, h0, c0, mask=None, reverse=False):
    units = u.shape[0]

    def step(x, states):
        h, c = states
        z = x + h @ u
        i, f = sigmoid(z[:, :units]), sigmoid(z[:, units:2 * units])
        g, o = np.tanh(z[:, 2 * units:3 * units]), sigmoid(z[:, 3 * units:])
        c = f * c + i * g
        return [o * np.tanh(c), c]

    return run_steps(step, xproj, [h0, c0], mask, reverse)


def gru_reference(xproj, u, rbias, h0, mask=None, reverse=False):
    units = u.shape[0]

    def step(x, states):
        (h,) = states
        rec = h @ u + rbias
        z = sigmoid(x[:, :units] + rec[:, :units])
        r = sigmoid(x[:, units:2 * units] + rec[:, units:2 * units])
        candidate = np.tanh(x[:, 2 * units:] + r * rec[:, 2 * units:])
        return [z * h + (1 - z) * candidate]

    return run_steps(step, xproj, [h0], mask, reverse)


def gru_reset_before_reference(xproj, u, h0, mask=None, reverse=False):
    """Keras's reset_after=False: the reset gate scales h before the candidate's product."""
    units = u.shape[0]

    def step(x, states):
        (h,) = states
        zr = sigmoid(x[:, :2 * units] + h @ u[:, :2 * units])
        z, r = zr[:, :units], zr[:, units:]
        candidate = np.tanh(x[:, 2 * units:] + (r * h) @ u[:, 2 * units:])
        return [z * h + (1 - z) * candidate]

    return run_steps(step, xproj, [h0], mask, reverse)


def simple_reference(xproj, u, h0, activation="tanh", mask=None, reverse=False):
    def step(x, states):
        return [ACTIVATIONS[activation](x + states[0] @ u)]

    return run_steps(step, xproj, [h0], mask, reverse)


GATES = {"lstm": 4, "gru": 3, "gru_reset_before": 3, "simple": 1}


def case(kind, batch, steps, units, dtype, seed=0, masked=False):
    rng = np.random.default_rng(seed)
    g = GATES[kind]
    arrays = {"xproj": rng.normal(size=(batch, steps, g * units)),
              "u": rng.normal(size=(units, g * units)) * 0.5}
    if kind == "gru":
        arrays["rbias"] = rng.normal(size=(g * units,))
    arrays["h0"] = rng.normal(size=(batch, units))
    if kind == "lstm":
        arrays["c0"] = rng.normal(size=(batch, units))
    arrays = {k: v.astype(dtype) for k, v in arrays.items()}
    mask = rng.random((batch, steps)) > 0.35 if masked else None
    return arrays, mask


def engine_call(kind, arrays, mask=None, reverse=False, activation="tanh"):
    tensors = [a if isinstance(a, E.Tensor) else E.from_numpy(a) for a in arrays.values()]
    m = None if mask is None else E.from_numpy(mask)
    if kind == "lstm":
        hs, cs, _ = E.lstm_sequence(*tensors, mask=m, reverse=reverse)
        return [hs, cs]
    if kind == "gru":
        hs, _ = E.gru_sequence(*tensors, mask=m, reverse=reverse)
        return [hs]
    if kind == "gru_reset_before":  # no recurrent bias selects reset_after=False
        hs, _ = E.gru_sequence(tensors[0], tensors[1], None, tensors[2], mask=m, reverse=reverse)
        return [hs]
    return [E.simple_rnn_sequence(*tensors, activation=activation, mask=m, reverse=reverse)]


def reference_call(kind, arrays, mask=None, reverse=False, activation="tanh"):
    a = {k: v.astype(np.float64) for k, v in arrays.items()}
    if kind == "lstm":
        return lstm_reference(*a.values(), mask=mask, reverse=reverse)
    if kind == "gru":
        return gru_reference(*a.values(), mask=mask, reverse=reverse)
    if kind == "gru_reset_before":
        return gru_reset_before_reference(*a.values(), mask=mask, reverse=reverse)
    return simple_reference(*a.values(), activation=activation, mask=mask, reverse=reverse)


KINDS = ["lstm", "gru", "gru_reset_before", "simple"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
# (19, 3, 20) and (37, 4, 16): row blocks with a remainder, and column groups of whole vectors
# plus leftover columns in the per-step products on every instruction set.
@pytest.mark.parametrize("shape", [(1, 1, 1), (3, 7, 5), (37, 4, 16), (19, 3, 20), (2, 0, 3),
                                   (0, 3, 2)])
def test_forward_matches_numpy(kind, shape, dtype):
    arrays, _ = case(kind, *shape, dtype)
    got = engine_call(kind, arrays)
    tol = 2e-5 if dtype == "float32" else 1e-12
    for g, want in zip(got, reference_call(kind, arrays)):
        np.testing.assert_allclose(g.numpy(), want, rtol=tol, atol=tol)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_masks_and_reverse_match_numpy(kind, reverse, masked):
    arrays, mask = case(kind, 19, 6, 5, "float64", seed=4, masked=masked)
    got = engine_call(kind, arrays, mask, reverse)
    for g, want in zip(got, reference_call(kind, arrays, mask, reverse)):
        np.testing.assert_allclose(g.numpy(), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
def test_simple_rnn_activations_match_numpy(activation):
    arrays, mask = case("simple", 5, 6, 4, "float64", seed=5, masked=True)
    got = engine_call("simple", arrays, mask, activation=activation)
    want = reference_call("simple", arrays, mask, activation=activation)
    np.testing.assert_allclose(got[0].numpy(), want[0], rtol=1e-12, atol=1e-12)


GRAD_CASES = [(k, r, m, a) for k in KINDS for r in (False, True) for m in (False, True)
              for a in (["tanh", "sigmoid", "relu"] if k == "simple" and not r and m else
                        ["tanh"])]


def _check_gradients(kind, reverse, masked, activation, batch, steps, units):
    arrays, mask = case(kind, batch, steps, units, "float64", seed=1, masked=masked)
    arrays = {k: v.copy() for k, v in arrays.items()}
    rng = np.random.default_rng(2)
    weights = [rng.normal(size=(batch, steps, units))
               for _ in range(2 if kind == "lstm" else 1)]
    variables = [keras.Variable(a) for a in arrays.values()]
    with keras.GradientTape() as tape:
        outs = engine_call(kind, {k: v.value for k, v in zip(arrays, variables)}, mask, reverse,
                           activation)
        total = sum(ops.sum(o * w) for o, w in zip(outs, weights))
    grads = tape.gradient(total, variables)

    def evaluate():
        return np.stack(reference_call(kind, arrays, mask, reverse, activation))

    for value, grad in zip(arrays.values(), grads):
        coords = rng.choice(value.size, size=min(value.size, 30), replace=False)
        numeric = central_differences(evaluate, value, np.stack(weights), coords)
        np.testing.assert_allclose(grad.numpy().reshape(-1)[coords], numeric, atol=1e-7)


@pytest.mark.parametrize("kind,reverse,masked,activation", GRAD_CASES)
def test_gradients_match_finite_differences(kind, reverse, masked, activation):
    _check_gradients(kind, reverse, masked, activation, 3, 5, 4)


@pytest.mark.parametrize("kind", KINDS)
def test_gradients_match_finite_differences_across_register_blocks(kind):
    # 19 rows and 20 units: the per-step products run full and partial row blocks and whole
    # vectors plus leftover columns, forward and backward.
    _check_gradients(kind, True, True, "tanh", 19, 3, 20)


@pytest.mark.parametrize("kind", KINDS)
def test_results_do_not_depend_on_the_thread_count(kind):
    arrays, mask = case(kind, 40, 6, 8, "float32", seed=3, masked=True)
    runs = []
    for threads in (1, 2):
        keras.config.set_num_threads(threads)
        variables = [keras.Variable(a) for a in arrays.values()]
        with keras.GradientTape() as tape:
            outs = engine_call(kind, {k: v.value for k, v in zip(arrays, variables)}, mask)
            total = ops.sum(outs[0] * outs[0])
        runs.append([outs[0].numpy()] + [g.numpy() for g in tape.gradient(total, variables)])
    keras.config.set_num_threads(2)
    for first, second in zip(*runs):
        np.testing.assert_array_equal(first, second)


_E = "__import__('keras_like.backend.engine', fromlist=['_engine'])._engine"


def _z(shape, dtype="float32"):
    return f"E.from_numpy(__import__('numpy').zeros({shape}, '{dtype}'))"


BAD_CALLS = {
    "kernel not 4 * units wide": ("lstm_sequence", f"E.lstm_sequence({_z((2, 3, 8))}, "
                                  f"{_z((2, 6))}, {_z((2, 2))}, {_z((2, 2))})"),
    "state of the wrong batch": ("lstm_sequence", f"E.lstm_sequence({_z((2, 3, 8))}, "
                                 f"{_z((2, 8))}, {_z((5, 2))}, {_z((2, 2))})"),
    "integer input": ("lstm_sequence", f"E.lstm_sequence({_z((2, 3, 8), 'int32')}, "
                      f"{_z((2, 8), 'int32')}, {_z((2, 2), 'int32')}, {_z((2, 2), 'int32')})"),
    "rank 2 input": ("lstm_sequence", f"E.lstm_sequence({_z((2, 8))}, {_z((2, 8))}, "
                     f"{_z((2, 2))}, {_z((2, 2))})"),
    "mask of the wrong shape": ("lstm_sequence", f"E.lstm_sequence({_z((2, 3, 8))}, "
                                f"{_z((2, 8))}, {_z((2, 2))}, {_z((2, 2))}, "
                                f"mask={_z((3, 2), 'bool')})"),
    "float mask": ("gru_sequence", f"E.gru_sequence({_z((2, 3, 6))}, {_z((2, 6))}, {_z((6,))}, "
                   f"{_z((2, 2))}, mask={_z((2, 3))})"),
    "gru bias of the wrong size": ("gru_sequence", f"E.gru_sequence({_z((2, 3, 6))}, "
                                   f"{_z((2, 6))}, {_z((4,))}, {_z((2, 2))})"),
    "reset-before state of the wrong size": ("gru_sequence", f"E.gru_sequence({_z((2, 3, 6))}, "
                                             f"{_z((2, 6))}, None, {_z((2, 3))})"),
    "simple kernel not square": ("simple_rnn_sequence", f"E.simple_rnn_sequence({_z((2, 3, 2))}, "
                                 f"{_z((2, 3))}, {_z((2, 2))})"),
    "unknown activation": ("simple_rnn_sequence", f"E.simple_rnn_sequence({_z((2, 3, 2))}, "
                           f"{_z((2, 2))}, {_z((2, 2))}, activation='gelu')"),
}


@pytest.mark.parametrize("op", ["lstm_sequence", "gru_sequence", "simple_rnn_sequence"])
def test_bad_arguments_raise_clear_errors(op):
    calls = {label: code.replace("E.", _E + ".") for label, (name, code) in BAD_CALLS.items()
             if name == op}
    assert_clear_errors(calls, op)
