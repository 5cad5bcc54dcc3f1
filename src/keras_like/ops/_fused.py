"""Fused engine ops that layers call directly (not Keras ops, so not exported)."""

from keras_like.ops._base import E

FLOATS = ("float32", "float64")


def bias_activation(x, bias, activation):
    """`activation(x + bias)` over the last axis in one pass, `activation` "linear" or "relu".

    `x` and `bias` are engine tensors of one float dtype, `bias` of shape `(x.shape[-1],)`; the
    gradient is one pass too (masked cotangent and bias gradient together).
    """
    return E.bias_activation(x, bias, activation)
