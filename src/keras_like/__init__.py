"""keras_like: the Keras 3 API over a small native C++ engine.

    import keras_like as keras
"""

import importlib as _importlib
import os as _os

# The engine, tensors and ops load at import; everything else loads on first use, which keeps
# `import keras_like` fast (Python's module __getattr__, PEP 562).
from keras_like import backend, config, ops  # noqa: F401
from keras_like.backend import GradientTape, Tensor, Variable, name_scope  # noqa: F401

_LAZY_MODULES = {
    "activations", "callbacks", "constraints", "datasets", "dtype_policies", "graph",
    "initializers",
    "layers", "losses", "metrics", "mixed_precision", "models", "optimizers", "preprocessing",
    "profiler",
    "random", "regularizers", "saving", "serving", "summary", "tree", "utils",
}
_LAZY_NAMES = {
    "KerasTensor": ("keras_like.backend.keras_tensor", "KerasTensor"),
    "DTypePolicy": ("keras_like.dtype_policies", "DTypePolicy"),
    "Initializer": ("keras_like.initializers", "Initializer"),
    "Input": ("keras_like.layers", "Input"),
    "InputSpec": ("keras_like.layers", "InputSpec"),
    "Layer": ("keras_like.layers", "Layer"),
    "Loss": ("keras_like.losses", "Loss"),
    "Metric": ("keras_like.metrics", "Metric"),
    "Model": ("keras_like.models", "Model"),
    "Sequential": ("keras_like.models", "Sequential"),
    "function": ("keras_like.graph", "function"),
    "Operation": ("keras_like.ops.operation", "Operation"),
    "Optimizer": ("keras_like.optimizers", "Optimizer"),
    "Regularizer": ("keras_like.regularizers", "Regularizer"),
}


def __getattr__(name):
    if name in _LAZY_MODULES:
        module = _importlib.import_module(f"keras_like.{name}")
        globals()[name] = module
        return module
    if name in _LAZY_NAMES:
        module_name, attr = _LAZY_NAMES[name]
        value = getattr(_importlib.import_module(module_name), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'keras_like' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | _LAZY_MODULES | set(_LAZY_NAMES))


__version__ = "0.1.0"

# Programs written for Keras may pick a backend first; any value is fine here.
_os.environ.setdefault("KERAS_BACKEND", "keras_like")


def version():
    return __version__


__all__ = [
    "activations", "backend", "callbacks", "config", "constraints", "datasets",
    "dtype_policies", "function", "graph", "initializers", "layers", "losses", "metrics",
    "mixed_precision", "models", "ops", "optimizers", "preprocessing", "random",
    "regularizers", "saving", "tree", "utils",
    "DTypePolicy", "GradientTape", "Initializer", "Input", "InputSpec", "KerasTensor", "Layer",
    "Loss", "Metric", "Model", "Operation", "Optimizer", "Regularizer", "Sequential", "Tensor",
    "Variable", "name_scope", "version",
]
