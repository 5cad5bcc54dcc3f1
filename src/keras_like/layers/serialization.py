"""`keras.layers.serialize` / `keras.layers.deserialize`."""

from keras_like.saving import serialization_lib


def serialize(layer):
    """Returns the layer configuration as a Python dict (Keras's object config format).

    Args:
        layer: A `keras_like.layers.Layer` instance to serialize.

    Returns:
        A dict with "module", "class_name", "config" and "registered_name".

    Example:

    >>> from keras_like.layers import Dense
    >>> serialize(Dense(2))["class_name"]
    'Dense'
    """
    return serialization_lib.serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """Returns a layer rebuilt from its `serialize` output.

    Args:
        config: A dict with a serialized layer configuration.
        custom_objects: Optional dict mapping names to custom classes and functions.

    Returns:
        A `keras_like.layers.Layer` instance.

    Raises:
        ValueError: If `config` does not describe a layer.

    Example:

    >>> from keras_like.layers import Dense
    >>> deserialize(serialize(Dense(2))).units
    2
    """
    from keras_like.layers.layer import Layer

    obj = serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)
    if not isinstance(obj, Layer):
        raise ValueError(
            "`keras.layers.deserialize` was passed a `config` object that is "
            f"not a `keras.layers.Layer`. Received: {config}"
        )
    return obj
