"""The `assets/` part of a `.keras` file: files that layers write with `save_assets(dir)`.

Keras (saving_lib.DiskIOStore) gives every saveable object that has `save_assets` the folder
`assets/<its weights-file path>/` (`assets/layers/text_vectorization/`, ...), and zips only
the files written there; `load_assets(dir)` gets the same folder back after the weights are
loaded. keras_like's lookup layers write their `vocabulary.txt` this way, so files move both
ways. The paths come from `saveable_tree.walk`, the same walk that names weight groups.

Reading extracts only the `assets/` members (their names were already checked not to escape
the archive by keras_file) into a private temporary folder, by reading each member and
writing a plain file: no links, no permissions from the archive.
"""

import contextlib
import os
import shutil
import tempfile

from keras_like.saving import saveable_tree

PREFIX = "assets/"
# The most bytes all asset members may inflate to (a vocabulary of millions of terms is
# tens of MB); more is refused as a zip bomb, not a model.
MAX_ASSET_BYTES = 1 << 30


def write_assets(model, archive):
    """Runs every `save_assets` under `model` and adds the files written to `archive`."""
    saveables = [(path, obj) for path, obj in saveable_tree.walk(model)
                 if hasattr(obj, "save_assets")]
    if not saveables:
        return
    with tempfile.TemporaryDirectory(prefix="keras_like_assets_") as root:
        for path, obj in saveables:
            folder = os.path.join(root, *path.split("/")) if path else root
            os.makedirs(folder, exist_ok=True)
            obj.save_assets(folder)
        _add_files(archive, root, PREFIX.rstrip("/"))


def _add_files(archive, folder, member_prefix):
    # Keras's _write_to_zip_recursively, with each folder's entries (files and folders
    # together) in name order, so the member order is reproducible.
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        member = f"{member_prefix}/{name}"
        if os.path.isdir(path):
            _add_files(archive, path, member)
        else:
            archive.write(path, member)


@contextlib.contextmanager
def extracted_assets(archive, filepath):
    """A temporary folder holding the archive's `assets/` members (None when it has none)."""
    members = [info for info in archive.infolist()
               if info.filename.startswith(PREFIX) and not info.is_dir()]
    if not members:
        yield None
        return
    total = sum(info.file_size for info in members)
    if total > MAX_ASSET_BYTES:
        raise ValueError(f"{filepath}: its assets would decompress to {total} bytes; refused "
                         f"(more than {MAX_ASSET_BYTES}).")
    root = tempfile.mkdtemp(prefix="keras_like_assets_")
    try:
        for info in members:
            parts = [p for p in info.filename[len(PREFIX):].split("/") if p]
            target = os.path.join(root, *parts)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with archive.open(info) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def load_assets(model, root):
    """Runs every `load_assets` under `model` with its folder under `root` (None when the
    file has no such folder: a layer that needs one says so)."""
    for path, obj in saveable_tree.walk(model):
        if not hasattr(obj, "load_assets"):
            continue
        folder = None
        if root is not None:
            folder = os.path.join(root, *path.split("/")) if path else root
            if not os.path.isdir(folder):
                folder = None
        obj.load_assets(folder)
