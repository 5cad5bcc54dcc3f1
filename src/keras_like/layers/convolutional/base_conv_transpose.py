"""BaseConvTranspose: the shared N-D transposed convolution behind Conv1D/2D/3DTranspose."""

from keras_like import ops
from keras_like.layers._conv_args import standardize_padding, standardize_tuple
from keras_like.layers.convolutional._outputs import conv_output_shape
from keras_like.layers.convolutional.base_conv import BaseConv
from keras_like.layers.input_spec import InputSpec


def transposed_size(size, kernel, stride, padding, output_padding, dilation):
    """Keras's output size of a transposed convolution along one axis (None stays None)."""
    if size is None:
        return None
    window = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(window, stride) - window if output_padding is None else output_padding
        return (size - 1) * stride + window + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + window % 2 + output_padding


class BaseConvTranspose(BaseConv):
    """`activation(conv_transpose(inputs, kernel) + bias)`; the kernel is
    `(*kernel_size, filters, input_channels)` as in Keras files."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 output_padding=None, data_format=None, dilation_rate=1, **kwargs):
        if "groups" in kwargs:
            raise TypeError(f"{type(self).__name__}: transposed convolutions take no `groups` "
                            "argument")
        super().__init__(rank, filters, kernel_size, strides=strides,
                         padding=standardize_padding(padding), data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)
        self.output_padding = None if output_padding is None else standardize_tuple(
            output_padding, rank, "output_padding", allow_zero=True)
        if self.output_padding is not None and any(
                p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"`output_padding` must be < `strides`. output_padding="
                             f"{self.output_padding}, strides={self.strides}")

    def build(self, input_shape):
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(f"{type(self).__name__}: the channel dimension of the inputs must "
                             f"be defined. Received input shape {input_shape}")
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): channels})
        self.kernel = self.add_weight(
            name="kernel", shape=(*self.kernel_size, self.filters, channels),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def convolution_op(self, inputs, kernel):
        return ops.conv_transpose(inputs, kernel, strides=list(self.strides),
                                  padding=self.padding, output_padding=self.output_padding,
                                  dilation_rate=self.dilation_rate,
                                  data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        extra = self.output_padding or (None,) * self.rank

        def sizes(spatial):
            return (transposed_size(n, k, s, self.padding, e, d) for n, k, s, e, d in zip(
                spatial, self.kernel_size, self.strides, extra, self.dilation_rate))

        return conv_output_shape(self, input_shape, self.filters, sizes)

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        # Keras 3.15 leaves output_padding out of its config (the value is lost on reload);
        # writing it keeps a round trip exact, and Keras's from_config accepts the key.
        config["output_padding"] = self.output_padding
        return config
