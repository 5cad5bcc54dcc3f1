"""Conv1D: 1D (temporal) convolution layer, with "causal" padding."""

from keras_like import ops
from keras_like.layers.convolutional._outputs import add_bias_and_activate
from keras_like.layers.convolutional.base_conv import BaseConv


class Conv1D(BaseConv):
    """1D convolution: `activation(conv(inputs, kernel) + bias)` over `(batch, steps,
    channels)` inputs.

    `padding="causal"` left-pads by `dilation_rate * (kernel_size - 1)` so that output `t`
    depends only on inputs `<= t` (temporal models). Other arguments as in `Conv2D`.

    Example:
    >>> Conv1D(4, 3, padding="causal")(np.ones((1, 6, 2))).shape
    (1, 6, 4)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=1, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=padding, data_format=data_format, dilation_rate=dilation_rate,
            groups=groups, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)

    def _causal_padding(self):
        left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        if self.data_format == "channels_last":
            return [[0, 0], [left, 0], [0, 0]]
        return [[0, 0], [0, 0], [left, 0]]

    def _convolve(self, inputs, kernel, bias, activation):
        padding = self.padding
        if padding == "causal":
            inputs = ops.pad(inputs, self._causal_padding())
            padding = "valid"
        outputs = ops.conv(inputs, kernel, strides=list(self.strides), padding=padding,
                           dilation_rate=self.dilation_rate, data_format=self.data_format)
        return add_bias_and_activate(outputs, bias, activation, self.rank, self.data_format)
