"""Subtract: `inputs[0] - inputs[1]`."""

from keras_like import ops
from keras_like.layers.merging.base_merge import Merge


class Subtract(Merge):
    """Subtracts two tensors element-wise: `inputs[0] - inputs[1]`.

    Example:
    >>> Subtract()([np.full((2, 3), 5.0), np.ones((2, 3))]).numpy()[0]
    array([4., 4., 4.], dtype=float32)
    """

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: input_shape={input_shape}"
            )

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(
                "A `Subtract` layer should be called on exactly 2 inputs. "
                f"Received: inputs={inputs}"
            )
        return ops.subtract(inputs[0], inputs[1])


def subtract(inputs, **kwargs):
    """Functional interface to the `Subtract` layer.

    Args:
        inputs: A list of exactly two input tensors of the same shape.
        **kwargs: Standard layer keyword arguments.

    Returns:
        A tensor, `inputs[0] - inputs[1]`.

    Example:
    >>> subtract([np.ones((2, 3)), np.ones((2, 3))]).shape
    (2, 3)
    """
    return Subtract(**kwargs)(inputs)
