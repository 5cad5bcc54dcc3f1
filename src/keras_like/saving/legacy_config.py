"""Model configs of legacy files (tf.keras 2, standalone Keras 2, Keras 3's `.h5`) in Keras 3 form.

`keras3_model_config` turns what `model.to_json()` (Keras 2) or a legacy `.h5` `model_config`
(Keras 2 or 3) holds into the `{"module", "class_name", "config", "registered_name"}` form that
`deserialize_keras_object` rebuilds, applying what Keras 3's own legacy loader applies
(`keras:keras/src/legacy/saving/saving_utils.py` `model_from_config`) and what it misses:

* layer entries without `module` (every legacy writer) get the Keras module of their kind,
  so unknown built-ins read "not implemented yet" and `Sequential` / `Functional` / `Model`
  resolve to keras_like's model classes;
* InputLayer `batch_input_shape` becomes `batch_shape`; in entries without a module,
  1-element `axis` lists become ints;
* tf.keras Lambda functions (`func_dump` triples) become `__lambda__` entries, which the
  deserializer refuses in safe mode;
* Keras-2 nodes `[[layer, node_index, tensor_index, kwargs], ...]` become Keras-3
  `{"args", "kwargs"}` nodes, tensors passed as keyword arguments included, and node indices
  into nested models drop the model's own first node (tf.keras counts it, keras_like does not);
* `Sequential`'s `build_input_shape` also becomes a `build_config`, so a model built without
  an `Input` is rebuilt with its weights.

Entries already in Keras 3 form pass through unchanged. The input is never modified.
"""

import copy

_MODEL_ENTRIES = {
    "Sequential": ("keras", "Sequential", None),
    "Functional": ("keras.src.models.functional", "Functional", "Functional"),
    "Model": ("keras.src.models.functional", "Functional", "Functional"),
}
# Keys of `model.to_json()` output next to class_name/config that carry no model content.
_JSON_ONLY_KEYS = ("keras_version", "backend")
# tf.keras Lambda keys that Keras 3 dropped (their content moved into the function entries).
_LAMBDA_LEGACY_KEYS = ("module", "function_type", "output_shape_type", "output_shape_module")


def keras3_model_config(config):
    """The Keras 3 form of a legacy model config `{"class_name": ..., "config": ...}`.

    Raises a ValueError describing the problem when `config` is not a model config.

    Example:
    >>> import json
    >>> legacy = json.loads(keras2_model.to_json())  # written by tf.keras 2
    >>> model = deserialize_keras_object(keras3_model_config(legacy))
    """
    _check_entry(config, "the model config")
    config = {k: v for k, v in config.items() if k not in _JSON_ONLY_KEYS}
    return _entry(copy.deepcopy(config), "the model config")


def _check_entry(entry, where):
    if not isinstance(entry, dict):
        raise ValueError(f"{where} must be a JSON object with 'class_name' and 'config'; "
                         f"received {type(entry).__name__}")
    if not isinstance(entry.get("class_name"), str) or "config" not in entry:
        raise ValueError(f"{where} must have a string 'class_name' and a 'config'; received "
                         f"the keys {sorted(map(str, entry))}")


def _entry(entry, where):
    """One layer (or model) entry in Keras 3 form."""
    _check_entry(entry, where)
    class_name = entry["class_name"]
    inner = entry["config"]
    legacy = "module" not in entry
    if class_name == "Sequential" or class_name.endswith(">Sequential"):
        inner = _sequential_config(inner, where)
    elif _is_functional_config(inner):
        inner = _functional_config(inner, where)
    elif isinstance(inner, dict):
        inner = _layer_config(class_name, inner, legacy)
    else:
        raise ValueError(f"The config of '{class_name}' in {where} must be a JSON object; "
                         f"received {type(inner).__name__}")
    entry["config"] = inner
    if legacy:
        entry.update(_class_fields(class_name, inner))
    shape = inner.get("build_input_shape") if isinstance(inner, dict) else None
    if shape and "build_config" not in entry:
        entry["build_config"] = {"input_shape": shape}
    return entry


