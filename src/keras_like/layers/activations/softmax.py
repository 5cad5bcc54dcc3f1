"""Softmax: normalises inputs into probabilities along an axis, honouring a mask."""

from keras_like import activations, ops
from keras_like.layers.layer import Layer


def _large_negative_number(dtype):
    """The value masked logits take: large enough to vanish, small enough not to overflow."""
    return -3e4 if dtype == "float16" else -1e9


class Softmax(Layer):
    """Softmax activation layer: `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis`.

    Args:
        axis: Integer, or list of integers, the axis (axes) normalised over.

    Call arguments:
        inputs: The logits.
        mask: Optional boolean mask broadcastable to `inputs`: `False` entries get a large
            negative logit (-1e9, or -3e4 in float16, as in Keras) so they receive ~0
            probability.

    Example:
    >>> Softmax()(np.array([1.0, 2.0, 1.0], dtype="float32")).numpy()
    array([0.21194157, 0.5761169 , 0.21194157], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            if mask.dtype != "bool":
                mask = ops.cast(mask, "bool")
            # A Python scalar is weakly typed: the select keeps the inputs' dtype.
            inputs = ops.where(mask, inputs, _large_negative_number(inputs.dtype))
        axis = self.axis
        if isinstance(axis, (tuple, list)):
            if len(axis) > 1:
                return ops.exp(ops.subtract(
                    inputs, ops.logsumexp(inputs, axis=tuple(axis), keepdims=True)))
            axis = axis[0]
        return activations.softmax(inputs, axis=axis)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
