"""GlobalAveragePooling1D / 2D / 3D: the mean over all spatial positions."""

from keras_like import ops
from keras_like.layers.pooling.base_global_pooling import BaseGlobalPooling


class _GlobalAveragePooling(BaseGlobalPooling):
    def _reduce(self, inputs, axes):
        return ops.mean(inputs, axis=axes, keepdims=self.keepdims)


class GlobalAveragePooling1D(_GlobalAveragePooling):
    """Averages `(batch, steps, features)` inputs over the steps.

    A mask `(batch, steps)` (given to `call` or carried from a `Masking` / `Embedding` layer)
    leaves the masked steps out of the average; the output carries no mask.

    Args:
        data_format: `"channels_last"` (channels on the last axis) or `"channels_first"`
            (channels on axis 1). Defaults to `keras_like.config.image_data_format()`.
        keepdims: If `True`, the spatial axes stay, with length 1 (as `np.mean(...,
            keepdims=True)`); otherwise the output is `(batch, channels)`.

    Example:
    >>> GlobalAveragePooling1D()(np.ones((2, 3, 4), dtype="float32")).shape
    (2, 4)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return self._reduce(inputs, self._axes)
        channel_axis = 2 if self.data_format == "channels_last" else 1
        keep = ops.expand_dims(ops.cast(mask, "bool"), channel_axis)
        # `where` rather than multiplying, so NaN/inf at masked steps cannot leak through.
        total = ops.sum(ops.where(keep, inputs, 0), axis=self._axes, keepdims=self.keepdims)
        count = ops.sum(ops.cast(keep, inputs.dtype), axis=self._axes, keepdims=self.keepdims)
        return total / count

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(_GlobalAveragePooling):
    """Averages images over their rows and columns.
    Args:
        data_format: `"channels_last"` (channels on the last axis) or `"channels_first"`
            (channels on axis 1). Defaults to `keras_like.config.image_data_format()`.
        keepdims: If `True`, the spatial axes stay, with length 1 (as `np.mean(...,
            keepdims=True)`); otherwise the output is `(batch, channels)`.

    Example:
    >>> GlobalAveragePooling2D()(np.ones((2, 4, 5, 3), dtype="float32")).shape
    (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalAveragePooling3D(_GlobalAveragePooling):
    """Averages volumes over their three spatial axes.
    Args:
        data_format: `"channels_last"` (channels on the last axis) or `"channels_first"`
            (channels on axis 1). Defaults to `keras_like.config.image_data_format()`.
        keepdims: If `True`, the spatial axes stay, with length 1 (as `np.mean(...,
            keepdims=True)`); otherwise the output is `(batch, channels)`.

    Example:
    >>> GlobalAveragePooling3D()(np.ones((2, 4, 5, 4, 3), dtype="float32")).shape
    (2, 3)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)


GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
