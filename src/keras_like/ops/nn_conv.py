"""Convolution and pooling ops (`keras.ops.conv`, `max_pool`, ...) as composites of engine ops.

Each op pads the input once, takes one strided slice (a view) per kernel offset, and reduces
over those slices: a single matmul for convolutions (im2col), an element-wise max or sum for
pooling. The loop runs over kernel offsets (9 for a 3x3 kernel), never over output pixels, and
autodiff of slice/pad/matmul gives the gradients.
"""

import numpy as np

from keras_like.backend import config
from keras_like.backend.dtypes import INT_BOUNDS, result_type
from keras_like.ops._base import E, float_tensor, tensor

__all__ = ["conv", "conv_transpose", "depthwise_conv", "separable_conv", "max_pool",
           "average_pool"]


def _data_format(data_format, op):
    """The one data_format check, with the op named in its message (errors name the op)."""
    try:
        return config.standardize_data_format(data_format)
    except ValueError as e:
        raise ValueError(f"`{op}`: {e}") from None


def _padding(padding, op):
    value = str(padding).lower() if isinstance(padding, str) else padding
    if value not in ("valid", "same"):
        raise ValueError(f"`{op}`: `padding` must be 'valid' or 'same'. "
                         f"Received: padding={padding!r}")
    return value


def _spatial(value, n, name, op, minimum=1):
    """`value` (an int or a sequence of `n` ints) as a tuple of `n` ints >= `minimum`."""
    items = (value,) * n if isinstance(value, (int, np.integer)) else value
    try:
        items = tuple(items)
    except TypeError:
        items = None
    if (items is None or len(items) != n
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                       for v in items)):
        raise ValueError(f"`{op}`: `{name}` must be an int or a tuple of {n} ints. "
                         f"Received: {name}={value!r}")
    if any(v < minimum for v in items):
        raise ValueError(f"`{op}`: every entry of `{name}` must be >= {minimum}. "
                         f"Received: {name}={value!r}")
    return tuple(int(v) for v in items)


def _check_rank(x, op, name="inputs"):
    if x.ndim not in (3, 4, 5):
        raise ValueError(f"`{op}`: `{name}` must have rank 3, 4 or 5 (batch, 1 to 3 spatial "
                         f"dims, channels). Received: {name}.shape={tuple(x.shape)}")
    return x.ndim - 2


def _to_channels_last(x, data_format):
    if data_format == "channels_last":
        return x
    return E.transpose(x, [0, *range(2, x.ndim), 1])


def _from_channels_last(x, data_format):
    if data_format == "channels_last":
        return x
    return E.transpose(x, [0, x.ndim - 1, *range(1, x.ndim - 1)])


