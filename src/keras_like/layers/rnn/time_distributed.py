"""TimeDistributed: applies a layer to every time slice of its input (Keras 3's layer)."""

from keras_like import ops
from keras_like.layers.activations.activation import Activation
from keras_like.layers.convolutional.base_conv import BaseConv
from keras_like.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv
from keras_like.layers.convolutional.base_separable_conv import BaseSeparableConv
from keras_like.layers.core.dense import Dense
from keras_like.layers.core.embedding import Embedding
from keras_like.layers.core.wrapper import Wrapper
from keras_like.layers.layer import Layer
from keras_like.layers.normalization.layer_normalization import LayerNormalization
from keras_like.layers.pooling.base_global_pooling import BaseGlobalPooling
from keras_like.layers.pooling.base_pooling import BasePooling
from keras_like.layers.reshaping.flatten import Flatten

# `call` methods that treat every row of the batch on its own, so running them once on the
# (batch * time, ...) merged input gives what Keras's loop over time steps gives. A subclass
# that overrides `call`, or any other layer (BatchNormalization's batch statistics, random
# layers' draws), runs once per time step as in Keras.
_ROW_WISE_CALLS = frozenset(cls.call for cls in (
    Activation, BaseConv, BaseDepthwiseConv, BaseGlobalPooling, BasePooling, BaseSeparableConv,
    Dense, Embedding, Flatten, LayerNormalization))


class TimeDistributed(Wrapper):
    """Applies the same layer (the same weights) to every temporal slice of an input.

    The input is at least 3-D, `(batch, time, ...)`; the wrapped layer sees `(batch, ...)`
    for each time step and the outputs are stacked back along axis 1. Layers whose rows do
    not interact (Dense, convolutions, pooling, ...) run once on the merged
    `(batch * time, ...)` input instead, which computes the same thing faster.

    Args:
        layer: A `keras_like.layers.Layer` instance.

    Call arguments:
        inputs: Tensor of shape `(batch, time, ...)`.
        training: Passed to the wrapped layer when its `call` takes it.
        mask: Boolean tensor of shape `(batch, time, ...)`; slice `t` goes to the wrapped
            layer when its `call` takes a mask. The output carries the input's mask.

    Example:
    >>> layer = TimeDistributed(Conv2D(4, 3))
    >>> layer(np.ones((2, 5, 8, 8, 3), "float32")).shape
    (2, 5, 6, 6, 4)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _get_child_input_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions, received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def compute_output_shape(self, input_shape):
        child_output_shape = self.layer.compute_output_shape(
            self._get_child_input_shape(input_shape))
        return (child_output_shape[0], input_shape[1], *child_output_shape[1:])

    def build(self, input_shape):
        super().build(self._get_child_input_shape(input_shape))

    def call(self, inputs, training=None, mask=None):
        if mask is not None:
            _check_mask(mask.shape, inputs.shape)
        kwargs = {}
        if self.layer._call_has_training_arg:
            kwargs["training"] = training
        mask_goes_in = self.layer._call_has_mask_arg and mask is not None
        # As Keras, the wrapped layer's `call` runs directly (not `__call__`): no autocast,
        # input checks or activity regularizer of its own.
        if not mask_goes_in and type(self.layer).call in _ROW_WISE_CALLS:
            batch, steps = inputs.shape[0], inputs.shape[1]
            merged = ops.reshape(inputs, (batch * steps, *inputs.shape[2:]))
            outputs = self.layer.call(merged, **kwargs)
            return ops.reshape(outputs, (batch, steps, *outputs.shape[1:]))
        steps = []
        for t in range(inputs.shape[1]):
            if mask_goes_in:
                kwargs["mask"] = mask[:, t]
            steps.append(self.layer.call(inputs[:, t], **kwargs))
        return ops.stack(steps, axis=1)


def _check_mask(mask_shape, input_shape):
    """Keras's checks: a mask of at least (batch, time) whose known dims match the input's."""
    mask_shape, input_shape = tuple(mask_shape), tuple(input_shape)
    if len(mask_shape) < 2:
        raise ValueError(
            "The `mask` passed to the `TimeDistributed` layer must be at least 2D (e.g., "
            f"`(batch_size, timesteps)`), but it has {len(mask_shape)} dimension(s) with "
            f"shape {mask_shape}."
        )
    for axis in (0, 1):
        if input_shape[axis] is not None and mask_shape[axis] is not None and \
                input_shape[axis] != mask_shape[axis]:
            raise ValueError(
                "The `mask` passed to the `TimeDistributed` layer has a shape "
                f"{mask_shape} that is incompatible with the input shape {input_shape}. The "
                "first two dimensions of the mask (batch size and timesteps) must match the "
                "input's first two dimensions. Expected mask shape prefix: "
                f"({input_shape[0]}, {input_shape[1]})."
            )
