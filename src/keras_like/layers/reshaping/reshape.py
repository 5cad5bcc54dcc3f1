"""Reshape: gives each sample a new shape (one dimension may be -1)."""

import math

from keras_like import ops
from keras_like.layers._arg_checks import MAX_DIMENSION, shape_entries
from keras_like.layers.layer import Layer


def _resolve_target_shape(input_shape, target_shape):
    """The target shape with its -1 resolved from the (non-batch) input shape, when known."""
    if any(d is None for d in input_shape):
        return tuple(None if d == -1 else d for d in target_shape)
    size = math.prod(input_shape)
    known = math.prod(d for d in target_shape if d != -1)
    if -1 in target_shape:
        if known == 0 or size % known:
            raise ValueError(
                "The total size of the tensor must be unchanged. Received: "
                f"input_shape={tuple(input_shape)}, target_shape={tuple(target_shape)}"
            )
        return tuple(size // known if d == -1 else d for d in target_shape)
    if known != size:
        raise ValueError(
            "The total size of the tensor must be unchanged. Received: "
            f"input_shape={tuple(input_shape)}, target_shape={tuple(target_shape)}"
        )
    return tuple(target_shape)


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (the batch dimension is kept).

    Args:
        target_shape: Tuple of ints without the batch dimension; one entry may be -1, to be
            inferred from the input size.

    Example:
    >>> Reshape((-1, 2, 2))(np.ones((4, 12), dtype="float32")).shape
    (4, 3, 2, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        try:
            target_shape = shape_entries(self, "target_shape", target_shape, allow=(-1,))
        except ValueError:
            raise ValueError(
                "Reshape: The `target_shape` argument must be a tuple of non-negative integers "
                f"(and at most one -1) no larger than {MAX_DIMENSION}. "
                f"Received: target_shape={target_shape!r}") from None
        if target_shape.count(-1) > 1:
            raise ValueError(
                "Reshape: The `target_shape` argument must not contain more than one `-1` "
                f"value. Received: target_shape={target_shape}"
            )
        self.target_shape = target_shape

    def call(self, inputs):
        shape = tuple(inputs.shape)
        return ops.reshape(inputs, (shape[0], *_resolve_target_shape(shape[1:],
                                                                     self.target_shape)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *_resolve_target_shape(tuple(input_shape[1:]),
                                                       self.target_shape))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}