def _same_pads(size, window, stride):
    """Keras/TF "same": output ceil(size / stride); the odd padding element goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def _pads(x, windows, strides, padding):
    """(before, after) spatial padding of a channels-last `x` for effective window sizes."""
    if padding == "valid":
        return [(0, 0)] * len(windows)
    return [_same_pads(n, w, s) for n, w, s in zip(x.shape[1:-1], windows, strides)]


def _output_sizes(x, windows, strides, pads, op, kernel_shape):
    sizes = []
    for n, w, s, (lo, hi) in zip(x.shape[1:-1], windows, strides, pads):
        span = n + lo + hi - w
        if span < -1:
            raise ValueError(
                f"`{op}`: computed output size would be negative: the (dilated) window is "
                f"larger than the input. Received: inputs.shape={tuple(x.shape)} (channels "
                f"last), window shape={kernel_shape}")
        sizes.append(span // s + 1 if span >= 0 else 0)
    return sizes


def _offset_slices(x, kernel_size, strides, dilation, pads, fill, op, kernel_shape):
    """Pads channels-last `x` with `fill` and returns (slices, output sizes): one strided view
    `(N, *out, C)` per kernel offset, offsets in row-major kernel order."""
    windows = [(k - 1) * d + 1 for k, d in zip(kernel_size, dilation)]
    out = _output_sizes(x, windows, strides, pads, op, kernel_shape)
    if any(lo or hi for lo, hi in pads):
        x = E.pad(x, [0, *(p[0] for p in pads), 0], [0, *(p[1] for p in pads), 0], fill)
    if not all(out):
        return [], out
    slices = []
    for offset in np.ndindex(*kernel_size):
        starts = [0, *(o * d for o, d in zip(offset, dilation)), 0]
        stops = [x.shape[0], *(st + (m - 1) * s + 1 if m else st
                               for st, m, s in zip(starts[1:-1], out, strides)), x.shape[-1]]
        slices.append(E.slice(x, starts, stops, [1, *strides, 1]))
    return slices, out


def _check_inputs(inputs, kernel, op):
    x, k = tensor(inputs), tensor(kernel)
    n = _check_rank(x, op)
    if k.ndim != x.ndim:
        raise ValueError(f"`{op}`: `kernel` must have rank {x.ndim} (spatial dims, input "
                         f"channels, output channels) for inputs of rank {x.ndim}. Received: "
                         f"kernel.shape={tuple(k.shape)}")
    dtype = result_type(x.dtype, k.dtype)
    if x.dtype != dtype:
        x = E.cast(x, dtype)
    if k.dtype != dtype:
        k = E.cast(k, dtype)
    return x, k, n


def _grouped_matmul(patches, kernel, groups):
    """`patches` (M, K, C) times `kernel` (K, C/groups, F): each channel group meets its own
    F/groups filters."""
    m, taps, channels = patches.shape
    cg, filters = kernel.shape[1], kernel.shape[2]
    if groups == 1:
        return E.matmul(E.reshape(patches, [m, taps * channels]),
                        E.reshape(kernel, [taps * cg, filters]))
    fg = filters // groups
    p = E.transpose(E.reshape(patches, [m, taps, groups, cg]), [2, 0, 1, 3])
    w = E.transpose(E.reshape(kernel, [taps, cg, groups, fg]), [2, 0, 1, 3])
    y = E.matmul(E.reshape(p, [groups, m, taps * cg]), E.reshape(w, [groups, taps * cg, fg]))
    return E.reshape(E.transpose(y, [1, 0, 2]), [m, filters])


# The direct kernel keeps whole vectors of output channels in registers and re-reads the
# kernel for every block of output pixels, so it wants a multiple of 16 filters and a kernel
# that stays in the per-core cache; elsewhere im2col + GEMM measures faster.
_DIRECT_CONV_MAX_KERNEL_BYTES = 1 << 20


def _direct_conv2d_applies(x, k, strides, dilation, groups):
    return (x.ndim == 4 and groups == 1 and tuple(strides) == (1, 1)
            and tuple(dilation) == (1, 1) and str(x.dtype) in ("float32", "float64")
            and k.shape[-1] % 16 == 0
            and int(np.prod(k.shape)) * np.dtype(x.dtype).itemsize
            <= _DIRECT_CONV_MAX_KERNEL_BYTES)


def _pad_columns(x, pads):
    """`x` padded along its width, and the (top, bottom) rows the direct kernel pads itself
    (it skips the kernel rows over them instead of multiplying zeros)."""
    (top, bottom), (left, right) = pads
    if left or right:
        x = E.pad(x, [0, 0, left, 0], [0, 0, right, 0], 0.0)
    return x, (top, bottom)


def _conv_channels_last(x, k, strides, pads, dilation, op):
    n = x.ndim - 2
    kernel_size = list(k.shape[:n])
    channels, cg, filters = x.shape[-1], k.shape[-2], k.shape[-1]
    if cg == 0 or channels % cg:
        raise ValueError(f"`{op}`: the number of input channels must be evenly divisible by "
                         f"kernel's in_channels. Received input channels {channels} and kernel "
                         f"in_channels {cg}.")
    groups = channels // cg
    if filters % groups:
        raise ValueError(f"`{op}`: the kernel's output channels ({filters}) must be divisible "
                         f"by the number of groups ({groups} = input channels {channels} // "
                         f"kernel in_channels {cg}).")
    windows = [(w - 1) * d + 1 for w, d in zip(kernel_size, dilation)]
    out = _output_sizes(x, windows, strides, pads, op, tuple(k.shape))
    batch = x.shape[0]
    rows = batch * int(np.prod(out, dtype=np.int64))
    taps = int(np.prod(kernel_size, dtype=np.int64))
    if rows == 0:
        return E.full([batch, *out, filters], 0.0, x.dtype, x.device)
    if _direct_conv2d_applies(x, k, strides, dilation, groups):
        x, (top, bottom) = _pad_columns(x, pads)
        return E.conv2d(x, k, top, bottom)
    # One engine primitive gathers every window (im2col) and its gradient scatters back
    # (col2im), instead of a strided view per kernel offset joined by a concatenate.
    patches = E.patches(x, kernel_size, list(strides), list(dilation), [p[0] for p in pads],
                        [p[1] for p in pads])
    patches = E.reshape(patches, [rows, taps, channels])
    y = _grouped_matmul(patches, E.reshape(k, [taps, cg, filters]), groups)
    return E.reshape(y, [batch, *out, filters])


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (cross-correlation) for 1 to 3 spatial dimensions.

    Args:
        inputs: `(batch, *spatial, channels)` ("channels_last") or `(batch, channels,
            *spatial)` ("channels_first").
        kernel: `(*kernel_spatial, in_channels // groups, filters)`; the number of groups is
            `channels // kernel.shape[-2]`.
        strides, dilation_rate: an int or one int per spatial dimension.
        padding: "valid" or "same" ("same" pads floor(total/2) before, the rest after).
        data_format: defaults to `keras_like.config.image_data_format()`.

    Example:
    >>> conv(np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1))).shape
    (1, 2, 2, 1)
    """
    op = "conv"
    x, k, n = _check_inputs(inputs, kernel, op)
    data_format = _data_format(data_format, op)
    padding = _padding(padding, op)
    strides = _spatial(strides, n, "strides", op)
    dilation = _spatial(dilation_rate, n, "dilation_rate", op)
    x = _to_channels_last(x, data_format)
    windows = [(w - 1) * d + 1 for w, d in zip(k.shape[:n], dilation)]
    y = _conv_channels_last(x, k, strides, _pads(x, windows, strides, padding), dilation, op)
    return _from_channels_last(y, data_format)


