"""The Keras 3 `.keras` file: a zip of `metadata.json`, `config.json`, `model.weights.h5`
and, for layers with `save_assets` (the lookup layers' vocabularies), `assets/...`
(saving/assets_folder.py).

Members are stored uncompressed, as Keras writes them. Reading checks the archive before
using it: member names that would escape a folder, members that decompress to far more than
they occupy, a missing or oversized `config.json`. A folder holding the same three files
(Keras's `zipped=False`) loads too.
"""

import datetime
import io
import json
import os
import shutil
import struct
import tempfile
import warnings
import zipfile
import zlib

from keras_like.saving import assets_folder, file_checks, saveable_tree
from keras_like.saving.atomic_file import atomic_path
from keras_like.saving.object_registration import CustomObjectScope
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
                assets_folder.write_assets(model, archive)


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
        with assets_folder.extracted_assets(archive, filepath) as assets:
            _load_assets(model, assets, filepath)
    return model


def _load_assets(model, folder, where):
    try:
        assets_folder.load_assets(model, folder)
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from None


def _load_from_folder(folder, custom_objects, compile, safe_mode):
    config_path = os.path.join(folder, CONFIG)
    if not os.path.isfile(config_path):
        raise IsADirectoryError(f"'{folder}' is a directory without a {CONFIG}; expected "
                                "a `.keras` file or a folder saved with zipped=False.")
    size = os.path.getsize(config_path)
    if size > file_checks.MAX_CONFIG_BYTES:
        raise ValueError(f"{config_path} is {size} bytes; refused (more than "
                         f"{file_checks.MAX_CONFIG_BYTES}).")
    with open(config_path, "rb") as f:
        config = file_checks.parse_json(f.read(file_checks.MAX_CONFIG_BYTES + 1),
                                        config_path)
    model = model_from_config(config, folder, custom_objects, compile, safe_mode)
    weights = os.path.join(folder, WEIGHTS)
    if not os.path.isfile(weights):
        raise ValueError(f"'{folder}' has no {WEIGHTS}.")
    load_weights_file(model, weights, weights)
    assets = os.path.join(folder, assets_folder.PREFIX.rstrip("/"))
    _load_assets(model, assets if os.path.isdir(assets) else None, folder)
    return model


def model_from_config(config, where, custom_objects=None, compile=True, safe_mode=True):
    """The model a parsed `config.json` describes, compiled from its `compile_config` when
    `compile` (a compile config that cannot be rebuilt only warns: the model still
    predicts)."""
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
            with LoadingFileScope(where), SafeModeScope(safe_mode), \
                    CustomObjectScope(custom_objects):
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
    # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method.
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError,
            NotImplementedError) as e:
        raise ValueError(f"{filepath}: {CONFIG} cannot be read ({e}).") from None
    return file_checks.parse_json(data, f"{filepath} ({CONFIG})")


class _weights_member:  # noqa: N801 - a context manager
    """The archive's `model.weights.h5` as a seekable file for h5py.

    A stored member is read in place, through a window on the archive file; a compressed one
    is inflated into a temporary file first (h5py seeks, and seeking in a compressed stream
    restarts it). Either way its CRC is checked before h5py sees a byte.
    """

    def __init__(self, archive, filepath):
        self.archive, self.filepath = archive, filepath
        self._handle = None

    def __enter__(self):
        try:
            info = self.archive.getinfo(WEIGHTS)
        except KeyError:
            raise ValueError(f"{self.filepath} has no {WEIGHTS} (members: "
                             f"{self.archive.namelist()[:10]}).") from None
        try:
            # Validates the local header (name, encryption, compression method) and, for a
            # compressed member, checks the CRC while inflating.
            with self.archive.open(info) as member:
                if info.compress_type == zipfile.ZIP_STORED:
                    self._handle = _StoredMember(self.filepath, info)
                else:
                    self._handle = tempfile.TemporaryFile()
                    shutil.copyfileobj(member, self._handle, 1 << 20)
                    self._handle.seek(0)
            if isinstance(self._handle, _StoredMember):
                self._handle.check_crc()
            return self._handle
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError,
                RuntimeError) as e:
            if self._handle is not None:
                self._handle.close()
            raise ValueError(f"{self.filepath}: {WEIGHTS} cannot be read ({e}).") from None

    def __exit__(self, *exc):
        self._handle.close()


class _StoredMember(io.RawIOBase):
    """A stored zip member as a read-only, seekable file of its own.

    zipfile's member objects (before Python 3.12) reread the member from its start on every
    backward seek, and h5py seeks all the time: a large model loaded through one took
    seconds per hundred MB. This reads the archive file directly, within the member's bytes.
    """

    def __init__(self, archive_path, info):
        super().__init__()
        self._file = open(archive_path, "rb")
        try:
            self._file.seek(info.header_offset)
            header = self._file.read(30)
            if len(header) != 30 or header[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"bad local header for {info.filename!r}")
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            self._start = info.header_offset + 30 + name_length + extra_length
            self._size = info.file_size
            self._crc = info.CRC
            end = os.fstat(self._file.fileno()).st_size
            if info.compress_size != info.file_size or self._start + self._size > end:
                raise zipfile.BadZipFile(f"{info.filename!r} extends past the archive's end "
                                         "or its sizes disagree")
        except BaseException:
            self._file.close()
            raise
        self._position = 0

    def check_crc(self):
        crc = 0
        self.seek(0)
        while block := self.read(1 << 20):
            crc = zlib.crc32(block, crc)
        self.seek(0)
        if crc != self._crc:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {WEIGHTS!r}")

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}.get(whence)
        if base is None:
            raise ValueError(f"invalid whence {whence!r}")
        if base + offset < 0:
            raise OSError(f"negative seek position {base + offset}")
        self._position = base + offset
        return self._position

    def readinto(self, buffer):
        count = max(0, min(len(buffer), self._size - self._position))
        if count == 0:
            return 0
        self._file.seek(self._start + self._position)
        got = self._file.readinto(memoryview(buffer)[:count])
        self._position += got
        return got

    def close(self):
        # Also runs from __del__ of an instance whose __init__ failed to open the file.
        file = getattr(self, "_file", None)
        if file is not None:
            file.close()
        super().close()
