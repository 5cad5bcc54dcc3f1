"""`keras_like.models`."""

from keras_like.models.functional import Functional
from keras_like.models.model import Model
from keras_like.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]
