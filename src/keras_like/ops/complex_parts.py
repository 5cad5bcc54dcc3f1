"""Complex-number ops over real tensors: the engine has no complex dtype.

A complex value is a `(real, imag)` pair of float tensors, the form Keras's FFT ops use on
every backend. Real inputs are complex numbers with a zero imaginary part; NumPy complex
arrays are split into their parts on the way in.
"""

import numpy as np

from keras_like.backend import config
from keras_like.backend.dtypes import result_type
from keras_like.ops._base import E, tensor

__all__ = ["angle", "conj", "conjugate", "imag", "isreal", "polar", "real", "view_as_complex",
           "view_as_real"]


def _is_complex(x):
    return isinstance(x, complex) or (isinstance(x, np.ndarray) and np.iscomplexobj(x))


def _parts(x):
    """`(real, imag)` tensors of a NumPy complex array or Python complex number."""
    x = np.asarray(x)
    dtype = "float32" if x.dtype == np.complex64 else "float64"
    return tensor(np.ascontiguousarray(x.real), dtype), tensor(np.ascontiguousarray(x.imag), dtype)


def real(x):
    """The real part of `x` (a real tensor is its own real part).

    Example:
    >>> real(np.array([1 + 2j, 3 - 1j])).numpy()
    array([1., 3.])
    """
    if _is_complex(x):
        return _parts(x)[0]
    return tensor(x)


def imag(x):
    """The imaginary part of `x`: zeros of `x`'s dtype for a real tensor.

    Example:
    >>> imag([1.0, 2.0]).numpy()
    array([0., 0.], dtype=float32)
    """
    if _is_complex(x):
        return _parts(x)[1]
    x = tensor(x)
    return E.full(list(x.shape), 0.0, x.dtype, x.device)


def conjugate(x):
    """The complex conjugate; a real tensor is its own conjugate.

    A NumPy complex array gives the `(real, -imag)` pair.

    Example:
    >>> conjugate([1.0, -2.0]).numpy()
    array([ 1., -2.], dtype=float32)
    """
    if _is_complex(x):
        re, im = _parts(x)
        return re, E.negative(im)
    return tensor(x)


conj = conjugate


def angle(x):
    """The argument of each element: `arctan2(imag, real)`; 0 or pi for real inputs.

    Example:
    >>> angle([-2.0, 3.0]).numpy()
    array([3.1415927, 0.       ], dtype=float32)
    """
    if _is_complex(x):
        re, im = _parts(x)
        return E.arctan2(im, re)
    x = tensor(x)
    dtype = config.floatx() if x.dtype == "int64" else result_type(x.dtype, float)
    x = E.cast(x, dtype)
    return E.arctan2(E.full(list(x.shape), 0.0, dtype, x.device), x)


def isreal(x):
    """True where the imaginary part is zero: everywhere for a real tensor.

    Example:
    >>> isreal([1.0, float("nan")]).numpy()
    array([ True,  True])
    """
    if _is_complex(x):
        return E.equal(_parts(x)[1], 0.0)
    x = tensor(x)
    return E.full(list(x.shape), 1.0, "bool", x.device)


def polar(abs_, angle):
    """The complex numbers with magnitude `abs_` and argument `angle`, as `(real, imag)`.

    Example:
    >>> re, im = polar(2.0, 0.0)
    >>> float(re), float(im)
    (2.0, 0.0)
    """
    from keras_like.ops.numpy_special import _promoted

    _, (r, theta) = _promoted(abs_, angle, extra=(float,))
    return E.multiply(r, E.cos(theta)), E.multiply(r, E.sin(theta))


def view_as_complex(x):
    """Splits a real tensor of shape `(..., 2)` into the `(real, imag)` pair it encodes.

    Raises:
        ValueError: when the last dimension is not 2.

    Example:
    >>> re, im = view_as_complex([[1.0, 2.0], [3.0, 4.0]])
    >>> re.numpy(), im.numpy()
    (array([1., 3.], dtype=float32), array([2., 4.], dtype=float32))
    """
    x = tensor(x)
    if x.ndim < 1 or x.shape[-1] != 2:
        raise ValueError(
            "Last dimension of input must be size 2 (real and imaginary). "
            f"Received shape: {tuple(x.shape)}"
        )
    index = x.ndim - 1
    return (E.take(x, tensor(0, "int32"), index), E.take(x, tensor(1, "int32"), index))


def view_as_real(x):
    """Stacks a complex value's real and imaginary parts on a new last axis.

    `x` is a `(real, imag)` pair of tensors, or a NumPy complex array.

    Example:
    >>> view_as_real(np.array([1 + 2j, 3 + 4j], dtype=np.complex64)).numpy()
    array([[1., 2.],
           [3., 4.]], dtype=float32)
    """
    if _is_complex(x):
        re, im = _parts(x)
    elif isinstance(x, (tuple, list)) and len(x) == 2:
        re, im = tensor(x[0]), tensor(x[1])
        if tuple(re.shape) != tuple(im.shape):
            raise ValueError(
                "Input `x` should be a tuple of two tensors - real and imaginary. Both "
                f"parts should have the same shape. Received: x[0].shape = {re.shape}, "
                f"x[1].shape = {im.shape}"
            )
    else:
        re = tensor(x)
        im = E.full(list(re.shape), 0.0, re.dtype, re.device)
    shape = list(re.shape) + [1]
    return E.concatenate([E.reshape(re, shape), E.reshape(im, shape)], len(shape) - 1)
