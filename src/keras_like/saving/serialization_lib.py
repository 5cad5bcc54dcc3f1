"""The one object serializer: Keras 3's `{"module", "class_name", "config", "registered_name"}`.

Every package (layers, models, initializers, regularizers, constraints, activations, losses,
metrics, optimizers, schedules) serializes through `serialize_keras_object` and rebuilds
through `deserialize_keras_object`, so a function, an array or a nested object is written
the same way wherever it appears, and a file written by Keras resolves the same way.

Safety: a config never makes keras_like import a module or run code it names. Names resolve
to keras_like's own objects, objects registered with `register_keras_serializable`, the
`custom_objects` given, and (classes only) subclasses of keras_like's base classes that the
program has already imported. Python lambdas stored as bytecode load only with
`safe_mode=False`.
"""

import inspect
import threading
import types

import numpy as np

from keras_like.saving import keras_names
from keras_like.saving.object_registration import (
    CustomObjectScope,
    get_registered_name,
    get_registered_object,
    is_registered,
)

PLAIN_TYPES = (str, int, float, bool)

_state = threading.local()


class ObjectNotFoundError(ValueError, TypeError):
    """A config names a class or function that cannot be resolved.

    A TypeError, as Keras raises, so Keras code that catches it keeps working; and a
    ValueError, like every other problem keras_like reports about a file's content.
    """


# ---- scopes --------------------------------------------------------------------------------

class SafeModeScope:
    """Makes nested deserialization calls (a layer's `from_config` rebuilding its parts) see
    the `safe_mode` of the outer load."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._previous = getattr(_state, "safe_mode", None)
        _state.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc):
        _state.safe_mode = self._previous


_unsafe_everywhere = False


def enable_unsafe_deserialization():
    """Disables safe mode globally, allowing Python lambdas stored as bytecode to load."""
    global _unsafe_everywhere
    _unsafe_everywhere = True


def in_safe_mode():
    """The ambient safe mode (None outside any load)."""
    if _unsafe_everywhere:
        return False
    return getattr(_state, "safe_mode", None)


class ObjectSharingScope:
    """Within one load, configs carrying the same `shared_object_id` give one instance."""

    def __enter__(self):
        self._previous = getattr(_state, "shared", None)
        _state.shared = {}
        return self

    def __exit__(self, *exc):
        _state.shared = self._previous


class LoadingFileScope:
    """Names the file being loaded, so errors deep inside a config can say where they are."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self._previous = getattr(_state, "path", None)
        _state.path = self.path
        return self

    def __exit__(self, *exc):
        _state.path = self._previous


def loading_file():
    return getattr(_state, "path", None)


def _where():
    path = loading_file()
    return f" from {path}" if path else ""


# ---- serializing ---------------------------------------------------------------------------

