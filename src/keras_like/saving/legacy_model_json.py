"""The `model_config` Keras 3 writes into a legacy `.h5` (FORMATS.md §3.2), from a live model.

Keras 3 serializes under `use_legacy_config`: a layer entry is only `{"class_name",
"config"}` (plus `name` and `inbound_nodes` in a functional model), with the registered name
as `class_name`; nested objects inside a layer's config keep their Keras 3 entries, functional
nodes keep the Keras 3 `{"args", "kwargs"}` form, a nested model's layers are legacy entries
too, and a Sequential config carries `build_input_shape`. Op entries (`keras.ops` functions in
a functional model) keep their `module`, which both Keras 3 and keras_like need to tell them
from the layer of the same name.
"""

import json

import numpy as np

from keras_like.saving.serialization_lib import serialize_keras_object

_OPS_MODULES = ("keras.src.ops.", "keras.ops")


def legacy_model_config(model):
    """`{"class_name", "config"}` of `model` in the legacy-h5 form."""
    try:
        entry = serialize_keras_object(model)
    except NotImplementedError as e:
        raise ValueError(f"Cannot save model '{model.name}' in the HDF5 format: {e}") from e
    return {"class_name": type(model).__name__, "config": _model_config(entry)}


def to_json(value):
    return json.dumps(value, default=_json_default)


def _model_config(entry):
    config = dict(entry["config"])
    layers = config.get("layers")
    if isinstance(layers, list):
        config["layers"] = [_legacy_entry(layer) for layer in layers]
    shape = (entry.get("build_config") or {}).get("input_shape")
    if entry.get("class_name") == "Sequential" and shape is not None:
        config["build_input_shape"] = shape
    return config


def _legacy_entry(entry):
    module = entry.get("module") or ""
    if module.startswith(_OPS_MODULES):
        return entry
    legacy = {"class_name": entry.get("registered_name") or entry["class_name"],
              "config": _model_config(entry) if _is_model_entry(entry) else entry["config"]}
    for key in ("name", "inbound_nodes"):
        if key in entry:
            legacy[key] = entry[key]
    return legacy


def _is_model_entry(entry):
    config = entry.get("config")
    return isinstance(config, dict) and isinstance(config.get("layers"), list) and \
        all(isinstance(layer, dict) and "class_name" in layer for layer in config["layers"])


def _json_default(obj):
    """What `json.dumps` cannot write itself (Keras's `json_utils.get_json_type`)."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, bytes):
        return obj.decode("utf-8")
    if isinstance(obj, np.dtype):
        return str(obj)
    if hasattr(obj, "get_config"):
        return serialize_keras_object(obj)
    raise TypeError(f"Cannot write {obj!r:.200} of type {type(obj).__name__} to JSON")
