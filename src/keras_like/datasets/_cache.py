"""Finding Keras's dataset cache files offline, and reading them without running pickled code.

Keras's `get_file` stores downloads under `$KERAS_HOME/datasets` (default `~/.keras/datasets`,
or `/tmp/.keras/datasets` when that directory is not writable). keras_like reads the same
files but never downloads: a missing file is an error that names the path and the URL.
"""

import os
import pickle
import tarfile
import tempfile
import zipfile

import numpy as np

from keras_like.datasets import _bounded

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def keras_home():
    """The Keras cache root: `$KERAS_HOME` if set, else `~/.keras` (read at each call)."""
    if "KERAS_HOME" in os.environ:
        return os.path.expanduser(os.environ["KERAS_HOME"])
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def cache_dirs(cache_subdir="datasets"):
    """Directories where Keras's `get_file` may have stored a file, most likely first."""
    base = keras_home()
    dirs = [os.path.join(base, cache_subdir)]
    if not os.access(base, os.W_OK):
        # get_file falls back to /tmp/.keras when the cache root is not writable.
        tmp = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
        dirs.append(os.path.join(tmp, ".keras", cache_subdir))
    return dirs


def check_fname(fname):
    fname = os.fspath(fname)
    if os.sep in fname:
        raise ValueError(
            "Paths are no longer accepted as the `fname` argument. "
            "To specify the file's parent directory, use "
            f"the `cache_dir` argument. Received: fname={fname}"
        )
    return fname


def missing_error(path, origin):
    return FileNotFoundError(
        f"Dataset file not found: {path}. keras_like does not download datasets; Keras would "
        f"fetch it from {origin}. Download that file where there is network access and put "
        "it at the path above (or point the KERAS_HOME environment variable at a directory "
        "whose datasets/ folder holds it)."
    )


def find_file(fname, origin, cache_subdir="datasets"):
    """Path of the cached `fname`; raises FileNotFoundError naming the path and `origin`."""
    fname = check_fname(fname)
    dirs = cache_dirs(cache_subdir)
    for d in dirs:
        path = os.path.join(d, fname)
        if os.path.isfile(path):
            return path
    raise missing_error(os.path.join(dirs[0], fname), origin)


def find_extracted_dir(layouts, needed, archives, origin, member_limit, total_limit):
    """Directory holding the `needed` files of an archive that Keras extracts.

    `layouts` lists candidate directories relative to the cache (the current Keras layout
    first, then older ones); `archives` lists archive file names Keras may have left in the
    cache. When only an archive is there it is extracted (safely) into the first layout's
    parent, as Keras's `get_file(..., extract=True)` does, refusing archives whose members
    declare more than `member_limit` bytes each or `total_limit` bytes together.
    """
    dirs = cache_dirs()
    for d in dirs:
        for layout in layouts:
            path = os.path.join(d, layout)
            if all(os.path.isfile(os.path.join(path, f)) for f in needed):
                return path
    for d in dirs:
        for name in archives:
            archive = os.path.join(d, name)
            if os.path.isfile(archive) and tarfile.is_tarfile(archive):
                target = os.path.join(d, layouts[0].split("/")[0])
                _extract_tar(archive, target, member_limit, total_limit)
                path = os.path.join(d, layouts[0])
                if all(os.path.isfile(os.path.join(path, f)) for f in needed):
                    return path
    raise missing_error(os.path.join(dirs[0], layouts[0], needed[0]), origin)


def _extract_tar(archive, target, member_limit, total_limit):
    os.makedirs(target, exist_ok=True)
    root = os.path.realpath(target)
    with tarfile.open(archive) as tar:
        members = []
        for member in _bounded.checked_tar_members(tar, archive, member_limit, total_limit):
            dest = os.path.realpath(os.path.join(root, member.name))
            # Only regular files and folders that stay inside the target: no links, no `..`.
            if (member.isfile() or member.isdir()) and os.path.commonpath([dest, root]) == root:
                members.append(member)
        # Python's "data" filter (3.11.4+) adds its own checks on modes and names.
        kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(root, members=members, **kwargs)


# The globals a genuine object array needs to be rebuilt from its pickle stream. Anything
# else (os.system, builtins.eval, ...) is refused, so a tampered cache file cannot run code.
_ALLOWED_PICKLE_GLOBALS = frozenset({
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    # Protocol-2 pickles written by Python 3 store bytes as `_codecs.encode(text, "latin1")`.
    ("_codecs", "encode"),
})


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that only rebuilds NumPy arrays (plus plain Python containers)."""

    def find_class(self, module, name):
        if (module, name) in _ALLOWED_PICKLE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to deserialize `{module}.{name}` while loading a Keras "
            "dataset. The file may be corrupted or malicious."
        )


def _load_npy_member(fp):
    try:
        return np.lib.format.read_array(fp, allow_pickle=False)
    except ValueError:
        # An object array: skip the header, then unpickle with the restricted unpickler.
        fp.seek(0)
        version = np.lib.format.read_magic(fp)
        if version[0] == 1:
            np.lib.format.read_array_header_1_0(fp)
        elif version[0] in (2, 3):
            # Format 3.0 differs from 2.0 only in the header's text encoding.
            np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f"Unsupported `.npy` file version: {version}.") from None
        return RestrictedUnpickler(fp).load()


def load_npz(path, limits):
    """Reads the members named in `limits` from an `.npz` archive into a dict of arrays.

    `limits` maps each array name to the most bytes its `.npy` member may declare (see
    `_bounded.npy_bytes`); names absent from the archive are left out of the result, other
    members are not read. Object arrays are unpickled with the restricted unpickler.
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        present = set(archive.namelist())
        for name, limit in limits.items():
            member = name + ".npy"
            if member not in present:
                continue
            buffer = _bounded.read_zip_member(archive, path, member, limit)
            _bounded.check_npy_header(buffer, path, member)
            arrays[name] = _load_npy_member(buffer)
    return arrays


def load_pickle(path, encoding="bytes"):
    """Reads a pickle file (e.g. a CIFAR batch) with the restricted unpickler."""
    with open(path, "rb") as f:
        return RestrictedUnpickler(f, encoding=encoding).load()


def remove_long_seq(maxlen, seq, label):
    """Keeps only the sequences strictly shorter than `maxlen` (and their labels)."""
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label
