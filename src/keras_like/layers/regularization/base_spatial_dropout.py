"""The shared base of SpatialDropout1D/2D/3D: dropout of whole feature maps."""

from keras_like import random
from keras_like.layers.regularization.dropout import Dropout


class BaseSpatialDropout(Dropout):
    """Dropout whose mask is shared over the spatial axes (one draw per sample and channel).

    Subclasses define `_noise_shape(shape)`. The config holds only `rate`, `seed`, `name`,
    `dtype` (plus `data_format` for 2D/3D), exactly as Keras writes it.
    """

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(inputs, self.rate,
                                  noise_shape=self._noise_shape(tuple(inputs.shape)),
                                  seed=self.seed_generator)
        return inputs

    def get_config(self):
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}
