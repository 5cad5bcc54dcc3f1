"""Permute: reorders the non-batch axes of the inputs."""

from keras_like import ops
from keras_like.layers._arg_checks import shape_entries
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer


class Permute(Layer):
    """Permutes the axes of each sample by a pattern (1-based; the batch axis stays first).

    Args:
        dims: Tuple of ints, a permutation of `1..rank-1`; `(2, 1)` swaps the two axes of
            `(batch, a, b)` inputs.

    Example:
    >>> Permute((2, 1))(np.ones((3, 10, 64), dtype="float32")).shape
    (3, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = shape_entries(self, "dims", dims, allow=())
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)
        self._perm = (0, *self.dims)

    def call(self, inputs):
        return ops.transpose(inputs, axes=self._perm)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}
