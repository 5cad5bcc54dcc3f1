"""Add: element-wise sum of a list of tensors."""

from keras_like import ops
from keras_like.layers.merging.base_merge import Merge


class Add(Merge):
    """Adds a list of tensors element-wise (all of the same, or broadcastable, shape).

    Example:
    >>> x1, x2 = np.ones((2, 3)), np.full((2, 3), 2.0)
    >>> Add()([x1, x2]).numpy()[0]
    array([3., 3., 3.], dtype=float32)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output


def add(inputs, **kwargs):
    """Functional interface to the `Add` layer.

    Args:
        inputs: A list of input tensors with the same shape.
        **kwargs: Standard layer keyword arguments.

    Returns:
        A tensor, the sum of the inputs.

    Example:
    >>> add([np.ones((2, 3)), np.ones((2, 3))]).shape
    (2, 3)
    """
    return Add(**kwargs)(inputs)
