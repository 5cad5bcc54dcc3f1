"""`keras_like.saving`: model files (`.keras`, `.weights.h5`, legacy `.h5`) and the object
(de)serialization they are built on."""

from keras_like.saving.object_registration import (  # noqa: F401
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from keras_like.saving.serialization_lib import (  # noqa: F401
    deserialize_keras_object,
    serialize_keras_object,
)

# The file formats (and h5py, ~8 MB resident) load on first use: every layer imports the
# serializer above, but most programs save or load only at the end, if at all.
_SAVING_API = ("load_model", "load_weights", "save_model", "save_weights")


def __getattr__(name):
    if name in _SAVING_API:
        from keras_like.saving import saving_api

        value = getattr(saving_api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'keras_like.saving' has no attribute '{name}'")
