"""The fused paths of LSTM, GRU and SimpleRNN: one engine call over the whole sequence.

The input projection of every step is one GEMM before the loop; the engine then runs the
recurrence (one GEMM with the recurrent kernel per step plus the gates) with masks and
go_backwards handled inside (src/ops/recurrent.cpp). Results follow Keras's RNN semantics, so
a layer gives what `RNN(cell)` gives with the same weights.
"""

from keras_like import activations, ops
from keras_like.layers.rnn import time_loop
from keras_like.ops import recurrent

_SIMPLE_ACTIVATIONS = {activations.tanh: "tanh", activations.sigmoid: "sigmoid",
                       activations.relu: "relu", activations.linear: "linear"}


def supports(cell, sequences, training):
    """Whether the fused loop computes exactly what the cell's step-by-step loop would."""
    if sequences.dtype not in ("float32", "float64") or sequences.ndim != 3:
        return False
    if training and cell.recurrent_dropout > 0:
        return False
    kind = type(cell).__name__
    if kind == "LSTMCell":
        return cell.activation is activations.tanh and \
            cell.recurrent_activation is activations.sigmoid
    if kind == "GRUCell":
        return cell.activation is activations.tanh and \
            cell.recurrent_activation is activations.sigmoid
    return cell.activation in _SIMPLE_ACTIVATIONS


def run(cell, sequences, initial_state, mask, training, go_backwards, zero_output_for_mask):
    """(last_output, outputs, states) of the cell's layer, computed by one engine call."""
    mask = time_loop.step_mask(mask)
    dropout_mask = None
    if training and cell.dropout > 0:
        dropout_mask = cell.get_dropout_mask(sequences[:, 0, :])
    kind = type(cell).__name__
    u = cell.recurrent_kernel
    if kind == "LSTMCell":
        xproj = _projection(sequences, cell.kernel, cell.bias, dropout_mask)
        hs, cs = recurrent.lstm_sequence(xproj, u, initial_state[0], initial_state[1],
                                         mask=mask, reverse=go_backwards)
        states = [hs[:, -1], cs[:, -1]]
    elif kind == "GRUCell":
        input_bias = rbias = None
        if not cell.reset_after:
            input_bias = cell.bias  # all of it before the product; no recurrent bias
        elif cell.use_bias:
            input_bias, rbias = cell.bias[0], cell.bias[1]
        else:
            rbias = ops.zeros((3 * cell.units,), dtype=sequences.dtype)
        xproj = _projection(sequences, cell.kernel, input_bias, dropout_mask)
        hs = recurrent.gru_sequence(xproj, u, rbias, initial_state[0], mask=mask,
                                    reverse=go_backwards)
        states = [hs[:, -1]]
    else:
        xproj = _projection(sequences, cell.kernel, cell.bias, dropout_mask)
        hs = recurrent.simple_rnn_sequence(xproj, u, initial_state[0],
                                           activation=_SIMPLE_ACTIVATIONS[cell.activation],
                                           mask=mask, reverse=go_backwards)
        states = [hs[:, -1]]
    outputs = hs
    if mask is not None and zero_output_for_mask:
        keep = ops.flip(mask, 1) if go_backwards else mask
        outputs = ops.where(ops.expand_dims(keep, -1), hs, ops.zeros_like(hs))
    return outputs[:, -1], outputs, states


def _projection(sequences, kernel, bias, dropout_mask):
    """x @ kernel + bias for every step at once: (batch, time, gates * units)."""
    x = sequences
    if dropout_mask is not None:
        x = x * ops.expand_dims(dropout_mask, 1)
    batch, steps, features = x.shape
    z = ops.matmul(ops.reshape(x, (batch * steps, features)), kernel)
    if bias is not None:
        z = z + bias
    return ops.reshape(z, (batch, steps, z.shape[-1]))
