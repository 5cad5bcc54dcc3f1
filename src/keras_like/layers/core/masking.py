"""Masking: marks timesteps whose features all equal `mask_value` as masked."""

from keras_like import ops
from keras_like.layers.layer import Layer


class Masking(Layer):
    """Masks the timesteps (axis 1) whose features all equal `mask_value`.

    The output mask is `any(inputs != mask_value, axis=-1)`; masked timesteps are also
    zeroed in the output. Downstream layers that support masking (RNNs, Softmax...) skip them.

    Args:
        mask_value: The value that marks padding. Defaults to `0.0`.

    Example:
    >>> x = np.array([[[1.0, 2.0], [0.0, 0.0]]], dtype="float32")
    >>> y = Masking(mask_value=0.0)(x)
    >>> y._keras_mask.numpy()
    array([[ True, False]])
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.where(keep, inputs, 0.0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