def serialize_keras_object(obj):
    """The JSON-friendly config Keras writes for `obj`.

    Plain values pass through, lists/tuples/dicts are serialized item by item, NumPy arrays
    and tensors become `__numpy__` / `__tensor__` entries, functions become
    `{"class_name": "function", ...}` and objects with `get_config` become full entries with
    their `build_config` / `compile_config` when they have one.
    """
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return serialize_dict(obj)
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__",
                "config": {"start": serialize_keras_object(obj.start),
                           "stop": serialize_keras_object(obj.stop),
                           "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        if obj.ndim == 0:
            return obj.item()
        return {"class_name": "__numpy__",
                "config": {"value": obj.tolist(), "dtype": str(obj.dtype)}}
    if isinstance(obj, np.dtype):
        return str(obj)
    if _is_keras_tensor(obj):
        return _serialize_keras_tensor(obj)
    if _is_tensor(obj):
        array = np.asarray(obj.numpy())
        return {"class_name": "__tensor__",
                "config": {"value": array.tolist(), "dtype": str(array.dtype)}}
    if isinstance(obj, types.FunctionType):
        if obj.__name__ == "<lambda>":
            raise ValueError(
                "Cannot serialize a Python lambda outside a `Lambda` layer: define the "
                f"function with `def` and register it with "
                f"`@keras_like.saving.register_keras_serializable()`. Received: {obj}")
        # Keras writes every function this way (its class, `function`, is not exported);
        # loading finds it by name among the built-ins or the registered objects.
        return {"module": "builtins", "class_name": "function", "config": obj.__name__,
                "registered_name": "function"}
    if inspect.isclass(obj):
        return get_registered_name(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize object {obj!r} of type {type(obj).__name__}. To be "
            "serializable, a class must implement the `get_config()` method.")
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(
            f"The `get_config()` method of {obj!r} should return a dict. It returned: {config}")
    entry = _class_entry(type(obj), serialize_dict(config))
    if hasattr(obj, "get_build_config"):
        build_config = obj.get_build_config()
        if build_config is not None:
            entry["build_config"] = serialize_dict(build_config)
    if hasattr(obj, "get_compile_config"):
        compile_config = obj.get_compile_config()
        if compile_config is not None:
            entry["compile_config"] = serialize_dict(compile_config)
    return entry


def serialize_dict(obj):
    return {key: serialize_keras_object(value) for key, value in obj.items()}


def _class_entry(cls, inner_config):
    public = keras_names.public_path(cls)
    if public is not None and not is_registered(cls):
        module, registered = public
        return {"module": module, "class_name": keras_names.public_class_name(cls),
                "config": inner_config, "registered_name": registered}
    module = cls.__module__
    return {"module": None if module == "__main__" else module, "class_name": cls.__name__,
            "config": inner_config, "registered_name": get_registered_name(cls)}


def serialize_function(fn):
    """A function's entry with its public module, the form Keras's package serializers
    (activations, losses) write for functions they export."""
    if isinstance(fn, types.FunctionType) and fn.__name__ == "<lambda>":
        raise ValueError(
            "Cannot serialize a lambda function: define it with `def` (and register it "
            f"with `keras_like.saving.register_keras_serializable`). Received: {fn}")
    module = getattr(fn, "__module__", None) or ""
    name = get_registered_name(fn)
    if module.startswith("keras_like."):
        module = "keras." + module.split(".")[1]
    return {"module": module, "class_name": "function", "config": name,
            "registered_name": name}


def _is_tensor(obj):
    from keras_like.backend import Tensor
    from keras_like.backend.variable import Variable

    return isinstance(obj, (Tensor, Variable))


def _is_keras_tensor(obj):
    from keras_like.backend.keras_tensor import KerasTensor

    return isinstance(obj, KerasTensor)


def _serialize_keras_tensor(obj):
    history = getattr(obj, "_keras_history", None)
    if history:
        history = [history[0].name, *list(history)[1:]]
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(obj.shape), "dtype": obj.dtype, "keras_history": history}}


# ---- deserializing -------------------------------------------------------------------------

