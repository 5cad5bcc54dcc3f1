"""UnitNormalization: scales each sample to unit L2 norm over some axes."""

from keras_like import ops
from keras_like.layers.layer import Layer


class UnitNormalization(Layer):
    """Normalizes each input to an L2 norm of 1 across `axis`.

    Args:
        axis: Integer or list/tuple of integers, the axes normalised over. Defaults to `-1`.

    Example:
    >>> y = UnitNormalization()(np.arange(6, dtype="float32").reshape(2, 3))
    >>> round(float((y.numpy()[0] ** 2).sum()), 5)
    1.0
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                f"Received: axis={axis}"
            )
        self._reduce_axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        self.supports_masking = True

    def call(self, inputs):
        x = inputs if inputs.dtype == self.compute_dtype else ops.cast(inputs,
                                                                        self.compute_dtype)
        square_sum = ops.sum(ops.square(x), axis=self._reduce_axis, keepdims=True)
        return ops.multiply(x, ops.rsqrt(ops.maximum(square_sum, 1e-12)))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
