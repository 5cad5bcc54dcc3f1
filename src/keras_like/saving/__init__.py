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
from keras_like.saving.saving_api import (  # noqa: F401
    load_model,
    load_weights,
    save_model,
    save_weights,
)
from keras_like.saving.serialization_lib import (  # noqa: F401
    deserialize_keras_object,
    serialize_keras_object,
)
