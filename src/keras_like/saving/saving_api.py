"""The public saving entry points: one dispatch by file type for every format.

`.keras` (Keras 3 zip) and `.weights.h5` (Keras 3 variable store) are the native formats;
`.h5` / `.hdf5` are the legacy HDF5 files of Keras 2 and Keras 3 (`legacy_h5`).
"""

import json
import os
import sys
import warnings

from keras_like.saving import file_checks, keras_file
from keras_like.saving.atomic_file import atomic_path

_ZIP_MAGIC = b"PK\x03\x04"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def _sniff(path):
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return None
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head == _HDF5_MAGIC:
        return "hdf5"
    return None


def _path(filepath, argument="filepath"):
    try:
        return os.fspath(filepath)
    except TypeError:
        raise TypeError(f"`{argument}` must be a string or a path; received "
                        f"{type(filepath).__name__}: {filepath!r}") from None


def _is_legacy_h5(path):
    return path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5")


def _may_write(path, overwrite):
    """Keras asks before overwriting when `overwrite=False`; without a terminal to ask on,
    the existing file is kept."""
    if overwrite or not os.path.exists(path):
        return True
    if sys.stdin is not None and sys.stdin.isatty():
        answer = input(f"[WARNING] {path} already exists - overwrite? [y/n]").strip().lower()
        return answer in ("y", "yes")
    warnings.warn(f"{path} exists and overwrite=False: nothing was written.", stacklevel=3)
    return False


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """`model.save(filepath)`: `.keras` (recommended) or legacy `.h5`."""
    path = _path(filepath)
    include_optimizer = kwargs.pop("include_optimizer", True)
    kwargs.pop("save_format", None)
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {sorted(kwargs)}")
    if zipped is False:
        raise ValueError("keras_like writes `.keras` files zipped (zipped=False is not "
                         "supported); load_model reads unzipped folders.")
    if path.endswith(".keras"):
        if _may_write(path, overwrite):
            keras_file.save_model(model, path)
        return
    if _is_legacy_h5(path):
        warnings.warn(
            "You are saving your model as an HDF5 file via `model.save()`. This file format "
            "is considered legacy. We recommend using instead the native Keras format, e.g. "
            "`model.save('my_model.keras')`.", stacklevel=3)
        if _may_write(path, overwrite):
            from keras_like.saving import legacy_h5

            legacy_h5.save_model_to_hdf5(model, path, include_optimizer=include_optimizer)
        return
    raise ValueError(
        "Invalid filepath extension for saving. Please add either a `.keras` extension for "
        "the native Keras format (recommended) or a `.h5` extension. Use "
        "`model.export(filepath)` if you want to export a SavedModel for use with "
        f"TFLite/TFServing/etc. Received: filepath={path}.")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a model saved as `.keras`, as an unzipped `.keras` folder, or as legacy `.h5`.

    Args:
        filepath: Path of the file.
        custom_objects: Optional dict of names to custom classes or functions.
        compile: Whether to compile the model after loading (restoring loss, metrics and
            the optimizer with its state).
        safe_mode: Refuse Python lambdas stored as bytecode (True by default): loading one
            runs code from the file.
    """
    path = _path(filepath)
    if os.path.isdir(path):
        return keras_file.load_model(path, custom_objects, compile, safe_mode)
    file_checks.check_readable_file(path)
    kind = _sniff(path)
    if path.endswith(".keras") or (kind == "zip" and not _is_legacy_h5(path)):
        return keras_file.load_model(path, custom_objects, compile, safe_mode)
    if _is_legacy_h5(path) or kind == "hdf5":
        from keras_like.saving import legacy_h5

        return legacy_h5.load_model_from_hdf5(path, custom_objects=custom_objects,
                                              compile=compile, safe_mode=safe_mode)
    raise ValueError(
        f"File format not supported: filepath={path}. keras_like loads `.keras` files, "
        "`.keras` folders (zipped=False) and legacy `.h5` files.")


def save_weights(model, filepath, overwrite=True, **kwargs):
    """`model.save_weights("x.weights.h5")`: every variable, optimizer state included."""
    path = _path(filepath)
    if kwargs.pop("max_shard_size", None) is not None:
        raise ValueError("keras_like does not write sharded weights (max_shard_size).")
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {sorted(kwargs)}")
    if not path.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={path}")
    if not _may_write(path, overwrite):
        return
    with atomic_path(path) as temp:
        keras_file.write_weights_file(model, temp)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """`model.load_weights(path)` for `.keras`, `.weights.h5` and legacy `.h5` files."""
    path = _path(filepath)
    by_name = kwargs.pop("by_name", False)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {sorted(kwargs)}")
    file_checks.check_readable_file(path, "weights file")
    if path.endswith(".keras"):
        if by_name:
            raise ValueError("Invalid keyword arguments: by_name is only for legacy `.h5`.")
        keras_file.load_weights_into(model, path, skip_mismatch=skip_mismatch)
    elif path.endswith(".weights.h5"):
        if by_name:
            raise ValueError("Invalid keyword arguments: by_name is only for legacy `.h5`.")
        if _sniff(path) != "hdf5":
            raise ValueError(f"{path} is not an HDF5 file (empty, truncated or another "
                             "format).")
        keras_file.load_weights_file(model, path, path, skip_mismatch=skip_mismatch)
    elif _is_legacy_h5(path):
        from keras_like.saving import legacy_h5

        legacy_h5.load_weights_from_hdf5(model, path, by_name=by_name,
                                         skip_mismatch=skip_mismatch)
    else:
        raise ValueError(
            f"File format not supported: filepath={path}. keras_like loads weights from "
            "`.keras`, `.weights.h5` and legacy `.h5` files.")


def model_to_json(model, **kwargs):
    from keras_like.saving.serialization_lib import serialize_keras_object

    return json.dumps(serialize_keras_object(model), **kwargs)


def model_from_json(json_string, custom_objects=None):
    """The (uncompiled, freshly initialized) model a `to_json()` string describes; Keras 2
    and Keras 3 strings both load."""
    where = "the model JSON"
    config = file_checks.parse_json(json_string, where)
    file_checks.require_model_config(config, where)
    from keras_like.saving import legacy_config

    # Keras 2's to_json() (also with module paths like keras.src.engine.functional) becomes
    # the Keras 3 form; a Keras 3 config passes through unchanged.
    config = legacy_config.keras3_model_config(config)
    return keras_file.model_from_config(config, where, custom_objects, compile=False)
