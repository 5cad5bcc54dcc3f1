"""keras_like: the Keras 3 API over a small native C++ engine.

    import keras_like as keras
"""

import os as _os

from keras_like import (
    activations,
    backend,
    callbacks,
    constraints,
    datasets,
    dtype_policies,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    preprocessing,
    random,
    regularizers,
    saving,
    utils,
)
from keras_like.backend import GradientTape, Tensor, Variable, config, name_scope
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.dtype_policies import DTypePolicy
from keras_like.initializers import Initializer
from keras_like.layers import Input, InputSpec, Layer
from keras_like.losses import Loss
from keras_like.metrics import Metric
from keras_like.models import Model, Sequential
from keras_like.ops.operation import Operation
from keras_like.optimizers import Optimizer
from keras_like.regularizers import Regularizer

__version__ = "0.1.0"

# Programs written for Keras may pick a backend first; any value is fine here.
_os.environ.setdefault("KERAS_BACKEND", "keras_like")


def version():
    return __version__


__all__ = [
    "activations", "backend", "callbacks", "config", "constraints", "datasets",
    "dtype_policies", "initializers", "layers", "losses", "metrics", "models", "ops",
    "optimizers", "preprocessing", "random", "regularizers", "saving", "utils",
    "DTypePolicy", "GradientTape", "Initializer", "Input", "InputSpec", "KerasTensor", "Layer",
    "Loss", "Metric", "Model", "Operation", "Optimizer", "Regularizer", "Sequential", "Tensor",
    "Variable", "name_scope", "version",
]
