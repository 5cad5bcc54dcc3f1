"""ELU: exponential linear unit."""

from keras_like import ops
from keras_like.layers.layer import Layer


class ELU(Layer):
    """Exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: Scale of the negative part. Defaults to `1.0`.

    Example:
    >>> ELU()(np.array([0.0, 1.0], dtype="float32")).numpy()
    array([0., 1.], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        # Keras 3.15 leaves `alpha` out of the config (so it is lost on reload); writing it
        # keeps the round trip exact and real Keras still loads the file (`alpha` is an
        # argument of its constructor).
        return {**super().get_config(), "alpha": self.alpha}
