"""Whole-sequence recurrences as single engine calls (the fused paths of LSTM, GRU and
SimpleRNN; keras_like's own, not part of `keras.ops`).

Each takes the input projection of every step, xproj (batch, time, gates * units), the
recurrent kernel (units, gates * units), the initial states (batch, units), an optional
(batch, time) mask (a masked step carries the states through) and `reverse` (go_backwards:
per-step outputs come back in processing order).
"""

from keras_like.ops._base import E, tensor


def _mask(mask):
    return None if mask is None else E.cast(tensor(mask), "bool")


def lstm_sequence(xproj, recurrent_kernel, h0, c0, mask=None, reverse=False):
    """Every step's (h, c) of an LSTM, gate order i, f, c, o: two (batch, time, units)."""
    hs, cs, _ = E.lstm_sequence(tensor(xproj), tensor(recurrent_kernel), tensor(h0),
                                tensor(c0), mask=_mask(mask), reverse=reverse)
    return hs, cs


def gru_sequence(xproj, recurrent_kernel, recurrent_bias, h0, mask=None, reverse=False):
    """Every step's h of a GRU (gate order z, r, h): (batch, time, units).

    With a `recurrent_bias` (3 * units) the GRU is reset_after (Keras's default); with None it
    is the reset-before GRU (`reset_after=False`), whose bias is all in `xproj`.
    """
    rbias = None if recurrent_bias is None else tensor(recurrent_bias)
    hs, _ = E.gru_sequence(tensor(xproj), tensor(recurrent_kernel), rbias, tensor(h0),
                           mask=_mask(mask), reverse=reverse)
    return hs


def simple_rnn_sequence(xproj, recurrent_kernel, h0, activation="tanh", mask=None,
                        reverse=False):
    """Every step's h of `h = activation(xproj_t + h @ recurrent_kernel)`."""
    return E.simple_rnn_sequence(tensor(xproj), tensor(recurrent_kernel), tensor(h0),
                                 activation=activation, mask=_mask(mask), reverse=reverse)
