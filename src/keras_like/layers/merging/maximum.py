"""Maximum: element-wise maximum of a list of tensors."""

from keras_like import ops
from keras_like.layers.merging.base_merge import Merge


class Maximum(Merge):
    """Element-wise maximum of a list of tensors (masked-out steps are ignored).

    Example:
    >>> Maximum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])]).numpy()
    array([[3., 5.]], dtype=float32)
    """

    def _merge_function(self, inputs):
        return self._apply_merge_op_and_or_mask(ops.maximum, inputs)


def maximum(inputs, **kwargs):
    """Functional interface to the `Maximum` layer.

    Args:
        inputs: A list of input tensors of the same shape.
        **kwargs: Standard layer keyword arguments.

    Returns:
        A tensor, the element-wise maximum of the inputs.

    Example:
    >>> maximum([np.ones((2, 3)), np.zeros((2, 3))]).shape
    (2, 3)
    """
    return Maximum(**kwargs)(inputs)
