"""Softmax: normalises inputs into probabilities along an axis, honouring a mask."""

from keras_like import activations, ops
from keras_like.layers.layer import Layer


def _large_negative_number(dtype):
    """The value masked logits take: large enough to vanish, small enough not to overflow."""
    return -3e4 if dtype == "float16" else -1e9


def _check_mask_broadcasts(mask_shape, inputs_shape):
    if len(mask_shape) > len(inputs_shape):
        raise ValueError(
            "The `mask` must be broadcastable to `inputs` and must not have more dimensions. "
            f"Received: inputs.shape={tuple(inputs_shape)}, mask.shape={tuple(mask_shape)}"
        )
    for m_dim, i_dim in zip(mask_shape[::-1], inputs_shape[::-1]):
        if m_dim is not None and i_dim is not None and m_dim not in (1, i_dim):
            raise ValueError(
                "The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 "
                "or match the corresponding input dimension. Received: "
                f"inputs.shape={tuple(inputs_shape)}, mask.shape={tuple(mask_shape)}"
            )


class Softmax(Layer):
    """Softmax activation layer: `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis`.

    Args:
        axis: Integer, or list of integers, the axis (axes) normalised over.

    Call arguments:
        inputs: The logits.
        mask: Optional boolean mask broadcastable to `inputs`: `False` entries get a large
            negative logit (-1e9, or -3e4 in float16, as in Keras) and a probability of
            exactly 0 (a fully masked row is all zeros).

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
            mask = ops.convert_to_tensor(mask)
            _check_mask_broadcasts(mask.shape, inputs.shape)
            if mask.dtype != "bool":
                mask = ops.greater(mask, 0.5)  # Keras keeps entries above 0.5
            # A Python scalar is weakly typed: the select keeps the inputs' dtype.
            inputs = ops.where(mask, inputs, _large_negative_number(inputs.dtype))
        axis = self.axis
        if isinstance(axis, (tuple, list)):
            if len(axis) > 1:
                outputs = ops.exp(ops.subtract(
                    inputs, ops.logsumexp(inputs, axis=tuple(axis), keepdims=True)))
            else:
                outputs = activations.softmax(inputs, axis=axis[0])
        else:
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            # Keras 3.15 zeroes masked entries, so a fully masked row is all zeros rather
            # than uniform.
            outputs = ops.where(mask, outputs, 0.0)
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
