"""`keras_like.utils`."""

from keras_like.utils.dataset_utils import split_dataset  # noqa: E402,F401
from keras_like.utils.io_utils import (  # noqa: E402,F401
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from keras_like.utils.numerical_utils import normalize, to_categorical  # noqa: E402,F401
from keras_like.utils.py_dataset import PyDataset, Sequence  # noqa: E402,F401
from keras_like.utils.rng_utils import set_random_seed  # noqa: E402,F401
from keras_like.utils.sequence_utils import pad_sequences  # noqa: E402,F401
from keras_like.utils.timeseries_dataset import (  # noqa: E402,F401
    timeseries_dataset_from_array,
)

# Names `keras.utils` re-exports from elsewhere, resolved on first use: their modules import
# keras_like.utils themselves, so importing them here would be circular.
_LAZY = {
    "clear_session": "keras_like.backend.session",
    "is_keras_tensor": "keras_like.backend.keras_tensor",
    "standardize_dtype": "keras_like.backend.dtypes",
    "CustomObjectScope": "keras_like.saving.object_registration",
    "custom_object_scope": "keras_like.saving.object_registration",
    "get_custom_objects": "keras_like.saving.object_registration",
    "get_registered_name": "keras_like.saving.object_registration",
    "get_registered_object": "keras_like.saving.object_registration",
    "register_keras_serializable": "keras_like.saving.object_registration",
    "deserialize_keras_object": "keras_like.saving.serialization_lib",
    "serialize_keras_object": "keras_like.saving.serialization_lib",
    "unpack_x_y_sample_weight": "keras_like.trainers.data_adapters",
    "load_img": "keras_like.utils.image_utils",
    "img_to_array": "keras_like.utils.image_utils",
    "array_to_img": "keras_like.utils.image_utils",
    "save_img": "keras_like.utils.image_utils",
    "image_dataset_from_directory": "keras_like.utils.image_dataset_utils",
    "text_dataset_from_directory": "keras_like.utils.text_dataset_utils",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