def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuilds the object a config describes (the inverse of `serialize_keras_object`).

    Args:
        config: A config dict, a list of them, a plain value, or a bare name (resolved among
            `module_objects` when given, else among the registered/custom objects).
        custom_objects: Optional dict of names to custom classes and functions.
        safe_mode: When True (the default), Python lambdas stored as bytecode are refused.
        module_objects: Optional dict of the built-in names a package accepts (its bare
            string ids, e.g. "relu" or "glorot_uniform").
    """
    module_objects = kwargs.pop("module_objects", None)
    printable_module_name = kwargs.pop("printable_module_name", "object")
    if kwargs:
        raise TypeError(f"deserialize_keras_object() got unexpected arguments {sorted(kwargs)}")
    ambient = in_safe_mode()
    safe_mode = ambient if ambient is not None else safe_mode
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        return _deserialize_name(config, custom_objects, module_objects)
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode,
                                         module_objects=module_objects) for c in config]
    if not isinstance(config, dict):
        return config  # an object given where a config is accepted
    if "class_name" not in config or "config" not in config:
        if module_objects is not None and "class_name" in config:
            config = {**config, "config": {}}  # Keras 2's {"class_name": "Zeros"}
        else:
            return {k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in
                    config.items()}
    class_name = config["class_name"]
    if not isinstance(class_name, str):
        raise ValueError(f"A config's 'class_name' must be a string{_where()}; received "
                         f"{type(class_name).__name__}: {class_name!r}")
    inner = config["config"]
    special = _SPECIAL.get(class_name)
    if special is not None:
        return special(inner if inner is not None else {}, custom_objects, safe_mode)
    if class_name == "function":
        return _resolve_function(config, custom_objects, safe_mode, module_objects)
    shared_id = config.get("shared_object_id")
    shared = getattr(_state, "shared", None)
    if shared is not None and shared_id is not None and shared_id in shared:
        return shared[shared_id]
    cls = _resolve_class(config, custom_objects, module_objects, printable_module_name)
    if isinstance(cls, types.FunctionType) or not inspect.isclass(cls):
        return cls
    instance = _instantiate(cls, config, inner, custom_objects, safe_mode)
    if shared is not None and shared_id is not None:
        shared[shared_id] = instance
    return instance


def _instantiate(cls, config, inner, custom_objects, safe_mode):
    if inner is None:
        inner = {}
    if not isinstance(inner, dict):
        raise ValueError(
            f"The config of '{config['class_name']}'{_where()} must be a dict; received "
            f"{type(inner).__name__}: {_short(inner)}")
    if not hasattr(cls, "from_config"):
        raise TypeError(
            f"Unable to reconstruct an instance of '{cls.__name__}' because the class is "
            f"missing a `from_config()` method. Full object config: {_short(config)}")
    with CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        if "custom_objects" in _parameters(cls.from_config):
            instance = cls.from_config(inner, custom_objects=custom_objects)
        else:
            instance = cls.from_config(inner)
        build_config = config.get("build_config")
        if build_config and hasattr(instance, "build_from_config") and \
                not getattr(instance, "built", True):
            instance.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(instance, "compile_from_config"):
            instance.compile_from_config(compile_config)
    return instance


def _parameters(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}


def _short(value, limit=300):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _deserialize_name(name, custom_objects, module_objects):
    found = get_registered_object(name, custom_objects)
    if found is not None:
        return found
    if module_objects is not None and name in module_objects:
        return module_objects[name]
    return name  # the caller decides whether an unknown name is an error


def _resolve_function(config, custom_objects, safe_mode, module_objects):
    name = config["config"]
    registered = config.get("registered_name")
    module = config.get("module")
    if not isinstance(name, str):
        raise ValueError(f"A function entry's 'config' must be its name{_where()}; received "
                         f"{_short(name)}")
    for key in (registered, name):
        if key and key != "function":
            found = get_registered_object(key, custom_objects)
            if found is not None:
                return found
    if module_objects is not None and name in module_objects:
        return module_objects[name]
    found = None
    if module == "builtins" or module is None:
        for namespace in keras_names.BUILTIN_FUNCTION_NAMESPACES:
            found = keras_names.lookup(namespace, name)
            if callable(found) and not inspect.isclass(found):
                return found
        # A registered function saved as "builtins": Keras finds it by the name's suffix.
        registry = {**(custom_objects or {}), **_global_objects()}
        for key, value in registry.items():
            if key.endswith(">" + name) and callable(value):
                return value
    elif keras_names.is_keras_module(module):
        found = keras_names.find_symbol(module, name)
        if callable(found) and not inspect.isclass(found):
            return found
    if not safe_mode and module and not keras_names.is_keras_module(module):
        found = _from_loaded_module(module, name)
        if callable(found):
            return found
    raise ObjectNotFoundError(
        f"Could not locate function '{name}' (module '{module}'){_where()}. Make sure custom "
        "functions are decorated with `@keras_like.saving.register_keras_serializable()` or "
        "passed in `custom_objects`. keras_like never imports a module a file names.")


def _global_objects():
    from keras_like.saving.object_registration import get_custom_objects

    return get_custom_objects()


def _resolve_class(config, custom_objects, module_objects, printable_module_name):
    class_name = config["class_name"]
    registered = config.get("registered_name")
    module = config.get("module")
    for key in (registered, class_name):
        if key:
            found = get_registered_object(key, custom_objects)
            if found is not None:
                return found
    keras_module = module is None or keras_names.is_keras_module(module)
    namespace = keras_names.namespace_of(module) if module and keras_module else None
    if namespace is not None:  # the namespace the file names wins: keras.losses.MeanSquaredError
        found = keras_names.lookup(namespace, class_name)
        if found is not None and not inspect.ismodule(found):
            return found
    if module_objects is not None and class_name in module_objects:
        return module_objects[class_name]
    if keras_module:
        found = keras_names.find_symbol(module or "keras", class_name)
        if found is None and registered and registered != class_name:
            found = keras_names.find_symbol(module or "keras", registered)
        if found is not None:
            return found
        if module_objects is not None and module is None:
            return class_name  # Keras 2's {"class_name": "Foo"}: the package's `get` raises
        if module is not None:
            kind = keras_names.KIND_NAMES.get(namespace, printable_module_name)
            raise ValueError(
                f"keras_like cannot load {kind} class '{class_name}'{_where()}: not "
                f"implemented yet (Keras module '{module}').")
    else:
        found = _loaded_subclass(module, class_name)
        if found is not None:
            return found
    raise ObjectNotFoundError(
        f"Could not locate class '{class_name}'{_where()}. Make sure custom classes are "
        "decorated with `@keras_like.saving.register_keras_serializable()` or passed in "
        f"`custom_objects`. Full object config: {_short(config)}")


def _from_loaded_module(module, name):
    """`name` from `module` when the program has already imported it (never imports)."""
    import sys

    loaded = sys.modules.get(module)
    return getattr(loaded, name, None) if loaded is not None else None


def _loaded_subclass(module, class_name):
    """A user class from an already-imported module, if it derives from one of keras_like's
    serializable bases: its code is the program's own, not the file's."""
    found = _from_loaded_module(module, class_name)
    if inspect.isclass(found) and issubclass(found, _serializable_bases()):
        return found
    return None


def _serializable_bases():
    from keras_like.constraints import Constraint
    from keras_like.initializers import Initializer
    from keras_like.layers.layer import Layer
    from keras_like.losses import Loss
    from keras_like.metrics import Metric
    from keras_like.optimizers.optimizer import Optimizer
    from keras_like.optimizers.schedules import LearningRateSchedule
    from keras_like.regularizers import Regularizer

    return (Layer, Loss, Metric, Optimizer, Initializer, Regularizer, Constraint,
            LearningRateSchedule)


# ---- special entries -----------------------------------------------------------------------

def _expect_keys(inner, keys, class_name):
    if not isinstance(inner, dict) or any(k not in inner for k in keys):
        raise ValueError(f"A '{class_name}' entry{_where()} needs the keys {list(keys)}; "
                         f"received {_short(inner)}")


def _array_from_config(inner, class_name):
    _expect_keys(inner, ("value", "dtype"), class_name)
    from keras_like.backend.dtypes import standardize_dtype

    try:
        dtype = standardize_dtype(inner["dtype"])
        return np.array(inner["value"], dtype=dtype)
    except (ValueError, TypeError, OverflowError) as e:
        raise ValueError(f"Cannot read the '{class_name}' value{_where()}: {e}") from None


def _numpy(inner, custom_objects, safe_mode):
    return _array_from_config(inner, "__numpy__")


def _tensor(inner, custom_objects, safe_mode):
    from keras_like.backend.convert import convert_to_tensor

    return convert_to_tensor(_array_from_config(inner, "__tensor__"))


def _bytes(inner, custom_objects, safe_mode):
    _expect_keys(inner, ("value",), "__bytes__")
    return str(inner["value"]).encode("utf-8")


def _ellipsis(inner, custom_objects, safe_mode):
    return Ellipsis


def _slice(inner, custom_objects, safe_mode):
    _expect_keys(inner, ("start", "stop", "step"), "__slice__")
    parts = [deserialize_keras_object(inner[k], custom_objects, safe_mode)
             for k in ("start", "stop", "step")]
    return slice(*parts)


def _keras_tensor(inner, custom_objects, safe_mode):
    _expect_keys(inner, ("shape", "dtype"), "__keras_tensor__")
    from keras_like.backend.keras_tensor import KerasTensor

    tensor = KerasTensor(tuple(inner["shape"]), inner["dtype"])
    tensor._pre_serialization_keras_history = inner.get("keras_history")
    return tensor


def _lambda(inner, custom_objects, safe_mode):
    if safe_mode is not False:
        raise ValueError(
            f"Requested the deserialization of a Python `lambda`{_where()}. This carries a "
            "potential risk of arbitrary code execution and thus it is disallowed by "
            "default. If you trust the source of the file, pass `safe_mode=False` to the "
            "loading function, or call `keras_like.config.enable_unsafe_deserialization()`.")
    from keras_like.layers.core.lambda_layer import load_lambda

    return load_lambda(inner)


def _typespec(inner, custom_objects, safe_mode):
    raise ValueError(f"A TensorFlow `__typespec__` entry{_where()} cannot be loaded: "
                     "keras_like has no TensorFlow type specs.")


_SPECIAL = {
    "__numpy__": _numpy, "__tensor__": _tensor, "__bytes__": _bytes,
    "__ellipsis__": _ellipsis, "__slice__": _slice, "__keras_tensor__": _keras_tensor,
    "__lambda__": _lambda, "__typespec__": _typespec,
}

