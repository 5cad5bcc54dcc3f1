"""GlobalMaxPooling1D / 2D / 3D: the maximum over all spatial positions."""

from keras_like import ops
from keras_like.layers.pooling.base_global_pooling import BaseGlobalPooling


class _GlobalMaxPooling(BaseGlobalPooling):
    def _reduce(self, inputs, axes):
        return ops.max(inputs, axis=axes, keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalMaxPooling):
    """The maximum of `(batch, steps, features)` inputs over the steps.
    Args:
        data_format: `"channels_last"` (channels on the last axis) or `"channels_first"`
            (channels on axis 1). Defaults to `keras_like.config.image_data_format()`.
        keepdims: If `True`, the spatial axes stay, with length 1 (as `np.max(...,
            keepdims=True)`); otherwise the output is `(batch, channels)`.

    Example:
    >>> GlobalMaxPooling1D()(np.ones((2, 3, 4), dtype="float32")).shape
    (2, 4)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling2D(_GlobalMaxPooling):
    """The maximum of images over their rows and columns.
    Args:
        data_format: `"channels_last"` (channels on the last axis) or `"channels_first"`
            (channels on axis 1). Defaults to `keras_like.config.image_data_format()`.
        keepdims: If `True`, the spatial axes stay, with length 1 (as `np.max(...,
            keepdims=True)`); otherwise the output is `(batch, channels)`.

    Example:
    >>> GlobalMaxPooling2D()(np.ones((2, 4, 5, 3), dtype="float32")).shape
    (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling3D(_GlobalMaxPooling):
    """The maximum of volumes over their three spatial axes.
    Args:
        data_format: `"channels_last"` (channels on the last axis) or `"channels_first"`
            (channels on axis 1). Defaults to `keras_like.config.image_data_format()`.
        keepdims: If `True`, the spatial axes stay, with length 1 (as `np.max(...,
            keepdims=True)`); otherwise the output is `(batch, channels)`.

    Example:
    >>> GlobalMaxPooling3D()(np.ones((2, 4, 5, 4, 3), dtype="float32")).shape
    (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)


GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D
