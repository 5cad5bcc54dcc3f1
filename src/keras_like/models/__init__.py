"""`keras_like.models`."""

from keras_like.models.functional import Functional
from keras_like.models.model import Model
from keras_like.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]

from keras_like.models.cloning import clone_model  # noqa: E402

__all__ += ["clone_model"]

__all__ += ["load_model", "model_from_json", "save_model"]


def __getattr__(name):
    # The file formats (and h5py) load on first use, as in keras_like.saving.
    if name in ("load_model", "model_from_json", "save_model"):
        from keras_like.saving import saving_api

        value = getattr(saving_api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'keras_like.models' has no attribute '{name}'")
