"""Layer weights in the legacy HDF5 layout (FORMATS.md §3.1, §3.4), both directions.

A weights group (`/model_weights` of a full-model file, or the root of a Keras-2 weights-only
file) lists `layer_names`; each layer's group lists `weight_names`, the paths of its datasets.
Keras pairs them **by order** (`keras:keras/src/legacy/saving/legacy_h5_format.py`
`load_weights_from_hdf5_group`): the saved layers that have weights with the model's layers
that have weights, in `model.layers` order; within a layer, the datasets in `weight_names`
order with `layer.trainable_weights + layer.non_trainable_weights`. The names themselves carry
no meaning (Keras 3 writes `f1_mlp/hidden/kernel`, tf.keras `hidden/kernel:0`), except for
`by_name=True`, which pairs `layer_names` with layer names.

Every shape is checked against the model before any data is read, and nothing is assigned
until the whole file has been checked, so a failed load leaves the model as it was.
"""

import warnings

import numpy as np

# Attributes above this many bytes are split into `name0`, `name1`, ... (HDF5 object headers
# hold at most 64 KiB; Keras's HDF5_OBJECT_HEADER_LIMIT).
HDF5_OBJECT_HEADER_LIMIT = 64512


def legacy_weights(layer):
    """A layer's variables in the legacy-HDF5 order."""
    return layer.trainable_weights + layer.non_trainable_weights


def own_weights(model):
    """The model's variables that belong to none of its layers (`top_level_model_weights`)."""
    inner = {id(v) for layer in model.layers for v in layer.weights}
    return [v for v in legacy_weights(model) if id(v) not in inner]


# ---- writing ---------------------------------------------------------------------------------

def save_attributes(group, name, data):
    """Writes a list of bytes the way Keras does: one attribute, or chunks `name0`, `name1`,
    ... when the list outgrows an object header; `[]` becomes a float64 array of shape (0,)."""
    too_long = [x for x in data if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if too_long:
        raise ValueError(f"Cannot save the attribute '{name}': the names "
                         f"{[x[:60] for x in too_long]} are longer than "
                         f"{HDF5_OBJECT_HEADER_LIMIT} bytes")
    array = np.asarray(data)
    chunks = 1
    split = np.array_split(array, chunks)
    while any(chunk.nbytes > HDF5_OBJECT_HEADER_LIMIT for chunk in split):
        chunks += 1
        split = np.array_split(array, chunks)
    if chunks > 1:
        for index, chunk in enumerate(split):
            group.attrs[f"{name}{index}"] = chunk
    else:
        group.attrs[name] = data


def save_weight_values(group, variables, label):
    """`weight_names` (the variables' paths) and one dataset per variable under `group`."""
    names = [v.path for v in variables]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"Cannot save the weights of {label}: several variables have the "
                         f"path(s) {duplicates}, which name their datasets")
    save_attributes(group, "weight_names", [n.encode("utf8") for n in names])
    for name, variable in zip(names, variables):
        value = np.asarray(variable.numpy())
        dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
        dataset[()] = value


def save_weights_group(group, model, backend_name, version):
    """The `/model_weights` layout: `layer_names` in `model.layers` order, one group per
    layer (created in name order, as Keras does), `top_level_model_weights`."""
    layers = model.layers
    names = [layer.name for layer in layers]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates or "top_level_model_weights" in names:
        raise ValueError(f"Cannot save model '{model.name}' in the HDF5 format: its layer "
                         "names name the file's groups and must be unique (and not "
                         f"'top_level_model_weights'); received {duplicates or names}")
    save_attributes(group, "layer_names", [n.encode("utf8") for n in names])
    group.attrs["backend"] = backend_name.encode("utf8")
    group.attrs["keras_version"] = str(version).encode("utf8")
    for layer in sorted(layers, key=lambda x: x.name):
        save_weight_values(group.create_group(layer.name), legacy_weights(layer),
                           f"layer '{layer.name}'")
    save_weight_values(group.create_group("top_level_model_weights"), own_weights(model),
                       f"model '{model.name}'")


# ---- reading ---------------------------------------------------------------------------------

def saved_layers(reader, group):
    """[(layer name, [datasets])] in the file's `layer_names` order (datasets checked)."""
    result = []
    for name in reader.string_list_attribute(group, "layer_names"):
        layer_group = reader.group(group, name)
        weight_names = reader.string_list_attribute(layer_group, "weight_names")
        result.append((name, [reader.dataset(layer_group, w) for w in weight_names]))
    return result


def load_weights_group(reader, group, model, by_name=False, skip_mismatch=False):
    """Loads a weights group into `model` (by order, or by layer name)."""
    saved = saved_layers(reader, group)
    plan = []
    if by_name:
        index = {}
        for layer in model.layers:
            index.setdefault(layer.name, []).append(layer)
        for k, (name, datasets) in enumerate(saved):
            for layer in index.get(name, []):
                plan += _pairs(reader, legacy_weights(layer), datasets,
                               f"layer #{k} (named '{layer.name}')", skip_mismatch)
    else:
        layers = [layer for layer in model.layers if legacy_weights(layer)]
        saved_with_weights = [(name, d) for name, d in saved if d]
        if len(layers) != len(saved_with_weights):
            raise reader.error(
                f"layer count mismatch: the model has {len(layers)} layers with weights "
                f"({[layer.name for layer in layers]}), the file has "
                f"{len(saved_with_weights)} ({[name for name, _ in saved_with_weights]})")
        for k, (layer, (name, datasets)) in enumerate(zip(layers, saved_with_weights)):
            plan += _pairs(reader, legacy_weights(layer), datasets,
                           f"layer #{k} (named '{layer.name}' in the model, '{name}' in the "
                           "file)", skip_mismatch)
    top = reader.find(group, "top_level_model_weights")
    if top is not None:
        top = reader.group(group, "top_level_model_weights")
        datasets = [reader.dataset(top, w)
                    for w in reader.string_list_attribute(top, "weight_names")]
        plan += _pairs(reader, own_weights(model), datasets, f"model '{model.name}'",
                       skip_mismatch)
    assign_all(reader, plan)


def _pairs(reader, variables, datasets, label, skip_mismatch):
    """(variable, dataset) pairs for one layer, or [] when skipped for a mismatch."""
    problem = None
    if len(variables) != len(datasets):
        problem = (f"{label} expects {len(variables)} weight(s), the file has "
                   f"{len(datasets)}")
    else:
        for variable, dataset in zip(variables, datasets):
            if tuple(variable.shape) != tuple(dataset.shape):
                problem = (f"shape mismatch in {label} for weight {variable.path}: the weight "
                           f"expects shape {tuple(variable.shape)}, the file has "
                           f"{tuple(dataset.shape)} ('{dataset.name}')")
                break
    if problem is None:
        return list(zip(variables, datasets))
    if skip_mismatch:
        warnings.warn(f"Skipping loading the weights of {label} from '{reader.path}': "
                      f"{problem}", stacklevel=4)
        return []
    raise reader.error(problem)


def assign_all(reader, plan):
    """Reads every dataset of `plan`, then assigns them all (nothing on a read error)."""
    values = [reader.read(dataset) for _, dataset in plan]
    for (variable, _), value in zip(plan, values):
        variable.assign(_as_dtype(value, variable.dtype))


def _as_dtype(value, dtype):
    try:
        target = np.dtype(dtype)
    except TypeError:  # bfloat16 and other engine-only dtypes: the engine casts
        return value
    return value.astype(target, copy=False)
