"""Discrete Fourier transforms over `(real, imag)` pairs: fft, fft2, ifft2, rfft, irfft,
stft, istft.

The engine has no complex dtype, so a complex tensor is a pair of float tensors, as in
Keras. Transforms are products with cos/sin matrices (built in float64 on the host, as
constants) split by Cooley-Tukey into factors of at most `_DIRECT` points, so every
transform is a composite of engine ops and differentiable.
"""

import math as _math

import numpy as np

from keras_like.backend.dtypes import is_float_dtype
from keras_like.ops._base import E, tensor

__all__ = ["fft", "fft2", "ifft2", "irfft", "istft", "rfft", "stft"]

_DIRECT = 64  # transforms up to this length are one matrix product


def _complex_input(x, rank, op):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"Input `x` should be a tuple of two tensors - real and imaginary. Received: x={x}"
        )
    re, im = tensor(x[0]), tensor(x[1])
    if tuple(re.shape) != tuple(im.shape):
        raise ValueError(
            "Input `x` should be a tuple of two tensors - real and imaginary. Both the real "
            "and imaginary parts should have the same shape. Received: x[0].shape = "
            f"{tuple(re.shape)}, x[1].shape = {tuple(im.shape)}"
        )
    if not is_float_dtype(re.dtype) or not is_float_dtype(im.dtype):
        raise ValueError(f"At least one tensor in input `x` is not of type float. Received: x={x}")
    if re.ndim < rank:
        raise ValueError(f"Input should have rank >= {rank}. Received: input.shape = {re.shape}")
    if re.dtype != im.dtype:
        raise ValueError(
            f"`{op}`: the real and imaginary parts must share a dtype. Received: "
            f"{re.dtype} and {im.dtype}"
        )
    return re, im


def _work_dtype(dtype):
    return "float64" if dtype == "float64" else "float32"


def _constant(values, dtype):
    return tensor(np.ascontiguousarray(values), dtype)


def _smallest_factor(n):
    """A factor of n close to sqrt(n) (1 when n is prime)."""
    for f in range(int(_math.isqrt(n)), 1, -1):
        if n % f == 0:
            return f
    return 1


def _dft(re, im, inverse):
    """Unnormalized complex DFT along the last axis (sign +1 when `inverse`)."""
    n = re.shape[-1]
    if n <= 1:
        return re, im
    n1 = _smallest_factor(n) if n > _DIRECT else 1
    if n1 == 1:
        k = np.arange(n)
        angle = 2.0 * np.pi * np.outer(k, k) / n
        cos = _constant(np.cos(angle), re.dtype)
        sin = _constant(np.sin(angle) * (-1.0 if inverse else 1.0), re.dtype)
        # (a + ib)(cos - i sin) with the sign of sin flipped for the inverse.
        out_re = E.add(E.matmul(re, cos), E.matmul(im, sin))
        out_im = E.subtract(E.matmul(im, cos), E.matmul(re, sin))
        return out_re, out_im
    n2 = n // n1
    lead = list(re.shape[:-1])
    r = len(lead)
    # Input index j = n2 * j1 + j2; output index k = k1 + n1 * k2.
    shape = lead + [n1, n2]
    swap = list(range(r)) + [r + 1, r]
    re, im = E.transpose(E.reshape(re, shape), swap), E.transpose(E.reshape(im, shape), swap)
    re, im = _dft(re, im, inverse)  # over j1: (..., j2, k1)
    twiddle = 2.0 * np.pi * np.outer(np.arange(n2), np.arange(n1)) / n
    cos = _constant(np.cos(twiddle), re.dtype)
    sin = _constant(np.sin(twiddle) * (1.0 if inverse else -1.0), re.dtype)
    re, im = (E.subtract(E.multiply(re, cos), E.multiply(im, sin)),
              E.add(E.multiply(re, sin), E.multiply(im, cos)))
    re, im = E.transpose(re, swap), E.transpose(im, swap)  # (..., k1, j2)
    re, im = _dft(re, im, inverse)  # over j2: (..., k1, k2)
    re, im = E.transpose(re, swap), E.transpose(im, swap)  # (..., k2, k1)
    return E.reshape(re, lead + [n]), E.reshape(im, lead + [n])


def _transform(re, im, inverse):
    dtype = re.dtype
    work = _work_dtype(dtype)
    out_re, out_im = _dft(E.cast(re, work), E.cast(im, work), inverse)
    if inverse:
        scale = 1.0 / re.shape[-1] if re.shape[-1] else 1.0
        out_re, out_im = E.multiply(out_re, scale), E.multiply(out_im, scale)
    return E.cast(out_re, dtype), E.cast(out_im, dtype)


def _swap_last_two(t):
    perm = list(range(t.ndim))
    perm[-2], perm[-1] = perm[-1], perm[-2]
    return E.transpose(t, perm)


def fft(x):
    """The 1-D discrete Fourier transform over the last axis of a complex `(real, imag)` pair.

    Example:
    >>> re, im = fft(([1.0, 2.0], [0.0, 1.0]))
    >>> re.numpy(), im.numpy()
    (array([ 3., -1.], dtype=float32), array([ 1., -1.], dtype=float32))
    """
    re, im = _complex_input(x, 1, "fft")
    return _transform(re, im, inverse=False)