def conv2d_bias_activation(inputs, kernel, bias, activation, strides, padding, dilation_rate):
    """`activation(conv(inputs, kernel) + bias)` for channels-last 2-D inputs as one engine op
    (the epilogue runs on the accumulators), or None where the direct kernel does not apply.

    The Conv2D layer's fused call: `bias` is a tensor of shape `(filters,)` or None, and
    `activation` is "linear" or "relu".
    """
    op = "conv"
    x, k, n = _check_inputs(inputs, kernel, op)
    if n != 2 or (bias is not None and (str(bias.dtype) != str(x.dtype)
                                        or tuple(bias.shape) != (k.shape[-1],))):
        return None
    strides = _spatial(strides, n, "strides", op)
    dilation = _spatial(dilation_rate, n, "dilation_rate", op)
    padding = _padding(padding, op)
    groups = x.shape[-1] // k.shape[-2] if k.shape[-2] else 0
    if groups != 1 or k.shape[-2] != x.shape[-1] or not _direct_conv2d_applies(
            x, k, strides, dilation, groups):
        return None
    windows = list(k.shape[:n])
    pads = _pads(x, windows, strides, padding)
    _output_sizes(x, windows, strides, pads, op, tuple(k.shape))
    x, (top, bottom) = _pad_columns(x, pads)
    if x.shape[0] == 0 or x.shape[1] + top + bottom < k.shape[0] or x.shape[2] < k.shape[1]:
        return None
    return E.conv2d_bias_activation(x, k, bias, activation, top, bottom)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Depthwise convolution: each input channel gets its own `channel_multiplier` filters.

    `kernel` is `(*kernel_spatial, channels, channel_multiplier)`; output channel
    `c * channel_multiplier + m` is channel `c` convolved with filter `m`.

    Example:
    >>> depthwise_conv(np.ones((1, 4, 4, 2)), np.ones((3, 3, 2, 3))).shape
    (1, 2, 2, 6)
    """
    op = "depthwise_conv"
    x, k, n = _check_inputs(inputs, kernel, op)
    data_format = _data_format(data_format, op)
    channels = x.shape[-1] if data_format == "channels_last" else x.shape[1]
    if k.shape[-2] != channels:
        raise ValueError(f"`{op}`: kernel.shape[-2] ({k.shape[-2]}) must equal the number of "
                         f"input channels ({channels}). Received: inputs.shape="
                         f"{tuple(x.shape)}, kernel.shape={tuple(k.shape)}")
    # A grouped convolution with one input channel per group is exactly a depthwise one.
    grouped = E.reshape(k, [*k.shape[:n], 1, k.shape[-2] * k.shape[-1]])
    try:
        return conv(x, grouped, strides, padding, data_format, dilation_rate)
    except ValueError as error:
        raise ValueError(str(error).replace("`conv`", f"`{op}`")) from None


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """Depthwise convolution followed by a 1x1 (pointwise) convolution.

    Example:
    >>> separable_conv(np.ones((1, 4, 4, 2)), np.ones((3, 3, 2, 2)),
    ...                np.ones((1, 1, 4, 5))).shape
    (1, 2, 2, 5)
    """
    op = "separable_conv"
    pointwise = tensor(pointwise_kernel)
    depthwise = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format,
                               dilation_rate)
    if pointwise.ndim != depthwise.ndim or any(d != 1 for d in pointwise.shape[:-2]):
        raise ValueError(f"`{op}`: `pointwise_kernel` must have shape (1, ..., 1, "
                         f"in_channels * channel_multiplier, filters). Received: "
                         f"pointwise_kernel.shape={tuple(pointwise.shape)}")
    try:
        return conv(depthwise, pointwise, 1, "valid", data_format, 1)
    except ValueError as error:
        raise ValueError(str(error).replace("`conv`", f"`{op}`")) from None


def _transpose_pads(kernel, stride, dilation, padding, output_padding):
    """Keras's (before, after) padding of the stride-dilated input for a transposed conv."""
    window = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(window, stride) - window if output_padding is None else output_padding
        return window - 1, window - 1 + extra
    if output_padding is None:
        total = stride + window - 2
    else:
        total = window + window % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, window - 1)
    return before, total - before


