"""ActivityRegularization: adds an L1/L2 penalty on its inputs to the model's losses."""

from keras_like import regularizers
from keras_like.layers.layer import Layer


class ActivityRegularization(Layer):
    """Passes its inputs through and adds `(l1 * sum(|x|) + l2 * sum(x ** 2)) / batch_size`
    to `losses` (Keras 3.15 divides every activity penalty by the batch size).

    Args:
        l1: L1 regularization factor (positive float).
        l2: L2 regularization factor (positive float).

    Example:
    >>> layer = ActivityRegularization(l1=0.1)
    >>> _ = layer(np.array([[1.0, -2.0]], dtype="float32"))
    >>> float(layer.losses[0])
    0.3...
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
