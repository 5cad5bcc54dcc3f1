"""Rebuilding a model from a legacy config: `model_from_json` and the `.h5` loader's first step.

Both accept what Keras 3 and Keras 2 write (`legacy_config.keras3_model_config` converts the
Keras 2 forms) and report every problem as a ValueError that says where the config came from.
"""

import json

from keras_like.saving.legacy_config import keras3_model_config
from keras_like.saving.serialization_lib import (
    ObjectSharingScope,
    SafeModeScope,
    deserialize_keras_object,
)


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    """A model (with fresh weights) from `model.to_json()` output of Keras 3 or Keras 2.

    Example:
    >>> model = model_from_json(keras2_model.to_json())
    """
    try:
        config = json.loads(json_string)
    except (ValueError, TypeError, RecursionError) as e:
        raise ValueError(f"Cannot read the model JSON: {e}") from None
    try:
        config = keras3_model_config(config)
    except ValueError as e:
        raise ValueError(f"Cannot load the model from the model JSON: {e}") from None
    return rebuild_model(config, custom_objects, safe_mode, "the model JSON")


def rebuild_model(config, custom_objects, safe_mode, source):
    """The model a Keras 3 form config describes; errors name `source`."""
    from keras_like.layers.layer import Layer

    try:
        with SafeModeScope(safe_mode), ObjectSharingScope():
            model = deserialize_keras_object(config, custom_objects=custom_objects,
                                             safe_mode=safe_mode)
    except ValueError as e:
        if source.strip("'") in str(e):
            raise
        raise ValueError(f"Cannot load the model from {source}: {e}") from e
    except (KeyError, IndexError, TypeError, AttributeError, RecursionError) as e:
        raise ValueError(f"Cannot load the model from {source}: invalid model config "
                         f"({type(e).__name__}: {e})") from e
    if not isinstance(model, Layer) or not hasattr(model, "layers"):
        raise ValueError(f"Cannot load the model from {source}: its config describes "
                         f"{type(model).__name__!r}, not a model")
    return model
