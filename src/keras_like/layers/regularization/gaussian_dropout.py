"""GaussianDropout: multiplies by 1-centred Gaussian noise during training."""

import math

from keras_like import ops, random
from keras_like.layers.layer import Layer
from keras_like.layers.regularization.dropout import validate_rate


class GaussianDropout(Layer):
    """Multiplies inputs by Gaussian noise of mean 1 and stddev `sqrt(rate / (1 - rate))`.

    Only active when called with `training=True`.

    Args:
        rate: Float in [0, 1), the drop probability (as for `Dropout`).
        seed: Integer seed of the layer's `SeedGenerator`.

    Example:
    >>> y = GaussianDropout(0.2, seed=0)(np.ones((2, 3), dtype="float32"), training=True)
    >>> y.shape
    (2, 3)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = validate_rate(rate)
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed, name="seed_generator")
        self.supports_masking = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = random.normal(ops.shape(inputs), mean=1.0, stddev=stddev,
                                  dtype=self.compute_dtype, seed=self.seed_generator)
            return ops.multiply(inputs, noise)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
