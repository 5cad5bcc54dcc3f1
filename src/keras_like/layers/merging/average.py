"""Average: element-wise mean of a list of tensors."""

from keras_like import ops
from keras_like.layers.merging.base_merge import Merge


class Average(Merge):
    """Averages a list of tensors element-wise.

    Example:
    >>> Average()([np.ones((2, 3)), np.full((2, 3), 3.0)]).numpy()[0]
    array([2., 2., 2.], dtype=float32)
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return ops.divide(output, len(inputs))


def average(inputs, **kwargs):
    """Functional interface to the `Average` layer.

    Args:
        inputs: A list of input tensors of the same shape.
        **kwargs: Standard layer keyword arguments.

    Returns:
        A tensor, the element-wise mean of the inputs.

    Example:
    >>> average([np.ones((2, 3)), np.ones((2, 3))]).shape
    (2, 3)
    """
    return Average(**kwargs)(inputs)