def _class_fields(class_name, inner):
    if class_name in _MODEL_ENTRIES:
        module, name, registered = _MODEL_ENTRIES[class_name]
        if class_name == "Model" and not _is_functional_config(inner):
            name = registered = "Model"
            module = "keras"
        return {"module": module, "class_name": name, "registered_name": registered}
    if ">" in class_name:
        # A registered name ("package>Name"): resolved through the registry, or by the part
        # after ">" among keras_like's own classes (tf.keras writes "Custom>Adam").
        return {"module": None, "class_name": class_name.rsplit(">", 1)[1],
                "registered_name": class_name}
    return {"module": "keras.layers", "class_name": class_name, "registered_name": None}


def _is_functional_config(inner):
    return isinstance(inner, dict) and all(
        k in inner for k in ("layers", "input_layers", "output_layers"))


def _layer_config(class_name, config, legacy):
    if class_name == "InputLayer" and "batch_input_shape" in config:
        config["batch_shape"] = config.pop("batch_input_shape")
    axis = config.get("axis")
    if legacy and isinstance(axis, list) and len(axis) == 1:
        # What Keras 3's legacy loader does (only for entries without a module; a Keras 3
        # LayerNormalization writes `[-1]` and keeps it).
        config["axis"] = axis[0]
    dtype = config.get("dtype")
    if isinstance(dtype, dict) and dtype.get("class_name") == "Policy" and \
            "module" not in dtype and isinstance(dtype.get("config"), dict):
        # tf.keras 2's mixed-precision policy entry: its name is the whole policy.
        config["dtype"] = dtype["config"].get("name")
    if class_name == "Lambda":
        _lambda_config(config)
    return config


def _lambda_config(config):
    function_type = config.get("function_type")
    module = config.get("module")
    for key in _LAMBDA_LEGACY_KEYS:
        config.pop(key, None)
    function = config.get("function")
    if isinstance(function, list):
        code, defaults, closure = (list(function) + [None, None])[:3]
        config["function"] = {"class_name": "__lambda__",
                              "config": {"code": code, "defaults": defaults,
                                         "closure": closure}}
    elif isinstance(function, str) and function_type == "function":
        config["function"] = {"module": module, "class_name": "function",
                              "config": function, "registered_name": function}


def _sequential_config(inner, where):
    if isinstance(inner, list):  # standalone Keras <= 2.2: the config is the layer list
        inner = {"name": None, "layers": inner}
    if not isinstance(inner, dict) or not isinstance(inner.get("layers"), list):
        raise ValueError(f"A Sequential config in {where} needs a 'layers' list")
    inner["layers"] = [_entry(layer, f"layer #{i} of {where}")
                       for i, layer in enumerate(inner["layers"])]
    return inner


def _functional_config(inner, where):
    layers = inner["layers"]
    if not isinstance(layers, list):
        raise ValueError(f"The 'layers' of the functional config in {where} must be a list")
    kinds = {}
    for i, layer in enumerate(layers):
        _check_entry(layer, f"layer #{i} of {where}")
        if not isinstance(layer.get("name"), str):
            raise ValueError(f"layer #{i} of {where} needs a string 'name'")
        kinds[layer["name"]] = _nested_model_kind(layer)
    legacy = any(isinstance(node, list) for layer in layers
                 for node in (layer.get("inbound_nodes") or []))
    converted = []
    for i, layer in enumerate(layers):
        name = layer["name"]
        nodes = layer.get("inbound_nodes") or []
        if not isinstance(nodes, list):
            raise ValueError(f"The 'inbound_nodes' of layer '{name}' in {where} must be a list")
        entry = _entry({k: v for k, v in layer.items() if k not in ("name", "inbound_nodes")},
                       f"layer #{i} of {where}")
        entry["name"] = name
        entry["inbound_nodes"] = [_node(node, kinds, name, where) for node in nodes]
        converted.append(entry)
    inner["layers"] = converted
    if legacy:
        for key in ("input_layers", "output_layers"):
            inner[key] = _legacy_endpoints(inner[key], kinds, key, where)
    return inner


