"""What every convolution layer does after its convolution: bias along the channel axis, then
the activation; and the spatial output shape."""

from keras_like import ops
from keras_like.backend import Tensor
from keras_like.layers._bias_activation import bias_then_activation
from keras_like.layers._conv_args import conv_output_size


def add_bias_and_activate(outputs, bias, activation, rank, data_format):
    if data_format == "channels_last" or bias is None:
        return bias_then_activation(outputs, bias, activation)
    # channels_first: the bias broadcasts along axis 1.
    shape = (1, bias.shape[0]) + (1,) * rank
    value = bias if type(bias) is Tensor else bias.value
    return activation(ops.add(outputs, ops.reshape(value, shape)))


def conv_output_shape(layer, input_shape, channels, sizes=None):
    """`input_shape` with its spatial sizes convolved (or given as `sizes`) and `channels`."""
    input_shape = tuple(input_shape)
    last = layer.data_format == "channels_last"
    spatial = input_shape[1:-1] if last else input_shape[2:]
    if len(spatial) != layer.rank:
        raise ValueError(f"{type(layer).__name__}: expected inputs of rank {layer.rank + 2}. "
                         f"Received input shape {input_shape}")
    if sizes is None:
        padding = "same" if layer.padding == "causal" else layer.padding
        sizes = tuple(conv_output_size(n, k, s, padding, d) for n, k, s, d in zip(
            spatial, layer.kernel_size, layer.strides, layer.dilation_rate))
    else:
        sizes = tuple(sizes(spatial))
    return (input_shape[0], *sizes, channels) if last else (input_shape[0], channels, *sizes)
