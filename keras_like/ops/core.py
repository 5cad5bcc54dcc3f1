"""Core ops: conversion, cast, shape, stop_gradient, control flow, slicing and scatter."""

from keras_like.backend.convert import convert_to_numpy, convert_to_tensor, is_tensor  # noqa: F401
from keras_like.backend.dtypes import standardize_dtype
from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, tensor


def cast(x, dtype):
    """Casts to `dtype` (Keras name, NumPy dtype or Python type)."""
    return E.cast(tensor(x), standardize_dtype(dtype))


def dtype(x):
    return standardize_dtype(tensor(x).dtype)


def shape(x):
    """The static shape as a tuple of ints."""
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return tuple(tensor(x).shape)


def size(x):
    return tensor(x).size


def stop_gradient(variable):
    """The same values, with no gradient flowing back."""
    t = tensor(variable)
    return t.detach()
