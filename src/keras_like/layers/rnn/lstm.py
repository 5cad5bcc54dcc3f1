"""LSTMCell and LSTM: long short-term memory (Hochreiter & Schmidhuber, 1997), Keras's layout."""

from keras_like import activations, initializers, ops, random
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer
from keras_like.layers.rnn import cell_args, fused_loops
from keras_like.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from keras_like.layers.rnn.rnn import RNN


class LSTMCell(Layer, DropoutRNNCell):
    """One LSTM step; `RNN(LSTMCell(units))` runs it over a sequence.

    Weights: `kernel` (input_dim, 4 * units), `recurrent_kernel` (units, 4 * units) and `bias`
    (4 * units), gate blocks in the order i (input), f (forget), c (candidate), o (output):
    `z = x @ kernel + h @ recurrent_kernel + bias`, `c = f * c + i * activation(c~)`,
    `h = o * activation(c)`, the gates through `recurrent_activation`.

    Args:
        units: Size of the output and of both states (h, c).
        activation: Candidate and output activation (default tanh).
        recurrent_activation: Gate activation (default sigmoid).
        use_bias: Whether to add `bias`.
        kernel_initializer, recurrent_initializer, bias_initializer: Initializers (default
            glorot_uniform, orthogonal, zeros).
        unit_forget_bias: Start the forget gate's bias at 1 (Jozefowicz et al., 2015).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: Constraints.
        dropout: Fraction of the inputs dropped (one mask per sequence) in training.
        recurrent_dropout: Fraction of the recurrent state dropped in training.
        seed: Seed of the dropout masks.

    Example:
    >>> cell = LSTMCell(4)
    >>> out, (h, c) = cell(np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32")] * 2)
    >>> out.shape
    (2, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        cell_args.check_units(units)
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        cell_args.set_cell_arguments(
            self, units, activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint, dropout,
            recurrent_dropout, seed)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.seed_generator = random.SeedGenerator(seed=seed)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, self.units * 4), name="kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units * 4), name="recurrent_kernel",
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        if self.use_bias:
            bias_initializer = self.bias_initializer
            if self.unit_forget_bias:
                units, base = self.units, self.bias_initializer

                def bias_initializer(_, *args, **kwargs):
                    return ops.concatenate([base((units,), *args, **kwargs),
                                            initializers.get("ones")((units,), *args, **kwargs),
                                            base((units * 2,), *args, **kwargs)])
            self.bias = self.add_weight(
                shape=(self.units * 4,), name="bias", initializer=bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        units = self.units
        if self.implementation == 1:
            # Four separate dropout masks, one per gate (what recurrent_dropout selects).
            dp = self.get_dropout_mask(inputs) if training and 0 < self.dropout < 1 else None
            rec = (self.get_recurrent_dropout_mask(h_tm1)
                   if training and 0 < self.recurrent_dropout < 1 else None)
            z = []
            for gate in range(4):
                x = inputs * dp[gate] if dp is not None else inputs
                h = h_tm1 * rec[gate] if rec is not None else h_tm1
                block = slice(gate * units, (gate + 1) * units)
                zg = ops.matmul(x, self.kernel[:, block]) + \
                    ops.matmul(h, self.recurrent_kernel[:, block])
                z.append(zg + self.bias[block] if self.use_bias else zg)
        else:
            if training and 0 < self.dropout < 1:
                inputs = inputs * self.get_dropout_mask(inputs)
            zs = ops.matmul(inputs, self.kernel) + ops.matmul(h_tm1, self.recurrent_kernel)
            if self.use_bias:
                zs = zs + self.bias
            z = ops.split(zs, 4, axis=1)
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = f * c_tm1 + i * self.activation(z[2])
        o = self.recurrent_activation(z[3])
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), **cell_args.cell_config(self), "seed": self.seed}

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in self.state_size]


@cell_args.delegate_to_cell("recurrent_activation", "unit_forget_bias")
class LSTM(RNN):
    """Long short-term memory layer, run by one fused engine call per direction.

    With the default activations (tanh, sigmoid), float32/float64 inputs and no recurrent
    dropout in training, the whole sequence runs as one native loop forward and one backward;
    otherwise the layer runs its `LSTMCell` step by step. Both give the same results.

    Args:
        units, activation, recurrent_activation, use_bias, kernel_initializer,
            recurrent_initializer, bias_initializer, unit_forget_bias, the regularizers and
            constraints, dropout, recurrent_dropout, seed: As for `LSTMCell`.
        activity_regularizer: Regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll: As for `RNN`.
        use_cudnn: "auto" uses the fused loop when it applies; True requires it (an error
            otherwise); False always runs the cell step by step.

    Call arguments: `sequences` (batch, time, features), `initial_state` ([h, c]), `mask`
    (batch, time), `training`.

    Example:
    >>> LSTM(4)(np.ones((2, 3, 5), "float32")).shape
    (2, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True), name="lstm_cell", seed=seed,
            implementation=kwargs.pop("implementation", 2))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self.use_cudnn = cell_args.check_use_cudnn(use_cudnn)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if self.use_cudnn is not False and fused_loops.supports(self.cell, sequences, training):
            return fused_loops.run(self.cell, sequences, initial_state, mask, training,
                                   self.go_backwards, self.zero_output_for_mask)
        if self.use_cudnn is True:
            raise cell_args.fused_path_refused(self)
        return super().inner_loop(sequences, initial_state, mask=mask, training=training)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, mask=mask, training=training,
                            initial_state=initial_state)

    def get_config(self):
        return cell_args.layer_config(self, super().get_config())
