"""GRUCell and GRU: gated recurrent unit (Cho et al., 2014), Keras's layout."""

from keras_like import activations, ops, random
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer
from keras_like.layers.rnn import cell_args, fused_loops
from keras_like.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from keras_like.layers.rnn.rnn import RNN


class GRUCell(Layer, DropoutRNNCell):
    """One GRU step; `RNN(GRUCell(units))` runs it over a sequence.

    Weights: `kernel` (input_dim, 3 * units), `recurrent_kernel` (units, 3 * units), gate blocks
    z (update), r (reset), h (candidate); `bias` (2, 3 * units) with `reset_after` (row 0 the
    input bias, row 1 the recurrent bias), else (3 * units,). The new state is
    `z * h_prev + (1 - z) * h~`, with the reset gate applied to the candidate's recurrent
    projection after the matrix product (`reset_after=True`, Keras's default and cuDNN's) or
    to h_prev before it.

    Args:
        units: Size of the output and the state.
        activation: Candidate activation (default tanh).
        recurrent_activation: Gate activation (default sigmoid).
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer, the
            regularizers and constraints, dropout, recurrent_dropout, seed: As for `LSTMCell`.
        reset_after: Where the reset gate applies (see above).

    Example:
    >>> cell = GRUCell(4)
    >>> out, h = cell(np.ones((2, 3), "float32"), np.zeros((2, 4), "float32"))
    >>> out.shape
    (2, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
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
            self.dropout_mask_count = 3
        self.seed_generator = random.SeedGenerator(seed=seed)
        self.reset_after = reset_after
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, self.units * 3), name="kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units * 3), name="recurrent_kernel",
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self.bias = self.add_weight(
                shape=shape, name="bias", initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        units = self.units
        input_bias = recurrent_bias = None
        if self.use_bias:
            input_bias, recurrent_bias = ((self.bias[0], self.bias[1]) if self.reset_after
                                          else (self.bias, None))
        dp = self.get_dropout_mask(inputs) if training and 0 < self.dropout < 1 else None
        rec = (self.get_recurrent_dropout_mask(h_tm1)
               if training and 0 < self.recurrent_dropout < 1 else None)
        if self.implementation == 1:
            xs, hs = [], []
            for gate in range(3):
                x = inputs * dp[gate] if dp is not None else inputs
                block = slice(gate * units, (gate + 1) * units)
                xg = ops.matmul(x, self.kernel[:, block])
                xs.append(xg + input_bias[block] if input_bias is not None else xg)
                hs.append(h_tm1 * rec[gate] if rec is not None else h_tm1)
            x_z, x_r, x_h = xs
            rec_z = ops.matmul(hs[0], self.recurrent_kernel[:, :units])
            rec_r = ops.matmul(hs[1], self.recurrent_kernel[:, units:2 * units])
            if self.reset_after and recurrent_bias is not None:
                rec_z = rec_z + recurrent_bias[:units]
                rec_r = rec_r + recurrent_bias[units:2 * units]
            h_for_candidate = hs[2]
        else:
            if dp is not None:
                inputs = inputs * dp
            matrix_x = ops.matmul(inputs, self.kernel)
            if input_bias is not None:
                matrix_x = matrix_x + input_bias
            x_z, x_r, x_h = ops.split(matrix_x, 3, axis=-1)
            if self.reset_after:
                inner = ops.matmul(h_tm1, self.recurrent_kernel)
                if recurrent_bias is not None:
                    inner = inner + recurrent_bias
            else:
                inner = ops.matmul(h_tm1, self.recurrent_kernel[:, :2 * units])
            rec_z, rec_r = inner[:, :units], inner[:, units:2 * units]
            h_for_candidate = h_tm1
        z = self.recurrent_activation(x_z + rec_z)
        r = self.recurrent_activation(x_r + rec_r)
        if self.reset_after:
            if self.implementation == 1:
                rec_h = ops.matmul(h_for_candidate, self.recurrent_kernel[:, 2 * units:])
                if recurrent_bias is not None:
                    rec_h = rec_h + recurrent_bias[2 * units:]
            else:
                rec_h = inner[:, 2 * units:]
            rec_h = r * rec_h
        else:
            rec_h = ops.matmul(r * h_for_candidate, self.recurrent_kernel[:, 2 * units:])
        hh = self.activation(x_h + rec_h)
        h = z * h_tm1 + (1 - z) * hh
        return h, ([h] if isinstance(states, (list, tuple)) else h)

    def get_config(self):
        return {**super().get_config(), **cell_args.cell_config(self),
                "reset_after": self.reset_after, "seed": self.seed}

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]


@cell_args.delegate_to_cell("recurrent_activation", "reset_after")
class GRU(RNN):
    """Gated recurrent unit layer, run by one fused engine call per direction.

    With the default activations, float32/float64 inputs and no recurrent dropout in
    training, the whole sequence runs as one native loop forward and one backward (either
    `reset_after`); otherwise the layer runs its `GRUCell` step by step.

    Args:
        units, activation, recurrent_activation, use_bias, the initializers, regularizers and
            constraints, dropout, recurrent_dropout, seed, reset_after: As for `GRUCell`.
        activity_regularizer: Regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll: As for `RNN`.
        use_cudnn: As for `LSTM`.

    Example:
    >>> GRU(4, return_sequences=True)(np.ones((2, 3, 5), "float32")).shape
    (2, 3, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):
        cell = GRUCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="gru_cell", seed=seed, implementation=kwargs.pop("implementation", 2))
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
