"""The files of a `BackupAndRestore` folder, written so that a kill at any moment leaves a
complete backup behind.

A backup is two files, `latest.weights.h5` and `training_metadata.json` (Keras's names),
and the metadata records the SHA-256 of the weights file it belongs to. A save writes the
weights under a third name, then the metadata, then renames the weights into place; each
write is atomic. Reading back, the metadata decides: weights that do not match it are
either the new weights a kill left unrenamed (the rename is finished then) or damage. With
`keep_previous` (Keras's `double_checkpoint`) the pair is first copied to `*.bkp`.
"""

import contextlib
import hashlib
import json
import os
import shutil

from keras_like.saving.atomic_file import _fsync_folder, atomic_open, atomic_path

WEIGHTS = "latest.weights.h5"
METADATA = "training_metadata.json"
# Must end in ".weights.h5": `model.save_weights` writes it.
INCOMING = "incoming.weights.h5"
PREVIOUS_SUFFIX = ".bkp"


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy(source, destination):
    with atomic_path(destination) as temp:
        shutil.copyfile(source, temp)


class DamagedBackupError(OSError):
    """The backup's files cannot be used (unreadable, or not the pair the metadata names)."""


class BackupFiles:
    def __init__(self, folder):
        self.folder = os.fspath(folder)
        self.weights_path = os.path.join(self.folder, WEIGHTS)
        self.metadata_path = os.path.join(self.folder, METADATA)
        self.incoming_path = os.path.join(self.folder, INCOMING)
        self.prev_weights_path = self.weights_path + PREVIOUS_SUFFIX
        self.prev_metadata_path = self.metadata_path + PREVIOUS_SUFFIX

    def write(self, model, metadata, keep_previous=False):
        """Backs `model` up (its weights file, optimizer included) with `metadata`."""
        os.makedirs(self.folder, exist_ok=True)
        if keep_previous and os.path.exists(self.weights_path):
            _copy(self.weights_path, self.prev_weights_path)
            if os.path.exists(self.metadata_path):
                _copy(self.metadata_path, self.prev_metadata_path)
        model.save_weights(self.incoming_path, overwrite=True)
        metadata = dict(metadata, weights_sha256=_sha256(self.incoming_path))
        with atomic_open(self.metadata_path, "w") as f:
            json.dump(metadata, f)
        # The metadata is the commit point: from here on, reading finishes this rename.
        os.replace(self.incoming_path, self.weights_path)
        _fsync_folder(self.folder)

    def read(self):
        """The committed metadata (None when there is none), once the weights file matches it.

        Raises:
            DamagedBackupError: the metadata is unreadable, or the weights file is not the
                one it was written with.
        """
        if not os.path.isdir(self.folder):
            return None
        self._remove_temporary_files()
        metadata = self._read_metadata()
        digest = None if metadata is None else metadata.get("weights_sha256")
        has_incoming = os.path.exists(self.incoming_path)
        if digest is not None and self._digest(self.weights_path) != digest:
            if not (has_incoming and _sha256(self.incoming_path) == digest):
                raise DamagedBackupError(
                    f"The backup in {self.folder} is damaged: {WEIGHTS} is not the weights "
                    f"file {METADATA} was written with.")
            os.replace(self.incoming_path, self.weights_path)  # a kill came before the rename
            _fsync_folder(self.folder)
        elif has_incoming:
            os.remove(self.incoming_path)  # a save killed before its metadata: never committed
        return metadata

    def restore_previous(self):
        """Puts the `.bkp` pair in place of the current one; False when there is none."""
        if not os.path.exists(self.prev_weights_path):
            return False
        _copy(self.prev_weights_path, self.weights_path)
        if os.path.exists(self.prev_metadata_path):
            _copy(self.prev_metadata_path, self.metadata_path)
        elif os.path.exists(self.metadata_path):
            os.remove(self.metadata_path)
        if os.path.exists(self.incoming_path):
            os.remove(self.incoming_path)
        return True

    def delete(self):
        if os.path.exists(self.folder):
            shutil.rmtree(self.folder)

    def _read_metadata(self):
        if not os.path.exists(self.metadata_path):
            return None
        try:
            with open(self.metadata_path, encoding="utf-8") as f:
                metadata = json.load(f)
        except (OSError, ValueError) as e:
            raise DamagedBackupError(f"Cannot read {self.metadata_path}: {e}") from e
        if not isinstance(metadata, dict) or not isinstance(metadata.get("epoch"), int):
            raise DamagedBackupError(f"{self.metadata_path} holds no training metadata.")
        return metadata

    @staticmethod
    def _digest(path):
        return _sha256(path) if os.path.exists(path) else None

    def _remove_temporary_files(self):
        # What `atomic_path` leaves when a process dies mid-write (".<name>.<random>.tmp").
        for name in os.listdir(self.folder):
            if name.startswith(".") and name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(self.folder, name))
