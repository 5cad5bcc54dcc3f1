"""Window functions (`bartlett`, `blackman`, `hamming`, `hanning`, `kaiser`), as in NumPy.

Each takes the window length `x` (a Python int or 0-d integer tensor) and returns a floatx
tensor of that length: symmetric, with `M == 1` giving `[1.]` and `M <= 0` an empty window.
"""

import math as _math

import numpy as np

from keras_like.backend import config
from keras_like.backend.engine import Tensor
from keras_like.ops._base import E

__all__ = ["bartlett", "blackman", "hamming", "hanning", "kaiser"]


def _length(x, op):
    value = x.numpy() if type(x) is Tensor else np.asarray(x)
    if value.ndim != 0 or value.dtype.kind not in "iubf" or value != np.floor(value):
        raise ValueError(
            f"`{op}` expects the window length as a scalar integer. Received: x={x}"
        )
    return int(value)


def _positions(m):
    """`n = 0 .. M-1` in float64 (windows are computed in float64, then cast)."""
    return E.arange(0.0, 1.0, m, "float64")


def _window(x, op, fn):
    m = _length(x, op)
    if m <= 0:
        return E.full([0], 0.0, config.floatx())
    if m == 1:
        return E.full([1], 1.0, config.floatx())
    return E.cast(fn(_positions(m), m), config.floatx())


def _cosine_terms(n, m, coefficients):
    """`sum_k (-1)**k a_k cos(2 pi k n / (M - 1))`."""
    out = None
    for k, a in enumerate(coefficients):
        if k == 0:
            out = E.full(list(n.shape), a, "float64")
            continue
        term = E.multiply(E.cos(E.multiply(n, 2.0 * _math.pi * k / (m - 1))), a * (-1) ** k)
        out = E.add(out, term)
    return out


def bartlett(x):
    """The Bartlett (triangular) window: `1 - |2n / (M - 1) - 1|`.

    Example:
    >>> bartlett(5).numpy()
    array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """
    return _window(x, "bartlett",
                   lambda n, m: E.subtract(1.0, E.abs(E.subtract(E.multiply(n, 2.0 / (m - 1)),
                                                                 1.0))))


def blackman(x):
    """The Blackman window: `0.42 - 0.5 cos(2 pi n / (M-1)) + 0.08 cos(4 pi n / (M-1))`.

    Example:
    >>> blackman(3).numpy()
    array([-1.3877788e-17,  1.0000000e+00, -1.3877788e-17], dtype=float32)
    """
    return _window(x, "blackman", lambda n, m: _cosine_terms(n, m, (0.42, 0.5, 0.08)))


def hamming(x):
    """The Hamming window: `0.54 - 0.46 cos(2 pi n / (M - 1))`.

    Example:
    >>> hamming(3).numpy()
    array([0.08, 1.  , 0.08], dtype=float32)
    """
    return _window(x, "hamming", lambda n, m: _cosine_terms(n, m, (0.54, 0.46)))


def hanning(x):
    """The Hann window: `0.5 - 0.5 cos(2 pi n / (M - 1))`.

    Example:
    >>> hanning(3).numpy()
    array([0., 1., 0.], dtype=float32)
    """
    return _window(x, "hanning", lambda n, m: _cosine_terms(n, m, (0.5, 0.5)))


def kaiser(x, beta):
    """The Kaiser window: `I0(beta sqrt(1 - (2n / (M - 1) - 1)**2)) / I0(beta)`.

    Example:
    >>> kaiser(3, 0.0).numpy()
    array([1., 1., 1.], dtype=float32)
    """
    from keras_like.ops.numpy_special import i0

    def fn(n, m):
        ratio = E.subtract(E.multiply(n, 2.0 / (m - 1)), 1.0)
        arg = E.multiply(E.sqrt(E.maximum(E.subtract(1.0, E.square(ratio)), 0.0)), float(beta))
        return E.divide(i0(arg), i0(E.full([], float(beta), "float64")))

    return _window(x, "kaiser", fn)
