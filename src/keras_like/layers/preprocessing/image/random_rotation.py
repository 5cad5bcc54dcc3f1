"""RandomRotation: rotates each image by a random angle about its centre while training."""

import math

from keras_like import ops
from keras_like.layers.preprocessing.image.affine_layer import (
    RandomAffineLayer,
    stack_transforms,
)
from keras_like.layers.preprocessing.image.factors import bounded_factor, config_value


class RandomRotation(RandomAffineLayer):
    """Randomly rotates images during training (inference passes them through).

    Args:
        factor: A fraction of a full turn: `f` gives angles in `[-f * 2pi, f * 2pi]`, a pair
            `(lower, upper)` angles in `[lower * 2pi, upper * 2pi]`. Positive angles rotate
            counter-clockwise.
        fill_mode: How points outside the image are filled: `"reflect"`, `"wrap"`,
            `"constant"` (with `fill_value`) or `"nearest"`.
        interpolation: `"bilinear"` or `"nearest"`.
        seed: Integer seed of the layer's `SeedGenerator`.
        fill_value: The value outside the image for `fill_mode="constant"`.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
    >>> layer = RandomRotation((0.25, 0.25), interpolation="nearest")  # exactly 90 degrees
    >>> x = np.arange(4.0).reshape(2, 2, 1)
    >>> layer(x, training=True)[..., 0].numpy()
    array([[1., 3.],
           [0., 2.]], dtype=float32)
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        message = ("The `factor` argument should be a number (or a list of two numbers) in "
                   f"the range [-1, 1]. Received: factor={factor}")
        self.factor = config_value(factor)
        self._lower, self._upper = bounded_factor(factor, (-1, 1), message)

    def _transforms(self, batch, height, width):
        angle = self._uniform(batch, self._lower * 2.0 * math.pi, self._upper * 2.0 * math.pi)
        cos, sin = ops.cos(angle), ops.sin(angle)
        # Offsets that keep the centre ((width - 1) / 2, (height - 1) / 2) fixed.
        x_offset = ((width - 1) - (cos * (width - 1) - sin * (height - 1))) / 2.0
        y_offset = ((height - 1) - (sin * (width - 1) + cos * (height - 1))) / 2.0
        return stack_transforms(cos, -sin, x_offset, sin, cos, y_offset)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
