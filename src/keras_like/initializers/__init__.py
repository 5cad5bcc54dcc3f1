"""`keras_like.initializers`: the Keras 3 weight initializers, by object, name or config.

    import keras_like as keras
    init = keras.initializers.get("glorot_uniform")
    kernel = init((784, 128))
"""

import inspect

from keras_like.backend.naming import to_snake_case
from keras_like.initializers.constant_initializers import (
    Constant,
    Identity,
    IdentityInitializer,
    Ones,
    Zeros,
)
from keras_like.initializers.initializer import Initializer
from keras_like.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    OrthogonalInitializer,
    RandomInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

ALL_OBJECTS = {
    Initializer, Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal,
    HeUniform, LecunNormal, LecunUniform, RandomNormal, TruncatedNormal, RandomUniform,
    VarianceScaling, Orthogonal,
}

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({
    "uniform": RandomUniform,
    "normal": RandomNormal,
    "orthogonal": Orthogonal,
    "OrthogonalInitializer": Orthogonal,
    "IdentityInitializer": Identity,
    "one": Ones,
    "zero": Zeros,
})

# Lower-case function-style aliases, as Keras exports them (`keras.initializers.he_normal`).
constant = Constant
identity = Identity
ones = Ones
zeros = Zeros
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling


def serialize(initializer):
    """Returns the Keras config dict of an initializer.

    Example:
    >>> serialize(Zeros())["class_name"]
    'Zeros'
    """
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """Builds an initializer from a name or a Keras config dict.

    Example:
    >>> type(deserialize({"class_name": "Ones", "config": {}})).__name__
    'Ones'
    """
    return deserialize_keras_object(config, custom_objects,
                                    module_objects=ALL_OBJECTS_DICT)


def get(identifier):
    """Resolves an initializer from `None`, a name, a config dict, a class or a callable.

    Args:
        identifier: `None` (returns None), a name such as `"glorot_uniform"` or `"Zeros"`,
            a Keras config dict, an `Initializer` class (instantiated) or any callable.

    Returns:
        An initializer instance (or the callable), or None.

    Example:
    >>> type(get("he_normal")).__name__
    'HeNormal'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = deserialize({"class_name": identifier, "config": {}})
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")


__all__ = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "IdentityInitializer", "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal",
    "OrthogonalInitializer", "RandomInitializer", "RandomNormal", "RandomUniform",
    "TruncatedNormal", "VarianceScaling", "Zeros", "compute_fans", "constant", "deserialize",
    "get", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity",
    "lecun_normal", "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform",
    "serialize", "truncated_normal", "variance_scaling", "zeros",
]
