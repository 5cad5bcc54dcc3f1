"""RandomZoom: zooms each image in or out about its centre by a random amount while training."""

from keras_like.layers.preprocessing.image.affine_layer import (
    RandomAffineLayer,
    stack_transforms,
)
from keras_like.layers.preprocessing.image.factors import config_value, symmetric_factor

_MESSAGE = ("The `height_factor` and `width_factor` arguments should be a number (or a list "
            "of two numbers) in the range [-1.0, 1.0]. ")


class RandomZoom(RandomAffineLayer):
    """Randomly zooms images during training (inference passes them through).

    Args:
        height_factor: Vertical zoom as a fraction: `f` gives `[-f, f]`, a pair
            `(lower, upper)` that range. Positive values zoom out (the image shrinks),
            negative values zoom in.
        width_factor: The same horizontally; `None` zooms both axes by the vertical draw,
            keeping the aspect ratio.
        fill_mode, interpolation, seed, fill_value, data_format: as in `RandomRotation`.

    Example:
    >>> layer = RandomZoom((0.5, 0.5), fill_mode="constant", interpolation="nearest")
    >>> layer(np.ones((4, 4, 1)), training=True)[..., 0].numpy()[0].tolist()  # zoomed out
    [0.0, 0.0, 0.0, 0.0]
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.height_factor = config_value(height_factor)
        self._height_range = symmetric_factor(height_factor, _MESSAGE, "height_factor")
        self.width_factor = config_value(width_factor)
        self._width_range = None if width_factor is None else \
            symmetric_factor(width_factor, _MESSAGE, "width_factor")

    def _transforms(self, batch, height, width):
        lower, upper = self._height_range
        zoom_y = self._uniform(batch, 1.0 + lower, 1.0 + upper)
        zoom_x = zoom_y
        if self._width_range is not None:
            lower, upper = self._width_range
            zoom_x = self._uniform(batch, 1.0 + lower, 1.0 + upper)
        # Scaling about the image centre: output pixel x samples c + zoom * (x - c).
        x_offset = (width - 1) / 2.0 * (1.0 - zoom_x)
        y_offset = (height - 1) / 2.0 * (1.0 - zoom_y)
        return stack_transforms(zoom_x, 0.0, x_offset, 0.0, zoom_y, y_offset)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}
