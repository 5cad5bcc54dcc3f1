"""RandomBrightness: adds a random offset to each image while training."""

from keras_like import ops, random
from keras_like.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from keras_like.layers.preprocessing.image.factors import (
    config_value,
    symmetric_factor,
    value_range_pair,
)

_MESSAGE = ("The `factor` argument should be a number (or a list of two numbers) in the range "
            "[-1.0, 1.0]. ")


class RandomBrightness(BaseImagePreprocessingLayer):
    """Randomly changes brightness during training (inference passes images through).

    Per image an offset `d * (high - low)` is added to every pixel, with `d` drawn from the
    factor range, and the result is clipped to `value_range = [low, high]`.

    Args:
        factor: `f` in [-1, 1] draws `d` from `[-|f|, |f|]`; a pair `(lower, upper)` from
            that range. Negative values darken, positive values brighten.
        value_range: `[low, high]` of the incoming images, e.g. `(0, 255)` or `(0, 1)`.
        seed: Integer seed of the layer's `SeedGenerator`.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
    >>> layer = RandomBrightness((0.1, 0.1), value_range=(0, 255))  # always + 25.5
    >>> layer(np.array([[[10.0], [250.0]]]), training=True)[..., 0].numpy().tolist()
    [[35.5, 255.0]]
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._range = symmetric_factor(factor, _MESSAGE, "factor")
        self.factor = config_value(factor)
        self.value_range = value_range_pair(value_range)
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def call(self, inputs, training=True):
        images = self._images(inputs)
        if not training:
            return images
        low, high = self.value_range
        shape = (self._batch_size(images),) + (1,) * 3
        delta = random.uniform(shape, *self._range, dtype=self.compute_dtype,
                               seed=self.generator) * (high - low)
        if images.ndim == 3:
            delta = delta[0]
        return ops.clip(images + delta, low, high)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}
