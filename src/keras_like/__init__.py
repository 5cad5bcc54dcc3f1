"""keras_like: the Keras 3 API over a small native C++ engine.

    import keras_like as keras
"""

from keras_like import backend, ops, random, utils
from keras_like.backend import GradientTape, Tensor, Variable, config, name_scope

__version__ = "0.1.0"

__all__ = [
    "backend", "config", "ops", "random", "utils", "GradientTape", "Tensor", "Variable",
    "name_scope",
]