def _nested_model_kind(layer):
    """"functional" or "sequential" for a nested model whose first node tf.keras reserves for
    the model's own graph (`_should_skip_first_node`), else None."""
    class_name = layer["class_name"]
    inner = layer["config"]
    if _is_functional_config(inner) or class_name in ("Functional", "Model"):
        return "functional"
    if class_name == "Sequential" or class_name.endswith(">Sequential"):
        # Only a Sequential that starts with an InputLayer has that node; its config then
        # lists the InputLayer first.
        entries = inner.get("layers") if isinstance(inner, dict) else inner
        first = entries[0] if isinstance(entries, list) and entries else None
        if isinstance(first, dict) and first.get("class_name") == "InputLayer":
            return "sequential"
    return None


def _is_triple(value):
    return (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value[1:]))


def _tensor(reference, kinds, where):
    """A Keras-2 `[layer, node_index, tensor_index]` reference as a Keras-3 tensor entry."""
    layer, node_index, tensor_index = reference
    if layer not in kinds:
        raise ValueError(f"A node in {where} refers to the unknown layer '{layer}'")
    if kinds[layer] is not None:
        node_index -= 1
    if node_index < 0 or tensor_index < 0:
        raise ValueError(f"A node in {where} refers to call #{reference[1]}, output "
                         f"#{tensor_index} of layer '{layer}', which cannot exist")
    # Shape and dtype are unknown until the graph is rebuilt; the loader reads only the
    # history.
    return {"class_name": "__keras_tensor__",
            "config": {"shape": None, "dtype": None,
                       "keras_history": [layer, node_index, tensor_index]}}


def _node(node, kinds, layer_name, where):
    if isinstance(node, dict):
        return node
    if not isinstance(node, list) or not node:
        raise ValueError(f"A node of layer '{layer_name}' in {where} must be a non-empty "
                         f"list; received {node!r:.200}")
    tensors, kwargs = [], {}
    for item in node:
        if not (isinstance(item, list) and len(item) in (3, 4) and _is_triple(item[:3])):
            raise ValueError(f"A node of layer '{layer_name}' in {where} has the invalid input "
                             f"{item!r:.200}; expected [layer_name, node_index, tensor_index"
                             ", kwargs]")
        tensors.append(_tensor(item[:3], kinds, where))
        if len(item) == 4:
            if not isinstance(item[3], dict):
                raise ValueError(f"The call arguments of layer '{layer_name}' in {where} must "
                                 f"be a JSON object; received {item[3]!r:.200}")
            # tf.keras repeats the same keyword arguments on every input of the node.
            kwargs = item[3]
    first = tensors[0] if len(tensors) == 1 else tensors
    return {"args": [first], "kwargs": _kwargs_tensors(kwargs, kinds, where)}


def _kwargs_tensors(value, kinds, where):
    """Keras 2 writes tensors passed by keyword as bare `[layer, node, tensor]` lists."""
    if _is_triple(value) and value[0] in kinds:
        return _tensor(value, kinds, where)
    if isinstance(value, list):
        return [_kwargs_tensors(v, kinds, where) for v in value]
    if isinstance(value, dict):
        return {k: _kwargs_tensors(v, kinds, where) for k, v in value.items()}
    return value


def _legacy_endpoints(value, kinds, key, where):
    """Keras 2's `input_layers` / `output_layers`: always lists of triples; one tensor is
    unwrapped, as Keras 3 does."""

    def convert(triple):
        if not _is_triple(triple) or triple[0] not in kinds:
            raise ValueError(f"The '{key}' of {where} must list [layer_name, node_index, "
                             f"tensor_index] triples of its layers; received {triple!r:.200}")
        layer, node_index, tensor_index = triple
        # keras_like's loader itself skips a nested Functional's reserved node, not a
        # Sequential's.
        if kinds[layer] == "sequential":
            node_index -= 1
        return [layer, node_index, tensor_index]

    if _is_triple(value):
        return convert(value)
    if not isinstance(value, list) or not value:
        raise ValueError(f"The '{key}' of {where} must be a non-empty list of [layer_name, "
                         f"node_index, tensor_index] triples; received {value!r:.200}")
    triples = [convert(v) for v in value]
    return triples[0] if len(triples) == 1 else triples
