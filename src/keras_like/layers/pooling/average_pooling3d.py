"""AveragePooling3D: average pooling over 3 spatial dimensions."""

from keras_like.layers.pooling.base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """Mean over `pool_size` windows taken every `strides` (default `pool_size`) steps.

    With `padding="same"` each window averages only its real (unpadded) elements.

    Args:
        pool_size: an int or 3 ints.
        strides: an int, 3 ints or None (= `pool_size`).
        padding: "valid" or "same" (case-insensitive).
        data_format: "channels_last" (default from `keras_like.config.image_data_format()`)
            or "channels_first".

    Example:
    >>> AveragePooling3D()(np.ones((1, 4, 4, 4, 3))).shape
    (1, 2, 2, 2, 3)
    """

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=3, pool_mode="average",
                         padding=padding, data_format=data_format, name=name, **kwargs)
