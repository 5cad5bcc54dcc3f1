"""UpSampling1D / 2D / 3D: enlarge the spatial axes by integer factors."""

from keras_like import ops
from keras_like.layers._arg_checks import MAX_DIMENSION
from keras_like.layers._data_format import standardize_data_format
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer
from keras_like.layers.reshaping._spatial_args import as_int, spatial_axes, standardize_tuple

# The methods Keras's UpSampling2D passes on to `ops.image.resize`.
_RESIZE_METHODS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area")
# Those this module computes itself; the others need `ops.image.resize`.
_OWN_METHODS = ("nearest", "bilinear")


def _axis_slice(x, axis, start, stop):
    return x[(slice(None),) * axis + (slice(start, stop),)]


def _bilinear_along(x, axis, factor):
    """Half-pixel-centre linear upsampling of one axis by an integer factor.

    Output sample `i` reads the input at `(i + 0.5) / factor - 0.5`, clamped to the first and
    last samples (what `ops.image.resize(..., "bilinear")` does on every Keras backend when
    enlarging). For `i = factor * k + r` that point lies at a fixed offset `d_r` from input
    `k`, so each phase `r` is a blend of `x` with its left or right neighbour; the phases are
    interleaved by stacking them behind `axis` and merging the two axes. Only slicing and
    arithmetic are used, so gradients come from the ops' own rules.
    """
    if factor == 1:
        return x
    n = x.shape[axis]
    if n == 1:
        prev = nxt = x
    else:
        # Edge-replicated neighbours: that is the clamping.
        prev = ops.concatenate([_axis_slice(x, axis, 0, 1), _axis_slice(x, axis, 0, n - 1)],
                               axis=axis)
        nxt = ops.concatenate([_axis_slice(x, axis, 1, n), _axis_slice(x, axis, n - 1, n)],
                              axis=axis)
    phases = []
    for r in range(factor):
        offset = (r + 0.5) / factor - 0.5
        neighbour = nxt if offset >= 0 else prev
        weight = abs(offset)
        phases.append(x if weight == 0 else x + (neighbour - x) * weight)
    stacked = ops.stack(phases, axis=axis + 1)
    shape = tuple(x.shape)
    return ops.reshape(stacked, shape[:axis] + (n * factor,) + shape[axis + 1:])


def _scaled_shape(input_shape, axes, factors):
    shape = list(input_shape)
    for axis, factor in zip(axes, factors):
        if shape[axis] is not None:
            shape[axis] = shape[axis] * factor
    return tuple(shape)


class UpSampling1D(Layer):
    """Repeats each step of `(batch, steps, features)` inputs `size` times along axis 1.

    Args:
        size: Positive integer, the upsampling factor.

    Example:
    >>> UpSampling1D(size=2)(np.ones((2, 3, 4), dtype="float32")).shape
    (2, 6, 4)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        # Unlike 2D/3D, Keras takes only a single int here (not a 1-tuple).
        if isinstance(size, (list, tuple)) or as_int(size) is None or not \
                1 <= size <= MAX_DIMENSION:
            raise ValueError(f"Argument `size` should be a positive integer. Received: size={size}")
        self.size = int(size)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return ops.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        return _scaled_shape(input_shape, (1,), (self.size,))

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class UpSampling2D(Layer):
    """Enlarges the rows and columns of images by integer factors.

    Args:
        size: Int, or tuple of 2 ints: the factors for rows and columns.
        data_format: `"channels_last"` (`(batch, rows, cols, channels)`) or
            `"channels_first"` (`(batch, channels, rows, cols)`). Defaults to
            `keras_like.config.image_data_format()`.
        interpolation: `"nearest"` repeats rows and columns; `"bilinear"` interpolates
            linearly between pixel centres (as `ops.image.resize`). `"bicubic"`, `"lanczos3"`,
            `"lanczos5"` and `"area"` are accepted when `keras_like.ops.image.resize` exists.

    Example:
    >>> UpSampling2D(size=(1, 2))(np.ones((2, 2, 1, 3), dtype="float32")).shape
    (2, 2, 2, 3)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size")
        method = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if method not in _RESIZE_METHODS:
            raise ValueError(
                f"Invalid value for argument `interpolation`: expected one of "
                f"{_RESIZE_METHODS}. Received: interpolation={interpolation}")
        if method not in _OWN_METHODS and not hasattr(getattr(ops, "image", None), "resize"):
            raise ValueError(
                f"UpSampling2D: interpolation={interpolation!r} needs "
                f"`keras_like.ops.image.resize`, which this build lacks; use one of "
                f"{_OWN_METHODS}.")
        self.interpolation = method
        self.input_spec = InputSpec(ndim=4)
        self._axes = spatial_axes(self.data_format, 2)

    def call(self, inputs):
        if self.interpolation == "nearest":
            for axis, factor in zip(self._axes, self.size):
                inputs = ops.repeat(inputs, factor, axis=axis)
            return inputs
        if self.interpolation == "bilinear":
            for axis, factor in zip(self._axes, self.size):
                inputs = _bilinear_along(inputs, axis, factor)
            return inputs
        shape = tuple(inputs.shape)
        new_size = tuple(shape[a] * f for a, f in zip(self._axes, self.size))
        return ops.image.resize(inputs, new_size, interpolation=self.interpolation,
                                data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        return _scaled_shape(input_shape, self._axes, self.size)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class UpSampling3D(Layer):
    """Repeats the three spatial axes of volumes by `size[0]`, `size[1]` and `size[2]`.

    Args:
        size: Int, or tuple of 3 ints: the factors for the three spatial axes.
        data_format: `"channels_last"` (`(batch, d1, d2, d3, channels)`) or
            `"channels_first"` (`(batch, channels, d1, d2, d3)`). Defaults to
            `keras_like.config.image_data_format()`.

    Example:
    >>> UpSampling3D(size=2)(np.ones((2, 1, 2, 1, 3), dtype="float32")).shape
    (2, 2, 4, 2, 3)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 3, "size")
        self.input_spec = InputSpec(ndim=5)
        self._axes = spatial_axes(self.data_format, 3)

    def call(self, inputs):
        for axis, factor in zip(self._axes, self.size):
            inputs = ops.repeat(inputs, factor, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape):
        return _scaled_shape(input_shape, self._axes, self.size)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
