"""`keras_like.regularizers`: weight penalties, by object, name or config.

    import keras_like as keras
    layer = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L2(1e-4))
"""

import inspect

from keras_like.backend.naming import to_snake_case
from keras_like.regularizers.regularizers import (
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
    validate_float_arg,
)
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

ALL_OBJECTS = {Regularizer, L1, L2, L1L2, OrthogonalRegularizer}

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
# Keras derives these ids with to_snake_case, which turns "L1L2" into "l1l2"; the exported
# function alias `l1_l2` is accepted as a name too.
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT["l1_l2"] = L1L2

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer


def serialize(regularizer):
    """Returns the Keras config dict of a regularizer.

    Example:
    >>> serialize(L2(0.1))["config"]
    {'l2': 0.1}
    """
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """Builds a regularizer from a name or a Keras config dict.

    Example:
    >>> deserialize({"class_name": "L1", "config": {"l1": 0.5}}).l1
    0.5
    """
    return deserialize_keras_object(config, custom_objects,
                                    module_objects=ALL_OBJECTS_DICT)


def get(identifier):
    """Resolves a regularizer from `None`, a name, a config dict, a class or a callable.

    Example:
    >>> get("l2").l2
    0.01
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier, None)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")


__all__ = [
    "L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "l1",
    "l1_l2", "l2", "orthogonal_regularizer", "serialize", "validate_float_arg",
]
