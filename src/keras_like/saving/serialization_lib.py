"""Keras 3's object config format: {"module", "class_name", "config", "registered_name"}."""

import importlib
import inspect

from keras_like.saving.object_registration import (
    _GLOBAL_CUSTOM_NAMES,
    CustomObjectScope,
    get_registered_object,
)

# Our packages and the public Keras module names files use for them.
_PUBLIC_MODULES = {
    "keras_like.layers": "keras.layers",
    "keras_like.models": "keras.models",
    "keras_like.initializers": "keras.initializers",
    "keras_like.regularizers": "keras.regularizers",
    "keras_like.constraints": "keras.constraints",
    "keras_like.losses": "keras.losses",
    "keras_like.metrics": "keras.metrics",
    "keras_like.optimizers.schedules": "keras.optimizers.schedules",
    "keras_like.optimizers": "keras.optimizers",
    "keras_like.dtype_policies": "keras",
}


def _public_module(cls):
    module = cls.__module__
    for ours, public in _PUBLIC_MODULES.items():
        if module == ours or module.startswith(ours + "."):
            return public
    return module


def serialize_keras_object(obj):
    """The config dict Keras writes for `obj` (None and plain values pass through)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    cls = type(obj)
    registered = _GLOBAL_CUSTOM_NAMES.get(cls)
    return {
        "module": _public_module(cls),
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": registered,
    }


def _resolve_class(config, custom_objects):
    class_name = config["class_name"]
    registered = config.get("registered_name")
    for name in (registered, class_name):
        if name:
            found = get_registered_object(name, custom_objects)
            if found is not None:
                return found
    module = config.get("module") or ""
    for ours, public in _PUBLIC_MODULES.items():
        if module == public or module.startswith(public + "."):
            package = importlib.import_module(ours)
            if hasattr(package, class_name):
                return getattr(package, class_name)
    for ours in _PUBLIC_MODULES:
        package = importlib.import_module(ours)
        if hasattr(package, class_name):
            return getattr(package, class_name)
    raise TypeError(
        f"Could not locate class '{class_name}'. Make sure custom classes are decorated with "
        "`@keras_like.saving.register_keras_serializable()` or passed in `custom_objects`. "
        f"Full object config: {config}"
    )


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuilds an object from `serialize_keras_object` output."""
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects)
        return found if found is not None else config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects) for c in config]
    if not isinstance(config, dict) or "class_name" not in config:
        return config
    cls = _resolve_class(config, custom_objects)
    inner = config.get("config", {})
    # Like Keras, build inside a scope of the custom objects, so that the names nested configs
    # refer to (a custom activation in a layer's config, say) resolve too.
    with CustomObjectScope(custom_objects):
        if not hasattr(cls, "from_config"):
            obj = cls(**inner)
        elif "custom_objects" in inspect.signature(cls.from_config).parameters:
            obj = cls.from_config(inner, custom_objects=custom_objects)
        else:
            obj = cls.from_config(inner)
    build_config = config.get("build_config")
    if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", True):
        obj.build_from_config(build_config)
    return obj