def _transform2(x, inverse, op):
    re, im = _complex_input(x, 2, op)
    re, im = _transform(re, im, inverse)
    re, im = _transform(_swap_last_two(re), _swap_last_two(im), inverse)
    return _swap_last_two(re), _swap_last_two(im)


def fft2(x):
    """The 2-D discrete Fourier transform over the last two axes of a `(real, imag)` pair.

    Example:
    >>> re, im = fft2(([[1.0, 2.0], [2.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]))
    >>> re.numpy()
    array([[ 6.,  0.],
           [ 0., -2.]], dtype=float32)
    """
    return _transform2(x, False, "fft2")


def ifft2(x):
    """The inverse 2-D discrete Fourier transform over the last two axes (scaled by 1/MN).

    Example:
    >>> re, im = ifft2(fft2(([[1.0, 2.0], [3.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]])))
    >>> re.numpy()
    array([[1., 2.],
           [3., 4.]], dtype=float32)
    """
    return _transform2(x, True, "ifft2")


def _fit_last(t, n):
    """Crops or zero-pads the last axis of `t` to length `n`."""
    m = t.shape[-1]
    if m > n:
        return E.slice(t, [0] * t.ndim, list(t.shape[:-1]) + [n], [1] * t.ndim)
    if m < n:
        return E.pad(t, [0] * t.ndim, [0] * (t.ndim - 1) + [n - m], 0.0)
    return t


def _check_length(fft_length, name="fft_length"):
    if fft_length is not None and (not isinstance(fft_length, int) or fft_length < 1):
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={fft_length}")


def rfft(x, fft_length=None):
    """The DFT of a real signal over its last axis: the `fft_length // 2 + 1` unique bins.

    The last axis is cropped or zero-padded to `fft_length` first.

    Example:
    >>> re, im = rfft([0.0, 1.0, 2.0, 3.0, 4.0])
    >>> re.numpy()
    array([10. , -2.5, -2.5], dtype=float32)
    """
    _check_length(fft_length)
    x = tensor(x)
    if x.ndim < 1:
        raise ValueError(f"Input should have rank >= 1. Received: input.shape = {x.shape}")
    if not is_float_dtype(x.dtype):
        x = E.cast(x, "float32")
    n = x.shape[-1] if fft_length is None else fft_length
    x = _fit_last(x, n)
    zeros = E.full(list(x.shape), 0.0, x.dtype, x.device)
    re, im = _transform(x, zeros, inverse=False)
    bins = n // 2 + 1
    return _fit_last(re, bins), _fit_last(im, bins)


def irfft(x, fft_length=None):
    """The inverse of `rfft`: a real signal of length `fft_length` (default `2 * (m - 1)`).

    Example:
    >>> irfft(rfft([0.0, 1.0, 2.0, 3.0, 4.0]), 5).numpy().round(5)
    array([0., 1., 2., 3., 4.], dtype=float32)
    """
    _check_length(fft_length)
    re, im = _complex_input(x, 1, "irfft")
    n = 2 * (re.shape[-1] - 1) if fft_length is None else fft_length
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    half = n // 2 + 1
    re, im = _fit_last(re, half), _fit_last(im, half)
    # Hermitian extension: X[k] = conj(X[n - k]) for the upper bins.
    if n - half > 0:
        mirror = _constant(np.arange(n - half, 0, -1).astype(np.int64), "int64")
        last = re.ndim - 1
        re = E.concatenate([re, E.take(re, mirror, last)], last)
        im = E.concatenate([im, E.negative(E.take(im, mirror, last))], last)
    out, _ = _transform(re, im, inverse=True)
    return out


def _window(window, sequence_length, fft_length, dtype, pad_none):
    """The analysis window padded (centred) to `fft_length`."""
    if window is None:
        return E.full([fft_length], 1.0, dtype) if pad_none else None
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(
                'If a string is passed to `window`, it must be one of `"hann"`, `"hamming"`. '
                f"Received: window={window}"
            )
        a = 0.5 if window == "hann" else 0.54
        # Periodic (DFT-even) windows, as scipy.signal.get_window gives.
        n = np.arange(sequence_length)
        values = a - (1.0 - a) * np.cos(2.0 * np.pi * n / sequence_length)
        win = _constant(values, dtype)
    else:
        win = E.cast(tensor(window), dtype)
        if win.ndim != 1 or win.shape[-1] != sequence_length:
            raise ValueError(
                "The shape of `window` must be equal to [sequence_length]. "
                f"Received: window shape={tuple(win.shape)}"
            )
    left = (fft_length - sequence_length) // 2
    right = fft_length - sequence_length - left
    return E.pad(win, [left], [right], 0.0)


