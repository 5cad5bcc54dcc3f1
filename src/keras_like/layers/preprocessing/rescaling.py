"""Rescaling: `inputs * scale + offset`, e.g. pixels from [0, 255] to [0, 1]."""

import numpy as np

from keras_like import ops
from keras_like.backend import config as backend_config
from keras_like.layers.layer import Layer
from keras_like.saving import serialization_lib


def serialize_value(value):
    """Keras's config form of a number, list or NumPy array (arrays become `__numpy__`)."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return {"class_name": "__numpy__",
                "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(value, (np.generic, np.ndarray)):
        return value.item()
    return serialization_lib.serialize_keras_object(value)


def deserialize_value(config, custom_objects=None):
    if isinstance(config, dict) and config.get("class_name") == "__numpy__":
        inner = config["config"]
        return np.array(inner["value"], dtype=inner["dtype"])
    return serialization_lib.deserialize_keras_object(config, custom_objects)


class Rescaling(Layer):
    """Multiplies its inputs by `scale` and adds `offset` (at training and inference).

    Integer inputs are cast to the layer's float compute dtype first.

    Args:
        scale: Float (or per-channel array), the factor. `1 / 255` maps [0, 255] to [0, 1].
        offset: Float (or array) added after scaling. `scale=1 / 127.5, offset=-1` maps
            [0, 255] to [-1, 1].

    Example:
    >>> Rescaling(1 / 255)(np.array([[0, 255]], dtype="uint8")).numpy()
    array([[0., 1.]], dtype=float32)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self._constants = None

    def _scale_and_offset(self, dtype):
        if self._constants is not None and self._constants[0] == dtype:
            return self._constants[1:]

        def constant(value, is_scale):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)  # a weak Python scalar: no extra tensor
            value = ops.cast(ops.convert_to_tensor(value), dtype)
            if is_scale and value.ndim > 0 and \
                    backend_config.image_data_format() == "channels_first":
                value = ops.reshape(value, (*value.shape, *([1] * (3 - value.ndim))))
            return value

        scale, offset = constant(self.scale, True), constant(self.offset, False)
        self._constants = (dtype, scale, offset)
        return scale, offset

    def call(self, inputs):
        dtype = self.compute_dtype
        scale, offset = self._scale_and_offset(dtype)
        x = inputs if inputs.dtype == dtype else ops.cast(inputs, dtype)
        x = ops.multiply(x, scale)
        if isinstance(offset, float) and offset == 0.0:
            return x
        return ops.add(x, offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": serialize_value(self.scale),
                "offset": serialize_value(self.offset)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["scale"] = deserialize_value(config["scale"], custom_objects)
        config["offset"] = deserialize_value(config["offset"], custom_objects)
        return super().from_config(config)
