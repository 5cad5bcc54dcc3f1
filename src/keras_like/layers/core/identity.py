"""Identity: returns its inputs unchanged (a placeholder layer)."""

from keras_like.layers.layer import Layer


class Identity(Layer):
    """A layer that returns its inputs (any structure) unchanged; masks pass through.

    Example:
    >>> Identity()(ops.ones((2, 3))).shape
    (2, 3)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
