"""The shared part of the global pooling layers: arguments, shapes and config."""

import numpy as np

from keras_like.layers._data_format import standardize_data_format
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer


class BaseGlobalPooling(Layer):
    """Reduces every spatial axis of `(batch, *spatial, channels)` (or channels-first) inputs.

    Subclasses implement `_reduce(inputs, axes)`.
    """

    def __init__(self, pool_dimensions, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        # A config is data from a file: "keepdims": "false" would otherwise be truthy.
        if not isinstance(keepdims, (bool, np.bool_)):
            raise ValueError(f"{type(self).__name__}: Argument `keepdims` must be a boolean. "
                             f"Received: keepdims={keepdims!r}")
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        start = 2 if self.data_format == "channels_first" else 1
        self._axes = tuple(range(start, start + pool_dimensions))

    def call(self, inputs):
        return self._reduce(inputs, self._axes)

    def _reduce(self, inputs, axes):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.keepdims:
            return tuple(1 if i in self._axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in self._axes)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}
