"""AlphaDropout: dropout that keeps the mean and variance of SELU activations."""

from keras_like import ops, random
from keras_like.layers.layer import Layer
from keras_like.layers.regularization.dropout import validate_noise_shape, validate_rate

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Dropout for self-normalising (SELU) networks.

    Dropped entries are set to SELU's negative saturation value `-alpha * scale`, then an
    affine map `a * x + b` restores the inputs' mean and variance. Only active when called
    with `training=True`.

    Args:
        rate: Float in [0, 1), the drop probability.
        noise_shape: Shape of the keep/drop mask, broadcast against the inputs (`None`
            entries take the input's size).
        seed: Integer seed of the layer's `SeedGenerator`.

    Example:
    >>> y = AlphaDropout(0.2, seed=0)(np.ones((2, 3), dtype="float32"), training=True)
    >>> y.shape
    (2, 3)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = validate_rate(rate)
        self.seed = seed
        self.noise_shape = validate_noise_shape(noise_shape)
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            shape = tuple(shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        kept = ops.greater_equal(random.uniform(shape, seed=self.seed_generator), self.rate)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        # a * (x if kept else alpha_p) + b, as one select and one affine map.
        x = ops.where(kept, inputs, alpha_p)
        return ops.add(ops.multiply(x, a), b)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}
