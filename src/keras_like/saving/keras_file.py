"""The Keras 3 `.keras` file: a zip of `metadata.json`, `config.json` and `model.weights.h5`.

Members are stored uncompressed, as Keras writes them. Reading checks the archive before
using it: member names that would escape a folder, members that decompress to far more than
they occupy, a missing or oversized `config.json`. A folder holding the same three files
(Keras's `zipped=False`) loads too.
"""

import datetime
import json
import os
import shutil
import tempfile
import zipfile

from keras_like.saving import file_checks, saveable_tree
from keras_like.saving.atomic_file import atomic_path
from keras_like.saving.serialization_lib import (
    LoadingFileScope,
    ObjectSharingScope,
    SafeModeScope,
    deserialize_keras_object,
    serialize_keras_object,
)
from keras_like.saving.weights_store import WeightsReader, WeightsWriter

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
# The Keras version whose files we write (readers of older versions accept them too).
KERAS_VERSION = "3.15.1"
# A member that inflates beyond both bounds is a zip bomb, not a model.
_MAX_INFLATION_RATIO = 100
_INFLATION_FLOOR = 64 * 1024 * 1024


def save_model(model, filepath):
    """Writes `model` (config, compile state, weights, optimizer state) to a `.keras` file."""
    from keras_like import __version__

    config_json = json.dumps(serialize_keras_object(model))
    metadata = json.dumps({
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "keras_like_version": __version__,
    })
    with atomic_path(filepath) as temp:
        folder = os.path.dirname(os.path.abspath(temp))
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".weights.", suffix=".h5",
                                         delete=True) as weights:
            write_weights_file(model, weights.name)
            with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_STORED,
                                 allowZip64=True) as archive:
                archive.writestr(METADATA, metadata)
                archive.writestr(CONFIG, config_json)
                archive.write(weights.name, WEIGHTS)


