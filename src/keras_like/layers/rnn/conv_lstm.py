"""ConvLSTM: the N-D convolutional LSTM layer behind ConvLSTM1D, ConvLSTM2D and ConvLSTM3D.

The time loop is the generic one of `RNN(cell)` (time_loop.run over ops.scan), so masks,
initial states, go_backwards and stateful layers behave as for any RNN; each step is a
`ConvLSTMCell` whose convolutions are `ops.conv` engine calls.
"""

from keras_like import activations, constraints, initializers, regularizers, tree
from keras_like.layers._arg_checks import dimension
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.rnn.conv_lstm_cell import ConvLSTMCell
from keras_like.layers.rnn.rnn import RNN

# The cell's arguments, which the layer shows as read-only attributes (Keras's properties).
_CELL_ATTRIBUTES = (
    "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
    "activation", "recurrent_activation", "use_bias", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout",
)


class ConvLSTM(RNN):
    """Convolutional LSTM over `rank` spatial dimensions (use ConvLSTM1D/2D/3D).

    Args:
        rank: Number of spatial dimensions (1, 2 or 3).
        filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
            recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, unit_forget_bias, the regularizers and constraints, dropout,
            recurrent_dropout, seed: As for `ConvLSTMCell`.
        return_sequences, return_state, go_backwards, stateful: As for `RNN`.
        **kwargs: `activity_regularizer`, `unroll`, `zero_output_for_mask` and the base
            layer's arguments (name, dtype, trainable).

    Call arguments: `sequences` (batch, time, *spatial, channels) or (batch, time, channels,
    *spatial) for channels_first; `initial_state` ([h, c], each shaped like one output step);
    `mask` (batch, time); `training`.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 **kwargs):
        dimension(self, "filters", filters)  # named after this layer, not its cell
        cell = ConvLSTMCell(
            rank=rank, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=padding, data_format=data_format, dilation_rate=dilation_rate,
            activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, name="conv_lstm_cell",
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, **kwargs)
        self.input_spec = InputSpec(ndim=rank + 3)

    def build(self, sequences_shape, initial_state_shape=None):
        # The base layer builds before it checks the input spec; a wrong rank must fail here
        # with the spec's message, not inside the cell's shape arithmetic.
        if len(sequences_shape) != self.cell.rank + 3:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected '
                f"ndim={self.cell.rank + 3}, found ndim={len(sequences_shape)}. Full shape "
                f"received: {tuple(sequences_shape)}")
        super().build(sequences_shape, initial_state_shape)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask,
                            training=training)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, steps = sequences_shape[0], sequences_shape[1]
        step_shape = (batch_size,) + tuple(sequences_shape[2:])
        state_shape = tuple(self.cell.compute_output_shape(step_shape)[0][1:])
        output_shape = ((batch_size, steps) + state_shape if self.return_sequences
                        else (batch_size,) + state_shape)
        if self.return_state:
            return output_shape, (batch_size,) + state_shape, (batch_size,) + state_shape
        return output_shape

    def compute_mask(self, _, mask):
        # Two states (h, c), neither masked; the RNN base counts states by `state_size`,
        # which a ConvLSTM cell does not give as sizes.
        mask = tree.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        return [output_mask, None, None] if self.return_state else output_mask

    def get_config(self):
        config = {
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.cell.seed,
        }
        base_config = super().get_config()
        del base_config["cell"]  # the layer rebuilds its cell from the keys above
        return {**base_config, **config}


for _name in _CELL_ATTRIBUTES:
    setattr(ConvLSTM, _name, property(lambda self, name=_name: getattr(self.cell, name)))
del _name
