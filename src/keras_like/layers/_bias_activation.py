"""A layer's epilogue, `activation(outputs + bias)` with the bias on the last axis.

For float32/float64 with a linear or relu activation this is one engine call
(`ops._fused.bias_activation`): one pass over the outputs forward, and one backward that masks
the gradient and sums the bias gradient together, instead of an add, an activation, a
where-mask and a reduction, each streaming the whole output through memory. Symbolic
(KerasTensor) outputs and other activations take the plain ops.
"""

from keras_like import activations, ops
from keras_like.backend import Tensor
from keras_like.ops import _fused

_FUSED = {id(activations.linear): "linear", id(activations.relu): "relu"}


def fused_activation_name(activation):
    """"linear" or "relu" when the engine's fused epilogues can run `activation`, else None."""
    return _FUSED.get(id(activation))


def bias_then_activation(outputs, bias, activation):
    """`activation(outputs + bias)`; `bias` is a Variable, a tensor or None, broadcast on the
    last axis."""
    fused = _FUSED.get(id(activation))
    if bias is None:
        return outputs if fused == "linear" else activation(outputs)
    value = bias if type(bias) is Tensor else bias.value
    if (fused is not None and type(outputs) is Tensor and type(value) is Tensor
            and outputs.ndim >= 1 and outputs.dtype in _fused.FLOATS
            and value.dtype == outputs.dtype and value.shape == (outputs.shape[-1],)):
        return _fused.bias_activation(outputs, value, fused)
    outputs = ops.add(outputs, value)
    return outputs if fused == "linear" else activation(outputs)
