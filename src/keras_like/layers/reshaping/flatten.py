"""Flatten: collapses every non-batch axis into one."""

import math

from keras_like import ops
from keras_like.layers._data_format import standardize_data_format
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer


class Flatten(Layer):
    """Flattens the inputs to `(batch, features)`; the batch size is untouched.

    Inputs shaped `(batch,)` become `(batch, 1)`.

    Args:
        data_format: `"channels_last"` or `"channels_first"`: with `"channels_first"`,
            inputs are moved to channels-last order before flattening (so weights trained on
            either layout line up). Defaults to `keras_like.config.image_data_format()`.

    Example:
    >>> Flatten()(np.ones((2, 10, 64), dtype="float32")).shape
    (2, 640)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self._channels_first = self.data_format == "channels_first"

    def call(self, inputs):
        shape = tuple(inputs.shape)
        rank = len(shape)
        if self._channels_first and rank > 2:
            inputs = ops.transpose(inputs, axes=(0, *range(2, rank), 1))
        return ops.reshape(inputs, (shape[0], math.prod(shape[1:])))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return (input_shape[0], None)
        return (input_shape[0], math.prod(rest))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
