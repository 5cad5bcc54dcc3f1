"""NumPy recurrent layers written from Keras's equations (FORMATS.md, keras.src.layers.rnn):
the oracle of the RNN layer tests. Weights come in Keras's layout and order."""

import numpy as np


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def lstm_step(units):
    def step(x, states, kernel, recurrent_kernel, bias=None):
        h, c = states
        z = x @ kernel + h @ recurrent_kernel + (0 if bias is None else bias)
        i, f = sigmoid(z[:, :units]), sigmoid(z[:, units:2 * units])
        g, o = np.tanh(z[:, 2 * units:3 * units]), sigmoid(z[:, 3 * units:])
        c = f * c + i * g
        h = o * np.tanh(c)
        return h, [h, c]
    return step


def gru_step(units, reset_after=True):
    def step(x, states, kernel, recurrent_kernel, bias=None):
        (h,) = states
        if bias is None:
            input_bias, recurrent_bias = 0, 0
        elif reset_after:
            input_bias, recurrent_bias = bias[0], bias[1]
        else:
            input_bias, recurrent_bias = bias, 0
        xz = x @ kernel + input_bias
        if reset_after:
            rec = h @ recurrent_kernel + recurrent_bias
            z = sigmoid(xz[:, :units] + rec[:, :units])
            r = sigmoid(xz[:, units:2 * units] + rec[:, units:2 * units])
            candidate = np.tanh(xz[:, 2 * units:] + r * rec[:, 2 * units:])
        else:
            rec = h @ recurrent_kernel[:, :2 * units]
            z = sigmoid(xz[:, :units] + rec[:, :units])
            r = sigmoid(xz[:, units:2 * units] + rec[:, units:])
            candidate = np.tanh(xz[:, 2 * units:] + (r * h) @ recurrent_kernel[:, 2 * units:])
        h = z * h + (1 - z) * candidate
        return h, [h]
    return step


def simple_step(activation=np.tanh):
    def step(x, states, kernel, recurrent_kernel, bias=None):
        h = activation(x @ kernel + states[0] @ recurrent_kernel + (0 if bias is None else bias))
        return h, [h]
    return step


def run(step, x, weights, initial_states, mask=None, go_backwards=False,
        zero_output_for_mask=False):
    """(last_output, outputs (batch, time, units), final states), outputs in processing order."""
    x = np.asarray(x, np.float64)
    weights = [np.asarray(w, np.float64) for w in weights]
    states = [np.asarray(s, np.float64) for s in initial_states]
    order = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    outputs, previous = [], np.zeros_like(states[0])
    for t in order:
        out, new = step(x[:, t], states, *weights)
        if mask is not None:
            keep = mask[:, t:t + 1]
            out = np.where(keep, out, 0 if zero_output_for_mask else states[0])
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
        states, previous = new, out
        outputs.append(out)
    return previous, np.stack(outputs, 1), states


def zeros_states(batch, units, count):
    return [np.zeros((batch, units)) for _ in range(count)]
