"""SimpleRNNCell and SimpleRNN: a fully-connected recurrence h = activation(x W + h U + b)."""

from keras_like import ops, random
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer
from keras_like.layers.rnn import cell_args, fused_loops
from keras_like.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from keras_like.layers.rnn.rnn import RNN


class SimpleRNNCell(Layer, DropoutRNNCell):
    """One step of a fully-connected RNN: `h = activation(x @ kernel + h @ recurrent_kernel +
    bias)`, weights (input_dim, units), (units, units), (units,).

    Args:
        units: Size of the output and the state.
        activation: Default tanh; None is linear.
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer, the
            regularizers and constraints, dropout, recurrent_dropout, seed: As for `LSTMCell`.

    Example:
    >>> cell = SimpleRNNCell(4)
    >>> out, h = cell(np.ones((2, 3), "float32"), np.zeros((2, 4), "float32"))
    >>> out.shape
    (2, 4)
    """

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
        cell_args.check_units(units)
        super().__init__(**kwargs)
        cell_args.set_cell_arguments(
            self, units, activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint, dropout,
            recurrent_dropout, seed)
        self.seed_generator = random.SeedGenerator(seed=seed)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units), name="kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), name="recurrent_kernel",
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,), name="bias", initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, sequence, states, training=False):
        nested = isinstance(states, (list, tuple))
        prev_output = states[0] if nested else states
        dp_mask = self.get_dropout_mask(sequence)
        rec_dp_mask = self.get_recurrent_dropout_mask(prev_output)
        if training and dp_mask is not None:
            sequence = sequence * dp_mask
        h = ops.matmul(sequence, self.kernel)
        if self.bias is not None:
            h = h + self.bias
        if training and rec_dp_mask is not None:
            prev_output = prev_output * rec_dp_mask
        output = h + ops.matmul(prev_output, self.recurrent_kernel)
        if self.activation is not None:
            output = self.activation(output)
        return output, ([output] if nested else output)

    def get_config(self):
        return {**super().get_config(), **cell_args.cell_config(self), "seed": self.seed}

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]


@cell_args.delegate_to_cell()
class SimpleRNN(RNN):
    """Fully-connected RNN layer, run by one fused engine call per direction.

    With a tanh, sigmoid, relu or linear activation, float32/float64 inputs and no recurrent
    dropout in training, the sequence runs as one native loop forward and one backward;
    otherwise the layer runs its `SimpleRNNCell` step by step.

    Args:
        units, activation, use_bias, the initializers, regularizers and constraints, dropout,
            recurrent_dropout, seed: As for `SimpleRNNCell`.
        activity_regularizer: Regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll: As for `RNN`.

    Example:
    >>> SimpleRNN(4)(np.ones((2, 3, 5), "float32")).shape
    (2, 4)
    """

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, seed=None, **kwargs):
        cell = SimpleRNNCell(
            units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True), name="simple_rnn_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = [InputSpec(ndim=3)]

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if fused_loops.supports(self.cell, sequences, training):
            return fused_loops.run(self.cell, sequences, initial_state, mask, training,
                                   self.go_backwards, self.zero_output_for_mask)
        return super().inner_loop(sequences, initial_state, mask=mask, training=training)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, mask=mask, training=training,
                            initial_state=initial_state)

    def get_config(self):
        return cell_args.layer_config(self, super().get_config())
