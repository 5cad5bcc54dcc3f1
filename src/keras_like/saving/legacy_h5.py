"""Legacy HDF5 model files (`model.save("x.h5")`), as Keras 3 and tf.keras 2 write them.

Layout (FORMATS.md §3.1): root attributes `backend`, `keras_version`, `model_config` (JSON)
and, for a compiled model saved with its optimizer, `training_config` (JSON); `/model_weights`
with the layers' weights (see `legacy_h5_weights`); `/optimizer_weights` with the optimizer's
variables. Keras-2 weights-only files have the `/model_weights` layout at the root.

Loading never runs code from the file: configs resolve only to keras_like's classes, those
registered or passed in `custom_objects` (Python lambdas need `safe_mode=False`), nothing is
unpickled, and every HDF5 read is bounded and checked (`h5_guard`).
"""

import warnings

import h5py

from keras_like.saving import file_checks, legacy_compile
from keras_like.saving.atomic_file import atomic_path
from keras_like.saving.h5_guard import open_for_reading
from keras_like.saving.legacy_config import keras3_model_config
from keras_like.saving.legacy_h5_optimizer import (
    restore_optimizer_weights,
    save_optimizer_weights,
)
from keras_like.saving.legacy_h5_weights import load_weights_group, save_weights_group
from keras_like.saving.legacy_model_json import legacy_model_config, to_json
from keras_like.saving.serialization_lib import LoadingFileScope, SafeModeScope


def _writer_identity():
    import keras_like
    from keras_like.backend.config import backend

    return backend(), keras_like.__version__


# ---- saving ----------------------------------------------------------------------------------

def save_model_to_hdf5(model, filepath, include_optimizer=True):
    """Saves `model` (config, weights and, if compiled, training config and optimizer state)
    in the legacy HDF5 layout that Keras 3 and tf.keras 2 read. The file appears atomically:
    a failed save leaves any previous file untouched."""
    backend_name, version = _writer_identity()
    # Everything that can fail on the model's side happens before the file exists.
    model_config = to_json(legacy_model_config(model)).encode("utf8")
    training = legacy_compile.training_config(model) if include_optimizer else None
    training = to_json(training).encode("utf8") if training is not None else None
    with atomic_path(filepath) as temp:
        with h5py.File(temp, "w") as f:
            f.attrs["backend"] = backend_name
            f.attrs["keras_version"] = str(version)
            f.attrs["model_config"] = model_config
            if training is not None:
                f.attrs["training_config"] = training
            save_weights_group(f.create_group("model_weights"), model, backend_name, version)
            if training is not None:
                save_optimizer_weights(f, model.optimizer)


# ---- loading ---------------------------------------------------------------------------------

def load_model_from_hdf5(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved in the legacy HDF5 format by Keras 3, tf.keras 2 or keras_like.

    With `compile=True` the model is compiled from the file's training config and its
    optimizer state restored; a training config keras_like cannot rebuild only warns (the
    model is returned uncompiled), since it is not needed for inference.
    """
    with open_for_reading(filepath) as reader:
        root = reader.file
        config = _json_attribute(reader, root, "model_config")
        if config is None:
            raise reader.error("no model config found in the file (it has no 'model_config' "
                               "attribute: a weights-only file? Use `model.load_weights`)")
        model = _model_from_config(reader, config, custom_objects, safe_mode)
        load_weights_group(reader, reader.group(root, "model_weights"), model)
        if compile:
            _compile(reader, model, custom_objects, safe_mode)
    return model


def load_weights_from_hdf5(model, filepath, by_name=False, skip_mismatch=False):
    """Loads weights from a legacy full-model `.h5` (`/model_weights`) or a Keras-2
    weights-only `.h5` (`layer_names` at the root), by order or by layer name."""
    with open_for_reading(filepath) as reader:
        root = reader.file
        group = root
        # Keras's rule: names at the root mean a weights-only file.
        has_names = "layer_names" in root.attrs or "layer_names0" in root.attrs
        if not has_names and reader.find(root, "model_weights") is not None:
            group = reader.group(root, "model_weights")
        load_weights_group(reader, group, model, by_name=by_name, skip_mismatch=skip_mismatch)


# ---- steps -----------------------------------------------------------------------------------

def _json_attribute(reader, obj, name):
    text = reader.string_attribute(obj, name)
    if text is None:
        return None
    return file_checks.parse_json(text, f"The '{name}' attribute of '{reader.path}'")


def _model_from_config(reader, config, custom_objects, safe_mode):
    from keras_like.saving.keras_file import model_from_config

    try:
        config = keras3_model_config(config)
    except ValueError as e:
        raise reader.error(f"invalid model_config: {e}") from None
    return model_from_config(config, reader.path, custom_objects, compile=False,
                             safe_mode=safe_mode)


def _compile(reader, model, custom_objects, safe_mode):
    try:
        training = _json_attribute(reader, reader.file, "training_config")
    except ValueError as e:
        warnings.warn(f"The model from '{reader.path}' is returned uncompiled: {e}",
                      stacklevel=3)
        return
    if training is None:
        warnings.warn(f"No training configuration found in '{reader.path}', so the model was "
                      "*not* compiled. Compile it manually.", stacklevel=3)
        return
    try:
        with LoadingFileScope(reader.path), SafeModeScope(safe_mode):
            outputs = getattr(model, "outputs", None) or [None]
            arguments = legacy_compile.compile_arguments(training, custom_objects,
                                                         num_outputs=len(outputs))
            model.compile(**arguments)
    except Exception as e:  # noqa: BLE001 - compiling is optional; the model still predicts
        warnings.warn(f"The model from '{reader.path}' is returned uncompiled: its training "
                      f"configuration cannot be rebuilt ({type(e).__name__}: {e}). Compile "
                      "it manually to train it.", stacklevel=3)
        return
    try:
        _restore_optimizer(reader, model, training)
    except ValueError as e:
        warnings.warn(f"Not restoring the optimizer state: {e}; the model starts with a fresh "
                      "optimizer.", stacklevel=3)


def _restore_optimizer(reader, model, training):
    if reader.find(reader.file, "optimizer_weights") is None:
        return
    version = reader.string_attribute(reader.file, "keras_version")
    if legacy_compile.is_legacy_optimizer(training, version):
        raise reader.error("the optimizer state was saved by a legacy tf.keras optimizer, "
                           "whose variables do not line up with keras_like's")
    restore_optimizer_weights(reader, reader.group(reader.file, "optimizer_weights"), model)
