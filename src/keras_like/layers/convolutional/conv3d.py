"""Conv3D: 3D convolution layer."""

from keras_like.layers.convolutional.base_conv import BaseConv


class Conv3D(BaseConv):
    """3D convolution: `activation(conv(inputs, kernel) + bias)`.

    Args:
        filters: the number of output channels.
        kernel_size: an int or 3 ints, the window size.
        strides, dilation_rate: an int or 3 ints (strides > 1 excludes dilation > 1).
        padding: "valid" or "same" (case-insensitive).
        data_format: "channels_last" (default from `keras_like.config.image_data_format()`)
            or "channels_first".
        groups: the input channels split into this many groups, each convolved with
            `filters // groups` filters.
        activation, use_bias, kernel_/bias_ initializer, regularizer, constraint,
            activity_regularizer: as in `Dense`.

    The kernel is `(*kernel_size, in_channels // groups, filters)`.

    Example:
    >>> Conv3D(4, 3, padding="same")(np.ones((1, 5, 5, 5, 2))).shape
    (1, 5, 5, 5, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=3, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=padding, data_format=data_format, dilation_rate=dilation_rate,
            groups=groups, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)
