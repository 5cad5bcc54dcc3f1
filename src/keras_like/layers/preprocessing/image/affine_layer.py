"""`RandomAffineLayer`: the shared body of RandomRotation, RandomZoom and RandomTranslation.

Each draws one `[a0, a1, a2, b0, b1, b2, 0, 0]` transform per image (it maps output pixels to
the input points they sample) and resamples with `ops.image.affine_transform`.
"""

from keras_like import ops, random
from keras_like.layers.preprocessing.image.base import BaseImagePreprocessingLayer
from keras_like.layers.preprocessing.image.fill_modes import (
    check_fill_mode,
    check_interpolation,
)


class RandomAffineLayer(BaseImagePreprocessingLayer):
    """Resamples each image through a random affine transform when `training=True`."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        check_fill_mode(fill_mode)
        check_interpolation(interpolation)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self.seed = seed
        self.generator = random.SeedGenerator(seed)

    def _uniform(self, batch, lower, upper):
        # float32 parameters whatever the compute dtype, as Keras draws its transforms.
        return random.uniform((batch,), minval=lower, maxval=upper, dtype="float32",
                              seed=self.generator)

    def _transforms(self, batch, height, width):
        """A `(batch, 8)` tensor of transforms for images of size `height x width`."""
        raise NotImplementedError

    def call(self, inputs, training=True):
        images = self._images(inputs)
        if not training:
            return images
        height, width = self._height_width(images)
        transforms = self._transforms(self._batch_size(images), height, width)
        if images.ndim == 3:
            transforms = transforms[0]
        return ops.image.affine_transform(images, transforms, interpolation=self.interpolation,
                                          fill_mode=self.fill_mode, fill_value=self.fill_value,
                                          data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "seed": self.seed,
                "fill_value": self.fill_value}


def stack_transforms(a0, a1, a2, b0, b1, b2):
    """`(batch, 8)` from six `(batch,)` rows (numbers broadcast); projective terms are 0."""
    rows = [a0, a1, a2, b0, b1, b2]
    batch = next(r.shape[0] for r in rows if hasattr(r, "shape"))
    columns = [r if hasattr(r, "shape") else ops.full((batch,), float(r), dtype="float32")
               for r in rows]
    columns += [ops.zeros((batch,), dtype="float32")] * 2
    return ops.stack(columns, axis=1)
