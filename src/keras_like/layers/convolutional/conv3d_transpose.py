"""Conv3DTranspose: 3D transposed convolution ("deconvolution")."""

from keras_like.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution: the gradient of a `Conv3D` with respect to its input,
    used to upsample feature maps.

    With `output_padding=None` the output size along each axis is `input * strides`
    ("same") or `(input - 1) * strides + max(window, strides)` ("valid"), where
    `window = (kernel_size - 1) * dilation_rate + 1`; `output_padding` (each entry
    < `strides`) sets the extra size explicitly. The kernel is
    `(*kernel_size, filters, in_channels)`. Other arguments as in `Conv3D`.

    Example:
    >>> Conv3DTranspose(4, 3, strides=2, padding="same")(np.ones((1, 3, 3, 3, 2))).shape
    (1, 6, 6, 6, 4)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1, 1),
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(
            rank=3, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=padding, output_padding=output_padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)
