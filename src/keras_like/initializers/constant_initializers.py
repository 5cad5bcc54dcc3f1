"""Deterministic initializers: Constant, Zeros, Ones, Identity."""

import numpy as np

from keras_like import ops
from keras_like.backend import standardize_dtype
from keras_like.initializers.initializer import Initializer
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_keras_object
from keras_like.utils.config_keys import known_kwargs


class Constant(Initializer):
    """Fills the tensor with `value`.

    Args:
        value: A Python scalar (or an array that broadcasts to the requested shape).

    Example:
    >>> Constant(3.0)((2,)).numpy()
    array([3., 3.], dtype=float32)
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        value = self.value
        if isinstance(value, (int, float, bool, np.generic)):
            return ops.full(shape, value, dtype=dtype)
        return ops.broadcast_to(ops.cast(value, dtype), shape)

    def get_config(self):
        return {"value": serialize_keras_object(self.value)}

    @classmethod
    def from_config(cls, config):
        config = known_kwargs(cls, config)
        return cls(deserialize_keras_object(config.get("value", 0.0)))


class Zeros(Initializer):
    """Fills the tensor with 0.

    Example:
    >>> Zeros()((2,)).numpy()
    array([0., 0.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return ops.zeros(shape, dtype=standardize_dtype(dtype))


class Ones(Initializer):
    """Fills the tensor with 1.

    Example:
    >>> Ones()((2,)).numpy()
    array([1., 1.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return ops.ones(shape, dtype=standardize_dtype(dtype))


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only; rectangular shapes allowed).

    Args:
        gain: Multiplicative factor applied to the identity matrix.

    Example:
    >>> Identity(gain=2.0)((2, 2)).numpy()
    array([[2., 0.],
           [0., 2.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        eye = ops.eye(shape[0], shape[1], dtype=standardize_dtype(dtype))
        return eye if self.gain == 1 else ops.multiply(eye, self.gain)

    def get_config(self):
        return {"gain": self.gain}


IdentityInitializer = Identity
