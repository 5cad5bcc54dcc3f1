"""ConvLSTM3D: a convolutional LSTM over sequences of 3-D inputs."""

from keras_like.layers.rnn.conv_lstm import ConvLSTM


class ConvLSTM3D(ConvLSTM):
    """3D convolutional LSTM: an LSTM whose input and recurrent transformations are
    convolutions (Shi et al., 2015, without the peephole connections).

    Args:
        filters: Channels of the output (the number of convolution filters).
        kernel_size, strides, dilation_rate: An int or 3 ints. `strides > 1` and
            `dilation_rate > 1` cannot be combined.
        padding: "valid" or "same" (case-insensitive), of the input convolution; the
            recurrent convolution is always "same".
        data_format: "channels_last", inputs (batch, time, dim1, dim2, dim3, channels), or
            "channels_first", inputs (batch, time, channels, dim1, dim2, dim3) (default: the
            configured `image_data_format`).
        activation: Candidate and output activation (default tanh).
        recurrent_activation: Gate activation (default sigmoid).
        use_bias: Whether the layer has a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: Initializers of the
            `kernel`, `recurrent_kernel` and `bias` weights.
        unit_forget_bias: Start the forget gate's bias at 1.
        kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer:
            Regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: Constraints.
        dropout, recurrent_dropout: Fractions of the inputs / recurrent state dropped in
            training (one mask per gate, drawn once per sequence).
        seed: Seed of the dropout masks.
        return_sequences: Return every step's output instead of the last one.
        return_state: Also return the final states `h` and `c`.
        go_backwards: Process the sequence from its last step.
        stateful: Carry the final states of a batch into the next one.
        unroll: Accepted for Keras compatibility (the loop runs step by step either way).

    Call arguments: `sequences`, `initial_state` ([h, c]), `mask` (batch, time), `training`.

    Example:
    >>> ConvLSTM3D(5, kernel_size=3)(np.ones((2, 3, 4, 4, 4, 2), "float32")).shape
    (2, 2, 2, 2, 5)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        super().__init__(
            rank=3, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=padding, data_format=data_format, dilation_rate=dilation_rate,
            activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
