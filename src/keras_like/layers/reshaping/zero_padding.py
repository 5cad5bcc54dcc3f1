"""ZeroPadding1D / 2D / 3D: add zeros before and after the spatial axes."""

from keras_like import ops
from keras_like.layers._data_format import standardize_data_format
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer
from keras_like.layers.reshaping._spatial_args import (
    spatial_axes,
    standardize_pairs,
    standardize_tuple,
)


class _ZeroPadding(Layer):
    """Pads each spatial axis `i` with `padding[i][0]` zeros before and `padding[i][1]` after."""

    def __init__(self, padding, rank, data_format, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = padding
        self.input_spec = InputSpec(ndim=rank + 2)
        axes = spatial_axes(self.data_format, rank)
        widths = [(0, 0)] * (rank + 2)
        for axis, pair in zip(axes, padding):
            widths[axis] = pair
        self._widths = tuple(widths)

    def call(self, inputs):
        return ops.pad(inputs, self._widths)

    def compute_output_shape(self, input_shape):
        return tuple(d if d is None else d + before + after
                     for d, (before, after) in zip(input_shape, self._widths))

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class ZeroPadding1D(_ZeroPadding):
    """Adds zeros at the start and end of the steps axis of `(batch, steps, features)`
    (`channels_last`) or `(batch, features, steps)` (`channels_first`) inputs.

    Args:
        padding: Int (the same on both sides) or tuple of 2 ints `(left_pad, right_pad)`.
        data_format: `"channels_last"` or `"channels_first"`. Defaults to
            `keras_like.config.image_data_format()`.

    Example:
    >>> ZeroPadding1D(padding=2)(np.ones((2, 2, 3), dtype="float32")).shape
    (2, 6, 3)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        pair = standardize_tuple(padding, 2, "padding", allow_zero=True)
        super().__init__((pair,), 1, data_format, **kwargs)
        # Keras stores the single pair itself, not a 1-tuple of pairs.
        self.padding = pair


class ZeroPadding2D(_ZeroPadding):
    """Adds rows and columns of zeros around images.

    Args:
        padding: Int (the same on all four sides), tuple of 2 ints
            `(symmetric_height_pad, symmetric_width_pad)`, or tuple of 2 tuples of 2 ints
            `((top_pad, bottom_pad), (left_pad, right_pad))`.
        data_format: `"channels_last"` (`(batch, rows, cols, channels)`) or
            `"channels_first"` (`(batch, channels, rows, cols)`). Defaults to
            `keras_like.config.image_data_format()`.

    Example:
    >>> ZeroPadding2D(padding=1)(np.ones((1, 2, 2, 3), dtype="float32")).shape
    (1, 4, 4, 3)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        pairs = standardize_pairs(
            padding, 2, "padding", "a tuple of 2 ints (symmetric_height_pad, "
            "symmetric_width_pad), or a tuple of 2 tuples of 2 ints ((top_pad, bottom_pad), "
            "(left_pad, right_pad))")
        super().__init__(pairs, 2, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Adds zeros around the three spatial axes of volumes.

    Args:
        padding: Int (the same everywhere), tuple of 3 ints (symmetric per axis), or tuple of
            3 tuples of 2 ints `((left_dim1_pad, right_dim1_pad), ..., (left_dim3_pad,
            right_dim3_pad))`.
        data_format: `"channels_last"` (`(batch, d1, d2, d3, channels)`) or
            `"channels_first"` (`(batch, channels, d1, d2, d3)`). Defaults to
            `keras_like.config.image_data_format()`.

    Example:
    >>> ZeroPadding3D(padding=2)(np.ones((1, 1, 2, 2, 3), dtype="float32")).shape
    (1, 5, 6, 6, 3)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        pairs = standardize_pairs(
            padding, 3, "padding", "a tuple of 3 ints (symmetric_dim1_pad, "
            "symmetric_dim2_pad, symmetric_dim3_pad), or a tuple of 3 tuples of 2 ints "
            "((left_dim1_pad, right_dim1_pad), (left_dim2_pad, right_dim2_pad), "
            "(left_dim3_pad, right_dim3_pad))")
        super().__init__(pairs, 3, data_format, **kwargs)
