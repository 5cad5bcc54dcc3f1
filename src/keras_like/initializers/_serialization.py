"""Keras-format (de)serialization of the small config objects: initializers, regularizers,
constraints and activations.

Keras 3 writes such an object as

    {"module": "keras.initializers", "class_name": "GlorotUniform",
     "config": {...}, "registered_name": None}

(a built-in Keras class has a public `module` and `registered_name: None`; a user class keeps
its Python module and its registered name), and a plain function as
`{"module": ..., "class_name": "function", "config": name, "registered_name": name}`.
Reading accepts these, the Keras 2 form `{"class_name": ..., "config": ...}` and bare names.

Names are resolved in this order: `custom_objects`, the global registry of
`keras_like.saving` (when that package exists), the caller's table of built-ins, and finally,
for modules under `keras.` / `keras_like.`, the matching `keras_like` module. No other module
is ever imported, so loading a config cannot run foreign code.
"""

import importlib
import inspect
import types

import numpy as np

# Keras's public module for each keras_like package whose classes may appear in a config.
_PUBLIC_PREFIX = "keras."


def public_module(obj):
    """The module Keras writes for `obj`'s class (or function): `keras.<package>` for
    keras_like's own objects, the defining module otherwise."""
    module = getattr(obj, "__module__", None) or type(obj).__module__
    if module and module.startswith("keras_like."):
        package = module.split(".")[1]
        return _PUBLIC_PREFIX + package
    return module


def _is_builtin(obj):
    cls = obj if inspect.isclass(obj) else type(obj)
    return cls.__module__.startswith("keras_like.")


def registered_name(obj):
    """`package>Name` for objects registered with `keras_like.saving`, else the plain name."""
    saving = _saving()
    getter = getattr(saving, "get_registered_name", None) if saving else None
    if getter is not None:
        return getter(obj)
    target = obj if inspect.isclass(obj) or isinstance(obj, types.FunctionType) else type(obj)
    return target.__name__


def serialize_value(value):
    """A config value as JSON-friendly data, the way Keras writes NumPy and tensor values."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return {"class_name": "__numpy__",
                "config": {"value": value.tolist(), "dtype": str(value.dtype)}}
    if isinstance(value, (list, tuple)):
        return [serialize_value(v) for v in value]
    if isinstance(value, dict):
        return {k: serialize_value(v) for k, v in value.items()}
    if hasattr(value, "get_config"):
        return serialize_object(value)
    if hasattr(value, "numpy") and hasattr(value, "dtype"):  # a tensor or Variable
        array = np.asarray(value.numpy())
        return {"class_name": "__tensor__",
                "config": {"value": array.tolist(), "dtype": str(array.dtype)}}
    return value


def deserialize_value(value):
    """Inverse of `serialize_value` for the NumPy/tensor markers; other values pass through."""
    if isinstance(value, dict) and value.get("class_name") in ("__numpy__", "__tensor__"):
        inner = value["config"]
        array = np.array(inner["value"], dtype=inner.get("dtype"))
        if value["class_name"] == "__numpy__":
            return array
        from keras_like import ops

        return ops.convert_to_tensor(array)
    return value


def serialize_object(obj):
    """Keras's dict for an object with `get_config`, or for a named function."""
    if obj is None:
        return None
    if isinstance(obj, types.FunctionType):
        if obj.__name__ == "<lambda>":
            raise ValueError(
                "Cannot serialize a lambda function: define it with `def` (and register it "
                f"with `keras_like.saving.register_keras_serializable`). Received: {obj}"
            )
        name = registered_name(obj)
        return {"module": public_module(obj), "class_name": "function", "config": name,
                "registered_name": name}
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r}: it has no `get_config()` method. Received: "
            f"type={type(obj).__name__}"
        )
    config = {k: serialize_value(v) for k, v in obj.get_config().items()}
    return {
        "module": public_module(obj),
        "class_name": type(obj).__name__,
        "config": config,
        "registered_name": None if _is_builtin(obj) else registered_name(obj),
    }


def _saving():
    """`keras_like.saving` if it exists yet (it owns the global custom-object registry)."""
    try:
        return importlib.import_module("keras_like.saving")
    except ImportError:
        return None


def _registered(name, custom_objects):
    if name is None:
        return None
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    saving = _saving()
    getter = getattr(saving, "get_registered_object", None) if saving else None
    if getter is not None:
        return getter(name, custom_objects=custom_objects)
    return None


def _from_module(module, name):
    """`name` from the keras_like module that mirrors the Keras module `module`, if any."""
    if not module or not isinstance(name, str):
        return None
    parts = module.split(".")
    if parts[0] == "keras" and len(parts) > 1:
        parts = parts[2:] if parts[1] == "src" else parts[1:]
    elif parts[0] == "keras_like":
        parts = parts[1:]
    else:
        return None
    candidates = [".".join(["keras_like"] + parts[:i]) for i in range(len(parts), 0, -1)]
    for candidate in candidates:
        try:
            found = getattr(importlib.import_module(candidate), name, None)
        except ImportError:
            continue
        if found is not None:
            return found
    return None


def resolve(config, module_objects, custom_objects=None):
    """The class or function a name or config dict refers to, or None when none matches.

    Returns `(target, inner_config)`; `inner_config` is None for a bare name.
    """
    if isinstance(config, str):
        target = _registered(config, custom_objects)
        if target is None:
            target = module_objects.get(config)
        return target, None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Unknown `config` as a `dict`, config={config}")
    class_name = config["class_name"]
    inner = config.get("config")
    module = config.get("module")
    if class_name == "function":
        names = [config.get("registered_name"), inner]
    else:
        names = [config.get("registered_name"), class_name]
    for name in names:
        target = _registered(name, custom_objects)
        if target is not None:
            return target, inner
    lookup = inner if class_name == "function" else class_name
    target = module_objects.get(lookup) if isinstance(lookup, str) else None
    if target is None:
        target = _from_module(module, lookup)
    return target, inner


def deserialize_object(config, module_objects, custom_objects=None):
    """Builds the object a Keras config describes.

    A config dict naming a class gives `cls.from_config(inner config)`; a bare name gives the
    class or function itself. When nothing matches, the name is returned (as Keras does) so
    that the caller raises its own "Could not interpret ... identifier" message.
    """
    if config is None:
        return None
    if not isinstance(config, (str, dict)):
        return config  # already an object
    target, inner = resolve(config, module_objects, custom_objects)
    if target is None:
        return config["class_name"] if isinstance(config, dict) else config
    if isinstance(config, dict) and inspect.isclass(target):
        inner = {} if inner is None else {k: deserialize_value(v) for k, v in inner.items()}
        return target.from_config(inner)
    return target


def to_snake_case(name):
    """`GlorotUniform` -> `glorot_uniform`, exactly as Keras derives its lower-case ids."""
    import re

    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
