"""`keras_like.constraints`: weight projections, by object, name or config.

    import keras_like as keras
    layer = keras.layers.Dense(3, kernel_constraint=keras.constraints.MaxNorm(2.0))
"""

import inspect

from keras_like.backend.naming import to_snake_case
from keras_like.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

ALL_OBJECTS = {Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm}

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm


def serialize(constraint):
    """Returns the Keras config dict of a constraint.

    Example:
    >>> serialize(NonNeg())["class_name"]
    'NonNeg'
    """
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """Builds a constraint from a name or a Keras config dict.

    Example:
    >>> deserialize({"class_name": "MaxNorm", "config": {"max_value": 3, "axis": 0}}).max_value
    3
    """
    return deserialize_keras_object(config, custom_objects,
                                    module_objects=ALL_OBJECTS_DICT)


def get(identifier):
    """Resolves a constraint from `None`, a name, a config dict, a class or a callable.

    Example:
    >>> type(get("non_neg")).__name__
    'NonNeg'
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
    raise ValueError(f"Could not interpret constraint identifier: {identifier}")


__all__ = [
    "Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get",
    "max_norm", "min_max_norm", "non_neg", "serialize", "unit_norm",
]
