"""RandomContrast: scales each image's deviation from its per-channel mean while training."""

from keras_like import ops, random
from keras_like.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from keras_like.layers.preprocessing.image.factors import (
    config_value,
    is_number,
    value_range_pair,
)

_MESSAGE = ("The `factor` argument should be a number (or a list of two numbers) in the range "
            "[0, 1]. ")


def contrast_bounds(factor):
    """`f` -> contrast factors in `[1 - f, 1 + f]`; `(lower, upper)` -> `[1 - lower, 1 + upper]`."""
    pair = factor if isinstance(factor, (tuple, list)) else (factor, factor)
    if len(pair) != 2 or not all(is_number(f) and 0 <= f <= 1 for f in pair):
        raise ValueError(f"{_MESSAGE}Received: factor={factor}")
    return 1.0 - float(pair[0]), 1.0 + float(pair[1])


class RandomContrast(BaseImagePreprocessingLayer):
    """Randomly adjusts contrast during training (inference passes images through).

    Per image a factor `c` is drawn, and every pixel `x` of a channel with mean `m` (over
    height and width) becomes `(x - m) * c + m`, clipped to `value_range`.

    Args:
        factor: `f` in [0, 1] draws `c` from `[1 - f, 1 + f]`; a pair `(lower, upper)` from
            `[1 - lower, 1 + upper]`.
        value_range: `[low, high]` of the incoming images, e.g. `(0, 255)` or `(0, 1)`.
        seed: Integer seed of the layer's `SeedGenerator`.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
    >>> layer = RandomContrast((0.5, 0.5), value_range=(0, 1), seed=0)  # c in [0.5, 1.5]
    >>> layer(np.full((2, 2, 1), 0.5), training=True)[..., 0].numpy().tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._bounds = contrast_bounds(factor)
        self.factor = config_value(factor)
        self.value_range = value_range_pair(value_range)
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def call(self, inputs, training=True):
        images = self._images(inputs)
        if not training:
            return images
        shape = (self._batch_size(images),) + (1,) * 3
        contrast = random.uniform(shape, *self._bounds, dtype=self.compute_dtype,
                                  seed=self.generator)
        if images.ndim == 3:
            contrast = contrast[0]
        h_axis, w_axis = self._spatial_axes(images.ndim)
        mean = ops.mean(images, axis=(h_axis, w_axis), keepdims=True)
        adjusted = (images - mean) * contrast + mean
        return ops.clip(adjusted, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor,
                "value_range": self.value_range, "seed": self.seed}