def _dilate(x, strides):
    """Inserts `stride - 1` zeros between neighbouring elements along each spatial axis."""
    n = x.ndim - 2
    for axis, s in enumerate(strides, start=1):
        if s == 1 or x.shape[axis] == 0:
            continue
        shape = list(x.shape)
        x = E.reshape(x, [*shape[:axis + 1], 1, *shape[axis + 1:]])
        after = [0] * (n + 3)
        after[axis + 1] = s - 1
        x = E.pad(x, [0] * (n + 3), after, 0.0)
        shape[axis] *= s
        x = E.reshape(x, shape)
        stops = list(shape)
        stops[axis] -= s - 1
        x = E.slice(x, [0] * (n + 2), stops, [1] * (n + 2))
    return x


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """Transposed convolution (the gradient of `conv` with respect to its input).

    `kernel` is `(*kernel_spatial, filters, in_channels)`. With `output_padding=None` the
    output size is `input * stride` ("same") or `(input - 1) * stride + max(window, stride)`
    ("valid"); otherwise `(input - 1) * stride + window % 2 + output_padding` ("same") or
    `(input - 1) * stride + window + output_padding` ("valid").

    Example:
    >>> conv_transpose(np.ones((1, 3, 3, 2)), np.ones((3, 3, 4, 2)), strides=2,
    ...                padding="same").shape
    (1, 6, 6, 4)
    """
    op = "conv_transpose"
    x, k, n = _check_inputs(inputs, kernel, op)
    data_format = _data_format(data_format, op)
    padding = _padding(padding, op)
    strides = _spatial(strides, n, "strides", op)
    dilation = _spatial(dilation_rate, n, "dilation_rate", op)
    extra = [None] * n if output_padding is None else \
        _spatial(output_padding, n, "output_padding", op, minimum=0)
    x = _to_channels_last(x, data_format)
    if k.shape[-1] != x.shape[-1]:
        raise ValueError(f"`{op}`: kernel.shape[-1] ({k.shape[-1]}) must equal the number of "
                         f"input channels ({x.shape[-1]}); the kernel is (*spatial, filters, "
                         f"in_channels). Received: kernel.shape={tuple(k.shape)}")
    pads = [_transpose_pads(w, s, d, padding, e)
            for w, s, d, e in zip(k.shape[:n], strides, dilation, extra)]
    # conv_transpose == conv of the zero-interleaved input with the spatially flipped kernel
    # whose in/out channel axes are swapped.
    # A stop of -1 with step -1 is the engine's "through index 0".
    flipped = E.slice(k, [w - 1 for w in k.shape[:n]] + [0, 0],
                      [-1] * n + list(k.shape[n:]), [-1] * n + [1, 1])
    flipped = E.transpose(flipped, [*range(n), n + 1, n])
    y = _conv_channels_last(_dilate(x, strides), flipped, [1] * n, pads, dilation, op)
    return _from_channels_last(y, data_format)


