"""Where Keras's module paths point in keras_like, and the public names Keras writes for ours.

A config names a class by `module` + `class_name`. Files written by Keras 3 use public paths
(`keras.layers`) or source paths (`keras.src.models.functional`); tf.keras 2 and standalone
Keras 2 use `keras.engine.functional`, `tf_keras.src...` or `tensorflow.python.keras...`.
All of them map to one of keras_like's public namespaces here, by the first path component
that names a Keras package. No module named in a file is ever imported.
"""

import importlib
import inspect

# Public namespace -> the keras_like module that exports it, in lookup order.
NAMESPACES = {
    "layers": "keras_like.layers",
    "models": "keras_like.models",
    "initializers": "keras_like.initializers",
    "regularizers": "keras_like.regularizers",
    "constraints": "keras_like.constraints",
    "activations": "keras_like.activations",
    "losses": "keras_like.losses",
    "metrics": "keras_like.metrics",
    "optimizers.schedules": "keras_like.optimizers.schedules",
    "optimizers": "keras_like.optimizers",
    "dtype_policies": "keras_like.dtype_policies",
    "random": "keras_like.random",
    "ops": "keras_like.ops",
}

# What a config's kind is called in messages, by namespace.
KIND_NAMES = {
    "layers": "layer", "models": "model", "initializers": "initializer",
    "regularizers": "regularizer", "constraints": "constraint", "activations": "activation",
    "losses": "loss", "metrics": "metric", "optimizers": "optimizer",
    "optimizers.schedules": "learning rate schedule", "dtype_policies": "dtype policy",
    "random": "random", "ops": "op",
}

# Keras 2 source folders whose classes now live in another namespace.
_LEGACY_FOLDERS = {
    "engine": "models",  # keras.engine.functional / sequential / training / input_layer
    "premade_models": "models",
    "mixed_precision": "dtype_policies",
    "schedules": "optimizers.schedules",
    "learning_rate_schedule": "optimizers.schedules",
    "optimizer_v2": "optimizers",
}

# Functions a config names with module "builtins" are searched in these namespaces (Keras's
# BUILTIN_MODULES order).
BUILTIN_FUNCTION_NAMESPACES = ("activations", "constraints", "initializers", "losses",
                               "metrics", "optimizers", "regularizers")

_KERAS_ROOTS = ("keras", "tf_keras", "keras_like")


def is_keras_module(module):
    """True for module paths of Keras itself (any version) or of keras_like."""
    if not isinstance(module, str) or not module:
        return False
    root = module.split(".")[0]
    if root in _KERAS_ROOTS:
        return True
    return module.startswith(("tensorflow.keras", "tensorflow.python.keras"))


def namespace_of(module):
    """The keras_like namespace a Keras module path refers to, or None (`keras` itself)."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if i + 1 < len(parts) and f"{part}.{parts[i + 1]}" in NAMESPACES:
            return f"{part}.{parts[i + 1]}"
        if part in NAMESPACES:
            return part
        if part in _LEGACY_FOLDERS:
            return _LEGACY_FOLDERS[part]
    return None


def lookup(namespace, name):
    """The public object `name` of a keras_like namespace, or None.

    Only what the namespace exports (its `__all__`) counts: a config must not reach helpers
    or modules a namespace merely imports.
    """
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        return None
    module = importlib.import_module(NAMESPACES[namespace])
    exported = getattr(module, "__all__", None)
    if exported is not None and name not in exported:
        return None
    found = getattr(module, name, None)
    return None if inspect.ismodule(found) else found


def find_symbol(module, name):
    """The keras_like object a Keras `module` + `name` refers to, or None.

    The namespace the path names is searched first; then keras_like's top level (`keras.Model`,
    `keras.Sequential`, `keras.DTypePolicy`); then every namespace, because Keras 2 paths
    point into private source files (`keras.src.engine.base_layer_v1`) whose classes may now
    live elsewhere.
    """
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        return None
    first = namespace_of(module)
    order = ([first] if first else []) + [n for n in NAMESPACES if n != first]
    if first is None and name in _TOP_LEVEL:
        return getattr(importlib.import_module("keras_like"), name)
    for namespace in order:
        found = lookup(namespace, name)
        if found is not None:
            return found
    return None


# What Keras exports at its top level (`module: "keras"`) and keras_like has.
_TOP_LEVEL = frozenset({"Sequential", "Model", "DTypePolicy", "Input", "InputSpec", "Layer",
                        "Loss", "Metric", "Operation", "Optimizer", "Variable", "Initializer",
                        "Regularizer"})


# keras_like module prefix -> the public Keras module written for classes defined there.
_PUBLIC_MODULES = (
    ("keras_like.layers", "keras.layers"),
    ("keras_like.initializers", "keras.initializers"),
    ("keras_like.regularizers", "keras.regularizers"),
    ("keras_like.constraints", "keras.constraints"),
    ("keras_like.activations", "keras.activations"),
    ("keras_like.losses", "keras.losses"),
    ("keras_like.metrics", "keras.metrics"),
    ("keras_like.optimizers.schedules", "keras.optimizers.schedules"),
    ("keras_like.optimizers", "keras.optimizers"),
    ("keras_like.random", "keras.random"),
    ("keras_like.dtype_policies", "keras"),
    ("keras_like.ops", "keras.ops"),
)

# Classes whose Keras export is not under their package's namespace.
_PUBLIC_CLASS_PATHS = {
    "keras_like.models.functional.Functional": ("keras.src.models.functional", "Functional"),
    "keras_like.models.sequential.Sequential": ("keras", None),
    "keras_like.models.model.Model": ("keras", None),
}


# Classes Keras exports (and names in its configs) under another name than their own.
_PUBLIC_CLASS_NAMES = {
    "keras_like.layers.attention.grouped_query_attention.GroupedQueryAttention":
        "GroupQueryAttention",
}


def public_class_name(cls):
    """The `class_name` Keras writes for keras_like's class `cls` (its export name)."""
    return _PUBLIC_CLASS_NAMES.get(f"{cls.__module__}.{cls.__qualname__}", cls.__name__)


def public_path(cls):
    """(module, registered_name) Keras writes for keras_like's class `cls`, or None when
    `cls` is not one of ours."""
    qualified = f"{cls.__module__}.{cls.__qualname__}"
    if qualified in _PUBLIC_CLASS_PATHS:
        return _PUBLIC_CLASS_PATHS[qualified]
    for ours, public in _PUBLIC_MODULES:
        if cls.__module__ == ours or cls.__module__.startswith(ours + "."):
            return public, None
    return None