def _check_stft_args(sequence_length, sequence_stride, fft_length):
    if not isinstance(sequence_stride, int) or sequence_stride <= 0:
        raise ValueError(
            "`sequence_stride` must be a positive integer. "
            f"Received: sequence_stride={sequence_stride}"
        )
    if fft_length < sequence_length:
        raise ValueError(
            "`fft_length` must equal or larger than `sequence_length`. "
            f"Received: sequence_length={sequence_length}, fft_length={fft_length}"
        )


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform over the last axis: `(..., frames, fft_length // 2 + 1)`.

    Frames of `fft_length` samples every `sequence_stride` samples are multiplied by the
    window (centred in the frame) and transformed with `rfft`.

    Args:
        x: Real float32/float64 signal, shape `(..., samples)`.
        sequence_length: Window length.
        sequence_stride: Hop between frames.
        fft_length: FFT size (at least `sequence_length`).
        window: `"hann"`, `"hamming"`, a 1-D tensor of length `sequence_length`, or None.
        center: Reflect-pad `fft_length // 2` samples on both sides first.

    Returns:
        `(real, imag)` of shape `(..., num_frames, fft_length // 2 + 1)`.

    Example:
    >>> re, im = stft([0.0, 1.0, 2.0, 3.0, 4.0], 3, 2, 3)
    >>> re.numpy()
    array([[ 0.75 , -0.375],
           [ 3.75 , -1.875],
           [ 5.25 , -2.625]], dtype=float32)
    """
    _check_stft_args(sequence_length, sequence_stride, fft_length)
    x = tensor(x)
    if x.dtype not in ("float32", "float64"):
        raise TypeError(
            f"Invalid input type. Expected `float32` or `float64`. Received: input type={x.dtype}"
        )
    if center:
        from keras_like.ops.numpy_shape import pad

        widths = [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)]
        x = pad(x, widths, mode="reflect")
    from keras_like.ops.math import extract_sequences

    frames = extract_sequences(x, fft_length, sequence_stride)
    win = _window(window, sequence_length, fft_length, x.dtype, pad_none=False)
    if win is not None:
        frames = E.multiply(frames, win)
    return rfft(frames, fft_length)


def _overlap_add(frames, stride):
    """Sums frames `(..., count, width)` placed every `stride` samples along the last axis."""
    count, width = frames.shape[-2], frames.shape[-1]
    length = width + stride * (count - 1)
    lead = list(frames.shape[:-2])
    r = len(lead)
    flat = E.reshape(frames, lead + [count * width])
    flat = E.transpose(flat, [r] + list(range(r)))  # samples first, for the row scatter
    positions = (np.arange(count)[:, None] * stride + np.arange(width)[None, :]).reshape(-1)
    base = E.full([length] + lead, 0.0, frames.dtype, frames.device)
    out = E.scatter(base, _constant(positions.astype(np.int64), "int64"), flat, 0, "add")
    return E.transpose(out, list(range(1, r + 1)) + [0])


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
          center=True):
    """Inverse short-time Fourier transform: overlap-adds windowed `irfft` frames.

    The overlapped window energy is divided out wherever it is non-zero, so
    `istft(stft(x))` reconstructs `x` for a window that satisfies the NOLA condition.

    Args:
        x: `(real, imag)` of shape `(..., frames, fft_length // 2 + 1)`.
        sequence_length: Window length used by `stft`.
        sequence_stride: Hop used by `stft`.
        fft_length: FFT size used by `stft`.
        length: Clip (or the output of) the signal to exactly this many samples.
        window: The window `stft` used: `"hann"`, `"hamming"`, a tensor or None.
        center: Whether `stft` padded the signal (the padding is removed).

    Returns:
        The signal, shape `(..., samples)`.

    Example:
    >>> x = [0.0, 1.0, 2.0, 3.0, 4.0]
    >>> istft(stft(x, 1, 1, 1), 1, 1, 1).numpy()
    array([0., 1., 2., 3., 4.], dtype=float32)
    """
    _check_stft_args(sequence_length, sequence_stride, fft_length)
    re, im = _complex_input(x, 2, "istft")
    frames = irfft((re, im), fft_length)  # (..., count, fft_length)
    count = frames.shape[-2]
    win = _window(window, sequence_length, fft_length, frames.dtype, pad_none=True)
    signal = _overlap_add(E.multiply(frames, win), sequence_stride)
    norm = _overlap_add(E.broadcast_to(E.square(win), [count, fft_length]), sequence_stride)
    # scipy.signal.istft divides by the window energy only where it is meaningful.
    valid = E.greater(norm, 1e-10)
    signal = E.where(valid, E.divide(signal, E.where(valid, norm, 1.0)), signal)
    if window is None:
        signal = E.multiply(signal, fft_length / sequence_stride)
    total = signal.shape[-1]
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + int(length)
    elif center:
        end = total - fft_length // 2
    else:
        end = total
    end = min(end, total)
    out = E.slice(signal, [0] * signal.ndim, list(signal.shape[:-1]) + [max(end, start)],
                  [1] * signal.ndim)
    out = E.slice(out, [0] * (out.ndim - 1) + [start], list(out.shape), [1] * out.ndim)
    if length is not None and out.shape[-1] < int(length):
        out = _fit_last(out, int(length))
    return out
