"""Inference-time folding of a BatchNormalization into the convolution before it.

In inference BatchNormalization is `x * s + t` per channel, with `s = gamma / sqrt(moving_var +
eps)` and `t = beta - moving_mean * s`; after `conv(x, K) + b` that equals
`conv(x, K * s) + (b * s + t)`. Sequential and functional models run such a pair as one
convolution when called with `training=False` (predict, evaluate): one pass over the layer
output instead of two. The folded weights are recomputed each call (they are a few kernel-sized
element-wise ops), so they always follow the current variables.
"""

from keras_like import activations, ops
from keras_like.layers.convolutional.base_conv import BaseConv
from keras_like.layers.convolutional.base_conv_transpose import BaseConvTranspose
from keras_like.layers.normalization.batch_normalization import BatchNormalization

_FLOATS = ("float32", "float64")


def _channel_axis(conv):
    return conv.rank + 1 if conv.data_format == "channels_last" else 1


def can_fold(conv, batch_norm):
    """Whether `batch_norm` in inference folds into `conv` (which it directly follows)."""
    if not (isinstance(conv, BaseConv) and not isinstance(conv, BaseConvTranspose)
            and type(batch_norm) is BatchNormalization):
        return False
    if not (conv.built and batch_norm.built) or conv.activation is not activations.linear:
        return False
    if conv.activity_regularizer is not None or batch_norm.activity_regularizer is not None:
        return False
    # The kernel's last axis must be the output channels, and the normalized axis their axis.
    if type(conv).convolution_op is not BaseConv.convolution_op:
        return False
    if batch_norm.axis % (conv.rank + 2) != _channel_axis(conv):
        return False
    dtypes = {conv.compute_dtype, conv.variable_dtype, batch_norm.compute_dtype,
              batch_norm.variable_dtype}
    return len(dtypes) == 1 and dtypes.pop() in _FLOATS


def conv_then_batch_norm(conv, batch_norm, inputs):
    """`batch_norm(conv(inputs), training=False)` as one convolution with folded weights."""
    kernel = conv.kernel.value
    scale = ops.rsqrt(ops.add(batch_norm.moving_variance.value, batch_norm.epsilon))
    if batch_norm.scale:
        scale = ops.multiply(scale, batch_norm.gamma.value)
    shift = ops.negative(ops.multiply(batch_norm.moving_mean.value, scale))
    if batch_norm.center:
        shift = ops.add(shift, batch_norm.beta.value)
    bias = shift if conv.bias is None else ops.add(ops.multiply(conv.bias.value, scale), shift)
    if conv.autocast:  # as the layer's own call would
        inputs = conv._autocast(inputs)
    return conv._convolve(inputs, ops.multiply(kernel, scale), bias, activations.linear)
