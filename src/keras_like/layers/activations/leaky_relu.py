"""LeakyReLU: `x` for `x >= 0`, `negative_slope * x` otherwise."""

import warnings

from keras_like import ops
from keras_like.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit: a small slope for negative inputs.

    Args:
        negative_slope: Float >= 0, the slope for `x < 0`. Defaults to `0.3`.
            (`alpha` is accepted as a deprecated alias.)

    Example:
    >>> LeakyReLU(negative_slope=0.5)(np.array([-10.0, 10.0], dtype="float32")).numpy()
    array([-5., 10.], dtype=float32)
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.",
                          stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative "
                f"value. Expected a float. Received: negative_slope={negative_slope}"
            )
        self.negative_slope = negative_slope
        self.supports_masking = True

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}
