"""Keras-format serialization of metrics and metric functions.

A metric serializes as `{"module", "class_name", "config", "registered_name"}` with
`module="keras.metrics"` for the built-in classes, and a function as
`{"module": "builtins", "class_name": "function", "config": name, "registered_name":
"function"}`, exactly as Keras 3 writes them, so configs move between the two.
"""

import inspect
import threading
import types

import numpy as np

# custom_objects passed to `deserialize`, visible to nested from_config calls (a wrapper
# rebuilding its function) like Keras's CustomObjectScope.
_scope = threading.local()

_PLAIN_TYPES = (str, int, float, bool)


def serialize_keras_object(obj):
    """A JSON-friendly description of a metric, a function or a plain value."""
    from keras_like.metrics import ALL_OBJECTS

    if obj is None or isinstance(obj, _PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if hasattr(obj, "numpy") and hasattr(obj, "dtype") and hasattr(obj, "shape"):
        return np.asarray(obj.numpy()).tolist()
    if isinstance(obj, types.FunctionType):
        if obj.__name__ == "<lambda>":
            raise ValueError(
                "Cannot serialize a lambda as a metric function: use a named function."
            )
        return {"module": "builtins", "class_name": "function",
                "config": _registered_name(obj), "registered_name": "function"}
    if inspect.isclass(obj):
        return obj.__name__
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize object {obj} of type {type(obj)}. To be serializable, a class "
            "must implement the `get_config()` method."
        )
    cls = type(obj)
    if cls not in ALL_OBJECTS and cls.__module__.startswith("keras_like."):
        saving = _saving_lib()
        if saving is not None:  # e.g. a Loss wrapped by MeanMetricWrapper: "keras.losses"
            return saving.serialize_keras_object(obj)
    config = serialize_keras_object(obj.get_config())
    if cls in ALL_OBJECTS:
        return {"module": "keras.metrics", "class_name": cls.__name__, "config": config,
                "registered_name": None}
    return {"module": cls.__module__, "class_name": cls.__name__, "config": config,
            "registered_name": _registered_name(cls)}


def _saving_lib():
    try:
        from keras_like.saving import serialization_lib
    except ImportError:
        return None
    return serialization_lib


def _registered_name(obj):
    """"package>name" for objects registered with the saving package, else the name."""
    try:
        from keras_like.saving.object_registration import get_registered_name
    except ImportError:
        return obj.__name__
    return get_registered_name(obj)


def _registered(name, custom_objects):
    """A custom object from `custom_objects`, a `custom_object_scope` or the registry."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for scope in reversed(getattr(_scope, "stack", ())):
        if name in scope:
            return scope[name]
    try:  # the saving package owns registration; metrics work without it
        from keras_like.saving.object_registration import get_registered_object
    except ImportError:
        return None
    return get_registered_object(name, custom_objects)


def _lookup(name, custom_objects, functions_first=False):
    from keras_like.metrics import _FUNCTIONS, ALL_OBJECTS_DICT

    found = _registered(name, custom_objects)
    if found is not None:
        return found
    # "mean_squared_error" names both a function and (snake_case) the MeanSquaredError class.
    tables = (_FUNCTIONS, ALL_OBJECTS_DICT) if functions_first else (ALL_OBJECTS_DICT, _FUNCTIONS)
    for table in tables:
        if name in table:
            return table[name]
    return None


def deserialize_fn(config, custom_objects=None):
    """A metric function from its serialized form (or a name, or the function itself)."""
    if callable(config):
        return config
    if isinstance(config, dict):
        if config.get("class_name") != "function":
            return deserialize_keras_object(config, custom_objects)
        name = config.get("config")
        if config.get("module") not in (None, "builtins") and config.get("registered_name"):
            registered = config["registered_name"]
            found = _registered(registered, custom_objects)
            if found is not None:
                return found
    else:
        name = config
    found = _lookup(name, custom_objects, functions_first=True)
    if found is None:
        raise TypeError(
            f"Could not locate function '{name}'. Make sure custom functions are passed in "
            f"`custom_objects`. Full object config: {config}"
        )
    return found


def deserialize_keras_object(config, custom_objects=None):
    """Rebuilds a metric from a Keras config dict or a string id.

    Unknown string ids come back unchanged (as in Keras); unknown class names raise.
    """
    if config is None:
        return None
    if isinstance(config, str):
        obj = _lookup(config, custom_objects)
        if obj is None:
            return config
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config}")
    if "class_name" not in config:
        raise ValueError(f"Unknown `config` as a `dict`, config={config}")
    class_name = config["class_name"]
    if class_name == "function":
        return deserialize_fn(config, custom_objects)
    module = config.get("module") or ""
    if module.startswith("keras.") and module != "keras.metrics":
        saving = _saving_lib()
        if saving is not None:  # another package's object, e.g. a loss
            return saving.deserialize_keras_object(config, custom_objects=custom_objects)
    cls = None
    registered = config.get("registered_name")
    if registered:
        cls = _registered(registered, custom_objects)
    if cls is None:
        cls = _lookup(class_name, custom_objects)
    if cls is None:
        raise TypeError(
            f"Could not locate class '{class_name}'. Make sure custom classes are passed in "
            f"`custom_objects`. Full object config: {config}"
        )
    if not inspect.isclass(cls):
        return cls
    inner = config.get("config") or {}
    if not isinstance(inner, dict):
        raise TypeError(
            f"Expected 'config' to be a dict for {class_name}, instead got {type(inner)}\n"
            f"Full config: {config}"
        )
    stack = getattr(_scope, "stack", [])
    _scope.stack = stack + [dict(custom_objects or {})]
    try:
        return cls.from_config(inner)
    finally:
        _scope.stack = stack
