"""FFT family over (real, imag) pairs against numpy.fft (and a NumPy STFT reference)."""

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops

_RNG = np.random.default_rng(11)


def _pair(shape, dtype="float64"):
    return (_RNG.normal(size=shape).astype(dtype), _RNG.normal(size=shape).astype(dtype))


def _close(got, expected, atol=1e-9):
    re, im = got
    np.testing.assert_allclose(re.numpy(), expected.real, atol=atol, rtol=1e-6)
    np.testing.assert_allclose(im.numpy(), expected.imag, atol=atol, rtol=1e-6)


@pytest.mark.parametrize("n", [1, 2, 5, 8, 63, 64, 65, 100, 128, 97 * 2, 1024])
def test_fft_matches_numpy(n):
    re, im = _pair((2, n))
    _close(ops.fft((re, im)), np.fft.fft(re + 1j * im), atol=1e-9 * n)


def test_fft_float32_and_dtypes():
    re, im = _pair((3, 256), "float32")
    out = ops.fft((re, im))
    assert out[0].dtype == out[1].dtype == "float32"
    _close(out, np.fft.fft(re.astype(np.float64) + 1j * im), atol=2e-4)


@pytest.mark.parametrize("shape", [(3, 4), (2, 5, 6), (1, 8, 80)])
def test_fft2_and_ifft2(shape):
    re, im = _pair(shape)
    z = re + 1j * im
    _close(ops.fft2((re, im)), np.fft.fft2(z), atol=1e-9)
    _close(ops.ifft2((re, im)), np.fft.ifft2(z), atol=1e-9)


@pytest.mark.parametrize("n,length", [(8, None), (7, None), (10, 6), (10, 16), (100, None)])
def test_rfft_and_irfft(n, length):
    x = _RNG.normal(size=(2, n))
    spec = np.fft.rfft(x, n=length)
    _close(ops.rfft(x, length), spec, atol=1e-9)
    np.testing.assert_allclose(ops.irfft((spec.real, spec.imag), length).numpy(),
                               np.fft.irfft(spec, n=length), atol=1e-10)
    out_n = 2 * n - 1
    np.testing.assert_allclose(ops.irfft((spec.real, spec.imag), out_n).numpy(),
                               np.fft.irfft(spec, n=out_n), atol=1e-10)


def test_fft_gradients():
    check_op(lambda a, b: ops.stack(ops.fft((a, b))),
             lambda a, b: np.stack([np.fft.fft(a + 1j * b).real, np.fft.fft(a + 1j * b).imag]),
             [(2, 6), (2, 6)], dtype="float64")
    check_op(lambda a: ops.stack(ops.rfft(a)),
             lambda a: np.stack([np.fft.rfft(a).real, np.fft.rfft(a).imag]), [(3, 70)],
             dtype="float64", grad_args=[0])
    check_op(lambda a, b: ops.irfft((a, b), 8),
             lambda a, b: np.fft.irfft(a + 1j * b, 8), [(2, 5), (2, 5)], dtype="float64")


def test_invalid_inputs():
    with pytest.raises(ValueError, match="tuple of two tensors"):
        ops.fft(np.ones(4))
    with pytest.raises(ValueError, match="same shape"):
        ops.fft((np.ones(4), np.ones(3)))
    with pytest.raises(ValueError, match="not of type float"):
        ops.fft((np.ones(4, "int32"), np.ones(4, "int32")))
    with pytest.raises(ValueError, match="rank >= 2"):
        ops.fft2((np.ones(4), np.ones(4)))


def _np_window(window, length, fft_length):
    if window is None:
        return np.ones(fft_length)
    if isinstance(window, str):
        a = 0.5 if window == "hann" else 0.54
        win = a - (1 - a) * np.cos(2 * np.pi * np.arange(length) / length)
    else:
        win = np.asarray(window, dtype=np.float64)
    left = (fft_length - length) // 2
    return np.pad(win, (left, fft_length - length - left))


def _np_stft(x, length, stride, fft_length, window, center):
    if center:
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_length // 2,) * 2], mode="reflect")
    count = 1 + (x.shape[-1] - fft_length) // stride
    frames = np.stack([x[..., i * stride:i * stride + fft_length] for i in range(count)], -2)
    return np.fft.rfft(frames * _np_window(window, length, fft_length), n=fft_length)


_STFT_CASES = [(16, 4, 32, "hann", True), (10, 3, 16, "hamming", False),
               (8, 8, 8, None, True), (7, 2, 9, "custom", True)]


@pytest.mark.parametrize("length,stride,fft_length,window,center", _STFT_CASES)
def test_stft_and_istft_round_trip(length, stride, fft_length, window, center):
    if window == "custom":
        window = np.linspace(0.5, 1.5, length)
    x = _RNG.normal(size=(2, 64))
    expected = _np_stft(x, length, stride, fft_length, window, center)
    _close(ops.stft(x, length, stride, fft_length, window, center), expected, atol=1e-9)
    spec = (expected.real, expected.imag)
    back = ops.istft(spec, length, stride, fft_length, window=window, center=center)
    if window is not None:  # a NOLA window inverts the stft
        start = 0 if center else fft_length - stride
        stop = back.shape[-1] - (0 if center else fft_length - stride)
        np.testing.assert_allclose(back.numpy()[..., start:stop], x[..., start:stop],
                                   atol=1e-8)
    assert ops.istft(spec, length, stride, fft_length, length=50, window=window,
                     center=center).shape == (2, 50)


def test_stft_errors_and_gradient():
    with pytest.raises(TypeError):
        ops.stft(np.ones(16, "int32"), 4, 2, 4)
    with pytest.raises(ValueError):
        ops.stft(np.ones(16, "float32"), 8, 2, 4)
    with pytest.raises(ValueError):
        ops.stft(np.ones(16, "float32"), 4, 0, 4)
    with pytest.raises(ValueError):
        ops.stft(np.ones(16, "float32"), 4, 2, 4, window="box")
    check_op(lambda a: ops.stack(ops.stft(a, 4, 2, 4)),
             lambda a: np.stack([_np_stft(a, 4, 2, 4, "hann", True).real,
                                 _np_stft(a, 4, 2, 4, "hann", True).imag]),
             [(12,)], dtype="float64")
