"""RandomTranslation: shifts each image by a random fraction of its size while training."""

from keras_like.layers.preprocessing.image.affine_layer import (
    RandomAffineLayer,
    stack_transforms,
)
from keras_like.layers.preprocessing.image.factors import config_value, symmetric_factor

_MESSAGE = ("The `factor` argument should be a number (or a list of two numbers) in the "
            "range [-1.0, 1.0]. ")


class RandomTranslation(RandomAffineLayer):
    """Randomly translates images during training (inference passes them through).

    Args:
        height_factor: Vertical shift as a fraction of the height: `f` gives `[-f, f]`, a
            pair `(lower, upper)` that range. Positive values move the image down.
        width_factor: Horizontal shift as a fraction of the width; positive moves right.
        fill_mode, interpolation, seed, fill_value, data_format: as in `RandomRotation`.

    Example:
    >>> layer = RandomTranslation((0.5, 0.5), 0.0, fill_mode="constant")
    >>> layer(np.ones((4, 1, 1)), training=True)[:, 0, 0].numpy().tolist()
    [0.0, 0.0, 1.0, 1.0]
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.height_factor = config_value(height_factor)
        self._height_range = symmetric_factor(height_factor, _MESSAGE, "height_factor")
        self.width_factor = config_value(width_factor)
        self._width_range = symmetric_factor(width_factor, _MESSAGE, "width_factor")

    def _transforms(self, batch, height, width):
        dy = self._uniform(batch, *self._height_range) * height
        dx = self._uniform(batch, *self._width_range) * width
        # Moving the image by (dx, dy) means output pixel (x, y) reads (x - dx, y - dy).
        return stack_transforms(1.0, 0.0, -dx, 0.0, 1.0, -dy)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}
