"""ReLU: rectified linear unit with optional cap, leak and threshold."""

from keras_like import activations
from keras_like.layers.layer import Layer


class ReLU(Layer):
    """Rectified linear unit layer.

    `f(x) = max_value` for `x >= max_value`, `x` for `threshold <= x < max_value`,
    `negative_slope * (x - threshold)` otherwise.

    Args:
        max_value: Float >= 0, the largest output (None: unbounded).
        negative_slope: Float >= 0, slope below the threshold. Defaults to `0.0`.
        threshold: Float >= 0, threshold of the activation. Defaults to `0.0`.

    Example:
    >>> ReLU(max_value=10, negative_slope=0.5)(np.array([-10.0, 5.0, 20.0])).numpy()
    array([-5.,  5., 10.], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                "max_value of a ReLU layer cannot be a negative value. "
                f"Received: max_value={max_value}"
            )
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(
                "negative_slope of a ReLU layer cannot be None or a negative value. "
                f"Received: negative_slope={negative_slope}"
            )
        if threshold is None or threshold < 0.0:
            raise ValueError(
                "threshold of a ReLU layer cannot be None or a negative value. "
                f"Received: threshold={threshold}"
            )
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}
