"""ConvLSTMCell: one step of a convolutional LSTM (Shi et al., 2015), Keras's layout."""

from keras_like import activations, constraints, initializers, ops, random, regularizers
from keras_like.layers._arg_checks import dimension
from keras_like.layers._conv_args import standardize_padding, standardize_tuple
from keras_like.layers._data_format import standardize_data_format
from keras_like.layers.convolutional._outputs import conv_output_shape
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer
from keras_like.layers.rnn.dropout_rnn_cell import DropoutRNNCell, clip_rate

GATES = 4  # i (input), f (forget), c (candidate), o (output), in this order


class ConvLSTMCell(Layer, DropoutRNNCell):
    """One ConvLSTM step: an LSTM whose input and recurrent products are convolutions.

    Weights: `kernel` (*kernel_size, channels, 4 * filters), `recurrent_kernel` (*kernel_size,
    filters, 4 * filters) and `bias` (4 * filters), gate blocks in the order i, f, c, o:
    `z = conv(x, kernel, strides, padding, dilation) + conv_same(h, recurrent_kernel) + bias`,
    `c = f * c + i * activation(c~)`, `h = o * activation(c)`, the gates through
    `recurrent_activation`. The states have the shape of the input convolution's output; the
    recurrent convolution is always stride 1, "same" padding, no dilation.

    Args:
        rank: Number of spatial dimensions (1, 2 or 3).
        filters: Channels of the output and of both states (h, c).
        kernel_size, strides, dilation_rate: An int or `rank` ints. `strides > 1` and
            `dilation_rate > 1` cannot be combined.
        padding: "valid" or "same" (case-insensitive), of the input convolution.
        data_format: "channels_last" or "channels_first" (default: the configured
            `image_data_format`).
        activation: Candidate and output activation (default tanh).
        recurrent_activation: Gate activation (default sigmoid).
        use_bias: Whether to add `bias`.
        kernel_initializer, recurrent_initializer, bias_initializer: Initializers (default
            glorot_uniform, orthogonal, zeros).
        unit_forget_bias: Start the forget gate's bias at 1.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: Constraints.
        dropout, recurrent_dropout: Fractions of the inputs / recurrent state dropped in
            training, one mask per gate, drawn once per sequence.
        seed: Seed of the dropout masks.

    Example:
    >>> cell = ConvLSTMCell(rank=2, filters=3, kernel_size=3, padding="same")
    >>> x, h = np.ones((2, 5, 5, 4), "float32"), np.zeros((2, 5, 5, 3), "float32")
    >>> out, (h, c) = cell(x, [h, h])
    >>> out.shape
    (2, 5, 5, 3)
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed=seed)
        self.rank = rank
        if rank not in (1, 2, 3):
            raise ValueError(f"Rank {rank} convolutions are not currently implemented. "
                             f"Received: rank={rank}")
        self.filters = dimension(self, "filters", filters)
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        # Keras accepts a zero stride here and fails later inside the convolution; a zero
        # stride can never run, so it is refused now, with the argument named.
        self.strides = standardize_tuple(strides, rank, "strides")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please "
                f"provide `strides=1` or `dilation_rate=1`. Received: strides={self.strides} "
                f"and dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = clip_rate(dropout)
        self.recurrent_dropout = clip_rate(recurrent_dropout)
        self.dropout_mask_count = GATES
        self.input_spec = InputSpec(ndim=rank + 2)
        # The states are spatial, so no integer size describes them: Keras's marker is -1 and
        # the ConvLSTM layer computes the state shapes itself.
        self.state_size = -1

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        # Checks the rank, and that a "valid" window is no larger than the input.
        self.compute_output_shape(inputs_shape)
        spatial = inputs_shape[1:-1] if self.data_format == "channels_last" else inputs_shape[2:]
        if None in spatial:
            raise ValueError("ConvLSTM layers only support static input shapes for the spatial "
                             f"dimension. Received invalid input shape: input_shape="
                             f"{inputs_shape}")
        input_dim = inputs_shape[self._channel_axis()]
        if input_dim is None:
            raise ValueError("The channel dimension of the inputs (last axis) should be "
                             "defined. Found None. Full input shape received: "
                             f"input_shape={inputs_shape}")
        self.spatial_dims = tuple(spatial)
        self.input_dim = input_dim
        self.input_spec = InputSpec(shape=(None,) + inputs_shape[1:])
        self.kernel = self.add_weight(
            shape=self.kernel_size + (input_dim, self.filters * GATES), name="kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, self.filters * GATES),
            name="recurrent_kernel", initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.filters * GATES,), name="bias", initializer=self._bias_initializer(),
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        filters, base = self.filters, self.bias_initializer

        def forget_gate_ones(_, *args, **kwargs):
            return ops.concatenate([base((filters,), *args, **kwargs),
                                    initializers.get("ones")((filters,), *args, **kwargs),
                                    base((filters * 2,), *args, **kwargs)])
        return forget_gate_ones

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        input_masks = (self.get_dropout_mask(inputs)
                       if training and 0.0 < self.dropout < 1.0 else None)
        recurrent_masks = (self.get_recurrent_dropout_mask(h_tm1)
                           if training and 0.0 < self.recurrent_dropout < 1.0 else None)
        x = self._gate_convolutions(inputs, input_masks, self.kernel, self.input_conv)
        h = self._gate_convolutions(h_tm1, recurrent_masks, self.recurrent_kernel,
                                    self.recurrent_conv)
        z = [xg + hg for xg, hg in zip(x, h)]
        if self.bias is not None:
            shape = ((1,) * (self.rank + 1) + (self.filters,) if self.data_format ==
                     "channels_last" else (1, self.filters) + (1,) * self.rank)
            z = [zg + ops.reshape(b, shape) for zg, b in zip(z, ops.split(self.bias, GATES))]
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = f * c_tm1 + i * self.activation(z[2])
        o = self.recurrent_activation(z[3])
        h = o * self.activation(c)
        return h, [h, c]

    def _gate_convolutions(self, x, masks, kernel, convolve):
        """The four gates' convolutions of `x`: with one dropout mask per gate, four
        convolutions of the masked inputs; without masks, one convolution by the whole kernel
        split along the channels (the same sums, a quarter of the calls)."""
        if masks is None:
            return ops.split(convolve(x, kernel), GATES, axis=self._channel_axis())
        kernels = ops.split(kernel, GATES, axis=self.rank + 1)
        return [convolve(x * m, k) for m, k in zip(masks, kernels)]

    def input_conv(self, x, w):
        return ops.conv(x, w, strides=self.strides, padding=self.padding,
                        data_format=self.data_format, dilation_rate=self.dilation_rate)

    def recurrent_conv(self, x, w):
        return ops.conv(x, w, strides=1, padding="same", data_format=self.data_format)

    def compute_output_shape(self, inputs_shape, states_shape=None):
        shape = conv_output_shape(self, inputs_shape, self.filters)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None):
        if self.data_format == "channels_last":
            input_shape = (batch_size,) + self.spatial_dims + (self.input_dim,)
        else:
            input_shape = (batch_size, self.input_dim) + self.spatial_dims
        state_shape = self.compute_output_shape(input_shape)[0]
        return [ops.zeros(state_shape, dtype=self.compute_dtype),
                ops.zeros(state_shape, dtype=self.compute_dtype)]

    def get_config(self):
        # Keras's cell leaves `rank` out (its layers never serialize the cell, and its
        # from_config then fails); it is written here so that the cell rebuilds from its config.
        config = {
            "rank": self.rank,
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
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}