def write_weights_file(model, path):
    import h5py

    with h5py.File(path, "w") as h5:
        saveable_tree.save_state(model, WeightsWriter(h5))


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuilds the model a `.keras` file (or its unzipped folder) holds."""
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath):
        return _load_from_folder(filepath, custom_objects, compile, safe_mode)
    file_checks.check_readable_file(filepath, "`.keras` file")
    with _open_archive(filepath) as archive:
        config = _read_config(archive, filepath)
        model = model_from_config(config, filepath, custom_objects, compile, safe_mode)
        with _weights_member(archive, filepath) as weights:
            load_weights_file(model, weights, filepath)
    return model


def _load_from_folder(folder, custom_objects, compile, safe_mode):
    config_path = os.path.join(folder, CONFIG)
    if not os.path.isfile(config_path):
        raise IsADirectoryError(f"'{folder}' is a directory without a {CONFIG}; expected "
                                "a `.keras` file or a folder saved with zipped=False.")
    with open(config_path, "rb") as f:
        config = file_checks.parse_json(f.read(file_checks.MAX_CONFIG_BYTES + 1),
                                        config_path)
    model = model_from_config(config, folder, custom_objects, compile, safe_mode)
    weights = os.path.join(folder, WEIGHTS)
    if not os.path.isfile(weights):
        raise ValueError(f"'{folder}' has no {WEIGHTS}.")
    load_weights_file(model, weights, weights)
    return model


def model_from_config(config, where, custom_objects=None, compile=True, safe_mode=True):
    """The model a parsed `config.json` describes, compiled from its `compile_config` when
    `compile` (a compile config that cannot be rebuilt only warns: the model still
    predicts)."""
    import warnings

    file_checks.require_model_config(config, where)
    config = dict(config)
    compile_config = config.pop("compile_config", None)
    with LoadingFileScope(where), SafeModeScope(safe_mode), ObjectSharingScope(), \
            file_checks.wrap_config_errors(where):
        model = deserialize_keras_object(config, custom_objects=custom_objects,
                                         safe_mode=safe_mode)
        from keras_like.models.model import Model

        if not isinstance(model, Model):
            raise ValueError(f"{where} describes a {type(model).__name__}, not a model.")
    if compile and compile_config:
        try:
            with LoadingFileScope(where), SafeModeScope(safe_mode):
                with_scope = custom_objects or {}
                from keras_like.saving.object_registration import CustomObjectScope

                with CustomObjectScope(with_scope):
                    model.compile_from_config(compile_config)
        except Exception as e:  # noqa: BLE001 - a model that cannot compile still predicts
            warnings.warn(
                f"{where}: the model loaded but could not be compiled from its saved "
                f"compile config ({type(e).__name__}: {e}). Call `model.compile()` "
                "before training.", stacklevel=3)
    return model


def load_weights_file(model, path_or_file, filename, skip_mismatch=False):
    with file_checks.open_hdf5(path_or_file, filename) as h5:
        saveable_tree.load_state(model, WeightsReader(h5, filename),
                                 skip_mismatch=skip_mismatch)


def load_weights_into(model, filepath, skip_mismatch=False):
    """`model.load_weights("x.keras")`: the weights of a `.keras` file, config ignored."""
    file_checks.check_readable_file(filepath, "`.keras` file")
    with _open_archive(filepath) as archive, _weights_member(archive, filepath) as weights:
        load_weights_file(model, weights, filepath, skip_mismatch=skip_mismatch)


class _open_archive:  # noqa: N801 - used as a context manager like open()
    def __init__(self, filepath):
        self.filepath = filepath

    def __enter__(self):
        if not zipfile.is_zipfile(self.filepath):
            raise ValueError(f"{self.filepath} is not a `.keras` file: it is not a zip "
                             "archive (empty, truncated or another format).")
        try:
            self.archive = zipfile.ZipFile(self.filepath, "r")
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            raise ValueError(f"{self.filepath} is a damaged zip archive: {e}") from None
        try:
            _check_members(self.archive, self.filepath)
        except BaseException:
            self.archive.close()
            raise
        return self.archive

    def __exit__(self, *exc):
        self.archive.close()


def _check_members(archive, filepath):
    for info in archive.infolist():
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
            raise ValueError(f"{filepath} contains the member '{name}', whose path escapes "
                             "the archive; refused.")
        if info.file_size > _INFLATION_FLOOR and \
                info.file_size > _MAX_INFLATION_RATIO * max(info.compress_size, 1):
            raise ValueError(
                f"{filepath}: member '{name}' would decompress from {info.compress_size} "
                f"to {info.file_size} bytes; refused as a zip bomb.")


def _read_config(archive, filepath):
    try:
        info = archive.getinfo(CONFIG)
    except KeyError:
        raise ValueError(f"{filepath} has no {CONFIG}: not a Keras model file (members: "
                         f"{archive.namelist()[:10]}).") from None
    if info.file_size > file_checks.MAX_CONFIG_BYTES:
        raise ValueError(f"{filepath}: {CONFIG} is {info.file_size} bytes; refused (more "
                         f"than {file_checks.MAX_CONFIG_BYTES}).")
    try:
        data = archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise ValueError(f"{filepath}: {CONFIG} cannot be read ({e}).") from None
    return file_checks.parse_json(data, f"{filepath} ({CONFIG})")


class _weights_member:  # noqa: N801 - a context manager
    """The archive's `model.weights.h5` as a seekable file for h5py.

    A stored member is read in place; a compressed one is inflated into a temporary file
    first (h5py seeks, and seeking in a compressed stream restarts it).
    """

    def __init__(self, archive, filepath):
        self.archive, self.filepath = archive, filepath
        self._temp = None

    def __enter__(self):
        try:
            info = self.archive.getinfo(WEIGHTS)
        except KeyError:
            raise ValueError(f"{self.filepath} has no {WEIGHTS} (members: "
                             f"{self.archive.namelist()[:10]}).") from None
        try:
            member = self.archive.open(info)
            if info.compress_type == zipfile.ZIP_STORED:
                self._handle = member
                return member
            self._temp = tempfile.TemporaryFile()
            shutil.copyfileobj(member, self._temp, 1 << 20)
            member.close()
            self._temp.seek(0)
            self._handle = self._temp
            return self._temp
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as e:
            raise ValueError(f"{self.filepath}: {WEIGHTS} cannot be read ({e}).") from None

    def __exit__(self, *exc):
        self._handle.close()
