"""Cropping1D / 2D / 3D: remove samples from the start and end of the spatial axes."""

from keras_like.backend.keras_tensor import KerasTensor
from keras_like.layers._data_format import standardize_data_format
from keras_like.layers.input_spec import InputSpec, assert_input_compatibility
from keras_like.layers.layer import Layer
from keras_like.layers.reshaping._spatial_args import (
    spatial_axes,
    standardize_pairs,
    standardize_tuple,
)


class _Cropping(Layer):
    """Removes `cropping[i][0]` samples from the start and `cropping[i][1]` from the end of
    spatial axis `i`."""

    def __init__(self, cropping, rank, data_format, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = cropping
        self.input_spec = InputSpec(ndim=rank + 2)
        self._axes = spatial_axes(self.data_format, rank)
        self._pairs = cropping
        self._tracing = False

    def _too_much(self, shape, what):
        return ValueError(
            "Values in `cropping` argument should be smaller than the corresponding spatial "
            f"dimension of the input. Received: {what}={shape}, cropping={self.cropping}")

    def _cropped_shape(self, shape, what):
        shape = list(shape)
        for axis, (before, after) in zip(self._axes, self._pairs):
            if shape[axis] is None:
                continue
            # At least one sample must survive: Keras refuses an empty result too.
            if before + after >= shape[axis]:
                raise self._too_much(tuple(shape), what)
            shape[axis] -= before + after
        return tuple(shape)

    def call(self, inputs):
        shape = tuple(inputs.shape)
        if not self._tracing:
            self._cropped_shape(shape, "inputs.shape")
        index = [slice(None)] * len(shape)
        for axis, (before, after) in zip(self._axes, self._pairs):
            index[axis] = slice(before, shape[axis] - after)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        return self._cropped_shape(input_shape, "input_shape")

    def compute_output_spec(self, inputs, *args, **kwargs):
        # Symbolic calls trace `call` with stand-in sizes for unknown axes; a crop larger than
        # the stand-in would be refused there although the real size is unknown. The shape
        # comes from `compute_output_shape` (which skips unknown axes); tracing only gives
        # the dtype.
        assert_input_compatibility(self.input_spec, inputs, self.name)
        shape = self.compute_output_shape(tuple(inputs.shape))
        self._tracing = True
        try:
            spec = super().compute_output_spec(inputs, *args, **kwargs)
        finally:
            self._tracing = False
        return KerasTensor(shape, spec.dtype)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}


class Cropping1D(_Cropping):
    """Crops the steps axis (axis 1) of `(batch, steps, features)` inputs.

    Args:
        cropping: Int (the same at both ends) or tuple of 2 ints `(start_crop, end_crop)`.

    Example:
    >>> Cropping1D(cropping=(1, 2))(np.ones((2, 5, 3), dtype="float32")).shape
    (2, 2, 3)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        pair = standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        # Keras's Cropping1D has no data_format: it always crops axis 1.
        super().__init__((pair,), 1, "channels_last", **kwargs)
        self.cropping = pair

    def _too_much(self, shape, what):
        return ValueError(
            "`cropping` parameter of `Cropping1D` layer must be smaller than the input length. "
            f"Received: {what}={shape}, cropping={self.cropping}")

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        return config


class Cropping2D(_Cropping):
    """Crops the rows and columns of images.

    Args:
        cropping: Int (the same on all four sides), tuple of 2 ints
            `(symmetric_height_crop, symmetric_width_crop)`, or tuple of 2 tuples of 2 ints
            `((top_crop, bottom_crop), (left_crop, right_crop))`.
        data_format: `"channels_last"` (`(batch, rows, cols, channels)`) or
            `"channels_first"` (`(batch, channels, rows, cols)`). Defaults to
            `keras_like.config.image_data_format()`.

    Example:
    >>> Cropping2D(cropping=((2, 2), (4, 4)))(np.ones((2, 28, 28, 3), dtype="float32")).shape
    (2, 24, 20, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        pairs = standardize_pairs(
            cropping, 2, "cropping", "a tuple of 2 ints (symmetric_height_crop, "
            "symmetric_width_crop), or a tuple of 2 tuples of 2 ints ((top_crop, bottom_crop), "
            "(left_crop, right_crop))")
        super().__init__(pairs, 2, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the three spatial axes of volumes.

    Args:
        cropping: Int (the same everywhere), tuple of 3 ints (symmetric per axis), or tuple of
            3 tuples of 2 ints `((left_dim1_crop, right_dim1_crop), ..., (left_dim3_crop,
            right_dim3_crop))`.
        data_format: `"channels_last"` (`(batch, d1, d2, d3, channels)`) or
            `"channels_first"` (`(batch, channels, d1, d2, d3)`). Defaults to
            `keras_like.config.image_data_format()`.

    Example:
    >>> Cropping3D(cropping=(2, 4, 2))(np.ones((2, 28, 28, 10, 3), dtype="float32")).shape
    (2, 24, 20, 6, 3)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        pairs = standardize_pairs(
            cropping, 3, "cropping", "a tuple of 3 ints (symmetric_dim1_crop, "
            "symmetric_dim2_crop, symmetric_dim3_crop), or a tuple of 3 tuples of 2 ints "
            "((left_dim1_crop, right_dim1_crop), (left_dim2_crop, right_dim2_crop), "
            "(left_dim3_crop, right_dim3_crop))")
        super().__init__(pairs, 3, data_format, **kwargs)
