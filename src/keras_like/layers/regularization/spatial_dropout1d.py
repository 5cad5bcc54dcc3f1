"""SpatialDropout1D: drops whole 1D feature maps (channels) of `(batch, steps, channels)`."""

from keras_like.layers.input_spec import InputSpec
from keras_like.layers.regularization.base_spatial_dropout import BaseSpatialDropout


class SpatialDropout1D(BaseSpatialDropout):
    """Dropout of entire channels of 3D inputs `(batch, timesteps, channels)`.

    Where neighbouring timesteps are strongly correlated, element-wise dropout barely
    regularizes; dropping a whole channel for every timestep does.

    Args:
        rate: Float in [0, 1), the fraction of channels to drop.
        seed: Integer seed of the layer's `SeedGenerator`.

    Example:
    >>> y = SpatialDropout1D(0.5, seed=1)(np.ones((2, 5, 4), dtype="float32"), training=True)
    >>> bool((y.numpy() == y.numpy()[:, :1, :]).all())  # same mask at every timestep
    True
    """

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _noise_shape(self, shape):
        return (shape[0], 1, shape[2])
