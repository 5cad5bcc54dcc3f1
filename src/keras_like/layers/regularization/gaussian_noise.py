"""GaussianNoise: adds zero-centred Gaussian noise during training."""

import numbers

from keras_like import ops, random
from keras_like.layers.layer import Layer


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise of standard deviation `stddev` during training.

    A regularizer (a form of random data augmentation); it only acts when called with
    `training=True`.

    Args:
        stddev: Float in [0, 1], the standard deviation of the noise.
        seed: Integer seed of the layer's `SeedGenerator`.

    Example:
    >>> layer = GaussianNoise(0.1, seed=0)
    >>> layer(np.zeros((2, 3), dtype="float32")).numpy().tolist()  # inference: unchanged
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(stddev, bool) or not isinstance(stddev, numbers.Real) or \
                not 0 <= stddev <= 1:
            raise ValueError(
                "Invalid value for argument `stddev`. Expected a float in [0, 1]. "
                f"Received: stddev={stddev}"
            )
        self.stddev = stddev.item() if hasattr(stddev, "item") else stddev
        self.seed = seed
        if stddev > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            noise = random.normal(ops.shape(inputs), mean=0.0, stddev=self.stddev,
                                  dtype=self.compute_dtype, seed=self.seed_generator)
            return ops.add(inputs, noise)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