def _pool_args(inputs, pool_size, strides, padding, data_format, op):
    x = tensor(inputs)
    n = _check_rank(x, op)
    pool = _spatial(pool_size, n, "pool_size", op)
    strides = pool if strides is None else _spatial(strides, n, "strides", op)
    data_format = _data_format(data_format, op)
    padding = _padding(padding, op)
    x = _to_channels_last(x, data_format)
    return x, pool, strides, _pads(x, pool, strides, padding), data_format


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Maximum over each `pool_size` window; `strides` defaults to `pool_size`.

    Example:
    >>> max_pool(np.arange(16.0).reshape(1, 4, 4, 1), 2)[0, ..., 0].numpy()
    array([[ 5.,  7.],
           [13., 15.]])
    """
    op = "max_pool"
    x, pool, strides, pads, data_format = _pool_args(inputs, pool_size, strides, padding,
                                                     data_format, op)
    if str(x.dtype) in ("float32", "float64"):
        # The native primitive routes the gradient to each window's first maximum instead of
        # an element-wise maximum over one strided view per window offset.
        out = _output_sizes(x, pool, strides, pads, op, pool)
        if not all(out):
            return _from_channels_last(E.full([x.shape[0], *out, x.shape[-1]], 0.0, x.dtype,
                                              x.device), data_format)
        y = E.max_pool(x, list(pool), list(strides), [p[0] for p in pads],
                       [p[1] for p in pads])
        return _from_channels_last(y, data_format)
    # Padding must never win the max: -inf for floats, the dtype's minimum for integers.
    bounds = INT_BOUNDS.get(str(x.dtype))
    fill = float(bounds[0]) if bounds else float("-inf")
    slices, out = _offset_slices(x, pool, strides, [1] * len(pool), pads, fill, op, pool)
    if not all(out):
        return _from_channels_last(E.full([x.shape[0], *out, x.shape[-1]], 0.0, x.dtype,
                                          x.device), data_format)
    y = slices[0]
    for s in slices[1:]:
        y = E.maximum(y, s)
    return _from_channels_last(y, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Mean over each `pool_size` window; with "same" padding only the real (unpadded)
    elements of a window count.

    Example:
    >>> average_pool(np.arange(16.0).reshape(1, 4, 4, 1), 2)[0, ..., 0].numpy()
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    op = "average_pool"
    x, pool, strides, pads, data_format = _pool_args(float_tensor(inputs), pool_size, strides,
                                                     padding, data_format, op)
    slices, out = _offset_slices(x, pool, strides, [1] * len(pool), pads, 0.0, op, pool)
    if not all(out):
        return _from_channels_last(E.full([x.shape[0], *out, x.shape[-1]], 0.0, x.dtype,
                                          x.device), data_format)
    y = slices[0]
    for s in slices[1:]:
        y = E.add(y, s)
    counts = _window_counts(x.shape[1:-1], pool, strides, pads, out)
    if counts is None:
        y = E.divide(y, float(np.prod(pool)))
    else:
        y = E.divide(y, E.cast(tensor(counts.reshape(1, *out, 1)), x.dtype))
    return _from_channels_last(y, data_format)


def _window_counts(sizes, pool, strides, pads, out):
    """Real elements in each window (None when every window is full)."""
    if not any(lo or hi for lo, hi in pads):
        return None
    per_axis = []
    for n, w, s, (lo, _), m in zip(sizes, pool, strides, pads, out):
        start = np.arange(m) * s - lo
        per_axis.append(np.minimum(start + w, n) - np.maximum(start, 0))
    counts = per_axis[0].astype(np.float64)
    for c in per_axis[1:]:
        counts = np.multiply.outer(counts, c)
    return counts
