"""`keras_like.activations`: the Keras 3 activation functions, by function, name or config.

    import keras_like as keras
    act = keras.activations.get("relu")
    y = act(x)
"""

import types

from keras_like.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_function

ALL_OBJECTS = {
    relu, leaky_relu, relu6, softmax, celu, elu, selu, softplus, softsign, squareplus,
    soft_shrink, sparse_plus, silu, gelu, glu, tanh, tanh_shrink, threshold, sigmoid,
    sparse_sigmoid, exponential, hard_sigmoid, hard_silu, hard_tanh, hard_shrink, linear, mish,
    log_softmax, log_sigmoid, sparsemax,
}

ALL_OBJECTS_DICT = {fn.__name__: fn for fn in ALL_OBJECTS}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu


def serialize(activation):
    """The name of a built-in activation (as Keras writes it), else its Keras config dict.

    Example:
    >>> serialize(relu)
    'relu'
    """
    if isinstance(activation, types.FunctionType) and activation in ALL_OBJECTS:
        return activation.__name__
    if isinstance(activation, types.FunctionType):
        return serialize_function(activation)
    from keras_like.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(activation)


def deserialize(config, custom_objects=None):
    """The activation a name or Keras config dict refers to.

    Example:
    >>> deserialize("swish") is silu
    True
    """
    return deserialize_keras_object(config, custom_objects,
                                    module_objects=ALL_OBJECTS_DICT)


def get(identifier):
    """Resolves an activation from `None` (linear), a name, a config dict or a callable.

    Args:
        identifier: `None`, a name such as `"relu"`, a Keras config dict (a function entry
            or an object such as a layer), or any callable.

    Returns:
        A callable activation.

    Example:
    >>> get(None) is linear
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier, None)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")


__all__ = [
    "celu", "deserialize", "elu", "exponential", "gelu", "get", "glu", "hard_shrink",
    "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "leaky_relu", "linear",
    "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "serialize", "sigmoid",
    "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid",
    "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink", "threshold",
]
