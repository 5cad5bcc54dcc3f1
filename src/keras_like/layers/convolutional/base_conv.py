"""BaseConv: the shared N-D convolution layer behind Conv1D, Conv2D and Conv3D."""

from keras_like import activations, constraints, initializers, ops, regularizers
from keras_like.backend import Tensor
from keras_like.layers._arg_checks import dimension
from keras_like.layers._bias_activation import fused_activation_name
from keras_like.layers._conv_args import standardize_padding, standardize_tuple
from keras_like.layers._data_format import standardize_data_format
from keras_like.layers.convolutional._outputs import add_bias_and_activate, conv_output_shape
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer
from keras_like.ops.nn_conv import conv2d_bias_activation


class BaseConv(Layer):
    """`activation(conv(inputs, kernel) + bias)` for `rank` spatial dimensions.

    The kernel is `(*kernel_size, input_channels // groups, filters)` and the bias
    `(filters,)`, the layout of Keras files.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if lora_rank:
            raise NotImplementedError(f"{type(self).__name__}: LoRA (`lora_rank`) is not "
                                      "supported yet")
        self.rank = rank
        self.filters = dimension(self, "filters", filters)
        self.groups = dimension(self, "groups", groups)
        if self.filters % self.groups:
            raise ValueError("The number of filters must be evenly divisible by the number of "
                             f"groups. Received: groups={groups}, filters={filters}.")
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding, allow_causal=rank == 1)
        self.data_format = standardize_data_format(data_format)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("`strides > 1` not supported in conjunction with `dilation_rate > "
                             f"1`. Received: strides={self.strides} and dilation_rate="
                             f"{self.dilation_rate}")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank, self.lora_alpha = lora_rank, lora_alpha
        self.input_spec = InputSpec(min_ndim=rank + 2)

    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape):
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(f"{type(self).__name__}: the channel dimension of the inputs must "
                             f"be defined. Received input shape {input_shape}")
        if channels % self.groups:
            raise ValueError("The number of input channels must be evenly divisible by the "
                             f"number of groups. Received groups={self.groups}, but the input "
                             f"has {channels} channels (full input shape is {input_shape}).")
        self.compute_output_shape(input_shape)
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): channels})
        self.kernel = self.add_weight(
            name="kernel", shape=(*self.kernel_size, channels // self.groups, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def convolution_op(self, inputs, kernel):
        return ops.conv(inputs, kernel, strides=list(self.strides), padding=self.padding,
                        dilation_rate=self.dilation_rate, data_format=self.data_format)

    def call(self, inputs):
        return self._convolve(inputs, self.kernel.value,
                              None if self.bias is None else self.bias.value, self.activation)

    def _convolve(self, inputs, kernel, bias, activation):
        """`activation(conv(inputs, kernel) + bias)` with the given weights (the layer's own,
        or a following BatchNormalization folded into them)."""
        fused = self._fused_conv2d(inputs, kernel, bias, activation)
        if fused is not None:
            return fused
        return add_bias_and_activate(self.convolution_op(inputs, kernel), bias, activation,
                                     self.rank, self.data_format)

    def _fused_conv2d(self, inputs, kernel, bias, activation):
        """Conv2D's convolution, bias and relu/linear activation as one engine op where the
        direct kernel applies (channels-last 2-D, stride and dilation 1, filters a multiple of
        16), else None."""
        activation = fused_activation_name(activation)
        if (activation is None or self.rank != 2 or self.data_format != "channels_last"
                or self.groups != 1 or type(inputs) is not Tensor
                or type(self).convolution_op is not BaseConv.convolution_op):
            return None
        return conv2d_bias_activation(inputs, kernel, bias, activation, list(self.strides),
                                      self.padding, list(self.dilation_rate))

    def compute_output_shape(self, input_shape):
        return conv_output_shape(self, input_shape, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config
