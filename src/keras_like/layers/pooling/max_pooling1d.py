"""MaxPooling1D: max pooling over 1 spatial dimension."""

from keras_like.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Maximum over `pool_size` windows taken every `strides` (default `pool_size`) steps.

    Args:
        pool_size: an int or 1 ints.
        strides: an int, 1 ints or None (= `pool_size`).
        padding: "valid" or "same" (case-insensitive).
        data_format: "channels_last" (default from `keras_like.config.image_data_format()`)
            or "channels_first".

    Example:
    >>> MaxPooling1D()(np.ones((1, 4, 3))).shape
    (1, 2, 3)
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="max",
                         padding=padding, data_format=data_format, name=name, **kwargs)
