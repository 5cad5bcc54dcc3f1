"""SpatialDropout2D: drops whole 2D feature maps (channels) of 4D inputs."""

from keras_like.layers._data_format import standardize_data_format
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.regularization.base_spatial_dropout import BaseSpatialDropout


class SpatialDropout2D(BaseSpatialDropout):
    """Dropout of entire channels of 4D inputs.

    Where neighbouring positions of a feature map are strongly correlated (early
    convolution layers), element-wise dropout barely regularizes; dropping whole maps does.

    Args:
        rate: Float in [0, 1), the fraction of channels to drop.
        data_format: `"channels_last"` (`(batch, rows, cols, channels)`) or
            `"channels_first"` (`(batch, channels, rows, cols)`); defaults to
            `keras_like.config.image_data_format()`.
        seed: Integer seed of the layer's `SeedGenerator`.

    Example:
    >>> layer = SpatialDropout2D(0.5, seed=1)
    >>> layer(np.ones((2, 3, 3, 4), dtype="float32"), training=True).shape
    (2, 3, 3, 4)
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def _noise_shape(self, shape):
        if self.data_format == "channels_first":
            return (shape[0], shape[1], 1, 1)
        return (shape[0], 1, 1, shape[-1])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
