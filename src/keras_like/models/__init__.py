"""`keras_like.models`."""

from keras_like.models.functional import Functional
from keras_like.models.model import Model
from keras_like.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]

from keras_like.models.cloning import clone_model  # noqa: E402

__all__ += ["clone_model"]

from keras_like.saving.saving_api import load_model, model_from_json, save_model  # noqa: E402

__all__ += ["load_model", "model_from_json", "save_model"]
