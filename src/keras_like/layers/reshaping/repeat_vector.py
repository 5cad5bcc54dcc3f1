"""RepeatVector: repeats a `(batch, features)` input `n` times along a new axis."""

import operator

from keras_like import ops
from keras_like.layers._arg_checks import MAX_DIMENSION
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer


class RepeatVector(Layer):
    """Repeats 2D inputs `n` times: `(batch, features) -> (batch, n, features)`.

    Args:
        n: Integer, the repetition factor.

    Example:
    >>> RepeatVector(3)(np.ones((2, 32), dtype="float32")).shape
    (2, 3, 32)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        try:
            n = operator.index(n)
        except (TypeError, OverflowError):
            # A TypeError, as Keras raises for a non-integer `n`.
            raise TypeError(f"RepeatVector: Expected an integer value for `n`, got {type(n)}."
                            ) from None
        if not 0 <= n <= MAX_DIMENSION:
            raise ValueError(f"RepeatVector: Argument `n` must be a non-negative integer no "
                             f"larger than {MAX_DIMENSION}. Received: n={n}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        batch, features = tuple(inputs.shape)
        # A broadcast view: no copy, and its gradient sums over the repeats.
        return ops.broadcast_to(ops.expand_dims(inputs, 1), (batch, self.n, features))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
