"""Multiply: element-wise product of a list of tensors."""

from keras_like import ops
from keras_like.layers.merging.base_merge import Merge, _mask_of


class Multiply(Merge):
    """Multiplies a list of tensors element-wise.

    With masked inputs, masked-out steps count as 1 in the product; when every input carries a
    mask, steps masked out in all inputs are 0 in the output.

    Example:
    >>> Multiply()([np.full((2, 3), 2.0), np.full((2, 3), 3.0)]).numpy()[0]
    array([6., 6., 6.], dtype=float32)
    """

    def _merge_function(self, inputs):
        masks = [_mask_of(x) for x in inputs]
        if all(m is None for m in masks):
            output = inputs[0]
            for x in inputs[1:]:
                output = ops.multiply(output, x)
            return output
        has_output_mask = all(m is not None for m in masks)
        output = None
        output_mask = None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), ops.shape(x))
                x = ops.where(mask, x, ops.cast(1, x.dtype))
                if has_output_mask:
                    output_mask = mask if output_mask is None else \
                        ops.logical_or(output_mask, mask)
            output = x if output is None else ops.multiply(output, x)
        if has_output_mask:
            output = ops.where(output_mask, output, ops.cast(0, output.dtype))
            output._keras_mask = ops.any(output_mask, axis=-1, keepdims=False)
        return output


def multiply(inputs, **kwargs):
    """Functional interface to the `Multiply` layer.

    Args:
        inputs: A list of input tensors of the same shape.
        **kwargs: Standard layer keyword arguments.

    Returns:
        A tensor, the element-wise product of the inputs.

    Example:
    >>> multiply([np.ones((2, 3)), np.ones((2, 3))]).shape
    (2, 3)
    """
    return Multiply(**kwargs)(inputs)
