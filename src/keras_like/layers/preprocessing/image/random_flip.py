"""RandomFlip: flips each image left-right and/or top-bottom with probability 1/2 in training."""

from keras_like import ops, random
from keras_like.layers.preprocessing.image.base import BaseImagePreprocessingLayer

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"
_MODES = (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL)


class RandomFlip(BaseImagePreprocessingLayer):
    """Randomly flips images during training (inference passes them through).

    Args:
        mode: `"horizontal"` (left-right), `"vertical"` (top-bottom) or
            `"horizontal_and_vertical"`: one coin per image decides both flips together,
            as in Keras.
        seed: Integer seed of the layer's `SeedGenerator`.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
    >>> RandomFlip("horizontal", seed=0)(np.zeros((2, 4, 4, 3)), training=True).shape
    (2, 4, 4, 3)
    """

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if mode not in _MODES:
            raise ValueError(f"RandomFlip layer {self.name} received an unknown mode "
                             f"argument {mode}")
        self.mode = mode
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def _flip_decisions(self, images):
        # One coin per image, shaped to broadcast over the image's own axes.
        shape = (self._batch_size(images),) + (1,) * 3
        coins = random.uniform(shape, dtype="float32", seed=self.generator)
        decisions = ops.less_equal(coins, 0.5)
        return decisions[0] if images.ndim == 3 else decisions

    def flip(self, images, decisions):
        """`images` with the flips of `mode` applied where `decisions` is true."""
        h_axis, w_axis = self._spatial_axes(images.ndim)
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            images = ops.where(decisions, ops.flip(images, axis=w_axis), images)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            images = ops.where(decisions, ops.flip(images, axis=h_axis), images)
        return images

    def call(self, inputs, training=True):
        images = self._images(inputs)
        if not training:
            return images
        return self.flip(images, self._flip_decisions(images))

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "seed": self.seed}
